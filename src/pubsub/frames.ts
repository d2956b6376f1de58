/**
 * Pub/sub message frames, encoded once per message and protocol version, then shared by every
 * subscriber that gets that version:
 *
 *   RESP2  *3 $7 message $<n> <channel> $<n> <payload>        (*4 ... pmessage <pattern> ...)
 *   RESP3  >3 $7 message ...                                   (>4 ... pmessage ...)
 *
 * Frames are written straight into the shared log of pubsub/output.ts (or a buffer of their
 * own when big), so a message is encoded once per protocol version whatever its audience.
 */

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function putInt(b: Uint8Array, at: number, n: number): number {
  const d = digits(n);
  for (let i = at + d - 1; i >= at; i--) {
    b[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + d;
}

function bulkSize(len: number): number {
  return 1 + digits(len) + 2 + len + 2;
}

function putBulk(f: Uint8Array, at: number, src: Uint8Array, off: number, len: number): number {
  f[at++] = 0x24; // $
  at = putInt(f, at, len);
  f[at++] = 13;
  f[at++] = 10;
  if (len <= 32) for (let i = 0; i < len; i++) f[at + i] = src[off + i];
  else f.set(off === 0 && len === src.length ? src : src.subarray(off, off + len), at);
  at += len;
  f[at++] = 13;
  f[at++] = 10;
  return at;
}

/** Bytes of the frame [word, (pattern,) channel, payload]. */
export function frameSize(word: Uint8Array, pattern: Uint8Array | null, len: number, plen: number): number {
  return 4 + bulkSize(word.length) + (pattern === null ? 0 : bulkSize(pattern.length)) + bulkSize(len) + bulkSize(plen);
}

/**
 * Write the push frame [word, (pattern,) channel, payload] of protocol `resp` at f[at..];
 * returns the end. f must have frameSize() bytes free there.
 */
export function writeFrame(
  f: Uint8Array, at: number, resp: 2 | 3, word: Uint8Array, pattern: Uint8Array | null,
  b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number,
): number {
  f[at] = resp === 3 ? 0x3e : 0x2a; // > or *
  f[at + 1] = pattern === null ? 51 : 52; // 3 or 4 items
  f[at + 2] = 13;
  f[at + 3] = 10;
  at = putBulk(f, at + 4, word, 0, word.length);
  if (pattern !== null) at = putBulk(f, at, pattern, 0, pattern.length);
  at = putBulk(f, at, b, off, len);
  return putBulk(f, at, p, poff, plen);
}
