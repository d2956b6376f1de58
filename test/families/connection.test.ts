/**
 * Connection family: PING, ECHO, SELECT, HELLO, AUTH, RESET, QUIT, CLIENT, plus the
 * dispatcher's unknown-command / unknown-subcommand / arity texts. Expected replies were
 * captured from a real redis-server 7.0.15 (same commands), except CLIENT SETINFO and
 * CLIENT NO-TOUCH, which Redis 7.0 does not have (they are 7.2 commands Spindle adds).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { Client } from '../../src/server/client.js';
import { NIL, OK, bulk, err, int, registerClient, unauthenticatedClient } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());
afterEach(() => {
  h.config.set('requirepass', '');
  h.engine.clients.clear();
});

const SYNTAX = err('ERR syntax error');
const NOT_INT = err('ERR value is not an integer or out of range');
const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);
const NOAUTH = err('NOAUTH Authentication required.');
const WRONGPASS = err('WRONGPASS invalid username-password pair or user is disabled.');
const NOPROTO = err('NOPROTO unsupported protocol version');
const BAD_NAME = err('ERR Client names cannot contain spaces, newlines or special characters.');
const HELLO_NOAUTH = err('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
const AUTH_NOT_SET = err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');

function helloReply(proto: 2 | 3, id: number): string {
  const fields = `$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:${proto}\r\n$2\r\nid\r\n:${id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`;
  return (proto === 3 ? '%7\r\n' : '*14\r\n') + fields;
}

/** Field names of one CLIENT LIST / CLIENT INFO line. */
const fieldNames = (line: string) => line.trim().split(' ').map((f) => f.slice(0, f.indexOf('=')));
const fieldsOf = (line: string) =>
  Object.fromEntries(line.trim().split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));

/** Redis 7.0.15's CLIENT LIST / CLIENT INFO fields, in order. */
const REDIS70_FIELDS = ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub',
  'multi', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events',
  'cmd', 'user', 'redir', 'resp'];

describe('PING / ECHO', () => {
  it('PING', () => {
    const c = h.client(2);
    expect(h.run(c, 'PING')).toBe('+PONG\r\n');
    expect(h.run(c, 'ping', 'hi')).toBe(bulk('hi'));
    expect(h.run(c, 'PING', Buffer.from([0, 13, 10, 255]))).toBe('$4\r\n\0\r\n\xff\r\n');
    expect(h.run(c, 'PING', 'a', 'b')).toBe(arity('ping'));
    const c3 = h.client(3);
    expect(h.run(c3, 'PING')).toBe('+PONG\r\n');
    expect(h.run(c3, 'PING', 'x')).toBe(bulk('x'));
  });

  it('ECHO', () => {
    const c = h.client(2);
    expect(h.run(c, 'ECHO', 'x')).toBe(bulk('x'));
    expect(h.run(c, 'ECHO', '')).toBe('$0\r\n\r\n');
    expect(h.run(c, 'ECHO', 'a\r\nb')).toBe(bulk('a\r\nb'));
    expect(h.run(c, 'ECHO')).toBe(arity('echo'));
    expect(h.run(c, 'ECHO', 'a', 'b')).toBe(arity('echo'));
  });
});

describe('SELECT', () => {
  it('switches the client db; errors', () => {
    const c = h.client(2);
    expect(h.run(c, 'SELECT', '15')).toBe(OK);
    expect(c.db).toBe(15);
    expect(h.run(c, 'SELECT', '16')).toBe(err('ERR DB index is out of range'));
    expect(h.run(c, 'SELECT', '-1')).toBe(err('ERR DB index is out of range'));
    expect(h.run(c, 'SELECT', 'x')).toBe(NOT_INT);
    expect(h.run(c, 'SELECT', '1.0')).toBe(NOT_INT);
    expect(c.db).toBe(15);
    expect(h.run(c, 'SELECT')).toBe(arity('select'));
    expect(h.run(c, 'SELECT', '1', '2')).toBe(arity('select'));
    expect(h.run(c, 'SELECT', '0')).toBe(OK);
  });
});

describe('HELLO', () => {
  it('without arguments replies in the current protocol', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO')).toBe(helloReply(2, c.id));
    const c3 = h.client(3);
    expect(h.run(c3, 'HELLO')).toBe(helloReply(3, c3.id));
  });

  it('HELLO 3 switches to RESP3 (and replies in it), HELLO 2 back', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO', '3')).toBe(helloReply(3, c.id));
    expect(c.resp).toBe(3);
    expect(h.run(c, 'GET', 'hello:nokey')).toBe('_\r\n');
    const m = h.call(c, 'HELLO') as Map<string, unknown>;
    expect(m).toBeInstanceOf(Map);
    expect(m.get('proto')).toBe(3);
    expect(m.get('version')).toBe('7.0.15');
    expect(h.run(c, 'HELLO', '2')).toBe(helloReply(2, c.id));
    expect(c.resp).toBe(2);
    expect(h.run(c, 'GET', 'hello:nokey')).toBe(NIL);
  });

  it('protocol version errors', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO', '4')).toBe(NOPROTO);
    expect(h.run(c, 'HELLO', '1')).toBe(NOPROTO);
    expect(h.run(c, 'HELLO', '-1')).toBe(NOPROTO);
    expect(h.run(c, 'HELLO', '4', 'FOO')).toBe(NOPROTO);
    expect(h.run(c, 'HELLO', '4', 'AUTH', 'default', 'x')).toBe(NOPROTO);
    expect(h.run(c, 'HELLO', 'x')).toBe(err('ERR Protocol version is not an integer or out of range'));
    expect(h.run(c, 'HELLO', 'x', 'FOO')).toBe(err('ERR Protocol version is not an integer or out of range'));
    expect(c.resp).toBe(2);
  });

  it('SETNAME', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO', '3', 'SETNAME', 'bad name')).toBe(BAD_NAME);
    expect(c.resp).toBe(2);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(NIL);
    expect(h.run(c, 'HELLO', '3', 'SETNAME', 'nm')).toBe(helloReply(3, c.id));
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(bulk('nm'));
  });

  it('option syntax errors', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO', '2', 'SETNAME')).toBe(err("ERR Syntax error in HELLO option 'SETNAME'"));
    expect(h.run(c, 'HELLO', '2', 'FOO')).toBe(err("ERR Syntax error in HELLO option 'FOO'"));
    expect(h.run(c, 'HELLO', '2', 'AUTH', 'default')).toBe(err("ERR Syntax error in HELLO option 'AUTH'"));
  });

  it('AUTH without requirepass: default user takes any password, others are refused', () => {
    const c = h.client(2);
    expect(h.run(c, 'HELLO', '2', 'AUTH', 'default', 'x')).toBe(helloReply(2, c.id));
    expect(h.run(c, 'HELLO', '2', 'AUTH', 'bob', 'x')).toBe(WRONGPASS);
    expect(h.run(c, 'HELLO', '3', 'AUTH', 'bob', 'x', 'SETNAME', 'z')).toBe(WRONGPASS);
    expect(c.resp).toBe(2);
  });
});

describe('AUTH', () => {
  it('without requirepass', () => {
    const c = h.client(2);
    expect(h.run(c, 'AUTH', 'x')).toBe(AUTH_NOT_SET);
    expect(h.run(c, 'AUTH', 'default', 'x')).toBe(OK);
    expect(h.run(c, 'AUTH', 'bob', 'x')).toBe(WRONGPASS);
    expect(h.run(c, 'AUTH')).toBe(arity('auth'));
    expect(h.run(c, 'AUTH', 'a', 'b', 'c')).toBe(SYNTAX);
  });

  it('with requirepass: NOAUTH until authenticated', () => {
    expect(h.run(h.client(2), 'CONFIG', 'SET', 'requirepass', 's3cret')).toBe(OK);
    const c = unauthenticatedClient();
    for (const cmd of [['GET', 'k'], ['PING'], ['SELECT', '1'], ['CLIENT', 'ID'], ['ECHO', 'x'], ['SET', 'k', 'v']]) {
      expect(h.run(c, ...cmd), cmd.join(' ')).toBe(NOAUTH);
    }
    // unknown commands and arity errors come first
    expect(h.run(c, 'NOSUCHCMD', 'a')).toBe(err("ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' "));
    expect(h.run(c, 'GET')).toBe(arity('get'));
    expect(h.run(c, 'AUTH', 'x', 'y', 'z')).toBe(SYNTAX);
    expect(h.run(c, 'AUTH', 'wrong')).toBe(WRONGPASS);
    expect(h.run(c, 'AUTH', 'default', 'wrong')).toBe(WRONGPASS);
    expect(h.run(c, 'AUTH', 'bob', 's3cret')).toBe(WRONGPASS);
    expect(h.run(c, 'GET', 'k')).toBe(NOAUTH);
    expect(h.run(c, 'AUTH', 's3cret')).toBe(OK);
    expect(h.run(c, 'GET', 'auth:nokey')).toBe(NIL);
    const c2 = unauthenticatedClient();
    expect(h.run(c2, 'AUTH', 'default', 's3cret')).toBe(OK);
    expect(h.run(c2, 'PING')).toBe('+PONG\r\n');
  });

  it('HELLO when not authenticated', () => {
    h.config.set('requirepass', 's3cret');
    const c = unauthenticatedClient();
    expect(h.run(c, 'HELLO')).toBe(HELLO_NOAUTH);
    expect(h.run(c, 'HELLO', '3')).toBe(HELLO_NOAUTH);
    expect(h.run(c, 'HELLO', '2', 'SETNAME', 'n')).toBe(HELLO_NOAUTH);
    expect(c.resp).toBe(2);
    expect(c.name).toBe('');
  });

  it('HELLO AUTH authenticates, switches protocol and sets the name at once', () => {
    h.config.set('requirepass', 's3cret');
    const c = unauthenticatedClient();
    expect(h.run(c, 'HELLO', '3', 'SETNAME', 'bad name')).toBe(BAD_NAME);
    expect(h.run(c, 'HELLO', '3', 'AUTH', 'default', 'wrong')).toBe(WRONGPASS);
    expect(h.run(c, 'HELLO', '3', 'AUTH', 'default', 'wrong', 'FOO')).toBe(WRONGPASS);
    expect(h.run(c, 'GET', 'k')).toBe(NOAUTH);
    expect(h.run(c, 'HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'cn')).toBe(helloReply(3, c.id));
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(bulk('cn'));
    expect(h.run(c, 'GET', 'hello:nokey')).toBe('_\r\n');
  });

  it('HELLO AUTH then a bad SETNAME: error, but the client stays authenticated (Redis 7.0)', () => {
    h.config.set('requirepass', 's3cret');
    const c = unauthenticatedClient();
    expect(h.run(c, 'HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'bad name')).toBe(BAD_NAME);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(NIL);
    expect(h.run(c, 'GET', 'hello:nokey')).toBe(NIL); // still RESP2
  });

  it('QUIT needs no authentication', () => {
    h.config.set('requirepass', 's3cret');
    const c = unauthenticatedClient();
    expect(h.run(c, 'QUIT')).toBe(OK);
    expect(c.closeAfterReply).toBe(true);
  });
});

describe('RESET / QUIT', () => {
  it('RESET restores db 0, RESP2, no name', () => {
    const c = h.client(2);
    h.run(c, 'HELLO', '3', 'SETNAME', 'nn');
    h.run(c, 'SELECT', '4');
    expect(c.resp).toBe(3);
    expect(h.run(c, 'RESET')).toBe('+RESET\r\n');
    expect(c.resp).toBe(2);
    expect(c.db).toBe(0);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(NIL);
    expect(h.run(c, 'GET', 'reset:nokey')).toBe(NIL);
    expect(h.run(c, 'RESET', 'x')).toBe(arity('reset'));
  });

  it('RESET de-authenticates when requirepass is set', () => {
    h.config.set('requirepass', 's3cret');
    const c = unauthenticatedClient();
    expect(h.run(c, 'AUTH', 's3cret')).toBe(OK);
    h.run(c, 'SELECT', '2');
    expect(h.run(c, 'RESET')).toBe('+RESET\r\n');
    expect(h.run(c, 'GET', 'k')).toBe(NOAUTH);
    expect(h.run(c, 'AUTH', 'default', 's3cret')).toBe(OK);
    expect(c.db).toBe(0);
  });

  // Redis 7.0.15's RESET (clearClientConnectionState) leaves CLIENT NO-EVICT on: CLIENT INFO
  // shows flags=e after RESET. (Redis 7.2 clears it.)
  it('RESET keeps CLIENT NO-EVICT (Redis 7.0)', () => {
    const c = registerClient(h, h.client(2));
    expect(h.run(c, 'CLIENT', 'NO-EVICT', 'on')).toBe(OK);
    expect(h.run(c, 'RESET')).toBe('+RESET\r\n');
    const info = h.call(c, 'CLIENT', 'INFO') as string;
    expect(fieldsOf(info).flags).toBe('e');
  });

  it('QUIT replies OK and closes after the reply; extra arguments are ignored', () => {
    const c = h.client(2);
    expect(h.run(c, 'QUIT')).toBe(OK);
    expect(c.closeAfterReply).toBe(true);
    const c2 = h.client(2);
    expect(h.run(c2, 'QUIT', 'a', 'b')).toBe(OK);
  });
});

describe('CLIENT', () => {
  it('ID', () => {
    const c = h.client(2);
    expect(h.run(c, 'CLIENT', 'ID')).toBe(int(c.id));
    expect(h.run(c, 'client', 'id')).toBe(int(c.id));
    expect(h.run(c, 'CLIENT', 'ID', 'x')).toBe(arity('client|id'));
  });

  it('SETNAME / GETNAME', () => {
    const c = h.client(2);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(NIL);
    expect(h.run(c, 'CLIENT', 'SETNAME', 'my name')).toBe(BAD_NAME);
    expect(h.run(c, 'CLIENT', 'SETNAME', 'name\n')).toBe(BAD_NAME);
    expect(h.run(c, 'CLIENT', 'SETNAME', 'caf\u00e9')).toBe(BAD_NAME);
    expect(h.run(c, 'CLIENT', 'SETNAME', 'ok-name')).toBe(OK);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(bulk('ok-name'));
    expect(h.run(c, 'CLIENT', 'SETNAME', '!~{}')).toBe(OK);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(bulk('!~{}'));
    expect(h.run(c, 'CLIENT', 'SETNAME', '')).toBe(OK);
    expect(h.run(c, 'CLIENT', 'GETNAME')).toBe(NIL);
    expect(h.run(c, 'CLIENT', 'SETNAME')).toBe(arity('client|setname'));
    expect(h.run(c, 'CLIENT', 'GETNAME', 'x')).toBe(arity('client|getname'));
  });

  it('INFO: one line, Redis 7.0 fields in order, RESP3 verbatim', () => {
    const c = registerClient(h, new Client(h.engine.nextClientId(), '10.1.2.3:4567', '127.0.0.1:6379', 9, false));
    h.run(c, 'CLIENT', 'SETNAME', 'me');
    h.run(c, 'SELECT', '3');
    const raw = h.run(c, 'CLIENT', 'INFO');
    const m = /^\$(\d+)\r\n([^]*)\r\n$/.exec(raw)!;
    expect(m).not.toBeNull();
    const line = m[2];
    expect(Number(m[1])).toBe(Buffer.byteLength(line));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n').length).toBe(2);
    const names = fieldNames(line);
    expect(names.slice(0, REDIS70_FIELDS.length)).toEqual(REDIS70_FIELDS);
    expect(names.slice(REDIS70_FIELDS.length).every((n) => n === 'lib-name' || n === 'lib-ver')).toBe(true);
    const f = fieldsOf(line);
    expect(f).toMatchObject({ id: String(c.id), addr: '10.1.2.3:4567', laddr: '127.0.0.1:6379', fd: '9', name: 'me',
      flags: 'N', db: '3', multi: '-1', cmd: 'client|info', user: 'default', resp: '2' });
    h.run(c, 'HELLO', '3');
    const raw3 = h.run(c, 'CLIENT', 'INFO');
    expect(raw3).toMatch(/^=\d+\r\ntxt:id=/);
    const body = raw3.slice(raw3.indexOf('\r\n') + 2, -2);
    expect(Number(raw3.slice(1, raw3.indexOf('\r\n')))).toBe(Buffer.byteLength(body));
    expect(fieldsOf(body.slice(4)).resp).toBe('3');
    expect(h.run(c, 'CLIENT', 'INFO', 'x')).toBe(arity('client|info'));
  });

  it('LIST: every client, TYPE and ID filters', () => {
    const a = registerClient(h, new Client(h.engine.nextClientId(), '10.0.0.1:1', '127.0.0.1:6379', 5, false));
    const b = registerClient(h, new Client(h.engine.nextClientId(), '10.0.0.2:2', '127.0.0.1:6379', 6, false));
    h.run(b, 'CLIENT', 'SETNAME', 'bee');
    const list = h.call(a, 'CLIENT', 'LIST') as string;
    const lines = list.split('\n').filter((l) => l !== '');
    expect(list.endsWith('\n')).toBe(true);
    expect(lines.length).toBe(2);
    const byId = new Map(lines.map((l) => [fieldsOf(l).id, fieldsOf(l)]));
    expect(byId.get(String(a.id))!.cmd).toBe('client|list');
    expect(byId.get(String(b.id))!.name).toBe('bee');
    expect(byId.get(String(b.id))!.cmd).toBe('client|setname');
    for (const l of lines) expect(fieldNames(l).slice(0, REDIS70_FIELDS.length)).toEqual(REDIS70_FIELDS);
    expect((h.call(a, 'CLIENT', 'LIST', 'TYPE', 'normal') as string).split('\n').filter(Boolean).length).toBe(2);
    expect((h.call(a, 'CLIENT', 'LIST', 'type', 'NORMAL') as string).split('\n').filter(Boolean).length).toBe(2);
    for (const t of ['pubsub', 'replica', 'master', 'slave']) {
      expect(h.run(a, 'CLIENT', 'LIST', 'TYPE', t), t).toBe('$0\r\n\r\n');
    }
    const only = h.call(a, 'CLIENT', 'LIST', 'ID', String(b.id), '99999') as string;
    expect(only.split('\n').filter(Boolean).map((l) => fieldsOf(l).id)).toEqual([String(b.id)]);
    expect(h.run(a, 'CLIENT', 'LIST', 'ID', '99999')).toBe('$0\r\n\r\n');
    const a3 = h.client(3);
    registerClient(h, a3);
    expect(h.run(a3, 'CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('=4\r\ntxt:\r\n');
  });

  it('LIST errors', () => {
    const c = h.client(2);
    expect(h.run(c, 'CLIENT', 'LIST', 'TYPE', 'foo')).toBe(err("ERR Unknown client type 'foo'"));
    expect(h.run(c, 'CLIENT', 'LIST', 'ID', 'abc')).toBe(err('ERR Invalid client ID'));
    expect(h.run(c, 'CLIENT', 'LIST', 'ID', '1', 'abc')).toBe(err('ERR Invalid client ID'));
    expect(h.run(c, 'CLIENT', 'LIST', 'foo')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'LIST', 'ID')).toBe(SYNTAX);
  });

  // Redis 7.0 only refuses IDs that are not integers; 0 or negative IDs just match nothing.
  it('LIST ID 0 / negative: empty, not an error', () => {
    const c = registerClient(h, h.client(2));
    expect(h.run(c, 'CLIENT', 'LIST', 'ID', '0')).toBe('$0\r\n\r\n');
    expect(h.run(c, 'CLIENT', 'LIST', 'ID', '-5')).toBe('$0\r\n\r\n');
  });

  it('NO-EVICT', () => {
    const c = registerClient(h, h.client(2));
    expect(h.run(c, 'CLIENT', 'NO-EVICT', 'on')).toBe(OK);
    expect(fieldsOf(h.call(c, 'CLIENT', 'INFO') as string).flags).toBe('e');
    expect(h.run(c, 'CLIENT', 'NO-EVICT', 'maybe')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'NO-EVICT', 'OFF')).toBe(OK);
    expect(fieldsOf(h.call(c, 'CLIENT', 'INFO') as string).flags).toBe('N');
    expect(h.run(c, 'CLIENT', 'NO-EVICT')).toBe(arity('client|no-evict'));
  });

  // Redis 7.2 commands (not in 7.0.15): only the plain behaviour is checked.
  it('NO-TOUCH and SETINFO (7.2 additions)', () => {
    const c = registerClient(h, h.client(2));
    expect(h.run(c, 'CLIENT', 'NO-TOUCH', 'on')).toBe(OK);
    expect(c.noTouch).toBe(true);
    expect(h.run(c, 'CLIENT', 'NO-TOUCH', 'maybe')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'NO-TOUCH', 'off')).toBe(OK);
    expect(c.noTouch).toBe(false);
    expect(h.run(c, 'CLIENT', 'SETINFO', 'lib-name', 'mylib')).toBe(OK);
    expect(h.run(c, 'CLIENT', 'SETINFO', 'LIB-VER', '1.2.3')).toBe(OK);
    const f = fieldsOf(h.call(c, 'CLIENT', 'INFO') as string);
    expect(f['lib-name']).toBe('mylib');
    expect(f['lib-ver']).toBe('1.2.3');
    expect(h.run(c, 'CLIENT', 'SETINFO', 'foo', 'x')).toMatch(/^-ERR /);
    expect(h.run(c, 'CLIENT', 'SETINFO', 'lib-name', 'a b')).toMatch(/^-ERR /);
    expect(h.run(c, 'CLIENT', 'SETINFO', 'lib-name')).toBe(arity('client|setinfo'));
  });

  it('KILL by ID / ADDR / old-style address, SKIPME', () => {
    const me = registerClient(h, new Client(h.engine.nextClientId(), '10.0.0.1:1', '127.0.0.1:6379', 5, false));
    const killed: number[] = [];
    const mk = (addr: string) => {
      const cl = registerClient(h, new Client(h.engine.nextClientId(), addr, '127.0.0.1:6379', 7, false));
      cl.kill = () => { killed.push(cl.id); h.engine.clients.delete(cl.id); };
      return cl;
    };
    const x = mk('10.0.0.2:2'), y = mk('10.0.0.3:3'), z = mk('10.0.0.4:4');
    expect(h.run(me, 'CLIENT', 'KILL', 'ID', String(x.id))).toBe(int(1));
    expect(h.run(me, 'CLIENT', 'KILL', 'ADDR', '10.0.0.3:3')).toBe(int(1));
    expect(h.run(me, 'CLIENT', 'KILL', '10.0.0.4:4')).toBe(OK);
    expect(killed).toEqual([x.id, y.id, z.id]);
    expect(h.run(me, 'CLIENT', 'KILL', '10.0.0.4:4')).toBe(err('ERR No such client'));
    // SKIPME yes is the default
    expect(h.run(me, 'CLIENT', 'KILL', 'ID', String(me.id))).toBe(int(0));
    expect(h.run(me, 'CLIENT', 'KILL', 'ID', String(me.id), 'SKIPME', 'yes')).toBe(int(0));
    expect(me.closeAfterReply).toBe(false);
    expect(h.run(me, 'CLIENT', 'KILL', 'ID', String(me.id), 'SKIPME', 'no')).toBe(int(1));
    expect(me.closeAfterReply).toBe(true);
  });

  it('KILL errors and filters that match nobody', () => {
    const c = registerClient(h, h.client(2));
    expect(h.run(c, 'CLIENT', 'KILL', '1.2.3.4:5')).toBe(err('ERR No such client'));
    expect(h.run(c, 'CLIENT', 'KILL', 'ID')).toBe(err('ERR No such client'));
    expect(h.run(c, 'CLIENT', 'KILL', 'ID', '0')).toBe(err('ERR client-id should be greater than 0'));
    expect(h.run(c, 'CLIENT', 'KILL', 'ID', 'abc')).toBe(err('ERR client-id should be greater than 0'));
    expect(h.run(c, 'CLIENT', 'KILL', 'FOO', 'bar')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'KILL', 'TYPE', 'foo')).toBe(err("ERR Unknown client type 'foo'"));
    expect(h.run(c, 'CLIENT', 'KILL', 'USER', 'nobody')).toBe(err("ERR No such user 'nobody'"));
    expect(h.run(c, 'CLIENT', 'KILL', 'SKIPME', 'maybe')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'KILL', 'ID', '1', 'ID')).toBe(SYNTAX);
    expect(h.run(c, 'CLIENT', 'KILL')).toBe(arity('client|kill'));
    expect(h.run(c, 'CLIENT', 'KILL', 'ID', '99999')).toBe(int(0));
    expect(h.run(c, 'CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(int(0));
    expect(h.run(c, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes')).toBe(int(0));
    expect(h.run(c, 'CLIENT', 'KILL', 'ADDR', '1.2.3.4:5')).toBe(int(0));
    expect(h.run(c, 'CLIENT', 'KILL', 'LADDR', '1.2.3.4:5')).toBe(int(0));
    expect(h.run(c, 'CLIENT', 'KILL', 'USER', 'default')).toBe(int(0));
  });

  it('HELP: an array of status lines starting like Redis and ending with HELP', () => {
    const c = h.client(2);
    const lines = h.call(c, 'CLIENT', 'HELP') as string[];
    expect(h.run(c, 'CLIENT', 'HELP')).toMatch(/^\*\d+\r\n\+CLIENT <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n/);
    // every Redis HELP reply ends with the same two lines (addReplyHelp appends them)
    expect(lines.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    for (const sub of ['GETNAME', 'ID', 'INFO', 'SETNAME <name>', 'NO-EVICT (ON|OFF)']) {
      expect(lines, sub).toContain(sub);
    }
  });

  it('unknown subcommand and arity texts', () => {
    const c = h.client(2);
    expect(h.run(c, 'CLIENT', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
    expect(h.run(c, 'CLIENT', 'FOO', 'x')).toBe(err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
    expect(h.run(c, 'CLIENT', 'a\nb')).toBe(err("ERR unknown subcommand 'a b'. Try CLIENT HELP."));
    expect(h.run(c, 'CLIENT', 'x'.repeat(200))).toBe(err(`ERR unknown subcommand '${'x'.repeat(128)}'. Try CLIENT HELP.`));
    expect(h.run(c, 'CLIENT')).toBe(arity('client'));
  });
});

describe('dispatcher texts', () => {
  const c = h.client(2);
  const r = (...a: Arg[]) => h.run(c, ...a);

  it('unknown command with an args preview', () => {
    expect(r('FOO')).toBe(err("ERR unknown command 'FOO', with args beginning with: "));
    expect(r('foo', 'a', 'b')).toBe(err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
    expect(r('Foo', 'a b', 'c\r\nd')).toBe(err("ERR unknown command 'Foo', with args beginning with: 'a b' 'c  d' "));
    expect(r('a\r\nb', 'x')).toBe(err("ERR unknown command 'a  b', with args beginning with: 'x' "));
  });

  it('the preview is cut at 128 characters', () => {
    const x200 = 'x'.repeat(200);
    expect(r('FOO', x200)).toBe(err(`ERR unknown command 'FOO', with args beginning with: '${'x'.repeat(128)}' `));
    expect(r(x200)).toBe(err(`ERR unknown command '${'x'.repeat(128)}', with args beginning with: `));
    expect(r('FOO', 'a'.repeat(105), 'b'.repeat(64), 'c'))
      .toBe(err(`ERR unknown command 'FOO', with args beginning with: '${'a'.repeat(105)}' '${'b'.repeat(20)}' `));
  });

  it('wrong number of arguments', () => {
    const cases: [Arg[], string][] = [
      [['GET'], 'get'], [['GET', 'a', 'b'], 'get'], [['SET', 'k'], 'set'], [['PING', 'a', 'b'], 'ping'],
      [['ECHO'], 'echo'], [['SELECT'], 'select'], [['AUTH'], 'auth'], [['CONFIG'], 'config'],
      [['CONFIG', 'GET'], 'config|get'], [['OBJECT', 'Encoding'], 'object|encoding'], [['MSET', 'a'], 'mset'],
    ];
    for (const [args, name] of cases) expect(r(...args), args.join(' ')).toBe(arity(name));
  });
});
