/**
 * List encodings (Redis 7.2 rules, t_list.c listTypeTryConversion*): listpack → quicklist when
 * a push would take the listpack past list-max-listpack-size, quicklist → listpack when one node
 * at most half the limit is left. Plus RESP3 reply shapes of the list commands (checked against
 * redis-server 7.0.15 with HELLO 3).
 *
 * Sizes: a 50-byte element costs 52 bytes in Redis's listpack and in ours, and Redis counts a
 * listpack as 7 bytes + its entries. With the default -2 (8192 bytes) a push converts when
 * 7 + 52·n + 50 > 8192, i.e. from n = 157 elements on; a single node shrinks back to a
 * listpack when 7 + 52·n ≤ 4096, i.e. at n ≤ 78.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const call = (...a: Arg[]) => h.call(c, ...a);
const enc = (k: string) => call('OBJECT', 'ENCODING', k);
const e50 = (i: number) => `${i}`.padStart(50, '.');

beforeEach(() => {
  c = h.client(2);
  call('FLUSHALL');
  call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
});

describe('list encoding conversions', () => {
  it('default size limit: listpack up to 157 elements of 50 bytes, back at 78', () => {
    for (let i = 0; i < 157; i++) call('RPUSH', 'l', e50(i));
    expect(enc('l')).toBe('listpack');
    call('RPUSH', 'l', e50(157));
    expect(enc('l')).toBe('quicklist');
    expect(call('LLEN', 'l')).toBe(158);
    while ((call('LLEN', 'l') as number) > 79) call('RPOP', 'l');
    expect(enc('l')).toBe('quicklist');
    call('RPOP', 'l');
    expect(enc('l')).toBe('listpack');
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(Array.from({ length: 78 }, (_, i) => e50(i)));
  });

  it('a multi-element push converts for the whole batch up front, counting raw bytes', () => {
    // As Redis: 7 + 50·163 = 8157 ≤ 8192 passes (the listpack ends at 7 + 52·163 bytes),
    // 7 + 50·164 = 8207 converts before pushing.
    const els = Array.from({ length: 164 }, (_, i) => e50(i));
    call('RPUSH', 'l', ...els.slice(0, 163));
    expect(enc('l')).toBe('listpack');
    call('DEL', 'l');
    call('RPUSH', 'l', ...els);
    expect(enc('l')).toBe('quicklist');
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(els);
  });

  it('an element bigger than the limit makes a quicklist at once', () => {
    const big = 'b'.repeat(8200);
    call('RPUSH', 'l', big);
    expect(enc('l')).toBe('quicklist');
    call('RPUSH', 'l', 'small');
    expect(enc('l')).toBe('quicklist');
    expect(call('LPOP', 'l')).toBe(big);
    expect(enc('l')).toBe('listpack');
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(['small']);
  });

  it('count limit: 4 per listpack, back at 2', () => {
    call('CONFIG', 'SET', 'list-max-listpack-size', '4');
    call('RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(enc('l')).toBe('listpack');
    call('RPUSH', 'l', 'e');
    expect(enc('l')).toBe('quicklist'); // nodes [a b c d] [e]
    call('RPOP', 'l');
    call('RPOP', 'l');
    expect(enc('l')).toBe('quicklist'); // one node of 3 > 4/2
    call('RPOP', 'l');
    expect(enc('l')).toBe('listpack');
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b']);
    call('LPUSH', 'l', 'x', 'y', 'z');
    expect(enc('l')).toBe('quicklist'); // 2 + 3 > 4 converts first: nodes [z] [y x a b]
    call('RPOP', 'l', '2');
    expect(enc('l')).toBe('quicklist'); // two nodes left: [z] [y x], never merged by deletes
  });

  it('LINSERT and LSET convert for the new element; LSET, LREM and LTRIM shrink', () => {
    for (let i = 0; i < 157; i++) call('RPUSH', 'l', e50(i));
    expect(call('LINSERT', 'l', 'AFTER', e50(3), 'x')).toBe(158); // 8171 + 1 fits
    expect(enc('l')).toBe('listpack');
    expect(call('LINSERT', 'l', 'AFTER', e50(3), e50(-1))).toBe(159);
    expect(enc('l')).toBe('quicklist');
    call('DEL', 'l');
    for (let i = 0; i < 157; i++) call('RPUSH', 'l', e50(i));
    expect(call('LINSERT', 'l', 'AFTER', 'no such pivot', e50(-1))).toBe(-1);
    expect(enc('l')).toBe('quicklist'); // Redis 7.2 converts before looking for the pivot
    call('DEL', 'l');
    call('RPUSH', 'l', 'a', 'b');
    call('LSET', 'l', '0', 'x'.repeat(9000));
    expect(enc('l')).toBe('quicklist');
    call('LSET', 'l', '0', 'a');
    expect(enc('l')).toBe('listpack');
    call('RPUSH', 'l', 'y'.repeat(9000));
    expect(enc('l')).toBe('quicklist'); // nodes [a b] [yyy…]
    expect(call('LREM', 'l', '0', 'y'.repeat(9000))).toBe(1);
    expect(enc('l')).toBe('listpack');
    call('RPUSH', 'l', 'y'.repeat(9000), 'c'); // nodes [a b] [yyy…] [c]
    expect(call('LREM', 'l', '0', 'y'.repeat(9000))).toBe(1);
    expect(enc('l')).toBe('quicklist'); // deletes never merge nodes: two are left
    expect(call('RPOP', 'l')).toBe('c');
    expect(enc('l')).toBe('listpack');
    call('RPUSH', 'l', 'y'.repeat(9000), 'd');
    expect(enc('l')).toBe('quicklist');
    expect(call('LTRIM', 'l', '0', '1')).toBe('OK');
    expect(enc('l')).toBe('listpack');
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(['a', 'b']);
  });

  it('LMOVE converts the destination and shrinks the source', () => {
    call('RPUSH', 'src', 'z'.repeat(9000), 'a');
    expect(enc('src')).toBe('quicklist');
    for (let i = 0; i < 157; i++) call('RPUSH', 'dst', e50(i));
    expect(call('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).toBe('z'.repeat(9000));
    expect(enc('src')).toBe('listpack');
    expect(enc('dst')).toBe('quicklist');
  });

  it('LMOVE on one key checks for shrinking after its push, as Redis', () => {
    call('CONFIG', 'SET', 'list-max-listpack-size', '4');
    call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
    call('RPOP', 'l', '2'); // one node [a b c]: 3 > 4/2, still a quicklist
    expect(enc('l')).toBe('quicklist');
    expect(call('LMOVE', 'l', 'l', 'RIGHT', 'LEFT')).toBe('c');
    expect(enc('l')).toBe('quicklist'); // popping first would have shrunk it to [a b]
    expect(call('LRANGE', 'l', '0', '-1')).toEqual(['c', 'a', 'b']);
    call('RPUSH', 'm', 'x');
    expect(call('LMOVE', 'l', 'm', 'RIGHT', 'LEFT')).toBe('b');
    expect(enc('l')).toBe('listpack');
  });

  it('copies keep the encoding', () => {
    call('CONFIG', 'SET', 'list-max-listpack-size', '2');
    call('RPUSH', 'q', 'a', 'b', 'c', 'd', 'e');
    call('RPUSH', 'p', 'a');
    call('COPY', 'q', 'q2');
    call('COPY', 'p', 'p2');
    expect(enc('q2')).toBe('quicklist');
    expect(enc('p2')).toBe('listpack');
    expect(call('LRANGE', 'q2', '0', '-1')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a new list follows the current setting; -5 is 64 KiB and smaller values clamp to it', () => {
    call('CONFIG', 'SET', 'list-max-listpack-size', '-5');
    const els = Array.from({ length: 1000 }, (_, i) => e50(i));
    call('RPUSH', 'l', ...els);
    expect(enc('l')).toBe('listpack'); // 7 + 52000 < 65536
    call('CONFIG', 'SET', 'list-max-listpack-size', '-100');
    call('RPUSH', 'm', ...els, ...els);
    expect(enc('m')).toBe('quicklist');
    call('CONFIG', 'SET', 'list-max-listpack-size', '0');
    call('RPUSH', 'n', 'a');
    expect(enc('n')).toBe('listpack');
    call('RPUSH', 'n', 'b');
    expect(enc('n')).toBe('quicklist');
  });
});

describe('list replies under RESP3', () => {
  it('null and array shapes', () => {
    c = h.client(3);
    const run = (...a: Arg[]) => h.run(c, ...a);
    run('RPUSH', 'l', 'a', 'b', 'c');
    expect(run('LPOP', 'nokey')).toBe('_\r\n');
    expect(run('LPOP', 'nokey', '2')).toBe('_\r\n');
    expect(run('LPOP', 'l', '0')).toBe('*0\r\n');
    expect(run('LINDEX', 'l', '5')).toBe('_\r\n');
    expect(run('LPOS', 'nokey', 'a')).toBe('_\r\n');
    expect(run('LPOS', 'l', 'x')).toBe('_\r\n');
    expect(run('LPOS', 'nokey', 'a', 'COUNT', '0')).toBe('*0\r\n');
    expect(run('LMOVE', 'nokey', 'x', 'LEFT', 'LEFT')).toBe('_\r\n');
    expect(run('LMPOP', '1', 'nokey', 'LEFT')).toBe('_\r\n');
    expect(run('LRANGE', 'nokey', '0', '1')).toBe('*0\r\n');
    expect(run('LMPOP', '1', 'l', 'RIGHT', 'COUNT', '2')).toBe('*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n');
    expect(run('LPOP', 'l', '5')).toBe('*1\r\n$1\r\na\r\n');
  });

  it('RESP2 nulls', () => {
    const run = (...a: Arg[]) => h.run(c, ...a);
    expect(run('LPOP', 'nokey')).toBe('$-1\r\n');
    expect(run('LPOP', 'nokey', '2')).toBe('*-1\r\n');
    expect(run('LINDEX', 'nokey', '0')).toBe('$-1\r\n');
    expect(run('LINDEX', 'nokey', 'notanint')).toBe('$-1\r\n');
    expect(run('LPOS', 'nokey', 'a')).toBe('$-1\r\n');
    expect(run('LMOVE', 'nokey', 'x', 'LEFT', 'LEFT')).toBe('$-1\r\n');
    expect(run('RPOPLPUSH', 'nokey', 'x')).toBe('$-1\r\n');
    expect(run('LMPOP', '1', 'nokey', 'LEFT')).toBe('*-1\r\n');
  });
});
