/**
 * A shard: one slice of the keyspace in shared memory, usable from any thread that holds its
 * lock. Two SharedArrayBuffers make up a shard:
 *
 *   control SAB (kControlBytes, fixed size)
 *   ┌────────────┬─────────────┬───────────┬──────────────────────────────────────────────┐
 *   │ i32[0] lock│ i32[1] stop │ i32[2] waiters, [3..15]│ f64[8..15] stats: hits, ... │
 *   └────────────┴─────────────┴───────────┴──────────────────────────────────────────────┘
 *   i32[3]: keyspace-notification classes (kNotifyIndex, server/notify.ts), the same in every
 *   shard; written by CONFIG SET only, read without the lock
 *   f64[16..31]: per-db running average TTL in ms (kAvgTtlBase + db), kept by active expiry
 *   heap SAB (growable, see sab/alloc.ts): roots[0..15] = table header of db 0..15,
 *   root 16 = blocked clients' per-key queues (shard/waiters.ts)
 *
 * Invariants:
 * - Every access to the heap happens with i32[0] (the shard's futex lock) held.
 * - Stats are plain f64 writes made under the lock; readers (INFO) may see a torn snapshot
 *   across fields but never a torn field.
 * - A key record's type/encoding/LRU word, TTL and value are only changed through this class.
 */

import { Heap } from '../sab/alloc.js';
import { FutexLock } from '../sab/lock.js';
import { hashBytes } from '../sab/hash.js';
import { copyBytes } from '../sab/bytes.js';
import { KeyTable, kVolatileField } from '../sab/hashtable.js';
import { Enc, T, kInlineMax, kRecordHeader, kValueHeader } from '../sab/record.js';
import { VALUE_OPS } from '../types/index.js';
import { WaiterQueues, kWaitersRoot } from './waiters.js';
import { EV, Nc, kNotifyIndex, type Notifier } from '../server/notify.js';

export const kDatabases = 16;
export const kControlBytes = 256;
export const kLockIndex = 0;
export const kStopIndex = 1;

export const enum Stat {
  Hits = 8,
  Misses,
  Expired,
  ExpiredStalePerc,
  ActiveExpireCycles,
  Evicted,
  LockContended,
  LockAcquired,
}

/** f64 index of db 0's average TTL estimate in the control SAB (dbs 0..15 follow). */
export const kAvgTtlBase = 16;

export interface ShardHandle {
  id: number;
  control: SharedArrayBuffer;
  heap: SharedArrayBuffer;
}

/** LRU clock: seconds, 24 bits, as Redis's LRU_CLOCK. */
export function lruClock(nowMs: number): number {
  // The clock is read once per turn, so the last conversion is almost always reusable.
  if (nowMs !== lastClockMs) {
    lastClockMs = nowMs;
    lastClock = Math.floor(nowMs / 1000) & 0xffffff;
  }
  return lastClock;
}
let lastClockMs = -1;
let lastClock = 0;

export class Shard {
  readonly id: number;
  readonly heap: Heap;
  readonly lock: FutexLock;
  readonly control: Int32Array;
  readonly stats: Float64Array;
  readonly tables: KeyTable[] = [];
  /** Hash of the key passed to the last lookup(), reused by insert. */
  lastHash = 0;
  /**
   * Keyspace notifications of the thread using this Shard object (server/notify.ts): lazy
   * expiry ("expired"), read misses ("keymiss") and inserted keys ("new") publish through it.
   * null on threads that do not publish.
   */
  notifier: Notifier | null = null;
  /**
   * Set by a command that overwrites a key by deleting and inserting it (a *STORE onto an
   * existing key): Redis overwrites in place, so that insert sends no "new". Cleared by it.
   */
  replacing = false;

  constructor(readonly handle: ShardHandle) {
    this.id = handle.id;
    this.heap = new Heap(handle.heap);
    this.control = new Int32Array(handle.control);
    this.stats = new Float64Array(handle.control);
    this.lock = new FutexLock(this.control, kLockIndex);
    for (let db = 0; db < kDatabases; db++) this.tables.push(new KeyTable(this.heap, db));
  }

  static create(id: number, initialHeapBytes = 1 << 20): ShardHandle {
    const control = new SharedArrayBuffer(kControlBytes);
    FutexLock.initialize(new Int32Array(control), kLockIndex);
    const heapSab = Heap.create(initialHeapBytes);
    const heap = new Heap(heapSab);
    for (let db = 0; db < kDatabases; db++) heap.setRoot(db, KeyTable.create(heap));
    heap.setRoot(kWaitersRoot, WaiterQueues.create(heap));
    return { id, control, heap: heapSab };
  }

  /** Take the shard lock, sleeping if busy (owner workers, embedded sync callers, tests). */
  acquire(): void {
    this.lock.lock();
    this.heap.sync();
  }

  /** Take the shard lock if free (front ends). */
  tryAcquire(): boolean {
    if (!this.lock.tryLock()) return false;
    this.heap.sync();
    return true;
  }

  release(): void {
    this.lock.unlock();
  }

  // ---------------------------------------------------------------- record fields

  type(rec: number): T {
    return this.heap.u32[rec * 2] & 0xf;
  }

  encoding(rec: number): Enc {
    return (this.heap.u32[rec * 2] >>> 4) & 0xf;
  }

  lru(rec: number): number {
    return this.heap.u32[rec * 2] >>> 8;
  }

  touch(rec: number, nowMs: number): void {
    const u32 = this.heap.u32, w = rec * 2;
    u32[w] = (u32[w] & 0xff) | (lruClock(nowMs) << 8);
  }

  expireAt(rec: number): number {
    return this.heap.f64[rec + 2];
  }

  /** Redis's keyIsExpired: a key with a TTL is gone once now is past its expiry time. */
  isExpired(rec: number, now: number): boolean {
    const at = this.heap.f64[rec + 2];
    return at !== 0 && now > at;
  }

  keyLen(rec: number): number {
    return this.heap.u32[rec * 2 + 1];
  }

  keyOffset(rec: number): number {
    return rec * 8 + kRecordHeader;
  }

  keyBuffer(rec: number): Buffer {
    const o = rec * 8 + kRecordHeader;
    return Buffer.from(this.heap.u8.subarray(o, o + this.keyLen(rec)));
  }

  valLen(rec: number): number {
    return this.heap.u32[rec * 2 + 2];
  }

  /** Byte offset in heap.u8 of a string value. */
  valOffset(rec: number): number {
    const u32 = this.heap.u32;
    const vp = u32[rec * 2 + 3];
    return vp === 0 ? rec * 8 + kRecordHeader + u32[rec * 2 + 1] : vp * 8 + kValueHeader;
  }

  valueBuffer(rec: number): Buffer {
    const o = this.valOffset(rec);
    return Buffer.from(this.heap.u8.subarray(o, o + this.valLen(rec)));
  }

  // ---------------------------------------------------------------- lookups

  /**
   * Find a live key in `db`. An expired key is deleted on the spot (lazy expiry) and reported
   * missing. On success the table remembers the slot, for replace/delete.
   */
  lookup(db: number, b: Uint8Array, off: number, len: number, now: number): number {
    const h = hashBytes(b, off, len);
    this.lastHash = h;
    const t = this.tables[db];
    const rec = t.find(b, off, len, h);
    if (rec === 0) return 0;
    const exp = this.heap.f64[rec + 2];
    if (exp !== 0 && now > exp) return this.expireFound(db, rec);
    return rec;
  }

  /** lookup()'s lazy expiry, out of line (lookup stays small enough to inline everywhere). */
  private expireFound(db: number, rec: number): 0 {
    if ((this.control[kNotifyIndex] & Nc.Expired) !== 0) this.notifyExpired(db, rec);
    this.deleteFound(db, rec);
    this.stats[Stat.Expired]++;
    return 0;
  }

  /** lookup() for a read: counts keyspace hits/misses and refreshes the LRU clock. */
  lookupRead(db: number, b: Uint8Array, off: number, len: number, now: number, touch = true): number {
    const rec = this.lookup(db, b, off, len, now);
    if (rec === 0) {
      this.stats[Stat.Misses]++;
      if ((this.control[kNotifyIndex] & Nc.KeyMiss) !== 0) this.notifyMiss(db, b, off, len);
    } else {
      this.stats[Stat.Hits]++;
      if (touch) this.touch(rec, now);
    }
    return rec;
  }

  /** The "expired" notification of a record that expiry (lazy or active) is about to delete. */
  notifyExpired(db: number, rec: number): void {
    const f = this.control[kNotifyIndex];
    if ((f & Nc.Expired) === 0 || this.notifier === null) return;
    this.notifier.emit(f, EV.expired, this.heap.u8, rec * 8 + kRecordHeader, this.heap.u32[rec * 2 + 1], db);
  }

  /** The "keymiss" notification of a read lookup that found nothing. */
  private notifyMiss(db: number, b: Uint8Array, off: number, len: number): void {
    this.notifier?.emit(this.control[kNotifyIndex], EV.keymiss, b, off, len, db);
  }

  /** The "new" notification of a key just inserted (Redis's dbAdd), unless `replacing`. */
  private notifyNew(db: number, kb: Uint8Array, koff: number, klen: number): void {
    if (this.replacing) {
      this.replacing = false;
      return;
    }
    this.notifier?.emit(this.control[kNotifyIndex], EV.new, kb, koff, klen, db);
  }

  /** Delete the key that the last lookup() found. */
  deleteFound(db: number, rec: number): void {
    const t = this.tables[db];
    if (this.heap.f64[rec + 2] !== 0) t.setField(kVolatileField, t.getField(kVolatileField) - 1);
    t.deleteFound();
    this.freeRecord(rec);
  }

  /** Release a record and everything it owns. */
  freeRecord(rec: number): void {
    const heap = this.heap, u32 = heap.u32;
    const keyLen = u32[rec * 2 + 1];
    const vp = u32[rec * 2 + 3];
    const type = u32[rec * 2] & 0xf;
    // A non-string value always has its own root block and a non-string encoding. (Tests
    // retype string records with forceType(); those keep a string encoding and free as one.)
    if (type !== T.String && vp !== 0 && (u32[rec * 2] >>> 4 & 0xf) > Enc.Embstr) {
      VALUE_OPS[type]!.free(heap, vp, (u32[rec * 2] >>> 4) & 0xf);
      heap.free(rec, kRecordHeader + keyLen);
    } else if (vp !== 0) {
      heap.free(vp, kValueHeader + u32[vp * 2]);
      heap.free(rec, kRecordHeader + keyLen);
    } else {
      heap.free(rec, kRecordHeader + keyLen + u32[rec * 2 + 2]);
    }
  }

  setExpire(db: number, rec: number, at: number): void {
    const f64 = this.heap.f64;
    const was = f64[rec + 2];
    if ((was === 0) !== (at === 0)) {
      const t = this.tables[db];
      t.setField(kVolatileField, t.getField(kVolatileField) + (at === 0 ? -1 : 1));
    }
    f64[rec + 2] = at;
  }

  // ---------------------------------------------------------------- strings

  /**
   * Store a string value for a key. `rec` is the key's current record from the last lookup()
   * of this key (0 if absent). The TTL becomes `expireAt` (0 = none) unless keepTtl.
   * Returns the record now holding the key.
   */
  setString(
    db: number, rec: number, kb: Uint8Array, koff: number, klen: number,
    vb: Uint8Array, voff: number, vlen: number, expireAt: number, keepTtl: boolean, now: number,
    enc: Enc = stringEncoding(vb, voff, vlen),
  ): number {
    const heap = this.heap;
    let ttl = expireAt;
    if (rec !== 0 && keepTtl) ttl = heap.f64[rec + 2];
    // Same-size inline string: overwrite in place.
    if (rec !== 0 && vlen <= kInlineMax && heap.u32[rec * 2 + 3] === 0 && (heap.u32[rec * 2] & 0xf) === T.String) {
      const oldLen = heap.u32[rec * 2 + 2];
      if (oldLen !== vlen && Heap.usable(kRecordHeader + klen + oldLen) !== Heap.usable(kRecordHeader + klen + vlen)) {
        return this.replaceString(db, rec, kb, koff, klen, vb, voff, vlen, ttl, enc, now);
      }
      const o = rec * 8 + kRecordHeader + klen;
      copyBytes(heap.u8, o, vb, voff, vlen);
      heap.u32[rec * 2 + 2] = vlen;
      heap.u32[rec * 2] = T.String | (enc << 4) | (lruClock(now) << 8);
      this.setExpire(db, rec, ttl);
      return rec;
    }
    return this.replaceString(db, rec, kb, koff, klen, vb, voff, vlen, ttl, enc, now);
  }

  /** setString's slow path: a new record replaces the old one (or is inserted). */
  private replaceString(
    db: number, rec: number, kb: Uint8Array, koff: number, klen: number,
    vb: Uint8Array, voff: number, vlen: number, ttl: number, enc: Enc, now: number,
  ): number {
    const heap = this.heap;
    const nrec = this.newStringRecord(kb, koff, klen, vb, voff, vlen, vlen, enc, now);
    heap.f64[nrec + 2] = 0;
    const t = this.tables[db];
    if (rec !== 0) {
      if (heap.f64[rec + 2] !== 0) t.setField(kVolatileField, t.getField(kVolatileField) - 1);
      this.freeRecord(rec);
      t.replaceFound(nrec);
    } else {
      t.insert(this.lastHash, nrec);
      if ((this.control[kNotifyIndex] & Nc.New) !== 0) this.notifyNew(db, kb, koff, klen);
    }
    this.setExpire(db, nrec, ttl);
    return nrec;
  }

  /**
   * Make a string record with `cap` bytes of room for the value (cap ≥ vlen; only used for
   * out-of-line values, where APPEND/SETRANGE grow geometrically).
   */
  private newStringRecord(
    kb: Uint8Array, koff: number, klen: number, vb: Uint8Array | null, voff: number, vlen: number,
    cap: number, enc: Enc, now: number,
  ): number {
    const heap = this.heap;
    const inline = cap <= kInlineMax;
    const rec = heap.alloc(kRecordHeader + klen + (inline ? vlen : 0));
    const u32 = heap.u32, w = rec * 2;
    u32[w] = T.String | (enc << 4) | (lruClock(now) << 8);
    u32[w + 1] = klen;
    u32[w + 2] = vlen;
    heap.f64[rec + 2] = 0;
    copyBytes(heap.u8, rec * 8 + kRecordHeader, kb, koff, klen);
    let vo: number;
    if (inline) {
      u32[w + 3] = 0;
      vo = rec * 8 + kRecordHeader + klen;
    } else {
      const vp = heap.alloc(kValueHeader + cap);
      const u32b = heap.u32; // the alloc may have grown the heap: fetch a view that covers vp
      u32b[vp * 2] = Heap.usable(kValueHeader + cap) - kValueHeader;
      u32b[w + 3] = vp;
      vo = vp * 8 + kValueHeader;
    }
    if (vb !== null) copyBytes(heap.u8, vo, vb, voff, vlen);
    return rec;
  }

  /**
   * Resize a string value in place or by reallocation, keeping its first `keep` bytes and
   * zero-filling any new bytes. Used by APPEND, SETRANGE and SETBIT. Returns the record and
   * leaves the value `newLen` bytes long.
   */
  resizeString(db: number, rec: number, newLen: number, now: number): number {
    const heap = this.heap, u32 = heap.u32;
    const klen = u32[rec * 2 + 1];
    const oldLen = u32[rec * 2 + 2];
    const vp = u32[rec * 2 + 3];
    if (vp !== 0 && u32[vp * 2] >= newLen) {
      if (newLen > oldLen) heap.u8.fill(0, vp * 8 + kValueHeader + oldLen, vp * 8 + kValueHeader + newLen);
      u32[rec * 2 + 2] = newLen;
      return rec;
    }
    if (vp === 0 && newLen <= kInlineMax &&
        Heap.usable(kRecordHeader + klen + oldLen) === Heap.usable(kRecordHeader + klen + newLen)) {
      const o = rec * 8 + kRecordHeader + klen;
      if (newLen > oldLen) heap.u8.fill(0, o + oldLen, o + newLen);
      u32[rec * 2 + 2] = newLen;
      return rec;
    }
    const cap = newLen <= kInlineMax ? newLen : Math.max(newLen, Math.min(oldLen * 2, newLen + (1 << 20)));
    const nrec = this.newStringRecord(heap.u8, rec * 8 + kRecordHeader, klen, null, 0, newLen, cap, Enc.Raw, now);
    const no = this.valOffset(nrec), oo = this.valOffset(rec);
    heap.u8.copyWithin(no, oo, oo + Math.min(oldLen, newLen));
    if (newLen > oldLen) heap.u8.fill(0, no + oldLen, no + newLen);
    heap.f64[nrec + 2] = heap.f64[rec + 2];
    heap.u32[nrec * 2] = (heap.u32[rec * 2] & ~0xf0) | (Enc.Raw << 4);
    this.freeRecord(rec);
    this.tables[db].replaceFound(nrec);
    return nrec;
  }

  setEncoding(rec: number, enc: Enc): void {
    const u32 = this.heap.u32;
    u32[rec * 2] = (u32[rec * 2] & ~0xf0) | (enc << 4);
  }

  // ---------------------------------------------------------------- other types

  /** Root block of a non-string value (see types/*.ts). */
  valuePtr(rec: number): number {
    return this.heap.u32[rec * 2 + 3];
  }

  /** Point a non-string record at a new root block, and set its encoding. */
  setValue(rec: number, vp: number, enc: Enc): void {
    const u32 = this.heap.u32, w = rec * 2;
    u32[w + 3] = vp;
    u32[w] = (u32[w] & ~0xf0) | (enc << 4);
  }

  /**
   * Insert a key holding a non-string value rooted at `vp`. The key must be absent, and the
   * last lookup() on this shard must have been of this key (its hash is reused).
   */
  insertValue(db: number, kb: Uint8Array, koff: number, klen: number, type: T, enc: Enc, vp: number, now: number): number {
    const heap = this.heap;
    const rec = heap.alloc(kRecordHeader + klen);
    const u32 = heap.u32, w = rec * 2;
    u32[w] = type | (enc << 4) | (lruClock(now) << 8);
    u32[w + 1] = klen;
    u32[w + 2] = 0;
    u32[w + 3] = vp;
    heap.f64[rec + 2] = 0;
    copyBytes(heap.u8, rec * 8 + kRecordHeader, kb, koff, klen);
    this.tables[db].insert(this.lastHash, rec);
    if ((this.control[kNotifyIndex] & Nc.New) !== 0) this.notifyNew(db, kb, koff, klen);
    return rec;
  }

  /**
   * Copy a record as key `kb` into db `db` of this shard (RENAME, COPY, MOVE); the key must be
   * absent. The source may be in this shard or another one whose lock the caller holds.
   */
  insertCopy(db: number, from: Shard, rec: number, kb: Uint8Array, koff: number, klen: number, keepExpire: boolean, now: number): number {
    const type = from.type(rec);
    if (type !== T.String) {
      const enc = from.encoding(rec);
      const vp = VALUE_OPS[type]!.copy(from.heap, from.valuePtr(rec), enc, this.heap);
      this.lastHash = hashBytes(kb, koff, klen);
      const nrec = this.insertValue(db, kb, koff, klen, type, enc, vp, now);
      if (keepExpire) this.setExpire(db, nrec, from.expireAt(rec));
      return nrec;
    }
    const vo = from.valOffset(rec), vl = from.valLen(rec);
    const src = from === this ? this.heap.u8.slice(vo, vo + vl) : from.heap.u8.subarray(vo, vo + vl);
    this.lastHash = hashBytes(kb, koff, klen);
    const exp = keepExpire ? from.expireAt(rec) : 0;
    return this.setString(db, 0, kb, koff, klen, src, 0, vl, exp, false, now);
  }

  /** Swap two dbs of this shard (SWAPDB; every shard lock is held by the caller). */
  swapDb(a: number, b: number): void {
    const ra = this.heap.root(a);
    this.heap.setRoot(a, this.heap.root(b));
    this.heap.setRoot(b, ra);
  }

  /** Remove every key of one db. */
  flushDb(db: number): void {
    this.tables[db].clear((r) => this.freeRecord(r));
  }

  dbSize(db: number): number {
    return this.tables[db].count();
  }

  volatileCount(db: number): number {
    return this.tables[db].getField(kVolatileField);
  }
}

/** Redis's string encodings: int (canonical 64-bit integer), embstr (≤ 44 bytes), raw. */
export function stringEncoding(b: Uint8Array, off: number, len: number): Enc {
  if (len > 0 && len <= 20 && isCanonicalInt(b, off, len)) return Enc.Int;
  return len <= 44 ? Enc.Embstr : Enc.Raw;
}

function isCanonicalInt(b: Uint8Array, off: number, len: number): boolean {
  let i = off;
  const end = off + len;
  if (b[i] === 0x2d) {
    i++;
    if (i === end) return false;
  }
  if (b[i] === 0x30 && end - i > 1) return false;
  if (b[i] === 0x30 && b[off] === 0x2d) return false;
  for (; i < end; i++) if (b[i] < 48 || b[i] > 57) return false;
  if (len >= 19) {
    const v = BigInt(Buffer.from(b.subarray(off, end)).toString('latin1'));
    return v >= -(2n ** 63n) && v < 2n ** 63n;
  }
  return true;
}
