// Deterministic test records shared by the ring concurrency tests (workers and main thread).
//
// Record layout: [seq u32 LE][fnv1a(payload) u32 LE][payload ...]. The payload length and bytes
// are a pure function of (seed, seq), so the consumer can regenerate and compare every byte.

export const kRecHeader = 8;

/** xorshift32 step. */
function xs(x) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** Payload length for record `seq`: mostly small, sometimes up to `maxPayload`. */
export function payloadLength(seed, seq, maxPayload) {
  const r = xs((Math.imul(seq + 1, 0x9e3779b1) ^ seed) >>> 0 || 1);
  const bucket = r & 15;
  if (bucket === 0) return 0; // zero-length payloads
  if (bucket === 1) return (r >>> 4) % (maxPayload + 1); // occasionally large
  return (r >>> 4) % Math.min(64, maxPayload + 1); // mostly small, odd sizes -> padding
}

/** Fill `out[off .. off+len)` with the payload bytes of record `seq`. */
export function fillPayload(seed, seq, out, off, len) {
  let x = (Math.imul(seq + 7, 0x85ebca6b) ^ seed ^ 0x5bd1e995) >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x = xs(x);
    out[off + i] = x & 0xff;
  }
}

export function fnv1a(buf, off, len) {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[off + i], 0x01000193);
  return h >>> 0;
}

export function writeU32(buf, off, v) {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
  buf[off + 2] = (v >>> 16) & 0xff;
  buf[off + 3] = (v >>> 24) & 0xff;
}

export function readU32(buf, off) {
  return (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)) >>> 0;
}

/**
 * A verifier for a stream of records: call check(buf, off, len) for each record in order.
 * Records the first error (string) and stops counting afterwards.
 */
export function makeVerifier(seed, maxPayload) {
  const scratch = new Uint8Array(maxPayload);
  const v = {
    next: 0,
    error: null,
    check(buf, off, len) {
      if (v.error) return;
      const seq = v.next;
      if (len < kRecHeader) {
        v.error = `record #${seq}: length ${len} < header`;
        return;
      }
      const gotSeq = readU32(buf, off);
      if (gotSeq !== seq) {
        v.error = `record #${seq}: got sequence ${gotSeq}`;
        return;
      }
      const plen = len - kRecHeader;
      const want = payloadLength(seed, seq, maxPayload);
      if (plen !== want) {
        v.error = `record #${seq}: payload length ${plen}, want ${want}`;
        return;
      }
      const sum = fnv1a(buf, off + kRecHeader, plen);
      if (sum !== readU32(buf, off + 4)) {
        v.error = `record #${seq}: checksum mismatch`;
        return;
      }
      fillPayload(seed, seq, scratch, 0, plen);
      for (let i = 0; i < plen; i++) {
        if (buf[off + kRecHeader + i] !== scratch[i]) {
          v.error = `record #${seq}: payload byte ${i} differs`;
          return;
        }
      }
      v.next++;
    },
  };
  return v;
}
