/**
 * Sorted-set values: the two encodings behind one API.
 *
 *   record (Enc.Listpack)  valPtr → listpack block, one entry per member (types/zset-lp.ts)
 *   record (Enc.Skiplist)  valPtr → skiplist root (sab/skiplist.ts): root + header node,
 *                                   nodes holding their members, Dict member → node
 *
 * Invariants:
 * - A zset key is never empty: whoever removes the last member deletes the key.
 * - Listpack → skiplist when a member would make the count exceed zset-max-listpack-entries
 *   or a member longer than zset-max-listpack-value is added (Redis 7.0 zsetAdd). A key is
 *   created as a skiplist when zset-max-listpack-entries is 0 or its first member is too long.
 *   Deletes never convert back; computed results (ZUNIONSTORE & co., ZRANGESTORE) are built in
 *   the encoding their size calls for (zsetBuild).
 * - Functions that change a value take the Shard and the record and store the (possibly
 *   moved) root back into the record.
 */
import type { Heap } from '../sab/alloc.js';
import { Enc } from '../sab/record.js';
import { hashBytes } from '../sab/hash.js';
import { lpCount, lpFree, lpSeek } from '../sab/listpack.js';
import { Skiplist, skiplistAt, type LexRange, type ScoreRange } from '../sab/skiplist.js';
import {
  deleteRangeByLex, deleteRangeByRank, deleteRangeByScore, firstInLex, firstInRange, lastInLex, lastInRange,
} from '../sab/skiplist-range.js';
import type { Shard } from '../shard/shard.js';
import {
  zlpAppend, zlpDelete, zlpFind, zlpFirst, zlpFirstInLex, zlpFirstInRange, zlpIndex, zlpInsert,
  zlpLast, zlpLastInLex, zlpLastInRange, zlpMemberLen, zlpMemberOff, zlpNew, zlpNext, zlpPrev,
  zlpRunLength, zlpScore,
} from './zset-lp.js';
import { lexLteMax, lexGteMin, scoreGteMin, scoreLteMax } from '../sab/skiplist.js';

export type { LexRange, ScoreRange };

/** Receives one member (bytes u8[off, off+len)) and its score. */
export type ZEmit = (u8: Uint8Array, off: number, len: number, score: number) => void;

// ZADD input flags and output flags (Redis's ZADD_IN_* / ZADD_OUT_*).
export const kZaddNX = 1, kZaddXX = 2, kZaddGT = 4, kZaddLT = 8, kZaddIncr = 16;
export const kZOutAdded = 1, kZOutUpdated = 2, kZOutNop = 4, kZOutNaN = 8;

/** Side results of the last call: the new score (zsetAdd), the score (zsetRank). */
export const zres = { score: 0 };

// ------------------------------------------------------------------ reading

export function zsetLength(heap: Heap, vp: number, enc: number): number {
  return enc === Enc.Listpack ? lpCount(heap, vp) : skiplistAt(heap, vp).length();
}

/** Score of a member, or NaN if absent. */
export function zsetScore(heap: Heap, vp: number, enc: number, b: Uint8Array, off: number, len: number): number {
  if (enc === Enc.Listpack) {
    const pos = zlpFind(heap, vp, b, off, len);
    return pos < 0 ? NaN : zlpScore(heap, vp, pos);
  }
  const sl = skiplistAt(heap, vp);
  const n = sl.find(b, off, len);
  return n === 0 ? NaN : sl.score(n);
}

/** 0-based rank (from the top when reverse) of a member, or -1; zres.score gets its score. */
export function zsetRank(heap: Heap, vp: number, enc: number, b: Uint8Array, off: number, len: number, reverse: boolean): number {
  const total = zsetLength(heap, vp, enc);
  let r: number;
  if (enc === Enc.Listpack) {
    const pos = zlpFind(heap, vp, b, off, len);
    if (pos < 0) return -1;
    zres.score = zlpScore(heap, vp, pos);
    r = zlpIndex(heap, vp, pos);
  } else {
    const sl = skiplistAt(heap, vp);
    const n = sl.find(b, off, len);
    if (n === 0) return -1;
    zres.score = sl.score(n);
    r = sl.rank(n) - 1;
  }
  return reverse ? total - 1 - r : r;
}

/**
 * A position in a zset value, moved along the order. One per command (a transient object);
 * it stays valid while the value is not changed.
 */
export class ZIter {
  readonly sl: Skiplist | null;
  /** Listpack entry position or skiplist node; -1 when off the end. */
  pos = -1;

  constructor(readonly heap: Heap, readonly vp: number, readonly enc: number) {
    this.sl = enc === Enc.Listpack ? null : new Skiplist(heap).at(vp);
  }

  private set(n: number): boolean {
    this.pos = this.sl !== null && n === 0 ? -1 : n;
    return this.pos >= 0;
  }

  /** Seek to 0-based rank i (from the bottom). */
  rank(i: number): boolean {
    if (this.sl === null) return this.set(lpSeek(this.heap, this.vp, i));
    return this.set(this.sl.byRank(i + 1));
  }

  first(): boolean {
    return this.set(this.sl === null ? zlpFirst(this.heap, this.vp) : this.sl.first());
  }

  last(): boolean {
    return this.set(this.sl === null ? zlpLast(this.heap, this.vp) : this.sl.last());
  }

  /** First (or with `last`, last) member in a score range. */
  inScore(r: ScoreRange, last: boolean): boolean {
    if (this.sl === null) return this.set(last ? zlpLastInRange(this.heap, this.vp, r) : zlpFirstInRange(this.heap, this.vp, r));
    return this.set(last ? lastInRange(this.sl, r) : firstInRange(this.sl, r));
  }

  inLex(r: LexRange, last: boolean): boolean {
    if (this.sl === null) return this.set(last ? zlpLastInLex(this.heap, this.vp, r) : zlpFirstInLex(this.heap, this.vp, r));
    return this.set(last ? lastInLex(this.sl, r) : firstInLex(this.sl, r));
  }

  next(): boolean {
    if (this.pos < 0) return false;
    return this.set(this.sl === null ? zlpNext(this.heap, this.vp, this.pos) : this.sl.next(this.pos));
  }

  prev(): boolean {
    if (this.pos < 0) return false;
    return this.set(this.sl === null ? zlpPrev(this.heap, this.vp, this.pos) : this.sl.prev(this.pos));
  }

  /** Step forward (or backward when reverse). */
  step(reverse: boolean): boolean {
    return reverse ? this.prev() : this.next();
  }

  score(): number {
    return this.sl === null ? zlpScore(this.heap, this.vp, this.pos) : this.heap.f64[this.pos + 1];
  }

  off(): number {
    return this.sl === null ? zlpMemberOff(this.heap, this.vp, this.pos) : this.sl.memberOff(this.pos);
  }

  len(): number {
    return this.sl === null ? zlpMemberLen(this.heap, this.vp, this.pos) : this.heap.u32[this.pos * 2];
  }

  /** 0-based rank of the current position (O(n) for a listpack, O(log n) for a skiplist). */
  index(): number {
    return this.sl === null ? zlpIndex(this.heap, this.vp, this.pos) : this.sl.rank(this.pos) - 1;
  }

  emit(fn: ZEmit): void {
    fn(this.heap.u8, this.off(), this.len(), this.score());
  }
}

/** Members with a score in range. */
export function zsetCount(heap: Heap, vp: number, enc: number, r: ScoreRange): number {
  const it = new ZIter(heap, vp, enc);
  if (!it.inScore(r, false)) return 0;
  if (enc === Enc.Listpack) return zlpRunLength(heap, vp, it.pos, (q) => scoreLteMax(zlpScore(heap, vp, q), r));
  const first = it.index();
  it.inScore(r, true);
  return it.index() - first + 1;
}

export function zsetLexCount(heap: Heap, vp: number, enc: number, r: LexRange): number {
  const it = new ZIter(heap, vp, enc);
  if (!it.inLex(r, false)) return 0;
  if (enc === Enc.Listpack) {
    return zlpRunLength(heap, vp, it.pos, (q) => lexLteMax(heap.u8, zlpMemberOff(heap, vp, q), zlpMemberLen(heap, vp, q), r));
  }
  const first = it.index();
  it.inLex(r, true);
  return it.index() - first + 1;
}

/** Call fn for every member, in order (or reverse order). */
export function zsetEach(heap: Heap, vp: number, enc: number, reverse: boolean, fn: ZEmit): void {
  const it = new ZIter(heap, vp, enc);
  for (let ok = reverse ? it.last() : it.first(); ok; ok = it.step(reverse)) it.emit(fn);
}

/** A random member (the value must not be empty). */
export function zsetRandom(heap: Heap, vp: number, enc: number, fn: ZEmit): void {
  if (enc === Enc.Listpack) {
    const pos = lpSeek(heap, vp, Math.floor(Math.random() * lpCount(heap, vp)));
    fn(heap.u8, zlpMemberOff(heap, vp, pos), zlpMemberLen(heap, vp, pos), zlpScore(heap, vp, pos));
    return;
  }
  const sl = skiplistAt(heap, vp);
  const n = sl.dict.random();
  fn(heap.u8, sl.memberOff(n), sl.memberLen(n), sl.score(n));
}

// ------------------------------------------------------------------ creating and changing

/** Root of a new empty value in encoding enc. */
export function zsetNew(heap: Heap, enc: number, expect = 0): number {
  return enc === Enc.Listpack ? zlpNew(heap) : Skiplist.create(heap, expect);
}

/** Encoding of a zset created by ZADD/ZINCRBY for a first member of `len` bytes (Redis 7.0). */
export function zsetEncodingForNew(len: number, maxEntries: number, maxValue: number): number {
  return maxEntries === 0 || maxValue < len ? Enc.Skiplist : Enc.Listpack;
}

/** Convert a listpack value to a skiplist in place (the record gets the new root). */
export function zsetToSkiplist(s: Shard, rec: number): void {
  const heap = s.heap, lp = s.valuePtr(rec);
  const root = Skiplist.create(heap, lpCount(heap, lp));
  const sl = new Skiplist(heap).at(root);
  // From the top down: each insert lands at the head, O(1).
  for (let pos = zlpLast(heap, lp); pos >= 0; pos = zlpPrev(heap, lp, pos)) {
    sl.insert(zlpScore(heap, lp, pos), heap.u8, zlpMemberOff(heap, lp, pos), zlpMemberLen(heap, lp, pos));
  }
  lpFree(heap, lp);
  s.setValue(rec, root, Enc.Skiplist);
}

/**
 * Add or update a member (Redis's zsetAdd): returns kZOut* flags; zres.score is the resulting
 * score unless the result is NOP or NaN. May convert the value to a skiplist.
 */
export function zsetAdd(
  s: Shard, rec: number, score: number, b: Uint8Array, off: number, len: number, flags: number,
  maxEntries: number, maxValue: number,
): number {
  if (Number.isNaN(score)) return kZOutNaN;
  const heap = s.heap;
  if (s.encoding(rec) === Enc.Listpack) {
    let vp = s.valuePtr(rec);
    const pos = zlpFind(heap, vp, b, off, len);
    if (pos >= 0) {
      if (flags & kZaddNX) return kZOutNop;
      const cur = zlpScore(heap, vp, pos);
      if (flags & kZaddIncr) {
        score += cur;
        if (Number.isNaN(score)) return kZOutNaN;
      }
      if (((flags & kZaddLT) && score >= cur) || ((flags & kZaddGT) && score <= cur)) return kZOutNop;
      zres.score = score;
      if (score === cur) return 0;
      vp = zlpDelete(heap, vp, pos);
      vp = zlpInsert(heap, vp, score, b, off, len);
      s.setValue(rec, vp, Enc.Listpack);
      return kZOutUpdated;
    }
    if (flags & kZaddXX) return kZOutNop;
    if (lpCount(heap, vp) + 1 <= maxEntries && len <= maxValue) {
      vp = zlpInsert(heap, vp, score, b, off, len);
      s.setValue(rec, vp, Enc.Listpack);
      zres.score = score;
      return kZOutAdded;
    }
    zsetToSkiplist(s, rec);
  }
  const sl = skiplistAt(heap, s.valuePtr(rec));
  const n = sl.find(b, off, len);
  if (n !== 0) {
    if (flags & kZaddNX) return kZOutNop;
    const cur = sl.score(n);
    if (flags & kZaddIncr) {
      score += cur;
      if (Number.isNaN(score)) return kZOutNaN;
    }
    if (((flags & kZaddLT) && score >= cur) || ((flags & kZaddGT) && score <= cur)) return kZOutNop;
    zres.score = score;
    if (score === cur) return 0;
    sl.updateScore(n, score);
    return kZOutUpdated;
  }
  if (flags & kZaddXX) return kZOutNop;
  sl.insert(score, b, off, len);
  zres.score = score;
  return kZOutAdded;
}

/** Remove a member; true if it was there. The caller deletes the key when it gets empty. */
export function zsetDel(s: Shard, rec: number, b: Uint8Array, off: number, len: number): boolean {
  const heap = s.heap;
  if (s.encoding(rec) === Enc.Listpack) {
    const vp = s.valuePtr(rec);
    const pos = zlpFind(heap, vp, b, off, len);
    if (pos < 0) return false;
    s.setValue(rec, zlpDelete(heap, vp, pos), Enc.Listpack);
    return true;
  }
  const sl = skiplistAt(heap, s.valuePtr(rec));
  const n = sl.find(b, off, len);
  if (n === 0) return false;
  sl.delete(n);
  sl.compact();
  return true;
}

/** Delete ranks start..end (0-based, inclusive, already clamped to the value). */
export function zsetRemRangeByRank(s: Shard, rec: number, start: number, end: number): number {
  const heap = s.heap, vp = s.valuePtr(rec);
  if (s.encoding(rec) === Enc.Listpack) {
    s.setValue(rec, zlpDelete(heap, vp, lpSeek(heap, vp, start), end - start + 1), Enc.Listpack);
    return end - start + 1;
  }
  return deleteRangeByRank(skiplistAt(heap, vp), start + 1, end + 1);
}

export function zsetRemRangeByScore(s: Shard, rec: number, r: ScoreRange): number {
  const heap = s.heap, vp = s.valuePtr(rec);
  if (s.encoding(rec) === Enc.Listpack) {
    const pos = zlpFirstInRange(heap, vp, r);
    if (pos < 0) return 0;
    const n = zlpRunLength(heap, vp, pos, (q) => scoreLteMax(zlpScore(heap, vp, q), r));
    s.setValue(rec, zlpDelete(heap, vp, pos, n), Enc.Listpack);
    return n;
  }
  return deleteRangeByScore(skiplistAt(heap, vp), r);
}

export function zsetRemRangeByLex(s: Shard, rec: number, r: LexRange): number {
  const heap = s.heap, vp = s.valuePtr(rec);
  if (s.encoding(rec) === Enc.Listpack) {
    const pos = zlpFirstInLex(heap, vp, r);
    if (pos < 0) return 0;
    const n = zlpRunLength(heap, vp, pos, (q) => lexLteMax(heap.u8, zlpMemberOff(heap, vp, q), zlpMemberLen(heap, vp, q), r));
    s.setValue(rec, zlpDelete(heap, vp, pos, n), Enc.Listpack);
    return n;
  }
  return deleteRangeByLex(skiplistAt(heap, vp), r);
}

/**
 * Delete key record `rec` of db `db` (a zset that became empty). Finds its table slot again
 * from the key bytes, so any lookup may have happened in between.
 */
export function deleteZsetKey(s: Shard, db: number, rec: number): void {
  const u8 = s.heap.u8, ko = s.keyOffset(rec), kl = s.keyLen(rec);
  if (s.tables[db].find(u8, ko, kl, hashBytes(u8, ko, kl)) !== rec) throw new Error('zset key record not in its table');
  s.deleteFound(db, rec);
}

/**
 * Pop up to `count` members from the low end (or the high end when max) of the zset in record
 * `rec` of db `db`: emit(member, score) for each, lowest (highest) first, then remove them and
 * delete the key if it became empty. Returns how many were popped. Used by ZPOPMIN/ZPOPMAX,
 * ZMPOP and the blocking pops.
 */
export function zsetPop(s: Shard, db: number, rec: number, max: boolean, count: number, emit: ZEmit): number {
  const heap = s.heap, enc = s.encoding(rec), vp = s.valuePtr(rec);
  const len = zsetLength(heap, vp, enc);
  const n = count < len ? count : len;
  if (n <= 0) return 0;
  if (enc === Enc.Listpack) {
    let pos = max ? zlpLast(heap, vp) : zlpFirst(heap, vp);
    for (let k = 0; k < n; k++) {
      emit(heap.u8, zlpMemberOff(heap, vp, pos), zlpMemberLen(heap, vp, pos), zlpScore(heap, vp, pos));
      if (k < n - 1) pos = max ? zlpPrev(heap, vp, pos) : zlpNext(heap, vp, pos);
    }
    if (n === len) {
      deleteZsetKey(s, db, rec);
      return n;
    }
    s.setValue(rec, zlpDelete(heap, vp, max ? pos : zlpFirst(heap, vp), n), Enc.Listpack);
    return n;
  }
  const sl = skiplistAt(heap, vp);
  for (let k = 0; k < n; k++) {
    const node = max ? sl.last() : sl.first();
    emit(heap.u8, sl.memberOff(node), sl.memberLen(node), sl.score(node));
    sl.delete(node);
  }
  if (n === len) deleteZsetKey(s, db, rec);
  else sl.compact(n > 64);
  return n;
}

export { ZBuilder, zsetValueOps } from './zset-build.js';

export { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax };
