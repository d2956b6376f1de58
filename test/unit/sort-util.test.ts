/**
 * SORT's helpers (src/commands/families/sort-util.ts): the radix key sort must give exactly
 * the order of a stable sort by the full comparison, the partial quicksort must get its range
 * right, and sortScore (sort-strtod.ts) must read numbers like strtod. Randomized against plain JS models.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesCompare, cstrCompare, doubleKeys, keySort, partialSort, prefixKeys, type IndexCompare,
} from '../../src/commands/families/sort-util.js';
import { sortScore } from '../../src/commands/families/sort-strtod.js';

let seed = 4242;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];

/** Random byte strings with shared prefixes, NULs and duplicates, packed into one buffer. */
function strings(n: number): { u8: Uint8Array; offs: Int32Array; lens: Int32Array } {
  const prefixes = ['', 'a', 'user:00000000000000:', 'x\0', 'abcdefghijklmnopq'];
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const len = Math.floor(rnd() * 6);
    const tail = Buffer.alloc(len);
    for (let k = 0; k < len; k++) tail[k] = pick([0, 1, 97, 98, 200, 255]);
    parts.push(Buffer.concat([Buffer.from(pick(prefixes), 'latin1'), tail]));
  }
  const u8 = new Uint8Array(Buffer.concat(parts));
  const offs = new Int32Array(n), lens = new Int32Array(n);
  let o = 0;
  parts.forEach((p, i) => {
    offs[i] = o;
    lens[i] = p.length;
    o += p.length;
  });
  return { u8, offs, lens };
}

function stableOrder(n: number, cmp: IndexCompare): number[] {
  return Array.from({ length: n }, (_, i) => i).sort(cmp);
}

describe('keySort', () => {
  it('numeric: (score, element bytes) like a stable sort, ASC and DESC', () => {
    for (let round = 0; round < 60; round++) {
      const n = 64 + Math.floor(rnd() * 400);
      const { u8, offs, lens } = strings(n);
      const scores = new Float64Array(n);
      for (let j = 0; j < n; j++) scores[j] = pick([0, -0, 1, -1, 1.5, Infinity, -Infinity, 5e-324, -1e300, rnd()]);
      for (const desc of [false, true]) {
        const sign = desc ? -1 : 1;
        const cmp: IndexCompare = (a, b) => {
          const x = scores[a], y = scores[b];
          return (x > y ? 1 : x < y ? -1 : bytesCompare(u8, offs[a], lens[a], offs[b], lens[b])) * sign;
        };
        const order = new Int32Array(n).map((_, i) => i);
        keySort(order, n, [...doubleKeys(scores, n, desc), ...prefixKeys(u8, offs, lens, n, false, desc, false, 4)], cmp);
        expect(Array.from(order)).toEqual(stableOrder(n, cmp));
      }
    }
  });

  it('alpha: C-string and byte compares, absent values first, ties in input order', () => {
    for (let round = 0; round < 60; round++) {
      const n = 64 + Math.floor(rnd() * 400);
      const { u8, offs, lens } = strings(n);
      const present = new Int32Array(offs);
      for (let j = 0; j < n; j++) if (rnd() < 0.2) present[j] = -1;
      for (const cstr of [true, false]) {
        for (const desc of [false, true]) {
          for (const absent of [false, true]) {
            const o = absent ? present : offs;
            const strCmp = cstr ? cstrCompare : bytesCompare;
            const sign = desc ? -1 : 1;
            const cmp: IndexCompare = (a, b) => {
              const ao = o[a], bo = o[b];
              const r = ao < 0 || bo < 0 ? (ao === bo ? 0 : ao < 0 ? -1 : 1) : strCmp(u8, ao, lens[a], bo, lens[b]);
              return r * sign;
            };
            const order = new Int32Array(n).map((_, i) => i);
            keySort(order, n, prefixKeys(u8, o, lens, n, cstr, desc, absent, 4), cmp);
            expect(Array.from(order)).toEqual(stableOrder(n, cmp));
          }
        }
      }
    }
  });
});

describe('partialSort', () => {
  it('puts what a full sort puts in positions lo..hi', () => {
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rnd() * 200);
      const vals = Array.from({ length: n }, () => Math.floor(rnd() * n * 2));
      // Total order (value, index): every sort agrees on each position.
      const cmp: IndexCompare = (a, b) => vals[a] - vals[b] || a - b;
      const lo = Math.floor(rnd() * n), hi = Math.min(n - 1, lo + Math.floor(rnd() * n));
      const order = new Int32Array(n).map((_, i) => i);
      partialSort(order, n, cmp, lo, hi);
      expect(Array.from(order).slice(lo, hi + 1)).toEqual(stableOrder(n, cmp).slice(lo, hi + 1));
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe('sortScore', () => {
  const score = (s: string) => {
    const b = Buffer.from(s, 'latin1');
    return sortScore(b, 0, b.length);
  };

  it('reads plain decimals exactly like Number()', () => {
    for (let i = 0; i < 5000; i++) {
      const intPart = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 18)));
      const frac = rnd() < 0.5 ? '' : '.' + String(Math.floor(rnd() * 1e9)).padStart(Math.floor(rnd() * 12), '0');
      const exp = rnd() < 0.3 ? `e${Math.floor(rnd() * 600) - 300}` : '';
      const s = (rnd() < 0.3 ? '-' : '') + intPart + frac + exp;
      const want = Number(s);
      const got = score(s);
      if (Math.abs(want) < 2.2250738585072014e-308 && want !== 0) expect(Number.isNaN(got)).toBe(true);
      else expect(Object.is(got, want) || (got === 0 && want === 0), s).toBe(true);
    }
  });

  it('hex floats, infinities, whitespace, trailing bytes', () => {
    expect(score('0x10')).toBe(16);
    expect(score('-0x1p4')).toBe(-16);
    expect(score('0x.8')).toBe(0.5);
    expect(score('0x1.8p1')).toBe(3);
    expect(score('0x1p-1074')).toBe(5e-324);
    expect(score('0x1.fffffffffffffp1023')).toBe(Number.MAX_VALUE);
    expect(score('0x1.fffffffffffff7p1023')).toBe(Number.MAX_VALUE);
    expect(score('0x1.00000000000008p-1022')).toBe(2.2250738585072014e-308);
    expect(score('-Infinity')).toBe(-Infinity);
    expect(score(' \t5')).toBe(5);
    expect(score('1\0junk')).toBe(1);
    expect(score('')).toBe(0);
    expect(score('\0x')).toBe(0);
    for (const bad of ['5 ', '0x', 'nan', '1e500', '1e-310', '0x1p1024', '0x1p-1075', 'inf x', '.', '-', ' ', '1e']) {
      expect(Number.isNaN(score(bad)), bad).toBe(true);
    }
  });
});
