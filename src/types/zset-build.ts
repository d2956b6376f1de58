/**
 * Sorted-set values built whole: results of ZUNIONSTORE & co. and ZRANGESTORE (ZBuilder), and
 * the ValueOps (free, copy across heaps) the keyspace uses for DEL, COPY, RENAME, MOVE, FLUSH.
 * Layouts: types/zset-lp.ts (listpack) and sab/skiplist.ts (skiplist).
 */
import type { Heap } from '../sab/alloc.js';
import { Enc } from '../sab/record.js';
import { lpCopy, lpFree } from '../sab/listpack.js';
import { Skiplist, cmpBytes } from '../sab/skiplist.js';
import type { ValueOps } from './value-ops.js';
import { zlpAppend, zlpNew } from './zset-lp.js';

/**
 * Members and scores gathered by a command (ZUNIONSTORE, ZRANGESTORE, ...), turned into a
 * value by build(). Transient JS arrays, only while the command runs.
 */
export class ZBuilder {
  readonly members: Uint8Array[] = [];
  readonly scores: number[] = [];
  maxLen = 0;
  /**
   * ZRANGESTORE's path (listpackFirst given): Redis adds the members one by one to a new
   * listpack (unless the count is known to be too big), converting when it outgrows the
   * limits; members added while it was still a listpack went through its text form, which
   * turns -0 into 0.
   */
  private lpPhase: boolean;

  constructor(private readonly listpackFirst: { maxEntries: number; maxValue: number } | null = null) {
    this.lpPhase = listpackFirst !== null;
  }

  /** The result is known to outgrow a listpack: Redis starts it as a skiplist (rank ranges). */
  startAsSkiplist(): void {
    this.lpPhase = false;
  }

  add(b: Uint8Array, off: number, len: number, score: number): void {
    if (this.lpPhase) {
      const lim = this.listpackFirst!;
      if (this.members.length + 1 > lim.maxEntries || len > lim.maxValue) this.lpPhase = false;
      else if (score === 0) score = 0;
    }
    this.members.push(b.slice(off, off + len));
    this.scores.push(score);
    if (len > this.maxLen) this.maxLen = len;
  }

  get length(): number {
    return this.members.length;
  }

  /** Indices in (score, member) order. */
  order(): number[] {
    const m = this.members, sc = this.scores;
    const idx = Array.from({ length: m.length }, (_, i) => i);
    idx.sort((a, b) => (sc[a] !== sc[b] ? (sc[a] < sc[b] ? -1 : 1) : cmpBytes(m[a], 0, m[a].length, m[b], 0, m[b].length)));
    return idx;
  }

  /**
   * Build the value in `heap` (members must be unique): a listpack when the count and the
   * longest member are within the limits, else a skiplist. Returns [root, encoding].
   */
  build(heap: Heap, maxEntries: number, maxValue: number): [number, number] {
    const idx = this.order(), m = this.members, sc = this.scores;
    if (m.length <= maxEntries && this.maxLen <= maxValue) {
      let bytes = 16;
      for (const x of m) bytes += x.length + 14;
      let p = zlpNew(heap, bytes);
      for (const i of idx) p = zlpAppend(heap, p, sc[i], m[i], 0, m[i].length);
      return [p, Enc.Listpack];
    }
    const root = Skiplist.create(heap, m.length);
    const sl = new Skiplist(heap).at(root);
    for (let k = idx.length - 1; k >= 0; k--) sl.insert(sc[idx[k]], m[idx[k]], 0, m[idx[k]].length);
    return [root, Enc.Skiplist];
  }
}

// ------------------------------------------------------------------ value ops

function copyValue(src: Heap, vp: number, enc: number, dst: Heap): number {
  if (enc === Enc.Listpack) return lpCopy(src, vp, dst);
  const from = new Skiplist(src).at(vp);
  const root = Skiplist.create(dst, from.length());
  const to = new Skiplist(dst).at(root);
  // From the top down: each insert lands at the head. Source bytes stay valid when dst grows
  // (a growable SharedArrayBuffer never moves); fetch src.u8 per member all the same.
  for (let n = from.last(); n !== 0; n = from.prev(n)) to.insert(from.score(n), src.u8, from.memberOff(n), from.memberLen(n));
  return root;
}

export const zsetValueOps: ValueOps = {
  free(heap, vp, enc) {
    if (enc === Enc.Listpack) lpFree(heap, vp);
    else new Skiplist(heap).at(vp).destroy();
  },
  copy: copyValue,
};

