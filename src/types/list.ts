/**
 * List values in the shard heap, in Redis 7.2's two encodings:
 *
 *   record.valPtr ──▶ listpack block             (Enc.Listpack: small lists)
 *   record.valPtr ──▶ quicklist root ─▶ nodes ─▶ listpack blocks   (Enc.Quicklist)
 *
 *   listpack: src/sab/listpack.ts, one entry per element, head first.
 *   quicklist: src/types/list-quicklist.ts (root: head/tail/nodes/count/fill; node: prev/next/lp).
 *
 * Invariants:
 * - A list key never holds an empty list between commands (the list commands delete it).
 * - Conversions follow Redis 7.2 (t_list.c): listpack → quicklist before adding elements when
 *   the listpack's size plus the added bytes, or its count plus the added elements, would
 *   exceed list-max-listpack-size (listGrow); quicklist → listpack after removing elements
 *   when one node is left whose size and count are at most half the limit (listShrink).
 * - Sizes compared with the limit are Redis's "sz" (see lpSz), so string elements convert at
 *   the same points as in Redis. Elements are stored as bytes (no integer encoding).
 *
 * The functions here take (heap, vp, enc) and return the possibly new root pointer; the
 * encoding after a call is in `listEnc`. A module-level cursor (curNode, curLp, curPos) walks
 * either encoding without allocating: curNode = 0 for a listpack-encoded list.
 */
import type { Heap } from '../sab/alloc.js';
import { Enc } from '../sab/record.js';
import type { ValueOps } from './value-ops.js';
import {
  lpAppend, lpCopy, lpCount, lpData, lpDelete, lpEnd, lpFree, lpInsert,
  lpEq, lpLen, lpNew, lpNext, lpPrepend, lpPrev, lpReplace, lpSeek,
} from '../sab/listpack.js';
import {
  fillAllowsShrink, fillExceeded, lpSz, nodeBack, nodeFront, nodeLp, nodeNext, nodePrev, nodeRev,
  qlCopy, qlCount, qlCreate, qlDelRange, qlDeleteAt, qlFree, qlFromListpack, qlHead, qlNodes,
  qlPrepareEnd, qlPush, qlSeek, qlTakeSingle, seekNode, seekPos,
} from './list-quicklist.js';
import { qlInsert, qlReplace } from './list-quicklist-insert.js';

export const listValueOps: ValueOps = {
  free(heap: Heap, vp: number, enc: number): void {
    if (enc === Enc.Quicklist) qlFree(heap, vp);
    else lpFree(heap, vp);
  },
  copy(src: Heap, vp: number, enc: number, dst: Heap): number {
    return enc === Enc.Quicklist ? qlCopy(src, vp, dst) : lpCopy(src, vp, dst);
  },
};

/** Encoding of the list after the last call that returned a root pointer. */
export let listEnc: Enc = Enc.Listpack;

/** A new empty list (listpack encoded). */
export function listNew(heap: Heap): number {
  listEnc = Enc.Listpack;
  return lpNew(heap, 0);
}

export function listLength(heap: Heap, vp: number, enc: Enc): number {
  return enc === Enc.Quicklist ? qlCount(heap, vp) : lpCount(heap, vp);
}

/**
 * Before adding `addCount` elements of `addBytes` bytes in total (Redis's
 * listTypeTryConversionAppend): convert a listpack that would exceed the limit to a quicklist.
 */
export function listGrow(heap: Heap, vp: number, enc: Enc, addBytes: number, addCount: number, fill: number): number {
  listEnc = enc;
  if (enc === Enc.Quicklist) return vp;
  if (!fillExceeded(fill, lpSz(heap, vp) + addBytes, lpCount(heap, vp) + addCount)) return vp;
  listEnc = Enc.Quicklist;
  if (lpCount(heap, vp) === 0) {
    lpFree(heap, vp);
    return qlCreate(heap, fill);
  }
  return qlFromListpack(heap, vp, fill);
}

/**
 * After removing elements from a non-empty list (Redis's LIST_CONV_SHRINKING): a quicklist of
 * one node at most half the limit becomes a listpack again.
 */
export function listShrink(heap: Heap, vp: number, enc: Enc, fill: number): number {
  listEnc = enc;
  if (enc !== Enc.Quicklist || qlNodes(heap, vp) !== 1) return vp;
  const lp = nodeLp(heap, qlHead(heap, vp));
  if (!fillAllowsShrink(fill, lpSz(heap, lp), lpCount(heap, lp))) return vp;
  listEnc = Enc.Listpack;
  return qlTakeSingle(heap, vp);
}

/**
 * Before popping at one end: make that end's node cheap to edit (a quicklist keeps its head
 * node reversed, see list-quicklist.ts).
 */
export function listPrepareEnd(heap: Heap, vp: number, enc: Enc, left: boolean): void {
  if (enc === Enc.Quicklist) qlPrepareEnd(heap, vp, left);
}

/** Push one element (after listGrow for the whole batch). */
export function listPushOne(heap: Heap, vp: number, enc: Enc, left: boolean, b: Uint8Array, off: number, len: number): number {
  listEnc = enc;
  if (enc === Enc.Quicklist) {
    qlPrepareEnd(heap, vp, left);
    qlPush(heap, vp, left, b, off, len);
    return vp;
  }
  return left ? lpPrepend(heap, vp, b, off, len) : lpAppend(heap, vp, b, off, len);
}

/** Delete `count` elements from index `start` (both within range). */
export function listDelRange(heap: Heap, vp: number, enc: Enc, start: number, count: number): number {
  listEnc = enc;
  if (enc === Enc.Quicklist) {
    qlDelRange(heap, vp, start, count);
    return vp;
  }
  if (count <= 0) return vp;
  return lpDelete(heap, vp, lpSeek(heap, vp, start), count);
}

// ------------------------------------------------------------------ cursor

/** Node of the cursor (0 for a listpack-encoded list). */
export let curNode = 0;
/** Listpack block the cursor is in. */
export let curLp = 0;
/** Position of the current entry in curLp, or -1 when the cursor ran off the list. */
export let curPos = -1;
/** Is curNode's listpack in reverse list order? */
let curRev = false;

/** Absolute byte offset in heap.u8 of the current element's bytes. */
export function curData(heap: Heap): number {
  return lpData(heap, curLp, curPos);
}
export function curLen(heap: Heap): number {
  return lpLen(heap, curLp, curPos);
}
/** Is the cursor's element equal to b[off, off+len)? */
export function curEq(heap: Heap, b: Uint8Array, off: number, len: number): boolean {
  return lpEq(heap, curLp, curPos, b, off, len);
}

/** Put the cursor on element `index` (negative counts from the tail); false if out of range. */
export function listSeek(heap: Heap, vp: number, enc: Enc, index: number): boolean {
  const n = listLength(heap, vp, enc);
  if (index < 0) index += n;
  if (index < 0 || index >= n) {
    curPos = -1;
    return false;
  }
  if (enc === Enc.Quicklist) {
    qlSeek(heap, vp, index);
    curNode = seekNode;
    curLp = nodeLp(heap, seekNode);
    curPos = seekPos;
    curRev = nodeRev(heap, seekNode);
  } else {
    curNode = 0;
    curRev = false;
    curLp = vp;
    curPos = lpSeek(heap, vp, index);
  }
  return true;
}

/** Move the cursor to node n's first (forward) or last element in list order. */
function enterNode(heap: Heap, n: number, forward: boolean): void {
  curNode = n;
  curLp = nodeLp(heap, n);
  curRev = nodeRev(heap, n);
  curPos = forward ? nodeFront(heap, n) : nodeBack(heap, n);
}

/** Move the cursor one element towards the tail (forward) or the head; false at the end. */
export function listStep(heap: Heap, forward: boolean): boolean {
  const p = forward !== curRev ? lpNext(heap, curLp, curPos) : lpPrev(heap, curLp, curPos);
  if (p !== -1) {
    curPos = p;
    return true;
  }
  if (curNode !== 0) {
    const n = forward ? nodeNext(heap, curNode) : nodePrev(heap, curNode);
    if (n !== 0) {
      enterNode(heap, n, forward);
      return true;
    }
  }
  curPos = -1;
  return false;
}

/**
 * Delete the element under the cursor and move the cursor to the element that followed it in
 * the walking direction (curPos = -1 if none). Returns the root pointer.
 */
export function listDeleteAtCursor(heap: Heap, vp: number, enc: Enc, forward: boolean): number {
  listEnc = enc;
  if (enc !== Enc.Quicklist) {
    const lp = lpDelete(heap, curLp, curPos, 1);
    curLp = lp;
    if (forward) {
      if (curPos >= lpEnd(heap, lp)) curPos = -1;
    } else curPos = lpPrev(heap, lp, curPos);
    return lp;
  }
  const n = curNode, pos = curPos;
  const to = forward ? nodeNext(heap, n) : nodePrev(heap, n);
  if (qlDeleteAt(heap, vp, n, pos)) {
    if (to === 0) curPos = -1;
    else enterNode(heap, to, forward);
    return vp;
  }
  const lp = nodeLp(heap, n);
  curLp = lp;
  // The element after the deleted one in listpack order now sits at pos.
  const p = forward !== curRev ? (pos < lpEnd(heap, lp) ? pos : -1) : lpPrev(heap, lp, pos);
  if (p !== -1) curPos = p;
  else if (to === 0) curPos = -1;
  else enterNode(heap, to, forward);
  return vp;
}

/** Insert an element before or after the cursor's element (the cursor is invalid after). */
export function listInsertAtCursor(heap: Heap, vp: number, enc: Enc, after: boolean, b: Uint8Array, off: number, len: number): number {
  listEnc = enc;
  const pos = curPos;
  curPos = -1;
  if (enc === Enc.Quicklist) {
    qlInsert(heap, vp, curNode, pos, after, b, off, len);
    return vp;
  }
  let at = pos;
  if (after) {
    const p = lpNext(heap, vp, pos);
    at = p === -1 ? lpEnd(heap, vp) : p;
  }
  return lpInsert(heap, vp, at, b, off, len);
}

/** Replace the cursor's element (the cursor is invalid after). */
export function listReplaceAtCursor(heap: Heap, vp: number, enc: Enc, b: Uint8Array, off: number, len: number): number {
  listEnc = enc;
  const pos = curPos;
  curPos = -1;
  if (enc === Enc.Quicklist) {
    qlReplace(heap, curNode, pos, b, off, len);
    return vp;
  }
  return lpReplace(heap, vp, pos, b, off, len);
}
