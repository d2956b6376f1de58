/**
 * Sorted-set "listpack" encoding: one listpack (sab/listpack.ts) entry per member, holding the
 * score and the member bytes together, entries sorted by (score, member).
 *
 *   listpack block p:  [header][entry 0][entry 1] ... [entry n-1]
 *   entry data (lpData .. + lpLen):
 *   ┌──────────────────────┬────────────────────────────┐
 *   │ score f64, 8 bytes LE│ member bytes (lpLen - 8)   │
 *   └──────────────────────┴────────────────────────────┘
 *
 * Invariants:
 * - Entries are in (score, member) order (member: memcmp, then shorter first); members unique;
 *   scores never NaN. lpCount = number of members, so index i = rank i.
 * - Positions (pos) are listpack positions of entries; they are invalidated by any mutation.
 * - Every mutating function returns the (possibly moved) block pointer: the caller stores it in
 *   the key record.
 * (Redis keeps member and score as two entries; one entry saves a header and a back length per
 * member and makes every insert and delete a single splice.)
 */
import type { Heap } from '../sab/alloc.js';
import {
  kLpHeader, lpCount, lpData, lpDelete, lpEnd, lpInsert, lpLen, lpNew, lpNext, lpPrev,
} from '../sab/listpack.js';
import { cmpBytes, lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty } from '../sab/skiplist.js';
import type { LexRange, ScoreRange } from '../sab/skiplist.js';

const scratch = new Float64Array(1);
const scratchU8 = new Uint8Array(scratch.buffer);
/** Entry staging buffer: score + member, grown on demand. */
let stage = new Uint8Array(256);

/** Score of the entry at pos. */
export function zlpScore(heap: Heap, p: number, pos: number): number {
  const u8 = heap.u8, a = lpData(heap, p, pos);
  for (let i = 0; i < 8; i++) scratchU8[i] = u8[a + i];
  return scratch[0];
}

/** Absolute byte offset in heap.u8 of the member bytes of the entry at pos. */
export function zlpMemberOff(heap: Heap, p: number, pos: number): number {
  return lpData(heap, p, pos) + 8;
}

export function zlpMemberLen(heap: Heap, p: number, pos: number): number {
  return lpLen(heap, p, pos) - 8;
}

export function zlpFirst(heap: Heap, p: number): number {
  return lpCount(heap, p) === 0 ? -1 : kLpHeader;
}

export function zlpNext(heap: Heap, p: number, pos: number): number {
  return lpNext(heap, p, pos);
}

export function zlpPrev(heap: Heap, p: number, pos: number): number {
  return lpPrev(heap, p, pos);
}

export function zlpLast(heap: Heap, p: number): number {
  return lpCount(heap, p) === 0 ? -1 : lpPrev(heap, p, lpEnd(heap, p));
}

/** Position of member b[off, off+len), or -1. */
export function zlpFind(heap: Heap, p: number, b: Uint8Array, off: number, len: number): number {
  const u8 = heap.u8;
  for (let pos = zlpFirst(heap, p); pos >= 0; pos = lpNext(heap, p, pos)) {
    if (lpLen(heap, p, pos) - 8 !== len) continue;
    const a = lpData(heap, p, pos) + 8;
    let i = 0;
    while (i < len && u8[a + i] === b[off + i]) i++;
    if (i === len) return pos;
  }
  return -1;
}

/** 0-based index of the entry at pos. */
export function zlpIndex(heap: Heap, p: number, pos: number): number {
  let i = 0;
  for (let q = kLpHeader; q !== pos; q = lpNext(heap, p, q)) i++;
  return i;
}

/** Insert a member known to be absent at its place. Returns the block pointer. */
export function zlpInsert(heap: Heap, p: number, score: number, b: Uint8Array, off: number, len: number): number {
  let pos = zlpFirst(heap, p);
  const u8 = heap.u8;
  for (; pos >= 0; pos = lpNext(heap, p, pos)) {
    const s = zlpScore(heap, p, pos);
    if (s > score) break;
    if (s === score && cmpBytes(u8, lpData(heap, p, pos) + 8, lpLen(heap, p, pos) - 8, b, off, len) > 0) break;
  }
  if (pos < 0) pos = lpEnd(heap, p);
  if (stage.length < len + 8) stage = new Uint8Array(Math.max(len + 8, stage.length * 2));
  // Redis keeps listpack scores as text with an integer fast path, which turns -0 into 0.
  scratch[0] = score === 0 ? 0 : score;
  stage.set(scratchU8, 0);
  for (let i = 0; i < len; i++) stage[8 + i] = b[off + i];
  return lpInsert(heap, p, pos, stage, 0, len + 8);
}

/** Append an entry (the caller keeps the order: used when building from sorted input). */
export function zlpAppend(heap: Heap, p: number, score: number, b: Uint8Array, off: number, len: number): number {
  if (stage.length < len + 8) stage = new Uint8Array(Math.max(len + 8, stage.length * 2));
  // Redis keeps listpack scores as text with an integer fast path, which turns -0 into 0.
  scratch[0] = score === 0 ? 0 : score;
  stage.set(scratchU8, 0);
  for (let i = 0; i < len; i++) stage[8 + i] = b[off + i];
  return lpInsert(heap, p, lpEnd(heap, p), stage, 0, len + 8);
}

export function zlpDelete(heap: Heap, p: number, pos: number, n = 1): number {
  return lpDelete(heap, p, pos, n);
}

export function zlpNew(heap: Heap, capBytes = 0): number {
  return lpNew(heap, capBytes);
}

export function zlpFirstInRange(heap: Heap, p: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return -1;
  for (let pos = zlpFirst(heap, p); pos >= 0; pos = lpNext(heap, p, pos)) {
    const s = zlpScore(heap, p, pos);
    if (scoreGteMin(s, r)) return scoreLteMax(s, r) ? pos : -1;
  }
  return -1;
}

export function zlpLastInRange(heap: Heap, p: number, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return -1;
  for (let pos = zlpLast(heap, p); pos >= 0; pos = lpPrev(heap, p, pos)) {
    const s = zlpScore(heap, p, pos);
    if (scoreLteMax(s, r)) return scoreGteMin(s, r) ? pos : -1;
  }
  return -1;
}

/** Redis's zzlIsInLexRange: not empty, last member ≥ min, first member ≤ max. */
function zlpInLexRange(heap: Heap, p: number, r: LexRange): boolean {
  if (lexRangeEmpty(r) || lpCount(heap, p) === 0) return false;
  const last = zlpLast(heap, p), u8 = heap.u8;
  if (!lexGteMin(u8, lpData(heap, p, last) + 8, lpLen(heap, p, last) - 8, r)) return false;
  return lexLteMax(u8, lpData(heap, p, kLpHeader) + 8, lpLen(heap, p, kLpHeader) - 8, r);
}

export function zlpFirstInLex(heap: Heap, p: number, r: LexRange): number {
  if (!zlpInLexRange(heap, p, r)) return -1;
  const u8 = heap.u8;
  for (let pos = zlpFirst(heap, p); pos >= 0; pos = lpNext(heap, p, pos)) {
    const a = lpData(heap, p, pos) + 8, l = lpLen(heap, p, pos) - 8;
    if (lexGteMin(u8, a, l, r)) return lexLteMax(u8, a, l, r) ? pos : -1;
  }
  return -1;
}

export function zlpLastInLex(heap: Heap, p: number, r: LexRange): number {
  if (!zlpInLexRange(heap, p, r)) return -1;
  const u8 = heap.u8;
  for (let pos = zlpLast(heap, p); pos >= 0; pos = lpPrev(heap, p, pos)) {
    const a = lpData(heap, p, pos) + 8, l = lpLen(heap, p, pos) - 8;
    if (lexLteMax(u8, a, l, r)) return lexGteMin(u8, a, l, r) ? pos : -1;
  }
  return -1;
}

/** Number of entries from pos on (following next) that satisfy `inRange`, up to the end. */
export function zlpRunLength(heap: Heap, p: number, pos: number, inRange: (pos: number) => boolean): number {
  let n = 0;
  for (let q = pos; q >= 0 && inRange(q); q = lpNext(heap, p, q)) n++;
  return n;
}
