/**
 * Keyspace notifications in process: notify-keyspace-events (parsing, CONFIG GET's normalised
 * text, errors) and the messages each command publishes, in order. Every expected value below
 * was captured from a real redis-server 7.0.15 with a PSUBSCRIBE '__key*__:*' subscriber.
 *
 * Messages are recorded where they enter pub/sub (PubsubHub.publish on the engine's thread), so
 * these tests see exactly what a command publishes, and in which order; delivery to
 * subscribers is covered by test/clients/notify.test.ts and test/compat/notify-compat.test.ts.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg, type Harness } from './harness.js';
import { keysOnBothShards } from './family-kit.js';
import { kNotifyIndex, notifyFlagsText, parseNotifyFlags } from '../../src/server/notify.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

/** Record every message published on a harness's engine thread: "channel message" (latin1). */
function record(hx: Harness): string[] {
  const got: string[] = [];
  const hub = hx.engine.pubsub;
  const orig = hub.publish.bind(hub);
  hub.publish = (kind, b, off, len, p, poff, plen) => {
    got.push(`${Buffer.from(b.subarray(off, off + len)).toString('latin1')} ${Buffer.from(p.subarray(poff, poff + plen)).toString('latin1')}`);
    return orig(kind, b, off, len, p, poff, plen);
  };
  return got;
}

const got = record(h);
let c = h.client(2);
const r = (...a: Arg[]) => h.run(c, ...a);

/** Run a command; the messages it published. */
function ev(...a: Arg[]): string[] {
  got.length = 0;
  r(...a);
  return [...got];
}

/** The K+E messages of events given as 'event key' (db 0 unless 'event key @db'). */
function kea(...events: string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const [event, key, at] = e.split(' ');
    const db = at === undefined ? 0 : Number(at.slice(1));
    out.push(`__keyspace@${db}__:${key} ${event}`, `__keyevent@${db}__:${event} ${key}`);
  }
  return out;
}

function setFlags(f: string): void {
  expect(r('CONFIG', 'SET', 'notify-keyspace-events', f)).toBe('+OK\r\n');
}

beforeEach(() => {
  c = h.client(2);
  setFlags('');
  r('FLUSHALL');
  setFlags('KEA');
});

afterAll(() => {
  h.run(h.client(), 'CONFIG', 'SET', 'notify-keyspace-events', '');
});

describe('notify-keyspace-events', () => {
  const get = () => r('CONFIG', 'GET', 'notify-keyspace-events');
  const shown = (v: string) => `*2\r\n$22\r\nnotify-keyspace-events\r\n$${v.length}\r\n${v}\r\n`;

  it('CONFIG GET shows the classes in Redis 7.0.15 normal form', () => {
    const cases: [string, string][] = [
      ['K', 'K'], ['E', 'E'], ['g', 'g'], ['$', '$'], ['l', 'l'], ['s', 's'], ['h', 'h'], ['z', 'z'],
      ['x', 'x'], ['e', 'e'], ['t', 't'], ['m', 'm'], ['d', 'd'], ['n', 'n'], ['A', 'A'],
      ['KA', 'AK'], ['KEA', 'AKE'], ['AKE', 'AKE'], ['Kg$lshzxetd', 'AK'], ['KEg$lshzxetmdn', 'AKEm'],
      ['Kn', 'nK'], ['En', 'nE'], ['KEAn', 'AKE'], ['KEt', 'tKE'], ['Ke', 'eK'], ['KE', 'KE'], ['', ''],
      ['EEKK', 'KE'], ['mz', 'zm'], ['xgK', 'gxK'],
    ];
    for (const [set, want] of cases) {
      setFlags(set);
      expect(get(), set).toBe(shown(want));
      expect(notifyFlagsText(parseNotifyFlags(set)!)).toBe(want);
    }
  });

  it('refuses an unknown class character with Redis\'s error, keeping the old value', () => {
    setFlags('Kl');
    for (const bad of ['KEA n', 'k', 'x x', 'KEAq', 'a']) {
      expect(r('CONFIG', 'SET', 'notify-keyspace-events', bad)).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
    }
    expect(get()).toBe(shown('lK'));
  });

  it('keeps a class the normal form hides: KEAn sends "new" though it shows as AKE', () => {
    setFlags('KEAn');
    expect(get()).toBe(shown('AKE'));
    expect(ev('SET', 'k', 'v')).toEqual(kea('new k', 'set k'));
  });

  it('is one word in every shard, written by CONFIG SET and cleared by an empty string', () => {
    setFlags('Kl');
    for (const s of h.engine.shards) expect(s.control[kNotifyIndex]).toBe(parseNotifyFlags('Kl'));
    setFlags('');
    for (const s of h.engine.shards) expect(s.control[kNotifyIndex]).toBe(0);
  });

  it('off (the default) publishes nothing at all', () => {
    setFlags('');
    got.length = 0;
    for (const cmd of [['SET', 'a', '1'], ['INCR', 'i'], ['LPUSH', 'l', 'x'], ['LPOP', 'l'], ['DEL', 'a'], ['GET', 'zz'],
      ['SADD', 's', 'a'], ['HSET', 'h', 'f', 'v'], ['ZADD', 'z', '1', 'm'], ['EXPIRE', 'i', '0']]) r(...cmd);
    expect(got).toEqual([]);
  });

  it('classes filter events; K and E choose the channels', () => {
    setFlags('Kl');
    expect(ev('RPUSH', 'l', 'a')).toEqual(['__keyspace@0__:l rpush']);
    expect(ev('SET', 's', 'v')).toEqual([]);
    setFlags('E$');
    expect(ev('SET', 's', 'v')).toEqual(['__keyevent@0__:set s']);
    expect(ev('RPUSH', 'l', 'b')).toEqual([]);
    setFlags('Eg');
    expect(ev('EXPIRE', 's', '100')).toEqual(['__keyevent@0__:expire s']);
    setFlags('A'); // classes but no channel
    expect(ev('DEL', 's')).toEqual([]);
    setFlags('Kn');
    expect(ev('SET', 'n1', 'v')).toEqual(['__keyspace@0__:n1 new']);
    setFlags('Em');
    expect(ev('GET', 'missing')).toEqual(['__keyevent@0__:keymiss missing']);
  });

  it('names the database, and carries binary keys byte for byte', () => {
    r('SELECT', '5');
    expect(ev('SET', 'k', 'v')).toEqual(kea('set k @5'));
    r('SELECT', '12');
    expect(ev('SET', 'k', 'v')).toEqual(kea('set k @12'));
    r('SELECT', '0');
    const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x41]);
    expect(ev('SET', key, 'v')).toEqual(kea(`set ${key.toString('latin1')}`));
  });
});

describe('strings', () => {
  it('SET and its variants', () => {
    setFlags('KEAnm');
    expect(ev('SET', 'a', '1')).toEqual(kea('new a', 'set a'));
    expect(ev('SET', 'a', '2')).toEqual(kea('set a'));
    expect(ev('SET', 'a', '1', 'NX')).toEqual([]);
    expect(ev('SET', 'a', '3', 'XX', 'GET')).toEqual(kea('set a'));
    expect(ev('SET', 'a', '4', 'PX', '100000')).toEqual(kea('set a', 'expire a'));
    expect(ev('SET', 'a', '5', 'KEEPTTL')).toEqual(kea('set a'));
    expect(ev('SETNX', 'a', '1')).toEqual([]);
    expect(ev('SETNX', 'b', '1')).toEqual(kea('new b', 'set b'));
    expect(ev('SETEX', 'c', '100', 'v')).toEqual(kea('new c', 'set c', 'expire c'));
    expect(ev('PSETEX', 'd', '100000', 'v')).toEqual(kea('new d', 'set d', 'expire d'));
    expect(ev('GETSET', 'a', '7')).toEqual(kea('set a'));
    expect(ev('GETSET', 'nn', '7')).toEqual(kea('keymiss nn', 'new nn', 'set nn'));
    expect(ev('MSET', 'a', '1', 'b', '2', 'nn2', '3')).toEqual(kea('set a', 'set b', 'new nn2', 'set nn2'));
    expect(ev('MSETNX', 'x', '1', 'y', '2')).toEqual(kea('new x', 'set x', 'new y', 'set y'));
    expect(ev('MSETNX', 'x', '1', 'z', '2')).toEqual([]);
  });

  it('APPEND, the INCR family, GETDEL, GETEX', () => {
    setFlags('KEAnm');
    expect(ev('APPEND', 'ap', 'x')).toEqual(kea('new ap', 'append ap'));
    expect(ev('APPEND', 'ap', 'y')).toEqual(kea('append ap'));
    expect(ev('INCR', 'i')).toEqual(kea('new i', 'incrby i'));
    expect(ev('INCRBY', 'i', '5')).toEqual(kea('incrby i'));
    expect(ev('DECR', 'i')).toEqual(kea('incrby i'));
    expect(ev('DECRBY', 'i', '3')).toEqual(kea('incrby i'));
    expect(ev('INCRBYFLOAT', 'f', '1.5')).toEqual(kea('new f', 'incrbyfloat f'));
    expect(ev('INCR', 'ap')).toEqual([]); // not an integer: error, no event
    expect(ev('GETDEL', 'ap')).toEqual(kea('del ap'));
    expect(ev('GETDEL', 'ap')).toEqual(kea('keymiss ap'));
    r('SET', 'b', 'v');
    expect(ev('GETEX', 'b')).toEqual([]);
    expect(ev('GETEX', 'b', 'EX', '100')).toEqual(kea('expire b'));
    expect(ev('GETEX', 'b', 'PERSIST')).toEqual(kea('persist b'));
    expect(ev('GETEX', 'b', 'PERSIST')).toEqual([]);
    expect(ev('GETEX', 'b', 'PXAT', '1')).toEqual(kea('del b'));
  });

  it('SETRANGE, SETBIT, BITFIELD, BITOP', () => {
    setFlags('KEAn');
    expect(ev('SETRANGE', 'sr', '0', 'abc')).toEqual(kea('new sr', 'setrange sr'));
    expect(ev('SETRANGE', 'sr', '1', 'xy')).toEqual(kea('setrange sr'));
    expect(ev('SETRANGE', 'sr', '0', '')).toEqual([]);
    expect(ev('SETRANGE', 'none', '0', '')).toEqual([]);
    expect(ev('SETBIT', 'b1', '7', '0')).toEqual(kea('new b1', 'setbit b1'));
    expect(ev('SETBIT', 'b1', '7', '0')).toEqual([]); // unchanged
    expect(ev('SETBIT', 'b1', '100', '0')).toEqual(kea('setbit b1')); // grown
    expect(ev('SETBIT', 'b1', '7', '1')).toEqual(kea('setbit b1'));
    expect(ev('BITFIELD', 'b2', 'SET', 'u8', '0', '0')).toEqual(kea('new b2', 'setbit b2'));
    expect(ev('BITFIELD', 'b2', 'SET', 'u8', '0', '0')).toEqual([]);
    expect(ev('BITFIELD', 'b2', 'INCRBY', 'u8', '0', '0')).toEqual([]);
    expect(ev('BITFIELD', 'b2', 'SET', 'u8', '100', '0')).toEqual(kea('setbit b2'));
    expect(ev('BITFIELD', 'b2', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '200', '300')).toEqual([]);
    expect(ev('BITFIELD', 'b6', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300')).toEqual(kea('new b6'));
    expect(ev('BITFIELD', 'b2', 'GET', 'u8', '0', 'SET', 'u8', '0', '1')).toEqual(kea('setbit b2'));
    expect(ev('BITOP', 'OR', 'b4', 'nonex')).toEqual([]);
    expect(ev('BITOP', 'OR', 'b1', 'nonex')).toEqual(kea('del b1'));
    expect(ev('BITOP', 'OR', 'b5', 'b2')).toEqual(kea('new b5', 'set b5'));
    expect(ev('BITOP', 'OR', 'b5', 'b2')).toEqual(kea('set b5'));
  });

  it('SET with an absolute time in the past: Redis 7.0\'s events, and "expired" at once', () => {
    setFlags('KEAn');
    r('SET', 'a', '1');
    // Redis 7.0 keeps the key until its next access (expired then); Spindle deletes it now.
    expect(ev('SET', 'a', '5', 'PXAT', '1')).toEqual(kea('set a', 'expire a', 'expired a'));
    expect(ev('SET', 'n', '5', 'EXAT', '1')).toEqual(kea('new n', 'set n', 'expire n', 'expired n'));
    expect(r('EXISTS', 'a', 'n')).toBe(':0\r\n');
  });
});

describe('generic', () => {
  it('expiry commands', () => {
    r('SET', 'a', '1');
    expect(ev('EXPIRE', 'a', '100')).toEqual(kea('expire a'));
    expect(ev('PEXPIRE', 'a', '100000')).toEqual(kea('expire a'));
    expect(ev('EXPIREAT', 'a', '99999999999')).toEqual(kea('expire a'));
    expect(ev('PEXPIREAT', 'a', '99999999999999')).toEqual(kea('expire a'));
    expect(ev('EXPIRE', 'a', '100', 'NX')).toEqual([]);
    expect(ev('EXPIRE', 'a', '100', 'XX')).toEqual(kea('expire a'));
    expect(ev('PERSIST', 'a')).toEqual(kea('persist a'));
    expect(ev('PERSIST', 'a')).toEqual([]);
    expect(ev('EXPIRE', 'nokey', '100')).toEqual([]);
    expect(ev('EXPIRE', 'a', '-1')).toEqual(kea('del a'));
    r('SET', 'a', '1');
    expect(ev('PEXPIRE', 'a', '0')).toEqual(kea('del a'));
  });

  it('RENAME, RENAMENX, COPY, MOVE, DEL, UNLINK', () => {
    setFlags('KEAn');
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    expect(ev('RENAME', 'a', 'c')).toEqual(kea('new c', 'rename_from a', 'rename_to c'));
    expect(ev('RENAME', 'c', 'b')).toEqual(kea('new b', 'rename_from c', 'rename_to b'));
    expect(ev('RENAME', 'b', 'b')).toEqual([]);
    expect(ev('RENAMENX', 'b', 'd')).toEqual(kea('new d', 'rename_from b', 'rename_to d'));
    r('SET', 'x', '1');
    expect(ev('RENAMENX', 'x', 'd')).toEqual([]);
    expect(ev('COPY', 'd', 'e')).toEqual(kea('new e', 'copy_to e'));
    expect(ev('COPY', 'd', 'e')).toEqual([]);
    expect(ev('COPY', 'd', 'e', 'REPLACE')).toEqual(kea('new e', 'copy_to e'));
    expect(ev('COPY', 'd', 'e', 'DB', '3')).toEqual(kea('new e @3', 'copy_to e @3'));
    expect(ev('MOVE', 'e', '1')).toEqual(kea('new e @1', 'move_from e', 'move_to e @1'));
    r('SET', 'e', '9');
    expect(ev('MOVE', 'e', '1')).toEqual([]);
    expect(ev('DEL', 'd', 'x', 'nonexist')).toEqual(kea('del d', 'del x'));
    expect(ev('UNLINK', 'e')).toEqual(kea('del e'));
    expect(ev('FLUSHDB')).toEqual([]);
    r('SET', 's1', '1');
    expect(ev('SWAPDB', '0', '1')).toEqual([]);
    expect(ev('FLUSHALL')).toEqual([]);
  });

  it('RENAME and DEL across shards', () => {
    const [k0, k1] = keysOnBothShards(h, 'rk');
    r('SET', k0, 'v');
    expect(ev('RENAME', k0, k1)).toEqual(kea(`rename_from ${k0}`, `rename_to ${k1}`));
    r('SET', k0, 'v');
    expect(ev('DEL', k1, k0)).toEqual(kea(`del ${k1}`, `del ${k0}`));
  });

  it('keymiss from read lookups (m), not from writes or OBJECT', () => {
    setFlags('KEm');
    for (const cmd of [['GET', 'nk'], ['EXISTS', 'nk'], ['TOUCH', 'nk'], ['TYPE', 'nk'], ['TTL', 'nk'], ['STRLEN', 'nk'], ['LRANGE', 'nk', '0', '-1']]) {
      expect(ev(...cmd), cmd.join(' ')).toEqual(kea('keymiss nk'));
    }
    expect(ev('MGET', 'n1', 'n2')).toEqual(kea('keymiss n1', 'keymiss n2'));
    expect(ev('OBJECT', 'ENCODING', 'nk')).toEqual([]);
    expect(ev('DEL', 'nk')).toEqual([]);
    expect(ev('LPUSHX', 'nk', 'a')).toEqual([]);
  });
});

describe('lists', () => {
  it('push, pop, edit, move', () => {
    setFlags('KEAn');
    expect(ev('LPUSH', 'l', 'a', 'b', 'c')).toEqual(kea('new l', 'lpush l'));
    expect(ev('RPUSH', 'l', 'd')).toEqual(kea('rpush l'));
    expect(ev('LPUSHX', 'l', 'e')).toEqual(kea('lpush l'));
    expect(ev('RPUSHX', 'l', 'f')).toEqual(kea('rpush l'));
    expect(ev('LPUSHX', 'nol', 'e')).toEqual([]);
    expect(ev('LINSERT', 'l', 'BEFORE', 'a', 'x')).toEqual(kea('linsert l'));
    expect(ev('LINSERT', 'l', 'BEFORE', 'zz', 'x')).toEqual([]);
    expect(ev('LSET', 'l', '0', 'y')).toEqual(kea('lset l'));
    expect(ev('LREM', 'l', '1', 'y')).toEqual(kea('lrem l'));
    expect(ev('LREM', 'l', '0', 'zzz')).toEqual([]);
    expect(ev('LTRIM', 'l', '0', '-1')).toEqual(kea('ltrim l'));
    expect(ev('LPOP', 'l')).toEqual(kea('lpop l'));
    expect(ev('RPOP', 'l')).toEqual(kea('rpop l'));
    expect(ev('LPOP', 'l', '0')).toEqual([]);
    expect(ev('LPOP', 'nol')).toEqual([]);
    expect(ev('RPOP', 'l', '100')).toEqual(kea('rpop l', 'del l'));
    r('RPUSH', 'l', 'a', 'b', 'c');
    expect(ev('LMOVE', 'l', 'l2', 'LEFT', 'RIGHT')).toEqual(kea('new l2', 'rpush l2', 'lpop l'));
    expect(ev('RPOPLPUSH', 'l', 'l2')).toEqual(kea('lpush l2', 'rpop l'));
    expect(ev('LMOVE', 'l', 'l2', 'LEFT', 'LEFT')).toEqual(kea('lpush l2', 'lpop l', 'del l'));
    expect(ev('LMOVE', 'l2', 'l2', 'LEFT', 'RIGHT')).toEqual(kea('rpush l2', 'lpop l2'));
    expect(ev('LMPOP', '2', 'nol', 'l2', 'LEFT', 'COUNT', '1')).toEqual(kea('lpop l2'));
    expect(ev('LMPOP', '1', 'l2', 'RIGHT', 'COUNT', '5')).toEqual(kea('rpop l2', 'del l2'));
    r('RPUSH', 'l', 'a');
    expect(ev('LTRIM', 'l', '1', '0')).toEqual(kea('ltrim l', 'del l'));
    r('RPUSH', 'l', 'a', 'b');
    expect(ev('LREM', 'l', '0', 'a')).toEqual(kea('lrem l'));
    expect(ev('LREM', 'l', '0', 'b')).toEqual(kea('lrem l', 'del l'));
  });

  it('blocking pops that find data pop at once, with the same events', () => {
    r('RPUSH', 'bl', 'a', 'b');
    expect(ev('BLPOP', 'bl', '0')).toEqual(kea('lpop bl'));
    expect(ev('BRPOPLPUSH', 'bl', 'dst', '0')).toEqual(kea('lpush dst', 'rpop bl', 'del bl'));
    expect(ev('BLMOVE', 'dst', 'dst2', 'LEFT', 'RIGHT', '0')).toEqual(kea('rpush dst2', 'lpop dst', 'del dst'));
    expect(ev('BLMPOP', '0', '1', 'dst2', 'LEFT', 'COUNT', '3')).toEqual(kea('lpop dst2', 'del dst2'));
  });
});

describe('hashes', () => {
  it('HSET, HSETNX, HDEL, HINCRBY(FLOAT)', () => {
    setFlags('KEAn');
    expect(ev('HSET', 'h', 'a', '1', 'b', '2')).toEqual(kea('new h', 'hset h'));
    expect(ev('HSET', 'h', 'a', '1')).toEqual(kea('hset h'));
    expect(ev('HSETNX', 'h', 'a', '1')).toEqual([]);
    expect(ev('HSETNX', 'h', 'c', '3')).toEqual(kea('hset h'));
    expect(ev('HMSET', 'h', 'd', '4')).toEqual(kea('hset h'));
    expect(ev('HINCRBY', 'h', 'n', '1')).toEqual(kea('hincrby h'));
    expect(ev('HINCRBYFLOAT', 'h', 'f', '1.5')).toEqual(kea('hincrbyfloat h'));
    expect(ev('HDEL', 'h', 'zz')).toEqual([]);
    expect(ev('HDEL', 'h', 'a', 'b')).toEqual(kea('hdel h'));
    expect(ev('HDEL', 'h', 'c', 'd', 'n', 'f')).toEqual(kea('hdel h', 'del h'));
    expect(ev('HINCRBY', 'h2', 'x', '1')).toEqual(kea('new h2', 'hincrby h2'));
    expect(ev('HSETNX', 'h4', 'x', '1')).toEqual(kea('new h4', 'hset h4'));
    expect(ev('HDEL', 'nonex', 'a')).toEqual([]);
  });
});

describe('sets', () => {
  it('SADD, SREM, SPOP, SMOVE', () => {
    setFlags('KEAn');
    expect(ev('SADD', 's', 'a', 'b', 'c')).toEqual(kea('new s', 'sadd s'));
    expect(ev('SADD', 's', 'a')).toEqual([]);
    expect(ev('SREM', 's', 'zz')).toEqual([]);
    expect(ev('SREM', 's', 'a')).toEqual(kea('srem s'));
    expect(ev('SPOP', 's')).toEqual(kea('spop s'));
    expect(ev('SPOP', 's', '0')).toEqual([]);
    expect(ev('SPOP', 's', '5')).toEqual(kea('spop s', 'del s'));
    r('SADD', 's', 'a', 'b', 'c', 'd');
    expect(ev('SPOP', 's', '1')).toEqual(kea('spop s'));
    expect(ev('SPOP', 's', '2')).toEqual(kea('spop s'));
    r('SADD', 's', 'a', 'b', 'c', 'd');
    expect(ev('SMOVE', 's', 's2', 'zz')).toEqual([]);
    expect(ev('SMOVE', 's', 's2', 'c')).toEqual(kea('srem s', 'new s2', 'sadd s2'));
    expect(ev('SMOVE', 's', 's2', 'd')).toEqual(kea('srem s', 'sadd s2'));
    r('SADD', 's2', 'a');
    expect(ev('SMOVE', 's', 's2', 'a')).toEqual(kea('srem s')); // already in s2: no sadd
    expect(ev('SMOVE', 's', 's', 'b')).toEqual([]);
    r('SADD', 'sa', 'x');
    expect(ev('SMOVE', 'sa', 'sb', 'x')).toEqual(kea('srem sa', 'del sa', 'new sb', 'sadd sb'));
  });

  it('the STORE forms', () => {
    setFlags('KEAn');
    r('SADD', 's1', 'a', 'b', 'c');
    r('SADD', 's2', 'b', 'c', 'd');
    expect(ev('SINTERSTORE', 'd', 's1', 's2')).toEqual(kea('new d', 'sinterstore d'));
    expect(ev('SINTERSTORE', 'd', 's1', 'nonex')).toEqual(kea('del d'));
    expect(ev('SINTERSTORE', 'd2', 's1', 'nonex')).toEqual([]);
    expect(ev('SUNIONSTORE', 'd', 's1', 's2')).toEqual(kea('new d', 'sunionstore d'));
    expect(ev('SUNIONSTORE', 'd', 's1', 's1')).toEqual(kea('sunionstore d')); // overwrite: no new
    expect(ev('SDIFFSTORE', 'd', 's1', 's2')).toEqual(kea('sdiffstore d'));
    expect(ev('SDIFFSTORE', 'd', 's1', 's1')).toEqual(kea('del d'));
    expect(ev('SDIFFSTORE', 'd3', 's1', 's1')).toEqual([]);
    expect(ev('SINTERSTORE', 'd', 's1', 's1')).toEqual(kea('new d', 'sinterstore d'));
    expect(ev('SINTERSTORE', 'd', 's1', 's2', 's2')).toEqual(kea('sinterstore d'));
  });
});

describe('sorted sets', () => {
  it('ZADD, ZINCRBY, ZREM, ZREMRANGEBY*', () => {
    setFlags('KEAn');
    expect(ev('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')).toEqual(kea('new z', 'zadd z'));
    expect(ev('ZADD', 'z', '1', 'a')).toEqual([]);
    expect(ev('ZADD', 'z', '5', 'a')).toEqual(kea('zadd z'));
    expect(ev('ZADD', 'z', 'NX', '1', 'a')).toEqual([]);
    expect(ev('ZADD', 'z', 'XX', '1', 'zz')).toEqual([]);
    expect(ev('ZADD', 'nz', 'XX', '1', 'zz')).toEqual([]);
    expect(ev('ZADD', 'z', 'INCR', '1', 'a')).toEqual(kea('zincr z'));
    expect(ev('ZADD', 'z', 'GT', '1', 'a')).toEqual([]);
    expect(ev('ZINCRBY', 'z', '1', 'b')).toEqual(kea('zincr z'));
    expect(ev('ZINCRBY', 'z2', '1', 'b')).toEqual(kea('new z2', 'zincr z2'));
    expect(ev('ZREM', 'z', 'zz')).toEqual([]);
    expect(ev('ZREM', 'z', 'b')).toEqual(kea('zrem z'));
    expect(ev('ZREMRANGEBYRANK', 'z', '5', '10')).toEqual([]);
    expect(ev('ZREMRANGEBYRANK', 'z', '0', '0')).toEqual(kea('zremrangebyrank z'));
    r('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(ev('ZREMRANGEBYSCORE', 'z', '1', '1')).toEqual(kea('zremrangebyscore z'));
    expect(ev('ZREMRANGEBYSCORE', 'z', '100', '200')).toEqual([]);
    expect(ev('ZREMRANGEBYLEX', 'z', '-', '+')).toEqual(kea('zremrangebylex z', 'del z'));
    r('ZADD', 'z', '1', 'a');
    expect(ev('ZREM', 'z', 'a')).toEqual(kea('zrem z', 'del z'));
  });

  it('pops and the STORE forms', () => {
    setFlags('KEAn');
    r('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(ev('ZPOPMIN', 'z')).toEqual(kea('zpopmin z'));
    expect(ev('ZPOPMAX', 'z')).toEqual(kea('zpopmax z'));
    expect(ev('ZPOPMIN', 'z', '0')).toEqual([]);
    expect(ev('ZMPOP', '2', 'nonex', 'z', 'MIN', 'COUNT', '1')).toEqual(kea('zpopmin z'));
    expect(ev('BZPOPMAX', 'z', '0')).toEqual(kea('zpopmax z', 'del z'));
    r('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    r('ZADD', 'o', '1', 'b', '5', 'x');
    expect(ev('ZUNIONSTORE', 'u', '2', 'z', 'o')).toEqual(kea('new u', 'zunionstore u'));
    expect(ev('ZUNIONSTORE', 'u', '2', 'z', 'o')).toEqual(kea('zunionstore u'));
    expect(ev('ZINTERSTORE', 'i', '2', 'z', 'o')).toEqual(kea('new i', 'zinterstore i'));
    expect(ev('ZINTERSTORE', 'i', '2', 'z', 'nonex')).toEqual(kea('del i'));
    expect(ev('ZDIFFSTORE', 'df', '2', 'z', 'o')).toEqual(kea('new df', 'zdiffstore df'));
    expect(ev('ZDIFFSTORE', 'df', '2', 'z', 'z')).toEqual(kea('del df'));
    expect(ev('ZRANGESTORE', 'rs', 'z', '0', '-1')).toEqual(kea('new rs', 'zrangestore rs'));
    expect(ev('ZRANGESTORE', 'rs', 'z', '10', '20')).toEqual(kea('del rs'));
    expect(ev('ZRANGESTORE', 'rs2', 'z', '10', '20')).toEqual([]);
    expect(ev('BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '10')).toEqual(kea('zpopmax z', 'del z'));
  });
});

describe('SORT ... STORE', () => {
  it('sortstore, del when empty, no new on overwrite', () => {
    setFlags('KEAn');
    r('RPUSH', 'l', '3', '1', '2');
    expect(ev('SORT', 'l', 'STORE', 'out')).toEqual(kea('new out', 'sortstore out'));
    expect(ev('SORT', 'l', 'STORE', 'out')).toEqual(kea('sortstore out'));
    expect(ev('SORT', 'nonex', 'STORE', 'out')).toEqual(kea('del out'));
    expect(ev('SORT', 'nonex', 'STORE', 'out2')).toEqual([]);
  });
});

describe('transactions and scripts', () => {
  it('MULTI/EXEC sends each command\'s events when it runs', () => {
    r('MULTI');
    expect(ev('SET', 'm', '1')).toEqual([]);
    expect(ev('INCR', 'm')).toEqual([]);
    expect(ev('EXEC')).toEqual(kea('set m', 'incrby m'));
  });

  it('redis.call inside EVAL', () => {
    expect(ev('EVAL', "redis.call('set', KEYS[1], 'v'); redis.call('del', KEYS[1])", '1', 'ev')).toEqual(kea('set ev', 'del ev'));
  });
});

describe('expiry', () => {
  it('lazy expiry sends "expired" before the command\'s own events', async () => {
    // A store whose owner workers are stopped, so only lazy expiry can delete the keys.
    const hx = createHarness({ shards: 2 });
    await hx.store.close();
    const seen = record(hx);
    const cx = hx.client();
    const rx = (...a: Arg[]) => hx.run(cx, ...a);
    rx('CONFIG', 'SET', 'notify-keyspace-events', 'KEAnm');
    rx('SET', 'a', '1', 'PX', '1');
    rx('SET', 'b', '1', 'PX', '1');
    rx('SET', 'c', '1', 'PX', '1');
    await new Promise((res) => setTimeout(res, 5));
    seen.length = 0;
    rx('GET', 'a');
    expect(seen).toEqual(kea('expired a', 'keymiss a'));
    seen.length = 0;
    rx('SET', 'b', '2');
    expect(seen).toEqual(kea('expired b', 'new b', 'set b'));
    seen.length = 0;
    rx('EXISTS', 'c');
    expect(seen).toEqual(kea('expired c', 'keymiss c'));
  });
});
