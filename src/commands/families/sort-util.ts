/**
 * Helpers of SORT (sort.ts) that reproduce the C library behaviour Redis 7.0's sort.c relies on:
 *
 *   sortScore(b, off, len)      glibc strtod as sort.c uses it: the weight of an element, or NaN
 *                               when Redis reports "One or more scores can't be converted into
 *                               double" (trailing bytes before the value's end or a NUL, NaN,
 *                               ERANGE on overflow and on inexact underflow).
 *   cstrCompare / bytesCompare  strcoll in the C locale (stops at the first NUL, like every C
 *                               string function) and Redis's binary compareStringObjects.
 *   partialSort(idx, n, cmp, lo, hi)
 *                               Redis's pqsort: Bentley & McIlroy's quicksort ("Engineering a
 *                               sort function", 1993) that skips partitions outside the wanted
 *                               rank range. SORT BY pattern with a LIMIT uses it, and equal keys
 *                               (ALPHA weights that tie) come out in its order, not input order.
 *                               Full sorts use glibc's qsort, a stable merge sort: Array.sort.
 *
 * Nothing here keeps state between calls.
 */

// ------------------------------------------------------------------ strtod

const kDblMin = 2.2250738585072014e-308;

function isCSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

function hexVal(ch: number): number {
  if (ch >= 48 && ch <= 57) return ch - 48;
  const l = ch | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

function lowerIs(b: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i < word.length) return false;
  for (let k = 0; k < word.length; k++) if ((b[i + k] | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/** Does the C string end at i (the value's end, or a NUL byte)? */
function endsAt(b: Uint8Array, i: number, end: number): boolean {
  return i >= end || b[i] === 0;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * m·2^p rounded to a double (half to even), with glibc's ERANGE: overflow, or a result below
 * DBL_MIN ("tiny" after rounding to 53 bits) that is not exact. Returns NaN on ERANGE.
 */
function binaryValue(m: bigint, p: number): number {
  if (m === 0n) return 0;
  const bl = bitLength(m);
  const top = bl - 1 + p; // exponent of the leading bit
  if (top > 1100) return NaN;
  if (top < -1200) return NaN; // rounds to 0, inexact
  // Tiny: m·2^p < 2^-1022 - 2^-1076 (the value rounded to 53 bits stays below DBL_MIN).
  const sh = p + 1076;
  const tiny = sh >= 0 ? (m << BigInt(sh)) < (1n << 54n) - 1n : m < ((1n << 54n) - 1n) << BigInt(-sh);
  // Keep `prec` significant bits: 53, fewer in the subnormal range (lsb at least 2^-1074).
  const lsb = Math.max(top - 52, -1074);
  let q = m, e = p;
  let inexact = false;
  if (lsb > p) {
    const drop = BigInt(lsb - p);
    const rem = m & ((1n << drop) - 1n);
    q = m >> drop;
    e = lsb;
    if (rem !== 0n) {
      inexact = true;
      const half = 1n << (drop - 1n);
      if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    }
  }
  if (tiny && inexact) return NaN;
  // q < 2^54 and e ≥ -1074: scale in two exact steps.
  let v = Number(q);
  if (e > 0) {
    const e1 = Math.min(e, 1000);
    v = v * 2 ** e1 * 2 ** (e - e1);
  } else if (e < 0) {
    const e1 = Math.max(e, -1000);
    v = v * 2 ** e1 * 2 ** (e - e1);
  }
  return Number.isFinite(v) ? v : NaN;
}

/** D·10^E (D a decimal digit string without leading zeros, not "0") with strtod's ERANGE. */
function decimalValue(digits: string, exp: number): number {
  const mag = digits.length - 1 + exp; // floor(log10(value))
  if (mag > 400) return NaN;
  if (mag < -400) return NaN;
  const v = Number(`${digits}e${exp}`);
  if (!Number.isFinite(v)) return NaN;
  if (v > kDblMin) return v;
  // Near or below DBL_MIN: tiny when value < 2^-1022 - 2^-1076, i.e. D·2^1076 < (2^54-1)·10^-E;
  // exact when D·2^1074 is a multiple of 10^-E (E < 0 here).
  if (exp >= 0) return v;
  const d = BigInt(digits), p10 = 10n ** BigInt(-exp);
  const tiny = (d << 1076n) < ((1n << 54n) - 1n) * p10;
  const exact = ((d << 1074n) % p10) === 0n;
  return tiny && !exact ? NaN : v;
}

/**
 * The numeric weight of b[off, off+len) as sort.c computes it with strtod, or NaN when Redis
 * answers "One or more scores can't be converted into double".
 */
export function sortScore(b: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end && isCSpace(b[i])) i++;
  let neg = false;
  if (i < end && (b[i] === 43 || b[i] === 45)) {
    neg = b[i] === 45;
    i++;
  }
  let v: number;
  if (lowerIs(b, i, end, 'inf')) {
    i += lowerIs(b, i, end, 'infinity') ? 8 : 3;
    v = Infinity;
  } else if (lowerIs(b, i, end, 'nan')) {
    return NaN;
  } else if (i + 2 < end && b[i] === 48 && (b[i + 1] | 32) === 120 &&
             (hexVal(b[i + 2]) >= 0 || (b[i + 2] === 46 && i + 3 < end && hexVal(b[i + 3]) >= 0))) {
    // Hexadecimal: 0x h* [. h*] [p [sign] d+]
    i += 2;
    let m = 0n, p = 0;
    while (i < end && hexVal(b[i]) >= 0) m = (m << 4n) | BigInt(hexVal(b[i++]));
    if (i < end && b[i] === 46) {
      i++;
      while (i < end && hexVal(b[i]) >= 0) {
        m = (m << 4n) | BigInt(hexVal(b[i++]));
        p -= 4;
      }
    }
    if (i < end && (b[i] | 32) === 112) {
      let j = i + 1, eneg = false;
      if (j < end && (b[j] === 43 || b[j] === 45)) eneg = b[j++] === 45;
      if (j < end && b[j] >= 48 && b[j] <= 57) {
        let ex = 0;
        while (j < end && b[j] >= 48 && b[j] <= 57) {
          if (ex < 1e8) ex = ex * 10 + (b[j] - 48);
          j++;
        }
        p += eneg ? -ex : ex;
        i = j;
      }
    }
    v = binaryValue(m, p);
  } else {
    // Decimal: d* [. d*] (at least one digit) [e [sign] d+]
    let digits = '', exp = 0, nd = 0;
    while (i < end && b[i] >= 48 && b[i] <= 57) {
      if (digits.length > 0 || b[i] !== 48) digits += String.fromCharCode(b[i]);
      nd++;
      i++;
    }
    if (i < end && b[i] === 46) {
      i++;
      while (i < end && b[i] >= 48 && b[i] <= 57) {
        if (digits.length > 0 || b[i] !== 48) digits += String.fromCharCode(b[i]);
        exp--;
        nd++;
        i++;
      }
    }
    if (nd === 0) {
      // No conversion: strtod leaves the end pointer at the very start of the string.
      return endsAt(b, off, end) ? 0 : NaN;
    }
    if (i < end && (b[i] | 32) === 101) {
      let j = i + 1, eneg = false;
      if (j < end && (b[j] === 43 || b[j] === 45)) eneg = b[j++] === 45;
      if (j < end && b[j] >= 48 && b[j] <= 57) {
        let ex = 0;
        while (j < end && b[j] >= 48 && b[j] <= 57) {
          if (ex < 1e8) ex = ex * 10 + (b[j] - 48);
          j++;
        }
        exp += eneg ? -ex : ex;
        i = j;
      }
    }
    v = digits.length === 0 ? 0 : decimalValue(digits, exp);
  }
  if (!endsAt(b, i, end)) return NaN;
  return neg ? -v : v;
}

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
