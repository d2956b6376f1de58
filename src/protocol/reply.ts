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

/** Redis 7.0 formats doubles with printf's "%.17g"; infinities are "inf" and "-inf". */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [m, e] = d.toExponential(16).split('e');
  const x = Number(e);
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (x < -4 || x >= 17) {
    const ax = Math.abs(x);
    return `${trim(m)}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  return trim(d.toFixed(16 - x));
}
