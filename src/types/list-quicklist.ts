/**
 * Quicklist: the big encoding of a list. A doubly linked list of nodes in the shard heap, each
 * node owning one listpack (src/sab/listpack.ts) of consecutive list elements, and a root block
 * that the key record points at.
 *
 *   root r (24 bytes)                       node n (16 bytes)
 *   ┌──────┬──────┬───────┬───────┬──────┬──────┐   ┌──────┬──────┬──────┬───────┐
 *   │ head │ tail │ nodes │ count │ fill │ 0    │   │ prev │ next │ lp   │ 0     │
 *   │ w+0  │ w+1  │ w+2   │ w+3   │ w+4  │ w+5  │   │ w+0  │ w+1  │ w+2  │ w+3   │
 *   └──┬───┴──┬───┴───────┴───────┴──────┴──────┘   └──────┴──────┴──┬───┴───────┘
 *      │      └──────────────────────────────┐                       ▼
 *      ▼                                     ▼                 listpack block
 *   node ⇄ node ⇄ ... ⇄ node   (prev of head = 0, next of tail = 0)
 *
 *   w = ptr*2 (u32 words); pointers are heap units pointers, 0 = none. fill is the i32
 *   list-max-listpack-size the quicklist was created with (Redis keeps it per quicklist).
 *
 * Invariants:
 * - nodes = number of nodes in the chain, count = sum of the nodes' listpack entry counts.
 * - No node is empty: a node whose last entry is deleted is unlinked and freed at once. A
 *   quicklist itself may be momentarily empty (nodes = 0, head = tail = 0) inside a command
 *   (LMOVE on one key pops before it pushes); the list layer deletes empty keys.
 * - A node's size, counted as Redis counts it ("sz": listpack bytes with Redis's 7-byte header
 *   and end marker instead of our kLpHeader), respects the fill limit when an element is added
 *   to it (Redis's _quicklistNodeAllowInsert): fill < 0 → sz ≤ 4096 << (-fill - 1) bytes (capped
 *   at 64 KiB); fill > 0 → at most fill entries and sz ≤ 8192. A single element larger than the
 *   limit gets a node of its own.
 * - Nodes are split on insert in the middle of a full node and small neighbours merged after
 *   the split (Redis's _quicklistInsert / _quicklistMergeNodes); deletes never merge; a
 *   replacement (LSET) is made in place whatever the limit (as Redis 7.2).
 * - Every function that allocates re-reads heap views afterwards. Guarded by the shard lock.
 */
import type { Heap } from '../sab/alloc.js';
import {
  kLpHeader, lpAppend, lpBytes, lpCopy, lpCount, lpData, lpDelete, lpEnd, lpFirst, lpFree, lpInsert,
  lpLast, lpLen, lpNew, lpNext, lpPrepend, lpReplace, lpSeek,
} from '../sab/listpack.js';

export const kQlRootBytes = 24;
export const kQlNodeBytes = 16;
const HEAD = 0, TAIL = 1, NODES = 2, COUNT = 3, FILL = 4;
const PREV = 0, NEXT = 1, LP = 2;

/** Redis's per-element size estimate slack (SIZE_ESTIMATE_OVERHEAD) and count-fill safety cap. */
const kSizeEstimateOverhead = 8;
const kSizeSafetyLimit = 8192;
/** Redis's listpack header (6) + end marker (1): the constant part of its "sz". */
const kRedisLpOverhead = 7;
const kOptimizationLevel = [4096, 8192, 16384, 32768, 65536];
/** Redis clamps a quicklist's positive fill to 2^15 - 1. */
const kFillMax = 32767;

/** Redis's node size ("sz") of a listpack: our bytes with Redis's constant overhead. */
export function lpSz(heap: Heap, lp: number): number {
  return lpBytes(heap, lp) - kLpHeader + kRedisLpOverhead;
}

let limSz = 8192;
let limCount = Infinity;

/** Load the node limits of a fill value (Redis's quicklistNodeLimit) into limSz / limCount. */
function loadFill(fill: number): void {
  if (fill >= 0) {
    limSz = Infinity;
    limCount = fill === 0 ? 1 : fill;
  } else {
    const off = Math.min(-fill - 1, kOptimizationLevel.length - 1);
    limSz = kOptimizationLevel[off];
    limCount = Infinity;
  }
}

/** Redis's quicklistNodeExceedsLimit for the limits last loaded. */
function exceeds(sz: number, count: number): boolean {
  if (limSz !== Infinity) return sz > limSz;
  return sz > kSizeSafetyLimit || count > limCount;
}

/** Would a listpack of `sz` Redis-bytes and `count` entries exceed the limit of `fill`? */
export function fillExceeded(fill: number, sz: number, count: number): boolean {
  loadFill(fill);
  return exceeds(sz, count);
}

/**
 * Redis's shrinking test (listTypeTryConvertQuicklist): is a single-node quicklist holding
 * `sz` bytes / `count` entries small enough — under half the limit — to become a listpack?
 */
export function fillAllowsShrink(fill: number, sz: number, count: number): boolean {
  loadFill(fill);
  const szl = limSz === Infinity ? Infinity : Math.floor(limSz / 2);
  const cl = limCount === Infinity ? Infinity : Math.floor(limCount / 2);
  return sz <= szl && count <= cl;
}

// ------------------------------------------------------------------ accessors

export function qlHead(heap: Heap, r: number): number {
  return heap.u32[r * 2 + HEAD];
}
export function qlTail(heap: Heap, r: number): number {
  return heap.u32[r * 2 + TAIL];
}
export function qlNodes(heap: Heap, r: number): number {
  return heap.u32[r * 2 + NODES];
}
export function qlCount(heap: Heap, r: number): number {
  return heap.u32[r * 2 + COUNT];
}
export function qlFill(heap: Heap, r: number): number {
  return heap.i32[r * 2 + FILL];
}
export function nodeNext(heap: Heap, n: number): number {
  return heap.u32[n * 2 + NEXT];
}
export function nodePrev(heap: Heap, n: number): number {
  return heap.u32[n * 2 + PREV];
}
export function nodeLp(heap: Heap, n: number): number {
  return heap.u32[n * 2 + LP];
}
export function setNodeLp(heap: Heap, n: number, lp: number): void {
  heap.u32[n * 2 + LP] = lp;
}
/** Add d to the element count (after an edit of a node's listpack made by the caller). */
export function qlAddCount(heap: Heap, r: number, d: number): void {
  heap.u32[r * 2 + COUNT] += d;
}

// ------------------------------------------------------------------ create / free / copy

export function qlCreate(heap: Heap, fill: number): number {
  const r = heap.alloc(kQlRootBytes);
  const u32 = heap.u32, w = r * 2;
  u32[w + HEAD] = 0;
  u32[w + TAIL] = 0;
  u32[w + NODES] = 0;
  u32[w + COUNT] = 0;
  heap.i32[w + FILL] = fill > kFillMax ? kFillMax : fill < -5 ? -5 : fill;
  u32[w + 5] = 0;
  return r;
}

function newNode(heap: Heap, lp: number): number {
  const n = heap.alloc(kQlNodeBytes);
  const u32 = heap.u32, w = n * 2;
  u32[w + PREV] = 0;
  u32[w + NEXT] = 0;
  u32[w + LP] = lp;
  u32[w + 3] = 0;
  return n;
}

/** Link node `n` after `at` (after = true) or before it; at = 0 makes n the only node. */
function linkNode(heap: Heap, r: number, at: number, n: number, after: boolean): void {
  const u32 = heap.u32, rw = r * 2, nw = n * 2;
  if (at === 0) {
    u32[nw + PREV] = 0;
    u32[nw + NEXT] = 0;
    u32[rw + HEAD] = n;
    u32[rw + TAIL] = n;
  } else if (after) {
    const nx = u32[at * 2 + NEXT];
    u32[nw + PREV] = at;
    u32[nw + NEXT] = nx;
    u32[at * 2 + NEXT] = n;
    if (nx !== 0) u32[nx * 2 + PREV] = n;
    else u32[rw + TAIL] = n;
  } else {
    const pv = u32[at * 2 + PREV];
    u32[nw + NEXT] = at;
    u32[nw + PREV] = pv;
    u32[at * 2 + PREV] = n;
    if (pv !== 0) u32[pv * 2 + NEXT] = n;
    else u32[rw + HEAD] = n;
  }
  u32[rw + NODES]++;
}

/** Unlink and free node n and its listpack; does not touch the element count. */
function dropNode(heap: Heap, r: number, n: number): void {
  const u32 = heap.u32, rw = r * 2, nw = n * 2;
  const pv = u32[nw + PREV], nx = u32[nw + NEXT];
  if (pv !== 0) u32[pv * 2 + NEXT] = nx;
  else u32[rw + HEAD] = nx;
  if (nx !== 0) u32[nx * 2 + PREV] = pv;
  else u32[rw + TAIL] = pv;
  u32[rw + NODES]--;
  lpFree(heap, u32[nw + LP]);
  heap.free(n, kQlNodeBytes);
}

/** A quicklist holding one listpack (non-empty) as its only node (listpack → quicklist). */
export function qlFromListpack(heap: Heap, lp: number, fill: number): number {
  const r = qlCreate(heap, fill);
  const n = newNode(heap, lp);
  linkNode(heap, r, 0, n, true);
  heap.u32[r * 2 + COUNT] = lpCount(heap, lp);
  return r;
}

/**
 * If the quicklist has exactly one node, free the root and the node and return the node's
 * listpack (quicklist → listpack); otherwise return 0 and change nothing.
 */
export function qlTakeSingle(heap: Heap, r: number): number {
  if (heap.u32[r * 2 + NODES] !== 1) return 0;
  const n = heap.u32[r * 2 + HEAD];
  const lp = heap.u32[n * 2 + LP];
  heap.free(n, kQlNodeBytes);
  heap.free(r, kQlRootBytes);
  return lp;
}

export function qlFree(heap: Heap, r: number): void {
  let n = heap.u32[r * 2 + HEAD];
  while (n !== 0) {
    const nx = heap.u32[n * 2 + NEXT];
    lpFree(heap, heap.u32[n * 2 + LP]);
    heap.free(n, kQlNodeBytes);
    n = nx;
  }
  heap.free(r, kQlRootBytes);
}

/** Deep copy into `dst` (which may be `src`), node for node. */
export function qlCopy(src: Heap, r: number, dst: Heap): number {
  const nr = qlCreate(dst, src.i32[r * 2 + FILL]);
  let n = src.u32[r * 2 + HEAD];
  while (n !== 0) {
    const lp = lpCopy(src, src.u32[n * 2 + LP], dst);
    const nn = newNode(dst, lp);
    linkNode(dst, nr, dst.u32[nr * 2 + TAIL], nn, true);
    n = src.u32[n * 2 + NEXT];
  }
  dst.u32[nr * 2 + COUNT] = src.u32[r * 2 + COUNT];
  return nr;
}

// ------------------------------------------------------------------ limits

/** Redis's _quicklistNodeAllowInsert: may node n take one more element of `len` bytes? */
function allowInsert(heap: Heap, n: number, len: number): boolean {
  if (n === 0) return false;
  const lp = heap.u32[n * 2 + LP];
  return !exceeds(lpSz(heap, lp) + len + kSizeEstimateOverhead, lpCount(heap, lp) + 1);
}

/** Redis's _quicklistNodeAllowMerge. */
function allowMerge(heap: Heap, a: number, b: number): boolean {
  if (a === 0 || b === 0) return false;
  const la = heap.u32[a * 2 + LP], lb = heap.u32[b * 2 + LP];
  return !exceeds(lpSz(heap, la) + lpSz(heap, lb) - kRedisLpOverhead, lpCount(heap, la) + lpCount(heap, lb));
}

// ------------------------------------------------------------------ push / insert / replace

/** Push one element at the head (left) or tail. */
export function qlPush(heap: Heap, r: number, left: boolean, b: Uint8Array, off: number, len: number): void {
  loadFill(heap.i32[r * 2 + FILL]);
  const n = heap.u32[r * 2 + (left ? HEAD : TAIL)];
  if (allowInsert(heap, n, len)) {
    const lp = heap.u32[n * 2 + LP];
    const nlp = left ? lpPrepend(heap, lp, b, off, len) : lpAppend(heap, lp, b, off, len);
    heap.u32[n * 2 + LP] = nlp;
  } else {
    const lp = lpAppend(heap, lpNew(heap, 0), b, off, len);
    linkNode(heap, r, n, newNode(heap, lp), !left);
  }
  heap.u32[r * 2 + COUNT]++;
}

/** Index of the entry at pos within its listpack (walks from the first entry). */
function indexOf(heap: Heap, lp: number, pos: number): number {
  let i = 0;
  for (let p = lpFirst(heap, lp); p !== pos; p = lpNext(heap, lp, p)) i++;
  return i;
}

/**
 * Redis's _quicklistSplitNode: split node n at the entry at pos. With after, n keeps the
 * entries up to pos and the new node gets the rest; otherwise n keeps pos.. and the new node
 * the entries before pos. The new node is returned unlinked.
 */
function splitNode(heap: Heap, n: number, pos: number, after: boolean): number {
  let lp = heap.u32[n * 2 + LP];
  const cnt = lpCount(heap, lp);
  const idx = indexOf(heap, lp, pos);
  let lp2 = lpCopy(heap, lp, heap); // same bytes, same positions
  if (after) {
    lp = lpDelete(heap, lp, lpNext(heap, lp, pos), cnt - idx - 1);
    lp2 = lpDelete(heap, lp2, kLpHeader, idx + 1);
  } else {
    lp = lpDelete(heap, lp, kLpHeader, idx);
    lp2 = lpDelete(heap, lp2, pos, cnt - idx);
  }
  heap.u32[n * 2 + LP] = lp;
  return newNode(heap, lp2);
}

/** Append every entry of b's listpack to a's, then drop node b (keeps list order a, b). */
function mergeInto(heap: Heap, r: number, a: number, b: number): number {
  let la = heap.u32[a * 2 + LP];
  const lb = heap.u32[b * 2 + LP];
  for (let p = lpFirst(heap, lb); p !== -1; p = lpNext(heap, lb, p)) {
    la = lpAppend(heap, la, heap.u8, lpData(heap, lb, p), lpLen(heap, lb, p));
  }
  heap.u32[a * 2 + LP] = la;
  dropNode(heap, r, b);
  return a;
}

/** Redis's _quicklistMergeNodes around `center` (limits already loaded). Returns the node
 *  that holds center's entries afterwards. */
function mergeAround(heap: Heap, r: number, center: number): number {
  const u32 = heap.u32;
  const prev = u32[center * 2 + PREV];
  const prevPrev = prev !== 0 ? u32[prev * 2 + PREV] : 0;
  const next = u32[center * 2 + NEXT];
  const nextNext = next !== 0 ? heap.u32[next * 2 + NEXT] : 0;
  if (allowMerge(heap, prevPrev, prev)) mergeInto(heap, r, prevPrev, prev);
  if (allowMerge(heap, next, nextNext)) mergeInto(heap, r, next, nextNext);
  let target = center;
  const p = heap.u32[center * 2 + PREV];
  if (allowMerge(heap, p, center)) target = mergeInto(heap, r, p, center);
  const nx = heap.u32[target * 2 + NEXT];
  if (allowMerge(heap, target, nx)) mergeInto(heap, r, target, nx);
  return target;
}

/**
 * Insert an element before (after = false) or after the entry at (node n, pos), as Redis's
 * _quicklistInsert: into n if it has room, else at the edge of the neighbour, else a new node,
 * else split n and merge around it.
 */
export function qlInsert(heap: Heap, r: number, n: number, pos: number, after: boolean, b: Uint8Array, off: number, len: number): void {
  loadFill(heap.i32[r * 2 + FILL]);
  const lp = heap.u32[n * 2 + LP];
  const full = !allowInsert(heap, n, len);
  const atTail = after && pos === lpLast(heap, lp);
  const atHead = !after && pos === kLpHeader;
  if (!full) {
    const at = after ? pos + entrySizeAt(heap, lp, pos) : pos;
    heap.u32[n * 2 + LP] = lpInsert(heap, lp, at, b, off, len);
  } else if (atTail && allowInsert(heap, heap.u32[n * 2 + NEXT], len)) {
    const nx = heap.u32[n * 2 + NEXT];
    heap.u32[nx * 2 + LP] = lpPrepend(heap, heap.u32[nx * 2 + LP], b, off, len);
  } else if (atHead && allowInsert(heap, heap.u32[n * 2 + PREV], len)) {
    const pv = heap.u32[n * 2 + PREV];
    heap.u32[pv * 2 + LP] = lpAppend(heap, heap.u32[pv * 2 + LP], b, off, len);
  } else if (atTail || atHead) {
    const nlp = lpAppend(heap, lpNew(heap, 0), b, off, len);
    linkNode(heap, r, n, newNode(heap, nlp), after);
  } else {
    const nn = splitNode(heap, n, pos, after);
    const l2 = heap.u32[nn * 2 + LP];
    heap.u32[nn * 2 + LP] = after ? lpPrepend(heap, l2, b, off, len) : lpAppend(heap, l2, b, off, len);
    linkNode(heap, r, n, nn, after);
    mergeAround(heap, r, n);
  }
  heap.u32[r * 2 + COUNT]++;
}

function entrySizeAt(heap: Heap, lp: number, pos: number): number {
  const nx = lpNext(heap, lp, pos);
  return (nx === -1 ? lpEnd(heap, lp) : nx) - pos;
}

/**
 * Replace the entry at (node n, pos) in place. Redis 7.2's quicklistReplaceEntry does so for
 * every element below its 1 GiB "large element" threshold, whatever the node's fill limit.
 */
export function qlReplace(heap: Heap, n: number, pos: number, b: Uint8Array, off: number, len: number): void {
  heap.u32[n * 2 + LP] = lpReplace(heap, heap.u32[n * 2 + LP], pos, b, off, len);
}

// ------------------------------------------------------------------ seek / delete

/** Result of qlSeek: the node and the entry position within its listpack. */
export let seekNode = 0;
export let seekPos = -1;

/** Find element `index` (0 ≤ index < count), walking from the nearer end. */
export function qlSeek(heap: Heap, r: number, index: number): boolean {
  const u32 = heap.u32;
  const count = u32[r * 2 + COUNT];
  if (index < 0 || index >= count) return false;
  if (index < count / 2) {
    let n = u32[r * 2 + HEAD];
    let i = index;
    for (;;) {
      const c = lpCount(heap, u32[n * 2 + LP]);
      if (i < c) break;
      i -= c;
      n = u32[n * 2 + NEXT];
    }
    seekNode = n;
    seekPos = lpSeek(heap, u32[n * 2 + LP], i);
  } else {
    let n = u32[r * 2 + TAIL];
    let i = count - 1 - index;
    for (;;) {
      const c = lpCount(heap, u32[n * 2 + LP]);
      if (i < c) break;
      i -= c;
      n = u32[n * 2 + PREV];
    }
    seekNode = n;
    seekPos = lpSeek(heap, u32[n * 2 + LP], -1 - i);
  }
  return true;
}

/**
 * Delete the entry at (node n, pos). Returns true if that emptied the node, which is then
 * unlinked and freed (the caller saved its neighbours); else the node's listpack is updated
 * and the entry that followed now sits at pos.
 */
export function qlDeleteAt(heap: Heap, r: number, n: number, pos: number): boolean {
  const lp = heap.u32[n * 2 + LP];
  heap.u32[r * 2 + COUNT]--;
  if (lpCount(heap, lp) === 1) {
    dropNode(heap, r, n);
    return true;
  }
  heap.u32[n * 2 + LP] = lpDelete(heap, lp, pos, 1);
  return false;
}

/** Delete `count` elements starting at index `start` (both already within range). */
export function qlDelRange(heap: Heap, r: number, start: number, count: number): void {
  if (count <= 0) return;
  const total = heap.u32[r * 2 + COUNT];
  if (start === 0 && count >= total) {
    let n = heap.u32[r * 2 + HEAD];
    while (n !== 0) {
      const nx = heap.u32[n * 2 + NEXT];
      dropNode(heap, r, n);
      n = nx;
    }
    heap.u32[r * 2 + COUNT] = 0;
    return;
  }
  // Find the node holding `start`, from the nearer end.
  let n: number, o: number;
  if (start < total / 2) {
    n = heap.u32[r * 2 + HEAD];
    o = start;
    for (let c = lpCount(heap, heap.u32[n * 2 + LP]); o >= c; c = lpCount(heap, heap.u32[n * 2 + LP])) {
      o -= c;
      n = heap.u32[n * 2 + NEXT];
    }
  } else {
    n = heap.u32[r * 2 + TAIL];
    let before = total - lpCount(heap, heap.u32[n * 2 + LP]);
    while (before > start) {
      n = heap.u32[n * 2 + PREV];
      before -= lpCount(heap, heap.u32[n * 2 + LP]);
    }
    o = start - before;
  }
  let left = count;
  heap.u32[r * 2 + COUNT] = total - count;
  while (left > 0 && n !== 0) {
    const lp = heap.u32[n * 2 + LP];
    const c = lpCount(heap, lp);
    const k = Math.min(left, c - o);
    const nx = heap.u32[n * 2 + NEXT];
    if (o === 0 && k === c) dropNode(heap, r, n);
    else heap.u32[n * 2 + LP] = lpDelete(heap, lp, lpSeek(heap, lp, o), k);
    left -= k;
    o = 0;
    n = nx;
  }
}
