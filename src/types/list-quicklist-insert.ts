/**
 * Quicklist edits in the middle (layout and invariants: list-quicklist.ts): Redis's
 * _quicklistInsert with its node split and neighbour merges, and in-place replacement.
 */
import type { Heap } from '../sab/alloc.js';
import {
  kLpHeader, lpAppend, lpCopy, lpCount, lpData, lpDelete, lpEnd, lpFirst, lpInsert, lpLast, lpLen,
  lpNext, lpPrev, lpReplace,
} from '../sab/listpack.js';
import {
  COUNT, FILL, FLAGS, LP, NEXT, PREV, allowInsert, dropNode, exceeds, flipNode, kRedisLpOverhead, kRev,
  linkNode, loadFill, lpSz, newNode, nodeBack, nodeFront, nodePushBack, nodePushFront, nodeRev, singleNode,
} from './list-quicklist.js';

/** Redis's _quicklistNodeAllowMerge. */
function allowMerge(heap: Heap, a: number, b: number): boolean {
  if (a === 0 || b === 0) return false;
  const la = heap.u32[a * 2 + LP], lb = heap.u32[b * 2 + LP];
  return !exceeds(lpSz(heap, la) + lpSz(heap, lb) - kRedisLpOverhead, lpCount(heap, la) + lpCount(heap, lb));
}

/** Index of the entry at pos within its listpack (walks from the first entry). */
function lpIndexOf(heap: Heap, lp: number, pos: number): number {
  let i = 0;
  for (let p = lpFirst(heap, lp); p !== pos; p = lpNext(heap, lp, p)) i++;
  return i;
}

/**
 * Redis's _quicklistSplitNode: split node n at its element at pos. With after (list order) n
 * keeps the elements up to pos and the new node gets those after it; otherwise n keeps pos and
 * what follows and the new node those before. The new node (same orientation) is returned
 * unlinked; it belongs after n when `after`, else before.
 */
function splitNode(heap: Heap, n: number, pos: number, after: boolean): number {
  const flags = heap.u32[n * 2 + FLAGS];
  const lpAfter = after !== ((flags & kRev) !== 0);
  let lp = heap.u32[n * 2 + LP];
  const cnt = lpCount(heap, lp);
  const idx = lpIndexOf(heap, lp, pos);
  let lp2 = lpCopy(heap, lp, heap); // same bytes, same positions
  if (lpAfter) {
    lp = lpDelete(heap, lp, lpNext(heap, lp, pos), cnt - idx - 1);
    lp2 = lpDelete(heap, lp2, kLpHeader, idx + 1);
  } else {
    lp = lpDelete(heap, lp, kLpHeader, idx);
    lp2 = lpDelete(heap, lp2, pos, cnt - idx);
  }
  heap.u32[n * 2 + LP] = lp;
  return newNode(heap, lp2, flags);
}

/** Merge node b (the next node of a) into one node; returns the node that remains. */
function mergeNodes(heap: Heap, r: number, a: number, b: number): number {
  const ra = nodeRev(heap, a), rb = nodeRev(heap, b);
  if (ra && rb) {
    // Reversed, list order a then b is listpack order b then a: append a's entries to b.
    appendEntries(heap, b, heap.u32[a * 2 + LP], false);
    dropNode(heap, r, a);
    return b;
  }
  if (ra) flipNode(heap, a);
  appendEntries(heap, a, heap.u32[b * 2 + LP], rb);
  dropNode(heap, r, b);
  return a;
}

/** Append the entries of listpack `from` (backwards if `backwards`) to node n's listpack. */
function appendEntries(heap: Heap, n: number, from: number, backwards: boolean): void {
  let lp = heap.u32[n * 2 + LP];
  for (let p = backwards ? lpLast(heap, from) : lpFirst(heap, from); p !== -1; p = backwards ? lpPrev(heap, from, p) : lpNext(heap, from, p)) {
    lp = lpAppend(heap, lp, heap.u8, lpData(heap, from, p), lpLen(heap, from, p));
  }
  heap.u32[n * 2 + LP] = lp;
}

/** Redis's _quicklistMergeNodes around `center` (limits already loaded). */
function mergeAround(heap: Heap, r: number, center: number): void {
  const prev = heap.u32[center * 2 + PREV];
  const prevPrev = prev !== 0 ? heap.u32[prev * 2 + PREV] : 0;
  const next = heap.u32[center * 2 + NEXT];
  const nextNext = next !== 0 ? heap.u32[next * 2 + NEXT] : 0;
  if (allowMerge(heap, prevPrev, prev)) mergeNodes(heap, r, prevPrev, prev);
  if (allowMerge(heap, next, nextNext)) mergeNodes(heap, r, next, nextNext);
  let target = center;
  const p = heap.u32[center * 2 + PREV];
  if (allowMerge(heap, p, center)) target = mergeNodes(heap, r, p, center);
  const nx = heap.u32[target * 2 + NEXT];
  if (allowMerge(heap, target, nx)) mergeNodes(heap, r, target, nx);
}

/**
 * Insert an element before (after = false) or after the element at (node n, pos), in list
 * order, as Redis's _quicklistInsert: into n if it has room, else at the near edge of the
 * neighbour, else a new node, else split n and merge around it.
 */
export function qlInsert(heap: Heap, r: number, n: number, pos: number, after: boolean, b: Uint8Array, off: number, len: number): void {
  loadFill(heap.i32[r * 2 + FILL]);
  const rev = nodeRev(heap, n);
  const lp = heap.u32[n * 2 + LP];
  const full = !allowInsert(heap, n, len);
  const atTail = after && pos === nodeBack(heap, n);
  const atHead = !after && pos === nodeFront(heap, n);
  if (!full) {
    let at = pos;
    if (after !== rev) {
      const p = lpNext(heap, lp, pos);
      at = p === -1 ? lpEnd(heap, lp) : p;
    }
    heap.u32[n * 2 + LP] = lpInsert(heap, lp, at, b, off, len);
  } else if (atTail && allowInsert(heap, heap.u32[n * 2 + NEXT], len)) {
    nodePushFront(heap, heap.u32[n * 2 + NEXT], b, off, len);
  } else if (atHead && allowInsert(heap, heap.u32[n * 2 + PREV], len)) {
    nodePushBack(heap, heap.u32[n * 2 + PREV], b, off, len);
  } else if (atTail || atHead) {
    linkNode(heap, r, n, singleNode(heap, 0, b, off, len), after);
  } else {
    const nn = splitNode(heap, n, pos, after);
    if (after) nodePushFront(heap, nn, b, off, len);
    else nodePushBack(heap, nn, b, off, len);
    linkNode(heap, r, n, nn, after);
    mergeAround(heap, r, n);
  }
  heap.u32[r * 2 + COUNT]++;
}

/**
 * Replace the element at (node n, pos) in place. Redis 7.2's quicklistReplaceEntry does so for
 * every element below its 1 GiB "large element" threshold, whatever the node's fill limit.
 */
export function qlReplace(heap: Heap, n: number, pos: number, b: Uint8Array, off: number, len: number): void {
  heap.u32[n * 2 + LP] = lpReplace(heap, heap.u32[n * 2 + LP], pos, b, off, len);
}

