/**
 * Hashes over key bytes: CRC16 (XMODEM, as Redis Cluster) for slot routing, and a 32-bit
 * multiplicative hash for the keyspace table. Both read bytes in place, so a key never
 * becomes a JS string on the hot path.
 */

export const kSlots = 16384;

const crcTable = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/**
 * Two bytes at a time: for a 16-bit CRC, feeding a 16-bit word w gives crc' = T16[crc ^ w],
 * where T16[x] is the CRC of x's two bytes from a zero state (128 KiB, built once).
 */
const crcTable16 = (() => {
  const t = new Uint16Array(65536);
  for (let x = 0; x < 65536; x++) {
    let c = 0;
    c = ((c << 8) & 0xffff) ^ crcTable[((c >>> 8) ^ (x >>> 8)) & 0xff];
    c = ((c << 8) & 0xffff) ^ crcTable[((c >>> 8) ^ (x & 0xff)) & 0xff];
    t[x] = c;
  }
  return t;
})();

export function crc16(b: Uint8Array, off: number, len: number): number {
  let crc = 0;
  let i = off;
  const end = off + len, end2 = off + (len & ~1);
  for (; i < end2; i += 2) crc = crcTable16[crc ^ ((b[i] << 8) | b[i + 1])];
  if (i < end) crc = ((crc << 8) & 0xffff) ^ crcTable[((crc >>> 8) ^ b[i]) & 0xff];
  return crc;
}

/**
 * Redis Cluster hash slot, honouring {hash tags}: the first non-empty {...} section.
 * One pass for the common key without '{': the CRC runs while looking for the brace.
 */
export function keySlot(b: Uint8Array, off: number, len: number): number {
  const end = off + len, end2 = off + (len & ~1);
  let crc = 0, i = off;
  for (; i < end2; i += 2) {
    const x = b[i], y = b[i + 1];
    if (x === 0x7b || y === 0x7b) return taggedSlot(b, off, len);
    crc = crcTable16[crc ^ ((x << 8) | y)];
  }
  if (i < end) {
    if (b[i] === 0x7b) return taggedSlot(b, off, len);
    crc = ((crc << 8) & 0xffff) ^ crcTable[((crc >>> 8) ^ b[i]) & 0xff];
  }
  return crc & (kSlots - 1);
}

/** keySlot for a key that contains '{'. */
function taggedSlot(b: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (b[i] !== 0x7b) i++;
  for (let j = i + 1; j < end; j++) {
    if (b[j] === 0x7d /* } */) {
      if (j === i + 1) break; // "{}": hash the whole key
      return crc16(b, i + 1, j - i - 1) & (kSlots - 1);
    }
  }
  return crc16(b, off, len) & (kSlots - 1);
}

/** 32-bit hash of bytes (FNV-1a over 4-byte words with a murmur3 finaliser). */
export function hashBytes(b: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  let i = off;
  const end = off + len;
  const end4 = off + (len & ~3);
  for (; i < end4; i += 4) {
    const w = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    h = Math.imul(h ^ w, 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
