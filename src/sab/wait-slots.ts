/**
 * Wait slots: one record per client blocked in BLPOP/BRPOP/BLMOVE/BLMPOP/BZPOPMIN/BZPOPMAX/
 * BZMPOP, shared by every thread of a store. The per-key FIFO queues in the shards
 * (shard/waiters.ts) hold (slot, gen) pairs pointing here; whichever thread makes a key ready
 * claims the slot with a compare-and-swap, so a client blocked on keys in several shards is
 * served exactly once.
 *
 *   i32 words
 *   ┌────────────┬────────────┬──────────────┬────────────────────────┬──────────────────────┐
 *   │ [0] next   │ [1] alloc  │ [2..15]      │ [16..16+kMaxThreads)   │ slots from byte      │
 *   │ thread idx │ hint       │ reserved     │ doorbell per thread    │ kSlotBase, kSlotBytes│
 *   └────────────┴────────────┴──────────────┴────────────────────────┴──────────────────────┘
 *
 *   slot (i32 words from w = (kSlotBase + i * kSlotBytes) / 4)
 *   [w+0] state   [w+1] gen   [w+2] thread   [w+3] client id   [w+4] resp | op<<8 | db<<16
 *   [w+5] count   [w+6] reply shard   [w+7] reply ptr   [w+8] reply len   [w+9] dest key len
 *   bytes from w*4 + 40: the destination key (BLMOVE/BRPOPLPUSH), at most kDestMax bytes
 *
 * States: Free → Reserved (owner fills it in) → Waiting → Claimed (a writer holds the key's
 * shard lock and is serving it) → Served (reply bytes parked in a shard heap: shard, ptr, len)
 * or Retry (the owner re-runs the command itself) → Free. Waiting → Free on timeout or
 * disconnect, by the owner's CAS. Only the owner thread frees a slot.
 *
 * Invariants:
 * - Waiting → Claimed happens only by Atomics.compareExchange, so exactly one writer wins; the
 *   owner's cancel is the same CAS (Waiting → Free), so a cancelled client is never served.
 * - gen increases each time a slot is allocated; a queue entry whose gen differs is stale.
 * - After a writer sets Served or Retry it adds 1 to the owner thread's doorbell and notifies it.
 */

export const kMaxThreads = 64;
export const kSlots = 16384;
export const kSlotBytes = 256;
const kDoorbellBase = 16;
const kSlotBase = (kDoorbellBase + kMaxThreads) * 4;
const kDestByte = 40;
export const kDestMax = kSlotBytes - kDestByte;

export const enum WaitState {
  Free = 0,
  Reserved = 1,
  Waiting = 2,
  Claimed = 3,
  Served = 4,
  Retry = 5,
}

/** What the writer runs for the client when one of its keys becomes ready. */
export const enum WaitOp {
  /** BLPOP / BRPOP: reply [key, element]. count field: 0 = left, 1 = right. */
  Pop = 1,
  /** BLMOVE / BRPOPLPUSH: count field bits: 1 = pop from the right, 2 = push to the right. */
  Move = 2,
  /** BLMPOP: count elements from the left (count > 0) or the right (count < 0). */
  MPop = 3,
  /** BZPOPMIN / BZPOPMAX: count field 0 = min, 1 = max. */
  ZPop = 4,
  /** BZMPOP: count members, min (count > 0) or max (count < 0). */
  ZMPop = 5,
}

export function createWaitSlots(): SharedArrayBuffer {
  return new SharedArrayBuffer(kSlotBase + kSlots * kSlotBytes);
}

export class WaitSlots {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** This thread's index (its doorbell). */
  readonly thread: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.thread = Atomics.add(this.i32, 0, 1) % kMaxThreads;
  }

  private w(slot: number): number {
    return (kSlotBase + slot * kSlotBytes) >> 2;
  }

  /**
   * Reserve a free slot for a client of this thread and fill it in; it is not visible to
   * writers until publish(). Returns the slot index, or -1 if every slot is taken.
   */
  reserve(clientId: number, resp: number, op: WaitOp, db: number, count: number, dest: Uint8Array | null, destOff = 0, destLen = 0): number {
    const i32 = this.i32;
    let hint = Atomics.load(i32, 1);
    for (let k = 0; k < kSlots; k++) {
      const slot = (hint + k) % kSlots;
      const w = this.w(slot);
      if (i32[w] === WaitState.Free && Atomics.compareExchange(i32, w, WaitState.Free, WaitState.Reserved) === WaitState.Free) {
        Atomics.store(i32, 1, (slot + 1) % kSlots);
        i32[w + 1] = (i32[w + 1] + 1) | 0;
        i32[w + 2] = this.thread;
        i32[w + 3] = clientId;
        i32[w + 4] = resp | (op << 8) | (db << 16);
        i32[w + 5] = count;
        i32[w + 6] = 0;
        i32[w + 7] = 0;
        i32[w + 8] = 0;
        i32[w + 9] = dest === null ? -1 : destLen;
        if (dest !== null) this.u8.set(dest.subarray(destOff, destOff + destLen), w * 4 + kDestByte);
        return slot;
      }
      hint = 0;
    }
    return -1;
  }

  publish(slot: number): void {
    Atomics.store(this.i32, this.w(slot), WaitState.Waiting);
  }

  gen(slot: number): number {
    return this.i32[this.w(slot) + 1];
  }

  state(slot: number): WaitState {
    return Atomics.load(this.i32, this.w(slot));
  }

  /** True if (slot, gen) is a client still waiting. */
  isWaiting(slot: number, gen: number): boolean {
    const w = this.w(slot);
    return Atomics.load(this.i32, w) === WaitState.Waiting && this.i32[w + 1] === gen;
  }

  /** Writer: claim a waiting client. Exactly one caller (writer or the owner's cancel) wins. */
  claim(slot: number, gen: number): boolean {
    const w = this.w(slot);
    if (this.i32[w + 1] !== gen) return false;
    return Atomics.compareExchange(this.i32, w, WaitState.Waiting, WaitState.Claimed) === WaitState.Waiting;
  }

  /** Writer: give a claimed slot back (it could not serve it after all). */
  unclaim(slot: number): void {
    Atomics.store(this.i32, this.w(slot), WaitState.Waiting);
  }

  /** Owner: cancel a wait (timeout, disconnect). False if a writer claimed it first. */
  cancel(slot: number): boolean {
    const w = this.w(slot);
    return Atomics.compareExchange(this.i32, w, WaitState.Waiting, WaitState.Free) === WaitState.Waiting;
  }

  ownerThread(slot: number): number {
    return this.i32[this.w(slot) + 2];
  }

  clientId(slot: number): number {
    return this.i32[this.w(slot) + 3];
  }

  resp(slot: number): number {
    return this.i32[this.w(slot) + 4] & 0xff;
  }

  op(slot: number): WaitOp {
    return (this.i32[this.w(slot) + 4] >>> 8) & 0xff;
  }

  db(slot: number): number {
    return this.i32[this.w(slot) + 4] >>> 16;
  }

  count(slot: number): number {
    return this.i32[this.w(slot) + 5];
  }

  /** The destination key bytes (BLMOVE), as a view into the slot. */
  dest(slot: number): Uint8Array {
    const w = this.w(slot);
    const len = this.i32[w + 9];
    return this.u8.subarray(w * 4 + kDestByte, w * 4 + kDestByte + Math.max(0, len));
  }

  /** Writer, remote owner: park the reply in a shard heap and ring the owner's doorbell. */
  serveRemote(slot: number, shard: number, ptr: number, len: number): void {
    const w = this.w(slot);
    this.i32[w + 6] = shard;
    this.i32[w + 7] = ptr;
    this.i32[w + 8] = len;
    Atomics.store(this.i32, w, WaitState.Served);
    this.ring(this.i32[w + 2]);
  }

  /** Writer: ask the owner to re-run the command itself. */
  retry(slot: number): void {
    const w = this.w(slot);
    Atomics.store(this.i32, w, WaitState.Retry);
    this.ring(this.i32[w + 2]);
  }

  reply(slot: number): { shard: number; ptr: number; len: number } {
    const w = this.w(slot);
    return { shard: this.i32[w + 6], ptr: this.i32[w + 7], len: this.i32[w + 8] };
  }

  /** Owner: release a slot it is done with. */
  free(slot: number): void {
    Atomics.store(this.i32, this.w(slot), WaitState.Free);
  }

  private ring(thread: number): void {
    Atomics.add(this.i32, kDoorbellBase + thread, 1);
    Atomics.notify(this.i32, kDoorbellBase + thread);
  }

  /** This thread's doorbell word index and current value (for Atomics.waitAsync). */
  doorbell(): { index: number; value: number } {
    const index = kDoorbellBase + this.thread;
    return { index, value: Atomics.load(this.i32, index) };
  }
}
