/**
 * Size-class allocator over one growable SharedArrayBuffer (the shard heap).
 *
 * Pointers are u32 in 8-byte units ("units"): byte offset = ptr * 8, u32 index = ptr * 2,
 * f64 index = ptr. Pointer 0 is never a block (it is the heap header), so 0 means "none".
 *
 *   byte 0                                                       byteLength      maxByteLength
 *   ┌──────────────┬──────────────────────────────────┬────────────┬ ─ ─ ─ ─ ─ ─ ─ ─ ─ ┐
 *   │ heap header  │ blocks (small: size classes;      │ free space │   reserved, grown  │
 *   │ (kHeaderBytes)│  large: page-multiple spans)     │ above top  │   on demand        │
 *   └──────────────┴──────────────────────────────────┴────────────┴ ─ ─ ─ ─ ─ ─ ─ ─ ─ ┘
 *                                                      ▲ kTopField (units)
 *
 *   Heap header (u32 words):
 *   [0] kMagicField        'SPND'
 *   [1] kTopField          first never-used unit (bump pointer)
 *   [2] kUsedField         units handed out and not freed (small + large)
 *   [3] kLargeFreeField    head of the large-span free list (units ptr, 0 = empty)
 *   [4] kGrowsField        number of SAB grows (stats)
 *   [5] kChunkField       small-block carving chunk: next free unit (0 = none)
 *   [6] kChunkEndField    end of that chunk (units)
 *   [7]                   spare
 *   [8 .. 8+kClasses)      kClassHeadBase: free-list head per size class (units ptr)
 *   [kRootBase .. +64)     roots: fixed slots other structures use to find their headers
 *                          (the keyspace keeps its 16 db table pointers here)
 *
 *   Free small block:  u32[p*2] = next free block of the same class (0 = end)
 *   Free large span:   u32[p*2] = next span, u32[p*2+1] = span size in units
 *
 * Invariants:
 * - Every call runs under the shard's futex lock (the heap has no lock of its own).
 * - The caller passes the same byte size to free() that it passed to alloc(); blocks carry no
 *   header, so a 72-byte key record costs exactly 72 bytes.
 * - Small sizes (<= kMaxSmall bytes) round up to a size class; a freed small block goes to its
 *   class's free list and is only ever reused for that class.
 * - Large sizes round up to kPage bytes; freed spans go to one first-fit list; a span bigger
 *   than the request is split and the tail stays on the list. Spans are not coalesced.
 * - A small request with an empty class list is carved from the current chunk: a freed large
 *   span (e.g. a keyspace table outgrown by a resize) taken off the large list, before the
 *   heap top is bumped. So memory freed by big structures feeds small records instead of
 *   waiting for another large request. The chunk's unused tail is abandoned when a request no
 *   longer fits (at most kMaxSmall bytes).
 * - The buffer only grows (SharedArrayBuffer.grow), only under the shard lock; every other
 *   thread re-creates its fixed-length views in sync() when it next takes the lock.
 */

export const kMagic = 0x444e5053; // 'SPND'
export const kMagicField = 0;
export const kTopField = 1;
export const kUsedField = 2;
export const kLargeFreeField = 3;
export const kGrowsField = 4;
export const kChunkField = 5;
export const kChunkEndField = 6;
export const kClassHeadBase = 8;
export const kMaxSmall = 32 * 1024;
export const kPage = 4096;

/** Size classes in bytes: every 8 up to 128, every 16 up to 256, then about 1/8 steps. */
export const kClassSizes: number[] = (() => {
  const out: number[] = [];
  for (let s = 8; s <= 128; s += 8) out.push(s);
  for (let s = 144; s <= 256; s += 16) out.push(s);
  let s = 256;
  while (s < kMaxSmall) {
    const step = Math.max(16, 2 ** Math.floor(Math.log2(s)) / 8);
    s = Math.min(kMaxSmall, s + step);
    out.push(s);
  }
  return out;
})();
export const kClasses = kClassSizes.length;
export const kRootBase = kClassHeadBase + kClasses;
export const kRoots = 64;
export const kHeaderBytes = Math.ceil(((kRootBase + kRoots) * 4) / 8) * 8;

/** byte size (1..kMaxSmall) → class index, via a table in 8-byte steps. */
const classOf8 = new Uint8Array(kMaxSmall / 8 + 1);
{
  let c = 0;
  for (let u = 1; u <= kMaxSmall / 8; u++) {
    while (kClassSizes[c] < u * 8) c++;
    classOf8[u] = c;
  }
}

export class OutOfMemoryError extends Error {
  constructor(bytes: number) {
    super(`shard heap cannot grow by ${bytes} bytes`);
  }
}

export class Heap {
  readonly sab: SharedArrayBuffer;
  /**
   * Fixed-length views over the growable buffer. (Length-tracking views on a growable
   * SharedArrayBuffer cost V8 about 10x per element access, measured on Node 20 and 24.)
   * They are re-created by grow() in the growing thread, and by sync() in every other thread,
   * which the shard calls each time it takes the lock: growth only happens under the lock, so
   * a lock holder's views always cover the whole heap. A view held in a local variable across
   * an alloc() covers only the old range: fetch heap.u32 again after allocating.
   */
  u8!: Uint8Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  f64!: Float64Array;
  private viewBytes = -1;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.refresh();
    if (this.u32[kMagicField] !== kMagic) throw new Error('not an initialized Spindle heap');
  }

  /** Re-create the views if another thread grew the buffer. Call after taking the lock. */
  sync(): void {
    if (this.sab.byteLength !== this.viewBytes) this.refresh();
  }

  private refresh(): void {
    const n = this.sab.byteLength;
    this.viewBytes = n;
    this.u8 = new Uint8Array(this.sab, 0, n);
    this.u32 = new Uint32Array(this.sab, 0, n >>> 2);
    this.i32 = new Int32Array(this.sab, 0, n >>> 2);
    this.f64 = new Float64Array(this.sab, 0, n >>> 3);
  }

  /** Create a new heap buffer (growable up to maxBytes) with an empty header. */
  static create(initialBytes = 1 << 20, maxBytes = 2 ** 32 - kPage): SharedArrayBuffer {
    const init = Math.max(kHeaderBytes + kPage, Math.ceil(initialBytes / kPage) * kPage);
    const sab = new SharedArrayBuffer(init, { maxByteLength: maxBytes });
    const u32 = new Uint32Array(sab);
    u32[kMagicField] = kMagic;
    u32[kTopField] = kHeaderBytes / 8;
    return sab;
  }

  /** Allocate `bytes` (> 0). Returns a units pointer. The memory is not zeroed. */
  alloc(bytes: number): number {
    const u32 = this.u32;
    if (bytes <= kMaxSmall) {
      const c = classOf8[(bytes + 7) >>> 3];
      const head = kClassHeadBase + c;
      const p = u32[head];
      const units = kClassSizes[c] >>> 3;
      if (p !== 0) {
        u32[head] = u32[p * 2];
        u32[kUsedField] += units;
        return p;
      }
      const q = this.carve(units); // may throw OutOfMemoryError: count only what was handed out
      this.u32[kUsedField] += units;
      return q;
    }
    return this.allocLarge(Math.ceil(bytes / kPage) * (kPage / 8));
  }

  /**
   * Allocate and zero. Memory from above the top was never handed out, and a SharedArrayBuffer
   * (and every grow of it) starts zeroed, so only reused memory is cleared; that is done in
   * 8-byte words (clearing a 16 MB table byte by byte in shared memory took 13 ms, measured).
   */
  calloc(bytes: number): number {
    const top = this.u32[kTopField];
    const p = this.alloc(bytes);
    if (p >= top) return p;
    const words = bytes >>> 3;
    this.f64.fill(0, p, p + words);
    if ((bytes & 7) !== 0) this.u8.fill(0, (p + words) * 8, p * 8 + bytes);
    return p;
  }

  free(p: number, bytes: number): void {
    const u32 = this.u32;
    if (bytes <= kMaxSmall) {
      const c = classOf8[(bytes + 7) >>> 3];
      const head = kClassHeadBase + c;
      u32[p * 2] = u32[head];
      u32[head] = p;
      u32[kUsedField] -= kClassSizes[c] >>> 3;
      return;
    }
    const units = Math.ceil(bytes / kPage) * (kPage / 8);
    u32[p * 2] = u32[kLargeFreeField];
    u32[p * 2 + 1] = units;
    u32[kLargeFreeField] = p;
    u32[kUsedField] -= units;
  }

  /** Bytes actually reserved for a request of `bytes` (its size class or page multiple). */
  static usable(bytes: number): number {
    if (bytes <= kMaxSmall) return kClassSizes[classOf8[(bytes + 7) >>> 3]];
    return Math.ceil(bytes / kPage) * kPage;
  }

  /** Bytes handed out and not yet freed. */
  usedBytes(): number {
    return this.u32[kUsedField] * 8;
  }

  /** Bytes of the buffer (what the heap costs the process, at most). */
  committedBytes(): number {
    return this.sab.byteLength;
  }

  root(i: number): number {
    return this.u32[kRootBase + i];
  }

  setRoot(i: number, v: number): void {
    this.u32[kRootBase + i] = v;
  }

  private allocLarge(units: number): number {
    const u32 = this.u32;
    let prev = 0;
    let p = u32[kLargeFreeField];
    while (p !== 0) {
      const size = u32[p * 2 + 1];
      const next = u32[p * 2];
      if (size >= units) {
        if (size > units) {
          const rest = p + units;
          u32[rest * 2] = next;
          u32[rest * 2 + 1] = size - units;
          if (prev === 0) u32[kLargeFreeField] = rest;
          else u32[prev * 2] = rest;
        } else if (prev === 0) u32[kLargeFreeField] = next;
        else u32[prev * 2] = next;
        u32[kUsedField] += units;
        return p;
      }
      prev = p;
      p = next;
    }
    const q = this.bump(units);
    this.u32[kUsedField] += units;
    return q;
  }

  /** A small block from the carving chunk, refilled from the large free list, else the top. */
  private carve(units: number): number {
    const u32 = this.u32;
    let p = u32[kChunkField];
    if (p !== 0 && p + units <= u32[kChunkEndField]) {
      u32[kChunkField] = p + units;
      return p;
    }
    // First fit: the first freed span that holds the request becomes the new chunk.
    let prev = 0;
    for (let span = u32[kLargeFreeField]; span !== 0; prev = span, span = u32[span * 2]) {
      const size = u32[span * 2 + 1];
      if (size < units) continue;
      if (prev === 0) u32[kLargeFreeField] = u32[span * 2];
      else u32[prev * 2] = u32[span * 2];
      u32[kChunkField] = span + units;
      u32[kChunkEndField] = span + size;
      return span;
    }
    return this.bump(units);
  }

  private bump(units: number): number {
    const u32 = this.u32;
    const p = u32[kTopField];
    const end = (p + units) * 8;
    if (end > this.sab.byteLength) this.grow(end);
    u32[kTopField] = p + units;
    return p;
  }

  private grow(minBytes: number): void {
    const sab = this.sab;
    const max = sab.maxByteLength;
    let want = Math.max(minBytes, sab.byteLength + Math.max(1 << 20, Math.floor(sab.byteLength / 4)));
    want = Math.min(max, Math.ceil(want / kPage) * kPage);
    if (want < minBytes) throw new OutOfMemoryError(minBytes - sab.byteLength);
    sab.grow(want);
    this.refresh();
    this.u32[kGrowsField]++;
  }
}
