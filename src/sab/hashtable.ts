/**
 * Keyspace table: open addressing (linear probing) over key records, with incremental
 * resizing between two slot arrays, never a stop-the-world rehash.
 *
 *   Table header (heap block, u32 words from w = hdr*2):
 *   ┌───────┬────────┬────────┬────────┬────────┬────────┬────────┬──────────┬──────────┬────────┐
 *   │ count │ t0 ptr │ t0 mask│ t0 used│ t1 ptr │ t1 mask│ t1 used│ rehashIdx│ volatile │ cursor │
 *   │ w+0   │ w+1    │ w+2    │ w+3    │ w+4    │ w+5    │ w+6    │ w+7      │ w+8      │ w+9    │
 *   └───────┴────────┴────────┴────────┴────────┴────────┴────────┴──────────┴──────────┴────────┘
 *   w+10: live keys in t1 during a rehash; w+11 spare.
 *   Slot array (heap block of (mask+1) * 8 bytes): slot i = [hash u32][record ptr u32]
 *     record ptr 0 = empty, 1 = tombstone (unit 1 is inside the heap header, never a record).
 *
 * Invariants:
 * - A key is in exactly one of t0, t1. While t1 ≠ 0 a rehash is running: inserts go to t1,
 *   each insert moves kRehashStep slots of t0 (from rehashIdx up) into t1, and a moved slot
 *   becomes a tombstone so probe runs in t0 stay unbroken.
 * - used (live + tombstones) ≤ 3/4 of the slots, so every probe run ends at an empty slot.
 *   During a rehash, used(t1) + (live keys still in t0) ≤ 3/4 of t1 (insert rebuilds
 *   otherwise), so moving the rest of t0 into t1 can never fill it.
 * - An entry sits in the probe run that starts at its home slot (hash & mask), with no empty
 *   slot in between; SCAN relies on this to visit keys by home bucket with Redis's
 *   reverse-binary cursor, which survives resizes between calls.
 * - volatile counts the keys that have a TTL (kept by the keyspace layer); cursor is the active
 *   expiry position.
 * - Guarded by the shard lock.
 */

import { Heap } from './alloc.js';
import { kRecordHeader } from './record.js';

const kCount = 0, kT0 = 1, kM0 = 2, kU0 = 3, kT1 = 4, kM1 = 5, kU1 = 6, kRehashIdx = 7;
export const kVolatileField = 8;
export const kCursorField = 9;
/** Live keys in t1 while a rehash runs (so the keys still in t0 = count - live1). */
const kLive1 = 10;
const kHeaderBytes = 48;
const kRehashStep = 8;
const kTombstone = 1;
export const kMinCapacity = 16;

function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * The table machinery, shared by the keyspace (KeyTable) and by the field/member tables of
 * hashes, sets and sorted sets (Dict). An entry is any heap block whose key length is the u32
 * at word `lenWord` of the block and whose key bytes start at byte `keyByte` of the block.
 */
export abstract class OpenTable {
  /** Where the last successful find() found the key: table word index of its slot. */
  protected foundWord = -1;
  protected foundInT1 = false;

  constructor(readonly heap: Heap, protected readonly lenWord: number, protected readonly keyByte: number) {}

  abstract get hdr(): number;

  /** Make an empty table; returns its header ptr. */
  static create(heap: Heap, capacity = kMinCapacity): number {
    const hdr = heap.calloc(kHeaderBytes);
    const w = hdr * 2;
    const t = heap.calloc(capacity * 8);
    heap.u32[w + kT0] = t;
    heap.u32[w + kM0] = capacity - 1;
    return hdr;
  }

  count(): number {
    return this.heap.u32[this.hdr * 2 + kCount];
  }

  capacity(): number {
    const u32 = this.heap.u32, w = this.hdr * 2;
    return u32[w + kM0] + 1 + (u32[w + kT1] ? u32[w + kM1] + 1 : 0);
  }

  isRehashing(): boolean {
    return this.heap.u32[this.hdr * 2 + kT1] !== 0;
  }

  getField(f: number): number {
    return this.heap.u32[this.hdr * 2 + f];
  }

  setField(f: number, v: number): void {
    this.heap.u32[this.hdr * 2 + f] = v;
  }

  /** Find the record of key bytes b[off, off+len) with hash h. Returns its ptr or 0. */
  find(b: Uint8Array, off: number, len: number, h: number): number {
    const u32 = this.heap.u32, w = this.hdr * 2;
    let r = this.findIn(u32[w + kT0], u32[w + kM0], b, off, len, h);
    if (r !== 0) {
      this.foundInT1 = false;
      return r;
    }
    const t1 = u32[w + kT1];
    if (t1 !== 0) {
      r = this.findIn(t1, u32[w + kM1], b, off, len, h);
      if (r !== 0) {
        this.foundInT1 = true;
        return r;
      }
    }
    this.foundWord = -1;
    return 0;
  }

  private findIn(t: number, mask: number, b: Uint8Array, off: number, len: number, h: number): number {
    const u32 = this.heap.u32, u8 = this.heap.u8;
    const base = t * 2;
    let i = h & mask;
    for (;;) {
      const sw = base + i * 2;
      const r = u32[sw + 1];
      if (r === 0) return 0;
      if (r !== kTombstone && u32[sw] === h && u32[r * 2 + this.lenWord] === len) {
        const kb = r * 8 + this.keyByte;
        let j = 0;
        while (j < len && u8[kb + j] === b[off + j]) j++;
        if (j === len) { this.foundWord = sw; return r; }
      }
      i = (i + 1) & mask;
    }
  }

  /** Point the slot found by the last successful find() (or insert()) at a (re)allocated record. */
  replaceFound(rec: number): void {
    if (this.foundWord < 0) throw new Error('KeyTable.replaceFound without a found key');
    this.heap.u32[this.foundWord + 1] = rec;
  }

  /** Remove the key found by the last successful find() (or insert()). */
  deleteFound(): void {
    if (this.foundWord < 0) throw new Error('KeyTable.deleteFound without a found key');
    const u32 = this.heap.u32, w = this.hdr * 2;
    u32[this.foundWord + 1] = kTombstone;
    u32[w + kCount]--;
    if (this.foundInT1) u32[w + kLive1]--;
    this.foundWord = -1;
  }

  /** Insert a record for a key known to be absent. */
  insert(h: number, rec: number): void {
    let u32 = this.heap.u32;
    const w = this.hdr * 2;
    if (u32[w + kT1] !== 0) {
      // t1 must keep room for everything still in t0 plus this insert: used(t1) + live ≤ 3/4.
      // A shrink sizes t1 for the keys alive at the time; if many inserts follow before the
      // move finishes, rebuild into a table sized for now instead of overfilling t1.
      const leftInT0 = u32[w + kCount] - u32[w + kLive1];
      if ((u32[w + kU1] + leftInT0 + 1) * 4 > (u32[w + kM1] + 1) * 3) this.rebuild();
      else this.rehashStep(kRehashStep);
      u32 = this.heap.u32;
    }
    let t = u32[w + kT1] !== 0 ? 1 : 0;
    let mask = u32[w + (t ? kM1 : kM0)];
    const used = u32[w + (t ? kU1 : kU0)];
    if ((used + 1) * 4 > (mask + 1) * 3) {
      if (t === 1) this.rebuild();
      this.startRehash();
      u32 = this.heap.u32;
      t = 1;
      mask = u32[w + kM1];
    }
    const tp = u32[w + (t ? kT1 : kT0)];
    if (this.placeIn(tp, mask, h, rec)) u32[w + (t ? kU1 : kU0)]++;
    this.foundInT1 = t === 1;
    u32[w + kCount]++;
    if (t === 1) u32[w + kLive1]++;
  }

  /**
   * Move every key of t0 and t1 into one new table sized for the live count (a full pass:
   * only taken when a running rehash's target would overfill, which needs a shrink followed
   * by rapid growth).
   */
  private rebuild(): void {
    const heap = this.heap, w = this.hdr * 2;
    let cap = kMinCapacity;
    const live = heap.u32[w + kCount];
    while (cap * 3 < (live + 1) * 4 * 2) cap *= 2;
    const nt = heap.calloc(cap * 8);
    const u32 = heap.u32;
    let used = 0;
    for (const [tf, mf] of [[kT0, kM0], [kT1, kM1]]) {
      const t = u32[w + tf];
      if (t === 0) continue;
      const n = u32[w + mf] + 1;
      for (let i = 0; i < n; i++) {
        const r = u32[t * 2 + i * 2 + 1];
        if (r > kTombstone && this.placeIn(nt, cap - 1, u32[t * 2 + i * 2], r)) used++;
      }
      heap.free(t, n * 8);
    }
    u32[w + kT0] = nt;
    u32[w + kM0] = cap - 1;
    u32[w + kU0] = used;
    u32[w + kT1] = 0;
    u32[w + kM1] = 0;
    u32[w + kU1] = 0;
    u32[w + kRehashIdx] = 0;
    u32[w + kLive1] = 0;
  }

  /** Put (h, rec) in the first empty-or-tombstone slot of its run. True if it used an empty slot. */
  private placeIn(t: number, mask: number, h: number, rec: number): boolean {
    const u32 = this.heap.u32, base = t * 2;
    let i = h & mask;
    for (;;) {
      const sw = base + i * 2;
      const r = u32[sw + 1];
      if (r === 0 || r === kTombstone) {
        u32[sw] = h;
        u32[sw + 1] = rec;
        this.foundWord = sw; // an insert leaves the new key "found", like a lookup
        return r === 0;
      }
      i = (i + 1) & mask;
    }
  }

  private startRehash(): void {
    const heap = this.heap, u32 = heap.u32, w = this.hdr * 2;
    const live = u32[w + kCount];
    let cap = kMinCapacity;
    while (cap * 3 < live * 8) cap *= 2; // new table at most 3/8 full: a growth doubles
    u32[w + kT1] = heap.calloc(cap * 8);
    u32[w + kM1] = cap - 1;
    u32[w + kU1] = 0;
    u32[w + kRehashIdx] = 0;
    u32[w + kLive1] = 0;
  }

  /** Move up to n slots of t0 into t1. Returns true while a rehash is still running. */
  rehashStep(n: number): boolean {
    const heap = this.heap, u32 = heap.u32, w = this.hdr * 2;
    const t1 = u32[w + kT1];
    if (t1 === 0) return false;
    const t0 = u32[w + kT0], m0 = u32[w + kM0], m1 = u32[w + kM1];
    let idx = u32[w + kRehashIdx];
    const end = Math.min(m0 + 1, idx + n);
    let added = 0, moved = 0;
    for (; idx < end; idx++) {
      const sw = t0 * 2 + idx * 2;
      const r = u32[sw + 1];
      if (r > kTombstone) {
        if (this.placeIn(t1, m1, u32[sw], r)) added++;
        moved++;
        u32[sw + 1] = kTombstone;
      }
    }
    u32[w + kU1] += added;
    u32[w + kLive1] += moved;
    if (idx > m0) {
      heap.free(t0, (m0 + 1) * 8);
      u32[w + kT0] = t1;
      u32[w + kM0] = m1;
      u32[w + kU0] = u32[w + kU1];
      u32[w + kT1] = 0;
      u32[w + kM1] = 0;
      u32[w + kU1] = 0;
      u32[w + kRehashIdx] = 0;
      u32[w + kLive1] = 0;
      return false;
    }
    u32[w + kRehashIdx] = idx;
    return true;
  }

  /**
   * Start a rehash into a right-sized table when the table is mostly empty or mostly
   * tombstones. Called by the owner worker; returns true if one was started.
   */
  maybeShrink(): boolean {
    const u32 = this.heap.u32, w = this.hdr * 2;
    if (u32[w + kT1] !== 0) return false;
    const cap = u32[w + kM0] + 1, live = u32[w + kCount], used = u32[w + kU0];
    if ((cap > kMinCapacity && live * 10 < cap) || used - live > cap / 4) {
      this.startRehash();
      return true;
    }
    return false;
  }

  /**
   * One SCAN step (Redis's reverse-binary cursor over home buckets). Calls emit(rec) for every
   * key whose home bucket is visited, and returns the next cursor (0 when done).
   */
  scan(cursor: number, emit: (rec: number) => void): number {
    const u32 = this.heap.u32, w = this.hdr * 2;
    let v = cursor >>> 0;
    const t0 = u32[w + kT0], m0 = u32[w + kM0], t1 = u32[w + kT1], m1 = u32[w + kM1];
    if (t1 === 0) {
      this.emitBucket(t0, m0, v & m0, emit);
      v = (v | ~m0) >>> 0;
      v = rev32((rev32(v) + 1) >>> 0);
      return v;
    }
    let ts = t0, ms = m0, tl = t1, ml = m1;
    if (m0 > m1) { ts = t1; ms = m1; tl = t0; ml = m0; }
    this.emitBucket(ts, ms, v & ms, emit);
    do {
      this.emitBucket(tl, ml, v & ml, emit);
      v = (v | ~ml) >>> 0;
      v = rev32((rev32(v) + 1) >>> 0);
    } while ((v & (ms ^ ml)) !== 0);
    return v;
  }

  private emitBucket(t: number, mask: number, b: number, emit: (rec: number) => void): void {
    const u32 = this.heap.u32, base = t * 2;
    for (let i = b; ; i = (i + 1) & mask) {
      const sw = base + i * 2;
      const r = u32[sw + 1];
      if (r === 0) return;
      if (r !== kTombstone && (u32[sw] & mask) === b) emit(r);
    }
  }

  /**
   * A random live record, or 0 if the table is empty. Draws uniform slots over t0 and t1
   * until one is live, so every record is equally likely (the first live slot after a random
   * point would favour records that follow empty runs); a very sparse table falls back to
   * that walk after 64 misses.
   */
  random(): number {
    const u32 = this.heap.u32, w = this.hdr * 2;
    if (u32[w + kCount] === 0) return 0;
    const t0 = u32[w + kT0], n0 = u32[w + kM0] + 1;
    const t1 = u32[w + kT1], n1 = t1 === 0 ? 0 : u32[w + kM1] + 1;
    for (let k = 0; k < 64; k++) {
      const i = Math.floor(Math.random() * (n0 + n1));
      const r = i < n0 ? u32[t0 * 2 + i * 2 + 1] : u32[t1 * 2 + (i - n0) * 2 + 1];
      if (r > kTombstone) return r;
    }
    const order = Math.random() < 0.5 ? [kT0, kT1] : [kT1, kT0];
    for (const tf of order) {
      const t = u32[w + tf];
      if (t === 0) continue;
      const mask = u32[w + tf + 1];
      const start = (Math.random() * (mask + 1)) | 0;
      for (let k = 0; k <= mask; k++) {
        const r = u32[t * 2 + ((start + k) & mask) * 2 + 1];
        if (r > kTombstone) return r;
      }
    }
    return 0;
  }

  /**
   * Visit up to `maxSlots` slots of t0 from the expiry cursor; calls visit(rec) for live ones.
   * Inside visit(), deleteFound() removes the visited key. When visit() returns false the
   * sweep stops there, and the next sweep starts with the slot after that key.
   */
  sweep(maxSlots: number, visit: (rec: number) => boolean | void): void {
    const u32 = this.heap.u32, w = this.hdr * 2;
    const t = u32[w + kT0], mask = u32[w + kM0];
    let c = u32[w + kCursorField] & mask;
    for (let k = 0; k < maxSlots; k++) {
      const slot = c;
      const r = u32[t * 2 + slot * 2 + 1];
      c = (c + 1) & mask;
      if (r > kTombstone) {
        this.foundWord = t * 2 + slot * 2; // so visit() may call deleteFound()
        if (visit(r) === false) break;
      }
    }
    u32[w + kCursorField] = c;
  }

  /** Remove every key, calling release(rec) for each, and shrink to the minimum size. */
  clear(release: (rec: number) => void): void {
    const heap = this.heap, u32 = heap.u32, w = this.hdr * 2;
    for (const [tf, mf] of [[kT0, kM0], [kT1, kM1]]) {
      const t = u32[w + tf];
      if (t === 0) continue;
      const cap = u32[w + mf] + 1;
      for (let i = 0; i < cap; i++) {
        const r = u32[t * 2 + i * 2 + 1];
        if (r > kTombstone) release(r);
      }
      heap.free(t, cap * 8);
    }
    const t = heap.calloc(kMinCapacity * 8);
    u32.fill(0, w, w + kHeaderBytes / 4);
    u32[w + kT0] = t;
    u32[w + kM0] = kMinCapacity - 1;
  }

  /** Free the table entirely (records are released through release()). */
  destroy(release: (rec: number) => void): void {
    const heap = this.heap, hdr = this.hdr, w = hdr * 2;
    for (const [tf, mf] of [[kT0, kM0], [kT1, kM1]]) {
      const t = heap.u32[w + tf];
      if (t === 0) continue;
      const cap = heap.u32[w + mf] + 1;
      for (let i = 0; i < cap; i++) {
        const r = heap.u32[t * 2 + i * 2 + 1];
        if (r > kTombstone) release(r);
      }
      heap.free(t, cap * 8);
    }
    heap.free(hdr, kHeaderBytes);
  }

  /** Call visit(rec) for every entry (t0 then t1). visit() must not insert or delete. */
  each(visit: (rec: number) => void): void {
    const w = this.hdr * 2;
    for (const [tf, mf] of [[kT0, kM0], [kT1, kM1]]) {
      const u32 = this.heap.u32;
      const t = u32[w + tf];
      if (t === 0) continue;
      const cap = u32[w + mf] + 1;
      for (let i = 0; i < cap; i++) {
        const r = this.heap.u32[t * 2 + i * 2 + 1];
        if (r > kTombstone) visit(r);
      }
    }
  }
}

/**
 * A keyspace table (one per db). It is reached through a heap root slot, not a fixed header
 * pointer, so that SWAPDB (which swaps two roots under every shard lock) is seen by every
 * thread at once. Entries are key records (sab/record.ts).
 */
export class KeyTable extends OpenTable {
  constructor(heap: Heap, private readonly rootIndex: number) {
    super(heap, 1, kRecordHeader);
  }

  get hdr(): number {
    return this.heap.root(this.rootIndex);
  }
}

/**
 * A field/member table inside one value (hash, set, sorted-set dict). One Dict object is a
 * cursor reused across values: at(hdr) points it at a value's table header. Nothing is kept
 * per value on the V8 heap.
 */
export class Dict extends OpenTable {
  private ptr = 0;

  constructor(heap: Heap, lenWord: number, keyByte: number) {
    super(heap, lenWord, keyByte);
  }

  get hdr(): number {
    return this.ptr;
  }

  at(hdr: number): this {
    this.ptr = hdr;
    this.foundWord = -1;
    return this;
  }

  static readonly headerBytes = kHeaderBytes;
}
