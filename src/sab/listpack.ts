/**
 * Listpack: a packed sequence of byte strings in one heap block. The small encoding of hashes,
 * sets and sorted sets, and the node of a quicklist.
 *
 *   block p (byte base = p*8)
 *   ┌──────────┬──────────┬──────────┬─────────┬─────────┬─────┬─────────┬ ─ ─ ─ ─ ─ ┐
 *   │ cap u32  │ used u32 │ count u32│ entry 0 │ entry 1 │ ... │ entry n │  spare     │
 *   └──────────┴──────────┴──────────┴─────────┴─────────┴─────┴─────────┴ ─ ─ ─ ─ ─ ┘
 *   byte 0      4          8          12 = kLpHeader                       used      cap
 *
 *   entry = [len header][data bytes][back length]
 *     len header: len < 64        → 1 byte  len
 *                 len < 4096      → 2 bytes 0x40 | len >> 8, len & 0xff
 *     (the string header sizes of Redis's listpack, so size limits such as
 *     list-max-listpack-size -1 count string entries exactly as Redis counts them)
 *                 otherwise       → 5 bytes 0xC0, len as u32 little-endian
 *     back length: t = header + data bytes, in 7-bit groups, most significant group first;
 *                  every byte but the first has bit 7 set, so reading backwards from the next
 *                  entry's start stops at the byte without it. 1 byte while t < 128.
 *
 * Invariants:
 * - cap is the block's usable size (Heap.usable of what was allocated); the block is freed
 *   with free(p, cap). kLpHeader ≤ used ≤ cap. count is the number of entries.
 * - Positions are byte offsets relative to the block start (so they survive a reallocation);
 *   entries are contiguous from kLpHeader to used.
 * - Every mutating function returns the block's pointer, which changes when it reallocates.
 * - Source bytes given to an insert or replace must not lie inside the same block.
 * - Guarded by the shard lock, like the rest of the heap.
 */
import { Heap } from './alloc.js';
import { copyBytes } from './bytes.js';

export const kLpHeader = 12;

function hdrSize(len: number): number {
  return len < 64 ? 1 : len < 4096 ? 2 : 5;
}

function backSize(t: number): number {
  return t < 128 ? 1 : t < 16384 ? 2 : t < 2097152 ? 3 : t < 268435456 ? 4 : 5;
}

/** Bytes an entry of `len` data bytes takes. */
export function lpEntrySize(len: number): number {
  const t = hdrSize(len) + len;
  return t + backSize(t);
}

/** Data length of the entry at absolute byte offset a. */
function lenAt(u8: Uint8Array, a: number): number {
  const b0 = u8[a];
  if (b0 < 0x40) return b0;
  if (b0 < 0x80) return ((b0 & 0x3f) << 8) | u8[a + 1];
  return (u8[a + 1] | (u8[a + 2] << 8) | (u8[a + 3] << 16) | (u8[a + 4] << 24)) >>> 0;
}

/** Total size (header + data + back length) of the entry at absolute byte offset a. */
function sizeAt(u8: Uint8Array, a: number): number {
  const len = lenAt(u8, a);
  const t = hdrSize(len) + len;
  return t + backSize(t);
}

function writeEntry(u8: Uint8Array, a: number, b: Uint8Array, off: number, len: number): void {
  let h: number;
  if (len < 64) {
    u8[a] = len;
    h = 1;
  } else if (len < 4096) {
    u8[a] = 0x40 | (len >>> 8);
    u8[a + 1] = len & 0xff;
    h = 2;
  } else {
    u8[a] = 0xc0;
    u8[a + 1] = len & 0xff;
    u8[a + 2] = (len >>> 8) & 0xff;
    u8[a + 3] = (len >>> 16) & 0xff;
    u8[a + 4] = len >>> 24;
    h = 5;
  }
  copyBytes(u8, a + h, b, off, len);
  let t = h + len;
  const bs = backSize(t);
  let e = a + t + bs - 1;
  for (let k = 0; k < bs; k++) {
    u8[e--] = (t & 0x7f) | (k < bs - 1 ? 0x80 : 0);
    t >>>= 7;
  }
}

export function lpNew(heap: Heap, capBytes = 0): number {
  const cap = Heap.usable(Math.max(kLpHeader, capBytes));
  const p = heap.alloc(cap);
  const u32 = heap.u32, w = p * 2;
  u32[w] = cap;
  u32[w + 1] = kLpHeader;
  u32[w + 2] = 0;
  return p;
}

export function lpFree(heap: Heap, p: number): void {
  heap.free(p, heap.u32[p * 2]);
}

export function lpCount(heap: Heap, p: number): number {
  return heap.u32[p * 2 + 2];
}

export function lpBytes(heap: Heap, p: number): number {
  return heap.u32[p * 2 + 1];
}

export function lpEnd(heap: Heap, p: number): number {
  return heap.u32[p * 2 + 1];
}

export function lpFirst(heap: Heap, p: number): number {
  return heap.u32[p * 2 + 1] > kLpHeader ? kLpHeader : -1;
}

export function lpNext(heap: Heap, p: number, pos: number): number {
  const next = pos + sizeAt(heap.u8, p * 8 + pos);
  return next < heap.u32[p * 2 + 1] ? next : -1;
}

export function lpPrev(heap: Heap, p: number, pos: number): number {
  if (pos <= kLpHeader) return -1;
  const u8 = heap.u8;
  let a = p * 8 + pos - 1;
  let t = 0, shift = 0, n = 0;
  for (;;) {
    const byte = u8[a--];
    t += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    n++;
    if ((byte & 0x80) === 0) break;
  }
  return pos - n - t;
}

export function lpLast(heap: Heap, p: number): number {
  return lpPrev(heap, p, heap.u32[p * 2 + 1]);
}

/** Position of entry `index` (negative counts from the tail), or -1 if out of range. */
export function lpSeek(heap: Heap, p: number, index: number): number {
  const n = heap.u32[p * 2 + 2];
  if (index < 0) index += n;
  if (index < 0 || index >= n) return -1;
  if (index <= n / 2) {
    let pos = kLpHeader;
    const u8 = heap.u8, base = p * 8;
    for (let i = 0; i < index; i++) pos += sizeAt(u8, base + pos);
    return pos;
  }
  let pos = heap.u32[p * 2 + 1];
  for (let i = n; i > index; i--) pos = lpPrev(heap, p, pos);
  return pos;
}

/** Absolute byte offset (in heap.u8) of the data of the entry at pos. */
export function lpData(heap: Heap, p: number, pos: number): number {
  const a = p * 8 + pos;
  return a + hdrSize(lenAt(heap.u8, a));
}

export function lpLen(heap: Heap, p: number, pos: number): number {
  return lenAt(heap.u8, p * 8 + pos);
}

export function lpEq(heap: Heap, p: number, pos: number, b: Uint8Array, off: number, len: number): boolean {
  const u8 = heap.u8, a = p * 8 + pos;
  if (lenAt(u8, a) !== len) return false;
  const d = a + hdrSize(len);
  for (let i = 0; i < len; i++) if (u8[d + i] !== b[off + i]) return false;
  return true;
}

/** First entry equal to b[off, off+len) among fromPos, fromPos+skip entries, ...; or -1. */
export function lpFind(heap: Heap, p: number, b: Uint8Array, off: number, len: number, skip = 1, fromPos = kLpHeader): number {
  const u8 = heap.u8, base = p * 8, used = heap.u32[p * 2 + 1];
  let pos = fromPos;
  while (pos >= kLpHeader && pos < used) {
    const a = base + pos;
    const l = lenAt(u8, a);
    const h = hdrSize(l);
    if (l === len) {
      let i = 0;
      const d = a + h;
      while (i < len && u8[d + i] === b[off + i]) i++;
      if (i === len) return pos;
    }
    pos += h + l + backSize(h + l);
    for (let k = 1; k < skip && pos < used; k++) pos += sizeAt(u8, base + pos);
  }
  return -1;
}

/**
 * Replace the bytes [pos, endPos) (holding `removed` entries) with one new entry b[off, off+len)
 * (or nothing when len < 0). Reallocates when the block must grow, or shrink below half.
 */
function splice(heap: Heap, p: number, pos: number, endPos: number, removed: number, b: Uint8Array | null, off: number, len: number): number {
  const w = p * 2;
  const cap = heap.u32[w], used = heap.u32[w + 1], count = heap.u32[w + 2];
  const es = len >= 0 ? lpEntrySize(len) : 0;
  const need = used - (endPos - pos) + es;
  const newCount = count - removed + (len >= 0 ? 1 : 0);
  // Shrink only when this call made the list smaller (a reservation from lpNew survives appends).
  if (need <= cap && (need >= used || need * 2 >= cap || cap <= 64)) {
    const u8 = heap.u8, base = p * 8;
    if (endPos - pos !== es) moveBytes(u8, base + pos + es, base + endPos, used - endPos);
    if (len >= 0) writeEntry(u8, base + pos, b!, off, len);
    heap.u32[w + 1] = need;
    heap.u32[w + 2] = newCount;
    return p;
  }
  const ncap = Heap.usable(need);
  const np = heap.alloc(ncap);
  const u8 = heap.u8, u32 = heap.u32, ob = p * 8, nb = np * 8;
  moveBytes(u8, nb + kLpHeader, ob + kLpHeader, pos - kLpHeader);
  moveBytes(u8, nb + pos + es, ob + endPos, used - endPos);
  if (len >= 0) writeEntry(u8, nb + pos, b!, off, len);
  u32[np * 2] = ncap;
  u32[np * 2 + 1] = need;
  u32[np * 2 + 2] = newCount;
  heap.free(p, cap);
  return np;
}

let bounce = new Uint8Array(4096);

/**
 * copyWithin inside a SharedArrayBuffer is fast only when source and target share their
 * alignment mod 8; otherwise V8 copies byte by byte (measured: a 4 KB shift 3.3–4.2 µs against
 * 0.19 µs in ordinary memory). A misaligned move of more than a few bytes goes through an
 * ordinary buffer instead (two aligned-enough copies, about 2.5× faster).
 */
function moveBytes(u8: Uint8Array, to: number, from: number, n: number): void {
  if (n <= 0 || to === from) return;
  if (n < 64 || ((to ^ from) & 7) === 0) {
    u8.copyWithin(to, from, from + n);
    return;
  }
  if (bounce.length < n) bounce = new Uint8Array(Math.max(n, bounce.length * 2));
  bounce.set(u8.subarray(from, from + n));
  u8.set(bounce.subarray(0, n), to);
}

/** Insert an entry before pos (pos = lpEnd appends). Returns the block pointer. */
export function lpInsert(heap: Heap, p: number, pos: number, b: Uint8Array, off: number, len: number): number {
  return splice(heap, p, pos, pos, 0, b, off, len);
}

export function lpAppend(heap: Heap, p: number, b: Uint8Array, off: number, len: number): number {
  const used = heap.u32[p * 2 + 1];
  return splice(heap, p, used, used, 0, b, off, len);
}

export function lpPrepend(heap: Heap, p: number, b: Uint8Array, off: number, len: number): number {
  return splice(heap, p, kLpHeader, kLpHeader, 0, b, off, len);
}

export function lpReplace(heap: Heap, p: number, pos: number, b: Uint8Array, off: number, len: number): number {
  const end = pos + sizeAt(heap.u8, p * 8 + pos);
  return splice(heap, p, pos, end, 1, b, off, len);
}

/** Delete n entries starting at pos (fewer if the list ends first). */
export function lpDelete(heap: Heap, p: number, pos: number, n = 1): number {
  const u8 = heap.u8, base = p * 8, used = heap.u32[p * 2 + 1];
  let end = pos, k = 0;
  while (k < n && end < used) {
    end += sizeAt(u8, base + end);
    k++;
  }
  if (k === 0) return p;
  return splice(heap, p, pos, end, k, null, 0, -1);
}

/** Copy a listpack into heap `dst` (which may be `src`); returns the new block. */
export function lpCopy(src: Heap, p: number, dst: Heap): number {
  const used = src.u32[p * 2 + 1];
  const cap = Heap.usable(used);
  const np = dst.alloc(cap);
  const from = src.u8.subarray(p * 8, p * 8 + used); // after alloc: src may be dst and have grown
  dst.u8.set(from, np * 8);
  dst.u32[np * 2] = cap;
  return np;
}
