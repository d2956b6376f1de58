/**
 * FUNCTION DUMP / FUNCTION RESTORE payloads, in Redis's own format so a payload moves both
 * ways between Spindle and redis-server 7.0:
 *
 *   ┌─────────────────────────── per library ───────────────────────────┐
 *   │ 0xF5 (RDB_OPCODE_FUNCTION2)  RDB string: the library code         │ …
 *   └───────────────────────────────────────────────────────────────────┘
 *   ┌──────────────────────────── trailer ──────────────────────────────┐
 *   │ RDB version u16 LE (10)  │ CRC-64/Jones u64 LE of everything before │
 *   └───────────────────────────────────────────────────────────────────┘
 *
 * RDB strings: a length (00xxxxxx: 6 bits · 01xxxxxx xxxxxxxx: 14 bits big-endian · 0x80 +
 * u32 BE · 0x81 + u64 BE) then the bytes; or 0xC0/0xC1/0xC2 for an int8/int16/int32 (LE) held
 * as its decimal text, or 0xC3 for an LZF-compressed string (compressed length, plain length,
 * data). DUMP writes plain strings; RESTORE reads all forms, so redis-server's compressed
 * dumps load. RESTORE also reads the pre-GA record 0xF6 (name, engine, description, code),
 * rebuilding the code's shebang line as Redis does.
 *
 * Restore checks the version (≤ 10) and the checksum first ("DUMP payload version or checksum
 * are wrong"); records are then read until 10 bytes remain, and a read may run into the
 * trailer but never past the end, as in Redis.
 */
import { EFn } from '../errors.js';

export const kRdbVersion = 10;
const kFunction2 = 0xf5;
const kFunctionPreGA = 0xf6;

let tLo: Uint32Array | null = null;
let tHi: Uint32Array | null = null;

/** CRC-64 with Jones's polynomial (reflected 0x95ac9329ac4bc9b5, init 0): Redis's crc64. */
export function crc64(b: Uint8Array, from = 0, to = b.length): bigint {
  if (tLo === null || tHi === null) {
    tLo = new Uint32Array(256);
    tHi = new Uint32Array(256);
    const pLo = 0xac4bc9b5, pHi = 0x95ac9329;
    for (let i = 0; i < 256; i++) {
      let lo = i, hi = 0;
      for (let k = 0; k < 8; k++) {
        const bit = lo & 1;
        lo = ((lo >>> 1) | (hi << 31)) >>> 0;
        hi = hi >>> 1;
        if (bit) {
          lo = (lo ^ pLo) >>> 0;
          hi = (hi ^ pHi) >>> 0;
        }
      }
      tLo[i] = lo;
      tHi[i] = hi;
    }
  }
  let lo = 0, hi = 0;
  for (let i = from; i < to; i++) {
    const idx = (lo ^ b[i]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ tLo[idx]) >>> 0;
    hi = ((hi >>> 8) ^ tHi[idx]) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function rdbLength(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  if (n <= 0xffffffff) {
    const h = Buffer.alloc(5);
    h[0] = 0x80;
    h.writeUInt32BE(n, 1);
    return h;
  }
  const h = Buffer.alloc(9);
  h[0] = 0x81;
  h.writeBigUInt64BE(BigInt(n), 1);
  return h;
}

/** The FUNCTION DUMP payload of these library codes. */
export function dumpPayload(codes: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of codes) parts.push(Buffer.from([kFunction2]), rdbLength(c.length), c);
  parts.push(Buffer.from([kRdbVersion, 0]));
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc64(body), body.length);
  return out;
}

/** Reads RDB values from a payload; every read returns null when it would pass the end. */
class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  byte(): number | null {
    return this.pos < this.b.length ? this.b[this.pos++] : null;
  }

  /** A length, or for the 11xxxxxx special forms -(1 + form). */
  length(): number | null {
    const c = this.byte();
    if (c === null) return null;
    const kind = c >> 6;
    if (kind === 0) return c & 0x3f;
    if (kind === 1) {
      const d = this.byte();
      return d === null ? null : ((c & 0x3f) << 8) | d;
    }
    if (kind === 3) return -(1 + (c & 0x3f));
    const n = c === 0x80 ? 4 : c === 0x81 ? 8 : 0;
    if (n === 0 || this.pos + n > this.b.length) return null;
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.b[this.pos++];
    return v;
  }

  bytes(n: number): Buffer | null {
    if (this.pos + n > this.b.length) return null;
    const out = Buffer.from(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  string(): Buffer | null {
    const n = this.length();
    if (n === null) return null;
    if (n >= 0) return this.bytes(n);
    const form = -n - 1;
    if (form <= 2) {
      const w = 1 << form;
      const b = this.bytes(w);
      if (b === null) return null;
      const v = w === 1 ? b.readInt8(0) : w === 2 ? b.readInt16LE(0) : b.readInt32LE(0);
      return Buffer.from(String(v));
    }
    if (form === 3) {
      const clen = this.length(), len = this.length();
      if (clen === null || len === null || clen < 0 || len < 0) return null;
      const data = this.bytes(clen);
      return data === null ? null : lzfDecompress(data, len);
    }
    return null;
  }
}

/** LZF decompression (liblzf's format); null when the data does not decode to exactly `len` bytes. */
export function lzfDecompress(src: Uint8Array, len: number): Buffer | null {
  const out = Buffer.alloc(len);
  let ip = 0, op = 0;
  while (ip < src.length) {
    const ctrl = src[ip++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > len || ip + n > src.length) return null;
      out.set(src.subarray(ip, ip + n), op);
      ip += n;
      op += n;
    } else {
      let n = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (n === 7) {
        if (ip >= src.length) return null;
        n += src[ip++];
      }
      if (ip >= src.length) return null;
      ref -= src[ip++];
      n += 2;
      if (op + n > len || ref < 0) return null;
      for (let i = 0; i < n; i++) out[op++] = out[ref++];
    }
  }
  return op === len ? out : null;
}

/**
 * The library codes of a FUNCTION RESTORE payload, or an error reply text. Pre-GA records
 * come back with their rebuilt shebang line.
 */
export function parsePayload(p: Uint8Array): Buffer[] | string {
  if (p.length < 10) return EFn.restorePayload;
  const ver = p[p.length - 10] | (p[p.length - 9] << 8);
  if (ver > kRdbVersion) return EFn.restorePayload;
  const want = new DataView(p.buffer, p.byteOffset + p.length - 8, 8).getBigUint64(0, true);
  if (crc64(p, 0, p.length - 8) !== want) return EFn.restorePayload;
  const r = new Reader(p);
  const codes: Buffer[] = [];
  while (p.length - r.pos > 10) {
    const type = r.byte();
    if (type !== kFunction2 && type !== kFunctionPreGA) return EFn.restoreType;
    if (type === kFunction2) {
      const code = r.string();
      if (code === null) return EFn.restoreFailed('library payload');
      codes.push(code);
      continue;
    }
    const name = r.string();
    if (name === null) return EFn.restoreFailed('library name');
    const engine = r.string();
    if (engine === null) return EFn.restoreFailed('engine name');
    const hasDesc = r.length();
    if (hasDesc === null || hasDesc < 0) return EFn.restoreFailed('library description indicator');
    if (hasDesc !== 0 && r.string() === null) return EFn.restoreFailed('library description');
    const blob = r.string();
    if (blob === null) return EFn.restoreFailed('library blob');
    codes.push(Buffer.concat([Buffer.from(`#!${engine.toString('latin1')} name=${name.toString('latin1')}\n`, 'latin1'), blob]));
  }
  return codes;
}
