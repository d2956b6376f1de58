/**
 * Hash values: two encodings, chosen as Redis chooses them (t_hash.c).
 *
 *   listpack (Enc.Listpack): the record's valPtr is one listpack block (sab/listpack.ts)
 *   ┌────────────┬───────┬───────┬───────┬───────┬─────┐
 *   │ lp header  │ field │ value │ field │ value │ ... │   fields in insertion order
 *   └────────────┴───────┴───────┴───────┴───────┴─────┘
 *
 *   hashtable (Enc.Hashtable): the record's valPtr is a Dict header (sab/hashtable.ts) whose
 *   entries are one heap block per field:
 *   entry e (byte base e*8, u32 word e*2)
 *   ┌──────────────┬──────────────┬──────────────┬──────────────┐
 *   │ fieldLen u32 │ valueLen u32 │ field bytes  │ value bytes  │
 *   │ w+0          │ w+1          │ b+8          │ b+8+fieldLen │
 *   └──────────────┴──────────────┴──────────────┴──────────────┘
 *   The Dict reads the key length at word 0 (lenWord 0) and the key bytes at byte 8.
 *
 * Invariants:
 * - An entry block is allocated with exactly kEntryHeader + fieldLen + valueLen bytes and freed
 *   with the size its two length words give. A new value that keeps the block's size class is
 *   written in place; otherwise a new block replaces the old one in the same Dict slot.
 * - A listpack hash has an even number of entries (field, value pairs) and at most one pair
 *   per field. It becomes a hashtable (never back) when its field count exceeds
 *   hash-max-listpack-entries, when a field or value longer than hash-max-listpack-value is
 *   stored, or when the block would pass kLpSafeBytes.
 * - A stored hash is never empty: the command that removes the last field deletes the key.
 * - Values are stored as their bytes (integers as decimal text), so replies are byte-exact.
 * - Everything runs under the shard lock. heap.alloc may grow the heap and replace its views:
 *   views are re-read after every allocation.
 */
import { Heap } from '../sab/alloc.js';
import { Dict } from '../sab/hashtable.js';
import { hashBytes } from '../sab/hash.js';
import { copyBytes } from '../sab/bytes.js';
import {
  kLpHeader, lpAppend, lpBytes, lpCopy, lpCount, lpData, lpDelete, lpEntrySize, lpFind, lpFirst, lpFree, lpLen, lpNew,
  lpNext, lpReplace,
} from '../sab/listpack.js';
import { Enc } from '../sab/record.js';
import type { Shard } from '../shard/shard.js';
import type { TypeLimits } from '../server/config.js';
import type { ValueOps } from './value-ops.js';

export const kEntryHeader = 8;
/** Redis refuses to grow a listpack past 1 GiB (lpSafeToAdd); the hash converts instead. */
export const kLpSafeBytes = 1 << 30;
/** Slots moved per write while a field table shrinks (inserts move their own share too). */
const kRehashStepOnWrite = 16;

// ------------------------------------------------------------------ entries and dicts

/** Size in bytes of hashtable entry block e. */
export function entryBytes(heap: Heap, e: number): number {
  const u32 = heap.u32;
  return kEntryHeader + u32[e * 2] + u32[e * 2 + 1];
}

/** A new entry block holding field fb[foff..] and value vb[voff..]; the sources must not be inside a block freed here. */
function newEntry(heap: Heap, fb: Uint8Array, foff: number, flen: number, vb: Uint8Array, voff: number, vlen: number): number {
  const e = heap.alloc(kEntryHeader + flen + vlen);
  const u32 = heap.u32, u8 = heap.u8, b = e * 8 + kEntryHeader;
  u32[e * 2] = flen;
  u32[e * 2 + 1] = vlen;
  // fb/vb may be heap.u8 from before the alloc (a conversion copies out of a listpack): an
  // older, shorter view of the same buffer still reads the same bytes.
  copyBytes(u8, b, fb, foff, flen);
  copyBytes(u8, b + flen, vb, voff, vlen);
  return e;
}

const dicts = new WeakMap<Heap, Dict>();
let lastHeap: Heap | null = null;
let lastDict: Dict | null = null;

/** The shared Dict cursor of a heap, pointed at field table `hdr`. */
export function hashDict(heap: Heap, hdr: number): Dict {
  if (heap !== lastHeap) {
    let d = dicts.get(heap);
    if (d === undefined) {
      d = new Dict(heap, 0, kEntryHeader);
      dicts.set(heap, d);
    }
    lastHeap = heap;
    lastDict = d;
  }
  return lastDict!.at(hdr);
}

/** Slot capacity for a new table that will hold n fields with room to grow. */
function capacityFor(n: number): number {
  let cap = 16;
  while (cap * 3 < (n + 1) * 4) cap *= 2;
  return cap;
}

// ------------------------------------------------------------------ reads

/** Where hashGet() found the value: absolute byte offset in heap.u8 and length. */
export const hv = { off: 0, len: 0 };

/** Number of fields. */
export function hashLen(heap: Heap, vp: number, enc: Enc): number {
  return enc === Enc.Listpack ? lpCount(heap, vp) >>> 1 : hashDict(heap, vp).count();
}

/** Look up a field; on success hv holds the value's place (valid until the next allocation). */
export function hashGet(heap: Heap, vp: number, enc: Enc, b: Uint8Array, off: number, len: number): boolean {
  if (enc === Enc.Listpack) {
    const pos = lpFind(heap, vp, b, off, len, 2);
    if (pos < 0) return false;
    const vpos = lpNext(heap, vp, pos);
    hv.off = lpData(heap, vp, vpos);
    hv.len = lpLen(heap, vp, vpos);
    return true;
  }
  const e = hashDict(heap, vp).find(b, off, len, hashBytes(b, off, len));
  if (e === 0) return false;
  const u32 = heap.u32;
  hv.off = e * 8 + kEntryHeader + u32[e * 2];
  hv.len = u32[e * 2 + 1];
  return true;
}

// Dict header words (sab/hashtable.ts's diagram): t0 ptr, t0 mask, t1 ptr, t1 mask.
/** A uniformly random entry of a non-empty field table (Dict.random() is fair). */
export function hashRandomEntry(heap: Heap, hdr: number): number {
  return hashDict(heap, hdr).random();
}

/**
 * A snapshot of every field and value as absolute heap.u8 offsets and lengths, in storage
 * order: [fieldOff, fieldLen, valueOff, valueLen] per field. Valid until the next allocation
 * in this heap (commands reply from it without allocating in between).
 */
export function hashEntries(heap: Heap, vp: number, enc: Enc): number[] {
  const out: number[] = [];
  if (enc === Enc.Listpack) {
    for (let pos = lpFirst(heap, vp); pos >= 0; pos = lpNext(heap, vp, pos)) {
      out.push(lpData(heap, vp, pos), lpLen(heap, vp, pos));
    }
    return out;
  }
  const u32 = heap.u32;
  hashDict(heap, vp).each((e) => {
    const flen = u32[e * 2];
    out.push(e * 8 + kEntryHeader, flen, e * 8 + kEntryHeader + flen, u32[e * 2 + 1]);
  });
  return out;
}

// ------------------------------------------------------------------ writes

/**
 * Make the value of a new (absent) hash key: an empty listpack with room for `capBytes` bytes
 * (header included), so a first HSET of several pairs fills it without reallocating.
 */
export function hashCreate(heap: Heap, capBytes = 0): number {
  return lpNew(heap, capBytes);
}

/** Listpack bytes (header included) that the pairs in args [from, to) of a command need. */
export function hashListpackBytes(lens: Int32Array, from: number, to: number): number {
  let n = kLpHeader;
  for (let i = from; i < to; i++) n += lpEntrySize(lens[i]);
  return n;
}

/** Convert a listpack hash to a hashtable (Redis's hashTypeConvert). */
export function hashConvert(s: Shard, rec: number): void {
  const heap = s.heap;
  const lp = s.valuePtr(rec);
  const n = lpCount(heap, lp) >>> 1;
  const hdr = Dict.create(heap, capacityFor(n));
  const d = hashDict(heap, hdr);
  for (let pos = lpFirst(heap, lp); pos >= 0;) {
    const vpos = lpNext(heap, lp, pos);
    const fo = lpData(heap, lp, pos), fl = lpLen(heap, lp, pos);
    const vo = lpData(heap, lp, vpos), vl = lpLen(heap, lp, vpos);
    const e = newEntry(heap, heap.u8, fo, fl, heap.u8, vo, vl);
    const kb = e * 8 + kEntryHeader;
    d.insert(hashBytes(heap.u8, kb, fl), e);
    pos = lpNext(heap, lp, vpos);
  }
  lpFree(heap, lp);
  s.setValue(rec, hdr, Enc.Hashtable);
}

/**
 * Set a field (HSET's hashTypeSet): converts the hash first when the pair would break the
 * listpack limits, and after an insert that passes the entry limit. Returns 1 if the field
 * was added, 0 if its value was replaced.
 */
export function hashSet(
  s: Shard, rec: number, limits: TypeLimits,
  fb: Uint8Array, foff: number, flen: number, vb: Uint8Array, voff: number, vlen: number,
): number {
  const heap = s.heap;
  let vp = s.valuePtr(rec);
  if (s.encoding(rec) === Enc.Listpack) {
    const maxV = limits.hashMaxListpackValue;
    if (flen > maxV || vlen > maxV || lpBytes(heap, vp) + flen + vlen > kLpSafeBytes) {
      hashConvert(s, rec);
      return dictSet(heap, s.valuePtr(rec), fb, foff, flen, vb, voff, vlen);
    }
    const pos = lpFind(heap, vp, fb, foff, flen, 2);
    if (pos >= 0) {
      const np = lpReplace(heap, vp, lpNext(heap, vp, pos), vb, voff, vlen);
      if (np !== vp) s.setValue(rec, np, Enc.Listpack);
      return 0;
    }
    const np = lpAppend(heap, lpAppend(heap, vp, fb, foff, flen), vb, voff, vlen);
    if (np !== vp) s.setValue(rec, np, Enc.Listpack);
    if (lpCount(heap, np) >>> 1 > limits.hashMaxListpackEntries) hashConvert(s, rec);
    return 1;
  }
  return dictSet(heap, vp, fb, foff, flen, vb, voff, vlen);
}

function dictSet(heap: Heap, hdr: number, fb: Uint8Array, foff: number, flen: number, vb: Uint8Array, voff: number, vlen: number): number {
  const d = hashDict(heap, hdr);
  const h = hashBytes(fb, foff, flen);
  const e = d.find(fb, foff, flen, h);
  if (e === 0) {
    d.insert(h, newEntry(heap, fb, foff, flen, vb, voff, vlen));
    return 1;
  }
  const u32 = heap.u32;
  const oldV = u32[e * 2 + 1];
  if (oldV === vlen || Heap.usable(kEntryHeader + flen + oldV) === Heap.usable(kEntryHeader + flen + vlen)) {
    copyBytes(heap.u8, e * 8 + kEntryHeader + flen, vb, voff, vlen);
    u32[e * 2 + 1] = vlen;
  } else {
    const ne = newEntry(heap, fb, foff, flen, vb, voff, vlen);
    d.replaceFound(ne);
    heap.free(e, kEntryHeader + flen + oldV);
  }
  if (d.isRehashing()) d.rehashStep(kRehashStepOnWrite);
  return 0;
}

/** Remove a field. Returns true if it existed. The caller deletes the key when it empties. */
export function hashDelete(s: Shard, rec: number, b: Uint8Array, off: number, len: number): boolean {
  const heap = s.heap;
  const vp = s.valuePtr(rec);
  if (s.encoding(rec) === Enc.Listpack) {
    const pos = lpFind(heap, vp, b, off, len, 2);
    if (pos < 0) return false;
    const np = lpDelete(heap, vp, pos, 2);
    if (np !== vp) s.setValue(rec, np, Enc.Listpack);
    return true;
  }
  const d = hashDict(heap, vp);
  const e = d.find(b, off, len, hashBytes(b, off, len));
  if (e === 0) return false;
  d.deleteFound();
  heap.free(e, entryBytes(heap, e));
  // Like Redis's dictResize after a delete: shrink a sparse table (or one full of tombstones).
  if (d.isRehashing() || d.maybeShrink()) d.rehashStep(kRehashStepOnWrite);
  return true;
}

// ------------------------------------------------------------------ value ops

function freeHash(heap: Heap, vp: number, enc: number): void {
  if (enc === Enc.Listpack) return lpFree(heap, vp);
  hashDict(heap, vp).destroy((e) => heap.free(e, entryBytes(heap, e)));
}

function copyHash(src: Heap, vp: number, enc: number, dst: Heap): number {
  if (enc === Enc.Listpack) return lpCopy(src, vp, dst);
  const from = new Dict(src, 0, kEntryHeader).at(vp);
  const hdr = Dict.create(dst, capacityFor(from.count()));
  const to = new Dict(dst, 0, kEntryHeader).at(hdr);
  from.each((e) => {
    const flen = src.u32[e * 2], vlen = src.u32[e * 2 + 1];
    const bytes = kEntryHeader + flen + vlen;
    const ne = dst.alloc(bytes);
    // Read the source after the alloc: src may be dst and have grown.
    dst.u8.set(src.u8.subarray(e * 8, e * 8 + bytes), ne * 8);
    to.insert(hashBytes(dst.u8, ne * 8 + kEntryHeader, flen), ne);
  });
  return hdr;
}

export const hashValueOps: ValueOps = { free: freeHash, copy: copyHash };
