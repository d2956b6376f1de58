/**
 * Argument readers over the zero-copy argv (bytes in a shared buffer at offs[i], lens[i]).
 * Integer rules follow Redis's string2ll: optional '-', no '+', no leading zeros, no spaces,
 * within signed 64 bits.
 */

const kInt64Min = -(2n ** 63n);
const kInt64Max = 2n ** 63n - 1n;

/** Parse b[off, off+len) as a signed 64-bit integer. Returns a number if |v| ≤ 2^53, a bigint beyond, null if invalid. */
export function parseInt64(b: Uint8Array, off: number, len: number): number | bigint | null {
  if (len === 0 || len > 20) return null;
  let i = off;
  const end = off + len;
  let neg = false;
  if (b[i] === 0x2d) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (b[i] === 0x30) return len === 1 ? 0 : null;
  if (len - (neg ? 1 : 0) <= 15) {
    let v = 0;
    for (; i < end; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  for (let j = i; j < end; j++) if (b[j] < 48 || b[j] > 57) return null;
  const s = Buffer.from(b.buffer, b.byteOffset + off, len).toString('latin1');
  const v = BigInt(s);
  if (v < kInt64Min || v > kInt64Max) return null;
  if (v >= -(2n ** 53n) && v <= 2n ** 53n) return Number(v);
  return v;
}

/** Parse as a number within int64 (precision lost beyond 2^53); null if invalid. */
export function parseLong(b: Uint8Array, off: number, len: number): number | null {
  const v = parseInt64(b, off, len);
  return v === null ? null : Number(v);
}

/** Case-insensitive compare of argument bytes with an ASCII word (given in upper case). */
export function eqUpper(b: Uint8Array, off: number, len: number, word: string): boolean {
  if (len !== word.length) return false;
  for (let i = 0; i < len; i++) {
    let c = b[off + i];
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}


/**
 * cur + by in signed 64-bit arithmetic (INCRBY, HINCRBY): a number while exact, a bigint beyond
 * 2^53, or null when the sum overflows int64.
 */
export function addInt64(cur: number | bigint, by: number | bigint): number | bigint | null {
  if (typeof cur === 'number' && typeof by === 'number' && Math.abs(cur) < 2 ** 52 && Math.abs(by) < 2 ** 52) {
    return cur + by;
  }
  const big = BigInt(cur) + BigInt(by);
  if (big < kInt64Min || big > kInt64Max) return null;
  return big >= -(2n ** 53n) && big <= 2n ** 53n ? Number(big) : big;
}
