/**
 * Score and lex intervals of the sorted-set commands (Redis's zrangespec / zlexrangespec) and
 * the byte order of members. Pure functions over caller-given bytes: no SAB layout here.
 * Used by both zset encodings (sab/skiplist.ts, types/zset-lp.ts).
 */

/** A score interval (Redis's zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One end of a lex interval: kind 0 '-' (below all), 1 '+' (above all), 2 '[' inclusive, 3 '(' exclusive. */
export interface LexRange {
  minKind: number;
  min: Uint8Array;
  maxKind: number;
  max: Uint8Array;
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** memcmp, then shorter first. */
export function cmpBytes(a: Uint8Array, ao: number, al: number, b: Uint8Array, bo: number, bl: number): number {
  const n = al < bl ? al : bl;
  for (let i = 0; i < n; i++) {
    const d = a[ao + i] - b[bo + i];
    if (d !== 0) return d;
  }
  return al - bl;
}

/** Compare member bytes with a lex range end of the given kind. */
function cmpLexItem(u8: Uint8Array, off: number, len: number, kind: number, item: Uint8Array): number {
  if (kind === 0) return 1;
  if (kind === 1) return -1;
  return cmpBytes(u8, off, len, item, 0, item.length);
}

export function lexGteMin(u8: Uint8Array, off: number, len: number, r: LexRange): boolean {
  const c = cmpLexItem(u8, off, len, r.minKind, r.min);
  return r.minKind === 3 ? c > 0 : c >= 0;
}

export function lexLteMax(u8: Uint8Array, off: number, len: number, r: LexRange): boolean {
  const c = cmpLexItem(u8, off, len, r.maxKind, r.max);
  return r.maxKind === 3 ? c < 0 : c <= 0;
}

/** True when no member can be inside the range (Redis's early checks). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

export function lexRangeEmpty(r: LexRange): boolean {
  // '-' < any string < '+'; two infinities of the same kind compare equal.
  let c: number;
  if (r.minKind <= 1 || r.maxKind <= 1) {
    const a = r.minKind === 0 ? -1 : r.minKind === 1 ? 1 : 0;
    const b = r.maxKind === 0 ? -1 : r.maxKind === 1 ? 1 : 0;
    c = a - b;
  } else c = cmpBytes(r.min, 0, r.min.length, r.max, 0, r.max.length);
  return c > 0 || (c === 0 && (r.minKind !== 2 || r.maxKind !== 2));
}
