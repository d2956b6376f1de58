import { describe, it, expect } from 'vitest';
import { Heap } from '../../src/sab/alloc.js';
import { Enc } from '../../src/sab/record.js';
import {
  SetVal, setAdd, setRemove, setHas, setSize, setForEach, setCreate, setMaybeConvert, setRandom, picked,
  setFree, setCopy, setConvert, setMaybeToIntset, setAfterRemovals, type SetLimits,
} from '../../src/types/set.js';
import { prng } from '../helpers/prng.js';

const newHeap = (bytes = 1 << 20) => new Heap(Heap.create(bytes));
const B = (s: string) => Buffer.from(s, 'latin1');
const lim = (i = 512, e = 128, v = 64): SetLimits => ({ setMaxIntsetEntries: i, setMaxListpackEntries: e, setMaxListpackValue: v });

function members(sv: SetVal): string[] {
  const out: string[] = [];
  setForEach(sv.heap, sv.vp, sv.enc, (b, off, len) => out.push(Buffer.from(b.subarray(off, off + len)).toString('latin1')));
  return out;
}
const add = (sv: SetVal, m: string, l: SetLimits) => setAdd(sv, B(m), 0, m.length, l);
const rem = (sv: SetVal, m: string) => setRemove(sv, B(m), 0, m.length);
const has = (sv: SetVal, m: string) => setHas(sv.heap, sv.vp, sv.enc, B(m), 0, m.length);
const create = (heap: Heap, first: string, hint: number, l: SetLimits) => setCreate(heap, B(first), 0, first.length, hint, l, new SetVal());

describe('set encodings (Redis 7.2 rules)', () => {
  it('creates by first member and size hint', () => {
    const heap = newHeap();
    expect(create(heap, '1', 1, lim()).enc).toBe(Enc.Intset);
    expect(create(heap, 'a', 1, lim()).enc).toBe(Enc.Listpack);
    expect(create(heap, '1', 513, lim()).enc).toBe(Enc.Hashtable);
    expect(create(heap, '1', 200, lim()).enc).toBe(Enc.Intset);
    expect(create(heap, 'a', 129, lim()).enc).toBe(Enc.Hashtable);
    expect(create(heap, '01', 1, lim()).enc).toBe(Enc.Listpack); // not a canonical integer
  });

  it('intset → hashtable past set-max-intset-entries', () => {
    const heap = newHeap(), l = lim(4, 128, 64);
    const sv = create(heap, '1', 1, l);
    for (let i = 0; i < 4; i++) add(sv, String(i), l);
    expect(sv.enc).toBe(Enc.Intset);
    add(sv, '4', l);
    expect(sv.enc).toBe(Enc.Hashtable);
    expect(members(sv).sort()).toEqual(['0', '1', '2', '3', '4']);
  });

  it('intset + string → listpack when it fits, else hashtable', () => {
    const heap = newHeap();
    let sv = create(heap, '1', 1, lim());
    add(sv, '-12345', lim());
    add(sv, 'x', lim());
    expect(sv.enc).toBe(Enc.Listpack);
    expect(members(sv)).toEqual(['-12345', 'x']);
    // the longest integer text (6 with the sign) must fit set-max-listpack-value
    sv = create(heap, '1', 1, lim(512, 128, 5));
    add(sv, '-12345', lim(512, 128, 5));
    add(sv, 'x', lim(512, 128, 5));
    expect(sv.enc).toBe(Enc.Hashtable);
    // too many integers for a listpack
    const l = lim(512, 3, 64);
    sv = create(heap, '1', 1, l);
    for (const m of ['1', '2', '3']) add(sv, m, l);
    add(sv, 'x', l);
    expect(sv.enc).toBe(Enc.Hashtable);
    sv = create(heap, '1', 1, l);
    for (const m of ['1', '2']) add(sv, m, l);
    add(sv, 'x', l);
    expect(sv.enc).toBe(Enc.Listpack);
  });

  it('listpack → hashtable past entries or value length; never back', () => {
    const heap = newHeap(), l = lim(512, 3, 4);
    const sv = create(heap, 'a', 1, l);
    for (const m of ['a', 'b', 'c']) add(sv, m, l);
    expect(sv.enc).toBe(Enc.Listpack);
    add(sv, 'd', l);
    expect(sv.enc).toBe(Enc.Hashtable);
    for (const m of ['a', 'b', 'c']) rem(sv, m);
    expect(sv.enc).toBe(Enc.Hashtable);
    const sv2 = create(heap, 'a', 1, l);
    add(sv2, 'abcd', l);
    expect(sv2.enc).toBe(Enc.Listpack);
    add(sv2, 'abcde', l);
    expect(sv2.enc).toBe(Enc.Hashtable);
  });

  it('converts up front for a big size hint', () => {
    const heap = newHeap(), l = lim(4, 3, 64);
    const sv = create(heap, 'a', 1, l);
    setMaybeConvert(sv, 3, l);
    expect(sv.enc).toBe(Enc.Listpack);
    setMaybeConvert(sv, 4, l);
    expect(sv.enc).toBe(Enc.Hashtable);
    const si = create(heap, '1', 1, l);
    setMaybeConvert(si, 5, l);
    expect(si.enc).toBe(Enc.Hashtable);
  });

  it('all-integer sets convert to an intset on request (SINTERSTORE)', () => {
    const heap = newHeap(), l = lim(512, 2, 64);
    const sv = create(heap, 'a', 1, l);
    for (const m of ['3', '1', '2']) add(sv, m, l);
    expect(sv.enc).toBe(Enc.Hashtable);
    setMaybeToIntset(sv, l);
    expect(sv.enc).toBe(Enc.Intset);
    expect(members(sv)).toEqual(['1', '2', '3']);
  });

  for (const [name, l] of [
    ['intset', lim(100000, 100000, 64)],
    ['listpack', lim(0, 100000, 1000)],
    ['hashtable', lim(0, 0, 0)],
    ['mixed thresholds', lim(40, 20, 8)],
  ] as [string, SetLimits][]) {
    it(`matches a JS Set model under random operations (${name})`, () => {
      const rnd = prng(name.length * 77);
      const heap = newHeap(1 << 16);
      const before = heap.usedBytes();
      for (let round = 0; round < 5; round++) {
        const model = new Set<string>();
        const intsOnly = name === 'intset';
        const gen = () => {
          const r = rnd();
          if (intsOnly || r < 0.5) return String(Math.floor(rnd() * 400) - 200);
          if (r < 0.55) return 'x'.repeat(Math.floor(rnd() * 20));
          return `m${Math.floor(rnd() * 400)}`;
        };
        const sv = create(heap, gen(), 1, l);
        for (let op = 0; op < 2000; op++) {
          const m = gen(), r = rnd();
          if (r < 0.55) {
            expect(add(sv, m, l)).toBe(!model.has(m));
            model.add(m);
          } else if (r < 0.85) {
            expect(rem(sv, m)).toBe(model.has(m));
            model.delete(m);
            setAfterRemovals(sv, 1);
          } else {
            expect(has(sv, m)).toBe(model.has(m));
          }
          if (op % 250 === 0) {
            expect(setSize(sv.heap, sv.vp, sv.enc)).toBe(model.size);
            expect(members(sv).sort()).toEqual([...model].sort());
            if (model.size > 0) {
              setRandom(sv.heap, sv.vp, sv.enc);
              expect(model.has(Buffer.from(picked.b.subarray(picked.off, picked.off + picked.len)).toString('latin1'))).toBe(true);
            }
          }
        }
        if (name === 'hashtable') expect(sv.enc).toBe(Enc.Hashtable);
        if (name === 'intset') expect(sv.enc).toBe(Enc.Intset);
        const other = newHeap();
        const cp = setCopy(heap, sv.vp, sv.enc, other);
        expect(members(new SetVal().at(other, cp, sv.enc)).sort()).toEqual([...model].sort());
        const cp2 = setCopy(heap, sv.vp, sv.enc, heap);
        expect(members(new SetVal().at(heap, cp2, sv.enc)).sort()).toEqual([...model].sort());
        setFree(heap, cp2, sv.enc);
        setFree(heap, sv.vp, sv.enc);
      }
      expect(heap.usedBytes()).toBe(before);
    });
  }

  it('intset → listpack → hashtable conversions keep every member and free the old blocks', () => {
    const heap = newHeap();
    const before = heap.usedBytes();
    const sv = create(heap, '1', 1, lim());
    for (let i = -50; i < 50; i++) add(sv, String(i * 1000), lim());
    setConvert(sv, Enc.Listpack, 100);
    expect(sv.enc).toBe(Enc.Listpack);
    setConvert(sv, Enc.Hashtable, 100);
    expect(sv.enc).toBe(Enc.Hashtable);
    expect(members(sv).map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => (i - 50) * 1000));
    setFree(heap, sv.vp, sv.enc);
    expect(heap.usedBytes()).toBe(before);
  });
});
