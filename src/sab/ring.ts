/**
 * Single-producer / single-consumer ring of variable-length records on a SharedArrayBuffer.
 *
 * Exactly one thread pushes (the producer) and exactly one thread pops (the consumer). Each side
 * wraps the same memory in its own `Ring` handle; the handle caches a little local state (the
 * other side's last-seen index), so a handle must never be used by both sides at once from two
 * threads. Using one handle for both sides on a single thread (unit tests) is fine.
 *
 * Memory layout (byte offsets relative to `byteOffset`; one 64-byte cache line per owner so the
 * producer's and the consumer's hot fields never share a line):
 *
 *   byteOffset
 *   +----------------------------- line 0: immutable after initialize() ----------------------+
 *   | +0   kMagicField      u32  'RNG1' - detects a handle over uninitialised memory          |
 *   | +4   kCapacityField   u32  data-area size in bytes, a power of two                      |
 *   | +8 .. +63             unused                                                            |
 *   +----------------------------- line 1: producer-owned ------------------------------------+
 *   | +64  kWriteField      u32  monotonic write index (bytes ever published, mod 2^32)       |
 *   | +68  kWakeField       i32  1 = consumer is (about to be) asleep waiting for data        |
 *   | +72 .. +127           unused                                                            |
 *   +----------------------------- line 2: consumer-owned ------------------------------------+
 *   | +128 kReadField       u32  monotonic read index (bytes ever consumed, mod 2^32)         |
 *   | +132 kSpaceWaitField  i32  1 = producer is (about to be) asleep waiting for space       |
 *   | +136 .. +191          unused                                                            |
 *   +----------------------------- data area: kHeaderBytes .. kHeaderBytes + capacity --------+
 *   | no wrap pending (read position < write position):                                       |
 *   |  [ free ......... ][len|payload|pad][len|payload|pad][len][ free ................ ]     |
 *   |                    ^ read & (cap-1)                       ^ write & (cap-1)             |
 *   | after a wrap (the record that did not fit in the tail went to offset 0):                |
 *   |  [len|payload|pad][ free .......... ][len|payload|pad][len|payload][SKIP| padding ]     |
 *   |                   ^ write            ^ read  (SKIP..end skipped as one unit)            |
 *   +-----------------------------------------------------------------------------------------+
 *
 * Field ownership: kWriteField is stored only by the producer and kReadField only by the
 * consumer. The two flag words are written by both sides (one sets 1, the other clears it with a
 * compareExchange), but rarely; each sits on the line of the side that *polls* it on every
 * operation (the producer checks kWakeField after each push, the consumer kSpaceWaitField after
 * each release), so the hot-path check never touches the other side's line. A producer with
 * `deferWake` set skips that check and calls wakeConsumer() itself after a batch; until it does,
 * a sleeping consumer may miss the batch (it wakes at its timeout).
 * kMagicField/kCapacityField are written by initialize() only and read at construction.
 *
 * Record format: a u32 length prefix (native endianness; both sides run on the same machine)
 * followed by `len` payload bytes, padded up to a multiple of 4 so every prefix is 4-aligned.
 * A record occupies `4 + align4(len)` bytes ("its footprint"). Zero-length records are legal
 * (footprint 4).
 *
 * Wrapping: records are never split. When a record's footprint does not fit in the bytes left
 * before the end of the data area, the producer writes the marker kSkipMarker (0xFFFFFFFF) in the
 * length slot at the current position, treats the rest of the area as consumed padding, and
 * writes the record at offset 0. Because everything is 4-aligned and the capacity is a power of
 * two, there are always >= 4 bytes left for the marker. We chose padding over a split copy so
 * that the consumer can hand out every record *in place* as one contiguous (buf, off, len) view
 * (`drain`) without copying, and so that a producer can `reserve()` one contiguous region and
 * encode straight into the ring.
 *
 * Maximum record: a footprint of at most capacity/2, i.e. `len <= capacity/2 - 4`. This bound
 * guarantees that a record always fits into an *empty* ring wherever the indices happen to be:
 * with free = capacity and position p, either the tail (capacity - p) holds the footprint, or
 * p > capacity/2 and tail + footprint < 2 * footprint <= capacity. Larger records are rejected
 * with a RangeError (not `false`), since retrying could never succeed.
 *
 * Indices: `write` and `read` are byte counters that only grow, stored as u32 and wrapping mod
 * 2^32. The capacity (<= 2^30) divides 2^32, so `index & (capacity - 1)` is the position both
 * before and after the counter wraps, and `(write - read) >>> 0` is the number of used bytes as
 * long as it is <= capacity, which the producer guarantees. Overflow of the counters is therefore
 * harmless and needs no special handling.
 *
 * Invariants:
 *   0 <= (write - read) mod 2^32 <= capacity
 *   write only changes by the producer, read only by the consumer (both via Atomics.store)
 *   read and write are always multiples of 4
 *   bytes in [read, write) are published records (or skip padding); the consumer may read them
 *   bytes in [write, read + capacity) are free; only the producer may write them
 *
 * Publication protocol (the JS memory model makes every Atomics op sequentially consistent and
 * orders plain accesses around it):
 *   producer: write the length prefix and payload with plain stores, THEN Atomics.store(write).
 *   consumer: Atomics.load(write), THEN read prefix/payload with plain loads, THEN
 *             Atomics.store(read) once it no longer needs the bytes.
 * A record is thus either invisible or completely visible to the consumer, and the producer
 * never overwrites bytes the consumer is still looking at.
 *
 * Wake-up protocol (no lost wake-up). The consumer, finding the ring empty, may sleep:
 *   consumer: Atomics.store(kWakeField, 1)          // announce "I am going to sleep"
 *             if ring is not empty: clear flag, go  // re-check AFTER announcing
 *             Atomics.wait(kWakeField, 1, timeout)  // sleeps only if the flag is still 1
 *             Atomics.store(kWakeField, 0)
 *   producer: after every Atomics.store(write):
 *             if Atomics.load(kWakeField) === 1 and compareExchange(kWakeField, 1 -> 0) won:
 *                 Atomics.notify(kWakeField)
 * All these operations are in one total (seq-cst) order. If the producer's load sees 0, the
 * consumer's store of 1 comes later in that order, hence after the producer's write-index store,
 * so the consumer's re-check sees the record. If the producer sees 1 it clears the flag and
 * notifies: a consumer already in Atomics.wait is woken, one not yet in it finds the value 0 and
 * Atomics.wait returns "not-equal" at once. The producer's hot path costs one Atomics.load of a
 * field on its own cache line.
 * The same protocol runs in the other direction on kSpaceWaitField for a producer waiting for
 * the consumer to free space (waitForSpace), with the consumer notifying after it advances read.
 */

/** 'RNG1' */
const kMagic = 0x524e4731;
/** Length-slot value telling the consumer to skip to the start of the data area. */
export const kSkipMarker = 0xffffffff;

// Header fields, as indices into 32-bit views of the header (byte offset / 4).
export const kMagicField = 0;
export const kCapacityField = 1;
export const kWriteField = 16;
export const kWakeField = 17;
export const kReadField = 32;
export const kSpaceWaitField = 33;

/** Header size in bytes; the data area starts here. Three 64-byte cache lines. */
export const kHeaderBytes = 192;

const kMinCapacity = 16;
const kMaxCapacity = 1 << 30;

/**
 * Footprint of a record with `len` payload bytes: u32 prefix + payload padded to 4. The same
 * record framing (and kSkipMarker) serves the multi-producer inbox ring (pubsub/inbox-ring.ts).
 */
export function footprint(len: number): number {
  return 4 + ((len + 3) & ~3);
}

export type DrainCallback = (buf: Uint8Array, off: number, len: number) => void;

export class Ring {
  /** Data-area size in bytes (a power of two). */
  readonly capacity: number;
  /** Largest payload length accepted by push/reserve: capacity/2 - 4. */
  readonly maxRecordLength: number;
  /**
   * The data area as bytes. Offsets returned by `reserve()` and passed to `drain()` callbacks are
   * relative to this view.
   */
  readonly data: Uint8Array;

  /** Header as u32 (indices) and i32 (futex words); same memory. */
  private readonly hu32: Uint32Array;
  private readonly hi32: Int32Array;
  /** Data area as u32, for length prefixes (data starts 4-aligned, prefixes are 4-aligned). */
  private readonly du32: Uint32Array;
  private readonly mask: number;

  // Producer-local state.
  /** Producer's copy of its own write index (it is the only writer). */
  private wIdx = 0;
  /** Last read index the producer loaded; a lower bound of the real one. */
  private rCache = 0;
  /** Skip (tail padding) computed by the last place(). */
  private resSkip = 0;
  /** Pending reserve(): payload offset (-1: none), reserved length, prefix offset, skip, and
   *  the write index it was computed against. */
  private resOff = -1;
  private resLen = 0;
  private resPos = 0;
  private resPendSkip = 0;
  private resW = 0;

  // Consumer-local state.
  /** Consumer's copy of its own read index (it is the only writer). */
  private rIdx = 0;
  /** Last write index the consumer loaded; a lower bound of the real one. */
  private wCache = 0;

  /** Statistics, per handle. */
  notifies = 0;
  sleeps = 0;

  /** Bytes of SharedArrayBuffer needed for a ring whose data area is `capacity` bytes. */
  static bytesFor(capacity: number): number {
    Ring.checkCapacity(capacity);
    return kHeaderBytes + capacity;
  }

  /** Largest payload a ring of this capacity accepts. */
  static maxRecordLengthFor(capacity: number): number {
    return capacity / 2 - 4;
  }

  /**
   * Format the header. Call once, before the buffer is handed to the other side. `byteOffset`
   * must be a multiple of 4 (64 recommended, so the header lines are real cache lines).
   */
  static initialize(sab: SharedArrayBuffer, byteOffset: number, capacity: number): void {
    Ring.checkCapacity(capacity);
    Ring.checkOffset(sab, byteOffset, capacity);
    const h = new Int32Array(sab, byteOffset, kHeaderBytes / 4);
    h.fill(0);
    Atomics.store(h, kCapacityField, capacity);
    Atomics.store(h, kWriteField, 0);
    Atomics.store(h, kReadField, 0);
    Atomics.store(h, kWakeField, 0);
    Atomics.store(h, kSpaceWaitField, 0);
    Atomics.store(h, kMagicField, kMagic);
  }

  constructor(sab: SharedArrayBuffer, byteOffset = 0) {
    if (byteOffset % 4 !== 0 || byteOffset + kHeaderBytes > sab.byteLength) {
      throw new RangeError(`Ring: bad byteOffset ${byteOffset}`);
    }
    this.hu32 = new Uint32Array(sab, byteOffset, kHeaderBytes / 4);
    this.hi32 = new Int32Array(sab, byteOffset, kHeaderBytes / 4);
    if (Atomics.load(this.hu32, kMagicField) !== kMagic) {
      throw new Error('Ring: header not initialized (call Ring.initialize first)');
    }
    const capacity = Atomics.load(this.hu32, kCapacityField);
    Ring.checkOffset(sab, byteOffset, capacity);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxRecordLength = Ring.maxRecordLengthFor(capacity);
    this.data = new Uint8Array(sab, byteOffset + kHeaderBytes, capacity);
    this.du32 = new Uint32Array(sab, byteOffset + kHeaderBytes, capacity / 4);
    this.wIdx = Atomics.load(this.hu32, kWriteField);
    this.rIdx = Atomics.load(this.hu32, kReadField);
    this.rCache = this.rIdx;
    this.wCache = this.wIdx;
  }

  private static checkCapacity(capacity: number): void {
    if (
      !Number.isInteger(capacity) ||
      capacity < kMinCapacity ||
      capacity > kMaxCapacity ||
      (capacity & (capacity - 1)) !== 0
    ) {
      throw new RangeError(
        `Ring: capacity must be a power of two in [${kMinCapacity}, 2^30], got ${capacity}`,
      );
    }
  }

  private static checkOffset(sab: SharedArrayBuffer, byteOffset: number, capacity: number): void {
    if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 4 !== 0) {
      throw new RangeError(`Ring: byteOffset must be a non-negative multiple of 4, got ${byteOffset}`);
    }
    if (byteOffset + kHeaderBytes + capacity > sab.byteLength) {
      throw new RangeError('Ring: SharedArrayBuffer too small for header + capacity');
    }
  }

  // ----------------------------------------- producer side -------------------------------------

  /**
   * Find room for a record of `len` payload bytes. Returns the data offset of the record's
   * length prefix and sets `resSkip` to the tail bytes to pad first (0 if none), or -1 if there
   * is not enough free space right now. Throws if the record can never fit.
   */
  private place(len: number): number {
    if (!(len >= 0 && len <= this.maxRecordLength) || !Number.isInteger(len)) {
      throw new RangeError(
        `Ring: record length ${len} exceeds maximum ${this.maxRecordLength} (capacity ${this.capacity})`,
      );
    }
    const need = footprint(len);
    const w = this.wIdx;
    const pos = w & this.mask;
    const tail = this.capacity - pos;
    // If the record does not fit before the end, we burn the tail and start at 0.
    const skip = need <= tail ? 0 : tail;
    const total = skip + need;
    // Free space from the cached read index first; reload only if that looks too small.
    if (this.capacity - ((w - this.rCache) >>> 0) < total) {
      this.rCache = Atomics.load(this.hu32, kReadField);
      if (this.capacity - ((w - this.rCache) >>> 0) < total) return -1;
    }
    this.resSkip = skip;
    return skip === 0 ? pos : 0;
  }

  /** Publish: write the skip marker if any, then store the new write index, then wake. */
  private publish(pos: number, skip: number, len: number): void {
    if (skip !== 0) this.du32[(this.wIdx & this.mask) >>> 2] = kSkipMarker;
    this.du32[pos >>> 2] = len;
    this.wIdx = (this.wIdx + skip + footprint(len)) >>> 0;
    // Release: everything above happens-before a consumer that loads this value.
    Atomics.store(this.hu32, kWriteField, this.wIdx);
    if (!this.deferWake) this.wakeConsumer();
  }

  /**
   * Producer: when true, pushes do not wake a sleeping consumer; call wakeConsumer() after a
   * batch instead (one wake-up, one context switch, per batch rather than per record).
   */
  deferWake = false;

  /** Producer: wake the consumer if it sleeps waiting for data. */
  wakeConsumer(): void {
    const h = this.hi32;
    if (Atomics.load(h, kWakeField) !== 0 && Atomics.compareExchange(h, kWakeField, 1, 0) === 1) {
      Atomics.notify(h, kWakeField);
      this.notifies++;
    }
  }

  /**
   * Copy `len` bytes of `bytes` starting at `off` into the ring as one record. Returns false if
   * the ring is too full right now (nothing written). Throws RangeError if `len` exceeds
   * `maxRecordLength`.
   */
  tryPush(bytes: Uint8Array, off = 0, len = bytes.length - off): boolean {
    if (off < 0 || off + len > bytes.length) throw new RangeError('Ring: off/len out of bounds');
    const pos = this.place(len);
    if (pos < 0) return false;
    this.data.set(bytes.subarray(off, off + len), pos + 4);
    this.publish(pos, this.resSkip, len);
    return true;
  }

  /**
   * Push one record whose payload is `a` followed by `b` (e.g. a small header and a body),
   * without concatenating them first. Same return/throw behaviour as tryPush.
   */
  tryPushParts(a: Uint8Array, b?: Uint8Array): boolean {
    const la = a.length, lb = b ? b.length : 0;
    const pos = this.place(la + lb);
    if (pos < 0) return false;
    this.data.set(a, pos + 4);
    if (b && lb !== 0) this.data.set(b, pos + 4 + la);
    this.publish(pos, this.resSkip, la + lb);
    return true;
  }

  /**
   * Reserve a contiguous region for a record of up to `maxLen` payload bytes and return the
   * offset into `ring.data` where the payload goes, or -1 if there is no room now. The caller
   * writes the payload into `ring.data[off .. off + n)` and then calls `commit(n)` with
   * n <= maxLen. Nothing is visible to the consumer before commit. A second reserve() before
   * commit() discards the first; any other push in between makes commit() throw.
   */
  reserve(maxLen: number): number {
    const pos = this.place(maxLen);
    if (pos < 0) {
      this.resOff = -1;
      return -1;
    }
    this.resPos = pos;
    this.resLen = maxLen;
    this.resPendSkip = this.resSkip;
    this.resW = this.wIdx;
    this.resOff = pos + 4;
    return this.resOff;
  }

  /** Publish the record started by reserve(). `len` defaults to the reserved length. */
  commit(len: number = this.resLen): void {
    if (this.resOff < 0) throw new Error('Ring: commit() without a successful reserve()');
    if (!(len >= 0 && len <= this.resLen) || !Number.isInteger(len)) {
      throw new RangeError(`Ring: commit length ${len} outside [0, ${this.resLen}]`);
    }
    this.resOff = -1;
    if (this.resW !== this.wIdx) throw new Error('Ring: another push happened between reserve() and commit()');
    this.publish(this.resPos, this.resPendSkip, len);
  }

  /** True if a record of `len` payload bytes could be pushed right now. */
  canPush(len: number): boolean {
    return this.place(len) >= 0;
  }

  /** Free bytes right now (an upper bound on the payload that fits, ignoring prefix/padding). */
  availableWrite(): number {
    this.rCache = Atomics.load(this.hu32, kReadField);
    return this.capacity - ((this.wIdx - this.rCache) >>> 0);
  }

  /**
   * Producer: block in Atomics.wait until a record of `len` bytes fits or `timeoutMs` passes.
   * Returns true if it fits. Not for threads that must not block (use waitForSpaceAsync).
   */
  waitForSpace(len: number, timeoutMs = Infinity): boolean {
    const h = this.hi32;
    const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      if (this.canPush(len)) return true;
      Atomics.store(h, kSpaceWaitField, 1);
      if (this.canPush(len)) {
        Atomics.store(h, kSpaceWaitField, 0);
        return true;
      }
      const left = deadline === Infinity ? Infinity : deadline - Date.now();
      if (left <= 0) {
        Atomics.store(h, kSpaceWaitField, 0);
        return false;
      }
      this.sleeps++;
      Atomics.wait(h, kSpaceWaitField, 1, left);
      Atomics.store(h, kSpaceWaitField, 0);
    }
  }

  /** Producer: like waitForSpace but without blocking the thread. */
  async waitForSpaceAsync(len: number, timeoutMs = Infinity): Promise<boolean> {
    const h = this.hi32;
    const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      if (this.canPush(len)) return true;
      Atomics.store(h, kSpaceWaitField, 1);
      if (this.canPush(len)) {
        Atomics.store(h, kSpaceWaitField, 0);
        return true;
      }
      const left = deadline === Infinity ? Infinity : deadline - Date.now();
      if (left <= 0) {
        Atomics.store(h, kSpaceWaitField, 0);
        return false;
      }
      this.sleeps++;
      const r = Atomics.waitAsync(h, kSpaceWaitField, 1, left);
      if (r.async) await r.value;
      Atomics.store(h, kSpaceWaitField, 0);
    }
  }

  // ----------------------------------------- consumer side -------------------------------------

  /**
   * Position of the next record's length prefix, skipping a wrap marker, or -1 if empty.
   * Only advances local state past skip padding (published lazily with the next release).
   */
  private front(): number {
    let r = this.rIdx;
    if (r === this.wCache) {
      this.wCache = Atomics.load(this.hu32, kWriteField); // acquire
      if (r === this.wCache) return -1;
    }
    let pos = r & this.mask;
    if (this.du32[pos >>> 2] === kSkipMarker) {
      // The producer publishes the marker together with the record after it, so a record is
      // guaranteed to follow at offset 0.
      r = (r + this.capacity - pos) >>> 0;
      this.rIdx = r;
      pos = 0;
    }
    return pos;
  }

  /** Store the read index (release) and wake a producer waiting for space. */
  private release(): void {
    const h = this.hi32;
    Atomics.store(this.hu32, kReadField, this.rIdx);
    if (Atomics.load(h, kSpaceWaitField) !== 0 && Atomics.compareExchange(h, kSpaceWaitField, 1, 0) === 1) {
      Atomics.notify(h, kSpaceWaitField);
      this.notifies++;
    }
  }

  /** Copy of the next record without consuming it, or null if the ring is empty. */
  peek(): Uint8Array | null {
    const pos = this.front();
    if (pos < 0) return null;
    const len = this.du32[pos >>> 2];
    return this.data.slice(pos + 4, pos + 4 + len);
  }

  /** Consume the next record and return a copy of it, or null if the ring is empty. */
  pop(): Uint8Array | null {
    const pos = this.front();
    if (pos < 0) return null;
    const len = this.du32[pos >>> 2];
    const out = this.data.slice(pos + 4, pos + 4 + len);
    this.rIdx = (this.rIdx + footprint(len)) >>> 0;
    this.release();
    return out;
  }

  /**
   * Consume up to `max` records in place: `cb(ring.data, off, len)` for each, in FIFO order.
   * The view is only valid during the call (the space is handed back to the producer once
   * drain returns). The read index is published once per batch. If `cb` throws, the record
   * that threw counts as consumed (no poison-pill loop) and the exception propagates.
   * Returns the number of records consumed.
   */
  drain(cb: DrainCallback, max = Infinity): number {
    let n = 0;
    try {
      while (n < max) {
        const pos = this.front();
        if (pos < 0) break;
        const len = this.du32[pos >>> 2];
        this.rIdx = (this.rIdx + footprint(len)) >>> 0;
        n++;
        cb(this.data, pos + 4, len);
      }
    } finally {
      if (n !== 0 || this.rIdx !== Atomics.load(this.hu32, kReadField)) this.release();
    }
    return n;
  }

  /** Bytes published and not yet consumed (including prefixes, padding and skipped tail). */
  availableRead(): number {
    this.wCache = Atomics.load(this.hu32, kWriteField);
    return (this.wCache - this.rIdx) >>> 0;
  }

  /** True if there is no record to read right now. */
  isEmpty(): boolean {
    if (this.rIdx !== this.wCache) return false;
    this.wCache = Atomics.load(this.hu32, kWriteField);
    return this.rIdx === this.wCache;
  }

  /**
   * Consumer: block in Atomics.wait until the ring is non-empty or `timeoutMs` passes. Returns
   * true if there is data. Not for threads that must stay responsive (use waitForDataAsync).
   */
  waitForData(timeoutMs = Infinity): boolean {
    const h = this.hi32;
    const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      if (!this.isEmpty()) return true;
      Atomics.store(h, kWakeField, 1); // announce sleep ...
      if (!this.isEmpty()) { // ... then re-check: a push after this point sees the flag
        Atomics.store(h, kWakeField, 0);
        return true;
      }
      const left = deadline === Infinity ? Infinity : deadline - Date.now();
      if (left <= 0) {
        Atomics.store(h, kWakeField, 0);
        return false;
      }
      this.sleeps++;
      Atomics.wait(h, kWakeField, 1, left);
      Atomics.store(h, kWakeField, 0);
    }
  }

  /** Consumer: like waitForData but resolves asynchronously (Atomics.waitAsync). */
  async waitForDataAsync(timeoutMs = Infinity): Promise<boolean> {
    const h = this.hi32;
    const deadline = timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
    for (;;) {
      if (!this.isEmpty()) return true;
      Atomics.store(h, kWakeField, 1);
      if (!this.isEmpty()) {
        Atomics.store(h, kWakeField, 0);
        return true;
      }
      const left = deadline === Infinity ? Infinity : deadline - Date.now();
      if (left <= 0) {
        Atomics.store(h, kWakeField, 0);
        return false;
      }
      this.sleeps++;
      const r = Atomics.waitAsync(h, kWakeField, 1, left);
      if (r.async) await r.value;
      Atomics.store(h, kWakeField, 0);
    }
  }
}
