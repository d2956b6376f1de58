/**
 * Intset: a sorted array of distinct signed integers in one heap block, the small encoding of
 * sets whose members are all integers (Redis's intset). Every value has the same width, the
 * smallest of 2, 4 or 8 bytes that holds the largest-magnitude member; adding a value that
 * does not fit upgrades the whole array (never downgraded).
 *
 *   block p (byte base b = p*8)
 *   ┌───────────┬───────────┬────────────┬────────────┬─────┬──────────────┬ ─ ─ ─ ─ ┐
 *   │ width u32 │ count u32 │ value 0    │ value 1    │ ... │ value n-1    │ spare   │
 *   │ 2 | 4 | 8 │           │ (smallest) │            │     │ (largest)    │         │
 *   └───────────┴───────────┴────────────┴────────────┴─────┴──────────────┴ ─ ─ ─ ─ ┘
 *   byte 0       4           8 = kIntsetHeader         8 + i*width
 *
 *   value: little-endian int16 / int32 / int64; an int64 is [lo u32][hi i32].
 *
 * Invariants:
 * - Values are strictly ascending (so membership is a binary search).
 * - The block was allocated as kIntsetHeader + count*width bytes; its capacity is
 *   Heap.usable() of that. An insert that still fits the size class writes in place; any
 *   change that moves count*width into another size class reallocates, so the block can
 *   always be freed with free(p, kIntsetHeader + count*width).
 * - width only grows (2 → 4 → 8), when a value outside the current range is added.
 * - In JS a value is a pair (hi: signed high 32 bits, lo: unsigned low 32 bits), so the full
 *   int64 range is exact without BigInt; `iv` is the shared scratch pair that getters and the
 *   parser fill in.
 * - Every mutating function returns the block pointer (it changes on reallocation).
 * - Guarded by the shard lock, like the rest of the heap.
 */
import { Heap } from './alloc.js';

export const kIntsetHeader = 8;
const k32 = 4294967296;

/** Scratch int64 as (hi, lo): filled by isGet, parseI64. */
export const iv = { hi: 0, lo: 0 };

/** Bytes per value needed for (hi, lo). */
export function widthFor(hi: number, lo: number): number {
  const s = lo | 0;
  if (hi !== s >> 31) return 8;
  return s >= -32768 && s <= 32767 ? 2 : 4;
}

function blockBytes(count: number, width: number): number {
  return kIntsetHeader + count * width;
}

export function isNew(heap: Heap): number {
  const p = heap.alloc(kIntsetHeader);
  heap.u32[p * 2] = 2;
  heap.u32[p * 2 + 1] = 0;
  return p;
}

export function isCount(heap: Heap, p: number): number {
  return heap.u32[p * 2 + 1];
}

export function isWidth(heap: Heap, p: number): number {
  return heap.u32[p * 2];
}

/** Bytes the block was allocated with. */
export function isBytes(heap: Heap, p: number): number {
  return blockBytes(heap.u32[p * 2 + 1], heap.u32[p * 2]);
}

export function isFree(heap: Heap, p: number): void {
  heap.free(p, isBytes(heap, p));
}

/** Copy the intset into heap `dst` (which may be `src`). */
export function isCopy(src: Heap, p: number, dst: Heap): number {
  const bytes = isBytes(src, p);
  const np = dst.alloc(bytes);
  dst.u8.set(src.u8.subarray(p * 8, p * 8 + bytes), np * 8);
  return np;
}

/** Read value i into `iv`. */
export function isGet(heap: Heap, p: number, i: number): void {
  const width = heap.u32[p * 2];
  const a = p * 8 + kIntsetHeader + i * width;
  if (width === 2) {
    const v = ((heap.u8[a] | (heap.u8[a + 1] << 8)) << 16) >> 16;
    iv.hi = v >> 31;
    iv.lo = v >>> 0;
  } else if (width === 4) {
    const v = heap.i32[a >> 2];
    iv.hi = v >> 31;
    iv.lo = v >>> 0;
  } else {
    iv.lo = heap.u32[a >> 2];
    iv.hi = heap.i32[(a >> 2) + 1];
  }
}

/** Value i as a JS number (exact only within ±2^53; for sorting/tests use isGet). */
export function isGetNumber(heap: Heap, p: number, i: number): number {
  isGet(heap, p, i);
  return iv.hi * k32 + iv.lo;
}

function writeAt(u8: Uint8Array, u32: Uint32Array, a: number, width: number, hi: number, lo: number): void {
  if (width === 2) {
    u8[a] = lo & 0xff;
    u8[a + 1] = (lo >>> 8) & 0xff;
  } else if (width === 4) {
    u32[a >> 2] = lo;
  } else {
    u32[a >> 2] = lo;
    u32[(a >> 2) + 1] = hi;
  }
}

/**
 * Binary search for (hi, lo). Returns its index if present, else -(insertion index) - 1.
 */
export function isSearch(heap: Heap, p: number, hi: number, lo: number): number {
  const u32 = heap.u32;
  const width = u32[p * 2], n = u32[p * 2 + 1];
  if (n === 0) return -1;
  const base = p * 8 + kIntsetHeader;
  if (width < 8) {
    const s = lo | 0;
    if (hi !== s >> 31 || (width === 2 && (s < -32768 || s > 32767))) {
      // Out of the stored range: it would go before the first or after the last value.
      return hi < 0 ? -1 : -(n + 1);
    }
    let l = 0, h = n - 1;
    if (width === 2) {
      const u8 = heap.u8;
      while (l <= h) {
        const m = (l + h) >>> 1;
        const a = base + m * 2;
        const v = ((u8[a] | (u8[a + 1] << 8)) << 16) >> 16;
        if (v === s) return m;
        if (v < s) l = m + 1;
        else h = m - 1;
      }
    } else {
      const i32 = heap.i32, b4 = base >> 2;
      while (l <= h) {
        const m = (l + h) >>> 1;
        const v = i32[b4 + m];
        if (v === s) return m;
        if (v < s) l = m + 1;
        else h = m - 1;
      }
    }
    return -(l + 1);
  }
  const i32 = heap.i32, b4 = base >> 2;
  let l = 0, h = n - 1;
  while (l <= h) {
    const m = (l + h) >>> 1;
    const vh = i32[b4 + m * 2 + 1];
    const vl = u32[b4 + m * 2];
    if (vh === hi && vl === lo) return m;
    if (vh < hi || (vh === hi && vl < lo)) l = m + 1;
    else h = m - 1;
  }
  return -(l + 1);
}

export function isFind(heap: Heap, p: number, hi: number, lo: number): boolean {
  return isSearch(heap, p, hi, lo) >= 0;
}

/**
 * Add (hi, lo). Returns the (possibly new) block pointer; `isAdded` tells whether the value
 * was new.
 */
export let isAdded = false;
export function isAdd(heap: Heap, p: number, hi: number, lo: number): number {
  const width = heap.u32[p * 2];
  const need = widthFor(hi, lo);
  if (need > width) {
    isAdded = true;
    return upgradeAndAdd(heap, p, need, hi, lo);
  }
  const idx = isSearch(heap, p, hi, lo);
  if (idx >= 0) {
    isAdded = false;
    return p;
  }
  isAdded = true;
  return insertAt(heap, p, -idx - 1, hi, lo);
}

function insertAt(heap: Heap, p: number, idx: number, hi: number, lo: number): number {
  const width = heap.u32[p * 2], n = heap.u32[p * 2 + 1];
  const oldBytes = blockBytes(n, width), newBytes = blockBytes(n + 1, width);
  let q = p;
  if (newBytes > Heap.usable(oldBytes)) {
    q = heap.alloc(newBytes);
    const u8 = heap.u8;
    u8.copyWithin(q * 8, p * 8, p * 8 + kIntsetHeader + idx * width);
    u8.copyWithin(q * 8 + kIntsetHeader + (idx + 1) * width, p * 8 + kIntsetHeader + idx * width, p * 8 + oldBytes);
    heap.free(p, oldBytes);
  } else {
    const a = p * 8 + kIntsetHeader + idx * width;
    heap.u8.copyWithin(a + width, a, p * 8 + oldBytes);
  }
  writeAt(heap.u8, heap.u32, q * 8 + kIntsetHeader + idx * width, width, hi, lo);
  heap.u32[q * 2 + 1] = n + 1;
  return q;
}

/** Widen every value to `width` and add (hi, lo), which lies beyond one end. */
function upgradeAndAdd(heap: Heap, p: number, width: number, hi: number, lo: number): number {
  const oldWidth = heap.u32[p * 2], n = heap.u32[p * 2 + 1];
  const oldBytes = blockBytes(n, oldWidth);
  const q = heap.alloc(blockBytes(n + 1, width));
  const prepend = hi < 0 ? 1 : 0;
  const u8 = heap.u8, u32 = heap.u32;
  const dst = q * 8 + kIntsetHeader;
  for (let i = 0; i < n; i++) {
    isGet(heap, p, i);
    writeAt(u8, u32, dst + (i + prepend) * width, width, iv.hi, iv.lo);
  }
  writeAt(u8, u32, dst + (prepend ? 0 : n) * width, width, hi, lo);
  u32[q * 2] = width;
  u32[q * 2 + 1] = n + 1;
  heap.free(p, oldBytes);
  return q;
}

/** Remove value i. Returns the (possibly new) block pointer. */
export function isRemoveAt(heap: Heap, p: number, i: number): number {
  const width = heap.u32[p * 2], n = heap.u32[p * 2 + 1];
  const oldBytes = blockBytes(n, width), newBytes = blockBytes(n - 1, width);
  const a = p * 8 + kIntsetHeader + i * width;
  if (Heap.usable(newBytes) === Heap.usable(oldBytes)) {
    heap.u8.copyWithin(a, a + width, p * 8 + oldBytes);
    heap.u32[p * 2 + 1] = n - 1;
    return p;
  }
  const q = heap.alloc(newBytes);
  const u8 = heap.u8;
  u8.copyWithin(q * 8, p * 8, a);
  u8.copyWithin(q * 8 + kIntsetHeader + i * width, a + width, p * 8 + oldBytes);
  heap.u32[q * 2 + 1] = n - 1;
  heap.free(p, oldBytes);
  return q;
}

/** Remove (hi, lo) if present. Returns the block pointer; `isRemoved` tells whether it was. */
export let isRemoved = false;
export function isRemove(heap: Heap, p: number, hi: number, lo: number): number {
  const idx = isSearch(heap, p, hi, lo);
  isRemoved = idx >= 0;
  return idx >= 0 ? isRemoveAt(heap, p, idx) : p;
}

// ------------------------------------------------------------------ int64 text

/**
 * Parse b[off, off+len) as Redis's string2ll does (optional '-', no '+', no leading zeros,
 * no spaces, within int64) into `iv`. Returns false if it is not such an integer.
 */
export function parseI64(b: Uint8Array, off: number, len: number): boolean {
  if (len === 0 || len > 20) return false;
  let i = off;
  const end = off + len;
  let neg = false;
  if (b[i] === 0x2d) {
    neg = true;
    i++;
    if (i === end) return false;
  }
  if (b[i] === 0x30) {
    if (len !== 1) return false;
    iv.hi = 0;
    iv.lo = 0;
    return true;
  }
  const digits = end - i;
  if (digits <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    if (neg) v = -v;
    iv.lo = v >>> 0;
    iv.hi = Math.floor(v / k32) | 0;
    return true;
  }
  let v = 0n;
  for (; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10n + BigInt(d);
  }
  if (neg) v = -v;
  if (v < -(2n ** 63n) || v > 2n ** 63n - 1n) return false;
  iv.lo = Number(v & 0xffffffffn);
  iv.hi = Number(BigInt.asIntN(32, v >> 32n));
  return true;
}

/** Whether b[off, off+len) is a canonical int64 (string2ll). */
export function isInt64Text(b: Uint8Array, off: number, len: number): boolean {
  return parseI64(b, off, len);
}

/**
 * Write the decimal text of (hi, lo) at out[off...]; returns its length (at most 20).
 * `out` must have room.
 */
export function formatI64(hi: number, lo: number, out: Uint8Array, off: number): number {
  if (hi >= -2097152 && hi < 2097152) {
    let v = hi * k32 + lo;
    let n = 0;
    if (v < 0) {
      out[off + n++] = 0x2d;
      v = -v;
    }
    if (v === 0) {
      out[off] = 0x30;
      return 1;
    }
    let digits = 0;
    for (let t = v; t >= 1; t = Math.floor(t / 10)) digits++;
    for (let k = digits - 1; k >= 0; k--) {
      out[off + n + k] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    return n + digits;
  }
  const s = ((BigInt(hi) << 32n) + BigInt(lo)).toString();
  for (let k = 0; k < s.length; k++) out[off + k] = s.charCodeAt(k);
  return s.length;
}

/** Length of the decimal text of (hi, lo), sign included (Redis's sdigits10). */
export function digitsI64(hi: number, lo: number): number {
  if (hi >= -2097152 && hi < 2097152) {
    let v = hi * k32 + lo;
    let n = 1;
    if (v < 0) {
      n++;
      v = -v;
    }
    while (v >= 10) {
      v = Math.floor(v / 10);
      n++;
    }
    return n;
  }
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString().length;
}
