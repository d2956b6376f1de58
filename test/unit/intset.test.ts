import { describe, it, expect } from 'vitest';
import { Heap } from '../../src/sab/alloc.js';
import {
  isNew, isAdd, isCount, isWidth, isGet, isFind, isRemove, isFree, isCopy, isBytes, iv,
  parseI64, formatI64, digitsI64, widthFor, isSearch,
} from '../../src/sab/intset.js';
import * as IS from '../../src/sab/intset.js';
import { prng } from '../helpers/prng.js';

const newHeap = (bytes = 1 << 16) => new Heap(Heap.create(bytes));

const split = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v >> 32n)), Number(v & 0xffffffffn)];
const join = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) + BigInt(lo);

function values(heap: Heap, p: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < isCount(heap, p); i++) {
    isGet(heap, p, i);
    out.push(join(iv.hi, iv.lo));
  }
  return out;
}

function add(heap: Heap, p: number, v: bigint): number {
  const [hi, lo] = split(v);
  return isAdd(heap, p, hi, lo);
}

const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;

describe('intset', () => {
  it('keeps values sorted and distinct, reporting whether an add was new', () => {
    const heap = newHeap();
    let p = isNew(heap);
    for (const v of [5n, -3n, 5n, 100n, 0n, -3n]) p = add(heap, p, v);
    expect(values(heap, p)).toEqual([-3n, 0n, 5n, 100n]);
    p = add(heap, p, 7n);
    expect(IS.isAdded).toBe(true);
    p = add(heap, p, 7n);
    expect(IS.isAdded).toBe(false);
    expect(isWidth(heap, p)).toBe(2);
  });

  it('upgrades int16 → int32 → int64 at both ends and keeps every value', () => {
    const heap = newHeap();
    let p = isNew(heap);
    for (let v = -10n; v <= 10n; v++) p = add(heap, p, v);
    expect(isWidth(heap, p)).toBe(2);
    p = add(heap, p, 32768n); // just past int16: appended
    expect(isWidth(heap, p)).toBe(4);
    p = add(heap, p, -32769n); // prepended, no upgrade needed now
    expect(isWidth(heap, p)).toBe(4);
    p = add(heap, p, -(2n ** 31n) - 1n); // past int32 at the low end: prepended
    expect(isWidth(heap, p)).toBe(8);
    p = add(heap, p, I64_MAX);
    p = add(heap, p, I64_MIN);
    const vals = values(heap, p);
    expect(vals[0]).toBe(I64_MIN);
    expect(vals[1]).toBe(-(2n ** 31n) - 1n);
    expect(vals[2]).toBe(-32769n);
    expect(vals.at(-1)).toBe(I64_MAX);
    expect(vals.at(-2)).toBe(32768n);
    expect(vals.length).toBe(21 + 5);
    const sorted = [...vals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(vals).toEqual(sorted);
    for (const v of vals) expect(isFind(heap, p, ...split(v))).toBe(true);
    expect(isFind(heap, p, ...split(11n))).toBe(false);
  });

  it('an upgrade from int16 straight to int64 (negative value prepended)', () => {
    const heap = newHeap();
    let p = isNew(heap);
    p = add(heap, p, 1n);
    p = add(heap, p, 2n);
    p = add(heap, p, -(2n ** 40n));
    expect(isWidth(heap, p)).toBe(8);
    expect(values(heap, p)).toEqual([-(2n ** 40n), 1n, 2n]);
  });

  it('search misses values outside the stored width without upgrading', () => {
    const heap = newHeap();
    let p = isNew(heap);
    p = add(heap, p, 1n);
    expect(isSearch(heap, p, ...split(100000n))).toBe(-2);
    expect(isSearch(heap, p, ...split(-100000n))).toBe(-1);
    expect(isWidth(heap, p)).toBe(2);
  });

  it('matches a JS model under random adds and removes (heap accounting included)', () => {
    const rnd = prng(42);
    const heap = newHeap(1 << 20);
    const base = heap.usedBytes();
    for (let round = 0; round < 20; round++) {
      let p = isNew(heap);
      const model = new Set<bigint>();
      const ranges = [100n, 40000n, 2n ** 33n, 2n ** 62n];
      for (let op = 0; op < 1500; op++) {
        // The range widens as the round goes on, so upgrades happen mid-stream.
        const r = ranges[Math.min(3, Math.floor((op / 1500) * 4 + rnd() * 0.8))];
        let v = BigInt(Math.floor(rnd() * 2 ** 30)) * BigInt(Math.floor(rnd() * 2 ** 30)) % (2n * r) - r;
        if (rnd() < 0.01) v = rnd() < 0.5 ? I64_MIN : I64_MAX;
        if (rnd() < 0.6) {
          p = add(heap, p, v);
          expect(IS.isAdded).toBe(!model.has(v));
          model.add(v);
        } else {
          const pick = rnd() < 0.7 && model.size ? [...model][Math.floor(rnd() * model.size)] : v;
          p = isRemove(heap, p, ...split(pick));
          expect(IS.isRemoved).toBe(model.has(pick));
          model.delete(pick);
        }
        if (op % 100 === 0) {
          const sorted = [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(values(heap, p)).toEqual(sorted);
          const maxAbs = sorted.reduce((m, x) => (x < 0n ? (-x > m ? -x : m) : x > m ? x : m), 0n);
          expect(isWidth(heap, p)).toBeGreaterThanOrEqual(maxAbs > 2n ** 31n ? 8 : maxAbs > 32768n ? 4 : 2);
        }
      }
      const sorted = [...model].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(values(heap, p)).toEqual(sorted);
      const q = isCopy(heap, p, heap);
      expect(values(heap, q)).toEqual(sorted);
      expect(isBytes(heap, q)).toBe(isBytes(heap, p));
      isFree(heap, p);
      isFree(heap, q);
    }
    expect(heap.usedBytes()).toBe(base);
  });

  it('copies across heaps', () => {
    const a = newHeap(), b = newHeap();
    let p = isNew(a);
    for (const v of [3n, -(2n ** 50n), 9n]) p = add(a, p, v);
    const q = isCopy(a, p, b);
    expect(values(b, q)).toEqual([-(2n ** 50n), 3n, 9n]);
  });
});

describe('int64 text', () => {
  const bytes = (s: string) => Buffer.from(s, 'latin1');
  const parse = (s: string): bigint | null => (parseI64(bytes(s), 0, s.length) ? join(iv.hi, iv.lo) : null);

  it('parses like string2ll', () => {
    expect(parse('0')).toBe(0n);
    expect(parse('-1')).toBe(-1n);
    expect(parse('123456789012345')).toBe(123456789012345n);
    expect(parse('9223372036854775807')).toBe(I64_MAX);
    expect(parse('-9223372036854775808')).toBe(I64_MIN);
    for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '9223372036854775808', '-9223372036854775809', 'abc', '1e3', '00']) {
      expect(parse(bad)).toBe(null);
    }
  });

  it('formats and counts digits like ll2string / sdigits10', () => {
    const out = new Uint8Array(24);
    const rnd = prng(7);
    const cases = [0n, 1n, -1n, 9n, 10n, -10n, I64_MAX, I64_MIN, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 32n, -(2n ** 32n)];
    for (let i = 0; i < 500; i++) cases.push(BigInt.asIntN(64, BigInt(Math.floor(rnd() * 2 ** 32)) * BigInt(Math.floor(rnd() * 2 ** 32)) * (rnd() < 0.5 ? -1n : 1n)));
    for (const v of cases) {
      const [hi, lo] = split(v);
      const n = formatI64(hi, lo, out, 0);
      expect(Buffer.from(out.subarray(0, n)).toString('latin1')).toBe(v.toString());
      expect(digitsI64(hi, lo)).toBe(v.toString().length);
      expect(parse(v.toString())).toBe(v);
    }
  });

  it('widthFor picks the smallest width', () => {
    expect(widthFor(...split(32767n))).toBe(2);
    expect(widthFor(...split(-32768n))).toBe(2);
    expect(widthFor(...split(32768n))).toBe(4);
    expect(widthFor(...split(-(2n ** 31n)))).toBe(4);
    expect(widthFor(...split(2n ** 31n))).toBe(8);
  });
});
