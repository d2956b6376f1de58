import { describe, it, expect } from 'vitest';
import { Heap } from '../../src/sab/alloc.js';
import {
  kLpHeader, lpAppend, lpBytes, lpCopy, lpCount, lpData, lpDelete, lpEnd, lpEntrySize, lpEq, lpFind, lpFirst,
  lpFree, lpInsert, lpLast, lpLen, lpNew, lpNext, lpPrepend, lpPrev, lpReplace, lpSeek,
} from '../../src/sab/listpack.js';
import { prng } from '../helpers/prng.js';

const newHeap = (bytes = 1 << 16) => new Heap(Heap.create(bytes));

function read(heap: Heap, p: number, pos: number): Buffer {
  const o = lpData(heap, p, pos);
  return Buffer.from(heap.u8.subarray(o, o + lpLen(heap, p, pos)));
}

/** Every entry, read forwards and backwards (both directions must agree). */
function entries(heap: Heap, p: number): Buffer[] {
  const fwd: Buffer[] = [];
  for (let pos = lpFirst(heap, p); pos !== -1; pos = lpNext(heap, p, pos)) fwd.push(read(heap, p, pos));
  const back: Buffer[] = [];
  for (let pos = lpLast(heap, p); pos !== -1; pos = lpPrev(heap, p, pos)) back.unshift(read(heap, p, pos));
  expect(back).toEqual(fwd);
  expect(lpCount(heap, p)).toBe(fwd.length);
  return fwd;
}

describe('listpack', () => {
  it('starts empty', () => {
    const heap = newHeap();
    const p = lpNew(heap);
    expect(lpCount(heap, p)).toBe(0);
    expect(lpBytes(heap, p)).toBe(kLpHeader);
    expect(lpFirst(heap, p)).toBe(-1);
    expect(lpLast(heap, p)).toBe(-1);
    expect(lpSeek(heap, p, 0)).toBe(-1);
    lpFree(heap, p);
  });

  it('sizes entries with 1-, 2- and 5-byte headers and growing back lengths', () => {
    // Redis's string entry sizes: 1-byte header below 64 bytes, 2 below 4096, then 5.
    expect(lpEntrySize(0)).toBe(2);
    expect(lpEntrySize(3)).toBe(5);
    expect(lpEntrySize(63)).toBe(65);
    expect(lpEntrySize(64)).toBe(67);
    expect(lpEntrySize(100)).toBe(103);
    expect(lpEntrySize(126)).toBe(128 + 2); // t = 128 needs a 2-byte back length
    expect(lpEntrySize(4095)).toBe(4095 + 2 + 2);
    expect(lpEntrySize(20000)).toBe(20000 + 5 + 3);
  });

  it('round-trips entries of every header size, both directions', () => {
    const heap = newHeap(1 << 20);
    let p = lpNew(heap);
    const vals = [0, 1, 63, 64, 126, 127, 128, 4095, 4096, 16383, 16384, 70000].map((n) => Buffer.alloc(n, n % 251));
    for (const v of vals) p = lpAppend(heap, p, v, 0, v.length);
    expect(entries(heap, p)).toEqual(vals);
    for (let i = 0; i < vals.length; i++) {
      expect(read(heap, p, lpSeek(heap, p, i))).toEqual(vals[i]);
      expect(read(heap, p, lpSeek(heap, p, i - vals.length))).toEqual(vals[i]);
    }
    expect(lpEnd(heap, p)).toBe(lpBytes(heap, p));
  }, 60_000);

  it('finds entries with a stride (hash fields) and compares bytes', () => {
    const heap = newHeap();
    let p = lpNew(heap);
    for (const s of ['f1', 'v1', 'f2', 'f1', 'f3', 'v3']) p = lpAppend(heap, p, Buffer.from(s), 0, s.length);
    const f1 = Buffer.from('f1');
    expect(lpFind(heap, p, f1, 0, 2, 2)).toBe(kLpHeader);
    const f2pos = lpFind(heap, p, Buffer.from('f2'), 0, 2, 2);
    expect(read(heap, p, f2pos).toString()).toBe('f2');
    expect(lpFind(heap, p, Buffer.from('v1'), 0, 2, 2)).toBe(-1); // values are skipped
    expect(lpFind(heap, p, Buffer.from('v1'), 0, 2, 1)).not.toBe(-1);
    expect(lpEq(heap, p, f2pos, Buffer.from('f2'), 0, 2)).toBe(true);
    expect(lpEq(heap, p, f2pos, Buffer.from('f'), 0, 1)).toBe(false);
  });

  it('matches an array model under random inserts, replaces and deletes, across reallocations', () => {
    const rnd = prng(42);
    const heap = newHeap(1 << 16);
    const other = newHeap(1 << 16);
    let p = lpNew(heap);
    let model: Buffer[] = [];
    const randVal = () => {
      const r = rnd();
      const n = r < 0.7 ? Math.floor(rnd() * 20) : r < 0.98 ? 100 + Math.floor(rnd() * 200) : 16000 + Math.floor(rnd() * 800);
      return Buffer.alloc(n, Math.floor(rnd() * 256));
    };
    for (let step = 0; step < 2500; step++) {
      const op = rnd();
      const n = model.length;
      if (op < 0.35 || n === 0) {
        const v = randVal();
        const i = Math.floor(rnd() * (n + 1));
        const pos = i === n ? lpEnd(heap, p) : lpSeek(heap, p, i);
        p = lpInsert(heap, p, pos, v, 0, v.length);
        model.splice(i, 0, v);
      } else if (op < 0.45) {
        const v = randVal();
        if (rnd() < 0.5) {
          p = lpPrepend(heap, p, v, 0, v.length);
          model.unshift(v);
        } else {
          p = lpAppend(heap, p, v, 0, v.length);
          model.push(v);
        }
      } else if (op < 0.65) {
        const v = randVal();
        const i = Math.floor(rnd() * n);
        p = lpReplace(heap, p, lpSeek(heap, p, i), v, 0, v.length);
        model[i] = v;
      } else {
        const i = Math.floor(rnd() * n);
        const k = 1 + Math.floor(rnd() * 3);
        p = lpDelete(heap, p, lpSeek(heap, p, i), k);
        model.splice(i, k);
      }
      expect(lpCount(heap, p)).toBe(model.length);
      if (step % 50 === 0) {
        expect(entries(heap, p)).toEqual(model);
        const q = lpCopy(heap, p, other);
        expect(entries(other, q)).toEqual(model);
        lpFree(other, q);
      }
      if (model.length > 60) {
        p = lpDelete(heap, p, lpFirst(heap, p), 40);
        model = model.slice(40);
      }
    }
    expect(entries(heap, p)).toEqual(model);
    lpFree(heap, p);
  }, 60_000);

  it('keeps a reserved capacity across appends, and frees every byte it allocates', () => {
    const heap = newHeap();
    const before = heap.usedBytes();
    const reserved = lpNew(heap, 1000);
    const r2 = lpAppend(heap, reserved, Buffer.from('x'), 0, 1);
    expect(r2).toBe(reserved); // no reallocation: the reservation is kept
    lpFree(heap, r2);
    let p = lpNew(heap);
    for (let i = 0; i < 500; i++) p = lpAppend(heap, p, Buffer.from(`v${i}`), 0, `v${i}`.length);
    p = lpDelete(heap, p, lpFirst(heap, p), 450);
    lpFree(heap, p);
    expect(heap.usedBytes()).toBe(before);
  });
});
