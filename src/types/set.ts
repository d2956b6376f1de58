/**
 * The set type: three encodings, chosen and converted exactly as Redis 7.2's t_set.c.
 *
 *   record.valPtr ──▶ intset block     (Enc.Intset)     sab/intset.ts: sorted int16/32/64 array
 *                 ──▶ listpack block   (Enc.Listpack)   sab/listpack.ts: one entry per member
 *                 ──▶ Dict header      (Enc.Hashtable)  sab/hashtable.ts: OpenTable of members
 *
 *   hashtable member entry (one heap block per member, exactly 4 + len bytes requested):
 *   ┌──────────┬──────────────────┐
 *   │ len u32  │ member bytes ... │      Dict lenWord = 0, keyByte = 4; hash = hashBytes(member)
 *   └──────────┴──────────────────┘
 *
 * Encoding rules (Redis 7.2):
 * - A new set is an intset if its first member is an integer (string2ll) and the size hint
 *   (members being added) ≤ set-max-intset-entries; else a listpack if the hint ≤
 *   set-max-listpack-entries; else a hashtable.
 * - intset + integer: stays an intset until count > set-max-intset-entries → hashtable.
 * - intset + non-integer: listpack if count < set-max-listpack-entries and the new member and
 *   the longest integer (as text) are ≤ set-max-listpack-value; else hashtable.
 * - listpack + new member: stays if count < set-max-listpack-entries and the member is ≤
 *   set-max-listpack-value bytes; else hashtable.
 * - SADD with more arguments than the current encoding allows converts up front (size hint).
 * - Nothing converts back on removal.
 *
 * Invariants:
 * - Everything lives in the shard heap; a SetVal is only a transient cursor (heap, root ptr,
 *   encoding) used while a command runs, written back to the record by the caller.
 * - Members are byte strings; an intset stores their integer value, a listpack and a
 *   hashtable their bytes (integers as canonical decimal text).
 * - A key never holds an empty set (the command layer deletes it), but a SetVal under
 *   construction may be empty.
 */
import { Heap } from '../sab/alloc.js';
import { Dict } from '../sab/hashtable.js';
import { hashBytes } from '../sab/hash.js';
import { copyBytes } from '../sab/bytes.js';
import { Enc } from '../sab/record.js';
import {
  isNew, isCount, isFree, isCopy, isGet, isAdd, isAdded, isRemove, isRemoved, isFind, iv,
  parseI64, formatI64, digitsI64,
} from '../sab/intset.js';
import {
  lpNew, lpFree, lpCount, lpFirst, lpNext, lpData, lpLen, lpFind, lpAppend, lpDelete, lpSeek, lpCopy,
} from '../sab/listpack.js';
import type { ValueOps } from './value-ops.js';

/** The three thresholds of the set type (a subset of config TypeLimits). */
export interface SetLimits {
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
}

/** A set value being worked on. Transient: the caller writes vp/enc back to the record. */
export class SetVal {
  heap!: Heap;
  vp = 0;
  enc: Enc = Enc.Intset;

  at(heap: Heap, vp: number, enc: Enc): this {
    this.heap = heap;
    this.vp = vp;
    this.enc = enc;
    return this;
  }
}

// ------------------------------------------------------------------ hashtable members

/** Entry layout of a hashtable set member (see the header). */
export const kEntryLenWord = 0;
export const kEntryKeyByte = 4;

const dicts = new WeakMap<Heap, Dict>();
let lastHeap: Heap | null = null;
let lastDict: Dict | null = null;

/** The shared member-table cursor of a heap, pointed at `hdr`. */
export function dictAt(heap: Heap, hdr: number): Dict {
  if (heap === lastHeap) return lastDict!.at(hdr);
  let d = dicts.get(heap);
  if (d === undefined) {
    d = new Dict(heap, kEntryLenWord, kEntryKeyByte);
    dicts.set(heap, d);
  }
  lastHeap = heap;
  lastDict = d;
  return d.at(hdr);
}

/** A private cursor (for iterating one table while another of the same heap is changed). */
export function newDictAt(heap: Heap, hdr: number): Dict {
  return new Dict(heap, kEntryLenWord, kEntryKeyByte).at(hdr);
}

/** Table capacity that holds n members without a resize (power of two, ≥ 16, ≤ 3/4 full). */
function dictCapFor(n: number): number {
  let cap = 16;
  while (cap * 3 < (n + 1) * 4) cap *= 2;
  return cap;
}

function newEntry(heap: Heap, b: Uint8Array, off: number, len: number): number {
  const e = heap.alloc(4 + len);
  heap.u32[e * 2] = len;
  copyBytes(heap.u8, e * 8 + 4, b, off, len);
  return e;
}

function freeEntry(heap: Heap, e: number): void {
  heap.free(e, 4 + heap.u32[e * 2]);
}

/** Insert a member known to be absent from table `hdr`. */
function dictAddNew(heap: Heap, hdr: number, b: Uint8Array, off: number, len: number, h: number): void {
  const e = newEntry(heap, b, off, len);
  dictAt(heap, hdr).insert(h, e);
}

function dictDestroy(heap: Heap, hdr: number): void {
  newDictAt(heap, hdr).destroy((e) => freeEntry(heap, e));
}

// ------------------------------------------------------------------ size, membership

export function setSize(heap: Heap, vp: number, enc: Enc): number {
  if (enc === Enc.Intset) return isCount(heap, vp);
  if (enc === Enc.Listpack) return lpCount(heap, vp);
  return dictAt(heap, vp).count();
}

export function setHas(heap: Heap, vp: number, enc: Enc, b: Uint8Array, off: number, len: number): boolean {
  if (enc === Enc.Intset) return parseI64(b, off, len) && isFind(heap, vp, iv.hi, iv.lo);
  if (enc === Enc.Listpack) return lpFind(heap, vp, b, off, len) >= 0;
  return dictAt(heap, vp).find(b, off, len, hashBytes(b, off, len)) !== 0;
}

// ------------------------------------------------------------------ create, add, remove

/** An empty set that can hold `b[off, off+len)` and about `hint` members (setTypeCreate). */
export function setCreate(heap: Heap, b: Uint8Array, off: number, len: number, hint: number, lim: SetLimits, out: SetVal): SetVal {
  if (hint <= lim.setMaxIntsetEntries && parseI64(b, off, len)) return out.at(heap, isNew(heap), Enc.Intset);
  if (hint <= lim.setMaxListpackEntries) return out.at(heap, lpNew(heap), Enc.Listpack);
  return out.at(heap, Dict.create(heap, dictCapFor(hint)), Enc.Hashtable);
}

/** Convert up front when `hint` members are about to be added (setTypeMaybeConvert). */
export function setMaybeConvert(sv: SetVal, hint: number, lim: SetLimits): void {
  if ((sv.enc === Enc.Listpack && hint > lim.setMaxListpackEntries) ||
      (sv.enc === Enc.Intset && hint > lim.setMaxIntsetEntries)) {
    setConvert(sv, Enc.Hashtable, hint);
  }
}

/** Add a member; true if it was not there. Converts the encoding as Redis does. */
export function setAdd(sv: SetVal, b: Uint8Array, off: number, len: number, lim: SetLimits): boolean {
  const heap = sv.heap;
  if (sv.enc === Enc.Hashtable) {
    const h = hashBytes(b, off, len);
    const d = dictAt(heap, sv.vp);
    if (d.find(b, off, len, h) !== 0) return false;
    dictAddNew(heap, sv.vp, b, off, len, h);
    return true;
  }
  if (sv.enc === Enc.Listpack) {
    if (lpFind(heap, sv.vp, b, off, len) >= 0) return false;
    const n = lpCount(heap, sv.vp);
    if (n < lim.setMaxListpackEntries && len <= lim.setMaxListpackValue) {
      sv.vp = lpAppend(heap, sv.vp, b, off, len);
    } else {
      setConvert(sv, Enc.Hashtable, n + 1);
      dictAddNew(heap, sv.vp, b, off, len, hashBytes(b, off, len));
    }
    return true;
  }
  if (parseI64(b, off, len)) {
    sv.vp = isAdd(heap, sv.vp, iv.hi, iv.lo);
    if (!isAdded) return false;
    if (isCount(heap, sv.vp) > lim.setMaxIntsetEntries) setConvert(sv, Enc.Hashtable, isCount(heap, sv.vp));
    return true;
  }
  // A non-integer joins an intset: listpack if everything fits, else hashtable.
  const n = isCount(heap, sv.vp);
  let maxText = 0;
  if (n > 0) {
    isGet(heap, sv.vp, 0);
    const d0 = digitsI64(iv.hi, iv.lo);
    isGet(heap, sv.vp, n - 1);
    maxText = Math.max(d0, digitsI64(iv.hi, iv.lo));
  }
  if (n < lim.setMaxListpackEntries && len <= lim.setMaxListpackValue && maxText <= lim.setMaxListpackValue) {
    setConvert(sv, Enc.Listpack, n + 1);
    sv.vp = lpAppend(heap, sv.vp, b, off, len);
  } else {
    setConvert(sv, Enc.Hashtable, n + 1);
    dictAddNew(heap, sv.vp, b, off, len, hashBytes(b, off, len));
  }
  return true;
}

/** Remove a member; true if it was there. */
export function setRemove(sv: SetVal, b: Uint8Array, off: number, len: number): boolean {
  const heap = sv.heap;
  if (sv.enc === Enc.Intset) {
    if (!parseI64(b, off, len)) return false;
    sv.vp = isRemove(heap, sv.vp, iv.hi, iv.lo);
    return isRemoved;
  }
  if (sv.enc === Enc.Listpack) {
    const pos = lpFind(heap, sv.vp, b, off, len);
    if (pos < 0) return false;
    sv.vp = lpDelete(heap, sv.vp, pos);
    return true;
  }
  const d = dictAt(heap, sv.vp);
  const e = d.find(b, off, len, hashBytes(b, off, len));
  if (e === 0) return false;
  d.deleteFound();
  freeEntry(heap, e);
  return true;
}

/**
 * Upkeep after removals from a hashtable set: start a shrink when the table is sparse (or
 * full of tombstones) and move a bounded part of a running resize (Redis's dictResize after
 * a delete, done incrementally).
 */
export function setAfterRemovals(sv: SetVal, removed: number): void {
  if (sv.enc !== Enc.Hashtable || removed === 0) return;
  const d = dictAt(sv.heap, sv.vp);
  if (d.isRehashing() || d.maybeShrink()) d.rehashStep(64 + removed * 16);
}

// ------------------------------------------------------------------ iteration, random

/** Called with each member's bytes; `b` is only valid during the call. */
export type MemberVisitor = (b: Uint8Array, off: number, len: number) => void;

/**
 * Visit every member (intset ascending, listpack in insertion order, hashtable in table
 * order). The visitor must not change this set; it may change other sets of the same heap.
 */
export function setForEach(heap: Heap, vp: number, enc: Enc, visit: MemberVisitor): void {
  if (enc === Enc.Intset) {
    const text = new Uint8Array(24);
    const n = isCount(heap, vp);
    for (let i = 0; i < n; i++) {
      isGet(heap, vp, i);
      visit(text, 0, formatI64(iv.hi, iv.lo, text, 0));
    }
  } else if (enc === Enc.Listpack) {
    for (let pos = lpFirst(heap, vp); pos >= 0; pos = lpNext(heap, vp, pos)) {
      visit(heap.u8, lpData(heap, vp, pos), lpLen(heap, vp, pos));
    }
  } else {
    newDictAt(heap, vp).each((e) => visit(heap.u8, e * 8 + 4, heap.u32[e * 2]));
  }
}

/** A member picked by setRandom: bytes b[off, off+len), valid until the heap changes. */
export const picked: { b: Uint8Array; off: number; len: number } = { b: new Uint8Array(0), off: 0, len: 0 };
const pickText = new Uint8Array(24);

/** Pick a random member of a non-empty set into `picked`. */
export function setRandom(heap: Heap, vp: number, enc: Enc): void {
  if (enc === Enc.Intset) {
    isGet(heap, vp, Math.floor(Math.random() * isCount(heap, vp)));
    picked.b = pickText;
    picked.off = 0;
    picked.len = formatI64(iv.hi, iv.lo, pickText, 0);
  } else if (enc === Enc.Listpack) {
    const pos = lpSeek(heap, vp, Math.floor(Math.random() * lpCount(heap, vp)));
    picked.b = heap.u8;
    picked.off = lpData(heap, vp, pos);
    picked.len = lpLen(heap, vp, pos);
  } else {
    const e = dictAt(heap, vp).random();
    picked.b = heap.u8;
    picked.off = e * 8 + 4;
    picked.len = heap.u32[e * 2];
  }
}

// ------------------------------------------------------------------ conversion

/** Convert to `to` (Listpack from an intset, Hashtable from either, Intset when all are integers), sized for `cap`. */
export function setConvert(sv: SetVal, to: Enc, cap: number): void {
  const heap = sv.heap, from = sv.enc, old = sv.vp;
  let nv: number;
  if (to === Enc.Hashtable) {
    nv = Dict.create(heap, dictCapFor(Math.max(cap, setSize(heap, old, from))));
    setForEach(heap, old, from, (b, off, len) => dictAddNew(heap, nv, b, off, len, hashBytes(b, off, len)));
  } else if (to === Enc.Listpack) {
    let est = cap * 2;
    if (from === Enc.Intset && isCount(heap, old) > 0) {
      isGet(heap, old, 0);
      const d0 = digitsI64(iv.hi, iv.lo);
      isGet(heap, old, isCount(heap, old) - 1);
      est = (Math.max(d0, digitsI64(iv.hi, iv.lo)) + 2) * cap;
    }
    nv = lpNew(heap, 12 + est);
    setForEach(heap, old, from, (b, off, len) => { nv = lpAppend(heap, nv, b, off, len); });
  } else {
    nv = isNew(heap);
    setForEach(heap, old, from, (b, off, len) => {
      if (!parseI64(b, off, len)) throw new Error('set: intset conversion of a non-integer member');
      nv = isAdd(heap, nv, iv.hi, iv.lo);
    });
  }
  setFree(heap, old, from);
  sv.vp = nv;
  sv.enc = to;
}

/** Convert to an intset if every member is an integer and the count allows (SINTERSTORE). */
export function setMaybeToIntset(sv: SetVal, lim: SetLimits): void {
  if (sv.enc === Enc.Intset || setSize(sv.heap, sv.vp, sv.enc) > lim.setMaxIntsetEntries) return;
  setConvert(sv, Enc.Intset, 0);
}

// ------------------------------------------------------------------ value ops

export function setFree(heap: Heap, vp: number, enc: Enc): void {
  if (enc === Enc.Intset) isFree(heap, vp);
  else if (enc === Enc.Listpack) lpFree(heap, vp);
  else dictDestroy(heap, vp);
}

export function setCopy(src: Heap, vp: number, enc: Enc, dst: Heap): number {
  if (enc === Enc.Intset) return isCopy(src, vp, dst);
  if (enc === Enc.Listpack) return lpCopy(src, vp, dst);
  const hdr = Dict.create(dst, dictCapFor(dictAt(src, vp).count()));
  newDictAt(src, vp).each((e) => {
    const len = src.u32[e * 2];
    const ne = dst.alloc(4 + len);
    dst.u32[ne * 2] = len;
    // after the alloc: src may be dst and have grown, so read through the current view
    const from = src.u8, o = e * 8 + 4;
    copyBytes(dst.u8, ne * 8 + 4, from, o, len);
    dictAt(dst, hdr).insert(hashBytes(dst.u8, ne * 8 + 4, len), ne);
  });
  return hdr;
}

export const setValueOps: ValueOps = {
  free: setFree,
  copy: setCopy,
};
