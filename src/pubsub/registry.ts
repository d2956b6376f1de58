/**
 * The shared pub/sub registry (DESIGN.md §5): which front-end threads have subscribers for
 * which channels, shard channels and patterns, and how many subscriptions each has in all, so
 * that PUBLISH on any thread knows where to send a message and how many receivers it has.
 * It also owns the inbox rings (one per subscribing thread) and the spill blocks of messages
 * too big for a ring. Subscriptions themselves (which client) stay on the subscriber's thread
 * (pubsub/local.ts).
 *
 * Two SharedArrayBuffers: a fixed control block and a growable heap (sab/alloc.ts).
 *
 *   control (i32 words)
 *   ┌──────────┬─────────┬──────────┬──────────┬──────────────────┬──────────────────┬───────────────────────┐
 *   │ [0] lock │ [1]     │ [2] pat- │ [3] ring │ [4,5] claimed    │ [6,7] active     │ [16 .. 16+kMaxThreads) │
 *   │ (futex)  │ magic   │ tern gen │ capacity │ thread mask lo/hi│ thread mask lo/hi│ inbox byte offset      │
 *   └──────────┴─────────┴──────────┴──────────┴──────────────────┴──────────────────┴───────────────────────┘
 *
 *   heap roots: [0] channel Dict, [1] shard-channel Dict, [2] pattern Dict (hashtable.ts)
 *   entry block (one per name with at least one subscription anywhere):
 *   ┌────────────┬────────────┬────────────┬────────────┬──────────────────┐
 *   │ u32 total  │ u32 mask lo│ u32 mask hi│ u32 length │ name bytes       │
 *   │ word 0     │ word 1     │ word 2     │ word 3     │ from byte 16     │
 *   └────────────┴────────────┴────────────┴────────────┴──────────────────┘
 *   inbox ring: a heap block holding an InboxRing (pubsub/inbox-ring.ts), 64-byte aligned
 *   spill block: [u32 refcount][u32 length][record bytes] (a message bigger than a ring record)
 *
 * Invariants:
 * - The heap, the Dicts and the entry words are read and written only under the control lock
 *   (a leaf lock: nothing else is taken while holding it, so it may be taken with shard locks
 *   held, from inside a command). Its holder calls heap.sync() first.
 * - total = subscriptions (client, name) on every thread; bit t of the mask is set iff thread t
 *   has at least one of them. An entry exists iff total > 0.
 * - The pattern generation changes with every change to the pattern Dict (so threads may keep
 *   a snapshot of the patterns and reuse it while the generation is the same).
 * - active mask bit t is set iff thread t has at least one subscription of any kind; a thread
 *   that sees no other bit may publish to its own subscribers without taking the lock.
 * - claimed bit t: thread index t is taken (compare-and-swap); an inbox offset, once stored,
 *   never changes, and the ring stays allocated for the life of the store.
 * - A spill block is freed by the consumer that drops its refcount to 0 (under the lock).
 */
import { Heap } from '../sab/alloc.js';
import { FutexLock } from '../sab/lock.js';
import { Dict } from '../sab/hashtable.js';
import { hashBytes } from '../sab/hash.js';
import { InboxRing } from './inbox-ring.js';

export const kMaxThreads = 64;
export const enum Kind {
  Channel = 0,
  Shard = 1,
  Pattern = 2,
}

const kLockField = 0;
const kMagicField = 1;
const kPatternGenField = 2;
const kRingCapacityField = 3;
const kClaimedField = 4;
const kActiveField = 6;
const kInboxBase = 16;
const kControlBytes = (kInboxBase + kMaxThreads) * 4;
const kMagic = 0x42555350; // 'PSUB'
const kEntryKeyByte = 16;
const kEntryLenWord = 3;
export const kDefaultRingCapacity = 1 << 20;

export interface PubsubHandle {
  control: SharedArrayBuffer;
  heap: SharedArrayBuffer;
}

export function createPubsub(ringCapacity = kDefaultRingCapacity): PubsubHandle {
  const control = new SharedArrayBuffer(kControlBytes);
  const i32 = new Int32Array(control);
  FutexLock.initialize(i32, kLockField);
  i32[kRingCapacityField] = ringCapacity;
  const sab = Heap.create(64 * 1024, 2 ** 31);
  const heap = new Heap(sab);
  for (let k = 0; k < 3; k++) heap.setRoot(k, Dict.create(heap));
  Atomics.store(i32, kMagicField, kMagic);
  return { control, heap: sab };
}

/** One pattern as seen in a snapshot: its text (latin1), subscriptions and thread mask. */
export interface PatternInfo {
  pattern: string;
  total: number;
  lo: number;
  hi: number;
}

/** Result of a lookup, reused between calls. */
export class Found {
  total = 0;
  lo = 0;
  hi = 0;
}

export class Registry {
  readonly i32: Int32Array;
  readonly heap: Heap;
  private readonly lock: FutexLock;
  private readonly dict: Dict;

  constructor(readonly handle: PubsubHandle) {
    this.i32 = new Int32Array(handle.control);
    if (Atomics.load(this.i32, kMagicField) !== kMagic) throw new Error('pub/sub registry not initialized');
    this.lock = new FutexLock(this.i32, kLockField);
    this.heap = new Heap(handle.heap);
    this.dict = new Dict(this.heap, kEntryLenWord, kEntryKeyByte);
  }

  /** Run fn under the registry lock (a short critical section; may sleep briefly). */
  locked<T>(fn: () => T): T {
    this.lock.lock();
    try {
      this.heap.sync();
      return fn();
    } finally {
      this.lock.unlock();
    }
  }

  // ------------------------------------------------------------------ threads and inboxes

  /** Claim a free thread index, or -1 when kMaxThreads threads already have one. */
  claimThread(): number {
    const i32 = this.i32;
    for (let word = 0; word < 2; word++) {
      for (;;) {
        const cur = Atomics.load(i32, kClaimedField + word);
        if (cur === -1) break;
        const bit = ~cur & (cur + 1); // lowest zero bit
        if (Atomics.compareExchange(i32, kClaimedField + word, cur, cur | bit) === cur) {
          return word * 32 + (31 - Math.clz32(bit));
        }
      }
    }
    return -1;
  }

  /** The inbox of thread t, allocating it (under the lock) on first use by its owner. */
  inboxOffset(t: number, create: boolean): number {
    const off = Atomics.load(this.i32, kInboxBase + t);
    if (off !== 0 || !create) return off;
    return this.locked(() => {
      const cap = this.i32[kRingCapacityField];
      const bytes = InboxRing.bytesFor(cap) + 64;
      const p = this.heap.alloc(bytes);
      const at = Math.ceil((p * 8) / 64) * 64;
      InboxRing.initialize(this.heap.sab, at, cap);
      Atomics.store(this.i32, kInboxBase + t, at);
      return at;
    });
  }

  /** A handle on thread t's inbox, or null if it has none. */
  inbox(t: number): InboxRing | null {
    const off = Atomics.load(this.i32, kInboxBase + t);
    return off === 0 ? null : new InboxRing(this.heap.sab, off);
  }

  /** Threads with at least one subscription, as two 32-bit masks. */
  activeLo(): number {
    return Atomics.load(this.i32, kActiveField);
  }

  activeHi(): number {
    return Atomics.load(this.i32, kActiveField + 1);
  }

  /** Mark thread t as having subscriptions (or none). */
  setActive(t: number, on: boolean): void {
    const f = kActiveField + (t >>> 5), bit = 1 << (t & 31);
    if (on) Atomics.or(this.i32, f, bit);
    else Atomics.and(this.i32, f, ~bit);
  }

  patternGen(): number {
    return Atomics.load(this.i32, kPatternGenField);
  }

  // ------------------------------------------------------------------ entries (call under the lock)

  private at(kind: Kind): Dict {
    return this.dict.at(this.heap.root(kind));
  }

  /**
   * Thread t's subscriptions to a name changed by delta (+1/-1); `threadHas` says whether t
   * still has any afterwards. Creates and deletes the entry as needed.
   */
  adjust(kind: Kind, b: Uint8Array, off: number, len: number, t: number, delta: number, threadHas: boolean): void {
    const d = this.at(kind);
    const h = hashBytes(b, off, len);
    let e = d.find(b, off, len, h);
    if (e === 0) {
      if (delta <= 0) return;
      e = this.heap.alloc(kEntryKeyByte + len);
      const u32 = this.heap.u32;
      u32[e * 2] = 0;
      u32[e * 2 + 1] = 0;
      u32[e * 2 + 2] = 0;
      u32[e * 2 + kEntryLenWord] = len;
      this.heap.u8.set(b.subarray(off, off + len), e * 8 + kEntryKeyByte);
      d.insert(h, e);
    }
    const u32 = this.heap.u32, w = e * 2;
    u32[w] += delta;
    const mw = w + 1 + (t >>> 5), bit = 1 << (t & 31);
    u32[mw] = threadHas ? (u32[mw] | bit) >>> 0 : (u32[mw] & ~bit) >>> 0;
    if (u32[w] === 0 || (u32[w] | 0) < 0) {
      d.deleteFound();
      this.heap.free(e, kEntryKeyByte + len);
      d.maybeShrink();
    }
    if (kind === Kind.Pattern) Atomics.add(this.i32, kPatternGenField, 1);
  }

  /** Look a name up; fills `out` (zeros when absent). */
  lookup(kind: Kind, b: Uint8Array, off: number, len: number, out: Found): void {
    const d = this.at(kind);
    const e = d.find(b, off, len, hashBytes(b, off, len));
    if (e === 0) {
      out.total = out.lo = out.hi = 0;
      return;
    }
    const u32 = this.heap.u32;
    out.total = u32[e * 2];
    out.lo = u32[e * 2 + 1] | 0;
    out.hi = u32[e * 2 + 2] | 0;
  }

  /** Every entry of a kind: (name bytes copied out, total). */
  entries(kind: Kind): { name: Buffer; total: number; lo: number; hi: number }[] {
    const out: { name: Buffer; total: number; lo: number; hi: number }[] = [];
    const d = this.at(kind);
    const heap = this.heap;
    d.each((e) => {
      const u32 = heap.u32, len = u32[e * 2 + kEntryLenWord], o = e * 8 + kEntryKeyByte;
      out.push({ name: Buffer.from(heap.u8.subarray(o, o + len)), total: u32[e * 2], lo: u32[e * 2 + 1] | 0, hi: u32[e * 2 + 2] | 0 });
    });
    return out;
  }

  /** Number of distinct names of a kind with subscribers (PUBSUB NUMPAT, INFO). */
  count(kind: Kind): number {
    return this.at(kind).count();
  }

  /** Snapshot of every pattern, with the generation it was taken at. */
  patterns(): { gen: number; list: PatternInfo[] } {
    const gen = this.patternGen();
    const list = this.entries(Kind.Pattern).map((e) => ({ pattern: e.name.toString('latin1'), total: e.total, lo: e.lo, hi: e.hi }));
    return { gen, list };
  }

  // ------------------------------------------------------------------ spill blocks

  /** Allocate a spill block for `len` record bytes; returns its byte offset (lock taken here). */
  spillAlloc(len: number, refs: number): number {
    return this.locked(() => {
      const p = this.heap.alloc(8 + len);
      const u32 = this.heap.u32;
      u32[p * 2] = refs;
      u32[p * 2 + 1] = len;
      return p * 8;
    });
  }

  /** The record bytes of a spill block (a view, valid until its last reference is dropped). */
  spillView(byteOff: number): Uint8Array {
    const head = new Uint32Array(this.heap.sab, byteOff, 2);
    return new Uint8Array(this.heap.sab, byteOff + 8, head[1]);
  }

  /** Drop one reference; the last one frees the block. */
  spillRelease(byteOff: number): void {
    const head = new Uint32Array(this.heap.sab, byteOff, 2);
    const len = head[1];
    if (Atomics.sub(head, 0, 1) !== 1) return;
    this.locked(() => this.heap.free(byteOff / 8, 8 + len));
  }
}
