/**
 * MULTI / EXEC / DISCARD in process (WATCH: transactions-watch.test.ts). Reply bytes are Redis 7.0.15's, checked
 * against a live redis-server (test/compat/transactions-compat.test.ts compares the error cases).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { createHarness } from './harness.js';
import { keysOnBothShards } from './family-kit.js';
import type { Client } from '../../src/server/client.js';
import { clientInfoLine } from '../../src/commands/families/connection.js';

const h = createHarness({ shards: 3 });
afterAll(() => h.close());

const Q = '+QUEUED\r\n';
const OK = '+OK\r\n';
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const execAbort = '-EXECABORT Transaction discarded because of previous errors.\r\n';

/** Run MULTI, the commands (expecting QUEUED), then EXEC; returns EXEC's raw reply. */
function tx(c: Client, ...cmds: string[][]): string {
  expect(h.run(c, 'MULTI')).toBe(OK);
  for (const cmd of cmds) expect(h.run(c, ...cmd)).toBe(Q);
  return h.run(c, 'EXEC');
}

/** One key per shard: `${prefix}N` names whose shards are all different. */
function keysOnEveryShard(prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < h.engine.shards.length; i++) {
    const k = `${prefix}${i}`;
    if (!out.some((o) => h.shardOf(o) === h.shardOf(k))) out.push(k);
  }
  return out;
}

describe('MULTI / EXEC basics', () => {
  const c = h.client();
  const c3 = h.client(3);

  it('queues commands and replies an array of their replies at EXEC', () => {
    h.call(c, 'FLUSHALL');
    h.call(c, 'RPUSH', 'mylist', 'a', 'b', 'c');
    expect(tx(c, ['LRANGE', 'mylist', '0', '-1'], ['PING'])).toBe(
      `*2\r\n*3\r\n${bulk('a')}${bulk('b')}${bulk('c')}+PONG\r\n`);
    expect(tx(c3, ['SET', 'b', '2'], ['GET', 'b'], ['GET', 'nokey'])).toBe(`*3\r\n+OK\r\n${bulk('2')}_\r\n`);
    expect(tx(c)).toBe('*0\r\n');
  });

  it('nothing runs before EXEC; DISCARD drops the queue', () => {
    h.call(c, 'SET', 'q', '1');
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'INCR', 'q')).toBe(Q);
    expect(h.call(h.client(), 'GET', 'q')).toBe('1');
    expect(h.run(c, 'DISCARD')).toBe(OK);
    expect(h.call(c, 'GET', 'q')).toBe('1');
    expect(h.run(c, 'EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(h.run(c, 'DISCARD')).toBe('-ERR DISCARD without MULTI\r\n');
  });

  it('runtime errors inside EXEC are elements of the reply; the other commands still run', () => {
    h.call(c, 'DEL', 'a');
    expect(tx(c, ['SET', 'a', '1'], ['INCR', 'a'], ['LPUSH', 'a', 'x'], ['GET', 'a'])).toBe(
      '*4\r\n+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$1\r\n2\r\n');
  });

  it('MULTI where commands alter argc/argv (SPOP)', () => {
    h.call(c, 'SADD', 'myset', 'a');
    expect(tx(c, ['SPOP', 'myset'])).toBe(`*1\r\n${bulk('a')}`);
    expect(h.call(c, 'EXISTS', 'myset')).toBe(0);
  });

  it('nested MULTI and WATCH inside MULTI are refused without flagging the transaction', () => {
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'MULTI')).toBe('-ERR MULTI calls can not be nested\r\n');
    expect(h.run(c, 'WATCH', 'x')).toBe('-ERR WATCH inside MULTI is not allowed\r\n');
    expect(h.run(c, 'SET', 'n', '1')).toBe(Q);
    expect(h.run(c, 'EXEC')).toBe('*1\r\n+OK\r\n');
  });

  it('CLIENT LIST shows flag x and the queued count while in MULTI, and the last queued command', () => {
    expect(h.run(c, 'MULTI')).toBe(OK);
    h.run(c, 'SET', 'a', '1');
    h.run(c, 'GET', 'a');
    expect(clientInfoLine(c, Date.now())).toMatch(/ flags=x db=0 .* multi=2 .* cmd=get /);
    expect(h.run(c, 'DISCARD')).toBe(OK);
    expect(clientInfoLine(c, Date.now())).toMatch(/ flags=N .* multi=-1 .* cmd=discard /);
  });

  it('UNWATCH inside MULTI is queued', () => {
    expect(tx(c, ['UNWATCH'])).toBe('*1\r\n+OK\r\n');
  });

  it('SELECT inside the transaction applies to the commands after it', () => {
    h.call(c, 'FLUSHALL');
    expect(tx(c, ['SELECT', '3'], ['SET', 'k', 'in3'], ['SELECT', '0'], ['SET', 'k', 'in0'])).toBe('*4\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    expect(h.call(c, 'GET', 'k')).toBe('in0');
    h.call(c, 'SELECT', '3');
    expect(h.call(c, 'GET', 'k')).toBe('in3');
    h.call(c, 'SELECT', '0');
  });

  it('counts the queued commands in INFO commandstats when they run', () => {
    h.call(c, 'CONFIG', 'RESETSTAT');
    tx(c, ['PING'], ['PING']);
    const info = h.call(c, 'INFO', 'commandstats') as string;
    expect(info).toMatch(/cmdstat_ping:calls=2,/);
    expect(info).toMatch(/cmdstat_exec:calls=1,/);
    expect(info).toMatch(/cmdstat_multi:calls=1,/);
  });
});

describe('errors while queueing', () => {
  const c = h.client();

  it('unknown command, unknown subcommand and wrong arity flag the transaction: EXECABORT', () => {
    h.call(c, 'DEL', 'foo1', 'foo2');
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'SET', 'foo1', 'bar1')).toBe(Q);
    expect(h.run(c, 'FOO', 'x')).toBe("-ERR unknown command 'FOO', with args beginning with: 'x' \r\n");
    expect(h.run(c, 'SET', 'foo2')).toBe("-ERR wrong number of arguments for 'set' command\r\n");
    expect(h.run(c, 'CLIENT', 'XYZ')).toBe("-ERR unknown subcommand 'XYZ'. Try CLIENT HELP.\r\n");
    expect(h.run(c, 'CONFIG', 'GET')).toBe("-ERR wrong number of arguments for 'config|get' command\r\n");
    expect(h.run(c, 'SET', 'foo2', 'bar2')).toBe(Q);
    expect(h.run(c, 'EXEC')).toBe(execAbort);
    expect(h.call(c, 'EXISTS', 'foo1', 'foo2')).toBe(0);
    expect(h.run(c, 'PING')).toBe('+PONG\r\n'); // the MULTI state is gone
  });

  it('a wrong arity of DISCARD or MULTI flags it too', () => {
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'DISCARD', 'x')).toBe("-ERR wrong number of arguments for 'discard' command\r\n");
    expect(h.run(c, 'EXEC')).toBe(execAbort);
  });

  it('EXEC with arguments discards the transaction with the reason', () => {
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'SET', 'a', '2')).toBe(Q);
    expect(h.run(c, 'EXEC', 'foo')).toBe(
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    expect(h.run(c, 'SET', 'a', '3')).toBe(OK); // not in MULTI any more
    expect(h.run(c, 'EXEC')).toBe('-ERR EXEC without MULTI\r\n');
  });

  it('no-multi commands are refused while queueing', () => {
    const cmd = h.engine.registry.get('lastsave')!;
    const saved = cmd.flags;
    cmd.flags |= 1 << 11; // F.NoMulti, as SAVE/SHUTDOWN carry it in Redis
    try {
      expect(h.run(c, 'MULTI')).toBe(OK);
      expect(h.run(c, 'LASTSAVE')).toBe('-ERR Command not allowed inside a transaction\r\n');
      expect(h.run(c, 'EXEC')).toBe(execAbort);
    } finally {
      cmd.flags = saved;
    }
  });

  it('RESET inside MULTI runs at once and leaves the transaction', () => {
    expect(h.run(c, 'MULTI')).toBe(OK);
    expect(h.run(c, 'SET', 'a', '9')).toBe(Q);
    expect(h.run(c, 'RESET')).toBe('+RESET\r\n');
    expect(h.run(c, 'EXEC')).toBe('-ERR EXEC without MULTI\r\n');
    expect(h.call(c, 'GET', 'a')).toBe('3');
  });
});

describe('blocking commands inside MULTI', () => {
  const c = h.client();
  const c3 = h.client(3);

  it('reply as on timeout instead of blocking', () => {
    h.call(c, 'DEL', 'el', 'el1', 'el2', 'ez');
    const want2 = '*6\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n*-1\r\n';
    const cmds = [['BLPOP', 'el', '0'], ['BRPOP', 'el', '0'], ['BRPOPLPUSH', 'el1', 'el2', '0'],
      ['BLMOVE', 'el1', 'el2', 'LEFT', 'LEFT', '0'], ['BZPOPMIN', 'ez', '0'], ['BZPOPMAX', 'ez', '0']];
    expect(tx(c, ...cmds)).toBe(want2);
    expect(tx(c3, ...cmds)).toBe('*6\r\n_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n');
  });

  it('a client that can block still gets blocking behaviour outside MULTI afterwards', () => {
    const b = h.client();
    const got: string[] = [];
    b.unblock = (r) => got.push(r === null ? 'RETRY' : r.toString('latin1'));
    expect(tx(b, ['BLPOP', 'el', '0'])).toBe('*1\r\n*-1\r\n');
    expect(h.run(b, 'BLPOP', 'el', '0')).toBe(''); // blocked now
    h.call(c, 'RPUSH', 'el', 'v');
    expect(got).toEqual([`*2\r\n${bulk('el')}${bulk('v')}`]);
  });

  it('clients blocked on keys the transaction fills are served after EXEC, not in the middle', () => {
    const b = h.client();
    const got: string[] = [];
    b.unblock = (r) => got.push(r === null ? 'RETRY' : r.toString('latin1'));
    h.call(c, 'DEL', 'wl');
    expect(h.run(b, 'BLPOP', 'wl', '0')).toBe('');
    expect(tx(c, ['RPUSH', 'wl', 'a'], ['RPUSH', 'wl', 'b'], ['LLEN', 'wl'])).toBe('*3\r\n:1\r\n:2\r\n:2\r\n');
    expect(got).toEqual([`*2\r\n${bulk('wl')}${bulk('a')}`]);
    expect(h.call(c, 'LRANGE', 'wl', '0', '-1')).toEqual(['b']);
  });
});

describe('transactions over several shards', () => {
  const c = h.client();

  it('runs commands on keys of every shard in one EXEC', () => {
    const ks = keysOnEveryShard('ms');
    expect(new Set(ks.map((k) => h.shardOf(k))).size).toBe(3);
    h.call(c, 'FLUSHALL');
    const cmds = ks.map((k, i) => ['SET', k, String(i)]);
    expect(tx(c, ...cmds, ['MGET', ...ks], ['DEL', ks[0]], ['DBSIZE'])).toBe(
      `*6\r\n+OK\r\n+OK\r\n+OK\r\n*3\r\n${bulk('0')}${bulk('1')}${bulk('2')}:1\r\n:2\r\n`);
  });

  it('holds every shard lock of the transaction until EXEC ends (a transfer is all or nothing)', () => {
    const [a, b] = keysOnBothShards(h, 'acct');
    h.call(c, 'MSET', a, '100', b, '0');
    expect(tx(c, ['DECRBY', a, '30'], ['INCRBY', b, '30'])).toBe('*2\r\n:70\r\n:30\r\n');
    // While EXEC runs, no other thread can take the locks: check from inside a queued command.
    const s0 = h.engine.shards[h.shardOf(a)], s1 = h.engine.shards[h.shardOf(b)];
    const seen: boolean[] = [];
    const cmd = h.engine.registry.get('ping')!;
    const orig = cmd.handler;
    cmd.handler = (ctx) => {
      seen.push(s0.lock.tryLock(), s1.lock.tryLock());
      orig(ctx);
    };
    try {
      expect(tx(c, ['DECRBY', a, '1'], ['PING'], ['INCRBY', b, '1'])).toBe('*3\r\n:69\r\n+PONG\r\n:31\r\n');
    } finally {
      cmd.handler = orig;
    }
    expect(seen).toEqual([false, false]);
  });
});
