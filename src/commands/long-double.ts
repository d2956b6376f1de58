/**
 * Exact emulation of x86-64 C `long double` (x87 80-bit extended precision) for INCRBYFLOAT and
 * HINCRBYFLOAT, which Redis computes as `long double` parsed by string2ld (strtold) and printed
 * by ld2string(LD_STR_HUMAN) ("%.17Lf", then trailing zeros and '.' stripped, "-0" -> "0").
 *
 * Representation: a finite value is (-1)^neg * mant * 2^exp with mant a BigInt.
 *   - zero:      mant === 0n (neg gives the sign of zero; exp is 0)
 *   - normal:    2^63 <= mant < 2^64 (explicit integer bit, 64-bit significand),
 *                EXP_MIN <= exp <= EXP_MAX, i.e. 2^-16382 <= |v| < 2^16384
 *   - subnormal: 0 < mant < 2^63 and exp === EXP_MIN (gradual underflow, as glibc/x87 do)
 * plus kind 'inf' (±infinity, what strtold returns for "inf"/"infinity" and what an overflowing
 * add produces) and kind 'nan' (inf + -inf). Every operation computes the exact result with
 * BigInt rational arithmetic and rounds once, to nearest with ties to even, like the x87 FPU
 * (precision control = extended) and glibc's strtold / printf do.
 */

export interface LongDouble {
  readonly kind: 'fin' | 'inf' | 'nan';
  readonly neg: boolean;
  /** Significand; 0n for zero (and unused for inf/nan). */
  readonly mant: bigint;
  /** Binary exponent of the significand's least significant bit. */
  readonly exp: number;
}

const MANT_BITS = 64;
/** 2^63 * 2^EXP_MIN = 2^-16382 = LDBL_MIN; the smallest subnormal is 2^EXP_MIN. */
const EXP_MIN = -16445;
/** (2^64 - 1) * 2^EXP_MAX = LDBL_MAX < 2^16384. */
const EXP_MAX = 16320;
const TWO64 = 1n << 64n;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects slen >= this. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const zero = (neg: boolean): LongDouble => ({ kind: 'fin', neg, mant: 0n, exp: 0 });
const inf = (neg: boolean): LongDouble => ({ kind: 'inf', neg, mant: 0n, exp: 0 });
export const LD_ZERO: LongDouble = zero(false);
export const LD_NAN: LongDouble = { kind: 'nan', neg: false, mant: 0n, exp: 0 };

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Round the exact positive rational num/den * 2^e2 to a long double (nearest, ties to even).
 * Overflow gives ±inf; a value below half the smallest subnormal gives a (signed) zero.
 */
function roundRational(neg: boolean, num: bigint, den: bigint, e2: number): LongDouble {
  if (num === 0n) return zero(neg);
  // log2(num/den) lies in (bitLen(num)-bitLen(den)-1, bitLen(num)-bitLen(den)+1), so with this
  // exponent the quotient lands in [2^63, 2^65); at most one retry moves it under 2^64.
  let e = Math.max(EXP_MIN, bitLen(num) - bitLen(den) + e2 - MANT_BITS);
  for (;;) {
    const sh = e2 - e;
    const n = sh >= 0 ? num << BigInt(sh) : num;
    const d = sh >= 0 ? den : den << BigInt(-sh);
    let q = n / d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TWO64) {
      q = TWO64 >> 1n;
      e++;
    }
    if (e > EXP_MAX) return inf(neg);
    return q === 0n ? zero(neg) : { kind: 'fin', neg, mant: q, exp: e };
  }
}

/** Exponent digits as a number, clamped far outside any meaningful range (strtold saturates). */
function expValue(s: string | undefined): number {
  if (s === undefined) return 0;
  return Math.max(-1e9, Math.min(1e9, Number(s)));
}

const DEC_RE = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Redis's string2ld: strtold over the whole string, or null. Rejects empty strings, strings of
 * MAX_LONG_DOUBLE_CHARS bytes or more, leading/trailing garbage or whitespace, NaN, and ERANGE
 * results that overflow (HUGE_VAL) or underflow to zero. Accepts decimal ("-1.5e3", "1.", ".5"),
 * hex floats ("0x1.8p3") and inf/infinity in any case. `s` is a binary (latin1) string.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  let m = INF_RE.exec(s);
  if (m) return inf(m[1] === '-');
  let r: LongDouble;
  if ((m = HEX_RE.exec(s))) {
    const digits = m[2] + m[3];
    if (digits.length === 0) return null; // strtold parses "0" and stops at the 'x'
    const h = BigInt('0x' + digits);
    if (h === 0n) return zero(m[1] === '-');
    const e2 = expValue(m[4]) - 4 * m[3].length;
    const mag = bitLen(h) + e2; // 2^(mag-1) <= value < 2^mag
    if (mag > 16400 || mag < -16500) return null; // far outside the finite range either way
    r = roundRational(m[1] === '-', h, 1n, e2);
  } else if ((m = DEC_RE.exec(s))) {
    if (m[2].length + m[3].length === 0) return null;
    const digits = (m[2] + m[3]).replace(/^0+/, '');
    if (digits.length === 0) return zero(m[1] === '-');
    const e10 = expValue(m[4]) - m[3].length;
    const mag = digits.length + e10; // 10^(mag-1) <= value < 10^mag
    if (mag > 4940 || mag < -4960) return null; // far beyond LDBL_MAX ~1.19e4932 / min subnormal / 2
    const d = BigInt(digits);
    r = e10 >= 0 ? roundRational(m[1] === '-', d * 10n ** BigInt(e10), 1n, 0)
      : roundRational(m[1] === '-', d, 10n ** BigInt(-e10), 0);
  } else return null;
  // ERANGE: overflow to HUGE_VALL or underflow to zero (a zero mantissa here came from a nonzero input).
  if (r.kind === 'inf' || r.mant === 0n) return null;
  return r;
}

/** a + b as the x87 computes it: exact sum rounded to nearest-even; overflow gives ±inf. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return LD_NAN;
  if (a.kind === 'inf') return b.kind === 'inf' && b.neg !== a.neg ? LD_NAN : a;
  if (b.kind === 'inf') return b;
  if (a.mant === 0n) return b.mant === 0n ? zero(a.neg && b.neg) : b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const va = a.mant << BigInt(a.exp - e);
  const vb = b.mant << BigInt(b.exp - e);
  const sum = (a.neg ? -va : va) + (b.neg ? -vb : vb);
  if (sum === 0n) return LD_ZERO; // x + -x is +0 in round-to-nearest
  return roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

export function isFiniteLD(x: LongDouble): boolean {
  return x.kind === 'fin';
}

/**
 * ld2string(LD_STR_HUMAN): glibc "%.17Lf" of the exact binary value (correctly rounded, exact
 * ties to even), trailing zeros and then a trailing '.' removed, and "-0" turned into "0".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.kind === 'nan') return 'nan';
  if (x.kind === 'inf') return x.neg ? '-inf' : 'inf';
  const scale = 10n ** 17n;
  let r: bigint; // round(|x| * 10^17)
  if (x.exp >= 0) r = (x.mant << BigInt(x.exp)) * scale;
  else {
    const n = x.mant * scale;
    const sh = BigInt(-x.exp);
    r = n >> sh;
    const rem2 = (n - (r << sh)) << 1n;
    const half = 1n << sh;
    if (rem2 > half || (rem2 === half && (r & 1n) === 1n)) r++;
  }
  const digits = r.toString().padStart(18, '0');
  let s = digits.slice(0, -17) + '.' + digits.slice(-17);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (x.neg) s = '-' + s;
  return s === '-0' ? '0' : s;
}

/** Convenience: the INCRBYFLOAT step on two strings; null = not a valid float, 'nan-inf' = overflow. */
export function incrByFloatText(cur: string | null, by: string): string | null | 'nan-inf' {
  const a = cur === null ? LD_ZERO : parseLongDouble(cur);
  if (a === null) return null;
  const b = parseLongDouble(by);
  if (b === null) return null;
  const sum = addLongDouble(a, b);
  return isFiniteLD(sum) ? formatLongDoubleHuman(sum) : 'nan-inf';
}
