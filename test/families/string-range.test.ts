import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';

const h = createHarness();
const c = h.client();
const c3 = h.client(3);
const call = (...a: (string | Buffer)[]) => h.call(c, ...a);
const callBuf = (...a: (string | Buffer)[]) => h.callBuf(c, ...a);
const err = (error: string) => ({ error });
const kList = 1; // T.List
const wrongType = err('WRONGTYPE Operation against a key holding the wrong kind of value');

afterAll(() => h.close());
beforeEach(() => {
  call('FLUSHALL');
  h.config.set('proto-max-bulk-len', String(512 * 1024 * 1024));
});

describe('GETRANGE / SUBSTR', () => {
  it('slices with negative and out-of-range indexes (Redis docs examples)', () => {
    call('SET', 'mykey', 'This is a string');
    expect(call('GETRANGE', 'mykey', '0', '3')).toBe('This');
    expect(call('GETRANGE', 'mykey', '-3', '-1')).toBe('ing');
    expect(call('GETRANGE', 'mykey', '0', '-1')).toBe('This is a string');
    expect(call('GETRANGE', 'mykey', '10', '100')).toBe('string');
    expect(call('SUBSTR', 'mykey', '5', '6')).toBe('is');
    expect(call('GETRANGE', 'mykey', '-1', '-2')).toBe('');
    expect(call('GETRANGE', 'mykey', '5', '3')).toBe('');
    expect(call('GETRANGE', 'mykey', '100', '200')).toBe('');
    expect(call('GETRANGE', 'mykey', '-100', '2')).toBe('Thi');
    expect(call('GETRANGE', 'mykey', '3', '-100')).toBe('');
    expect(call('GETRANGE', 'mykey', '-9223372036854775808', '9223372036854775807')).toBe('This is a string');
    expect(call('GETRANGE', 'mykey', '9223372036854775807', '-9223372036854775808')).toBe('');
  });

  it('replies an empty string for missing keys and empty values', () => {
    expect(h.run(c, 'GETRANGE', 'nokey', '0', '1')).toBe('$0\r\n\r\n');
    expect(h.run(c3, 'GETRANGE', 'nokey', '0', '1')).toBe('$0\r\n\r\n');
    call('SET', 'e', '');
    expect(call('GETRANGE', 'e', '0', '-1')).toBe('');
    expect(call('GETRANGE', 'e', '-1', '0')).toBe('');
    call('SET', 'n', '12345');
    expect(call('GETRANGE', 'n', '1', '2')).toBe('23');
  });

  it('is binary safe, inline and out of line', () => {
    const v = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    call('SET', 'b', v);
    expect(callBuf('GETRANGE', 'b', '0', '-1')).toEqual(v);
    expect(callBuf('GETRANGE', 'b', '250', '260')).toEqual(v.subarray(250, 261));
    call('SET', 'b', v.subarray(0, 10));
    expect(callBuf('GETRANGE', 'b', '-4', '-1')).toEqual(v.subarray(6, 10));
  });

  it('checks the integers before the key', () => {
    call('SET', 'l', 'x');
    h.retype(c, 'l', kList);
    expect(call('GETRANGE', 'nokey', 'x', '1')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('GETRANGE', 'l', '0', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('GETRANGE', 'l', '0', '1')).toEqual(wrongType);
    expect(call('SUBSTR', 'l', '0', '1')).toEqual(wrongType);
    expect(call('GETRANGE', 'l', '1')).toEqual(err("ERR wrong number of arguments for 'getrange' command"));
  });
});

describe('SETRANGE', () => {
  it('overwrites and extends (Redis docs examples)', () => {
    call('SET', 'key1', 'Hello World');
    expect(call('SETRANGE', 'key1', '6', 'Redis')).toBe(11);
    expect(call('GET', 'key1')).toBe('Hello Redis');
    expect(call('SETRANGE', 'key2', '6', 'Redis')).toBe(11);
    expect(callBuf('GET', 'key2')).toEqual(Buffer.concat([Buffer.alloc(6), Buffer.from('Redis')]));
    expect(call('SETRANGE', 'key1', '20', 'tail')).toBe(24);
    expect(callBuf('GET', 'key1')).toEqual(Buffer.concat([Buffer.from('Hello Redis'), Buffer.alloc(9), Buffer.from('tail')]));
  });

  it('grows values out of line and keeps the TTL', () => {
    call('SET', 'k', 'abc', 'EX', '100');
    expect(call('SETRANGE', 'k', '5000', 'xyz')).toBe(5003);
    expect(call('SETRANGE', 'k', '1', 'Z')).toBe(5003);
    expect(call('GETRANGE', 'k', '0', '3')).toBe('aZc\0');
    expect(call('GETRANGE', 'k', '-3', '-1')).toBe('xyz');
    expect(call('TTL', 'k')).toBeGreaterThan(90);
    expect(call('SETRANGE', 'new', '100000', 'end')).toBe(100003);
    expect(call('GETRANGE', 'new', '99999', '-1')).toBe('\0end');
  });

  it('sets nothing for an empty value', () => {
    expect(call('SETRANGE', 'nk', '0', '')).toBe(0);
    expect(call('SETRANGE', 'nk', '999999999999', '')).toBe(0);
    expect(call('EXISTS', 'nk')).toBe(0);
    call('SET', 's', 'abc');
    expect(call('SETRANGE', 's', '10', '')).toBe(3);
    expect(call('GET', 's')).toBe('abc');
  });

  it('edits integer-looking strings as bytes', () => {
    call('SET', 'n', '1234');
    expect(call('SETRANGE', 'n', '0', '2')).toBe(4);
    expect(call('GET', 'n')).toBe('2234');
    expect(call('INCR', 'n')).toBe(2235);
    // Redis unshares the value: an edited string is raw; an empty SETRANGE changes nothing.
    call('SET', 'n', '1234');
    expect(call('SETRANGE', 'n', '0', '')).toBe(4);
    expect(call('OBJECT', 'ENCODING', 'n')).toBe('int');
    expect(call('SETRANGE', 'n', '0', '2')).toBe(4);
    expect(call('OBJECT', 'ENCODING', 'n')).toBe('raw');
    expect(call('SETRANGE', 'nr', '0', '12')).toBe(2);
    expect(call('OBJECT', 'ENCODING', 'nr')).toBe('raw');
  });

  it('enforces proto-max-bulk-len', () => {
    const tooLong = err('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(call('SETRANGE', 'k', '536870912', 'a')).toEqual(tooLong);
    expect(call('SETRANGE', 'k', '536870911', 'ab')).toEqual(tooLong);
    expect(call('EXISTS', 'k')).toBe(0);
    h.config.set('proto-max-bulk-len', '1mb');
    call('SET', 's', 'abc');
    expect(call('SETRANGE', 's', String(1024 * 1024), 'a')).toEqual(tooLong);
    expect(call('SETRANGE', 's', String(1024 * 1024 - 1), 'a')).toBe(1024 * 1024);
  });

  it('replies like Redis 7.0 on bad arguments', () => {
    call('SET', 'l', 'x');
    h.retype(c, 'l', kList);
    expect(call('SETRANGE', 's', '-1', 'a')).toEqual(err('ERR offset is out of range'));
    expect(call('SETRANGE', 's', 'x', 'a')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('SETRANGE', 'l', '-1', 'a')).toEqual(err('ERR offset is out of range'));
    expect(call('SETRANGE', 'l', '0', 'a')).toEqual(wrongType);
    expect(call('SETRANGE', 'l', '0', '')).toEqual(wrongType);
  });
});

describe('LCS', () => {
  it('runs the Redis docs examples in RESP2', () => {
    call('MSET', '{x}key1', 'ohmytext', '{x}key2', 'mynewtext');
    expect(call('LCS', '{x}key1', '{x}key2')).toBe('mytext');
    expect(call('LCS', '{x}key1', '{x}key2', 'LEN')).toBe(6);
    expect(call('LCS', '{x}key1', '{x}key2', 'IDX')).toEqual([
      'matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], 'len', 6,
    ]);
    expect(call('LCS', '{x}key1', '{x}key2', 'IDX', 'MINMATCHLEN', '4')).toEqual(['matches', [[[4, 7], [5, 8]]], 'len', 6]);
    expect(call('LCS', '{x}key1', '{x}key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).toEqual([
      'matches', [[[4, 7], [5, 8], 4]], 'len', 6,
    ]);
  });

  it('replies a map for IDX in RESP3', () => {
    call('MSET', '{x}key1', 'ohmytext', '{x}key2', 'mynewtext');
    expect(h.call(c3, 'LCS', '{x}key1', '{x}key2', 'IDX', 'WITHMATCHLEN')).toEqual(new Map<unknown, unknown>([
      ['matches', [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]]],
      ['len', 6],
    ]));
    expect(h.run(c3, 'LCS', '{x}key1', '{x}key2', 'IDX', 'MINMATCHLEN', '100')).toBe('%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:6\r\n');
  });

  it('walks back like Redis (same ranges, same order, same tie-breaks)', () => {
    call('MSET', '{y}a', 'ABCBDAB', '{y}b', 'BDCABA');
    expect(call('LCS', '{y}a', '{y}b')).toBe('BDAB');
    expect(call('LCS', '{y}a', '{y}b', 'IDX', 'WITHMATCHLEN')).toEqual([
      'matches', [[[5, 6], [3, 4], 2], [[3, 4], [0, 1], 2]], 'len', 4,
    ]);
    call('MSET', '{y}a', 'aaaa', '{y}b', 'aa');
    expect(call('LCS', '{y}a', '{y}b', 'IDX', 'WITHMATCHLEN')).toEqual(['matches', [[[2, 3], [0, 1], 2]], 'len', 2]);
    call('MSET', '{y}a', 'abcdefg', '{y}b', 'xbcdyefgz');
    expect(call('LCS', '{y}b', '{y}a', 'IDX')).toEqual(['matches', [[[5, 7], [4, 6]], [[1, 3], [1, 3]]], 'len', 6]);
  });

  it('treats missing keys as empty strings, across shards too', () => {
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    const a = keys.find((k) => h.shardOf(k) === 0)!, b = keys.find((k) => h.shardOf(k) === 1)!;
    call('SET', a, 'hello world');
    call('SET', b, 'yellow word');
    expect(call('LCS', a, b)).toBe('ello word');
    expect(call('LCS', a, 'nokey')).toBe('');
    expect(call('LCS', 'nokey', 'nokey2', 'LEN')).toBe(0);
    expect(call('LCS', 'nokey', 'nokey2', 'IDX')).toEqual(['matches', [], 'len', 0]);
  });

  it('is binary safe', () => {
    call('MSET', '{z}a', Buffer.from([0, 0xff, 0, 1]), '{z}b', Buffer.from([0xff, 0, 2]));
    expect(callBuf('LCS', '{z}a', '{z}b')).toEqual(Buffer.from([0xff, 0]));
  });

  it('replies like Redis 7.0 on errors', () => {
    call('MSET', '{x}s', 'abc', '{x}l', 'x');
    h.retype(c, '{x}l', kList);
    const notString = err('ERR The specified keys must contain string values');
    expect(call('LCS', '{x}s', '{x}l')).toEqual(notString);
    expect(call('LCS', '{x}l', '{x}s', 'foo')).toEqual(notString);
    expect(call('LCS', '{x}s', '{x}s', 'IDX', 'LEN')).toEqual(err('ERR If you want both the length and indexes, please just use IDX.'));
    expect(call('LCS', '{x}s', '{x}s', 'MINMATCHLEN')).toEqual(err('ERR syntax error'));
    expect(call('LCS', '{x}s', '{x}s', 'MINMATCHLEN', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('LCS', '{x}s', '{x}s', 'foo')).toEqual(err('ERR syntax error'));
    expect(call('LCS', '{x}s', '{x}s', 'IDX', 'MINMATCHLEN', '-5', 'WITHMATCHLEN')).toEqual(['matches', [[[0, 2], [0, 2], 3]], 'len', 3]);
    expect(call('LCS', '{x}s', '{x}s', 'WITHMATCHLEN')).toBe('abc');
    expect(call('LCS', '{x}s')).toEqual(err("ERR wrong number of arguments for 'lcs' command"));
  });

  it('refuses tables larger than proto-max-bulk-len', () => {
    h.config.set('proto-max-bulk-len', '1mb');
    call('SETRANGE', '{m}a', String(600 * 1024), 'x');
    call('SET', '{m}b', 'x');
    expect(call('LCS', '{m}a', '{m}b', 'LEN')).toEqual(err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'));
    expect(call('LCS', '{m}a', 'nokey')).toEqual(err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'));
    call('SET', '{m}a', 'x'.repeat(500));
    call('SET', '{m}b', 'y'.repeat(400) + 'x');
    expect(call('LCS', '{m}a', '{m}b', 'LEN')).toBe(1);
  });
});
