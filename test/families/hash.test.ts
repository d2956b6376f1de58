/**
 * Hash family (tests/unit/type/hash.tcl, black-box). The same body runs twice, like Redis's
 * "basics listpack" / "basics hashtable": once with the default limits (small hashes stay
 * listpack) and once with hash-max-listpack-entries 0 (every hash is a hashtable). Exact reply
 * bytes were captured from a real redis-server 7.0.15 running the same commands; where the
 * hashtable pass can only differ from Redis in field order, the check sorts.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg, type RespValue } from './harness.js';
import { NIL, OK, bulk, err, forceType, int, keysOnBothShards, sleep } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
let c3 = h.client(3);
const r = (...a: Arg[]) => h.run(c, ...a);
const r3 = (...a: Arg[]) => h.run(c3, ...a);
const call = (...a: Arg[]) => h.call(c, ...a);

const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOT_INT = err('ERR value is not an integer or out of range');
const NOT_FLOAT = err('ERR value is not a valid float');
const SYNTAX = err('ERR syntax error');
const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
const bulks = (...items: string[]) => arr(...items.map(bulk));

/** [field, value] pairs of a flat RESP2 array, sorted by field. */
function pairs(v: RespValue): [string, string][] {
  const a = v as string[];
  const out: [string, string][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

const sorted = (v: RespValue) => [...(v as string[])].sort();

for (const enc of ['listpack', 'hashtable'] as const) {
  const lp = enc === 'listpack';
  describe(`hash basics ${enc}`, () => {
    beforeEach(() => {
      c = h.client(2);
      c3 = h.client(3);
      r('FLUSHALL');
      expect(r('CONFIG', 'SET', 'hash-max-listpack-entries', lp ? '128' : '0')).toBe(OK);
      expect(r('CONFIG', 'SET', 'hash-max-listpack-value', '64')).toBe(OK);
    });

    /** Check the key's encoding is the one this pass runs under. */
    const isEnc = (key: string) => expect(r('OBJECT', 'ENCODING', key)).toBe(bulk(enc));

    it('HSET / HGET: new fields counted, updates not, missing field and key are nil', () => {
      expect(r('HSET', 'h', 'a', '1', 'b', '2')).toBe(int(2));
      isEnc('h');
      expect(r('HSET', 'h', 'a', 'one', 'c', '3')).toBe(int(1));
      expect(r('HSET', 'h', 'a', 'uno')).toBe(int(0));
      expect(r('HGET', 'h', 'a')).toBe(bulk('uno'));
      expect(r('HGET', 'h', 'c')).toBe(bulk('3'));
      expect(r('HGET', 'h', 'zz')).toBe(NIL);
      expect(r('HGET', 'nokey', 'a')).toBe(NIL);
      expect(r3('HGET', 'h', 'zz')).toBe('_\r\n');
      expect(r('TYPE', 'h')).toBe('+hash\r\n');
      // the same field twice in one HSET: counted once, the last value wins
      expect(r('HSET', 'h2', 'x', '1', 'x', '2')).toBe(int(1));
      expect(r('HGET', 'h2', 'x')).toBe(bulk('2'));
      expect(r('HLEN', 'h2')).toBe(int(1));
    });

    it('HMSET replies OK; odd field/value counts are arity errors', () => {
      expect(r('HMSET', 'h', 'a', '1', 'b', '2')).toBe(OK);
      expect(r('HMGET', 'h', 'a', 'b')).toBe(bulks('1', '2'));
      expect(r('HSET', 'h', 'f', 'v', 'g')).toBe(arity('hset'));
      expect(r('HMSET', 'h', 'f', 'v', 'g')).toBe(arity('hmset'));
      expect(r('HSET', 'h', 'f')).toBe(arity('hset'));
      expect(r('HSETNX', 'h', 'f', 'v', 'g')).toBe(arity('hsetnx'));
      expect(r('HDEL', 'h')).toBe(arity('hdel'));
      expect(r('HMGET', 'h')).toBe(arity('hmget'));
      // arity comes before the type check
      r('SET', 's', 'x');
      expect(r('HSET', 's', 'f', 'v', 'g')).toBe(arity('hset'));
      expect(r('HLEN', 'h')).toBe(int(2));
    });

    it('HSETNX sets only a missing field (and creates the key)', () => {
      expect(r('HSETNX', 'h', 'f', 'v1')).toBe(int(1));
      isEnc('h');
      expect(r('HSETNX', 'h', 'f', 'v2')).toBe(int(0));
      expect(r('HGET', 'h', 'f')).toBe(bulk('v1'));
      expect(r('HSETNX', 'h', 'g', 'v3')).toBe(int(1));
      expect(r('HLEN', 'h')).toBe(int(2));
    });

    it('HMGET: nils for missing fields and for a missing key (RESP2 and RESP3)', () => {
      r('HSET', 'h', 'a', '1', 'b', '2');
      expect(r('HMGET', 'h', 'a', 'zz', 'b')).toBe(`*3\r\n${bulk('1')}${NIL}${bulk('2')}`);
      expect(r('HMGET', 'nokey', 'a', 'b')).toBe(`*2\r\n${NIL}${NIL}`);
      expect(r3('HMGET', 'nokey', 'a', 'b')).toBe('*2\r\n_\r\n_\r\n');
      expect(r3('HMGET', 'h', 'b', 'x')).toBe(`*2\r\n${bulk('2')}_\r\n`);
    });

    it('HDEL counts removed fields, ignores repeats, deletes the key with its last field', () => {
      r('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
      expect(r('HDEL', 'h', 'a', 'zz', 'a')).toBe(int(1));
      expect(r('HDEL', 'h', 'zz')).toBe(int(0));
      expect(r('HLEN', 'h')).toBe(int(2));
      expect(r('HDEL', 'nokey', 'a')).toBe(int(0));
      expect(r('HDEL', 'h', 'b', 'c', 'b', 'x')).toBe(int(2));
      expect(r('EXISTS', 'h')).toBe(int(0));
      expect(r('HLEN', 'h')).toBe(int(0));
      // the key is gone, so a later HSET starts a fresh hash
      expect(r('HSET', 'h', 'n', '1')).toBe(int(1));
      isEnc('h');
    });

    it('HLEN, HEXISTS, HSTRLEN', () => {
      r('HSET', 'h', 'a', 'hello', 'b', '', 'n', '-12345');
      expect(r('HLEN', 'h')).toBe(int(3));
      expect(r('HLEN', 'nokey')).toBe(int(0));
      expect(r('HEXISTS', 'h', 'a')).toBe(int(1));
      expect(r('HEXISTS', 'h', 'b')).toBe(int(1));
      expect(r('HEXISTS', 'h', 'zz')).toBe(int(0));
      expect(r('HEXISTS', 'nokey', 'a')).toBe(int(0));
      expect(r('HSTRLEN', 'h', 'a')).toBe(int(5));
      expect(r('HSTRLEN', 'h', 'b')).toBe(int(0));
      expect(r('HSTRLEN', 'h', 'n')).toBe(int(6));
      expect(r('HSTRLEN', 'h', 'zz')).toBe(int(0));
      expect(r('HSTRLEN', 'nokey', 'a')).toBe(int(0));
    });

    it('HGETALL / HKEYS / HVALS in RESP2 and RESP3; empty replies for a missing key', () => {
      r('HSET', 'h', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3');
      if (lp) {
        // a listpack keeps insertion order, as in Redis
        expect(r('HGETALL', 'h')).toBe(bulks('f1', 'v1', 'f2', 'v2', 'f3', 'v3'));
        expect(r3('HGETALL', 'h')).toBe(`%3\r\n${['f1', 'v1', 'f2', 'v2', 'f3', 'v3'].map(bulk).join('')}`);
        expect(r('HKEYS', 'h')).toBe(bulks('f1', 'f2', 'f3'));
        expect(r('HVALS', 'h')).toBe(bulks('v1', 'v2', 'v3'));
      }
      expect(pairs(call('HGETALL', 'h'))).toEqual([['f1', 'v1'], ['f2', 'v2'], ['f3', 'v3']]);
      const m = h.call(c3, 'HGETALL', 'h') as Map<string, string>;
      expect(m).toBeInstanceOf(Map);
      expect([...m].sort()).toEqual([['f1', 'v1'], ['f2', 'v2'], ['f3', 'v3']]);
      expect(r3('HGETALL', 'h').startsWith('%3\r\n')).toBe(true);
      expect(sorted(call('HKEYS', 'h'))).toEqual(['f1', 'f2', 'f3']);
      expect(sorted(call('HVALS', 'h'))).toEqual(['v1', 'v2', 'v3']);
      // keys and values come out in the same order
      const ks = call('HKEYS', 'h') as string[], vs = call('HVALS', 'h') as string[];
      expect(ks.map((k) => k.replace('f', 'v'))).toEqual(vs);
      expect(r('HGETALL', 'nokey')).toBe('*0\r\n');
      expect(r3('HGETALL', 'nokey')).toBe('%0\r\n');
      expect(r('HKEYS', 'nokey')).toBe('*0\r\n');
      expect(r3('HVALS', 'nokey')).toBe('*0\r\n');
    });

    it('binary-safe fields and values', () => {
      const f = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x20]);
      const v = Buffer.from([0x80, 0, 0x01]);
      expect(r('HSET', 'h', f, v, '', '')).toBe(int(2));
      expect(h.callBuf(c, 'HGET', 'h', f)).toEqual(v);
      expect(r('HGET', 'h', '')).toBe('$0\r\n\r\n');
      expect(r('HSTRLEN', 'h', f)).toBe(int(3));
      expect(r('HEXISTS', 'h', Buffer.from([0, 0xff]))).toBe(int(0));
    });

    it('HINCRBY: creates, adds, rejects non-integers and overflow (Redis 7.0.15 replies)', () => {
      expect(r('HINCRBY', 'h', 'n', '5')).toBe(int(5));
      isEnc('h');
      expect(r('HINCRBY', 'h', 'n', '-7')).toBe(int(-2));
      expect(r('HGET', 'h', 'n')).toBe(bulk('-2'));
      r('HSET', 'h', 'a', '1.0', 'k', '007', 'l', '-0', 'sp', ' 1', 'big', '9223372036854775807');
      for (const f of ['a', 'k', 'l', 'sp']) expect(r('HINCRBY', 'h', f, '1'), f).toBe(err('ERR hash value is not an integer'));
      expect(r('HINCRBY', 'h', 'big', '1')).toBe(err('ERR increment or decrement would overflow'));
      expect(r('HINCRBY', 'h', 'big', '0')).toBe(int('9223372036854775807'));
      expect(r('HINCRBY', 'h', 'big', '-1')).toBe(int('9223372036854775806'));
      expect(r('HINCRBY', 'h', 'min', '-9223372036854775808')).toBe(int('-9223372036854775808'));
      expect(r('HINCRBY', 'h', 'min', '-1')).toBe(err('ERR increment or decrement would overflow'));
      expect(r('HGET', 'h', 'min')).toBe(bulk('-9223372036854775808'));
      for (const by of ['abc', '1.5', '+1', '9223372036854775808', '']) expect(r('HINCRBY', 'h', 'n', by), by).toBe(NOT_INT);
      // the increment is checked before the key's type
      r('SET', 's', 'x');
      expect(r('HINCRBY', 's', 'f', 'notint')).toBe(NOT_INT);
      expect(r('HINCRBY', 's', 'f', '1')).toBe(WRONGTYPE);
    });

    it('HINCRBYFLOAT: long double arithmetic and formatting like INCRBYFLOAT (Redis 7.0.15 replies)', () => {
      expect(r('HINCRBYFLOAT', 'h', 'x', '10.50')).toBe(bulk('10.5'));
      isEnc('h');
      expect(r('HINCRBYFLOAT', 'h', 'x', '0.1')).toBe(bulk('10.6'));
      expect(r('HINCRBYFLOAT', 'h', 'y', '0.1')).toBe(bulk('0.1'));
      expect(r('HINCRBYFLOAT', 'h', 'y', '0.2')).toBe(bulk('0.3'));
      expect(r('HINCRBYFLOAT', 'h', 'z', '3.0e3')).toBe(bulk('3000'));
      expect(r('HINCRBYFLOAT', 'h', 'w', '-1.5e-5')).toBe(bulk('-0.000015'));
      expect(r('HINCRBYFLOAT', 'h', 'q', '-0')).toBe(bulk('0'));
      expect(r('HINCRBYFLOAT', 'h', 'hex', '0x10')).toBe(bulk('16'));
      expect(r('HINCRBYFLOAT', 'h', 'p', '+1.5')).toBe(bulk('1.5'));
      expect(r('HINCRBYFLOAT', 'h', 'd', '.5')).toBe(bulk('0.5'));
      expect(r('HINCRBYFLOAT', 'h', 'e', '5.')).toBe(bulk('5'));
      r('HSET', 'h', 'max', '9223372036854775807', 'int', '5', 'i1', '1.0', 'hx', '0x10', 'e3', '1e3');
      expect(r('HINCRBYFLOAT', 'h', 'max', '1')).toBe(bulk('9223372036854775808'));
      expect(r('HINCRBYFLOAT', 'h', 'int', '1e-20')).toBe(bulk('5'));
      expect(r('HINCRBYFLOAT', 'h', 'i1', '1')).toBe(bulk('2'));
      expect(r('HINCRBYFLOAT', 'h', 'hx', '1')).toBe(bulk('17'));
      expect(r('HINCRBYFLOAT', 'h', 'e3', '1')).toBe(bulk('1001'));
      // then HINCRBY sees the stored text
      expect(r('HINCRBY', 'h', 'i1', '1')).toBe(int(3));
      r('HSET', 'h', 'abc', 'abc', 'sp', ' 1', 'inf', 'inf', 'ninf', '-inf');
      expect(r('HINCRBYFLOAT', 'h', 'abc', '1')).toBe(err('ERR hash value is not a float'));
      expect(r('HINCRBYFLOAT', 'h', 'sp', '1')).toBe(err('ERR hash value is not a float'));
      expect(r('HINCRBYFLOAT', 'h', 'inf', '1')).toBe(err('ERR increment would produce NaN or Infinity'));
      expect(r('HINCRBYFLOAT', 'h', 'ninf', '1')).toBe(err('ERR increment would produce NaN or Infinity'));
      expect(r('HINCRBYFLOAT', 'h', 'x', 'inf')).toBe(err('ERR value is NaN or Infinity'));
      expect(r('HINCRBYFLOAT', 'h', 'x', '-infinity')).toBe(err('ERR value is NaN or Infinity'));
      for (const by of ['nan', 'abc', '', '1e5000', ' 1']) expect(r('HINCRBYFLOAT', 'h', 'x', by), by).toBe(NOT_FLOAT);
      expect(r('HGET', 'h', 'x')).toBe(bulk('10.6'));
      // overflow of the sum itself
      expect(r('HINCRBYFLOAT', 'h', 'big30', '1e30')).toBe(bulk('1000000000000000000024696061952'));
      expect(r('HINCRBYFLOAT', 'h', 'frac', '123456789.123456789')).toBe(bulk('123456789.12345678899873747'));
      const huge = r('HINCRBYFLOAT', 'h', 'huge', '1e4930');
      expect(huge.startsWith('$4931\r\n100000000000000000002617378488703793057208195075512250134639475614675937969208152374755779813445912935540706921')).toBe(true);
      expect(r('HINCRBYFLOAT', 'h', 'huge', '1e4930').startsWith('$4931\r\n200000000000000000005234756977407586114416390151024500269278951229351875938416304749511559626891825871081413842')).toBe(true);
      r('SET', 's', 'x');
      expect(r('HINCRBYFLOAT', 's', 'f', 'abc')).toBe(NOT_FLOAT);
      expect(r('HINCRBYFLOAT', 's', 'f', '1')).toBe(WRONGTYPE);
    });

    it('HRANDFIELD without a count; errors in Redis order (count, syntax, key)', () => {
      expect(r('HRANDFIELD', 'nokey')).toBe(NIL);
      expect(r3('HRANDFIELD', 'nokey')).toBe('_\r\n');
      r('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
      for (let i = 0; i < 20; i++) expect(['a', 'b', 'c']).toContain(call('HRANDFIELD', 'h'));
      r('SET', 's', 'x');
      expect(r('HRANDFIELD', 's')).toBe(WRONGTYPE);
      expect(r('HRANDFIELD', 's', '3')).toBe(WRONGTYPE);
      expect(r('HRANDFIELD', 's', 'abc')).toBe(NOT_INT);
      expect(r('HRANDFIELD', 's', '1', 'withvalue')).toBe(SYNTAX);
      expect(r('HRANDFIELD', 'h', '1', 'withvalues', 'x')).toBe(SYNTAX);
      expect(r('HRANDFIELD', 'nokey', '1', 'withvalue')).toBe(SYNTAX);
      expect(r('HRANDFIELD', 'h', '-9223372036854775808')).toBe(
        err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'));
      for (const n of ['-9223372036854775807', '-4611686018427387904', '4611686018427387904']) {
        expect(r('HRANDFIELD', 'h', n, 'WITHVALUES'), n).toBe(err('ERR value is out of range'));
      }
      expect(r('HRANDFIELD', 'nokey', '4611686018427387904', 'withvalues')).toBe(err('ERR value is out of range'));
      expect(r('HRANDFIELD', 'nokey', '3')).toBe('*0\r\n');
      expect(r3('HRANDFIELD', 'nokey', '3', 'WITHVALUES')).toBe('*0\r\n');
      expect(r('HRANDFIELD', 'h', '0')).toBe('*0\r\n');
      expect(r3('HRANDFIELD', 'h', '0', 'withvalues')).toBe('*0\r\n');
    });

    it('HRANDFIELD with a count: whole hash, distinct sample, repeats for negative counts', () => {
      const fields: string[] = [];
      for (let i = 0; i < 30; i++) fields.push(`f${i}`, `v${i}`);
      r('HSET', 'h', ...fields);
      isEnc('h');
      const all = pairs(fields).map(([f]) => f).sort();
      // count >= size: every field once
      for (const n of ['30', '31', '1000', '9223372036854775807']) expect(sorted(call('HRANDFIELD', 'h', n))).toEqual(all);
      if (lp) expect(r('HRANDFIELD', 'h', '31')).toBe(bulks(...all.slice().sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))));
      // count < size: distinct fields (both sampling strategies: few of many, most of them)
      for (const n of [1, 3, 9, 10, 11, 25, 29]) {
        for (let t = 0; t < 5; t++) {
          const got = call('HRANDFIELD', 'h', String(n)) as string[];
          expect(got.length).toBe(n);
          expect(new Set(got).size).toBe(n);
          for (const f of got) expect(all).toContain(f);
        }
      }
      // negative: exactly |count| picks, repeats allowed
      const many = call('HRANDFIELD', 'h', '-100') as string[];
      expect(many.length).toBe(100);
      for (const f of many) expect(all).toContain(f);
      expect(new Set(many).size).toBeGreaterThan(5);
      // WITHVALUES: RESP2 flat, RESP3 an array of [field, value] pairs
      const flat = call('HRANDFIELD', 'h', '-7', 'WITHVALUES') as string[];
      expect(flat.length).toBe(14);
      for (let i = 0; i < 14; i += 2) expect(flat[i + 1]).toBe(flat[i].replace('f', 'v'));
      const nested = h.call(c3, 'HRANDFIELD', 'h', '5', 'WITHVALUES') as string[][];
      expect(nested.length).toBe(5);
      for (const p of nested) {
        expect(p.length).toBe(2);
        expect(p[1]).toBe(p[0].replace('f', 'v'));
      }
      expect(new Set(nested.map((p) => p[0])).size).toBe(5);
      const whole = h.call(c3, 'HRANDFIELD', 'h', '100', 'withvalues') as string[][];
      expect(whole.map((p) => p[0]).sort()).toEqual(all);
      const neg3 = h.call(c3, 'HRANDFIELD', 'h', '-3', 'WITHVALUES') as string[][];
      expect(neg3.length).toBe(3);
      expect(r3('HRANDFIELD', 'h', '-1', 'WITHVALUES')).toMatch(/^\*1\r\n\*2\r\n\$\d+\r\nf\d+\r\n\$\d+\r\nv\d+\r\n$/);
      expect(r('HRANDFIELD', 'h', '-1', 'WITHVALUES')).toMatch(/^\*2\r\n\$\d+\r\nf\d+\r\n\$\d+\r\nv\d+\r\n$/);
    });

    it('HRANDFIELD draws fields evenly (chi-square, as Redis tests it)', () => {
      const args: string[] = [];
      for (let i = 0; i < 10; i++) args.push(`f${i}`, `v${i}`);
      // a hashtable that had many more fields: the survivors sit in a sparse table
      const big: string[] = [];
      for (let i = 0; i < 200; i++) big.push(`x${i}`, 'v');
      r('HSET', 'h', ...args, ...big);
      r('HDEL', 'h', ...big.filter((_, i) => i % 2 === 0));
      expect(r('HLEN', 'h')).toBe(int(10));
      const chi = (res: string[]) => {
        const counts = new Map<string, number>();
        for (const f of res) counts.set(f, (counts.get(f) ?? 0) + 1);
        expect(counts.size).toBe(10);
        const exp = res.length / 10;
        let x = 0;
        for (const n of counts.values()) x += (n - exp) ** 2 / exp;
        return x;
      };
      // df = 9: 40 has a probability of about 0.00001
      expect(chi(call('HRANDFIELD', 'h', '-1000') as string[])).toBeLessThan(40);
      const singles: string[] = [];
      for (let i = 0; i < 1000; i++) singles.push(call('HRANDFIELD', 'h') as string);
      expect(chi(singles)).toBeLessThan(40);
    });

    it('HRANDFIELD on a one-field hash', () => {
      r('HSET', 'h', 'only', 'v');
      expect(r('HRANDFIELD', 'h')).toBe(bulk('only'));
      expect(r('HRANDFIELD', 'h', '-3')).toBe(bulks('only', 'only', 'only'));
      expect(r('HRANDFIELD', 'h', '1', 'WITHVALUES')).toBe(bulks('only', 'v'));
      expect(r3('HRANDFIELD', 'h', '-2', 'WITHVALUES')).toBe(`*2\r\n${arr(bulk('only'), bulk('v'))}${arr(bulk('only'), bulk('v'))}`);
    });

    it('HSCAN: a full iteration returns every field once with its value', () => {
      const n = lp ? 50 : 500;
      const args: string[] = [];
      for (let i = 0; i < n; i++) args.push(`field:${i}`, `value:${i}`);
      r('HSET', 'h', ...args);
      isEnc('h');
      const seen = new Map<string, string>();
      let cursor = '0', calls = 0;
      do {
        const [next, items] = call('HSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(seen.size).toBe(n);
      for (const [f, v] of seen) expect(v).toBe(f.replace('field', 'value'));
      // a listpack hash comes back whole with cursor 0; a hashtable needs several calls
      if (lp) expect(calls).toBe(1);
      else expect(calls).toBeGreaterThan(5);
      // RESP3 keeps the same shape (cursor, flat array)
      const [c0, items3] = h.call(c3, 'HSCAN', 'h', '0') as [string, string[]];
      expect(typeof c0).toBe('string');
      expect(Array.isArray(items3)).toBe(true);
    });

    it('HSCAN MATCH and COUNT; cursor and option errors in Redis order', () => {
      r('HSET', 'h', 'foo', '1', 'fab', '2', 'bar', '3');
      const collect = (...opts: string[]) => {
        const out: string[] = [];
        let cursor = '0';
        do {
          const [next, items] = call('HSCAN', 'h', cursor, ...opts) as [string, string[]];
          out.push(...items);
          cursor = next;
        } while (cursor !== '0');
        return pairs(out);
      };
      expect(collect('MATCH', 'f*')).toEqual([['fab', '2'], ['foo', '1']]);
      expect(collect('MATCH', '*')).toEqual([['bar', '3'], ['fab', '2'], ['foo', '1']]);
      expect(collect('COUNT', '1', 'MATCH', '*', 'MATCH', 'b?r')).toEqual([['bar', '3']]);
      if (lp) {
        expect(r('HSCAN', 'h', '0', 'MATCH', 'foo', 'COUNT', '1')).toBe(`*2\r\n${bulk('0')}${bulks('foo', '1')}`);
        expect(r('HSCAN', 'h', '-1')).toBe(`*2\r\n${bulk('0')}${bulks('foo', '1', 'fab', '2', 'bar', '3')}`);
        expect(r('HSCAN', 'h', '12345')).toBe(`*2\r\n${bulk('0')}${bulks('foo', '1', 'fab', '2', 'bar', '3')}`);
      }
      expect(r('HSCAN', 'h', 'abc')).toBe(err('ERR invalid cursor'));
      expect(r('HSCAN', 'h', '18446744073709551616')).toBe(err('ERR invalid cursor'));
      expect(r('HSCAN', 'h', '0', 'COUNT', '0')).toBe(SYNTAX);
      expect(r('HSCAN', 'h', '0', 'COUNT', '-1')).toBe(SYNTAX);
      expect(r('HSCAN', 'h', '0', 'COUNT', 'abc')).toBe(NOT_INT);
      expect(r('HSCAN', 'h', '0', 'MATCH')).toBe(SYNTAX);
      expect(r('HSCAN', 'h', '0', 'TYPE', 'string')).toBe(SYNTAX);
      expect(r('HSCAN', 'h', '0', 'NOVALUES')).toBe(SYNTAX);
      expect(r('HSCAN', 'nokey', '0')).toBe(`*2\r\n${bulk('0')}*0\r\n`);
      // a missing key answers before the options are read
      expect(r('HSCAN', 'nokey', '0', 'COUNT', '0')).toBe(`*2\r\n${bulk('0')}*0\r\n`);
      r('SET', 's', 'x');
      expect(r('HSCAN', 's', '0')).toBe(WRONGTYPE);
      expect(r('HSCAN', 's', 'abc')).toBe(err('ERR invalid cursor'));
    });

    it('WRONGTYPE from every hash command; other commands refuse a hash', () => {
      r('SET', 's', 'x');
      forceType(h, 's', 1);
      for (const cmd of [
        ['HSET', 's', 'f', 'v'], ['HMSET', 's', 'f', 'v'], ['HSETNX', 's', 'f', 'v'], ['HGET', 's', 'f'],
        ['HMGET', 's', 'f'], ['HDEL', 's', 'f'], ['HLEN', 's'], ['HEXISTS', 's', 'f'], ['HSTRLEN', 's', 'f'],
        ['HINCRBY', 's', 'f', '1'], ['HINCRBYFLOAT', 's', 'f', '1'], ['HGETALL', 's'], ['HKEYS', 's'],
        ['HVALS', 's'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HSCAN', 's', '0'],
      ]) expect(r(...cmd), cmd.join(' ')).toBe(WRONGTYPE);
      r('HSET', 'h', 'f', 'v');
      expect(r('GET', 'h')).toBe(WRONGTYPE);
      expect(r('APPEND', 'h', 'x')).toBe(WRONGTYPE);
      expect(r('INCR', 'h')).toBe(WRONGTYPE);
      expect(r('HGET', 'h', 'f')).toBe(bulk('v'));
      // SET replaces a hash (and frees it)
      expect(r('SET', 'h', 'str')).toBe(OK);
      expect(r('TYPE', 'h')).toBe('+string\r\n');
    });

    it('keyspace commands carry hashes: DEL, RENAME, COPY (same and other shard), MOVE, FLUSHDB', () => {
      r('HSET', 'h', 'a', '1', 'b', '2');
      const [k0, k1] = keysOnBothShards(h, 'dst');
      for (const dst of [k0, k1]) {
        expect(r('COPY', 'h', dst)).toBe(int(1));
        isEnc(dst);
        expect(r('HSET', dst, 'c', '3')).toBe(int(1));
        expect(pairs(call('HGETALL', dst))).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
      }
      expect(pairs(call('HGETALL', 'h'))).toEqual([['a', '1'], ['b', '2']]);
      expect(r('RENAME', k0, 'moved')).toBe(OK);
      expect(r('RENAME', 'moved', k1)).toBe(OK);
      expect(pairs(call('HGETALL', k1))).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
      expect(r('EXISTS', k0, 'moved')).toBe(int(0));
      expect(r('MOVE', k1, '1')).toBe(int(1));
      expect(r('SELECT', '1')).toBe(OK);
      expect(r('HGET', k1, 'c')).toBe(bulk('3'));
      expect(r('FLUSHDB')).toBe(OK);
      expect(r('SELECT', '0')).toBe(OK);
      expect(r('DEL', 'h')).toBe(int(1));
      expect(r('EXISTS', 'h')).toBe(int(0));
      r('HSET', 'h', 'x', 'y');
      expect(r('COPY', 'h', k0, 'DB', '2')).toBe(int(1));
      r('SELECT', '2');
      expect(r('HGET', k0, 'x')).toBe(bulk('y'));
      isEnc(k0);
      r('SELECT', '0');
    });

    it('a hash expires like any key', async () => {
      r('HSET', 'h', 'a', '1');
      expect(r('EXPIRE', 'h', '100')).toBe(int(1));
      expect(r('TTL', 'h')).toBe(int(100));
      expect(r('HGET', 'h', 'a')).toBe(bulk('1'));
      expect(r('PEXPIRE', 'h', '1')).toBe(int(1));
      await sleep(20);
      expect(r('HGET', 'h', 'a')).toBe(NIL);
      expect(r('EXISTS', 'h')).toBe(int(0));
      // HSET on an expired key starts a new hash
      r('HSET', 'h2', 'a', '1');
      r('PEXPIRE', 'h2', '1');
      await sleep(20);
      expect(r('HSET', 'h2', 'b', '2')).toBe(int(1));
      expect(pairs(call('HGETALL', 'h2'))).toEqual([['b', '2']]);
      expect(r('TTL', 'h2')).toBe(int(-1));
    });

    it('many fields: updates that change size, deletes, then the key goes away', () => {
      const n = 1000;
      for (let i = 0; i < n; i += 100) {
        const args: string[] = [];
        for (let j = i; j < i + 100; j++) args.push(`k${j}`, `${j}`);
        r('HSET', 'big', ...args);
      }
      expect(r('HLEN', 'big')).toBe(int(n));
      expect(r('OBJECT', 'ENCODING', 'big')).toBe(bulk('hashtable'));
      for (let i = 0; i < n; i += 7) r('HSET', 'big', `k${i}`, 'x'.repeat(i % 90));
      for (let i = 0; i < n; i += 7) expect(r('HGET', 'big', `k${i}`)).toBe(bulk('x'.repeat(i % 90)));
      for (let i = 0; i < n; i++) if (i % 7 !== 0) expect(r('HGET', 'big', `k${i}`)).toBe(bulk(String(i)));
      const fields: string[] = [];
      for (let i = 0; i < n; i++) fields.push(`k${i}`);
      expect(r('HDEL', 'big', ...fields.slice(0, 990))).toBe(int(990));
      expect(sorted(call('HKEYS', 'big'))).toEqual(fields.slice(990).sort());
      expect(r('HDEL', 'big', ...fields)).toBe(int(10));
      expect(r('EXISTS', 'big')).toBe(int(0));
    });
  });
}

describe('hash encoding conversion (Redis 7.0.15 behaviour)', () => {
  beforeEach(() => {
    c = h.client(2);
    r('FLUSHALL');
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '128');
    r('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  });
  afterAll(() => {
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '128');
    r('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  });
  const encOf = (k: string) => call('OBJECT', 'ENCODING', k);

  it('entries: converts once the count exceeds hash-max-listpack-entries, never back', () => {
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    r('HSET', 'e', 'a', '1', 'b', '2');
    expect(encOf('e')).toBe('listpack');
    r('HSET', 'e', 'a', '1', 'b', '2');
    expect(encOf('e')).toBe('listpack');
    r('HSET', 'e', 'c', '3');
    expect(encOf('e')).toBe('hashtable');
    r('HDEL', 'e', 'a', 'b');
    expect(encOf('e')).toBe('hashtable');
    expect(r('HDEL', 'e', 'c')).toBe(int(1));
    expect(r('EXISTS', 'e')).toBe(int(0));
    // the default 128
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '128');
    const args: string[] = [];
    for (let i = 0; i < 128; i++) args.push(`f${i}`, 'v');
    r('HSET', 'd', ...args);
    expect(encOf('d')).toBe('listpack');
    r('HSET', 'd', 'f128', 'v');
    expect(encOf('d')).toBe('hashtable');
    expect(r('HLEN', 'd')).toBe(int(129));
  });

  it('values: a field or value longer than hash-max-listpack-value converts (64 bytes stays)', () => {
    r('HSET', 'a', 'f', 'x'.repeat(64), 'y'.repeat(64), 'v');
    expect(encOf('a')).toBe('listpack');
    r('HSET', 'a', 'f', 'x'.repeat(65));
    expect(encOf('a')).toBe('hashtable');
    expect(r('HGET', 'a', 'f')).toBe(bulk('x'.repeat(65)));
    r('HSET', 'b', 'z'.repeat(65), '1');
    expect(encOf('b')).toBe('hashtable');
  });

  it('HSETNX of an existing field does not convert; of a new long field does', () => {
    const long = 'f'.repeat(70);
    r('HSET', 'c', 'x', '1');
    expect(r('HSETNX', 'c', 'x', long)).toBe(int(0));
    expect(encOf('c')).toBe('listpack');
    expect(r('HSETNX', 'c', 'y', long)).toBe(int(1));
    expect(encOf('c')).toBe('hashtable');
  });

  it('HINCRBY / HINCRBYFLOAT convert for a long field or a result longer than the limit', () => {
    const long = 'f'.repeat(70);
    expect(r('HINCRBY', 'a', long, '1')).toBe(int(1));
    expect(encOf('a')).toBe('hashtable');
    expect(r('HINCRBYFLOAT', 'b', long, '1')).toBe(bulk('1'));
    expect(encOf('b')).toBe('hashtable');
    r('CONFIG', 'SET', 'hash-max-listpack-value', '3');
    r('HSET', 'd', 'x', '1');
    expect(encOf('d')).toBe('listpack');
    expect(r('HINCRBY', 'd', 'x', '10000')).toBe(int(10001));
    expect(encOf('d')).toBe('hashtable');
    r('HSET', 'e', 'y', '1');
    expect(r('HINCRBYFLOAT', 'e', 'y', '0.25')).toBe(bulk('1.25'));
    expect(encOf('e')).toBe('hashtable');
  });

  it('hash-max-listpack-entries 0: every hash is a hashtable from its first field', () => {
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '0');
    r('HSET', 'g', 'a', '1');
    r('HSETNX', 'g2', 'a', '1');
    r('HINCRBY', 'g3', 'a', '1');
    r('HINCRBYFLOAT', 'g4', 'a', '1');
    for (const k of ['g', 'g2', 'g3', 'g4']) expect(encOf(k)).toBe('hashtable');
  });

  it('a converted hash keeps every field, and copies keep the encoding', () => {
    r('CONFIG', 'SET', 'hash-max-listpack-entries', '10');
    const args: string[] = [];
    for (let i = 0; i < 11; i++) args.push(`f${i}`, `v${i}`);
    r('HSET', 'h', ...args.slice(0, 20));
    expect(r('HGETALL', 'h')).toBe(bulks(...args.slice(0, 20)));
    r('HSET', 'h', ...args.slice(20));
    expect(encOf('h')).toBe('hashtable');
    expect(pairs(call('HGETALL', 'h'))).toEqual(pairs(args));
    r('COPY', 'h', 'h2');
    expect(encOf('h2')).toBe('hashtable');
    r('HSET', 'small', 'a', '1');
    r('COPY', 'small', 'small2');
    expect(encOf('small2')).toBe('listpack');
  });
});
