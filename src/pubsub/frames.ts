/**
 * Pub/sub message frames, encoded once per message and protocol version and then copied (or,
 * when big, shared by reference) into every subscriber's writer:
 *
 *   RESP2  *3 $7 message $<n> <channel> $<n> <payload>        (*4 ... pmessage <pattern> ...)
 *   RESP3  >3 $7 message ...                                   (>4 ... pmessage ...)
 *
 * Small frames are built in one of two scratch buffers (one per protocol version), which the
 * caller copies out before the next frame of the same version is built; frames too big for the
 * writers to copy get a buffer of their own, never written again.
 */

/** Frames up to this size are copied by the writer (RespWriter's kBigBulk is 64 KiB). */
const kScratch = 60 * 1024;
const scratch: Buffer[] = [Buffer.allocUnsafe(kScratch), Buffer.allocUnsafe(kScratch)];

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function putInt(b: Buffer, at: number, n: number): number {
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

function putBulk(f: Buffer, at: number, src: Uint8Array, off: number, len: number): number {
  f[at++] = 0x24; // $
  at = putInt(f, at, len);
  f[at++] = 13;
  f[at++] = 10;
  if (len <= 32) for (let i = 0; i < len; i++) f[at + i] = src[off + i];
  else f.set(src.subarray(off, off + len), at);
  at += len;
  f[at++] = 13;
  f[at++] = 10;
  return at;
}

/**
 * [word, (pattern,) channel, payload] as a push frame of protocol `resp`. The result is valid
 * until the next call for the same `resp` when it is at most 60 KiB.
 */
export function encodeFrame(
  resp: 2 | 3, word: Uint8Array, pattern: Uint8Array | null,
  b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number,
): Buffer {
  const n = pattern === null ? 3 : 4;
  const size = 4 + bulkSize(word.length) + (pattern === null ? 0 : bulkSize(pattern.length)) + bulkSize(len) + bulkSize(plen);
  const f = size <= kScratch ? scratch[resp - 2] : Buffer.allocUnsafe(size);
  f[0] = resp === 3 ? 0x3e : 0x2a; // > or *
  f[1] = 48 + n;
  f[2] = 13;
  f[3] = 10;
  let at = putBulk(f, 4, word, 0, word.length);
  if (pattern !== null) at = putBulk(f, at, pattern, 0, pattern.length);
  at = putBulk(f, at, b, off, len);
  at = putBulk(f, at, p, poff, plen);
  return size <= kScratch ? f.subarray(0, at) : f;
}
