/**
 * Sorted-set family (after tests/unit/type/zset.tcl, black-box). The same body runs with
 * zset-max-listpack-entries 128 (listpack) and 0 (skiplist), like Redis's "basics listpack" /
 * "basics skiplist". Expected replies were checked against a real redis-server 7.0.15 (raw
 * RESP2 and RESP3 bytes, both encodings); ZRANK/ZREVRANK WITHSCORE follow 7.2.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { keysOnBothShards, tagsOnBothShards } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const call = (...a: Arg[]) => h.call(c, ...a);
const run = (...a: Arg[]) => h.run(c, ...a);
const all = (k: string) => call('ZRANGE', k, '0', '-1', 'WITHSCORES');

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const NOT_FLOAT = { error: 'ERR value is not a valid float' };
const SYNTAX = { error: 'ERR syntax error' };
const MINMAX = { error: 'ERR min or max is not a float' };
const MINMAX_LEX = { error: 'ERR min or max not valid string range item' };

function reset(entries: string): void {
  c = h.client(2);
  call('FLUSHALL');
  call('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
  call('CONFIG', 'SET', 'zset-max-listpack-value', '64');
}

for (const [enc, entries] of [['listpack', '128'], ['skiplist', '0']] as const) {
  describe(`zset basics: ${enc}`, () => {
    beforeEach(() => reset(entries));

    it('ZADD, ZCARD, ZSCORE, encoding', () => {
      expect(call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')).toBe(3);
      expect(call('OBJECT', 'ENCODING', 'z')).toBe(enc);
      expect(call('ZADD', 'z', '4', 'a', '5', 'd')).toBe(1);
      expect(call('ZCARD', 'z')).toBe(4);
      expect(call('ZCARD', 'nokey')).toBe(0);
      expect(call('ZSCORE', 'z', 'a')).toBe('4');
      expect(call('ZSCORE', 'z', 'nope')).toBe(null);
      expect(call('ZSCORE', 'nokey', 'a')).toBe(null);
      expect(call('ZMSCORE', 'z', 'a', 'nope', 'd')).toEqual(['4', null, '5']);
      expect(call('ZMSCORE', 'nokey', 'a', 'b')).toEqual([null, null]);
      expect(call('TYPE', 'z')).toBe('zset');
    });

    it('ZADD options: XX, NX, GT, LT, CH, INCR', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(call('ZADD', 'z', 'XX', 'CH', '5', 'a', '6', 'nope')).toBe(1);
      expect(call('ZSCORE', 'z', 'nope')).toBe(null);
      expect(call('ZADD', 'z', 'NX', '7', 'a', '8', 'd')).toBe(1);
      expect(call('ZSCORE', 'z', 'a')).toBe('5');
      expect(call('ZADD', 'z', 'GT', 'CH', '1', 'b', '9', 'c')).toBe(1);
      expect(call('ZADD', 'z', 'LT', 'CH', '1', 'b', '9', 'c')).toBe(1);
      expect(all('z')).toEqual(['b', '1', 'a', '5', 'd', '8', 'c', '9']);
      expect(call('ZADD', 'z', 'GT', '1', 'new')).toBe(1); // GT/LT never stop new members
      expect(call('ZADD', 'z', 'INCR', '2', 'a')).toBe('7');
      expect(call('ZADD', 'z', 'INCR', 'NX', '2', 'a')).toBe(null);
      expect(call('ZADD', 'z', 'INCR', 'XX', '2', 'nope')).toBe(null);
      expect(call('ZADD', 'z', 'INCR', 'GT', '-1', 'a')).toBe(null);
      expect(call('ZADD', 'z', 'INCR', 'LT', '-1', 'a')).toBe('6');
      expect(call('ZADD', 'nokey', 'XX', '1', 'a')).toBe(0);
      expect(call('ZADD', 'nokey', 'XX', 'INCR', '1', 'a')).toBe(null);
      expect(call('EXISTS', 'nokey')).toBe(0);
      expect(call('ZADD', 'z', 'NX', 'XX', '1', 'a')).toEqual({ error: 'ERR XX and NX options at the same time are not compatible' });
      const gtlt = { error: 'ERR GT, LT, and/or NX options at the same time are not compatible' };
      expect(call('ZADD', 'z', 'GT', 'LT', '1', 'a')).toEqual(gtlt);
      expect(call('ZADD', 'z', 'NX', 'GT', '1', 'a')).toEqual(gtlt);
      expect(call('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')).toEqual({ error: 'ERR INCR option supports a single increment-element pair' });
      expect(call('ZADD', 'z', '1', 'a', '2')).toEqual(SYNTAX);
      expect(call('ZADD', 'z', 'XX')).toEqual({ error: "ERR wrong number of arguments for 'zadd' command" });
      expect(call('ZADD', 'z', 'ch', '1')).toEqual(SYNTAX);
    });

    it('scores: parsing, infinities, NaN, formatting', () => {
      expect(call('ZADD', 'w', '1e-310', 'tiny', '1.7976931348623157e308', 'big', '0x10', 'hex', '3.14159265358979', 'pi', '-0', 'negz')).toBe(5);
      expect(call('ZSCORE', 'w', 'tiny')).toBe('9.9999999999999694e-311');
      expect(call('ZSCORE', 'w', 'big')).toBe('1.7976931348623157e+308');
      expect(call('ZSCORE', 'w', 'hex')).toBe('16');
      expect(call('ZSCORE', 'w', 'pi')).toBe('3.14159265358979');
      expect(call('ZADD', 'w', 'inf', 'i', '-inf', 'j', '+inf', 'k', 'infinity', 'l')).toBe(4);
      expect(call('ZSCORE', 'w', 'j')).toBe('-inf');
      for (const bad of ['', ' 1', '1 ', '1e400', 'nan', '(1', 'abc', '1e-400']) {
        expect(call('ZADD', 'w', bad, 'x')).toEqual(NOT_FLOAT);
      }
      call('ZADD', 'inc', '1', 'a');
      expect(call('ZADD', 'inc', 'INCR', '-inf', 'a')).toBe('-inf');
      expect(call('ZADD', 'inc', 'INCR', '+inf', 'a')).toEqual({ error: 'ERR resulting score is not a number (NaN)' });
      expect(call('ZINCRBY', 'inc', '+inf', 'a')).toEqual({ error: 'ERR resulting score is not a number (NaN)' });
      expect(call('ZINCRBY', 'inc', '1.5', 'b')).toBe('1.5');
      expect(call('ZINCRBY', 'inc', 'x', 'b')).toEqual(NOT_FLOAT);
      expect(call('ZINCRBY', 'inc', 'nx', 'b')).toEqual(SYNTAX); // the option loop sees "nx" first
      expect(call('ZINCRBY', 'inc2', '0.1', 'a')).toBe('0.10000000000000001');
    });

    it('ZRANK, ZREVRANK (WITHSCORE)', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(call('ZRANK', 'z', 'a')).toBe(0);
      expect(call('ZRANK', 'z', 'c')).toBe(2);
      expect(call('ZREVRANK', 'z', 'a')).toBe(2);
      expect(call('ZRANK', 'z', 'nope')).toBe(null);
      expect(call('ZRANK', 'nokey', 'a')).toBe(null);
      expect(call('ZRANK', 'z', 'b', 'WITHSCORE')).toEqual([1, '2']);
      expect(call('ZREVRANK', 'z', 'b', 'withscore')).toEqual([1, '2']);
      expect(run('ZRANK', 'z', 'nope', 'WITHSCORE')).toBe('*-1\r\n');
      expect(run('ZRANK', 'nokey', 'a', 'WITHSCORE')).toBe('*-1\r\n');
      expect(call('ZRANK', 'z', 'a', 'foo')).toEqual(SYNTAX);
      expect(call('ZRANK', 'z', 'a', 'WITHSCORE', 'x')).toEqual({ error: "ERR wrong number of arguments for 'zrank' command" });
    });

    it('ZREM deletes the key when empty', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b');
      expect(call('ZREM', 'z', 'a', 'nope')).toBe(1);
      expect(call('ZREM', 'nokey', 'a')).toBe(0);
      expect(call('ZREM', 'z', 'b', 'b', 'x')).toBe(1);
      expect(call('EXISTS', 'z')).toBe(0);
    });

    it('ZRANGE by rank, ZREVRANGE', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
      expect(call('ZRANGE', 'z', '1', '3')).toEqual(['b', 'c', 'd']);
      expect(call('ZRANGE', 'z', '-2', '-1', 'WITHSCORES')).toEqual(['d', '4', 'e', '5']);
      expect(call('ZRANGE', 'z', '3', '1')).toEqual([]);
      expect(call('ZRANGE', 'z', '10', '20')).toEqual([]);
      expect(call('ZRANGE', 'z', '-100', '0')).toEqual(['a']);
      expect(call('ZRANGE', 'z', '0', '100')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(call('ZRANGE', 'z', '0', '1', 'REV', 'WITHSCORES')).toEqual(['e', '5', 'd', '4']);
      expect(call('ZREVRANGE', 'z', '1', '2')).toEqual(['d', 'c']);
      expect(call('ZRANGE', 'nokey', '0', '-1')).toEqual([]);
      expect(call('ZRANGE', 'z', 'a', '1')).toEqual(NOT_INT);
      expect(call('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1')).toEqual({ error: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX' });
      expect(call('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '-1')).toEqual(['a', 'b']); // -1 is "no limit"
      expect(call('ZRANGE', 'z', '0', '1', 'REV', 'REV')).toEqual(SYNTAX);
      expect(call('ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX')).toEqual(SYNTAX);
      expect(call('ZREVRANGE', 'z', '0', '1', 'REV')).toEqual(SYNTAX);
    });

    it('ZRANGE BYSCORE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZCOUNT', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '-inf', 'm', '+inf', 'p');
      expect(call('ZRANGEBYSCORE', 'z', '2', '4')).toEqual(['b', 'c', 'd']);
      expect(call('ZRANGEBYSCORE', 'z', '(2', '(4', 'WITHSCORES')).toEqual(['c', '3']);
      expect(call('ZRANGEBYSCORE', 'z', '-inf', '+inf')).toEqual(['m', 'a', 'b', 'c', 'd', 'e', 'p']);
      expect(call('ZRANGEBYSCORE', 'z', '(-inf', '(+inf')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(call('ZRANGEBYSCORE', 'z', '3', '3')).toEqual(['c']);
      expect(call('ZRANGEBYSCORE', 'z', '(3', '(3')).toEqual([]);
      expect(call('ZRANGEBYSCORE', 'z', '5', '1')).toEqual([]);
      expect(call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '2', '3')).toEqual(['b', 'c', 'd']);
      expect(call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '5', '-1')).toEqual(['e', 'p']);
      expect(call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2')).toEqual([]);
      expect(call('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '7', '1')).toEqual([]);
      expect(call('ZRANGEBYSCORE', 'z', '1', '3', 'LIMIT', '0', '0')).toEqual([]);
      expect(call('ZREVRANGEBYSCORE', 'z', '4', '(1', 'WITHSCORES')).toEqual(['d', '4', 'c', '3', 'b', '2']);
      expect(call('ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '1', '2')).toEqual(['e', 'd']);
      expect(call('ZRANGE', 'z', '(1', '3', 'BYSCORE')).toEqual(['b', 'c']);
      expect(call('ZRANGE', 'z', '3', '(1', 'BYSCORE', 'REV', 'LIMIT', '1', '5')).toEqual(['b']);
      // An empty string and a lone "(" read as 0 (C's strtod); a NUL ends the number.
      expect(call('ZRANGEBYSCORE', 'z', '', '1')).toEqual(['a']);
      expect(call('ZRANGEBYSCORE', 'z', '(', '1')).toEqual(['a']);
      expect(call('ZRANGEBYSCORE', 'z', ' 4', '4\x00junk')).toEqual(['d']);
      expect(call('ZRANGEBYSCORE', 'z', '1e400', '+inf')).toEqual(['p']);
      expect(call('ZRANGEBYSCORE', 'z', 'nan', '1')).toEqual(MINMAX);
      expect(call('ZRANGEBYSCORE', 'z', 'x', '1')).toEqual(MINMAX);
      expect(call('ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', '0', 'x')).toEqual(NOT_INT);
      expect(call('ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', '0')).toEqual(SYNTAX);
      expect(call('ZRANGEBYSCORE', 'z', '0', '1', 'REV')).toEqual(SYNTAX);
      expect(call('ZCOUNT', 'z', '-inf', '+inf')).toBe(7);
      expect(call('ZCOUNT', 'z', '(1', '3')).toBe(2);
      expect(call('ZCOUNT', 'z', '3', '1')).toBe(0);
      expect(call('ZCOUNT', 'nokey', '0', '1')).toBe(0);
      expect(call('ZCOUNT', 'z', 'x', '1')).toEqual(MINMAX);
    });

    it('lex ranges: ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT, ZRANGE BYLEX', () => {
      call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f', '0', 'g');
      expect(call('ZRANGEBYLEX', 'l', '-', '+')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      expect(call('ZRANGEBYLEX', 'l', '[b', '(e')).toEqual(['b', 'c', 'd']);
      expect(call('ZRANGEBYLEX', 'l', '(b', '[e', 'LIMIT', '1', '2')).toEqual(['d', 'e']);
      expect(call('ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '-1', '2')).toEqual([]);
      expect(call('ZREVRANGEBYLEX', 'l', '+', '-', 'LIMIT', '0', '3')).toEqual(['g', 'f', 'e']);
      expect(call('ZREVRANGEBYLEX', 'l', '(e', '[b')).toEqual(['d', 'c', 'b']);
      expect(call('ZRANGE', 'l', '[c', '+', 'BYLEX')).toEqual(['c', 'd', 'e', 'f', 'g']);
      expect(call('ZRANGE', 'l', '+', '[c', 'BYLEX', 'REV', 'LIMIT', '1', '1')).toEqual(['f']);
      expect(call('ZRANGEBYLEX', 'l', '+', '-')).toEqual([]);
      expect(call('ZLEXCOUNT', 'l', '[b', '(e')).toBe(3);
      expect(call('ZLEXCOUNT', 'l', '(a', '[a')).toBe(0);
      expect(call('ZLEXCOUNT', 'l', '-', '-')).toBe(0);
      expect(call('ZLEXCOUNT', 'l', '+', '+')).toBe(0);
      expect(call('ZLEXCOUNT', 'l', '-', '+')).toBe(7);
      expect(call('ZRANGEBYLEX', 'l', 'a', 'b')).toEqual(MINMAX_LEX);
      expect(call('ZRANGEBYLEX', 'l', '+x', '-')).toEqual(MINMAX_LEX);
      expect(call('ZLEXCOUNT', 'l', '', '+')).toEqual(MINMAX_LEX);
      expect(call('ZRANGE', 'l', '-', '+', 'BYLEX', 'WITHSCORES')).toEqual({ error: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX' });
    });

    it('ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX', () => {
      call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
      expect(call('ZREMRANGEBYRANK', 'z', '0', '0')).toBe(1);
      expect(call('ZREMRANGEBYRANK', 'z', '-2', '-1')).toBe(2);
      expect(call('ZREMRANGEBYRANK', 'z', '5', '1')).toBe(0);
      expect(all('z')).toEqual(['b', '2', 'c', '3']);
      expect(call('ZREMRANGEBYSCORE', 'z', '(2', '+inf')).toBe(1);
      expect(call('ZREMRANGEBYSCORE', 'z', '10', '20')).toBe(0);
      expect(call('ZREMRANGEBYSCORE', 'z', '-inf', '+inf')).toBe(1);
      expect(call('EXISTS', 'z')).toBe(0);
      call('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd');
      expect(call('ZREMRANGEBYLEX', 'l', '[a', '(c')).toBe(2);
      expect(call('ZREMRANGEBYLEX', 'l', '-', '+')).toBe(2);
      expect(call('EXISTS', 'l')).toBe(0);
      expect(call('ZREMRANGEBYRANK', 'nokey', '0', '-1')).toBe(0);
      expect(call('ZREMRANGEBYRANK', 'z', 'a', '1')).toEqual(NOT_INT);
      expect(call('ZREMRANGEBYSCORE', 'z', 'a', '1')).toEqual(MINMAX);
      expect(call('ZREMRANGEBYLEX', 'z', 'a', '1')).toEqual(MINMAX_LEX);
    });

    it('ZPOPMIN, ZPOPMAX, ZMPOP', () => {
      call('ZADD', 'p', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
      expect(call('ZPOPMIN', 'p')).toEqual(['a', '1']);
      expect(call('ZPOPMAX', 'p')).toEqual(['e', '5']);
      expect(call('ZPOPMIN', 'p', '2')).toEqual(['b', '2', 'c', '3']);
      expect(call('ZPOPMAX', 'p', '0')).toEqual([]);
      expect(call('ZPOPMAX', 'p', '10')).toEqual(['d', '4']);
      expect(call('EXISTS', 'p')).toBe(0);
      expect(call('ZPOPMIN', 'p')).toEqual([]);
      expect(call('ZPOPMIN', 'p', '-1')).toEqual({ error: 'ERR value is out of range, must be positive' });
      expect(call('ZPOPMIN', 'p', 'x')).toEqual({ error: 'ERR value is out of range, must be positive' });
      expect(call('ZPOPMIN', 'p', '1', '2')).toEqual(SYNTAX);
      call('ZADD', 'p', '1', 'a', '2', 'b', '3', 'c');
      expect(call('ZMPOP', '2', 'nokey', 'p', 'MIN')).toEqual(['p', [['a', '1']]]);
      expect(call('ZMPOP', '2', 'nokey', 'p', 'MAX', 'COUNT', '5')).toEqual(['p', [['c', '3'], ['b', '2']]]);
      expect(run('ZMPOP', '1', 'p', 'MIN')).toBe('*-1\r\n');
      expect(call('ZMPOP', '0', 'p', 'MIN')).toEqual({ error: 'ERR numkeys should be greater than 0' });
      expect(call('ZMPOP', '1', 'p', 'MIN', 'COUNT', '0')).toEqual({ error: 'ERR count should be greater than 0' });
      expect(call('ZMPOP', '1', 'p', 'MIN', 'COUNT', '1', 'COUNT', '1')).toEqual(SYNTAX);
      expect(call('ZMPOP', '3', 'p', 'MIN')).toEqual(SYNTAX);
      expect(call('ZMPOP', '1', 'p', 'mid')).toEqual(SYNTAX);
    });

    it('ZRANDMEMBER', () => {
      call('ZADD', 'r', '1', 'a', '2', 'b', '3', 'c');
      expect(['a', 'b', 'c']).toContain(call('ZRANDMEMBER', 'r'));
      expect(call('ZRANDMEMBER', 'nokey')).toBe(null);
      expect(call('ZRANDMEMBER', 'nokey', '5')).toEqual([]);
      expect(call('ZRANDMEMBER', 'r', '0')).toEqual([]);
      expect(call('ZRANDMEMBER', 'r', '10', 'WITHSCORES')).toEqual(['c', '3', 'b', '2', 'a', '1']);
      const two = call('ZRANDMEMBER', 'r', '2') as string[];
      expect(new Set(two).size).toBe(2);
      const many = call('ZRANDMEMBER', 'r', '-20', 'WITHSCORES') as string[];
      expect(many.length).toBe(40);
      for (let i = 0; i < 40; i += 2) expect(String(' abc'.indexOf(many[i]))).toBe(many[i + 1]);
      expect(call('ZRANDMEMBER', 'r', 'x')).toEqual(NOT_INT);
      expect(call('ZRANDMEMBER', 'r', '1', 'foo')).toEqual(SYNTAX);
      expect(call('ZRANDMEMBER', 'r', '1', 'WITHSCORES', 'x')).toEqual(SYNTAX);
      expect(call('ZRANDMEMBER', 'r', '-9223372036854775808')).toEqual({ error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807' });
      expect(call('ZRANDMEMBER', 'nokey', '-9223372036854775807', 'WITHSCORES')).toEqual({ error: 'ERR value is out of range' });
    });

    it('ZRANDMEMBER on a bigger zset: unique picks, all cases', () => {
      const args: string[] = [];
      for (let i = 0; i < 100; i++) args.push(String(i), `m${i}`);
      call('ZADD', 'big', ...args);
      for (const n of [5, 40, 99]) {
        const got = call('ZRANDMEMBER', 'big', String(n), 'WITHSCORES') as string[];
        expect(got.length).toBe(n * 2);
        const members = got.filter((_, i) => i % 2 === 0);
        expect(new Set(members).size).toBe(n);
        for (let i = 0; i < got.length; i += 2) expect(got[i]).toBe(`m${got[i + 1]}`);
      }
    });

    it('ZSCAN', () => {
      call('ZADD', 's', '1', 'a', '2', 'b', '3', 'c');
      const [cur, items] = call('ZSCAN', 's', '0') as [string, string[]];
      expect(cur).toBe('0');
      const m = new Map<string, string>();
      for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
      expect(m).toEqual(new Map([['a', '1'], ['b', '2'], ['c', '3']]));
      expect(call('ZSCAN', 's', '0', 'MATCH', 'b*')).toEqual(['0', ['b', '2']]);
      expect(call('ZSCAN', 'nokey', '0')).toEqual(['0', []]);
      expect(call('ZSCAN', 's', 'x')).toEqual({ error: 'ERR invalid cursor' });
      expect(call('ZSCAN', 's', '0', 'COUNT', '0')).toEqual(SYNTAX);
      expect(call('ZSCAN', 's', '0', 'COUNT', 'x')).toEqual(NOT_INT);
      expect(call('ZSCAN', 's', '0', 'MATCH')).toEqual(SYNTAX);
      expect(call('ZSCAN', 'nokey', '0', 'COUNT', '0')).toEqual(['0', []]);
    });

    it('ZSCAN walks a big zset completely with a cursor', () => {
      const args: string[] = [];
      for (let i = 0; i < 500; i++) args.push(String(i / 4), `m${i}`);
      call('ZADD', 'big', ...args);
      const seen = new Map<string, string>();
      let cur = '0', rounds = 0;
      do {
        const [next, items] = call('ZSCAN', 'big', cur, 'COUNT', '20') as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
        cur = next;
        rounds++;
      } while (cur !== '0');
      expect(seen.size).toBe(500);
      expect(seen.get('m6')).toBe('1.5');
      expect(rounds).toBeGreaterThan(enc === 'skiplist' || Number(entries) < 500 ? 5 : 0);
    });

    it('set algebra: ZUNION, ZINTER, ZDIFF, ZINTERCARD', () => {
      call('ZADD', 's1', '1', 'a', '2', 'b', '3', 'c');
      call('ZADD', 's2', '10', 'b', '20', 'c', '30', 'd');
      expect(call('ZUNION', '2', 's1', 's2')).toEqual(['a', 'b', 'c', 'd']);
      expect(call('ZUNION', '2', 's1', 's2', 'WITHSCORES')).toEqual(['a', '1', 'b', '12', 'c', '23', 'd', '30']);
      expect(call('ZUNION', '2', 's1', 's2', 'WEIGHTS', '2', '3', 'WITHSCORES')).toEqual(['a', '2', 'b', '34', 'c', '66', 'd', '90']);
      expect(call('ZUNION', '2', 's1', 's2', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '30']);
      expect(call('ZUNION', '2', 's1', 's2', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual(['a', '1', 'b', '10', 'c', '20', 'd', '30']);
      expect(call('ZUNION', '3', 's1', 's2', 'nokey')).toEqual(['a', 'b', 'c', 'd']);
      expect(call('ZINTER', '2', 's1', 's2', 'WITHSCORES')).toEqual(['b', '12', 'c', '23']);
      expect(call('ZINTER', '2', 's1', 's2', 'WEIGHTS', '1', '-1', 'WITHSCORES')).toEqual(['c', '-17', 'b', '-8']);
      expect(call('ZINTER', '2', 's1', 'nokey')).toEqual([]);
      expect(call('ZDIFF', '2', 's1', 's2', 'WITHSCORES')).toEqual(['a', '1']);
      expect(call('ZDIFF', '2', 's2', 's1')).toEqual(['d']);
      expect(call('ZDIFF', '2', 's1', 's1')).toEqual([]);
      expect(call('ZINTERCARD', '2', 's1', 's2')).toBe(2);
      expect(call('ZINTERCARD', '2', 's1', 's2', 'LIMIT', '1')).toBe(1);
      expect(call('ZINTERCARD', '2', 's1', 's2', 'LIMIT', '0')).toBe(2);
      call('ZADD', 'infs', 'inf', 'a', '-inf', 'b');
      expect(call('ZUNION', '2', 'infs', 'infs', 'WEIGHTS', '1', '-1', 'WITHSCORES')).toEqual(['a', '0', 'b', '0']);
      expect(call('ZUNION', '2', 'infs', 'infs', 'WEIGHTS', '0', '0', 'AGGREGATE', 'MAX', 'WITHSCORES')).toEqual(['a', '0', 'b', '0']);
      call('ZADD', 'ws', '1', 'a', '2', 'b');
      expect(call('ZUNION', '2', 'ws', 'ws', 'WEIGHTS', '0.1', '0.2', 'WITHSCORES')).toEqual(['a', '0.30000000000000004', 'b', '0.60000000000000009']);
    });

    it('set algebra with plain sets as inputs', () => {
      call('ZADD', 's1', '1', 'a', '2', 'b', '3', 'c');
      call('SADD', 'plain', 'a', 'b', 'zz');
      call('SADD', 'ints', '1', '2', '3');
      expect(call('ZUNION', '2', 's1', 'plain', 'WITHSCORES')).toEqual(['zz', '1', 'a', '2', 'b', '3', 'c', '3']);
      expect(call('ZINTER', '2', 'plain', 's1', 'WITHSCORES')).toEqual(['a', '2', 'b', '3']);
      expect(call('ZDIFF', '2', 'plain', 's1')).toEqual(['zz']);
      expect(call('ZUNIONSTORE', 'dst', '2', 'plain', 'plain')).toBe(3);
      expect(all('dst')).toEqual(['a', '2', 'b', '2', 'zz', '2']);
      expect(call('ZINTER', '2', 'ints', 'ints', 'WEIGHTS', '2', '3', 'WITHSCORES')).toEqual(['1', '5', '2', '5', '3', '5']);
      call('SET', 'str', 'x');
      expect(call('ZUNION', '2', 's1', 'str')).toEqual(WRONGTYPE);
    });

    it('set algebra errors', () => {
      call('ZADD', 'w', '1', 'a');
      expect(call('ZUNIONSTORE', 'dst', '0', 'w')).toEqual({ error: "ERR at least 1 input key is needed for 'zunionstore' command" });
      expect(call('ZINTERCARD', '0', 'w')).toEqual({ error: "ERR at least 1 input key is needed for 'zintercard' command" });
      expect(call('ZUNIONSTORE', 'dst', '2', 'w')).toEqual(SYNTAX);
      expect(call('ZUNION', 'x', 'w')).toEqual(NOT_INT);
      expect(call('ZUNION', '1', 'w', 'WEIGHTS')).toEqual(SYNTAX);
      expect(call('ZUNION', '1', 'w', 'WEIGHTS', 'x')).toEqual({ error: 'ERR weight value is not a float' });
      expect(call('ZUNION', '1', 'w', 'AGGREGATE', 'avg')).toEqual(SYNTAX);
      expect(call('ZUNIONSTORE', 'dst', '1', 'w', 'WITHSCORES')).toEqual(SYNTAX);
      expect(call('ZDIFF', '1', 'w', 'WEIGHTS', '1')).toEqual(SYNTAX);
      expect(call('ZINTERCARD', '1', 'w', 'LIMIT', '-1')).toEqual({ error: "ERR LIMIT can't be negative" });
      expect(call('ZINTERCARD', '1', 'w', 'LIMIT', 'x')).toEqual({ error: "ERR LIMIT can't be negative" });
      expect(call('ZINTERCARD', '1', 'w', 'WITHSCORES')).toEqual(SYNTAX);
    });

    it('*STORE commands replace the destination and drop its TTL', () => {
      call('ZADD', 's1', '1', 'a', '2', 'b', '3', 'c');
      call('ZADD', 's2', '10', 'b', '20', 'c', '30', 'd');
      call('SET', 'dst', 'old', 'EX', '100');
      expect(call('ZUNIONSTORE', 'dst', '2', 's1', 's2')).toBe(4);
      expect(call('TTL', 'dst')).toBe(-1);
      expect(all('dst')).toEqual(['a', '1', 'b', '12', 'c', '23', 'd', '30']);
      expect(call('OBJECT', 'ENCODING', 'dst')).toBe(enc);
      expect(call('ZINTERSTORE', 'dst', '2', 's1', 's2', 'AGGREGATE', 'MAX')).toBe(2);
      expect(all('dst')).toEqual(['b', '10', 'c', '20']);
      expect(call('ZDIFFSTORE', 'dst', '2', 's1', 's2')).toBe(1);
      expect(all('dst')).toEqual(['a', '1']);
      expect(call('ZINTERSTORE', 'dst', '2', 's1', 'nokey')).toBe(0);
      expect(call('EXISTS', 'dst')).toBe(0);
      expect(call('ZUNIONSTORE', 's1', '2', 's1', 's2')).toBe(4); // the destination as an input
      expect(all('s1')).toEqual(['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    });

    it('ZRANGESTORE', () => {
      call('ZADD', 'src', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      expect(call('ZRANGESTORE', 'dst', 'src', '0', '1')).toBe(2);
      expect(all('dst')).toEqual(['a', '1', 'b', '2']);
      expect(call('ZRANGESTORE', 'dst', 'src', '+inf', '(1', 'BYSCORE', 'REV', 'LIMIT', '0', '2')).toBe(2);
      expect(all('dst')).toEqual(['c', '3', 'd', '4']);
      expect(call('OBJECT', 'ENCODING', 'dst')).toBe(enc);
      expect(call('ZRANGESTORE', 'dst', 'src', '[b', '[c', 'BYLEX')).toBe(2);
      expect(call('ZRANGESTORE', 'dst', 'src', '5', '10')).toBe(0);
      expect(call('EXISTS', 'dst')).toBe(0);
      expect(call('ZRANGESTORE', 'dst', 'nokey', '0', '-1')).toBe(0);
      expect(call('ZRANGESTORE', 'dst', 'src', '0', '-1', 'WITHSCORES')).toEqual(SYNTAX);
    });

    it('WRONGTYPE everywhere', () => {
      call('SET', 'str', 'x');
      for (const args of [
        ['ZADD', 'str', '1', 'a'], ['ZINCRBY', 'str', '1', 'a'], ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'str', 'a'],
        ['ZCARD', 'str'], ['ZRANK', 'str', 'a'], ['ZREM', 'str', 'a'], ['ZRANGE', 'str', '0', '-1'],
        ['ZRANGEBYSCORE', 'str', '0', '1'], ['ZRANGEBYLEX', 'str', '-', '+'], ['ZCOUNT', 'str', '0', '1'],
        ['ZLEXCOUNT', 'str', '-', '+'], ['ZREMRANGEBYRANK', 'str', '0', '1'], ['ZPOPMIN', 'str'],
        ['ZMPOP', '1', 'str', 'MIN'], ['ZRANDMEMBER', 'str'], ['ZRANDMEMBER', 'str', '2'], ['ZSCAN', 'str', '0'],
        ['ZRANGESTORE', 'dst', 'str', '0', '1'], ['ZUNIONSTORE', 'dst', '1', 'str'], ['ZINTERCARD', '1', 'str'],
      ]) expect(call(...args)).toEqual(WRONGTYPE);
      call('ZADD', 'z', '1', 'a');
      expect(call('GET', 'z')).toEqual(WRONGTYPE);
      expect(call('ZMPOP', '2', 'nokey', 'str', 'MIN')).toEqual(WRONGTYPE);
    });

    it('DEL, COPY, RENAME, MOVE and expiry of zsets', () => {
      const args: string[] = [];
      for (let i = 0; i < 200; i++) args.push(String(i % 7), `m${i}`);
      call('ZADD', 'z', ...args);
      call('ZADD', 'small', '1', 'a');
      expect(call('COPY', 'z', 'z2')).toBe(1);
      expect(call('OBJECT', 'ENCODING', 'z2')).toBe(call('OBJECT', 'ENCODING', 'z'));
      expect(call('ZRANGE', 'z2', '0', '-1', 'WITHSCORES')).toEqual(all('z'));
      expect(call('ZADD', 'z2', '100', 'extra')).toBe(1);
      expect(call('ZCARD', 'z')).toBe(200);
      const [k1, k2] = keysOnBothShards(h, 'zk');
      call('ZADD', k1, '1', 'a', '2', 'b');
      expect(call('RENAME', k1, k2)).toBe('OK');
      expect(all(k2)).toEqual(['a', '1', 'b', '2']);
      expect(call('COPY', 'z', k1)).toBe(1);
      expect(call('ZCARD', k1)).toBe(200);
      expect(call('MOVE', 'small', '1')).toBe(1);
      call('SELECT', '1');
      expect(all('small')).toEqual(['a', '1']);
      call('SELECT', '0');
      expect(call('DEL', 'z', 'z2', k1, k2)).toBe(4);
      call('ZADD', 'e', '1', 'a');
      call('PEXPIRE', 'e', '1');
      const until = Date.now() + 20;
      while (Date.now() < until) { /* let it expire */ }
      expect(call('ZCARD', 'e')).toBe(0);
    });
  });
}

describe('zset encodings', () => {
  beforeEach(() => reset('128'));

  it('converts at zset-max-listpack-entries and -value, never back', () => {
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '4');
    call('CONFIG', 'SET', 'zset-max-listpack-value', '8');
    call('ZADD', 'e', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(call('OBJECT', 'ENCODING', 'e')).toBe('listpack');
    call('ZADD', 'e', '5', 'e');
    expect(call('OBJECT', 'ENCODING', 'e')).toBe('skiplist');
    call('ZREM', 'e', 'a', 'b', 'c', 'd');
    expect(call('OBJECT', 'ENCODING', 'e')).toBe('skiplist');
    call('ZADD', 'f', '1', 'aaaaaaaa');
    expect(call('OBJECT', 'ENCODING', 'f')).toBe('listpack');
    call('ZADD', 'f', '1', 'aaaaaaaaa');
    expect(call('OBJECT', 'ENCODING', 'f')).toBe('skiplist');
    call('ZADD', 'g', '1', 'aaaaaaaaa');
    expect(call('OBJECT', 'ENCODING', 'g')).toBe('skiplist');
    call('ZINCRBY', 'i', '1', 'aaaaaaaaaaaa');
    expect(call('OBJECT', 'ENCODING', 'i')).toBe('skiplist');
    // 7.0 decides a new key's encoding by its first member only.
    call('ZADD', 'j', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f');
    expect(call('OBJECT', 'ENCODING', 'j')).toBe('skiplist');
    expect(all('j')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f', '6']);
  });

  it('computed results take the encoding their size calls for', () => {
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '4');
    call('CONFIG', 'SET', 'zset-max-listpack-value', '8');
    call('ZADD', 'j', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f');
    call('ZRANGESTORE', 'k', 'j', '0', '3');
    expect(call('OBJECT', 'ENCODING', 'k')).toBe('listpack');
    call('ZRANGESTORE', 'k', 'j', '0', '4');
    expect(call('OBJECT', 'ENCODING', 'k')).toBe('skiplist');
    call('ZUNIONSTORE', 'u', '1', 'j');
    expect(call('OBJECT', 'ENCODING', 'u')).toBe('skiplist');
    call('ZRANGESTORE', 'k', 'j', '0', '3');
    call('ZINTERSTORE', 'u', '2', 'j', 'k');
    expect(call('OBJECT', 'ENCODING', 'u')).toBe('listpack');
    call('ZDIFFSTORE', 'u', '2', 'j', 'k');
    expect(call('OBJECT', 'ENCODING', 'u')).toBe('listpack');
    expect(all('u')).toEqual(['e', '5', 'f', '6']);
    call('ZADD', 'long', '1', 'verylongmember', '2', 'b');
    call('ZUNIONSTORE', 'u', '1', 'long');
    expect(call('OBJECT', 'ENCODING', 'u')).toBe('skiplist');
    call('ZREMRANGEBYSCORE', 'long', '1', '1');
    call('ZUNIONSTORE', 'u', '1', 'long');
    expect(call('OBJECT', 'ENCODING', 'u')).toBe('listpack');
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    call('ZRANGESTORE', 'k', 'j', '0', '0');
    expect(call('OBJECT', 'ENCODING', 'k')).toBe('skiplist');
  });

  it('a listpack keeps -0 as 0, a skiplist keeps -0', () => {
    call('ZADD', 'lp', '-0', 'a');
    expect(call('ZSCORE', 'lp', 'a')).toBe('0');
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    call('ZADD', 'sl', '-0', 'a');
    expect(call('ZSCORE', 'sl', 'a')).toBe('-0');
    // ZRANGESTORE by rank knows its size: a skiplist from the start keeps -0. By score it fills
    // a listpack first (-0 becomes 0) until it converts. ZUNIONSTORE builds a skiplist (which
    // keeps -0) and only then converts small results.
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '2');
    call('ZADD', 'sl', '-0', 'b', '-0', 'c', '-0', 'd');
    expect(call('ZRANGESTORE', 'rs', 'sl', '0', '-1')).toBe(4);
    expect(call('OBJECT', 'ENCODING', 'rs')).toBe('skiplist');
    expect(call('ZMSCORE', 'rs', 'a', 'b', 'c', 'd')).toEqual(['-0', '-0', '-0', '-0']);
    expect(call('ZRANGESTORE', 'rs', 'sl', '0', '0', 'BYSCORE')).toBe(4);
    expect(call('ZMSCORE', 'rs', 'a', 'b', 'c', 'd')).toEqual(['0', '0', '-0', '-0']);
    expect(call('ZRANGESTORE', 'rs', 'sl', '0', '1')).toBe(2);
    expect(call('OBJECT', 'ENCODING', 'rs')).toBe('listpack');
    expect(call('ZMSCORE', 'rs', 'a', 'b')).toEqual(['0', '0']);
    expect(call('ZUNIONSTORE', 'us', '1', 'sl')).toBe(4);
    expect(call('ZMSCORE', 'us', 'a', 'b', 'c', 'd')).toEqual(['-0', '-0', '-0', '-0']);
  });

  it('ZSCAN shows scores as each encoding stores them', () => {
    call('ZADD', 'lp', '1e18', 'a', '1e19', 'b', '0.1', 'c');
    expect(call('ZSCAN', 'lp', '0')).toEqual(['0', ['c', '0.10000000000000001', 'a', '1000000000000000000', 'b', '1e+19']]);
    expect(call('ZSCORE', 'lp', 'a')).toBe('1e+18');
    call('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    call('ZADD', 'sl', '1e18', 'a');
    expect(call('ZSCAN', 'sl', '0')).toEqual(['0', ['a', '1e+18']]);
  });
});

describe('zset RESP3 shapes', () => {
  beforeEach(() => {
    reset('128');
    c = h.client(3);
    call('ZADD', 'z', '1', 'a', '2.5', 'b');
  });

  it('doubles, nested pairs, nulls', () => {
    expect(run('ZSCORE', 'z', 'b')).toBe(',2.5\r\n');
    expect(run('ZSCORE', 'z', 'x')).toBe('_\r\n');
    expect(run('ZINCRBY', 'z', '1', 'a')).toBe(',2\r\n');
    expect(run('ZADD', 'z', 'INCR', 'NX', '1', 'a')).toBe('_\r\n');
    expect(run('ZMSCORE', 'z', 'a', 'x')).toBe('*2\r\n,2\r\n_\r\n');
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '1')).toBe('*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(run('ZRANK', 'z', 'b', 'WITHSCORE')).toBe('*2\r\n:1\r\n,2.5\r\n');
    expect(run('ZRANK', 'z', 'x', 'WITHSCORE')).toBe('_\r\n');
    expect(run('ZRANK', 'z', 'x')).toBe('_\r\n');
    expect(run('ZUNION', '1', 'z', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(run('ZRANDMEMBER', 'z', '5', 'WITHSCORES')).toBe('*2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,2\r\n');
    expect(run('ZSCAN', 'z', '0')).toBe('*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$3\r\n2.5\r\n');
    expect(run('ZPOPMIN', 'z')).toBe('*2\r\n$1\r\na\r\n,2\r\n');
    call('ZADD', 'z', '-inf', 'm');
    expect(run('ZPOPMIN', 'z', '1')).toBe('*1\r\n*2\r\n$1\r\nm\r\n,-inf\r\n');
    expect(run('ZMPOP', '1', 'z', 'MAX')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(run('ZMPOP', '1', 'z', 'MAX')).toBe('_\r\n');
    expect(run('ZPOPMIN', 'z', '1')).toBe('*0\r\n');
  });

  it('RESP2 downgrades: bulk doubles, flat pairs, nil', () => {
    c = h.client(2);
    expect(run('ZSCORE', 'z', 'b')).toBe('$3\r\n2.5\r\n');
    expect(run('ZSCORE', 'z', 'x')).toBe('$-1\r\n');
    expect(run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n');
    expect(run('ZPOPMIN', 'z', '1')).toBe('*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(run('ZMPOP', '1', 'z', 'MAX')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n');
  });
});

describe('zset across shards', () => {
  beforeEach(() => reset('128'));

  for (const entries of ['128', '0']) {
    it(`*STORE, ZMPOP and set algebra with keys in different shards (entries ${entries})`, () => {
      call('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
      const [a, b] = keysOnBothShards(h, 'xs');
      const [, d] = keysOnBothShards(h, 'xd');
      expect(h.shardOf(a)).not.toBe(h.shardOf(b));
      call('ZADD', a, '1', 'm1', '2', 'm2', '3', 'm3');
      call('ZADD', b, '10', 'm2', '20', 'm3', '30', 'm4');
      expect(call('ZUNIONSTORE', d, '2', a, b)).toBe(4);
      expect(all(d)).toEqual(['m1', '1', 'm2', '12', 'm3', '23', 'm4', '30']);
      expect(call('ZINTERSTORE', a, '2', a, b, 'WEIGHTS', '1', '0')).toBe(2);
      expect(all(a)).toEqual(['m2', '2', 'm3', '3']);
      expect(call('ZDIFFSTORE', d, '2', b, a)).toBe(1);
      expect(all(d)).toEqual(['m4', '30']);
      expect(call('ZRANGESTORE', d, b, '0', '1')).toBe(2);
      expect(all(d)).toEqual(['m2', '10', 'm3', '20']);
      expect(call('ZINTERCARD', '2', a, b)).toBe(2);
      expect(call('ZMPOP', '2', 'nokey', b, 'MIN', 'COUNT', '2')).toEqual([b, [['m2', '10'], ['m3', '20']]]);
      const [t1, t2] = tagsOnBothShards(h);
      call('ZADD', `${t1}x`, '1', 'q');
      call('ZADD', `${t2}y`, '2', 'q');
      expect(call('ZUNION', '2', `${t1}x`, `${t2}y`, 'WITHSCORES')).toEqual(['q', '3']);
    });
  }
});
