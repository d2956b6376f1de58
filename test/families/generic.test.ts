/**
 * Generic (keyspace) family, black-box like tests/unit/keyspace.tcl, expire.tcl and
 * other.tcl. Every expected reply was captured from a real redis-server 7.0.15 running the same
 * commands (RESP2). Keys "of another type" are string keys whose type was flipped to list
 * (Redis: `LPUSH key x`).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { NIL, OK, bulk, err, forceType, int, keysOnBothShards, shardOf, sleep, waitUntil } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const r = (...a: Arg[]) => h.run(c, ...a);
const num = (...a: Arg[]) => h.call(c, ...a) as number;

const SYNTAX = err('ERR syntax error');
const NOT_INT = err('ERR value is not an integer or out of range');
const NX_AND = err('ERR NX and XX, GT or LT options at the same time are not compatible');
const GT_LT = err('ERR GT and LT options at the same time are not compatible');
const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);
const badExpire = (cmd: string) => err(`ERR invalid expire time in '${cmd}' command`);
const sorted = (v: unknown) => [...(v as string[])].sort();

beforeEach(() => {
  c = h.client(2);
  r('FLUSHALL');
});

function makeList(key: string, db = 0): void {
  r('SET', key, 'x');
  forceType(h, key, 1, db);
}

/** MSET n keys `${prefix}${i}` in batches. */
function fill(prefix: string, n: number, from = 0): string[] {
  const keys: string[] = [];
  for (let i = from; i < from + n; i += 500) {
    const args: string[] = [];
    for (let j = i; j < Math.min(i + 500, from + n); j++) {
      keys.push(`${prefix}${j}`);
      args.push(`${prefix}${j}`, `v${j}`);
    }
    expect(r('MSET', ...args)).toBe(OK);
  }
  return keys;
}

describe('DEL / UNLINK / EXISTS / TOUCH / TYPE', () => {
  it('DEL counts each deleted key once', () => {
    r('MSET', 'a', '1', 'b', '2', 'c', '3');
    expect(r('DEL', 'a', 'a', 'nx')).toBe(int(1));
    expect(r('DEL', 'b', 'c', 'b')).toBe(int(2));
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('DEL')).toBe(arity('del'));
  });

  it('UNLINK is DEL', () => {
    r('MSET', 'a', '1', 'b', '2');
    expect(r('UNLINK', 'a', 'zz', 'b')).toBe(int(2));
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('UNLINK')).toBe(arity('unlink'));
  });

  it('DEL across shards, and of a key of another type', () => {
    const [a, b] = keysOnBothShards(h, 'd');
    r('MSET', a, '1', b, '2');
    makeList('l');
    expect(r('DEL', a, b, 'l')).toBe(int(3));
    expect(r('DBSIZE')).toBe(int(0));
  });

  it('EXISTS and TOUCH count duplicates', () => {
    r('SET', 'a', '1');
    expect(r('EXISTS', 'a', 'a', 'a', 'nx')).toBe(int(3));
    expect(r('TOUCH', 'a', 'a', 'nx')).toBe(int(2));
    expect(r('EXISTS', 'nx')).toBe(int(0));
    expect(r('EXISTS')).toBe(arity('exists'));
    expect(r('TOUCH')).toBe(arity('touch'));
  });

  it('TYPE', () => {
    r('SET', 'a', '1');
    makeList('l');
    expect(r('TYPE', 'a')).toBe('+string\r\n');
    expect(r('TYPE', 'l')).toBe('+list\r\n');
    expect(r('TYPE', 'nx')).toBe('+none\r\n');
    expect(r('TYPE')).toBe(arity('type'));
    expect(r('TYPE', 'a', 'b')).toBe(arity('type'));
  });
});

describe('EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT', () => {
  it('set a TTL, return 0 for a missing key', () => {
    r('SET', 'a', 'v');
    expect(r('EXPIRE', 'a', '100')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(100));
    expect(r('PEXPIRE', 'a', '100000')).toBe(int(1));
    expect(num('PTTL', 'a')).toBeGreaterThan(99000);
    expect(r('EXPIREAT', 'a', '99999999999')).toBe(int(1));
    expect(r('EXPIRETIME', 'a')).toBe(int(99999999999));
    expect(r('PEXPIRETIME', 'a')).toBe(int(99999999999000));
    expect(r('PEXPIREAT', 'a', '99999999999123')).toBe(int(1));
    expect(r('EXPIRETIME', 'a')).toBe(int(99999999999));
    expect(r('PEXPIRETIME', 'a')).toBe(int(99999999999123));
    expect(r('EXPIRE', 'nx', '100')).toBe(int(0));
    expect(r('PEXPIREAT', 'nx', '99999999999123')).toBe(int(0));
    expect(r('EXISTS', 'nx')).toBe(int(0));
  });

  it('NX / XX / GT / LT', () => {
    r('SET', 'a', 'v');
    expect(r('EXPIRE', 'a', '100', 'XX')).toBe(int(0)); // no TTL yet
    expect(r('EXPIRE', 'a', '100', 'GT')).toBe(int(0)); // no TTL = infinite
    expect(r('EXPIRE', 'a', '100', 'LT')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(100));
    expect(r('PERSIST', 'a')).toBe(int(1));
    expect(r('EXPIRE', 'a', '100', 'NX')).toBe(int(1));
    expect(r('EXPIRE', 'a', '100', 'NX')).toBe(int(0));
    expect(r('EXPIRE', 'a', '200', 'XX')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(200));
    expect(r('EXPIRE', 'a', '100', 'GT')).toBe(int(0));
    expect(r('EXPIRE', 'a', '300', 'GT')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(300));
    expect(r('EXPIRE', 'a', '400', 'LT')).toBe(int(0));
    expect(r('EXPIRE', 'a', '50', 'LT')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(50));
    expect(r('EXPIRE', 'a', '100', 'XX', 'GT')).toBe(int(1));
    expect(r('TTL', 'a')).toBe(int(100));
    expect(r('EXPIRE', 'a', '100', 'nx', 'nx')).toBe(int(0));
    expect(r('EXPIRE', 'a', '50', 'GT', 'gt')).toBe(int(0));
    r('SET', 'd', 'v');
    expect(r('EXPIRE', 'd', '100', 'XX', 'LT')).toBe(int(0));
    expect(r('PEXPIRE', 'd', '100000', 'NX')).toBe(int(1));
    expect(r('PEXPIREAT', 'd', '99999999999000', 'GT')).toBe(int(1));
    expect(r('EXPIRETIME', 'd')).toBe(int(99999999999));
    expect(r('EXPIREAT', 'd', '99999999998', 'GT')).toBe(int(0));
    expect(r('EXPIREAT', 'd', '99999999998', 'LT')).toBe(int(1));
    expect(r('EXPIRETIME', 'd')).toBe(int(99999999998));
  });

  it('option errors', () => {
    r('SET', 'a', 'v');
    expect(r('EXPIRE', 'a', '100', 'NX', 'XX')).toBe(NX_AND);
    expect(r('EXPIRE', 'a', '100', 'NX', 'GT')).toBe(NX_AND);
    expect(r('EXPIRE', 'a', '100', 'NX', 'LT')).toBe(NX_AND);
    expect(r('PEXPIRE', 'a', '100', 'NX', 'XX')).toBe(NX_AND);
    expect(r('EXPIRE', 'a', '100', 'GT', 'LT')).toBe(GT_LT);
    expect(r('EXPIRE', 'a', '100', 'xx', 'GT', 'LT')).toBe(GT_LT);
    expect(r('EXPIRE', 'a', '100', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('EXPIRE', 'a', '100', 'NX', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('PEXPIREAT', 'a', '1', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('EXPIRE', 'nx', '100', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('EXPIRE', 'a', 'abc')).toBe(NOT_INT);
    expect(r('EXPIRE', 'a', '1.5')).toBe(NOT_INT);
    expect(r('EXPIRE', 'a')).toBe(arity('expire'));
    expect(r('TTL', 'a')).toBe(int(-1));
    expect(r('EXISTS', 'a')).toBe(int(1));
  });

  // Redis 7.0 expireGenericCommand parses the NX/XX/GT/LT words before the time argument.
  it('options are checked before the time argument', () => {
    r('SET', 'a', 'v');
    expect(r('EXPIRE', 'a', 'abc', 'foo')).toBe(err('ERR Unsupported option foo'));
    expect(r('PEXPIRE', 'a', 'abc', 'GT', 'LT')).toBe(GT_LT);
    expect(r('EXPIREAT', 'a', 'abc', 'NX', 'GT')).toBe(NX_AND);
  });

  it('zero, negative or past times delete the key and return 1', () => {
    for (const [cmd, t] of [['EXPIRE', '-1'], ['EXPIRE', '0'], ['PEXPIRE', '0'], ['PEXPIRE', '-100'],
      ['EXPIREAT', '1'], ['PEXPIREAT', '1000'], ['PEXPIREAT', '-1'], ['PEXPIRE', '-9223372036854775808']]) {
      r('SET', 'd', 'v');
      expect(r(cmd, 'd', t), `${cmd} ${t}`).toBe(int(1));
      expect(r('EXISTS', 'd'), `${cmd} ${t}`).toBe(int(0));
    }
    expect(r('DBSIZE')).toBe(int(0));
  });

  it('a negative time with GT does nothing, with LT / XX it deletes', () => {
    r('SET', 'e', 'v');
    expect(r('EXPIRE', 'e', '-1', 'GT')).toBe(int(0));
    expect(r('EXISTS', 'e')).toBe(int(1));
    expect(r('EXPIRE', 'e', '-1', 'LT')).toBe(int(1));
    expect(r('EXISTS', 'e')).toBe(int(0));
    r('SET', 'e', 'v', 'EX', '100');
    expect(r('EXPIRE', 'e', '-1', 'XX')).toBe(int(1));
    expect(r('EXISTS', 'e')).toBe(int(0));
  });

  it('times that overflow int64 milliseconds are invalid', () => {
    r('SET', 'd', 'v');
    expect(r('EXPIRE', 'd', '9223372036854775807')).toBe(badExpire('expire'));
    expect(r('PEXPIRE', 'd', '9223372036854775807')).toBe(badExpire('pexpire'));
    expect(r('EXPIREAT', 'd', '9223372036854775807')).toBe(badExpire('expireat'));
    expect(r('EXPIRE', 'd', '9223372036854775')).toBe(badExpire('expire'));
    expect(r('EXPIRE', 'd', '9223372036854774')).toBe(badExpire('expire'));
    expect(r('PEXPIRE', 'd', '9223372036854775000')).toBe(badExpire('pexpire'));
    expect(r('EXPIRE', 'd', '-9223372036854775808')).toBe(badExpire('expire'));
    expect(r('EXISTS', 'd')).toBe(int(1));
    expect(r('TTL', 'd')).toBe(int(-1));
    expect(r('EXPIREAT', 'd', '9223372036854775')).toBe(int(1));
    expect(r('PEXPIREAT', 'd', '9223372036854775807')).toBe(int(1));
    expect(r('EXISTS', 'd')).toBe(int(1));
  });

  // seconds * 1000 overflows exactly at ±9223372036854776; as doubles that equals LLONG_MAX/1000.
  it('EXPIREAT at ±9223372036854776 seconds is invalid', () => {
    r('SET', 'd', 'v');
    expect(r('EXPIREAT', 'd', '9223372036854776')).toBe(badExpire('expireat'));
    expect(r('EXPIREAT', 'd', '-9223372036854776')).toBe(badExpire('expireat'));
    expect(r('EXISTS', 'd')).toBe(int(1));
    expect(r('TTL', 'd')).toBe(int(-1));
  });

  it('the new TTL survives overwrites only with KEEPTTL', () => {
    r('SET', 'a', 'v');
    r('EXPIRE', 'a', '100');
    r('SET', 'a', 'w');
    expect(r('TTL', 'a')).toBe(int(-1));
  });
});

describe('TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST', () => {
  it('-2 for a missing key, -1 without TTL', () => {
    r('SET', 'f', 'v');
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      expect(r(cmd, 'f'), cmd).toBe(int(-1));
      expect(r(cmd, 'nx'), cmd).toBe(int(-2));
    }
  });

  it('TTL rounds to the nearest second', () => {
    r('SET', 'f', 'v');
    const cases: [string, number][] = [['1900', 2], ['900', 1], ['400', 0], ['1', 0]];
    for (const [ms, s] of cases) {
      r('PEXPIRE', 'f', ms);
      expect(r('TTL', 'f'), ms).toBe(int(s));
    }
  });

  it('PERSIST', () => {
    r('SET', 'f', 'v', 'EX', '100');
    expect(r('PERSIST', 'f')).toBe(int(1));
    expect(r('TTL', 'f')).toBe(int(-1));
    expect(r('PERSIST', 'f')).toBe(int(0));
    expect(r('PERSIST', 'nx')).toBe(int(0));
    expect(r('PERSIST')).toBe(arity('persist'));
  });

  it('TTL and friends on another type', () => {
    makeList('l');
    expect(r('TTL', 'l')).toBe(int(-1));
    expect(r('EXPIRE', 'l', '100')).toBe(int(1));
    expect(r('TTL', 'l')).toBe(int(100));
    expect(r('PERSIST', 'l')).toBe(int(1));
  });
});

describe('expiry', () => {
  it('lazy: an expired key is gone on access (PX 50, wait 100 ms)', async () => {
    r('SET', 'x', 'v', 'PX', '50');
    r('SET', 'y', 'v', 'PX', '50');
    r('SET', 'z', 'v', 'PX', '50');
    r('SET', 'q', 'v', 'PX', '50');
    r('SET', 'w', 'v', 'PX', '50');
    r('SET', 'keep', 'v');
    expect(r('EXISTS', 'x', 'y', 'z', 'q', 'w')).toBe(int(5));
    await sleep(100);
    expect(r('GET', 'x')).toBe(NIL);
    expect(r('EXISTS', 'y')).toBe(int(0));
    expect(r('TTL', 'z')).toBe(int(-2));
    expect(r('DEL', 'q')).toBe(int(0));
    expect(r('TYPE', 'w')).toBe('+none\r\n');
    expect(r('EXPIRE', 'w', '10')).toBe(int(0));
    expect(r('PERSIST', 'w')).toBe(int(0));
    expect(r('OBJECT', 'ENCODING', 'w')).toBe(NIL);
    expect(r('COPY', 'w', 'w2')).toBe(int(0));
    expect(r('MOVE', 'w', '2')).toBe(int(0));
    expect(r('RENAME', 'w', 'w2')).toBe(err('ERR no such key'));
    expect(h.call(c, 'KEYS', '*')).toEqual(['keep']);
    expect(r('GET', 'keep')).toBe(bulk('v'));
  });

  it('active: keys never accessed again are removed (DBSIZE drops)', async () => {
    const args: string[] = [];
    for (let i = 0; i < 400; i++) args.push(`act:${i}`, 'v');
    r('MSET', ...args);
    r('SET', 'stay', 'v');
    expect(r('DBSIZE')).toBe(int(401));
    for (let i = 0; i < 400; i++) expect(r('PEXPIRE', `act:${i}`, '20')).toBe(int(1));
    const dropped = await waitUntil(() => num('DBSIZE') === 1, 5000, 25);
    expect(dropped, `DBSIZE still ${num('DBSIZE')}`).toBe(true);
    expect(r('GET', 'stay')).toBe(bulk('v'));
  });
});

describe('KEYS', () => {
  it('glob patterns', () => {
    r('MSET', 'foo', '1', 'foobar', '2', 'bar', '3', 'fxo', '4', 'f*o', '5', 'h?llo', '6', 'hallo', '7', 'hello', '8');
    expect(sorted(h.call(c, 'KEYS', 'f*'))).toEqual(['f*o', 'foo', 'foobar', 'fxo']);
    expect(sorted(h.call(c, 'KEYS', 'f?o'))).toEqual(['f*o', 'foo', 'fxo']);
    expect(sorted(h.call(c, 'KEYS', 'h[ae]llo'))).toEqual(['hallo', 'hello']);
    expect(sorted(h.call(c, 'KEYS', 'h[^e]llo'))).toEqual(['h?llo', 'hallo']);
    expect(h.call(c, 'KEYS', 'h\\?llo')).toEqual(['h?llo']);
    expect(h.call(c, 'KEYS', 'f\\*o')).toEqual(['f*o']);
    expect(r('KEYS', 'nomatch*')).toBe('*0\r\n');
    expect((h.call(c, 'KEYS', '*') as string[]).length).toBe(8);
    expect(r('KEYS')).toBe(arity('keys'));
    expect(r('KEYS', 'a', 'b')).toBe(arity('keys'));
  });

  it('only the selected db, across both shards', () => {
    const keys = fill('k', 200);
    expect(new Set(keys.map((k) => shardOf(h, k))).size).toBe(2);
    r('SELECT', '3');
    r('SET', 'other', '1');
    expect(h.call(c, 'KEYS', '*')).toEqual(['other']);
    r('SELECT', '0');
    expect(sorted(h.call(c, 'KEYS', '*'))).toEqual([...keys].sort());
    expect(sorted(h.call(c, 'KEYS', 'k1?'))).toEqual(['k10', 'k11', 'k12', 'k13', 'k14', 'k15', 'k16', 'k17', 'k18', 'k19']);
  });
});

describe('SCAN', () => {
  /** Full iteration; returns [all keys returned (with repeats), number of calls]. */
  function scanAll(...opts: string[]): [string[], number] {
    let cursor = '0';
    const out: string[] = [];
    let calls = 0;
    do {
      const [next, keys] = h.call(c, 'SCAN', cursor, ...opts) as [string, string[]];
      out.push(...keys);
      cursor = next;
      calls++;
      expect(calls).toBeLessThan(100000);
    } while (cursor !== '0');
    return [out, calls];
  }

  it('a full iteration over 5000 keys in 2 shards returns every key', () => {
    const keys = fill('key:', 5000);
    expect(new Set(keys.map((k) => shardOf(h, k))).size).toBe(2);
    const [seen, calls] = scanAll();
    expect(new Set(seen).size).toBe(5000);
    for (const k of keys) expect(seen.includes(k) || false).toBe(true);
    expect(calls).toBeGreaterThan(100); // COUNT 10 by default
    const [seen2, calls2] = scanAll('COUNT', '1000');
    expect(new Set(seen2)).toEqual(new Set(keys));
    expect(calls2).toBeLessThan(calls);
  });

  it('MATCH, COUNT and TYPE', () => {
    fill('key:', 1000);
    fill('other:', 100);
    makeList('alist');
    const [m] = scanAll('MATCH', 'other:*', 'COUNT', '100');
    expect(new Set(m).size).toBe(100);
    expect(m.every((k) => k.startsWith('other:'))).toBe(true);
    const [m2] = scanAll('MATCH', 'key:99?');
    expect(sorted([...new Set(m2)])).toEqual(Array.from({ length: 10 }, (_, i) => `key:99${i}`));
    const [t] = scanAll('TYPE', 'string', 'COUNT', '500');
    expect(new Set(t).size).toBe(1100);
    expect(t.includes('alist')).toBe(false);
    const [tl] = scanAll('TYPE', 'list', 'COUNT', '500');
    expect([...new Set(tl)]).toEqual(['alist']);
    const [tf] = scanAll('TYPE', 'foo', 'COUNT', '500');
    expect(tf).toEqual([]);
  });

  it('an empty db: cursor 0 and no keys', () => {
    expect(r('SCAN', '0')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(r('SCAN', '0', 'TYPE', 'list')).toBe('*2\r\n$1\r\n0\r\n*0\r\n');
  });

  it('a small db is returned in one call ending at cursor 0', () => {
    r('MSET', 'a', '1', 'b', '2', 'c', '3');
    const [cursor, keys] = h.call(c, 'SCAN', '0', 'COUNT', '100') as [string, string[]];
    expect(cursor).toBe('0');
    expect(sorted(keys)).toEqual(['a', 'b', 'c']);
    expect(h.call(c, 'SCAN', '+0', 'COUNT', '100')).toEqual([cursor, keys]);
  });

  it('argument errors', () => {
    expect(r('SCAN', 'abc')).toBe(err('ERR invalid cursor'));
    expect(r('SCAN', '1.5')).toBe(err('ERR invalid cursor'));
    expect(r('SCAN', ' 0')).toBe(err('ERR invalid cursor'));
    expect(r('SCAN', '18446744073709551616')).toBe(err('ERR invalid cursor'));
    expect(r('SCAN', '0', 'COUNT', '0')).toBe(SYNTAX);
    expect(r('SCAN', '0', 'COUNT', '-1')).toBe(SYNTAX);
    expect(r('SCAN', '0', 'COUNT', 'x')).toBe(NOT_INT);
    expect(r('SCAN', '0', 'MATCH')).toBe(SYNTAX);
    expect(r('SCAN', '0', 'FOO', 'bar')).toBe(SYNTAX);
    expect(r('SCAN')).toBe(arity('scan'));
  });

  it('keys present for the whole scan are returned while keys are being added', () => {
    const initial = fill('base:', 1000);
    let cursor = '0';
    const seen = new Set<string>();
    let added = 0, calls = 0;
    do {
      const [next, keys] = h.call(c, 'SCAN', cursor, 'COUNT', '20') as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      // grow the keyspace between calls (forces table growth / rehashing meanwhile)
      fill('new:', 40, added);
      added += 40;
      calls++;
      expect(calls).toBeLessThan(10000);
    } while (cursor !== '0');
    for (const k of initial) expect(seen.has(k), k).toBe(true);
    expect(num('DBSIZE')).toBe(1000 + added);
  });

  it('keys present for the whole scan are returned while other keys are deleted', () => {
    const keep = fill('keep:', 800);
    const gone = fill('gone:', 800);
    let cursor = '0';
    const seen = new Set<string>();
    let i = 0;
    do {
      const [next, keys] = h.call(c, 'SCAN', cursor, 'COUNT', '20') as [string, string[]];
      for (const k of keys) seen.add(k);
      cursor = next;
      if (i < gone.length) r('DEL', ...gone.slice(i, i + 40));
      i += 40;
    } while (cursor !== '0');
    for (const k of keep) expect(seen.has(k), k).toBe(true);
  });
});

describe('RANDOMKEY', () => {
  it('nil when empty, a key otherwise, only live keys', async () => {
    expect(r('RANDOMKEY')).toBe(NIL);
    r('SET', 'a', '1');
    expect(r('RANDOMKEY')).toBe(bulk('a'));
    const keys = fill('rk', 50);
    const got = new Set<string>();
    for (let i = 0; i < 300; i++) got.add(h.call(c, 'RANDOMKEY') as string);
    for (const k of got) expect(k === 'a' || keys.includes(k)).toBe(true);
    expect(got.size).toBeGreaterThan(10);
    expect(new Set([...got].map((k) => shardOf(h, k))).size).toBe(2);
    r('FLUSHALL');
    r('SET', 'x', '1', 'PX', '20');
    r('SET', 'y', '1', 'PX', '20');
    await sleep(50);
    expect(r('RANDOMKEY')).toBe(NIL);
    expect(r('RANDOMKEY', 'x')).toBe(arity('randomkey'));
  });
});

describe('RENAME / RENAMENX', () => {
  it('basic rename, missing source, same key', () => {
    r('SET', 'foo', '1');
    r('SET', 'hello', '8');
    expect(r('RENAME', 'nx', 'y')).toBe(err('ERR no such key'));
    expect(r('RENAMENX', 'nx', 'y')).toBe(err('ERR no such key'));
    expect(r('RENAME', 'foo', 'foo')).toBe(OK);
    expect(r('RENAMENX', 'foo', 'foo')).toBe(int(0));
    expect(r('GET', 'foo')).toBe(bulk('1'));
    expect(r('RENAME', 'foo', 'bar')).toBe(OK);
    expect(r('GET', 'bar')).toBe(bulk('1'));
    expect(r('EXISTS', 'foo')).toBe(int(0));
    expect(r('RENAMENX', 'bar', 'hello')).toBe(int(0));
    expect(r('GET', 'hello')).toBe(bulk('8'));
    expect(r('RENAMENX', 'bar', 'newname')).toBe(int(1));
    expect(r('GET', 'newname')).toBe(bulk('1'));
    expect(r('EXISTS', 'bar')).toBe(int(0));
    expect(r('RENAME', 'a')).toBe(arity('rename'));
  });

  it('keeps the source TTL; the destination TTL is replaced', () => {
    r('SET', 't', 'v', 'EX', '100');
    expect(r('RENAME', 't', 't2')).toBe(OK);
    expect(r('TTL', 't2')).toBe(int(100));
    r('SET', 't3', 'x');
    expect(r('RENAME', 't3', 't2')).toBe(OK);
    expect(r('TTL', 't2')).toBe(int(-1));
    r('SET', 't4', 'y', 'EX', '50');
    expect(r('RENAME', 't2', 't4')).toBe(OK);
    expect(r('TTL', 't4')).toBe(int(-1));
    expect(r('GET', 't4')).toBe(bulk('x'));
    r('EXPIRE', 't4', '70');
    expect(r('RENAME', 't4', 't4')).toBe(OK);
    expect(r('TTL', 't4')).toBe(int(70));
  });

  it('across shards, keeping the TTL, overwriting a key of another type', () => {
    const [a, b] = keysOnBothShards(h, 'rn');
    r('SET', a, 'payload', 'EX', '100');
    makeList(b);
    expect(r('RENAME', a, b)).toBe(OK);
    expect(r('EXISTS', a)).toBe(int(0));
    expect(r('TYPE', b)).toBe('+string\r\n');
    expect(r('GET', b)).toBe(bulk('payload'));
    expect(r('TTL', b)).toBe(int(100));
    expect(r('RENAMENX', b, a)).toBe(int(1));
    expect(r('GET', a)).toBe(bulk('payload'));
    expect(r('TTL', a)).toBe(int(100));
    expect(r('DBSIZE')).toBe(int(1));
    const big = Buffer.alloc(300 * 1024, 7);
    r('SET', b, big);
    expect(r('RENAME', b, a)).toBe(OK);
    expect((h.callBuf(c, 'GET', a) as Buffer).equals(big)).toBe(true);
    expect(r('TTL', a)).toBe(int(-1));
  });

  it('a renamed key is no longer found under its old name in the other db either', () => {
    r('SET', 'k', 'v');
    r('SELECT', '1');
    expect(r('RENAME', 'k', 'k2')).toBe(err('ERR no such key'));
  });
});

describe('COPY', () => {
  it('copies value and TTL; DB option; REPLACE', () => {
    r('SET', 's', 'v', 'EX', '100');
    r('SET', 'hello', '8');
    expect(r('COPY', 's', 's')).toBe(err('ERR source and destination objects are the same'));
    expect(r('COPY', 's', 's', 'DB', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(r('COPY', 's', 'd')).toBe(int(1));
    expect(r('GET', 'd')).toBe(bulk('v'));
    expect(r('TTL', 'd')).toBe(int(100));
    expect(r('COPY', 's', 'd')).toBe(int(0));
    expect(r('COPY', 'hello', 'd', 'REPLACE')).toBe(int(1));
    expect(r('GET', 'd')).toBe(bulk('8'));
    expect(r('TTL', 'd')).toBe(int(-1));
    expect(r('COPY', 's', 's', 'DB', '1')).toBe(int(1));
    expect(r('COPY', 's', 'd2', 'DB', '1')).toBe(int(1));
    expect(r('COPY', 'nx', 'c1')).toBe(int(0));
    r('SELECT', '1');
    expect(r('GET', 's')).toBe(bulk('v'));
    expect(r('TTL', 'd2')).toBe(int(100));
    expect(r('DBSIZE')).toBe(int(2));
    r('SELECT', '0');
    expect(r('COPY', 'hello', 'd2', 'DB', '1')).toBe(int(0));
    expect(r('COPY', 'hello', 'd2', 'DB', '1', 'REPLACE')).toBe(int(1));
    r('SELECT', '1');
    expect(r('GET', 'd2')).toBe(bulk('8'));
  });

  it('over a key of another type only with REPLACE', () => {
    r('SET', 's', 'v');
    makeList('l');
    expect(r('COPY', 's', 'l')).toBe(int(0));
    expect(r('TYPE', 'l')).toBe('+list\r\n');
    expect(r('COPY', 's', 'l', 'REPLACE')).toBe(int(1));
    expect(r('TYPE', 'l')).toBe('+string\r\n');
  });

  it('across shards, and the copy is independent of the source', () => {
    const [a, b] = keysOnBothShards(h, 'cp');
    r('SET', a, 'abc');
    expect(r('COPY', a, b)).toBe(int(1));
    r('APPEND', a, 'def');
    expect(r('GET', b)).toBe(bulk('abc'));
    expect(r('GET', a)).toBe(bulk('abcdef'));
  });

  it('errors', () => {
    r('SET', 't4', 'x');
    expect(r('COPY', 't4', 'c1', 'DB', '16')).toBe(err('ERR DB index is out of range'));
    expect(r('COPY', 't4', 'c1', 'DB', '-1')).toBe(err('ERR DB index is out of range'));
    expect(r('COPY', 'nx', 'c1', 'DB', '99')).toBe(err('ERR DB index is out of range'));
    expect(r('COPY', 't4', 'c1', 'DB', 'x')).toBe(NOT_INT);
    expect(r('COPY', 't4', 'c1', 'FOO')).toBe(SYNTAX);
    expect(r('COPY', 't4', 'c1', 'DB')).toBe(SYNTAX);
    expect(r('COPY', 'a')).toBe(arity('copy'));
    expect(r('EXISTS', 'c1')).toBe(int(0));
  });
});

describe('MOVE', () => {
  it('moves to another db, keeps the TTL, refuses an existing destination', () => {
    r('SET', 'hello', '8');
    expect(r('MOVE', 'hello', '1')).toBe(int(1));
    expect(r('EXISTS', 'hello')).toBe(int(0));
    r('SELECT', '1');
    expect(r('GET', 'hello')).toBe(bulk('8'));
    r('SELECT', '0');
    r('SET', 'hello', 'again');
    expect(r('MOVE', 'hello', '1')).toBe(int(0));
    expect(r('GET', 'hello')).toBe(bulk('again'));
    r('SET', 'mt', 'v', 'EX', '100');
    expect(r('MOVE', 'mt', '3')).toBe(int(1));
    r('SELECT', '3');
    expect(r('TTL', 'mt')).toBe(int(100));
  });

  it('errors', () => {
    r('SET', 'hello', 'v');
    expect(r('MOVE', 'hello', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(r('MOVE', 'nx', '0')).toBe(err('ERR source and destination objects are the same'));
    expect(r('MOVE', 'hello', '16')).toBe(err('ERR DB index is out of range'));
    expect(r('MOVE', 'hello', '-1')).toBe(err('ERR DB index is out of range'));
    expect(r('MOVE', 'nx', '16')).toBe(err('ERR DB index is out of range'));
    expect(r('MOVE', 'hello', 'x')).toBe(NOT_INT);
    expect(r('MOVE', 'nx', '1')).toBe(int(0));
    expect(r('MOVE', 'hello')).toBe(arity('move'));
  });
});

describe('SWAPDB', () => {
  it('swaps two dbs for every client', () => {
    r('SET', 'a', '1');
    r('SELECT', '1');
    r('SET', 'b', '2');
    r('SET', 'b2', '2');
    r('SELECT', '0');
    const other = h.client(2);
    h.run(other, 'SELECT', '1');
    expect(r('SWAPDB', '0', '1')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(2));
    expect(r('GET', 'b')).toBe(bulk('2'));
    expect(h.run(other, 'GET', 'a')).toBe(bulk('1'));
    expect(r('SWAPDB', '0', '0')).toBe(OK);
    expect(r('SWAPDB', '1', '0')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(1));
    expect(r('GET', 'a')).toBe(bulk('1'));
  });

  it('keeps TTLs and keys across both shards', () => {
    const keys = fill('sw', 100);
    r('EXPIRE', keys[0], '100');
    expect(r('SWAPDB', '0', '7')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(0));
    r('SELECT', '7');
    expect(r('DBSIZE')).toBe(int(100));
    expect(r('TTL', keys[0])).toBe(int(100));
    expect(sorted(h.call(c, 'KEYS', '*'))).toEqual([...keys].sort());
  });

  it('errors', () => {
    expect(r('SWAPDB', '0', '16')).toBe(err('ERR DB index is out of range'));
    expect(r('SWAPDB', '-1', '0')).toBe(err('ERR DB index is out of range'));
    expect(r('SWAPDB', 'x', '0')).toBe(err('ERR invalid first DB index'));
    expect(r('SWAPDB', '0', 'y')).toBe(err('ERR invalid second DB index'));
    expect(r('SWAPDB', 'x', 'y')).toBe(err('ERR invalid first DB index'));
    expect(r('SWAPDB', '0')).toBe(arity('swapdb'));
  });
});

describe('OBJECT', () => {
  it('ENCODING / REFCOUNT / FREQ, nil for missing keys', () => {
    r('SET', 's', 'hello');
    r('SET', 'i', '123');
    expect(r('OBJECT', 'ENCODING', 's')).toBe(bulk('embstr'));
    expect(r('OBJECT', 'ENCODING', 'i')).toBe(bulk('int'));
    expect(r('OBJECT', 'ENCODING', 'nx')).toBe(NIL);
    expect(r('OBJECT', 'REFCOUNT', 's')).toBe(int(1));
    expect(r('OBJECT', 'REFCOUNT', 'nx')).toBe(NIL);
    expect(r('OBJECT', 'IDLETIME', 'nx')).toBe(NIL);
    expect(r('OBJECT', 'FREQ', 'nx')).toBe(NIL);
    expect(r('OBJECT', 'FREQ', 's')).toBe(err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'));
    expect(r('OBJECT', 'IDLETIME', 's')).toBe(int(0));
    expect(r('object', 'encoding', 's')).toBe(bulk('embstr'));
  });

  it('REFCOUNT of shared integers 0..9999', () => {
    const cases: [string, number][] = [['0', 2147483647], ['123', 2147483647], ['9999', 2147483647], ['10000', 1], ['-1', 1], ['100000', 1]];
    for (const [v, n] of cases) {
      r('SET', 'n', v);
      expect(r('OBJECT', 'REFCOUNT', 'n'), v).toBe(int(n));
    }
  });

  it('HELP, unknown subcommands and arity', () => {
    expect(r('OBJECT', 'HELP')).toBe('*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n');
    expect(r('OBJECT', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    expect(r('OBJECT', 'foo', 'bar')).toBe(err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    expect(r('OBJECT')).toBe(arity('object'));
    expect(r('OBJECT', 'ENCODING')).toBe(arity('object|encoding'));
    expect(r('OBJECT', 'Encoding', 'a', 'b')).toBe(arity('object|encoding'));
    expect(r('OBJECT', 'help', 'x')).toBe(arity('object|help'));
  });

  // One 2.1 s wait, many keys: which commands refresh the access time (Redis 7.0.15: reads
  // and writes do; TYPE, TTL, EXPIRETIME, OBJECT and EXISTS do not).
  it('IDLETIME: which commands touch a key', async () => {
    const cmds: [string, Arg[], boolean][] = [
      ['TYPE', [], false], ['TTL', [], false], ['EXPIRETIME', [], false],
      ['OBJECT', ['ENCODING'], false], ['EXISTS', [], false], ['(none)', [], false],
      ['GET', [], true], ['TOUCH', [], true], ['STRLEN', [], true], ['MGET', [], true],
      ['EXPIRE', ['100'], true], ['PERSIST', [], true], ['APPEND', ['x'], true], ['SET', ['v2'], true],
    ];
    const keyOf = (i: number) => `idle:${i}`;
    cmds.forEach((_, i) => r('SET', keyOf(i), 'hello'));
    await sleep(2100);
    cmds.forEach(([cmd, extra], i) => {
      if (cmd === '(none)') return;
      if (cmd === 'OBJECT') r('OBJECT', ...extra, keyOf(i));
      else r(cmd, keyOf(i), ...extra);
    });
    const idle = cmds.map((_, i) => num('OBJECT', 'IDLETIME', keyOf(i)));
    // touched: 0 (1 if a second boundary passed meanwhile); untouched: 2 (or 3)
    const wrong = cmds
      .filter(([, , touches], i) => (touches ? idle[i] > 1 : idle[i] < 2))
      .map(([cmd, , touches]) => `${cmd} ${touches ? 'should' : 'should not'} touch`);
    expect(wrong, cmds.map(([cmd], i) => `${cmd}=${idle[i]}`).join(' ')).toEqual([]);
  });
});

describe('DBSIZE / FLUSHDB / FLUSHALL', () => {
  it('DBSIZE counts keys of both shards in the selected db', () => {
    fill('z', 300);
    expect(r('DBSIZE')).toBe(int(300));
    r('SELECT', '2');
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('DBSIZE', 'x')).toBe(arity('dbsize'));
  });

  it('FLUSHDB empties only the selected db; FLUSHALL every db', () => {
    r('SELECT', '1');
    r('SET', 'x', '1');
    r('SELECT', '0');
    fill('y', 100);
    expect(r('FLUSHDB')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(0));
    r('SELECT', '1');
    expect(r('DBSIZE')).toBe(int(1));
    r('SELECT', '0');
    fill('y', 10);
    expect(r('FLUSHALL')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(0));
    r('SELECT', '1');
    expect(r('DBSIZE')).toBe(int(0));
  });

  it('ASYNC / SYNC flags, anything else is a syntax error', () => {
    for (const cmd of ['FLUSHDB', 'FLUSHALL']) {
      r('SET', 'k', 'v');
      expect(r(cmd, 'ASYNC')).toBe(OK);
      expect(r('DBSIZE')).toBe(int(0));
      r('SET', 'k', 'v');
      expect(r(cmd, 'sync')).toBe(OK);
      expect(r('DBSIZE')).toBe(int(0));
      expect(r(cmd, 'async')).toBe(OK);
      r('SET', 'k', 'v');
      expect(r(cmd, 'foo')).toBe(SYNTAX);
      expect(r(cmd, 'ASYNC', 'SYNC')).toBe(SYNTAX);
      expect(r(cmd, 'SYNC', 'x')).toBe(SYNTAX);
      expect(r('DBSIZE')).toBe(int(1));
    }
  });
});
