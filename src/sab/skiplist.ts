/**
 * Sorted-set "skiplist" encoding: a skiplist with spans (rank in O(log n)) over nodes that
 * hold their member bytes, plus a Dict (hashtable.ts) member → node whose entries ARE the
 * nodes (no separate dict entry, no separate member string).
 *
 *   root block (kRootBytes), units ptr r, u32 word w = r*2; header node h = r + 2 + kMaxLevel
 *   ┌──────────┬──────────┬──────────┬──────────┬─────────────────────────────┬──────────────────┐
 *   │ dict hdr │ length   │ level    │ tail     │ header levels 31 .. 0       │ header node      │
 *   │ w+0      │ w+1      │ w+2      │ w+3      │ [forward, span] u32 each    │ fields (len 0)   │
 *   └──────────┴──────────┴──────────┴──────────┴─────────────────────────────┴──────────────────┘
 *
 *   node block (nodeBytes(len, L) bytes, starting at unit n - L); node ptr n, u32 word v = n*2
 *   ┌─────────────────────────────────┬──────────┬──────────┬───────────────┬──────────┬──────────────┐
 *   │ level L-1 .. level 0            │ len u32  │ L (u32)  │ score f64     │ backward │ member bytes │
 *   │ [forward, span] u32, 8 B each   │ v+0      │ v+1      │ f64[n+1], b+8 │ v+4      │ b+20 ...     │
 *   └─────────────────────────────────┴──────────┴──────────┴───────────────┴──────────┴──────────────┘
 *   level i of node n: forward = u32[n*2 - 2 - 2i], span = u32[n*2 - 1 - 2i] (just below n, so
 *   a step reads the level and the next node's score close together, whatever the member size)
 *
 * Invariants:
 * - Nodes are ordered by (score, member bytes memcmp-then-length), members unique. Scores are
 *   never NaN. forward 0 = end; backward 0 = first node (the header is never a backward).
 * - span of level i of x = number of level-0 steps from x to its level-i forward (or to the
 *   end + 1 for the last link), so summing spans gives 1-based ranks (Redis's zsl).
 * - level (w+2) is the highest level in use (≥ 1); header levels ≥ level have forward 0.
 * - Each node is also the Dict entry for its member: lenWord 0, keyByte kMemberByte. A node is
 *   removed from the Dict before it is freed. The dict header block never moves.
 * - A node keeps its random level for life (a score update relinks the same node).
 * - Guarded by the shard lock, like everything in the heap.
 * Range walks and range deletes are in sab/skiplist-range.ts; intervals in sab/zrange.ts.
 */
import { Heap } from './alloc.js';
import { Dict, kMinCapacity } from './hashtable.js';
import { hashBytes } from './hash.js';
import { copyBytes } from './bytes.js';
import { cmpBytes } from './zrange.js';

export const kMaxLevel = 32;
export const kMemberByte = 20;
/** Header node unit offset inside the root block (after 4 words and the 32 level slots). */
export const kHdrUnit = 2 + kMaxLevel;
export const kRootBytes = 16 + kMaxLevel * 8 + kMemberByte;

/** Bytes of a node with a `len`-byte member and `levels` levels. */
export function nodeBytes(len: number, levels: number): number {
  return levels * 8 + kMemberByte + len;
}

export type { LexRange, ScoreRange } from './zrange.js';
export { cmpBytes, lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty } from './zrange.js';

// Scratch: update path and ranks of the last search (at most kMaxLevel levels).
const upd = new Uint32Array(kMaxLevel);
const rnk = new Float64Array(kMaxLevel);

let seed = 0x2545f491;
function randomLevel(): number {
  let level = 1;
  for (;;) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    if ((seed & 3) !== 0 || level >= kMaxLevel) return level; // p = 1/4
    level++;
  }
}

/** Word index of the forward pointer of level i of node n (the span follows it). */
export function lv(n: number, i: number): number {
  return n * 2 - 2 - 2 * i;
}

/**
 * A cursor over skiplist values of one heap: at(root) points it at a value. Nothing is kept
 * per value on the V8 heap.
 */
export class Skiplist {
  root = 0;
  readonly dict: Dict;

  constructor(readonly heap: Heap) {
    this.dict = new Dict(heap, 0, kMemberByte);
  }

  at(root: number): this {
    this.root = root;
    this.dict.at(this.heap.u32[root * 2]);
    return this;
  }

  /** Make an empty skiplist whose dict has room for `expect` members; returns its root. */
  static create(heap: Heap, expect = 0): number {
    let cap = kMinCapacity;
    while (cap * 3 < expect * 4) cap *= 2;
    const dict = Dict.create(heap, cap);
    const root = heap.alloc(kRootBytes);
    const u32 = heap.u32, w = root * 2;
    u32[w] = dict;
    u32[w + 1] = 0;
    u32[w + 2] = 1;
    u32[w + 3] = 0;
    u32.fill(0, w + 4, w + kRootBytes / 4);
    u32[(root + kHdrUnit) * 2 + 1] = kMaxLevel;
    return root;
  }

  length(): number {
    return this.heap.u32[this.root * 2 + 1];
  }

  level(): number {
    return this.heap.u32[this.root * 2 + 2];
  }

  first(): number {
    const u32 = this.heap.u32;
    return u32[lv(this.root + kHdrUnit, 0)];
  }

  last(): number {
    return this.heap.u32[this.root * 2 + 3];
  }

  next(n: number): number {
    const u32 = this.heap.u32;
    return u32[lv(n, 0)];
  }

  prev(n: number): number {
    return this.heap.u32[n * 2 + 4];
  }

  score(n: number): number {
    return this.heap.f64[n + 1];
  }

  memberOff(n: number): number {
    return n * 8 + kMemberByte;
  }

  memberLen(n: number): number {
    return this.heap.u32[n * 2];
  }

  /** Levels of node n (tests). */
  nodeLevels(n: number): number {
    return this.heap.u32[n * 2 + 1];
  }

  /** Span of level i of node n, 0 for the header when n = 0 (tests). */
  span(n: number, i: number): number {
    const u32 = this.heap.u32;
    return u32[lv(n === 0 ? this.root + kHdrUnit : n, i) + 1];
  }

  forward(n: number, i: number): number {
    const u32 = this.heap.u32;
    return u32[lv(n === 0 ? this.root + kHdrUnit : n, i)];
  }

  /** The node of member b[off, off+len), or 0. */
  find(b: Uint8Array, off: number, len: number): number {
    return this.dict.find(b, off, len, hashBytes(b, off, len));
  }

  /** Insert a member known to be absent. Returns its node. */
  insert(score: number, b: Uint8Array, off: number, len: number): number {
    const heap = this.heap;
    const h = hashBytes(b, off, len);
    const levels = randomLevel();
    const n = heap.alloc(nodeBytes(len, levels)) + levels;
    const u32 = heap.u32;
    u32[n * 2] = len;
    u32[n * 2 + 1] = levels;
    heap.f64[n + 1] = score;
    copyBytes(heap.u8, n * 8 + kMemberByte, b, off, len);
    this.link(n);
    this.dict.insert(h, n);
    return n;
  }

  /**
   * Fill upd[] with the last node before (score, member) on each level (and rnk[] with their
   * ranks when `ranks`). The member bytes may be anywhere, including inside a node.
   */
  /** @internal */
  path(score: number, b: Uint8Array, off: number, len: number, ranks: boolean): void {
    const heap = this.heap, u32 = heap.u32, f64 = heap.f64, u8 = heap.u8;
    const lvl = u32[this.root * 2 + 2];
    let x = this.root + kHdrUnit;
    // `stop` is the node the walk stopped before on the level above: meeting it again on a
    // lower level needs no second comparison.
    let stop = 0;
    for (let i = lvl - 1; i >= 0; i--) {
      if (ranks) rnk[i] = i === lvl - 1 ? 0 : rnk[i + 1];
      for (;;) {
        const xl = lv(x, i);
        const f = u32[xl];
        if (f === 0 || f === stop) break;
        const fs = f64[f + 1];
        if (fs < score || (fs === score && cmpBytes(u8, f * 8 + kMemberByte, u32[f * 2], b, off, len) < 0)) {
          if (ranks) rnk[i] += u32[xl + 1];
          x = f;
        } else {
          stop = f;
          break;
        }
      }
      upd[i] = x;
    }
  }

  /** Link an unlinked node (score, member and levels set) at its place. */
  private link(n: number): void {
    const heap = this.heap, u32 = heap.u32;
    const w = this.root * 2, hdr = this.root + kHdrUnit;
    this.path(heap.f64[n + 1], heap.u8, n * 8 + kMemberByte, u32[n * 2], true);
    const levels = u32[n * 2 + 1];
    let lvl = u32[w + 2];
    if (levels > lvl) {
      for (let i = lvl; i < levels; i++) {
        rnk[i] = 0;
        upd[i] = hdr;
        u32[lv(hdr, i) + 1] = u32[w + 1];
      }
      u32[w + 2] = lvl = levels;
    }
    for (let i = 0; i < levels; i++) {
      const ul = lv(upd[i], i), nl = lv(n, i);
      const d = rnk[0] - rnk[i];
      u32[nl] = u32[ul];
      u32[ul] = n;
      u32[nl + 1] = u32[ul + 1] - d;
      u32[ul + 1] = d + 1;
    }
    for (let i = levels; i < lvl; i++) u32[lv(upd[i], i) + 1]++;
    u32[n * 2 + 4] = upd[0] === hdr ? 0 : upd[0];
    const nx = u32[lv(n, 0)];
    if (nx !== 0) u32[nx * 2 + 4] = n;
    else u32[w + 3] = n;
    u32[w + 1]++;
  }

  /** Unlink node n using the path in upd[] (Redis's zslDeleteNode). */
  /** @internal */
  unlink(n: number): void {
    const u32 = this.heap.u32, w = this.root * 2;
    let lvl = u32[w + 2];
    for (let i = 0; i < lvl; i++) {
      const ul = lv(upd[i], i);
      if (u32[ul] === n) {
        const nl = lv(n, i);
        u32[ul + 1] += u32[nl + 1] - 1;
        u32[ul] = u32[nl];
      } else u32[ul + 1]--;
    }
    const nx = u32[lv(n, 0)];
    if (nx !== 0) u32[nx * 2 + 4] = u32[n * 2 + 4];
    else u32[w + 3] = u32[n * 2 + 4];
    const hdr = this.root + kHdrUnit;
    while (lvl > 1 && u32[lv(hdr, lvl - 1)] === 0) lvl--;
    u32[w + 2] = lvl;
    u32[w + 1]--;
  }

  /** @internal */
  pathTo(n: number): void {
    const heap = this.heap;
    this.path(heap.f64[n + 1], heap.u8, n * 8 + kMemberByte, heap.u32[n * 2], false);
  }

  /** Take node n out of the dict and free it (it must already be unlinked). */
  /** @internal */
  drop(n: number): void {
    const heap = this.heap, u8 = heap.u8, len = heap.u32[n * 2], mo = n * 8 + kMemberByte;
    if (this.dict.find(u8, mo, len, hashBytes(u8, mo, len)) !== n) throw new Error('skiplist: node missing from its dict');
    this.dict.deleteFound();
    const levels = heap.u32[n * 2 + 1];
    heap.free(n - levels, nodeBytes(len, levels));
  }

  /** Remove node n (from the list and the dict) and free it. */
  delete(n: number): void {
    this.pathTo(n);
    this.unlink(n);
    this.drop(n);
  }

  /** Change the score of node n (Redis's zslUpdateScore, keeping the node). */
  updateScore(n: number, score: number): void {
    const heap = this.heap, u32 = heap.u32, f64 = heap.f64;
    const bw = u32[n * 2 + 4], fw = u32[lv(n, 0)];
    if ((bw === 0 || f64[bw + 1] < score) && (fw === 0 || f64[fw + 1] > score)) {
      f64[n + 1] = score;
      return;
    }
    this.pathTo(n);
    this.unlink(n);
    f64[n + 1] = score;
    this.link(n);
  }

  /** 1-based rank of node n. */
  rank(n: number): number {
    const heap = this.heap, u32 = heap.u32, f64 = heap.f64, u8 = heap.u8;
    const score = f64[n + 1], mo = n * 8 + kMemberByte, len = u32[n * 2];
    let x = this.root + kHdrUnit, r = 0;
    for (let i = u32[this.root * 2 + 2] - 1; i >= 0; i--) {
      for (;;) {
        const xl = lv(x, i);
        const f = u32[xl];
        if (f === 0) break;
        const fs = f64[f + 1];
        if (fs < score || (fs === score && cmpBytes(u8, f * 8 + kMemberByte, u32[f * 2], u8, mo, len) <= 0)) {
          r += u32[xl + 1];
          x = f;
        } else break;
      }
      if (x === n) return r;
    }
    return 0;
  }

  /** Node at 1-based rank, or 0. */
  byRank(rank: number): number {
    const u32 = this.heap.u32;
    let x = this.root + kHdrUnit, t = 0;
    for (let i = u32[this.root * 2 + 2] - 1; i >= 0; i--) {
      for (;;) {
        const xl = lv(x, i);
        const f = u32[xl];
        if (f === 0 || t + u32[xl + 1] > rank) break;
        t += u32[xl + 1];
        x = f;
      }
      if (t === rank) return x;
    }
    return 0;
  }

  /** Shrink the dict after mass deletion (it only shrinks itself when it grows again). */
  compact(finish = false): void {
    const d = this.dict;
    if (!d.isRehashing() && !d.maybeShrink()) return;
    // A range delete did work in proportion to the table already: finish the move. A single
    // delete moves a bounded slice, so no one command pays for the whole table.
    if (finish) while (d.rehashStep(4096));
    else d.rehashStep(64);
  }


  /** Free every block of the value. */
  destroy(): void {
    const heap = this.heap;
    let x = this.first();
    while (x !== 0) {
      const next = this.next(x);
      const levels = heap.u32[x * 2 + 1];
      heap.free(x - levels, nodeBytes(heap.u32[x * 2], levels));
      x = next;
    }
    this.dict.destroy(noop);
    heap.free(this.root, kRootBytes);
  }
}

function noop(): void {}

const cursors = new WeakMap<Heap, Skiplist>();

/** The (reused) skiplist cursor of a heap, pointed at `root`. */
export function skiplistAt(heap: Heap, root: number): Skiplist {
  let s = cursors.get(heap);
  if (s === undefined) {
    s = new Skiplist(heap);
    cursors.set(heap, s);
  }
  return s.at(root);
}
