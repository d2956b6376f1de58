/**
 * Range walks over a sorted-set skiplist (sab/skiplist.ts: same layout, no data of its own):
 * first/last node in a score or lex interval, and range deletes (Redis's zslFirstInRange,
 * zslLastInRange, zsl*InLexRange, zslDeleteRangeBy*). Guarded by the shard lock.
 */
import { Skiplist, kHdrUnit, kMemberByte, lv } from './skiplist.js';
import {
  lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty, type LexRange, type ScoreRange,
} from './zrange.js';

/** First node with score in range, or 0. */
export function firstInRange(sl: Skiplist, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  const u32 = sl.heap.u32, f64 = sl.heap.f64;
  const tail = u32[sl.root * 2 + 3];
  if (tail === 0 || !scoreGteMin(f64[tail + 1], r)) return 0;
  let x = sl.root + kHdrUnit;
  for (let i = u32[sl.root * 2 + 2] - 1; i >= 0; i--) {
    for (;;) {
      const f = u32[lv(x, i)];
      if (f === 0 || scoreGteMin(f64[f + 1], r)) break;
      x = f;
    }
  }
  x = u32[lv(x, 0)];
  return x !== 0 && scoreLteMax(f64[x + 1], r) ? x : 0;
}

/** Last node with score in range, or 0. */
export function lastInRange(sl: Skiplist, r: ScoreRange): number {
  if (scoreRangeEmpty(r)) return 0;
  const u32 = sl.heap.u32, f64 = sl.heap.f64;
  const head = sl.first();
  if (head === 0 || !scoreLteMax(f64[head + 1], r)) return 0;
  let x = sl.root + kHdrUnit;
  for (let i = u32[sl.root * 2 + 2] - 1; i >= 0; i--) {
    for (;;) {
      const f = u32[lv(x, i)];
      if (f === 0 || !scoreLteMax(f64[f + 1], r)) break;
      x = f;
    }
  }
  return x !== sl.root + kHdrUnit && scoreGteMin(f64[x + 1], r) ? x : 0;
}

/**
 * Redis's zslIsInLexRange: the range is not empty, the last member is ≥ min and the first
 * is ≤ max. (With mixed scores lex order is not list order, so these checks matter.)
 */
function inLexRange(sl: Skiplist, r: LexRange): boolean {
  if (lexRangeEmpty(r)) return false;
  const u32 = sl.heap.u32, u8 = sl.heap.u8;
  const tail = u32[sl.root * 2 + 3], head = sl.first();
  if (tail === 0 || !lexGteMin(u8, tail * 8 + kMemberByte, u32[tail * 2], r)) return false;
  return lexLteMax(u8, head * 8 + kMemberByte, u32[head * 2], r);
}

/** The first node not below min (no range checks; zslDeleteRangeByLex's walk), or 0. */
function seekLexMin(sl: Skiplist, r: LexRange): number {
  const u32 = sl.heap.u32, u8 = sl.heap.u8;
  let x = sl.root + kHdrUnit;
  for (let i = u32[sl.root * 2 + 2] - 1; i >= 0; i--) {
    for (;;) {
      const f = u32[lv(x, i)];
      if (f === 0 || lexGteMin(u8, f * 8 + kMemberByte, u32[f * 2], r)) break;
      x = f;
    }
  }
  return u32[lv(x, 0)];
}

export function firstInLex(sl: Skiplist, r: LexRange): number {
  if (!inLexRange(sl, r)) return 0;
  const x = seekLexMin(sl, r);
  const u32 = sl.heap.u32;
  return x !== 0 && lexLteMax(sl.heap.u8, x * 8 + kMemberByte, u32[x * 2], r) ? x : 0;
}

export function lastInLex(sl: Skiplist, r: LexRange): number {
  if (!inLexRange(sl, r)) return 0;
  const u32 = sl.heap.u32, u8 = sl.heap.u8;
  let x = sl.root + kHdrUnit;
  for (let i = u32[sl.root * 2 + 2] - 1; i >= 0; i--) {
    for (;;) {
      const f = u32[lv(x, i)];
      if (f === 0 || !lexLteMax(u8, f * 8 + kMemberByte, u32[f * 2], r)) break;
      x = f;
    }
  }
  return x !== sl.root + kHdrUnit && lexGteMin(u8, x * 8 + kMemberByte, u32[x * 2], r) ? x : 0;
}

/**
 * Delete the nodes from node `from` on (following level 0) while keep(node) says so, or
 * `count` nodes when keep is null. upd[] must hold the path to `from`. Returns how many.
 */
function deleteRun(sl: Skiplist, from: number, count: number, keep: ((n: number) => boolean) | null): number {
  let x = from, k = 0;
  while (x !== 0 && (keep === null ? k < count : keep(x))) {
    const next = sl.next(x);
    sl.unlink(x);
    sl.drop(x);
    k++;
    x = next;
  }
  sl.compact(true);
  return k;
}

/** Delete every node with a score in range; returns how many. */
export function deleteRangeByScore(sl: Skiplist, r: ScoreRange): number {
  const x = firstInRange(sl, r);
  if (x === 0) return 0;
  sl.pathTo(x);
  const f64 = sl.heap.f64;
  return deleteRun(sl, x, 0, (n) => scoreLteMax(f64[n + 1], r));
}

export function deleteRangeByLex(sl: Skiplist, r: LexRange): number {
  const x = seekLexMin(sl, r);
  if (x === 0 || !lexLteMax(sl.heap.u8, x * 8 + kMemberByte, sl.heap.u32[x * 2], r)) return 0;
  sl.pathTo(x);
  return deleteRun(sl, x, 0, (n) => lexLteMax(sl.heap.u8, n * 8 + kMemberByte, sl.heap.u32[n * 2], r));
}

/** Delete ranks start..end (1-based, inclusive, within 1..length); returns how many. */
export function deleteRangeByRank(sl: Skiplist, start: number, end: number): number {
  const x = sl.byRank(start);
  if (x === 0) return 0;
  sl.pathTo(x);
  return deleteRun(sl, x, end - start + 1, null);
}
