/**
 * glibc's strtod as sort.c uses it to read SORT weights (Redis 7.0):
 *
 *   sortScore(b, off, len)   the weight of b[off, off+len), or NaN when Redis replies "One or
 *                            more scores can't be converted into double": bytes left before the
 *                            value's end or a NUL (C strings), NaN, or ERANGE (overflow, and an
 *                            inexact result below DBL_MIN, "tiny" after rounding to 53 bits).
 *
 * Grammar (C locale): spaces \t\n\v\f\r, a sign, then "inf"/"infinity"/"nan" (any case), a
 * hex float 0x h[.h][p±d], or a decimal d[.d][e±d]. No digits at all is no conversion: the end
 * pointer stays at the start, so only an empty string (or one starting with NUL) reads as 0.
 * Redis 7.0 never resets errno before strtod; that leak (an earlier ERANGE failing later sorts
 * on the same thread) is not reproduced.
 */

const kDblMin = 2.2250738585072014e-308;
const kPow10: number[] = [];
for (let k = 0; k <= 22; k++) kPow10.push(Number(`1e${k}`));

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
  // Fast path: [-]digits[.digits] with at most 15 significant digits. m and 10^k are exact,
  // so one division rounds correctly (Clinger), as strtod does.
  if (len > 0 && len <= 17) {
    let k = off, neg0 = false;
    if (b[k] === 45) {
      neg0 = true;
      k++;
    }
    let m = 0, nd = 0, frac = -1;
    for (; k < end; k++) {
      const ch = b[k];
      if (ch >= 48 && ch <= 57) {
        m = m * 10 + (ch - 48);
        nd++;
        if (frac >= 0) frac++;
      } else if (ch === 46 && frac < 0) frac = 0;
      else break;
    }
    if (k === end && nd > 0 && nd <= 15 && frac !== 0) {
      const v = frac > 0 ? m / kPow10[frac] : m;
      return neg0 ? -v : v;
    }
  }
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
