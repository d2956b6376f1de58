import { describe, it, expect } from 'vitest';
import { Heap } from '../../src/sab/alloc.js';
import {
  Skiplist, cmpBytes, kMaxLevel, type LexRange, type ScoreRange,
} from '../../src/sab/skiplist.js';
import {
  deleteRangeByLex, deleteRangeByRank, deleteRangeByScore, firstInLex, firstInRange, lastInLex, lastInRange,
} from '../../src/sab/skiplist-range.js';
import { prng } from '../helpers/prng.js';

type Item = { m: string; s: number };

const enc = (m: string) => Buffer.from(m, 'latin1');
const cmpItem = (a: Item, b: Item) => {
  if (a.s !== b.s) return a.s < b.s ? -1 : 1;
  const x = enc(a.m), y = enc(b.m);
  return cmpBytes(x, 0, x.length, y, 0, y.length);
};

function newList(heapBytes = 1 << 20): Skiplist {
  const heap = new Heap(Heap.create(heapBytes));
  return new Skiplist(heap).at(Skiplist.create(heap));
}

function member(sl: Skiplist, n: number): string {
  const o = sl.memberOff(n);
  return Buffer.from(sl.heap.u8.subarray(o, o + sl.memberLen(n))).toString('latin1');
}

function add(sl: Skiplist, s: number, m: string): number {
  const b = enc(m);
  return sl.insert(s, b, 0, b.length);
}

function find(sl: Skiplist, m: string): number {
  const b = enc(m);
  return sl.find(b, 0, b.length);
}

/** Walk both directions and check order, spans, backward links, tail and the dict. */
function check(sl: Skiplist, model: Item[]): void {
  const sorted = [...model].sort(cmpItem);
  expect(sl.length()).toBe(sorted.length);
  expect(sl.dict.count()).toBe(sorted.length);
  const fwd: Item[] = [];
  const nodes: number[] = [];
  for (let n = sl.first(); n !== 0; n = sl.next(n)) {
    fwd.push({ m: member(sl, n), s: sl.score(n) });
    nodes.push(n);
  }
  expect(fwd).toEqual(sorted);
  const back: string[] = [];
  for (let n = sl.last(); n !== 0; n = sl.prev(n)) back.push(member(sl, n));
  expect(back).toEqual(sorted.map((x) => x.m).reverse());
  // Spans: at every level, span = distance in ranks to the forward node.
  const rankOf = new Map<number, number>(nodes.map((n, i) => [n, i + 1]));
  for (let lvl = 0; lvl < sl.level(); lvl++) {
    let x = 0, r = 0;
    for (;;) {
      const f = sl.forward(x, lvl);
      const span = sl.span(x, lvl);
      if (f === 0) break;
      expect(span).toBe(rankOf.get(f)! - r);
      r = rankOf.get(f)!;
      x = f;
    }
  }
  for (let lvl = sl.level(); lvl < kMaxLevel; lvl++) expect(sl.forward(0, lvl)).toBe(0);
  if (sorted.length > 0) expect(sl.forward(0, sl.level() - 1)).not.toBe(0);
  for (const it of sorted) expect(find(sl, it.m)).not.toBe(0);
}

describe('skiplist', () => {
  it('inserts, finds, ranks and deletes', () => {
    const sl = newList();
    const a = add(sl, 1, 'a'), b = add(sl, 1, 'b'), c = add(sl, 0, 'c');
    expect(sl.length()).toBe(3);
    expect(sl.rank(c)).toBe(1);
    expect(sl.rank(a)).toBe(2);
    expect(sl.rank(b)).toBe(3);
    expect(sl.byRank(2)).toBe(a);
    expect(sl.byRank(4)).toBe(0);
    expect(find(sl, 'b')).toBe(b);
    expect(find(sl, 'zz')).toBe(0);
    sl.updateScore(c, 2);
    expect(sl.rank(c)).toBe(3);
    expect(sl.last()).toBe(c);
    sl.delete(a);
    expect(find(sl, 'a')).toBe(0);
    check(sl, [{ m: 'b', s: 1 }, { m: 'c', s: 2 }]);
  });

  it('orders equal scores by bytes, shorter first, unsigned', () => {
    const sl = newList();
    for (const m of ['ab', 'a', '\xff', 'b', '', 'a\x00']) add(sl, 5, m);
    const out: string[] = [];
    for (let n = sl.first(); n !== 0; n = sl.next(n)) out.push(member(sl, n));
    expect(out).toEqual(['', 'a', 'a\x00', 'ab', 'b', '\xff']);
  });

  it('score ranges and lex ranges', () => {
    const sl = newList();
    for (let i = 0; i < 50; i++) add(sl, i, `m${String(i).padStart(2, '0')}`);
    const r: ScoreRange = { min: 10, max: 20, minex: true, maxex: false };
    expect(sl.score(firstInRange(sl, r))).toBe(11);
    expect(sl.score(lastInRange(sl, r))).toBe(20);
    expect(firstInRange(sl, { min: 60, max: 70, minex: false, maxex: false })).toBe(0);
    expect(lastInRange(sl, { min: -5, max: -1, minex: false, maxex: false })).toBe(0);
    expect(firstInRange(sl, { min: 5, max: 5, minex: true, maxex: false })).toBe(0);
    const lr: LexRange = { minKind: 2, min: enc('m05'), maxKind: 3, max: enc('m09') };
    expect(member(sl, firstInLex(sl, lr))).toBe('m05');
    expect(member(sl, lastInLex(sl, lr))).toBe('m08');
    expect(firstInLex(sl, { minKind: 1, min: enc(''), maxKind: 0, max: enc('') })).toBe(0);
    expect(deleteRangeByScore(sl, r)).toBe(10);
    expect(deleteRangeByLex(sl, lr)).toBe(4);
    expect(deleteRangeByRank(sl, 1, 3)).toBe(3);
    expect(sl.length()).toBe(33);
  });

  it('randomized against a sorted array model', () => {
    const rnd = prng(42);
    const sl = newList(1 << 16); // small heap: forces growth while views are held
    const model = new Map<string, number>();
    const items = () => [...model].map(([m, s]) => ({ m, s }));
    const pickScore = () => (rnd() < 0.3 ? Math.floor(rnd() * 5) : Math.floor(rnd() * 1000) / 7);
    for (let step = 0; step < 20000; step++) {
      const op = rnd();
      const m = `k${Math.floor(rnd() * 600)}${rnd() < 0.1 ? 'x'.repeat(Math.floor(rnd() * 40)) : ''}`;
      const n = find(sl, m);
      if (op < 0.45) {
        const s = pickScore();
        if (n === 0) add(sl, s, m);
        else sl.updateScore(n, s);
        model.set(m, s);
      } else if (op < 0.7) {
        if (n !== 0) {
          sl.delete(n);
          model.delete(m);
        } else expect(model.has(m)).toBe(false);
      } else if (op < 0.85) {
        if (n !== 0) {
          const sorted = items().sort(cmpItem);
          const r = sorted.findIndex((x) => x.m === m) + 1;
          expect(sl.rank(n)).toBe(r);
          expect(sl.byRank(r)).toBe(n);
          expect(sl.score(n)).toBe(model.get(m));
        }
      } else if (op < 0.9) {
        const a = pickScore(), b = pickScore();
        const r: ScoreRange = { min: Math.min(a, b), max: Math.max(a, b), minex: rnd() < 0.5, maxex: rnd() < 0.5 };
        const inR = (s: number) => (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
        const sorted = items().sort(cmpItem).filter((x) => inR(x.s));
        const f = firstInRange(sl, r), l = lastInRange(sl, r);
        if (sorted.length === 0) {
          expect(f).toBe(0);
          expect(l).toBe(0);
        } else {
          expect(member(sl, f)).toBe(sorted[0].m);
          expect(member(sl, l)).toBe(sorted[sorted.length - 1].m);
        }
        if (rnd() < 0.2) {
          expect(deleteRangeByScore(sl, r)).toBe(sorted.length);
          for (const x of sorted) model.delete(x.m);
        }
      } else if (op < 0.95) {
        const len = sl.length();
        if (len > 0) {
          const s = 1 + Math.floor(rnd() * len);
          const e = Math.min(len, s + Math.floor(rnd() * 20));
          const sorted = items().sort(cmpItem);
          expect(deleteRangeByRank(sl, s, e)).toBe(e - s + 1);
          for (const x of sorted.slice(s - 1, e)) model.delete(x.m);
        }
      } else {
        const a = `k${Math.floor(rnd() * 600)}`, b = `k${Math.floor(rnd() * 600)}`;
        const lo = a < b ? a : b, hi = a < b ? b : a;
        const lr: LexRange = { minKind: 2, min: enc(lo), maxKind: 3, max: enc(hi) };
        const sorted = items().sort(cmpItem).filter((x) => x.m >= lo && x.m < hi);
        // Lex ranges are only meaningful when all scores are equal; check the count only then.
        if (new Set(items().map((x) => x.s)).size <= 1) {
          expect(deleteRangeByLex(sl, lr)).toBe(sorted.length);
          for (const x of sorted) model.delete(x.m);
        }
      }
      if (step % 500 === 0) check(sl, items());
    }
    check(sl, items());
    const used = sl.heap.usedBytes();
    sl.destroy();
    expect(sl.heap.usedBytes()).toBeLessThan(used);
  });

  it('randomized lex ranges on equal scores', () => {
    const rnd = prng(7);
    const sl = newList();
    const model = new Set<string>();
    const word = () => String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 4) }, () => 97 + Math.floor(rnd() * 4)));
    const kinds = [0, 1, 2, 3];
    for (let step = 0; step < 4000; step++) {
      const m = word();
      if (rnd() < 0.6) {
        if (!model.has(m)) {
          add(sl, 0, m);
          model.add(m);
        }
        continue;
      }
      const lr: LexRange = {
        minKind: kinds[Math.floor(rnd() * 4)], min: enc(word()),
        maxKind: kinds[Math.floor(rnd() * 4)], max: enc(word()),
      };
      const ge = (x: string) => {
        if (lr.minKind === 0) return true;
        if (lr.minKind === 1) return false;
        const v = lr.min.toString('latin1');
        return lr.minKind === 2 ? x >= v : x > v;
      };
      const le = (x: string) => {
        if (lr.maxKind === 1) return true;
        if (lr.maxKind === 0) return false;
        const v = lr.max.toString('latin1');
        return lr.maxKind === 2 ? x <= v : x < v;
      };
      const inR = [...model].sort().filter((x) => ge(x) && le(x));
      const f = firstInLex(sl, lr), l = lastInLex(sl, lr);
      expect(f === 0 ? null : member(sl, f)).toBe(inR.length ? inR[0] : null);
      expect(l === 0 ? null : member(sl, l)).toBe(inR.length ? inR[inR.length - 1] : null);
      if (rnd() < 0.1) {
        expect(deleteRangeByLex(sl, lr)).toBe(inR.length);
        for (const x of inR) model.delete(x);
      }
    }
    check(sl, [...model].map((m) => ({ m, s: 0 })));
  });

  it('the dict shrinks incrementally under single deletes and keeps finding members', () => {
    const sl = newList();
    for (let i = 0; i < 5000; i++) add(sl, i, `k${i}`);
    const cap = sl.dict.capacity();
    let sawRehash = false, minCap = cap;
    for (let i = 0; i < 4900; i++) {
      sl.delete(find(sl, `k${i}`));
      sl.compact();
      if (sl.dict.isRehashing()) sawRehash = true;
      minCap = Math.min(minCap, sl.dict.capacity());
      if (i % 97 === 0) for (let j = i + 1; j < 5000; j += 13) expect(find(sl, `k${j}`)).not.toBe(0);
    }
    expect(sawRehash).toBe(true);
    for (let i = 0; i < 3000; i++) add(sl, -i, `n${i}`);
    for (let i = 4900; i < 5000; i++) expect(sl.score(find(sl, `k${i}`))).toBe(i);
    for (let i = 0; i < 3000; i++) expect(sl.score(find(sl, `n${i}`))).toBe(-i);
    expect(sl.length()).toBe(3100);
    expect(minCap).toBeLessThan(cap / 4);
  });

  it('destroy returns every block', () => {
    const heap = new Heap(Heap.create(1 << 20));
    const before = heap.usedBytes();
    const sl = new Skiplist(heap).at(Skiplist.create(heap));
    for (let i = 0; i < 3000; i++) add(sl, i % 17, `member-${i}`);
    for (let i = 0; i < 3000; i += 3) sl.delete(find(sl, `member-${i}`));
    sl.destroy();
    expect(heap.usedBytes()).toBe(before);
  });

  it('keeps a 16-byte member node in 48–64 bytes', () => {
    const heap = new Heap(Heap.create(1 << 24));
    const sl = new Skiplist(heap).at(Skiplist.create(heap));
    const before = heap.usedBytes();
    const N = 120000;
    for (let i = 0; i < N; i++) add(sl, i, `member:${String(i).padStart(9, '0')}`);
    const per = (heap.usedBytes() - before) / N;
    expect(per).toBeLessThan(80); // node ≈ 50 B + dict slots ≈ 16–21 B
  });
});
