/**
 * Set family (tests/unit/type/set.tcl, black-box). The same basics run under each encoding
 * (intset, listpack, hashtable: thresholds set with CONFIG SET), then encoding conversions at
 * the thresholds (Redis 7.2 rules), WRONGTYPE, errors, RESP2/RESP3 shapes, cross-shard SMOVE
 * and *STORE, and the keyspace paths (DEL, RENAME, COPY, MOVE, expiry) over set values.
 * Replies that are not about encodings were checked against a real redis-server 7.0.15.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg, type RespValue } from './harness.js';
import { err, forceType, int, keysOnBothShards, sleep, tagsOnBothShards } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const r = (...a: Arg[]) => h.run(c, ...a);
const call = (...a: Arg[]) => h.call(c, ...a);
const sorted = (v: RespValue) => (v as string[]).slice().sort();
const enc = (k: string) => call('OBJECT', 'ENCODING', k);

const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const SYNTAX = err('ERR syntax error');
const NOT_INT = err('ERR value is not an integer or out of range');

function limits(intset: number, lpEntries: number, lpValue: number): void {
  call('CONFIG', 'SET', 'set-max-intset-entries', String(intset));
  call('CONFIG', 'SET', 'set-max-listpack-entries', String(lpEntries));
  call('CONFIG', 'SET', 'set-max-listpack-value', String(lpValue));
}
const defaults = () => limits(512, 128, 64);

beforeEach(() => {
  c = h.client(2);
  defaults();
  r('FLUSHALL');
});

/** Members for a given encoding: integers for intset, strings otherwise. */
const kinds = [
  { name: 'intset', setup: defaults, m: (i: number) => String(i) },
  { name: 'listpack', setup: defaults, m: (i: number) => `m${i}` },
  { name: 'hashtable', setup: () => limits(0, 0, 0), m: (i: number) => (i % 2 ? `m${i}` : String(i)) },
] as const;

for (const k of kinds) {
  describe(`basics (${k.name})`, () => {
    beforeEach(() => k.setup());
    const M = k.m;

    it('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS', () => {
      expect(call('SADD', 's', M(1), M(2), M(3), M(2))).toBe(3);
      expect(enc('s')).toBe(k.name);
      expect(call('SADD', 's', M(3))).toBe(0);
      expect(call('SCARD', 's')).toBe(3);
      expect(call('SISMEMBER', 's', M(2))).toBe(1);
      expect(call('SISMEMBER', 's', M(9))).toBe(0);
      expect(call('SMISMEMBER', 's', M(1), M(9), M(3))).toEqual([1, 0, 1]);
      expect(sorted(call('SMEMBERS', 's'))).toEqual([M(1), M(2), M(3)].sort());
    });

    it('SREM, deleting the key when the set empties', () => {
      call('SADD', 's', M(1), M(2), M(3));
      expect(call('SREM', 's', M(1), M(9), M(1))).toBe(1);
      expect(sorted(call('SMEMBERS', 's'))).toEqual([M(2), M(3)].sort());
      expect(call('SREM', 's', M(2), M(3), M(4))).toBe(2);
      expect(call('EXISTS', 's')).toBe(0);
      expect(call('SREM', 's', M(1))).toBe(0);
    });

    it('SPOP without and with count', () => {
      const all = Array.from({ length: 10 }, (_, i) => M(i));
      call('SADD', 's', ...all);
      const one = call('SPOP', 's') as string;
      expect(all).toContain(one);
      expect(call('SISMEMBER', 's', one)).toBe(0);
      const three = call('SPOP', 's', '3') as string[];
      expect(new Set(three).size).toBe(3);
      for (const m of three) expect(all).toContain(m);
      expect(call('SCARD', 's')).toBe(6);
      // Most of the set (the rebuild strategy): 5 out of 6.
      const five = call('SPOP', 's', '5') as string[];
      expect(new Set([one, ...three, ...five]).size).toBe(9);
      expect(call('SCARD', 's')).toBe(1);
      const last = call('SMEMBERS', 's') as string[];
      expect(new Set([one, ...three, ...five, ...last]).size).toBe(10);
      expect(call('SPOP', 's', '10')).toEqual(last);
      expect(call('EXISTS', 's')).toBe(0);
    });

    it('SRANDMEMBER with positive, negative and oversized counts', () => {
      const all = Array.from({ length: 20 }, (_, i) => M(i));
      call('SADD', 's', ...all);
      expect(all).toContain(call('SRANDMEMBER', 's'));
      for (const n of [1, 5, 7, 19]) {
        const got = call('SRANDMEMBER', 's', String(n)) as string[];
        expect(got.length).toBe(n);
        expect(new Set(got).size).toBe(n);
        for (const m of got) expect(all).toContain(m);
      }
      expect(sorted(call('SRANDMEMBER', 's', '100'))).toEqual(all.slice().sort());
      const rep = call('SRANDMEMBER', 's', '-50') as string[];
      expect(rep.length).toBe(50);
      for (const m of rep) expect(all).toContain(m);
      expect(call('SCARD', 's')).toBe(20);
      expect(call('SRANDMEMBER', 's', '0')).toEqual([]);
    });

    it('SMOVE between existing and new sets', () => {
      call('SADD', 'a', M(1), M(2));
      call('SADD', 'b', M(3));
      expect(call('SMOVE', 'a', 'b', M(1))).toBe(1);
      expect(call('SMOVE', 'a', 'b', M(9))).toBe(0);
      expect(sorted(call('SMEMBERS', 'b'))).toEqual([M(1), M(3)].sort());
      expect(call('SMOVE', 'a', 'new', M(2))).toBe(1);
      expect(call('EXISTS', 'a')).toBe(0);
      expect(call('SMEMBERS', 'new')).toEqual([M(2)]);
      // to a set that already has it: removed from the source, reply 1
      call('SADD', 'a', M(3));
      expect(call('SMOVE', 'a', 'b', M(3))).toBe(1);
      expect(call('EXISTS', 'a')).toBe(0);
      expect(call('SCARD', 'b')).toBe(2);
      // same key: membership
      expect(call('SMOVE', 'b', 'b', M(3))).toBe(1);
      expect(call('SMOVE', 'b', 'b', M(9))).toBe(0);
    });

    it('SINTER, SUNION, SDIFF and their STORE forms', () => {
      call('SADD', 'a', M(1), M(2), M(3), M(4));
      call('SADD', 'b', M(3), M(4), M(5));
      call('SADD', 'c', M(4), M(6));
      expect(sorted(call('SINTER', 'a', 'b'))).toEqual([M(3), M(4)].sort());
      expect(call('SINTER', 'a', 'b', 'c')).toEqual([M(4)]);
      expect(call('SINTER', 'a', 'nokey')).toEqual([]);
      expect(sorted(call('SUNION', 'a', 'b', 'c', 'nokey'))).toEqual([1, 2, 3, 4, 5, 6].map(M).sort());
      expect(sorted(call('SDIFF', 'a', 'b'))).toEqual([M(1), M(2)].sort());
      expect(sorted(call('SDIFF', 'a', 'nokey', 'c'))).toEqual([M(1), M(2), M(3)].sort());
      expect(call('SDIFF', 'a', 'a')).toEqual([]);
      expect(call('SDIFF', 'nokey', 'a')).toEqual([]);
      expect(call('SINTERCARD', '2', 'a', 'b')).toBe(2);
      expect(call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).toBe(1);
      expect(call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '0')).toBe(2);
      expect(call('SINTERSTORE', 'd', 'a', 'b')).toBe(2);
      expect(sorted(call('SMEMBERS', 'd'))).toEqual([M(3), M(4)].sort());
      expect(call('SUNIONSTORE', 'd', 'a', 'c')).toBe(5);
      expect(call('SCARD', 'd')).toBe(5);
      expect(call('SDIFFSTORE', 'd', 'd', 'b')).toBe(3);
      expect(sorted(call('SMEMBERS', 'd'))).toEqual([M(1), M(2), M(6)].sort());
      // an empty result deletes the destination
      expect(call('SINTERSTORE', 'd', 'a', 'nokey')).toBe(0);
      expect(call('EXISTS', 'd')).toBe(0);
      call('SADD', 'd', M(1));
      expect(call('SDIFFSTORE', 'd', 'a', 'a')).toBe(0);
      expect(call('EXISTS', 'd')).toBe(0);
      // a destination of another type and with a TTL is replaced
      call('SET', 'd', 'x', 'EX', '100');
      expect(call('SUNIONSTORE', 'd', 'a')).toBe(4);
      expect(call('TYPE', 'd')).toBe('set');
      expect(call('TTL', 'd')).toBe(-1);
    });

    it('SSCAN returns every member over a full iteration', () => {
      const all = Array.from({ length: 300 }, (_, i) => M(i));
      for (let i = 0; i < all.length; i += 50) call('SADD', 's', ...all.slice(i, i + 50));
      const seen = new Set<string>();
      let cursor = '0', rounds = 0;
      do {
        const [next, items] = call('SSCAN', 's', cursor, 'COUNT', '20') as [string, string[]];
        for (const m of items) seen.add(m);
        cursor = next;
        rounds++;
      } while (cursor !== '0' && rounds < 1000);
      expect([...seen].sort()).toEqual(all.slice().sort());
      const [, some] = call('SSCAN', 's', '0', 'MATCH', `${M(1)}*`, 'COUNT', '1000') as [string, string[]];
      expect(some.length).toBeGreaterThan(0);
      for (const m of some) expect(m.startsWith(M(1))).toBe(true);
    });

    it('DEL, RENAME, COPY, MOVE and expiry of a set value', async () => {
      const all = Array.from({ length: 200 }, (_, i) => M(i));
      call('SADD', 's', ...all);
      const [x, y] = keysOnBothShards(h, 'k');
      expect(call('RENAME', 's', x)).toBe('OK');
      expect(call('COPY', x, y)).toBe(1);
      expect(call('SREM', x, M(0))).toBe(1);
      expect(call('SCARD', y)).toBe(200);
      expect(sorted(call('SMEMBERS', y))).toEqual(all.slice().sort());
      expect(call('MOVE', y, '1')).toBe(1);
      call('SELECT', '1');
      expect(call('SCARD', y)).toBe(200);
      expect(call('DEL', y)).toBe(1);
      call('SELECT', '0');
      expect(call('PEXPIRE', x, '20')).toBe(1);
      await sleep(40);
      expect(call('EXISTS', x)).toBe(0);
    });
  });
}

describe('encoding conversions (Redis 7.2)', () => {
  it('intset → hashtable past set-max-intset-entries', () => {
    limits(4, 128, 64);
    call('SADD', 's', '1', '2', '3', '4');
    expect(enc('s')).toBe('intset');
    call('SADD', 's', '5');
    expect(enc('s')).toBe('hashtable');
    call('SREM', 's', '1', '2', '3', '4');
    expect(enc('s')).toBe('hashtable');
  });

  it('intset → listpack on a non-integer, hashtable when that would not fit', () => {
    call('SADD', 's', '1', '2');
    call('SADD', 's', 'a');
    expect(enc('s')).toBe('listpack');
    limits(512, 2, 64);
    call('SADD', 't', '1', '2');
    call('SADD', 't', 'a');
    expect(enc('t')).toBe('hashtable');
    limits(512, 128, 4);
    call('SADD', 'u', '-12345'); // 6 characters as text
    call('SADD', 'u', 'a');
    expect(enc('u')).toBe('hashtable');
    call('SADD', 'v', '1234', 'a');
    expect(enc('v')).toBe('listpack');
  });

  it('listpack → hashtable past set-max-listpack-entries or -value', () => {
    const many = Array.from({ length: 128 }, (_, i) => `m${i}`);
    call('SADD', 's', ...many);
    expect(enc('s')).toBe('listpack');
    call('SADD', 's', 'one-more');
    expect(enc('s')).toBe('hashtable');
    call('SADD', 't', 'a'.repeat(64));
    expect(enc('t')).toBe('listpack');
    call('SADD', 't', 'a'.repeat(65));
    expect(enc('t')).toBe('hashtable');
    expect(call('SCARD', 't')).toBe(2);
  });

  it('SADD with many arguments picks the encoding up front', () => {
    const ints = Array.from({ length: 513 }, (_, i) => String(i));
    call('SADD', 'a', ...ints);
    expect(enc('a')).toBe('hashtable');
    call('SADD', 'b', ...ints.slice(0, 200));
    expect(enc('b')).toBe('intset');
    call('SADD', 'c', 'x', ...ints.slice(0, 128));
    expect(enc('c')).toBe('hashtable');
    // an existing listpack converts when the argument count alone exceeds the limit
    call('SADD', 'd', 'x');
    call('SADD', 'd', ...Array.from({ length: 129 }, () => 'x'));
    expect(enc('d')).toBe('hashtable');
    expect(call('SCARD', 'd')).toBe(1);
  });

  it('SINTERSTORE: integer results become an intset, others keep listpack/hashtable', () => {
    limits(512, 2, 64);
    call('SADD', 'a', 'x', '1', '2', '3');
    call('SADD', 'b', 'x', '1', '2', '3', '4');
    expect(enc('a')).toBe('hashtable');
    call('SADD', 'c', '1', '2', '3');
    expect(call('SINTERSTORE', 'd', 'a', 'c')).toBe(3);
    expect(enc('d')).toBe('intset');
    expect(call('SINTERSTORE', 'd', 'a', 'b')).toBe(4);
    expect(enc('d')).toBe('hashtable');
    defaults();
    expect(call('SINTERSTORE', 'd', 'a', 'b')).toBe(4);
    expect(enc('d')).toBe('listpack');
  });

  it('SUNIONSTORE / SDIFFSTORE build from an intset up', () => {
    limits(512, 0, 64);
    call('SADD', 'a', 'x', '1', '2');
    expect(enc('a')).toBe('hashtable');
    expect(call('SDIFFSTORE', 'd', 'a', 'nokey2')).toBe(3);
    expect(enc('d')).toBe('hashtable');
    call('SREM', 'a', 'x');
    expect(call('SUNIONSTORE', 'd', 'a')).toBe(2);
    expect(enc('d')).toBe('intset');
    defaults();
    call('SADD', 'a', 'y');
    expect(call('SUNIONSTORE', 'd', 'a')).toBe(3);
    expect(enc('d')).toBe('listpack');
  });

  it('SMOVE creates an intset or a listpack destination', () => {
    call('SADD', 'src', '5', 'x');
    call('SMOVE', 'src', 'i', '5');
    expect(enc('i')).toBe('intset');
    call('SMOVE', 'src', 'l', 'x');
    expect(enc('l')).toBe('listpack');
  });

  it('SPOP of most of a hashtable set leaves a listpack (Redis 7.2 rebuild)', () => {
    limits(512, 0, 64);
    call('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(enc('s')).toBe('hashtable');
    defaults();
    expect((call('SPOP', 's', '18') as string[]).length).toBe(18);
    expect(enc('s')).toBe('listpack');
    expect(call('SCARD', 's')).toBe(2);
  });

  it('binary members and large integers', () => {
    const bin = Buffer.from([0, 255, 13, 10, 128]);
    expect(call('SADD', 's', bin, '9223372036854775807', '-9223372036854775808', '9223372036854775808')).toBe(4);
    expect(call('SISMEMBER', 's', bin)).toBe(1);
    const got = (h.callBuf(c, 'SMEMBERS', 's') as Buffer[]).map((b) => b.toString('hex'));
    expect(got).toContain(bin.toString('hex'));
    call('SADD', 'n', '9223372036854775807', '-9223372036854775808', '0', '-1');
    expect(enc('n')).toBe('intset');
    expect(call('SMEMBERS', 'n')).toEqual(['-9223372036854775808', '-1', '0', '9223372036854775807']);
    expect(call('SISMEMBER', 'n', '-0')).toBe(0);
    expect(call('SISMEMBER', 'n', '+1')).toBe(0);
    call('SADD', 'n', '01');
    expect(enc('n')).toBe('listpack');
    expect(call('SISMEMBER', 'n', '01')).toBe(1);
    expect(call('SISMEMBER', 'n', '1')).toBe(0);
  });
});

describe('WRONGTYPE and errors', () => {
  beforeEach(() => {
    r('SET', 'str', 'v');
    r('SADD', 's', '1', '2');
  });

  it('every command refuses a non-set key', () => {
    for (const cmd of [
      ['SADD', 'str', 'x'], ['SREM', 'str', 'x'], ['SMEMBERS', 'str'], ['SISMEMBER', 'str', 'x'],
      ['SMISMEMBER', 'str', 'x'], ['SCARD', 'str'], ['SPOP', 'str'], ['SPOP', 'str', '1'],
      ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '0'], ['SMOVE', 'str', 's', '1'], ['SMOVE', 's', 'str', '1'],
      ['SINTER', 'nokey', 'str'], ['SINTERCARD', '2', 'nokey', 'str'], ['SUNION', 's', 'str'], ['SDIFF', 'nokey', 'str'],
      ['SINTERSTORE', 'd', 'nokey', 'str'], ['SUNIONSTORE', 'd', 's', 'str'], ['SDIFFSTORE', 'd', 's', 'str'], ['SSCAN', 'str', '0'],
    ]) expect(r(...cmd), cmd.join(' ')).toBe(WRONGTYPE);
    // a list-typed key too
    r('SET', 'l', 'x');
    forceType(h, 'l', 1);
    expect(r('SADD', 'l', 'x')).toBe(WRONGTYPE);
    // nothing to move: the destination's type is not checked
    expect(r('SMOVE', 'nokey', 'str', '1')).toBe(int(0));
    // a STORE overwrites any type
    expect(r('SINTERSTORE', 'str', 's', 's')).toBe(int(2));
  });

  it('count and option errors, checked before the key', () => {
    expect(r('SPOP', 's', '-1')).toBe(err('ERR value is out of range, must be positive'));
    expect(r('SPOP', 'str', 'abc')).toBe(err('ERR value is out of range, must be positive'));
    expect(r('SPOP', 's', '1', '2')).toBe(SYNTAX);
    expect(r('SRANDMEMBER', 'str', 'x')).toBe(NOT_INT);
    expect(r('SRANDMEMBER', 's', '-9223372036854775808')).toBe(
      err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'));
    expect(r('SRANDMEMBER', 's', '1', '2')).toBe(SYNTAX);
    expect(r('SINTERCARD', '0', 's')).toBe(err('ERR numkeys should be greater than 0'));
    expect(r('SINTERCARD', 'x', 's')).toBe(err('ERR numkeys should be greater than 0'));
    expect(r('SINTERCARD', '2', 's')).toBe(err("ERR Number of keys can't be greater than number of args"));
    expect(r('SINTERCARD', '1', 's', 'LIMIT', '-1')).toBe(err("ERR LIMIT can't be negative"));
    expect(r('SINTERCARD', '1', 's', 'LIMIT', 'x')).toBe(err("ERR LIMIT can't be negative"));
    expect(r('SINTERCARD', '1', 's', 'LIMIT')).toBe(SYNTAX);
    expect(r('SINTERCARD', '1', 's', 'foo')).toBe(SYNTAX);
    expect(r('SSCAN', 's', 'x')).toBe(err('ERR invalid cursor'));
    expect(r('SSCAN', 'str', 'x')).toBe(err('ERR invalid cursor'));
    expect(r('SSCAN', 's', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(r('SSCAN', 's', '0', 'COUNT', 'x')).toBe(NOT_INT);
    expect(r('SSCAN', 's', '0', 'TYPE', 'set')).toBe(SYNTAX);
    expect(r('SSCAN', 's', '0', 'MATCH')).toBe(SYNTAX);
    expect(r('SSCAN', 'nokey', '0', 'COUNT', '0')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(r('SADD', 's')).toBe(err("ERR wrong number of arguments for 'sadd' command"));
  });
});

describe('reply shapes', () => {
  beforeEach(() => {
    r('SADD', 's', '1', '2');
    r('SET', 'str', 'v');
  });

  it('RESP2', () => {
    expect(r('SMEMBERS', 's')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r('SMEMBERS', 'nokey')).toBe('*0\r\n');
    expect(r('SPOP', 'nokey')).toBe('$-1\r\n');
    expect(r('SPOP', 'nokey', '2')).toBe('*0\r\n');
    expect(r('SRANDMEMBER', 'nokey')).toBe('$-1\r\n');
    expect(r('SRANDMEMBER', 'nokey', '2')).toBe('*0\r\n');
    expect(r('SINTER', 's', 's')).toBe('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r('SMISMEMBER', 'nokey', 'a', 'b')).toBe('*2\r\n:0\r\n:0\r\n');
    expect(r('SSCAN', 's', '0')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });

  it('RESP3: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with count are sets', () => {
    const c3 = h.client(3);
    const r3 = (...a: Arg[]) => h.run(c3, ...a);
    expect(r3('SMEMBERS', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r3('SMEMBERS', 'nokey')).toBe('~0\r\n');
    expect(r3('SINTER', 's', 'nokey')).toBe('~0\r\n');
    expect(r3('SUNION', 's')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r3('SDIFF', 's', 'nokey')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r3('SPOP', 'nokey')).toBe('_\r\n');
    expect(r3('SPOP', 'nokey', '0')).toBe('~0\r\n');
    expect(r3('SRANDMEMBER', 'nokey')).toBe('_\r\n');
    expect(r3('SRANDMEMBER', 'nokey', '3')).toBe('*0\r\n');
    expect(r3('SRANDMEMBER', 's', '2')).toMatch(/^\*2\r\n/);
    expect(r3('SMISMEMBER', 's', '1', '9')).toBe('*2\r\n:1\r\n:0\r\n');
    expect(r3('SSCAN', 's', '0')).toBe('*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    expect(r3('SPOP', 's', '5')).toBe('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });
});

describe('across shards', () => {
  it('SMOVE between sets in different shards', () => {
    const [a, b] = keysOnBothShards(h, 'mv');
    expect(h.shardOf(a)).not.toBe(h.shardOf(b));
    for (const setup of [defaults, () => limits(0, 0, 0)]) {
      r('FLUSHALL');
      setup();
      call('SADD', a, 'x', '1', 'big'.repeat(30));
      expect(call('SMOVE', a, b, 'big'.repeat(30))).toBe(1);
      expect(call('SMOVE', a, b, '1')).toBe(1);
      expect(call('SMOVE', a, b, 'x')).toBe(1);
      expect(call('EXISTS', a)).toBe(0);
      expect(sorted(call('SMEMBERS', b))).toEqual(['1', 'big'.repeat(30), 'x'].sort());
      expect(call('SMOVE', b, a, '1')).toBe(1);
      expect(enc(a)).toBe(setup === defaults ? 'intset' : 'hashtable');
    }
  });

  it('*STORE with sources and destination in different shards', () => {
    const [t1, t2] = tagsOnBothShards(h);
    const s1 = `${t1}s`, s2 = `${t2}s`, d1 = `${t1}d`, d2 = `${t2}d`;
    for (const setup of [defaults, () => limits(0, 0, 0), () => limits(2, 2, 64)]) {
      r('FLUSHALL');
      setup();
      call('SADD', s1, 'a', 'b', 'c', '1', '2');
      call('SADD', s2, 'b', 'c', 'd', '2', '3');
      expect(call('SINTERSTORE', d2, s1, s2)).toBe(3);
      expect(sorted(call('SMEMBERS', d2))).toEqual(['2', 'b', 'c']);
      expect(call('SUNIONSTORE', d1, s1, s2)).toBe(7);
      expect(call('SDIFFSTORE', d2, s1, s2)).toBe(2);
      expect(sorted(call('SMEMBERS', d2))).toEqual(['1', 'a']);
      // the destination is also a source, in the other shard's heap
      expect(call('SDIFFSTORE', s2, s1, s2)).toBe(2);
      expect(sorted(call('SMEMBERS', s2))).toEqual(['1', 'a']);
      expect(call('SINTERCARD', '3', s1, d1, s2)).toBe(2);
      expect(sorted(call('SINTER', d1, s2))).toEqual(['1', 'a']);
      expect(sorted(call('SUNION', s2, d2, s1))).toEqual(['1', '2', 'a', 'b', 'c']);
    }
  });
});
