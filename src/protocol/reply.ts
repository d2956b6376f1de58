/**
 * The reply sink every command writes to. Two implementations: RespWriter (bytes for a socket,
 * RESP2 or RESP3) and ValueWriter (JS values for the embedded API). Handlers never know which.
 *
 * RESP2 downgrades, as Redis applies them: map → flat array of 2n, set → array, double → bulk
 * string, boolean → integer 0/1, null → $-1 (or *-1 for a null array), verbatim → bulk,
 * big number → bulk, push → array, attribute → omitted.
 */
export interface Reply {
  resp: 2 | 3;
  ok(): void;
  simple(s: string): void;
  error(s: string): void;
  int(n: number | bigint): void;
  /** An integer reply from its decimal digits b[off, off+len) (already validated). */
  intDigits(b: Uint8Array, off: number, len: number): void;
  bulk(b: Uint8Array, off: number, len: number): void;
  bulkString(s: string): void;
  /** Null where a bulk string would be ($-1 in RESP2). */
  nullBulk(): void;
  /** Null where an array would be (*-1 in RESP2). */
  nullArray(): void;
  array(n: number): void;
  map(n: number): void;
  set(n: number): void;
  push(n: number): void;
  double(d: number): void;
  bool(b: boolean): void;
  bigNumber(digits: string): void;
  verbatim(format: string, text: string): void;
}

/**
 * Redis 7.0 formats doubles with printf's "%.17g"; infinities are "inf" and "-inf".
 * Integers up to 2^53 print exactly as JS prints them; everything else takes the exact
 * decimal expansion of the binary value, rounded half-to-even like glibc (JS's toFixed and
 * toExponential round exact ties up).
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) <= 2 ** 53) return String(d);
  const [digits, x] = sigDigits17(Math.abs(d));
  const sign = d < 0 ? '-' : '';
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (x < -4 || x >= 17) {
    const ax = Math.abs(x);
    return `${sign}${trim(`${digits[0]}.${digits.slice(1)}`)}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (x >= 0) return sign + trim(`${digits.slice(0, x + 1)}.${digits.slice(x + 1)}`);
  return sign + trim(`0.${'0'.repeat(-x - 1)}${digits}`);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The 17 significant decimal digits of v > 0 (round half to even) and its decimal exponent. */
function sigDigits17(v: number): [string, number] {
  f64[0] = v;
  const hi = u32[1], lo = u32[0];
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // v = mant * 2^e2 = num / den exactly.
  let num = e2 >= 0 ? mant << BigInt(e2) : mant;
  let den = e2 >= 0 ? 1n : 1n << BigInt(-e2);
  let x = Math.floor(Math.log10(v));
  const scale = 16 - x;
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  let q = num / den;
  // log10 can be off by one near powers of ten: renormalise to 17 digits.
  if (q >= 10n ** 17n) {
    den *= 10n;
    x += 1;
    q = num / den;
  } else if (q < 10n ** 16n) {
    num *= 10n;
    x -= 1;
    q = num / den;
  }
  const r2 = (num - q * den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  if (q === 10n ** 17n) {
    q = 10n ** 16n;
    x += 1;
  }
  return [q.toString(), x];
}
