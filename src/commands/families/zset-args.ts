/**
 * Sorted-set argument readers: scores (Redis's getDoubleFromObject over glibc strtod), score
 * and lex intervals (zslParseRange / zslParseLexRange), and the range-checked integers the
 * family uses. Pure parsing: no shard access.
 */
import type { Ctx } from '../context.js';
import { parseInt64 } from '../args.js';
import type { LexRange, ScoreRange } from '../../sab/skiplist.js';

/** Result of strtod(): the value and how many bytes it consumed (0: no conversion). */
export const strtodOut = { value: 0, used: 0 };

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const hexVal = (c: number) =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 87 : c >= 0x41 && c <= 0x46 ? c - 55 : -1;

function matchWord(b: Uint8Array, i: number, end: number, w: string): boolean {
  if (end - i < w.length) return false;
  for (let k = 0; k < w.length; k++) if ((b[i + k] | 0x20) !== w.charCodeAt(k)) return false;
  return true;
}

/**
 * glibc strtod over b[off, off+len): leading white space, sign, decimal or hexadecimal
 * (0x...p...) numbers, inf/infinity, nan/nan(...). Fills strtodOut; returns true when the
 * result overflowed or underflowed to zero (strtod's ERANGE cases Redis rejects).
 */
export function strtod(b: Uint8Array, off: number, len: number): boolean {
  const end = off + len;
  let i = off;
  strtodOut.value = 0;
  strtodOut.used = 0;
  while (i < end && isSpace(b[i])) i++;
  let neg = false;
  if (i < end && (b[i] === 0x2b || b[i] === 0x2d)) {
    neg = b[i] === 0x2d;
    i++;
  }
  const sign = neg ? -1 : 1;
  if (matchWord(b, i, end, 'inf')) {
    i += matchWord(b, i, end, 'infinity') ? 8 : 3;
    strtodOut.value = sign * Infinity;
    strtodOut.used = i - off;
    return false;
  }
  if (matchWord(b, i, end, 'nan')) {
    i += 3;
    if (i < end && b[i] === 0x28) {
      let j = i + 1;
      while (j < end && (isDigit(b[j]) || hexVal(b[j]) >= 0 || (b[j] | 0x20) >= 0x61 && (b[j] | 0x20) <= 0x7a || b[j] === 0x5f)) j++;
      if (j < end && b[j] === 0x29) i = j + 1;
    }
    strtodOut.value = NaN;
    strtodOut.used = i - off;
    return false;
  }
  if (i + 1 < end && b[i] === 0x30 && (b[i + 1] | 0x20) === 0x78) {
    const r = hexFloat(b, i + 2, end, sign);
    if (r >= 0) {
      strtodOut.used = r - off;
      const v = strtodOut.value;
      return !Number.isFinite(v) || v === 0 && hexNonZero;
    }
    // "0x" without hex digits: the "0" alone is the number.
    strtodOut.value = neg ? -0 : 0;
    strtodOut.used = i + 1 - off;
    return false;
  }
  const start = i;
  let digits = 0, nonZero = false;
  while (i < end && isDigit(b[i])) { if (b[i] !== 0x30) nonZero = true; i++; digits++; }
  if (i < end && b[i] === 0x2e) {
    i++;
    while (i < end && isDigit(b[i])) { if (b[i] !== 0x30) nonZero = true; i++; digits++; }
  }
  if (digits === 0) return false;
  if (i < end && (b[i] | 0x20) === 0x65) {
    let j = i + 1;
    if (j < end && (b[j] === 0x2b || b[j] === 0x2d)) j++;
    if (j < end && isDigit(b[j])) {
      while (j < end && isDigit(b[j])) j++;
      i = j;
    }
  }
  const v = Number(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1'));
  strtodOut.value = sign * v;
  strtodOut.used = i - off;
  return !Number.isFinite(v) || (v === 0 && nonZero);
}

let hexNonZero = false;

/** Hex float mantissa/exponent after "0x"; returns the end index or -1 (no hex digits). */
function hexFloat(b: Uint8Array, i: number, end: number, sign: number): number {
  let mant = 0n, digits = 0, fracDigits = 0;
  hexNonZero = false;
  while (i < end && hexVal(b[i]) >= 0) { mant = mant * 16n + BigInt(hexVal(b[i])); i++; digits++; }
  if (i < end && b[i] === 0x2e) {
    let j = i + 1, fd = 0;
    while (j < end && hexVal(b[j]) >= 0) { mant = mant * 16n + BigInt(hexVal(b[j])); j++; fd++; }
    if (digits + fd > 0) { i = j; fracDigits = fd; digits += fd; }
  }
  if (digits === 0) return -1;
  let exp = 0;
  if (i < end && (b[i] | 0x20) === 0x70) {
    let j = i + 1, eneg = false;
    if (j < end && (b[j] === 0x2b || b[j] === 0x2d)) { eneg = b[j] === 0x2d; j++; }
    if (j < end && isDigit(b[j])) {
      let e = 0;
      while (j < end && isDigit(b[j])) { e = Math.min(1e6, e * 10 + b[j] - 0x30); j++; }
      exp = eneg ? -e : e;
      i = j;
    }
  }
  hexNonZero = mant !== 0n;
  let e2 = exp - 4 * fracDigits;
  // Normalise to at most 64 significant bits (sticky bit keeps the rounding honest).
  while (mant >= 1n << 64n) { mant = (mant >> 1n) | (mant & 1n); e2++; }
  let v = Number(mant);
  // Scale in steps that stay exact (powers of two) until the result is reached.
  while (e2 > 0 && Number.isFinite(v)) { const k = Math.min(e2, 1000); v *= 2 ** k; e2 -= k; }
  while (e2 < 0 && v !== 0) { const k = Math.min(-e2, 1000); v /= 2 ** k; e2 += k; }
  strtodOut.value = sign * v;
  return i;
}

const kPow10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Plain "[-]digits[.digits]" with at most 15 digits: the integer of the digits and a power of
 * ten are both exact doubles, so one division is correctly rounded, as strtod is. NaN when the
 * text is anything else (then the general path decides).
 */
function simpleDecimal(b: Uint8Array, off: number, len: number): number {
  let i = off;
  const end = off + len;
  const neg = b[i] === 0x2d;
  if (neg) i++;
  let v = 0, digits = 0, frac = -1;
  for (; i < end; i++) {
    const ch = b[i];
    if (ch >= 0x30 && ch <= 0x39) {
      v = v * 10 + (ch - 0x30);
      digits++;
      if (frac >= 0) frac++;
    } else if (ch === 0x2e && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  if (frac > 0) v /= kPow10[frac];
  return neg ? -v : v;
}

/** A score argument as Redis's getDoubleFromObject reads it; null if invalid. */
export function parseScore(b: Uint8Array, off: number, len: number): number | null {
  if (len === 0 || isSpace(b[off])) return null;
  if (len <= 17) {
    const fast = simpleDecimal(b, off, len);
    if (!Number.isNaN(fast)) return fast;
  }
  const erange = strtod(b, off, len);
  const v = strtodOut.value;
  if (strtodOut.used !== len || Number.isNaN(v)) return null;
  if (erange && (!Number.isFinite(v) || v === 0)) return null;
  return v;
}

/** Argument i as a score, or null. */
export function scoreArg(c: Ctx, i: number): number | null {
  return parseScore(c.buf, c.offs[i], c.lens[i]);
}

/** One end of a score interval ("(" = exclusive); false if invalid (zslParseRange). */
function rangeEnd(b: Uint8Array, off: number, len: number, out: ScoreRange, isMin: boolean): boolean {
  let ex = false;
  if (len > 0 && b[off] === 0x28) {
    ex = true;
    off++;
    len--;
  }
  strtod(b, off, len);
  const v = strtodOut.value;
  // strtod stops at a NUL like C does: the rest of the argument is not looked at.
  if ((strtodOut.used !== len && b[off + strtodOut.used] !== 0) || Number.isNaN(v)) return false;
  if (isMin) { out.min = v; out.minex = ex; } else { out.max = v; out.maxex = ex; }
  return true;
}

/** Score interval from arguments mi (min) and ma (max); null if either is invalid. */
export function scoreRangeArgs(c: Ctx, mi: number, ma: number): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  if (!rangeEnd(c.buf, c.offs[mi], c.lens[mi], r, true) || !rangeEnd(c.buf, c.offs[ma], c.lens[ma], r, false)) return null;
  return r;
}

/** Lex interval end: '-' / '+' (alone), '[' inclusive or '(' exclusive plus the bytes. */
function lexEnd(c: Ctx, i: number): [number, Uint8Array] | null {
  const b = c.buf, off = c.offs[i], len = c.lens[i];
  if (len === 0) return null;
  const first = b[off];
  // C compares the second byte with NUL: "+" or "+\0..." is +inf.
  if (first === 0x2b) return len === 1 || b[off + 1] === 0 ? [1, new Uint8Array(0)] : null;
  if (first === 0x2d) return len === 1 || b[off + 1] === 0 ? [0, new Uint8Array(0)] : null;
  if (first === 0x28) return [3, b.slice(off + 1, off + len)];
  if (first === 0x5b) return [2, b.slice(off + 1, off + len)];
  return null;
}

export function lexRangeArgs(c: Ctx, mi: number, ma: number): LexRange | null {
  const lo = lexEnd(c, mi), hi = lexEnd(c, ma);
  if (lo === null || hi === null) return null;
  return { minKind: lo[0], min: lo[1], maxKind: hi[0], max: hi[1] };
}

/** Argument i as a long within [min, max]; null if not an integer or out of range. */
export function longInRange(c: Ctx, i: number, min: number, max: number): number | null {
  const v = parseInt64(c.buf, c.offs[i], c.lens[i]);
  if (v === null) return null;
  const n = Number(v);
  if (typeof v === 'bigint' ? v < BigInt(min) || v > BigInt(max) : n < min || n > max) return null;
  return n;
}

export const kLongMax = 9223372036854775807; // as a double: 2^63
