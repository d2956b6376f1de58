/**
 * Connection family: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO and CLIENT.
 * Parse → op (on the client's own state) → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import type { Client } from '../../server/client.js';
import { kDatabases } from '../../shard/shard.js';
import { subCounts } from '../../pubsub/hub.js';

export const kRedisVersion = '7.0.15';

// ------------------------------------------------------------------ helpers

/** AUTH check shared by AUTH and HELLO. Returns an error text, or null when authenticated. */
function checkPassword(c: Ctx, user: string | null, pass: string): string | null {
  const required = c.engine.config.str('requirepass');
  if (user !== null && user !== 'default') return E.wrongPass;
  if (required === '') return null; // default user is "nopass": any password works
  return pass === required ? null : E.wrongPass;
}

function setResp(c: Ctx, v: 2 | 3): void {
  c.client.resp = v;
  c.reply.resp = v;
}

/** Redis allows client names of printable ASCII without spaces ('!'..'~'). */
function validName(s: Buffer): boolean {
  for (const ch of s) if (ch < 0x21 || ch > 0x7e) return false;
  return true;
}

/** One CLIENT LIST line, with Redis 7's field names and order. */
export function clientInfoLine(cl: Client, now: number): string {
  const [sub, psub, ssub] = subCounts(cl);
  const flags = `${cl.subCount !== 0 ? 'P' : ''}${cl.tx?.multi ? 'x' : ''}${cl.noEvict ? 'e' : ''}${cl.noTouch ? 'T' : ''}` || 'N';
  const qbuf = cl.queryBufferBytes();
  const omem = cl.outputBufferBytes();
  return `id=${cl.id} addr=${cl.addr} laddr=${cl.laddr} fd=${cl.fd} name=${cl.name} ` +
    `age=${Math.floor((now - cl.createdAt) / 1000)} idle=${Math.floor((now - cl.lastInteraction) / 1000)} ` +
    `flags=${flags} db=${cl.db} sub=${sub} psub=${psub} ssub=${ssub} multi=${cl.tx?.multi ? cl.tx.count : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=0 ` +
    `multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} events=r ` +
    `cmd=${cl.lastCommand} user=default redir=-1 resp=${cl.resp} lib-name=${cl.libName} lib-ver=${cl.libVer}`;
}

// ------------------------------------------------------------------ commands

function pingCommand(c: Ctx): void {
  if (c.argc > 2) return c.reply.error(E.wrongArity('ping'));
  if (c.client.subCount !== 0 && c.client.resp === 2) {
    // Subscribed RESP2 clients get ["pong", argument or ""] (Redis's pingCommand).
    c.reply.array(2);
    c.reply.bulkString('pong');
    if (c.argc === 1) c.reply.bulkString('');
    else c.reply.bulk(c.buf, c.offs[1], c.lens[1]);
    return;
  }
  if (c.argc === 1) c.reply.simple('PONG');
  else c.reply.bulk(c.buf, c.offs[1], c.lens[1]);
}

function echoCommand(c: Ctx): void {
  c.reply.bulk(c.buf, c.offs[1], c.lens[1]);
}

function selectCommand(c: Ctx): void {
  const db = c.long(1);
  if (db === null) return c.reply.error(E.notInteger);
  if (db < 0 || db >= kDatabases) return c.reply.error(E.dbIndexOutOfRange);
  c.client.db = db;
  c.reply.ok();
}

function quitCommand(c: Ctx): void {
  c.reply.ok();
  c.client.closeAfterReply = true;
}

function resetCommand(c: Ctx): void {
  const cl = c.client;
  cl.db = 0;
  cl.name = '';
  // Redis 7.0's RESET keeps CLIENT NO-EVICT (7.2 clears it).
  cl.noTouch = false;
  c.engine.pubsub.unsubscribeAll(cl); // leaves subscribed mode
  setResp(c, 2);
  cl.authenticated = c.engine.config.str('requirepass') === '';
  c.reply.simple('RESET');
}

function authCommand(c: Ctx): void {
  if (c.argc > 3) return c.reply.error(E.syntax);
  if (c.argc === 2 && c.engine.config.str('requirepass') === '') return c.reply.error(E.authNotSet);
  const err = checkPassword(c, c.argc === 3 ? c.str(1) : null, c.str(c.argc - 1));
  if (err !== null) return c.reply.error(err);
  c.client.authenticated = true;
  c.reply.ok();
}

function helloCommand(c: Ctx): void {
  let ver = 0;
  if (c.argc >= 2) {
    const v = c.long(1);
    if (v === null) return c.reply.error('ERR Protocol version is not an integer or out of range');
    if (v < 2 || v > 3) return c.reply.error(E.noProto);
    ver = v;
  }
  let name: Buffer | null = null;
  for (let i = 2; i < c.argc; i++) {
    const more = c.argc - i - 1;
    if (c.is(i, 'AUTH') && more >= 2) {
      const err = checkPassword(c, c.str(i + 1), c.str(i + 2));
      if (err !== null) return c.reply.error(err);
      c.client.authenticated = true;
      i += 2;
    } else if (c.is(i, 'SETNAME') && more >= 1) {
      name = c.arg(i + 1);
      if (!validName(name)) return c.reply.error(E.clientNameSpaces);
      i++;
    } else {
      return c.reply.error(`ERR Syntax error in HELLO option '${c.bin(i)}'`);
    }
  }
  if (!c.client.authenticated) {
    return c.reply.error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  if (name !== null) c.client.name = name.toString('latin1');
  if (ver !== 0) setResp(c, ver as 2 | 3);
  const r = c.reply;
  r.map(7);
  r.bulkString('server'); r.bulkString('redis');
  r.bulkString('version'); r.bulkString(kRedisVersion);
  r.bulkString('proto'); r.int(c.client.resp);
  r.bulkString('id'); r.int(c.client.id);
  r.bulkString('mode'); r.bulkString('standalone');
  r.bulkString('role'); r.bulkString('master');
  r.bulkString('modules'); r.array(0);
}

// ---- CLIENT

function clientIdCommand(c: Ctx): void {
  c.reply.int(c.client.id);
}

function clientSetnameCommand(c: Ctx): void {
  const name = c.arg(2);
  if (!validName(name)) return c.reply.error(E.clientNameSpaces);
  c.client.name = name.toString('latin1');
  c.reply.ok();
}

function clientGetnameCommand(c: Ctx): void {
  if (c.client.name === '') c.reply.nullBulk();
  else c.reply.bulkString(c.client.name);
}

function clientSetinfoCommand(c: Ctx): void {
  const attr = c.str(2).toLowerCase();
  const val = c.arg(3);
  if (attr !== 'lib-name' && attr !== 'lib-ver') return c.reply.error(`ERR Unrecognized option '${c.bin(2)}'`);
  if (!validName(val) && val.length > 0) {
    return c.reply.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  }
  if (attr === 'lib-name') c.client.libName = val.toString('latin1');
  else c.client.libVer = val.toString('latin1');
  c.reply.ok();
}

function clientListCommand(c: Ctx): void {
  let ids: Set<number> | null = null;
  if (c.argc > 2) {
    if (c.is(2, 'ID') && c.argc > 3) {
      ids = new Set();
      for (let i = 3; i < c.argc; i++) {
        const v = c.long(i);
        if (v === null) return c.reply.error('ERR Invalid client ID');
        ids.add(v);
      }
    } else if (c.is(2, 'TYPE') && c.argc === 4) {
      const t = c.str(3).toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) {
        return c.reply.error(`ERR Unknown client type '${c.bin(3)}'`);
      }
      ids = new Set();
      for (const cl of c.engine.clients.values()) {
        if (t === (cl.subCount !== 0 ? 'pubsub' : 'normal')) ids.add(cl.id);
      }
    } else return c.reply.error(E.syntax);
  }
  const now = Date.now();
  let out = '';
  for (const cl of c.engine.clients.values()) {
    if (ids === null || ids.has(cl.id)) out += clientInfoLine(cl, now) + '\n';
  }
  c.reply.verbatim('txt', out);
}

function clientInfoCommand(c: Ctx): void {
  c.reply.verbatim('txt', clientInfoLine(c.client, Date.now()) + '\n');
}

function onOff(c: Ctx, set: (v: boolean) => void): void {
  if (c.is(2, 'ON')) set(true);
  else if (c.is(2, 'OFF')) set(false);
  else return c.reply.error(E.syntax);
  c.reply.ok();
}

function clientKillCommand(c: Ctx): void {
  const clients = c.engine.clients;
  if (c.argc === 3) {
    // Old form: CLIENT KILL addr:port
    const addr = c.str(2);
    for (const cl of clients.values()) {
      if (cl.addr === addr) {
        if (cl === c.client) cl.closeAfterReply = true;
        else cl.kill();
        return c.reply.ok();
      }
    }
    return c.reply.error(E.clientNoSuchClient);
  }
  if (c.argc % 2 !== 0) return c.reply.error(E.syntax);
  let id = -1, addr: string | null = null, laddr: string | null = null, user: string | null = null;
  let type: string | null = null, skipme = true;
  for (let i = 2; i < c.argc; i += 2) {
    const v = c.str(i + 1);
    if (c.is(i, 'ID')) {
      const n = c.long(i + 1);
      if (n === null || n <= 0) return c.reply.error('ERR client-id should be greater than 0');
      id = n;
    } else if (c.is(i, 'ADDR')) addr = v;
    else if (c.is(i, 'LADDR')) laddr = v;
    else if (c.is(i, 'USER')) {
      if (v !== 'default') return c.reply.error(`ERR No such user '${v}'`);
      user = v;
    } else if (c.is(i, 'TYPE')) {
      type = v.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
        return c.reply.error(`ERR Unknown client type '${v}'`);
      }
    } else if (c.is(i, 'SKIPME')) {
      if (c.is(i + 1, 'YES')) skipme = true;
      else if (c.is(i + 1, 'NO')) skipme = false;
      else return c.reply.error(E.syntax);
    } else return c.reply.error(E.syntax);
  }
  let killed = 0;
  for (const cl of [...clients.values()]) {
    if (id !== -1 && cl.id !== id) continue;
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== null && type !== (cl.subCount !== 0 ? 'pubsub' : 'normal')) continue;
    void user;
    if (cl === c.client && skipme) continue;
    if (cl === c.client) cl.closeAfterReply = true;
    else cl.kill();
    killed++;
  }
  c.reply.int(killed);
}

function clientHelpCommand(c: Ctx): void {
  const lines = [
    'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GETNAME', '    Return the name of the current connection.',
    'ID', '    Return the ID of the current connection.',
    'INFO', '    Return information about the current client connection.',
    'KILL <ip:port>', '    Kill connection made from <ip:port>.',
    'KILL <option> <value> [<option> <value> [...]]',
    '    Kill connections. Options are: ID, ADDR, LADDR, USER, TYPE, SKIPME.',
    'LIST [options ...]', '    Return information about client connections. Options: TYPE, ID.',
    'SETNAME <name>', '    Assign the name <name> to the current connection.',
    'SETINFO <option> <value>', '    Set client meta attributes: LIB-NAME, LIB-VER.',
    'NO-EVICT (ON|OFF)', '    Protect the current client connection from eviction.',
    'NO-TOUCH (ON|OFF)', "    Commands of this client will not change the keys' LRU/LFU.",
    'HELP', '    Prints this help.',
  ];
  c.replyLines(lines);
}

// ------------------------------------------------------------------ registration

export const connectionCommands: FamilyTable = {
  ping: { handler: pingCommand },
  echo: { handler: echoCommand },
  select: { handler: selectCommand },
  quit: { handler: quitCommand },
  reset: { handler: resetCommand },
  auth: { handler: authCommand },
  hello: { handler: helloCommand },
  client: {
    subcommands: {
      id: { handler: clientIdCommand },
      setname: { handler: clientSetnameCommand },
      getname: { handler: clientGetnameCommand },
      setinfo: { handler: clientSetinfoCommand },
      list: { handler: clientListCommand },
      info: { handler: clientInfoCommand },
      kill: { handler: clientKillCommand },
      'no-evict': { handler: (c) => onOff(c, (v) => (c.client.noEvict = v)) },
      'no-touch': { handler: (c) => onOff(c, (v) => (c.client.noTouch = v)) },
      help: { handler: clientHelpCommand },
    },
  },
};
