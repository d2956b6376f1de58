/**
 * List family (tests/unit/type/list.tcl, black-box). The same body runs under three settings of
 * list-max-listpack-size: the default (-2: lists stay listpacks), 4 (quicklists of tiny nodes)
 * and 1 (one element per node, never converted back). Expected replies were checked against a
 * real redis-server 7.0.15 (its OBJECT ENCODING differs: 7.0 reports quicklist for every list).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { keysOnBothShards } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const call = (...a: Arg[]) => h.call(c, ...a);
const run = (...a: Arg[]) => h.run(c, ...a);
const range = (k: string) => call('LRANGE', k, '0', '-1');

const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };
const SYNTAX = { error: 'ERR syntax error' };

const settings: [string, string][] = [['listpack', '-2'], ['quicklist (4 per node)', '4'], ['quicklist (1 per node)', '1']];

for (const [name, fill] of settings) {
  describe(`list basics: ${name}`, () => {
    beforeEach(() => {
      c = h.client(2);
      call('FLUSHALL');
      call('CONFIG', 'SET', 'list-max-listpack-size', fill);
    });
    const bigFill = fill === '-2';
    const encOf = (n: number) => (bigFill || n <= Number(fill) ? 'listpack' : 'quicklist');

    it('LPUSH, RPUSH, LLEN, LINDEX, LPOP, RPOP', () => {
      expect(call('LPUSH', 'l', 'a')).toBe(1);
      expect(call('RPUSH', 'l', 'b')).toBe(2);
      expect(call('RPUSH', 'l', 'c', 'd', 'e')).toBe(5);
      expect(call('LPUSH', 'l', 'y', 'z')).toBe(7);
      expect(call('OBJECT', 'ENCODING', 'l')).toBe(encOf(7));
      expect(call('LLEN', 'l')).toBe(7);
      expect(range('l')).toEqual(['z', 'y', 'a', 'b', 'c', 'd', 'e']);
      expect(call('LINDEX', 'l', '0')).toBe('z');
      expect(call('LINDEX', 'l', '3')).toBe('b');
      expect(call('LINDEX', 'l', '-1')).toBe('e');
      expect(call('LINDEX', 'l', '-7')).toBe('z');
      expect(call('LINDEX', 'l', '7')).toBe(null);
      expect(call('LINDEX', 'l', '-8')).toBe(null);
      expect(call('LPOP', 'l')).toBe('z');
      expect(call('RPOP', 'l')).toBe('e');
      expect(call('LLEN', 'l')).toBe(5);
      for (let i = 0; i < 5; i++) call('RPOP', 'l');
      expect(call('EXISTS', 'l')).toBe(0);
      expect(call('LLEN', 'l')).toBe(0);
      expect(call('LPOP', 'l')).toBe(null);
    });

    it('LPUSHX, RPUSHX', () => {
      expect(call('LPUSHX', 'x', 'a')).toBe(0);
      expect(call('RPUSHX', 'x', 'a', 'b')).toBe(0);
      expect(call('EXISTS', 'x')).toBe(0);
      call('RPUSH', 'x', 'm');
      expect(call('LPUSHX', 'x', 'b', 'a')).toBe(3);
      expect(call('RPUSHX', 'x', 'y', 'z')).toBe(5);
      expect(range('x')).toEqual(['a', 'b', 'm', 'y', 'z']);
    });

    it('LPOP/RPOP with count', () => {
      call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f');
      expect(call('LPOP', 'l', '2')).toEqual(['a', 'b']);
      expect(call('RPOP', 'l', '3')).toEqual(['f', 'e', 'd']);
      expect(call('LPOP', 'l', '0')).toEqual([]);
      expect(call('RPOP', 'l', '10')).toEqual(['c']);
      expect(call('EXISTS', 'l')).toBe(0);
      expect(run('LPOP', 'l', '2')).toBe('*-1\r\n');
      expect(run('LPOP', 'l', '0')).toBe('*-1\r\n');
      expect(call('LPOP', 'l', '-1')).toEqual({ error: 'ERR value is out of range, must be positive' });
      expect(call('LPOP', 'l', 'x')).toEqual({ error: 'ERR value is out of range, must be positive' });
      expect(call('LPOP', 'l', '1', '2')).toEqual({ error: "ERR wrong number of arguments for 'lpop' command" });
      call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
      expect(call('RPOP', 'l', '5')).toEqual(['g', 'f', 'e', 'd', 'c']);
      expect(call('LPOP', 'l', '5')).toEqual(['a', 'b']);
    });

    it('LRANGE ranges', () => {
      call('RPUSH', 'l', ...'0123456789'.split(''));
      expect(call('LRANGE', 'l', '1', '-2')).toEqual('12345678'.split(''));
      expect(call('LRANGE', 'l', '-3', '-1')).toEqual(['7', '8', '9']);
      expect(call('LRANGE', 'l', '4', '4')).toEqual(['4']);
      expect(call('LRANGE', 'l', '-100', '2')).toEqual(['0', '1', '2']);
      expect(call('LRANGE', 'l', '8', '100')).toEqual(['8', '9']);
      expect(call('LRANGE', 'l', '5', '3')).toEqual([]);
      expect(call('LRANGE', 'l', '10', '20')).toEqual([]);
      expect(call('LRANGE', 'l', '0', '-11')).toEqual([]);
      expect(call('LRANGE', 'nokey', '0', '-1')).toEqual([]);
      expect(call('LRANGE', 'nokey', 'a', '1')).toEqual(NOT_INT);
      expect(call('LRANGE', 'l', '0', '1.5')).toEqual(NOT_INT);
    });

    it('LINSERT', () => {
      call('RPUSH', 'l', 'a', 'b', 'c', 'd');
      expect(call('LINSERT', 'l', 'BEFORE', 'c', 'zz')).toBe(5);
      expect(range('l')).toEqual(['a', 'b', 'zz', 'c', 'd']);
      expect(call('LINSERT', 'l', 'after', 'c', 'yy')).toBe(6);
      expect(call('LINSERT', 'l', 'AFTER', 'd', 'dd')).toBe(7);
      expect(call('LINSERT', 'l', 'BEFORE', 'a', 'aa')).toBe(8);
      expect(range('l')).toEqual(['aa', 'a', 'b', 'zz', 'c', 'yy', 'd', 'dd']);
      expect(call('LINSERT', 'l', 'BEFORE', 'nope', 'x')).toBe(-1);
      expect(call('LINSERT', 'nokey', 'BEFORE', 'a', 'x')).toBe(0);
      expect(call('LINSERT', 'l', 'MIDDLE', 'a', 'x')).toEqual(SYNTAX);
      expect(call('LINSERT', 'nokey', 'MIDDLE', 'a', 'x')).toEqual(SYNTAX);
    });

    it('LSET', () => {
      call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f');
      expect(call('LSET', 'l', '0', 'A')).toBe('OK');
      expect(call('LSET', 'l', '-1', 'F')).toBe('OK');
      expect(call('LSET', 'l', '3', 'a longer element than the others')).toBe('OK');
      expect(range('l')).toEqual(['A', 'b', 'c', 'a longer element than the others', 'e', 'F']);
      expect(call('LSET', 'l', '6', 'x')).toEqual({ error: 'ERR index out of range' });
      expect(call('LSET', 'l', '-7', 'x')).toEqual({ error: 'ERR index out of range' });
      expect(call('LSET', 'nokey', '0', 'x')).toEqual({ error: 'ERR no such key' });
      expect(call('LSET', 'l', 'a', 'x')).toEqual(NOT_INT);
    });

    it('LREM', () => {
      call('RPUSH', 'l', 'x', 'a', 'x', 'b', 'x', 'c', 'x');
      expect(call('LREM', 'l', '2', 'x')).toBe(2);
      expect(range('l')).toEqual(['a', 'b', 'x', 'c', 'x']);
      expect(call('LREM', 'l', '-1', 'x')).toBe(1);
      expect(range('l')).toEqual(['a', 'b', 'x', 'c']);
      expect(call('LREM', 'l', '0', 'x')).toBe(1);
      expect(call('LREM', 'l', '0', 'nope')).toBe(0);
      expect(range('l')).toEqual(['a', 'b', 'c']);
      call('RPUSH', 'm', 'a', 'b', 'a', 'b', 'a');
      expect(call('LREM', 'm', '-2', 'a')).toBe(2);
      expect(range('m')).toEqual(['a', 'b', 'b']);
      expect(call('LREM', 'm', '0', 'b')).toBe(2);
      expect(call('LREM', 'm', '0', 'a')).toBe(1);
      expect(call('EXISTS', 'm')).toBe(0);
      expect(call('LREM', 'm', '0', 'a')).toBe(0);
      expect(call('LREM', 'l', 'x', 'a')).toEqual(NOT_INT);
    });

    it('LTRIM', () => {
      const fillList = () => {
        call('DEL', 'l');
        call('RPUSH', 'l', '0', '1', '2', '3', '4', '5', '6');
      };
      const trim = (a: string, b: string) => {
        fillList();
        expect(call('LTRIM', 'l', a, b)).toBe('OK');
        return range('l');
      };
      expect(trim('0', '0')).toEqual(['0']);
      expect(trim('0', '2')).toEqual(['0', '1', '2']);
      expect(trim('1', '-2')).toEqual(['1', '2', '3', '4', '5']);
      expect(trim('-2', '-1')).toEqual(['5', '6']);
      expect(trim('-100', '100')).toEqual(['0', '1', '2', '3', '4', '5', '6']);
      expect(trim('5', '2')).toEqual([]);
      expect(call('EXISTS', 'l')).toBe(0);
      expect(trim('7', '10')).toEqual([]);
      expect(call('LTRIM', 'nokey', '0', '1')).toBe('OK');
      expect(call('LTRIM', 'l', 'a', '1')).toEqual(NOT_INT);
    });

    it('LPOS', () => {
      call('RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c');
      expect(call('LPOS', 'l', 'c')).toBe(2);
      expect(call('LPOS', 'l', 'c', 'RANK', '2')).toBe(6);
      expect(call('LPOS', 'l', 'c', 'RANK', '-1')).toBe(7);
      expect(call('LPOS', 'l', 'c', 'RANK', '-3')).toBe(2);
      expect(call('LPOS', 'l', 'c', 'RANK', '4')).toBe(null);
      expect(call('LPOS', 'l', 'c', 'COUNT', '0')).toEqual([2, 6, 7]);
      expect(call('LPOS', 'l', 'c', 'COUNT', '2')).toEqual([2, 6]);
      expect(call('LPOS', 'l', 'c', 'COUNT', '2', 'RANK', '-1')).toEqual([7, 6]);
      expect(call('LPOS', 'l', 'c', 'COUNT', '0', 'RANK', '2')).toEqual([6, 7]);
      expect(call('LPOS', 'l', 'c', 'COUNT', '0', 'MAXLEN', '7')).toEqual([2, 6]);
      expect(call('LPOS', 'l', 'c', 'MAXLEN', '2')).toBe(null);
      expect(call('LPOS', 'l', 'c', 'RANK', '-1', 'MAXLEN', '1')).toBe(7);
      expect(call('LPOS', 'l', 'x', 'COUNT', '0')).toEqual([]);
      expect(call('LPOS', 'l', 'a', 'RANK', '-9223372036854775808')).toBe(0);
      expect(call('LPOS', 'nokey', 'a')).toBe(null);
      expect(call('LPOS', 'nokey', 'a', 'COUNT', '1')).toEqual([]);
      expect(call('LPOS', 'l', 'a', 'RANK', '0')).toEqual({
        error: "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
      });
      expect(call('LPOS', 'l', 'a', 'RANK', 'x')).toEqual(NOT_INT);
      expect(call('LPOS', 'l', 'a', 'COUNT', '-1')).toEqual({ error: "ERR COUNT can't be negative" });
      expect(call('LPOS', 'l', 'a', 'MAXLEN', 'x')).toEqual({ error: "ERR MAXLEN can't be negative" });
      expect(call('LPOS', 'l', 'a', 'RANK')).toEqual(SYNTAX);
      expect(call('LPOS', 'l', 'a', 'FOO', '1')).toEqual(SYNTAX);
    });

    it('LMOVE and RPOPLPUSH, same key and two keys', () => {
      call('RPUSH', 's', 'a', 'b', 'c', 'd', 'e');
      expect(call('LMOVE', 's', 's', 'LEFT', 'RIGHT')).toBe('a');
      expect(range('s')).toEqual(['b', 'c', 'd', 'e', 'a']);
      expect(call('LMOVE', 's', 's', 'RIGHT', 'LEFT')).toBe('a');
      expect(call('RPOPLPUSH', 's', 's')).toBe('e');
      expect(range('s')).toEqual(['e', 'a', 'b', 'c', 'd']);
      expect(call('LMOVE', 's', 's', 'LEFT', 'LEFT')).toBe('e');
      expect(range('s')).toEqual(['e', 'a', 'b', 'c', 'd']);
      expect(call('LMOVE', 's', 'd', 'RIGHT', 'RIGHT')).toBe('d');
      expect(call('LMOVE', 's', 'd', 'LEFT', 'LEFT')).toBe('e');
      expect(call('RPOPLPUSH', 's', 'd')).toBe('c');
      expect(range('d')).toEqual(['c', 'e', 'd']);
      call('DEL', 'one');
      call('RPUSH', 'one', 'x');
      expect(call('LMOVE', 'one', 'one', 'LEFT', 'RIGHT')).toBe('x');
      expect(range('one')).toEqual(['x']);
      expect(call('LMOVE', 'one', 'd', 'LEFT', 'RIGHT')).toBe('x');
      expect(call('EXISTS', 'one')).toBe(0);
      expect(call('LMOVE', 'nokey', 'd', 'LEFT', 'RIGHT')).toBe(null);
      expect(call('RPOPLPUSH', 'nokey', 'd')).toBe(null);
      expect(call('LMOVE', 's', 'd', 'UP', 'RIGHT')).toEqual(SYNTAX);
      expect(call('LMOVE', 's', 'd', 'LEFT', 'DOWN')).toEqual(SYNTAX);
    });

    it('LMOVE across shards', () => {
      const [a, b] = keysOnBothShards(h, 'mv');
      expect(h.shardOf(a)).not.toBe(h.shardOf(b));
      call('RPUSH', a, '1', '2', '3', '4', '5', '6');
      expect(call('LMOVE', a, b, 'LEFT', 'RIGHT')).toBe('1');
      expect(call('LMOVE', a, b, 'RIGHT', 'LEFT')).toBe('6');
      expect(call('RPOPLPUSH', b, a)).toBe('1');
      expect(range(a)).toEqual(['1', '2', '3', '4', '5']);
      expect(range(b)).toEqual(['6']);
      for (let i = 0; i < 5; i++) call('LMOVE', a, b, 'LEFT', 'RIGHT');
      expect(call('EXISTS', a)).toBe(0);
      expect(range(b)).toEqual(['6', '1', '2', '3', '4', '5']);
      call('SET', a, 'str');
      expect(call('LMOVE', b, a, 'LEFT', 'LEFT')).toEqual(WRONGTYPE);
      expect(call('LLEN', b)).toBe(6);
    });

    it('LMPOP', () => {
      call('RPUSH', 'k2', 'a', 'b', 'c', 'd');
      call('RPUSH', 'k3', 'x');
      expect(call('LMPOP', '2', 'k1', 'k2', 'LEFT')).toEqual(['k2', ['a']]);
      expect(call('LMPOP', '2', 'k1', 'k2', 'RIGHT', 'COUNT', '2')).toEqual(['k2', ['d', 'c']]);
      expect(call('LMPOP', '3', 'k1', 'k2', 'k3', 'LEFT', 'COUNT', '10')).toEqual(['k2', ['b']]);
      expect(call('EXISTS', 'k2')).toBe(0);
      expect(call('LMPOP', '3', 'k1', 'k2', 'k3', 'right', 'count', '10')).toEqual(['k3', ['x']]);
      expect(run('LMPOP', '2', 'k1', 'k2', 'LEFT')).toBe('*-1\r\n');
      expect(call('LMPOP', '0', 'k1', 'LEFT')).toEqual({ error: 'ERR numkeys should be greater than 0' });
      expect(call('LMPOP', 'x', 'k1', 'LEFT')).toEqual({ error: 'ERR numkeys should be greater than 0' });
      expect(call('LMPOP', '2', 'k1', 'LEFT')).toEqual(SYNTAX);
      expect(call('LMPOP', '1', 'k1', 'MIDDLE')).toEqual(SYNTAX);
      expect(call('LMPOP', '1', 'k1', 'LEFT', 'COUNT', '0')).toEqual({ error: 'ERR count should be greater than 0' });
      expect(call('LMPOP', '1', 'k1', 'LEFT', 'COUNT', '1', 'COUNT', '1')).toEqual(SYNTAX);
      expect(call('LMPOP', '1', 'k1', 'LEFT', 'FOO')).toEqual(SYNTAX);
      call('SET', 'str', 'x');
      call('RPUSH', 'k9', 'z');
      expect(call('LMPOP', '3', 'k1', 'str', 'k9', 'LEFT')).toEqual(WRONGTYPE);
      expect(call('LLEN', 'k9')).toBe(1);
    });

    it('WRONGTYPE for every list command on a string', () => {
      call('SET', 's', 'x');
      call('RPUSH', 'l', 'a');
      const cmds: string[][] = [
        ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'], ['LPOP', 's'],
        ['RPOP', 's'], ['LPOP', 's', '0'], ['LLEN', 's'], ['LRANGE', 's', '0', '1'], ['LINDEX', 's', 'x'],
        ['LSET', 's', 'x', 'a'], ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LREM', 's', '0', 'a'],
        ['LTRIM', 's', '0', '1'], ['LPOS', 's', 'a'], ['LMOVE', 's', 'l', 'LEFT', 'LEFT'],
        ['LMOVE', 'l', 's', 'LEFT', 'LEFT'], ['RPOPLPUSH', 's', 'l'], ['LMPOP', '1', 's', 'LEFT'],
      ];
      for (const cmd of cmds) expect(call(...cmd), cmd.join(' ')).toEqual(WRONGTYPE);
      expect(range('l')).toEqual(['a']);
      expect(call('GET', 's')).toBe('x');
    });

    it('binary-safe and empty elements, large elements', () => {
      const bin = Buffer.from([0, 1, 2, 255, 13, 10, 0]);
      const big = 'x'.repeat(20000);
      c = h.client(2);
      h.call(c, 'RPUSH', 'b', bin, '', big, 'end');
      expect(h.callBuf(c, 'LINDEX', 'b', '0')).toEqual(bin);
      expect(call('LINDEX', 'b', '1')).toBe('');
      expect(call('LINDEX', 'b', '2')).toBe(big);
      expect(call('LPOS', 'b', '')).toBe(1);
      expect(h.callBuf(c, 'LPOS', 'b', bin)).toBe(0);
      expect(call('LREM', 'b', '0', big)).toBe(1);
      expect(call('LLEN', 'b')).toBe(3);
      expect(call('LSET', 'b', '1', big)).toBe('OK');
      expect(call('LINDEX', 'b', '1')).toBe(big);
    });

    it('a list survives RENAME, COPY and MOVE', () => {
      const model = Array.from({ length: 30 }, (_, i) => `v${i}`);
      call('RPUSH', 'src', ...model);
      expect(call('COPY', 'src', 'cp')).toBe(1);
      expect(call('RENAME', 'src', 'ren')).toBe('OK');
      expect(range('cp')).toEqual(model);
      expect(range('ren')).toEqual(model);
      call('RPUSH', 'cp', 'extra');
      expect(call('LLEN', 'ren')).toBe(30);
      expect(call('MOVE', 'ren', '1')).toBe(1);
      call('SELECT', '1');
      expect(range('ren')).toEqual(model);
      expect(call('TYPE', 'ren')).toBe('list');
      expect(call('DEL', 'ren')).toBe(1);
    });
  });
}
