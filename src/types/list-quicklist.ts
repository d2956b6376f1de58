/**
 * Quicklist: the big encoding of a list. A doubly linked list of nodes in the shard heap, each
 * node owning one listpack (src/sab/listpack.ts) of consecutive list elements, and a root block
 * that the key record points at.
 *
 *   root r (24 bytes)                             node n (16 bytes)
 *   ┌──────┬──────┬───────┬───────┬──────┬──────┐   ┌──────┬──────┬──────┬───────┐
 *   │ head │ tail │ nodes │ count │ fill │ 0    │   │ prev │ next │ lp   │ flags │
 *   │ w+0  │ w+1  │ w+2   │ w+3   │ w+4  │ w+5  │   │ w+0  │ w+1  │ w+2  │ w+3   │
 *   └──┬───┴──┬───┴───────┴───────┴──────┴──────┘   └──────┴──────┴──┬───┴───────┘
 *      ▼      ▼                                                       ▼
 *   node ⇄ node ⇄ ... ⇄ node   (prev of head = 0, next of tail = 0)   listpack block
 *
 *   w = ptr*2 (u32 words); pointers are heap units pointers, 0 = none. fill is the i32
 *   list-max-listpack-size the quicklist was created with (Redis keeps it per quicklist).
 *   flags bit 0 (kRev): the node's listpack holds its elements in reverse list order.
 *
 * Why reversed nodes: inserting or deleting at the front of a listpack moves all its bytes, and
 * a byte move inside a SharedArrayBuffer runs byte by byte in V8 unless source and target are
 * 8-byte aligned alike (~1 ns/byte against ~0.05 for memmove). So the head node, when it is not
 * also the tail, is kept reversed (LPUSH appends, LPOP deletes the last entry) and the tail node
 * normal: both ends are O(1). A node is flipped (rebuilt, O(node)) the first time a head or tail
 * operation finds it the wrong way round; each flip is paid for by the node's later operations.
 *
 * Invariants:
 * - nodes = number of nodes in the chain, count = sum of the nodes' listpack entry counts.
 * - No node is empty: a node whose last entry is deleted is unlinked and freed at once. A
 *   quicklist itself may be momentarily empty (nodes = 0, head = tail = 0) inside a command
 *   (LMOVE on one key pops before it pushes); the list layer deletes empty keys.
 * - Node sizes follow Redis's rules with Redis's own size measure ("sz": listpack bytes with
 *   Redis's 7-byte header and end marker instead of our kLpHeader): an element is added to a
 *   node only if sz + len + 8 stays within the fill limit (_quicklistNodeAllowInsert): fill < 0
 *   → 4096 << (-fill - 1) bytes (at most 64 KiB); fill > 0 → at most fill entries and 8192
 *   bytes. Else it goes to the neighbour at that edge, a new node, or a split of the node
 *   followed by merges of small neighbours (_quicklistInsert, _quicklistMergeNodes). Deletes
 *   never merge; replacements (LSET) are in place whatever the limit, as in Redis 7.2. (Insert,
 *   split, merge and replace live in list-quicklist-insert.ts.)
 * - Every function that allocates re-reads heap views afterwards. Guarded by the shard lock.
 */
import type { Heap } from '../sab/alloc.js';
import {
  kLpHeader, lpAppend, lpBytes, lpCopy, lpCount, lpData, lpDelete, lpFree, lpLast, lpLen, lpNew,
  lpPrepend, lpPrev, lpSeek,
} from '../sab/listpack.js';

export const kQlRootBytes = 24;
export const kQlNodeBytes = 16;
/** Word offsets in the root and in a node (shared with list-quicklist-insert.ts). */
export const HEAD = 0, TAIL = 1, NODES = 2, COUNT = 3, FILL = 4;
export const PREV = 0, NEXT = 1, LP = 2, FLAGS = 3;
export const kRev = 1;

/** Redis's per-element size estimate slack (SIZE_ESTIMATE_OVERHEAD) and count-fill safety cap. */
export const kSizeEstimateOverhead = 8;
const kSizeSafetyLimit = 8192;
/** Redis's listpack header (6) + end marker (1): the constant part of its "sz". */
export const kRedisLpOverhead = 7;
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
export function loadFill(fill: number): void {
  if (fill >= 0) {
    limSz = Infinity;
    limCount = fill === 0 ? 1 : fill;
  } else {
    limSz = kOptimizationLevel[Math.min(-fill - 1, kOptimizationLevel.length - 1)];
    limCount = Infinity;
  }
}

/** Redis's quicklistNodeExceedsLimit for the limits last loaded. */
export function exceeds(sz: number, count: number): boolean {
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
 * `sz` bytes / `count` entries small enough — at most half the limit — to become a listpack?
 */
export function fillAllowsShrink(fill: number, sz: number, count: number): boolean {
  loadFill(fill);
  return sz <= Math.floor(limSz / 2) && count <= Math.floor(limCount / 2);
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
/** Does node n hold its elements in reverse list order? */
export function nodeRev(heap: Heap, n: number): boolean {
  return (heap.u32[n * 2 + FLAGS] & kRev) !== 0;
}
/** Position of node n's first element in list order (its listpack is never empty). */
export function nodeFront(heap: Heap, n: number): number {
  return (heap.u32[n * 2 + FLAGS] & kRev) !== 0 ? lpLast(heap, heap.u32[n * 2 + LP]) : kLpHeader;
}
/** Position of node n's last element in list order. */
export function nodeBack(heap: Heap, n: number): number {
  return (heap.u32[n * 2 + FLAGS] & kRev) !== 0 ? kLpHeader : lpLast(heap, heap.u32[n * 2 + LP]);
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

export function newNode(heap: Heap, lp: number, flags: number): number {
  const n = heap.alloc(kQlNodeBytes);
  const u32 = heap.u32, w = n * 2;
  u32[w + PREV] = 0;
  u32[w + NEXT] = 0;
  u32[w + LP] = lp;
  u32[w + FLAGS] = flags;
  return n;
}

/** A new one-element node. */
export function singleNode(heap: Heap, flags: number, b: Uint8Array, off: number, len: number): number {
  return newNode(heap, lpAppend(heap, lpNew(heap, 0), b, off, len), flags);
}

/** Link node `n` after `at` (after = true) or before it; at = 0 makes n the only node. */
export function linkNode(heap: Heap, r: number, at: number, n: number, after: boolean): void {
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
export function dropNode(heap: Heap, r: number, n: number): void {
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
  linkNode(heap, r, 0, newNode(heap, lp, 0), true);
  heap.u32[r * 2 + COUNT] = lpCount(heap, lp);
  return r;
}

/**
 * If the quicklist has exactly one node, free the root and the node and return the node's
 * listpack in list order (quicklist → listpack); otherwise return 0 and change nothing.
 */
export function qlTakeSingle(heap: Heap, r: number): number {
  if (heap.u32[r * 2 + NODES] !== 1) return 0;
  const n = heap.u32[r * 2 + HEAD];
  if (nodeRev(heap, n)) flipNode(heap, n);
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
    linkNode(dst, nr, dst.u32[nr * 2 + TAIL], newNode(dst, lp, src.u32[n * 2 + FLAGS]), true);
    n = src.u32[n * 2 + NEXT];
  }
  dst.u32[nr * 2 + COUNT] = src.u32[r * 2 + COUNT];
  return nr;
}

// ------------------------------------------------------------------ node edits in list order

/** Rebuild node n's listpack in the opposite order and toggle its kRev flag. */
export function flipNode(heap: Heap, n: number): void {
  const lp = heap.u32[n * 2 + LP];
  let nlp = lpNew(heap, 0);
  for (let p = lpLast(heap, lp); p !== -1; p = lpPrev(heap, lp, p)) {
    nlp = lpAppend(heap, nlp, heap.u8, lpData(heap, lp, p), lpLen(heap, lp, p));
  }
  lpFree(heap, lp);
  heap.u32[n * 2 + LP] = nlp;
  heap.u32[n * 2 + FLAGS] ^= kRev;
}

/**
 * Make the end that head (left) or tail operations work on cheap: a head node that is not the
 * tail becomes reversed, a tail node that is not the head becomes normal. Call before pushing
 * or popping at that end of a quicklist.
 */
export function qlPrepareEnd(heap: Heap, r: number, left: boolean): void {
  const u32 = heap.u32;
  const head = u32[r * 2 + HEAD], tail = u32[r * 2 + TAIL];
  if (head === tail) return;
  if (left) {
    if ((u32[head * 2 + FLAGS] & kRev) === 0) flipNode(heap, head);
  } else if ((u32[tail * 2 + FLAGS] & kRev) !== 0) flipNode(heap, tail);
}

/** Add an element before node n's first element (list order). */
export function nodePushFront(heap: Heap, n: number, b: Uint8Array, off: number, len: number): void {
  const lp = heap.u32[n * 2 + LP];
  heap.u32[n * 2 + LP] = (heap.u32[n * 2 + FLAGS] & kRev) !== 0 ? lpAppend(heap, lp, b, off, len) : lpPrepend(heap, lp, b, off, len);
}

/** Add an element after node n's last element (list order). */
export function nodePushBack(heap: Heap, n: number, b: Uint8Array, off: number, len: number): void {
  const lp = heap.u32[n * 2 + LP];
  heap.u32[n * 2 + LP] = (heap.u32[n * 2 + FLAGS] & kRev) !== 0 ? lpPrepend(heap, lp, b, off, len) : lpAppend(heap, lp, b, off, len);
}

// ------------------------------------------------------------------ limits

/** Redis's _quicklistNodeAllowInsert: may node n take one more element of `len` bytes? */
export function allowInsert(heap: Heap, n: number, len: number): boolean {
  if (n === 0) return false;
  const lp = heap.u32[n * 2 + LP];
  return !exceeds(lpSz(heap, lp) + len + kSizeEstimateOverhead, lpCount(heap, lp) + 1);
}

// ------------------------------------------------------------------ push
// (insert, replace, split and merge are in list-quicklist-insert.ts)

/** Push one element at the head (left) or tail (after qlPrepareEnd for that end). */
export function qlPush(heap: Heap, r: number, left: boolean, b: Uint8Array, off: number, len: number): void {
  loadFill(heap.i32[r * 2 + FILL]);
  const n = heap.u32[r * 2 + (left ? HEAD : TAIL)];
  if (allowInsert(heap, n, len)) {
    if (left) nodePushFront(heap, n, b, off, len);
    else nodePushBack(heap, n, b, off, len);
  } else {
    // A new head is born reversed so that the next LPUSH appends (unless it is the only node).
    linkNode(heap, r, n, singleNode(heap, left && n !== 0 ? kRev : 0, b, off, len), !left);
  }
  heap.u32[r * 2 + COUNT]++;
}

// ------------------------------------------------------------------ seek / delete

/** Result of qlSeek: the node and the element's position within its listpack. */
export let seekNode = 0;
export let seekPos = -1;

/** Find element `index` (0 ≤ index < count), walking from the nearer end. */
export function qlSeek(heap: Heap, r: number, index: number): boolean {
  const u32 = heap.u32;
  const count = u32[r * 2 + COUNT];
  if (index < 0 || index >= count) return false;
  let n: number, i: number, fromHead: boolean;
  if (index < count / 2) {
    n = u32[r * 2 + HEAD];
    i = index;
    for (let c = lpCount(heap, u32[n * 2 + LP]); i >= c; c = lpCount(heap, u32[n * 2 + LP])) {
      i -= c;
      n = u32[n * 2 + NEXT];
    }
    fromHead = true;
  } else {
    n = u32[r * 2 + TAIL];
    i = count - 1 - index;
    for (let c = lpCount(heap, u32[n * 2 + LP]); i >= c; c = lpCount(heap, u32[n * 2 + LP])) {
      i -= c;
      n = u32[n * 2 + PREV];
    }
    fromHead = false;
  }
  // i counts from the node's list-order front (fromHead) or back; reversed nodes swap the two.
  seekNode = n;
  seekPos = lpSeek(heap, u32[n * 2 + LP], fromHead !== nodeRev(heap, n) ? i : -1 - i);
  return true;
}

/**
 * Delete the element at (node n, pos). Returns true if that emptied the node, which is then
 * unlinked and freed (the caller saved its neighbours); else the node's listpack is updated and
 * the entry that followed in listpack order now sits at pos.
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
    else heap.u32[n * 2 + LP] = lpDelete(heap, lp, lpSeek(heap, lp, nodeRev(heap, n) ? c - o - k : o), k);
    left -= k;
    o = 0;
    n = nx;
  }
}
