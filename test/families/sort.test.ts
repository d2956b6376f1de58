/**
 * SORT and SORT_RO (tests/unit/sort.tcl, black-box). Every expected reply was checked against a
 * real redis-server 7.0.15 (same commands, same bytes), except where a comment says the order
 * is Spindle's own (a set's or zset's iteration order, which only shows through ties).
 * The input-type tests run under each encoding of lists, sets and sorted sets.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { keysOnBothShards } from './family-kit.js';
import type { Client } from '../../src/server/client.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const call = (...a: Arg[]) => h.call(c, ...a);
const run = (...a: Arg[]) => h.run(c, ...a);

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const SYNTAX = { error: 'ERR syntax error' };
const NOT_DOUBLE = { error: "ERR One or more scores can't be converted into double" };

const bulk = (s: string) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
const bulks = (...xs: string[]) => arr(...xs.map(bulk));

function fresh(): void {
  c = h.client(2);
  call('FLUSHALL');
  call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  call('CONFIG', 'SET', 'set-max-intset-entries', '512');
  call('CONFIG', 'SET', 'set-max-listpack-entries', '128');
  call('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
}

// ------------------------------------------------------------------ input types × encodings

const listFills: [string, string][] = [['listpack', '-2'], ['quicklist (2 per node)', '2']];
for (const [name, fill] of listFills) {
  describe(`SORT a list: ${name}`, () => {
    beforeEach(() => {
      fresh();
      call('CONFIG', 'SET', 'list-max-listpack-size', fill);
    });

    it('numeric and ALPHA, ASC and DESC', () => {
      call('RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5');
      expect(call('SORT', 'l')).toEqual(['-5', '1', '1.5', '2', '3', '10']);
      expect(call('SORT', 'l', 'DESC')).toEqual(['10', '3', '2', '1.5', '1', '-5']);
      expect(call('SORT', 'l', 'ALPHA')).toEqual(['-5', '1', '1.5', '10', '2', '3']);
      expect(call('SORT', 'l', 'ALPHA', 'DESC')).toEqual(['3', '2', '10', '1.5', '1', '-5']);
      expect(call('SORT_RO', 'l', 'DESC', 'ASC')).toEqual(['-5', '1', '1.5', '2', '3', '10']);
      expect(call('LRANGE', 'l', '0', '-1')).toEqual(['3', '1', '2', '10', '-5', '1.5']);
    });

    it('equal scores are ordered by the elements\' bytes (reversed too by DESC)', () => {
      call('RPUSH', 't', '1.0', '1', '01', '+1', '1e0', '0x1', '-0', '0', ' 0');
      expect(call('SORT', 't')).toEqual([' 0', '-0', '0', '+1', '01', '0x1', '1', '1.0', '1e0']);
      expect(call('SORT', 't', 'DESC')).toEqual(['1e0', '1.0', '1', '0x1', '01', '+1', '0', '-0', ' 0']);
      expect(call('SORT', 't', 'LIMIT', '2', '3')).toEqual(['0', '+1', '01']);
    });

    it('LIMIT with Redis 7.0.15 clamping', () => {
      call('RPUSH', 'l', '3', '1', '2', '10', 'b', 'a');
      const lim = (o: string, n: string, ...more: string[]) => call('SORT', 'l', 'LIMIT', o, n, ...more);
      expect(lim('1', '9223372036854775807', 'ALPHA')).toEqual(['10', '2', '3', 'a', 'b']);
      expect(lim('9223372036854775807', '9223372036854775807', 'ALPHA')).toEqual([]);
      expect(lim('-5', '2', 'ALPHA')).toEqual(['1', '10']);
      expect(lim('2', '-1', 'ALPHA')).toEqual(['2', '3', 'a', 'b']);
      expect(lim('0', '0', 'ALPHA')).toEqual([]);
      expect(lim('10', '1', 'ALPHA')).toEqual([]);
      expect(lim('3', '9223372036854775807', 'ALPHA')).toEqual(['3', 'a', 'b']);
      expect(lim('-9223372036854775808', '-9223372036854775808', 'ALPHA')).toEqual(['1', '10', '2', '3', 'a', 'b']);
      expect(call('SORT', 'l', 'LIMIT', '0', '1', 'LIMIT', '1', '1', 'ALPHA')).toEqual(['10']);
      expect(lim('0', '9223372036854775808')).toEqual(NOT_INT);
      expect(lim('x', '1')).toEqual(NOT_INT);
      expect(lim('1', '1.5')).toEqual(NOT_INT);
    });

    it('BY nosort keeps list order, with LIMIT and DESC taken from the ends', () => {
      call('RPUSH', 'l', '3', '1', '2', '10', 'b', 'a');
      expect(call('SORT', 'l', 'BY', 'nosort')).toEqual(['3', '1', '2', '10', 'b', 'a']);
      expect(call('SORT', 'l', 'BY', 'nosort', 'DESC')).toEqual(['a', 'b', '10', '2', '1', '3']);
      expect(call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '3', '9223372036854775807')).toEqual(['10', 'b', 'a']);
      expect(call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '9223372036854775807', 'DESC')).toEqual(['b', '10', '2', '1', '3']);
      expect(call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '2', '2', 'DESC')).toEqual(['10', '2']);
      expect(call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '9', '9')).toEqual([]);
      // A BY pattern without '*' anywhere means "don't sort", even followed by a real one.
      expect(call('SORT', 'l', 'BY', 'nosort', 'BY', 'w_*')).toEqual(['3', '1', '2', '10', 'b', 'a']);
    });

    it('a longer list: full sorts against a JS sort, STORE encodings', () => {
      const els: string[] = [];
      for (let i = 0; i < 300; i++) els.push(`e${(i * 7919) % 301}`);
      call('RPUSH', 'big', ...els);
      const byBytes = [...els].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(call('SORT', 'big', 'ALPHA')).toEqual(byBytes);
      expect(call('SORT', 'big', 'ALPHA', 'LIMIT', '290', '100')).toEqual(byBytes.slice(290));
      expect(call('SORT', 'big', 'BY', 'nosort', 'LIMIT', '100', '10')).toEqual(els.slice(100, 110));
      expect(call('SORT', 'big', 'BY', 'nosort', 'DESC', 'LIMIT', '100', '10')).toEqual([...els].reverse().slice(100, 110));
      expect(call('SORT', 'big', 'ALPHA', 'STORE', 'big2')).toBe(300);
      expect(call('LRANGE', 'big2', '0', '-1')).toEqual(byBytes);
      expect(call('OBJECT', 'ENCODING', 'big2')).toBe(fill === '-2' ? 'listpack' : 'quicklist');
      expect(call('SORT', 'big', 'ALPHA', 'LIMIT', '0', '2', 'STORE', 'small')).toBe(2);
      expect(call('OBJECT', 'ENCODING', 'small')).toBe('listpack');
    });
  });
}

const setEncodings: [string, [string, string][]][] = [
  ['intset/listpack', []],
  ['hashtable', [['set-max-intset-entries', '0'], ['set-max-listpack-entries', '0']]],
];
for (const [name, conf] of setEncodings) {
  describe(`SORT a set: ${name}`, () => {
    beforeEach(() => {
      fresh();
      for (const [k, v] of conf) call('CONFIG', 'SET', k, v);
    });

    it('numeric, ALPHA, LIMIT, BY', () => {
      call('SADD', 'si', '30', '-2', '7', '100');
      call('SADD', 'ss', 'pear', 'apple', 'fig', '10');
      expect(call('SORT', 'si')).toEqual(['-2', '7', '30', '100']);
      expect(call('SORT', 'si', 'DESC', 'LIMIT', '1', '2')).toEqual(['30', '7']);
      expect(call('SORT', 'ss')).toEqual(NOT_DOUBLE);
      expect(call('SORT', 'ss', 'ALPHA')).toEqual(['10', 'apple', 'fig', 'pear']);
      expect(call('SORT', 'ss', 'ALPHA', 'DESC', 'LIMIT', '0', '2')).toEqual(['pear', 'fig']);
      call('MSET', 'w_pear', '1', 'w_apple', '3', 'w_fig', '2', 'w_10', '0.5');
      expect(call('SORT', 'ss', 'BY', 'w_*')).toEqual(['10', 'pear', 'fig', 'apple']);
      expect(call('SORT', 'ss', 'BY', 'w_*', 'GET', 'w_*', 'GET', '#')).toEqual(['0.5', '10', '1', 'pear', '2', 'fig', '3', 'apple']);
    });

    it('BY nosort: set order in the reply, forced ALPHA sort into STORE', () => {
      call('SADD', 's', 'b', 'a', 'c');
      // The reply order of an unsorted set is the set's iteration order (Spindle's own).
      expect([...(call('SORT', 's', 'BY', 'nosort') as string[])].sort()).toEqual(['a', 'b', 'c']);
      expect(call('SORT', 's', 'BY', 'nosort', 'STORE', 'd')).toBe(3);
      expect(call('LRANGE', 'd', '0', '-1')).toEqual(['a', 'b', 'c']);
      expect(call('SORT', 's', 'BY', 'nosort', 'DESC', 'STORE', 'd')).toBe(3);
      expect(call('LRANGE', 'd', '0', '-1')).toEqual(['c', 'b', 'a']);
      expect(call('SORT', 's', 'BY', 'nosort', 'LIMIT', '1', '1', 'STORE', 'd')).toBe(1);
      expect(call('LRANGE', 'd', '0', '-1')).toEqual(['b']);
      expect(call('SORT', 's', 'BY', 'nosort', 'GET', 'x_*', 'STORE', 'd')).toBe(3);
      expect(call('LRANGE', 'd', '0', '-1')).toEqual(['', '', '']);
      call('SADD', 'si', '3', '1', '2');
      if (name === 'intset/listpack') expect(call('SORT', 'si', 'BY', 'nosort')).toEqual(['1', '2', '3']);
    });
  });
}

const zsetEncodings: [string, string][] = [['listpack', '128'], ['skiplist', '0']];
for (const [name, entries] of zsetEncodings) {
  describe(`SORT a sorted set: ${name}`, () => {
    beforeEach(() => {
      fresh();
      call('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
      call('ZADD', 'z', '1', 'c', '2', 'a', '3', 'b', '4', '10', '5', '9');
    });

    it('BY nosort returns the zset order and applies LIMIT on ranks', () => {
      expect(call('SORT', 'z', 'BY', 'nosort')).toEqual(['c', 'a', 'b', '10', '9']);
      expect(call('SORT', 'z', 'BY', 'nosort', 'DESC')).toEqual(['9', '10', 'b', 'a', 'c']);
      expect(call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2')).toEqual(['a', 'b']);
      expect(call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2', 'DESC')).toEqual(['10', 'b']);
      expect(call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '4', '10', 'DESC')).toEqual(['c']);
      expect(call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '5', '10', 'DESC')).toEqual([]);
      expect(call('SORT', 'z', 'BY', 'nosort', 'STORE', 'd')).toBe(5);
      expect(call('LRANGE', 'd', '0', '-1')).toEqual(['c', 'a', 'b', '10', '9']);
    });

    it('sorts members, and converts a listpack zset to a skiplist as Redis 7.0 does', () => {
      expect(call('SORT', 'z', 'ALPHA')).toEqual(['10', '9', 'a', 'b', 'c']);
      expect(call('SORT', 'z', 'ALPHA', 'DESC', 'LIMIT', '1', '3')).toEqual(['b', 'a', '9']);
      expect(call('SORT', 'z')).toEqual(NOT_DOUBLE);
      expect(call('OBJECT', 'ENCODING', 'z')).toBe('skiplist');
      call('ZADD', 'zn', '1', '30', '2', '4');
      expect(call('SORT_RO', 'zn')).toEqual(['4', '30']);
      expect(call('OBJECT', 'ENCODING', 'zn')).toBe('skiplist');
      expect(call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toEqual(['c', '1', 'a', '2', 'b', '3', '10', '4', '9', '5']);
    });
  });
}

// ------------------------------------------------------------------ patterns

describe('SORT BY and GET patterns', () => {
  beforeEach(() => {
    fresh();
    call('RPUSH', 'l', '1', '2', '3');
    call('MSET', 'w_1', '30', 'w_2', '20', 'w_3', '10');
    call('HSET', 'h_1', 'f', 'c', 'g->x', '1');
    call('HSET', 'h_2', 'f', 'b');
    call('HSET', 'h_3', 'f', 'a');
  });

  it('BY string keys and hash fields; missing weights sort as 0 / first', () => {
    expect(call('SORT', 'l', 'BY', 'w_*')).toEqual(['3', '2', '1']);
    expect(call('SORT', 'l', 'BY', 'h_*->f', 'ALPHA')).toEqual(['3', '2', '1']);
    expect(call('SORT', 'l', 'BY', 'h_*->f')).toEqual(NOT_DOUBLE);
    call('DEL', 'l');
    call('RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5');
    call('DEL', 'w_2');
    call('MSET', 'w_3', '1', 'w_1', '1');
    expect(call('SORT', 'l', 'BY', 'w_*')).toEqual(['-5', '1.5', '10', '2', '1', '3']);
    expect(call('SORT', 'l', 'BY', 'w_*', 'DESC')).toEqual(['3', '1', '2', '10', '1.5', '-5']);
    // ALPHA weights: missing first, equal weights keep input order (glibc's qsort is stable).
    expect(call('SORT', 'l', 'BY', 'w_*', 'ALPHA')).toEqual(['2', '10', '-5', '1.5', '3', '1']);
    expect(call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC')).toEqual(['3', '1', '2', '10', '-5', '1.5']);
    // ... except with LIMIT, where Redis's partial quicksort decides the order of ties.
    expect(call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '1', '3')).toEqual(['10', '-5', '1.5']);
  });

  it('ties under BY ... ALPHA LIMIT come out in pqsort order', () => {
    const els = '2 39 22 14 27 5 26 6 32 38 1 37 3 13 8 18 9 28 19 36 31 29 30 11 35 16 23 34 24 4 20 21 10 7 12 25 33 15 40 17'.split(' ');
    call('RPUSH', 'big', ...els);
    expect(call('SORT', 'big', 'BY', 'nokey_*', 'ALPHA')).toEqual(els);
    expect(call('SORT', 'big', 'BY', 'nokey_*', 'ALPHA', 'DESC')).toEqual(els);
    expect((call('SORT', 'big', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', '0', '10') as string[]).join(' '))
      .toBe('17 39 22 14 27 5 26 6 32 38');
    expect((call('SORT', 'big', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', '5', '10') as string[]).join(' '))
      .toBe('5 26 6 32 38 1 37 3 13 8');
    expect((call('SORT', 'big', 'BY', 'nokey_*', 'LIMIT', '0', '10') as string[]).join(' '))
      .toBe('1 10 11 12 13 14 15 16 17 18');
  });

  it('GET #, GET patterns, missing values are nil (RESP2 $-1, RESP3 _)', () => {
    expect(run('SORT', 'l', 'GET', 'h_*->f', 'GET', '#', 'GET', 'w_*', 'GET', 'nokey', 'GET', 'h_*->nof', 'GET', 'w_*->f', 'GET', 'h_*'))
      .toBe(arr(...['c', '1', '30', null, null, null, null, 'b', '2', '20', null, null, null, null, 'a', '3', '10', null, null, null, null]
        .map((x) => (x === null ? '$-1\r\n' : bulk(x)))));
    expect(run('SORT', 'l', 'GET', 'nokey_*', 'GET', '#')).toBe(arr('$-1\r\n', bulk('1'), '$-1\r\n', bulk('2'), '$-1\r\n', bulk('3')));
    const c3 = h.client(3);
    expect(h.run(c3, 'SORT', 'l', 'GET', 'nokey_*', 'GET', '#')).toBe(arr('_\r\n', bulk('1'), '_\r\n', bulk('2'), '_\r\n', bulk('3')));
    expect(h.run(c3, 'SORT', 'nokey')).toBe('*0\r\n');
  });

  it('"->" splits at its first occurrence after the "*" and needs a field after it', () => {
    expect(call('SORT', 'l', 'GET', 'h_*->g->x')).toEqual(['1', null, null]);
    expect(call('SORT', 'l', 'GET', 'w_*->')).toEqual([null, null, null]);
    call('SET', 'w_1->', 'X');
    expect(call('SORT', 'l', 'GET', 'w_*->')).toEqual(['X', null, null]);
    call('SET', 'a->b1', 'Y');
    expect(call('SORT', 'l', 'GET', 'a->b*')).toEqual(['Y', null, null]);
  });

  it('patterns are C strings: nothing after a NUL byte counts', () => {
    expect(call('SORT', 'l', 'BY', 'w_*', 'GET', Buffer.from('#\0zz'))).toEqual(['3', '2', '1']);
    expect(call('SORT', 'l', 'BY', 'nosort', 'GET', Buffer.from('w_\0*'))).toEqual([null, null, null]);
    expect(call('SORT', 'l', 'BY', Buffer.from('w\0_*'))).toEqual(['1', '2', '3']);
  });

  it('pattern keys and the destination may live in any shard', () => {
    const [a, b] = keysOnBothShards(h, 'px');
    call('DEL', 'l');
    call('RPUSH', 'l', a, b);
    call('SET', `w:${a}`, '2');
    call('SET', `w:${b}`, '1');
    call('SET', `v:${a}`, 'A');
    call('SET', `v:${b}`, 'B');
    expect(h.shardOf(`w:${a}`) !== h.shardOf(`w:${b}`) || h.shardOf(`v:${a}`) !== h.shardOf(`v:${b}`)).toBe(true);
    expect(call('SORT', 'l', 'BY', 'w:*', 'GET', 'v:*', 'GET', '#')).toEqual(['B', b, 'A', a]);
    const [d1, d2] = keysOnBothShards(h, 'dst');
    for (const d of [d1, d2]) {
      expect(call('SORT', 'l', 'BY', 'w:*', 'GET', 'v:*', 'STORE', d)).toBe(2);
      expect(call('LRANGE', d, '0', '-1')).toEqual(['B', 'A']);
    }
  });

  it('counts keyspace hits and misses of pattern lookups like Redis', () => {
    call('CONFIG', 'RESETSTAT');
    call('SORT', 'l', 'BY', 'w_*', 'GET', 'h_*->f', 'GET', '#', 'GET', 'nope');
    call('SORT', 'nokey', 'BY', 'w_*');
    call('SORT', 'l', 'BY', 'nosort', 'GET', 'nokey_*');
    const info = call('INFO', 'stats') as string;
    expect(info).toMatch(/keyspace_hits:8\r\n/);
    expect(info).toMatch(/keyspace_misses:4\r\n/);
  });
});

// ------------------------------------------------------------------ ALPHA and weights

describe('SORT comparisons and weights', () => {
  beforeEach(fresh);

  it('ALPHA compares C strings (strcoll), STORE compares whole byte strings', () => {
    call('RPUSH', 'l', Buffer.from('a\0b'), Buffer.from('a\0a'), 'a', Buffer.from('a\0c'));
    expect(run('SORT', 'l', 'ALPHA')).toBe(bulks('a\0b', 'a\0a', 'a', 'a\0c'));
    expect(run('SORT', 'l', 'ALPHA', 'DESC')).toBe(bulks('a\0b', 'a\0a', 'a', 'a\0c'));
    expect(call('SORT', 'l', 'ALPHA', 'STORE', 'd')).toBe(4);
    expect(run('LRANGE', 'd', '0', '-1')).toBe(bulks('a', 'a\0a', 'a\0b', 'a\0c'));
    call('RPUSH', 'u', 'é', 'z', 'Z', 'a');
    expect(call('SORT', 'u', 'ALPHA')).toEqual(['Z', 'a', 'z', 'é']);
  });

  // Weights as glibc's strtod reads them; true = accepted (sorted), false = the double error.
  // Each checked on a fresh connection of redis-server 7.0.15 (its errno is not reset between
  // calls, so after one ERANGE later sorts on the same connection may fail too).
  const weights: [string, boolean][] = [
    [' 1', true], ['1 ', false], ['0x10', true], ['0x', false], ['-0x1p4', true], ['inf', true],
    ['-Infinity', true], ['INFINITY', true], ['+inf', true], ['infx', false], ['infin', false],
    ['nan', false], ['NaN', false], ['1e500', false], ['1e0400', false], ['1e-400', false],
    ['1e-310', false], ['1e-320', false], ['4.9e-324', false], ['2.2250738585072014e-308', true],
    ['2.2250738585072011e-308', false], ['2.2250738585072012e-308', false], ['1.7976931348623157e308', true],
    ['1.7976931348623158e308', true], ['1.7976931348623159e308', false], ['0x1p-1074', true], ['0x1p-1022', true],
    ['0x1.fffffffffffffp1023', true], ['0x1p1024', false], ['0x1.00000000000008p-1022', true],
    ['0x0.fffffffffffff8p-1022', false], ['0x1.fffffffffffff7p1023', true], ['0x1.fffffffffffff8p1023', false],
    ['0x0p-9999', true], ['0e-400', true], ['0e999999999999999999', true], ['-0', true], ['', true],
    ['   ', false], ['-', false], ['+.5', true], ['5.', true], ['.', false], ['1e', false], ['1e+', false],
    ['0b1', false], ['1_0', false], ['0x.8', true], ['0x8.', true], ['0x1P', false], ['0x1p+', false],
    ['00012', true], ['\t\n\v\f\r5', true], ['1\0junk', true], ['\0x', true], ['  \0', false],
    ['12345678901234567890123', true], ['-0.0e-5', true], ['0X1A', true], ['1E2', true], ['  -  3', false],
    ['3abc', false], ['٣', false],
  ];
  it('numeric weights are read like strtod (element, string key, hash field)', () => {
    for (const [w, ok] of weights) {
      const wb = Buffer.from(w);
      const check = (r: unknown) => expect(Array.isArray(r), `weight ${JSON.stringify(w)}`).toBe(ok);
      call('FLUSHALL');
      call('RPUSH', 'l', wb, '7');
      check(call('SORT', 'l'));
      call('RPUSH', 'k', 'a', 'b');
      call('SET', 'w_a', wb);
      call('SET', 'w_b', '1');
      check(call('SORT', 'k', 'BY', 'w_*'));
      call('HSET', 'h_a', 'f', wb);
      check(call('SORT', 'k', 'BY', 'h_*->f'));
    }
  });

  it('weights order numerically, equal and missing weights by the elements', () => {
    call('RPUSH', 'l', 'a', 'b', 'c', 'd');
    call('MSET', 'w_a', '0x10', 'w_b', ' 1e1', 'w_c', '-inf');
    expect(call('SORT', 'l', 'BY', 'w_*')).toEqual(['c', 'd', 'b', 'a']);
    call('HSET', 'h_d', 'x', '10');
    expect(call('SORT', 'l', 'BY', 'h_*->x', 'DESC')).toEqual(['d', 'c', 'b', 'a']);
    call('SET', 'w_d', 'oops');
    expect(call('SORT', 'l', 'BY', 'w_*')).toEqual(NOT_DOUBLE);
    // A weight key of another type counts as missing.
    call('DEL', 'w_d');
    call('RPUSH', 'w_d', '5');
    expect(call('SORT', 'l', 'BY', 'w_*')).toEqual(['c', 'd', 'b', 'a']);
  });
});

// ------------------------------------------------------------------ STORE

describe('SORT ... STORE', () => {
  beforeEach(() => {
    fresh();
    call('RPUSH', 'l', '3', '1', '2');
  });

  it('replaces any value (and its TTL) with a list and replies the count', () => {
    call('SET', 'k', 'v');
    call('EXPIRE', 'k', '100');
    expect(call('SORT', 'l', 'STORE', 'k')).toBe(3);
    expect(call('TTL', 'k')).toBe(-1);
    expect(call('TYPE', 'k')).toBe('list');
    expect(call('LRANGE', 'k', '0', '-1')).toEqual(['1', '2', '3']);
    call('HSET', 'hh', 'a', 'b');
    expect(call('SORT', 'l', 'DESC', 'LIMIT', '0', '2', 'STORE', 'hh')).toBe(2);
    expect(call('LRANGE', 'hh', '0', '-1')).toEqual(['3', '2']);
    expect(call('SORT', 'l', 'STORE', 'a', 'STORE', 'b')).toBe(3);
    expect(call('EXISTS', 'a')).toBe(0);
    expect(call('EXISTS', 'b')).toBe(1);
    expect(call('SORT', 'l', 'STORE', 'l')).toBe(3);
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(['1', '2', '3']);
  });

  it('counts GET rows, stores "" for a missing GET value', () => {
    call('SET', 'w_2', 'two');
    expect(call('SORT', 'l', 'GET', 'w_*', 'GET', '#', 'STORE', 'd')).toBe(6);
    expect(call('LRANGE', 'd', '0', '-1')).toEqual(['', '1', 'two', '2', '', '3']);
  });

  it('an empty result deletes the destination', () => {
    call('SET', 'd', 'x');
    expect(call('SORT', 'nokey', 'STORE', 'd')).toBe(0);
    expect(call('EXISTS', 'd')).toBe(0);
    call('SET', 'd', 'x');
    expect(call('SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'd')).toBe(0);
    expect(call('EXISTS', 'd')).toBe(0);
    expect(call('SORT', 'l', 'LIMIT', '5', '1', 'GET', '#', 'STORE', 'd')).toBe(0);
    expect(call('EXISTS', 'd')).toBe(0);
  });

  it('leaves the destination alone on an error', () => {
    call('SET', 'd', 'keep');
    call('RPUSH', 'bad', 'x');
    expect(call('SORT', 'bad', 'STORE', 'd')).toEqual(NOT_DOUBLE);
    expect(call('GET', 'd')).toBe('keep');
    call('SET', 'str', 'v');
    expect(call('SORT', 'str', 'STORE', 'd')).toEqual(WRONGTYPE);
    expect(call('GET', 'd')).toBe('keep');
  });

  it('serves a client blocked on the destination', () => {
    const b = h.client(2) as Client & { got: string[] };
    b.got = [];
    b.unblock = (reply) => b.got.push(reply === null ? 'RETRY' : reply.toString('latin1'));
    expect(h.run(b, 'BLPOP', 'q', '0')).toBe('');
    expect(call('SORT', 'l', 'DESC', 'STORE', 'q')).toBe(3);
    expect(b.got).toEqual([arr(bulk('q'), bulk('3'))]);
    expect(call('LRANGE', 'q', '0', '-1')).toEqual(['2', '1']);
  });
});

// ------------------------------------------------------------------ errors

describe('SORT errors', () => {
  beforeEach(fresh);

  it('syntax errors come before the key lookup; SORT_RO has no STORE', () => {
    call('RPUSH', 'l', '1');
    call('SET', 'str', 'x');
    expect(call('SORT', 'l', 'LIMIT', '1')).toEqual(SYNTAX);
    expect(call('SORT', 'l', 'foo')).toEqual(SYNTAX);
    expect(call('SORT', 'l', 'STORE')).toEqual(SYNTAX);
    expect(call('SORT', 'l', 'BY')).toEqual(SYNTAX);
    expect(call('SORT', 'l', 'GET')).toEqual(SYNTAX);
    expect(call('SORT_RO', 'l', 'STORE', 'd')).toEqual(SYNTAX);
    expect(call('SORT', 'str')).toEqual(WRONGTYPE);
    expect(call('SORT_RO', 'str', 'ALPHA')).toEqual(WRONGTYPE);
    expect(call('SORT', 'str', 'LIMIT', 'a', 'b')).toEqual(NOT_INT);
    expect(call('SORT', 'str', 'bad')).toEqual(SYNTAX);
    call('HSET', 'h', 'f', 'v');
    expect(call('SORT', 'h')).toEqual(WRONGTYPE);
    expect(call('SORT')).toEqual({ error: "ERR wrong number of arguments for 'sort' command" });
    expect(call('SORT_RO')).toEqual({ error: "ERR wrong number of arguments for 'sort_ro' command" });
  });

  it('a missing key sorts as an empty list', () => {
    expect(call('SORT', 'nokey')).toEqual([]);
    expect(call('SORT_RO', 'nokey', 'BY', 'x_*', 'GET', '#', 'LIMIT', '0', '5', 'ALPHA')).toEqual([]);
    expect(call('EXISTS', 'nokey')).toBe(0);
  });
});

// ------------------------------------------------------------------ randomized

describe('SORT against a JS model (total orders only)', () => {
  beforeEach(fresh);

  it('numeric BY weights with GET and LIMIT, 200 random cases', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const cmpBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    for (let round = 0; round < 200; round++) {
      call('FLUSHALL');
      const n = 1 + Math.floor(rnd() * 40);
      const els: string[] = [];
      for (let i = 0; i < n; i++) els.push(`m${Math.floor(rnd() * 60)}`);
      call('RPUSH', 'l', ...els);
      const w = new Map<string, number>();
      for (const e of new Set(els)) {
        if (rnd() < 0.8) {
          const v = Math.floor(rnd() * 10) - 5;
          w.set(e, v);
          call('SET', `w_${e}`, String(v));
        }
      }
      const desc = rnd() < 0.5;
      const off = Math.floor(rnd() * (n + 2)) - 1, cnt = Math.floor(rnd() * (n + 2)) - 1;
      const model = [...els].sort((a, b) => {
        const d = (w.get(a) ?? 0) - (w.get(b) ?? 0);
        const r = d !== 0 ? Math.sign(d) : cmpBytes(a, b);
        return desc ? -r : r;
      });
      const start = Math.max(off, 0);
      const rows = cnt < 0 ? model.slice(start) : model.slice(start, start + cnt);
      const args = ['SORT', 'l', 'BY', 'w_*', 'LIMIT', String(off), String(cnt), 'GET', '#', 'GET', 'w_*'];
      if (desc) args.push('DESC');
      const got = call(...args);
      expect(got).toEqual(rows.flatMap((e) => [e, w.has(e) ? String(w.get(e)) : null]));
    }
  });
});
