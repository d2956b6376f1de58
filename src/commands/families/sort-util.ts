/**
 * Helpers of SORT (sort.ts) that reproduce the C library behaviour Redis 7.0's sort.c relies on
 * (the strtod reading of weights is in sort-strtod.ts):
 *
 *   cstrCompare / bytesCompare  strcoll in the C locale (stops at the first NUL, like every C
 *                               string function) and Redis's binary compareStringObjects.
 *   partialSort(idx, n, cmp, lo, hi)
 *                               Redis's pqsort: Bentley & McIlroy's quicksort ("Engineering a
 *                               sort function", 1993) that skips partitions outside the wanted
 *                               rank range. SORT BY pattern with a LIMIT uses it, and equal keys
 *                               (ALPHA weights that tie) come out in its order, not input order.
 *                               Full sorts use glibc's qsort, a stable merge sort.
 *   doubleKeys / prefixKeys / keySort
 *                               That stable order, fast: a radix sort on 32-bit key words (a
 *                               score's bits, a string's first bytes), then each run of equal
 *                               keys sorted with the full comparison (Array.sort, stable).
 *
 * Nothing here keeps state between calls.
 */

// ------------------------------------------------------------------ comparisons

/** strcmp of the C strings at a and b (each ends at its first NUL or its length); sign only. */
export function cstrCompare(u8: Uint8Array, ao: number, al: number, bo: number, bl: number): number {
  for (let k = 0; ; k++) {
    const ca = k < al ? u8[ao + k] : 0;
    const cb = k < bl ? u8[bo + k] : 0;
    if (ca !== cb) return ca - cb;
    if (ca === 0) return 0;
  }
}

/** memcmp over the common length, then the shorter first (Redis's compareStringObjects). */
export function bytesCompare(u8: Uint8Array, ao: number, al: number, bo: number, bl: number): number {
  const n = al < bl ? al : bl;
  for (let k = 0; k < n; k++) {
    const d = u8[ao + k] - u8[bo + k];
    if (d !== 0) return d;
  }
  return al - bl;
}

// ------------------------------------------------------------------ partial quicksort

export type IndexCompare = (a: number, b: number) => number;

function swap(v: Int32Array, i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}

function med3(v: Int32Array, a: number, b: number, c: number, cmp: IndexCompare): number {
  if (cmp(v[a], v[b]) < 0) {
    if (cmp(v[b], v[c]) < 0) return b;
    return cmp(v[a], v[c]) < 0 ? c : a;
  }
  if (cmp(v[b], v[c]) > 0) return b;
  return cmp(v[a], v[c]) < 0 ? a : c;
}

function insertionSort(v: Int32Array, a: number, n: number, cmp: IndexCompare): void {
  for (let m = a + 1; m < a + n; m++) {
    for (let l = m; l > a && cmp(v[l - 1], v[l]) > 0; l--) swap(v, l, l - 1);
  }
}

/** Does [lo, hi] miss the positions [a, a+n-1] entirely? (pqsort's pruning test) */
function outside(lo: number, hi: number, a: number, n: number): boolean {
  return (lo < a && hi < a) || (lo >= a + n && hi >= a + n);
}

/**
 * Sort v[a, a+n) by cmp far enough that positions lo..hi hold what a full sort would put
 * there (ties in Bentley–McIlroy order). Positions are absolute indexes into v.
 */
function pqsort(v: Int32Array, a: number, n: number, cmp: IndexCompare, lo: number, hi: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(v, a, n, cmp);
      return;
    }
    let pm = a + (n >>> 1);
    if (n > 7) {
      let pl = a, pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(v, pm - d, pm, pm + d, cmp);
        pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(v, pl, pm, pn, cmp);
    }
    swap(v, a, pm);
    let pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
    let swapped = false;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
        if (r === 0) {
          swapped = true;
          swap(v, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
        if (r === 0) {
          swapped = true;
          swap(v, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(v, pb, pc);
      swapped = true;
      pb++;
      pc--;
    }
    if (!swapped) {
      insertionSort(v, a, n, cmp);
      return;
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    for (let k = 0; k < r; k++) swap(v, a + k, pb - r + k);
    r = Math.min(pd - pc, pn - pd - 1);
    for (let k = 0; k < r; k++) swap(v, pb + k, pn - r + k);
    r = pb - pa;
    if (r > 1 && !outside(lo, hi, a, r)) pqsort(v, a, r, cmp, lo, hi);
    r = pd - pc;
    if (r <= 1) return;
    a = pn - r;
    n = r;
    if (outside(lo, hi, a, n)) return;
  }
}

/** Redis's pqsort(vector, n, ..., lo, hi) on a permutation of element indexes. */
export function partialSort(v: Int32Array, n: number, cmp: IndexCompare, lo: number, hi: number): void {
  pqsort(v, 0, n, cmp, lo, hi);
}

// ------------------------------------------------------------------ radix sort on keys

/** Sort keys: 32-bit words per element, most significant word first (keys[w][element]). */
export type SortKeys = Uint32Array[];

/**
 * Sortable keys of doubles (2 words): ascending keys = ascending values (-0 counts as 0), all
 * bits inverted for descending order. NaN must not occur.
 */
export function doubleKeys(scores: Float64Array, n: number, desc: boolean): SortKeys {
  const f = new Float64Array(n);
  for (let j = 0; j < n; j++) f[j] = scores[j] + 0; // -0 + 0 = +0
  const u = new Uint32Array(f.buffer);
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  const flip = desc ? 0xffffffff : 0;
  for (let j = 0; j < n; j++) {
    let h = u[2 * j + 1], l = u[2 * j];
    if ((h & 0x80000000) !== 0) {
      h = ~h;
      l = ~l;
    } else h |= 0x80000000;
    hi[j] = (h ^ flip) >>> 0;
    lo[j] = (l ^ flip) >>> 0;
  }
  return [hi, lo];
}

/**
 * Keys of byte strings u8[offs[j], +lens[j]) (`words` words): with `absent`, a first byte that
 * sorts absent strings (offs[j] < 0) first, then the leading bytes, zero-padded; `cstr` stops at
 * a NUL as strcoll does. Inverted for descending order.
 */
export function prefixKeys(
  u8: Uint8Array, offs: Int32Array, lens: Int32Array, n: number, cstr: boolean, desc: boolean,
  absent: boolean, words: number,
): SortKeys {
  const keys: SortKeys = [];
  for (let w = 0; w < words; w++) keys.push(new Uint32Array(n));
  const flip = desc ? 0xffffffff : 0;
  const total = words * 4;
  for (let j = 0; j < n; j++) {
    const o = offs[j];
    let word = 0, w = 0, k = 0;
    if (absent) {
      word = o >= 0 ? 1 : 0;
      k = 1;
    }
    if (o >= 0) {
      const len = lens[j];
      for (let i = 0; k < total; k++, i++) {
        let ch = i < len ? u8[o + i] : 0;
        if (ch === 0 && cstr) {
          for (; k < total; k++) {
            word = word << 8;
            if ((k & 3) === 3) keys[w++][j] = (word ^ flip) >>> 0;
          }
          break;
        }
        word = (word << 8) | ch;
        if ((k & 3) === 3) {
          keys[w++][j] = (word ^ flip) >>> 0;
          word = 0;
        }
      }
    } else {
      for (; w < words; w++) keys[w][j] = (0 ^ flip) >>> 0;
    }
  }
  return keys;
}

/**
 * Stable sort of order[0..n) (element indexes) by the keys (LSD radix, bytes of the least
 * significant word first), then by `tie` within each run of equal keys (a stable sort too).
 * The result equals a stable sort by `tie` alone when key order implies tie order.
 */
export function keySort(order: Int32Array, n: number, keys: SortKeys, tie: IndexCompare): void {
  let src: Int32Array = order, dst: Int32Array = new Int32Array(n);
  const count = new Int32Array(257);
  for (let w = keys.length - 1; w >= 0; w--) {
    const words = keys[w];
    for (let shift = 0; shift < 32; shift += 8) {
      count.fill(0);
      for (let j = 0; j < n; j++) count[((words[src[j]] >>> shift) & 255) + 1]++;
      if (count[((words[src[0]] >>> shift) & 255) + 1] === n) continue; // one digit value: no move
      for (let d = 0; d < 256; d++) count[d + 1] += count[d];
      for (let j = 0; j < n; j++) {
        const e = src[j];
        dst[count[(words[e] >>> shift) & 255]++] = e;
      }
      const t = src;
      src = dst;
      dst = t;
    }
  }
  if (src !== order) order.set(src.subarray(0, n));
  const nk = keys.length;
  for (let j = 0; j < n;) {
    const e = order[j];
    let k = j + 1;
    for (; k < n; k++) {
      const f = order[k];
      let same = true;
      for (let w = 0; w < nk; w++) {
        if (keys[w][f] !== keys[w][e]) {
          same = false;
          break;
        }
      }
      if (!same) break;
    }
    if (k - j > 1) {
      const run = Array.from(order.subarray(j, k)).sort(tie);
      for (let q = 0; q < run.length; q++) order[j + q] = run[q];
    }
    j = k;
  }
}
