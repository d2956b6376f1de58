/**
 * Multi-producer / single-consumer ring of variable-length records on a SharedArrayBuffer: a
 * front-end thread's pub/sub inbox. Any thread may push (PUBLISH on another io-thread, a Lua
 * script, a keyspace notification); only the thread that owns the inbox pops.
 *
 * Why MPSC and not one SPSC ring (sab/ring.ts) per (producer, consumer) pair: producers need no
 * identity (an owner worker or an embedded host thread can publish without registering), and
 * memory is one ring per subscribing thread instead of one per pair (N rings, not N²).
 *
 * Memory layout (byte offsets from `byteOffset`, which must be a multiple of 64):
 *
 *   +---------------------------- line 0: immutable after initialize() -----------------------+
 *   | +0   kMagicField        u32  'INB1'                                                      |
 *   | +4   kCapacityField     u32  data-area size in bytes, a power of two                     |
 *   +---------------------------- line 1: producers ------------------------------------------+
 *   | +64  kReserveField      u32  bytes ever reserved (mod 2^32); producers advance it by CAS |
 *   +---------------------------- line 2: consumer -------------------------------------------+
 *   | +128 kReadField         u32  bytes ever consumed (mod 2^32); only the consumer stores it |
 *   | +132 kWakeField         i32  1 = the consumer is (about to be) waiting for a record      |
 *   | +136 kSpaceWaitField    i32  1 = some producer is waiting for free space                 |
 *   +---------------------------- data area: kHeaderBytes .. kHeaderBytes + capacity ---------+
 *   | [hdr|payload|pad][hdr|payload (being written, hdr still 0)][hdr|payload|pad][ zero ... ] |
 *   |  ^ read & mask                                                    reserve & mask ^       |
 *   +------------------------------------------------------------------------------------------+
 *
 * Record: a u32 header word, then `len` payload bytes padded to a multiple of 4 (footprint
 * 4 + align4(len)). Header values: 0 = not committed yet; kSkipMarker = the rest of the data
 * area is padding, continue at offset 0; otherwise kCommitted | len.
 *
 * Producer (any thread): (1) CAS kReserveField from w to w + skip + footprint, where skip is the
 * tail of the area when the record does not fit before its end, and only if the ring has room
 * (capacity - (w - read) >= skip + footprint); (2) write the payload with plain stores; (3) if it
 * skipped, Atomics.store the skip marker at the old position; (4) Atomics.store the header —
 * the commit; (5) wake the consumer if it waits.
 * Consumer (owner thread): Atomics.load the header at read; 0 means nothing more is committed
 * (the next reservation may still be being written: records are consumed strictly in
 * reservation order); otherwise hand the payload out in place, then zero the record's bytes,
 * and publish the new read index with Atomics.store after a batch.
 *
 * Invariants:
 * - 0 <= reserve - read <= capacity (mod 2^32); reserve and read are multiples of 4.
 * - Every byte in [reserve, read + capacity) is zero, and so is the header word of every
 *   reserved but uncommitted record: the consumer zeroes what it consumed before it moves
 *   read past it, and a producer writes a header only to commit. So a zero header always means
 *   "not committed", whatever payload bytes occupied that position on an earlier lap.
 * - A record's payload is complete before its header is stored (Atomics.store orders the
 *   plain stores before it), so a consumer that sees the header sees the payload.
 * - Records of one producer thread are reserved, hence consumed, in its program order: this
 *   is what keeps each publisher's messages in order at a subscriber.
 * - A payload is at most capacity/2 - 4 bytes, so a record always fits into an empty ring.
 *
 * Wake-up (no lost wake-up, the protocol of sab/ring.ts): the consumer stores kWakeField = 1,
 * re-checks the header at read, and only then waits; a producer, after its commit, loads
 * kWakeField and, if it is 1, CASes it to 0 and notifies. Producers waiting for space use
 * kSpaceWaitField the same way; the consumer notifies all of them after releasing space.
 *
 * Liveness caveat: a producer thread terminated between its reservation and its commit would
 * stall the ring; producers do nothing but copy bytes in between.
 */

import { footprint, kSkipMarker } from '../sab/ring.js';

const kMagic = 0x31424e49; // 'INB1'
export { kSkipMarker };
const kCommitted = 0x80000000;

export const kMagicField = 0;
export const kCapacityField = 1;
export const kReserveField = 16;
export const kReadField = 32;
export const kWakeField = 33;
export const kSpaceWaitField = 34;
export const kHeaderBytes = 192;

const kMinCapacity = 64;
const kMaxCapacity = 1 << 30;

export type InboxCallback = (data: Uint8Array, off: number, len: number) => void;

export class InboxRing {
  readonly capacity: number;
  readonly maxRecordLength: number;
  /** The data area; reserve() and drain() offsets are relative to it. */
  readonly data: Uint8Array;
  private readonly hu32: Uint32Array;
  private readonly hi32: Int32Array;
  private readonly du32: Uint32Array;
  private readonly mask: number;
  /** Consumer's copy of its read index. */
  private rIdx: number;
  /** Producer side: the reservation made by the last successful reserve(). */
  private resPos = -1;
  private resSkip = 0;
  private resSkipPos = 0;
  notifies = 0;

  static bytesFor(capacity: number): number {
    InboxRing.checkCapacity(capacity);
    return kHeaderBytes + capacity;
  }

  static initialize(sab: SharedArrayBuffer, byteOffset: number, capacity: number): void {
    InboxRing.checkCapacity(capacity);
    if (byteOffset % 64 !== 0 || byteOffset + kHeaderBytes + capacity > sab.byteLength) {
      throw new RangeError(`InboxRing: bad byteOffset ${byteOffset}`);
    }
    new Uint8Array(sab, byteOffset, kHeaderBytes + capacity).fill(0);
    const h = new Uint32Array(sab, byteOffset, kHeaderBytes / 4);
    Atomics.store(h, kCapacityField, capacity);
    Atomics.store(h, kMagicField, kMagic);
  }

  private static checkCapacity(capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < kMinCapacity || capacity > kMaxCapacity || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`InboxRing: capacity must be a power of two in [${kMinCapacity}, 2^30], got ${capacity}`);
    }
  }

  constructor(sab: SharedArrayBuffer, byteOffset = 0) {
    if (byteOffset % 64 !== 0 || byteOffset + kHeaderBytes > sab.byteLength) {
      throw new RangeError(`InboxRing: bad byteOffset ${byteOffset}`);
    }
    this.hu32 = new Uint32Array(sab, byteOffset, kHeaderBytes / 4);
    this.hi32 = new Int32Array(sab, byteOffset, kHeaderBytes / 4);
    if (Atomics.load(this.hu32, kMagicField) !== kMagic) throw new Error('InboxRing: header not initialized');
    const capacity = Atomics.load(this.hu32, kCapacityField);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxRecordLength = capacity / 2 - 4;
    this.data = new Uint8Array(sab, byteOffset + kHeaderBytes, capacity);
    this.du32 = new Uint32Array(sab, byteOffset + kHeaderBytes, capacity / 4);
    this.rIdx = Atomics.load(this.hu32, kReadField);
  }

  // ------------------------------------------------------------------ producers (any thread)

  /**
   * Reserve room for a record of `len` payload bytes. Returns the offset in `data` where the
   * payload goes, or -1 if the ring has no room now. Throws RangeError when `len` exceeds
   * maxRecordLength (it could never fit). Must be followed by commit(len) before this handle
   * reserves again; the consumer stops at an uncommitted record, so write and commit at once.
   */
  reserve(len: number): number {
    if (!(len >= 0 && len <= this.maxRecordLength)) {
      throw new RangeError(`InboxRing: record length ${len} exceeds maximum ${this.maxRecordLength}`);
    }
    const need = footprint(len), cap = this.capacity, h = this.hu32;
    for (;;) {
      const w = Atomics.load(h, kReserveField);
      const r = Atomics.load(h, kReadField);
      const used = (w - r) | 0;
      // read passed our stale w: another producer reserved and got consumed meanwhile.
      if (used < 0) continue;
      const pos = w & this.mask;
      const tail = cap - pos;
      const skip = need <= tail ? 0 : tail;
      if (cap - used < skip + need) return -1;
      if (Atomics.compareExchange(h, kReserveField, w, (w + skip + need) >>> 0) === w) {
        this.resSkip = skip;
        this.resSkipPos = pos;
        this.resPos = skip === 0 ? pos : 0;
        return this.resPos + 4;
      }
    }
  }

  /** Publish the record reserved by the last reserve(), whose payload is now written. */
  commit(len: number): void {
    const pos = this.resPos;
    if (pos < 0) throw new Error('InboxRing: commit() without reserve()');
    this.resPos = -1;
    if (this.resSkip !== 0) Atomics.store(this.du32, this.resSkipPos >>> 2, kSkipMarker);
    Atomics.store(this.du32, pos >>> 2, (kCommitted | len) >>> 0);
    const h = this.hi32;
    if (Atomics.load(h, kWakeField) !== 0 && Atomics.compareExchange(h, kWakeField, 1, 0) === 1) {
      Atomics.notify(h, kWakeField);
      this.notifies++;
    }
  }

  /** Copy bytes into the ring as one record. False if there is no room now. */
  tryPush(bytes: Uint8Array, off = 0, len = bytes.length - off): boolean {
    const at = this.reserve(len);
    if (at < 0) return false;
    this.data.set(bytes.subarray(off, off + len), at);
    this.commit(len);
    return true;
  }

  /** True if a record of `len` payload bytes would fit right now (a snapshot). */
  hasRoom(len: number): boolean {
    const h = this.hu32, cap = this.capacity, need = footprint(len);
    const w = Atomics.load(h, kReserveField), r = Atomics.load(h, kReadField);
    const pos = w & this.mask;
    const skip = need <= cap - pos ? 0 : cap - pos;
    return cap - ((w - r) | 0) >= skip + need;
  }

  /**
   * Producer: resolve when space for `len` bytes may have been freed (or after timeoutMs). The
   * caller retries its push; several producers may wait at once (the consumer wakes them all).
   */
  async waitForSpaceAsync(len: number, timeoutMs = 50): Promise<void> {
    const h = this.hi32;
    Atomics.store(h, kSpaceWaitField, 1);
    if (this.hasRoom(len)) return; // re-check after announcing: no lost wake-up
    const r = Atomics.waitAsync(h, kSpaceWaitField, 1, timeoutMs);
    if (r.async) await r.value;
  }

  /** Producer, blocking variant for worker threads: Atomics.wait until space may be free. */
  waitForSpace(len: number, timeoutMs = 50): void {
    const h = this.hi32;
    Atomics.store(h, kSpaceWaitField, 1);
    if (this.hasRoom(len)) return;
    Atomics.wait(h, kSpaceWaitField, 1, timeoutMs);
  }

  // ------------------------------------------------------------------ consumer (owner thread)

  /**
   * Consume up to `max` committed records in order: cb(data, off, len) for each, in place. The
   * view is valid only during the call. A record whose callback throws counts as consumed.
   * Returns the number of records consumed.
   */
  drain(cb: InboxCallback, max = Infinity): number {
    const du32 = this.du32, data = this.data, cap = this.capacity;
    let n = 0;
    const start = this.rIdx;
    try {
      while (n < max) {
        const pos = this.rIdx & this.mask;
        const hw = Atomics.load(du32, pos >>> 2);
        if (hw === 0) break;
        if (hw === kSkipMarker) {
          du32[pos >>> 2] = 0;
          this.rIdx = (this.rIdx + cap - pos) >>> 0;
          continue;
        }
        const len = (hw & ~kCommitted) >>> 0;
        const fp = footprint(len);
        this.rIdx = (this.rIdx + fp) >>> 0;
        n++;
        try {
          cb(data, pos + 4, len);
        } finally {
          data.fill(0, pos, pos + fp);
        }
      }
    } finally {
      if (this.rIdx !== start) this.release();
    }
    return n;
  }

  private release(): void {
    const h = this.hi32;
    Atomics.store(this.hu32, kReadField, this.rIdx);
    if (Atomics.load(h, kSpaceWaitField) !== 0) {
      Atomics.store(h, kSpaceWaitField, 0);
      Atomics.notify(h, kSpaceWaitField);
      this.notifies++;
    }
  }

  /** True if a committed record waits at the read position. */
  hasData(): boolean {
    return Atomics.load(this.du32, (this.rIdx & this.mask) >>> 2) !== 0;
  }

  /** Bytes reserved and not yet consumed (a snapshot). */
  used(): number {
    return (Atomics.load(this.hu32, kReserveField) - this.rIdx) >>> 0;
  }

  /**
   * Consumer: resolve with true once a record is committed, or false after timeoutMs. Never
   * blocks the thread (Atomics.waitAsync).
   */
  async waitForDataAsync(timeoutMs = Infinity): Promise<boolean> {
    const h = this.hi32;
    if (this.hasData()) return true;
    Atomics.store(h, kWakeField, 1);
    if (this.hasData()) {
      Atomics.store(h, kWakeField, 0);
      return true;
    }
    const r = Atomics.waitAsync(h, kWakeField, 1, timeoutMs);
    if (r.async) await r.value;
    Atomics.store(h, kWakeField, 0);
    return this.hasData();
  }

  /** Consumer, blocking variant for worker threads and tests: Atomics.wait. */
  waitForData(timeoutMs = Infinity): boolean {
    const h = this.hi32;
    if (this.hasData()) return true;
    Atomics.store(h, kWakeField, 1);
    if (!this.hasData()) Atomics.wait(h, kWakeField, 1, timeoutMs);
    Atomics.store(h, kWakeField, 0);
    return this.hasData();
  }
}
