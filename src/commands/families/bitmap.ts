/**
 * Bitmap family (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
 * Bit 0 is the most significant bit of byte 0. Values are read and edited in place in the
 * shard heap; strings grow zero-filled through Shard.resizeString.
 *
 * Layout of this file: argument parsing, then ops on the shard, then command handlers (reply),
 * then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { EV, Nc, notify } from '../../server/notify.js';
import { E } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { parseInt64 } from '../args.js';

// ------------------------------------------------------------------ parse

/**
 * Redis's getBitOffsetFromArgument: a bit offset, or with `hash` the "#n" form meaning n*bits.
 * Replies the error and returns null when invalid or beyond proto-max-bulk-len bytes.
 */
function bitOffsetOrReply(c: Ctx, i: number, hash: boolean, bits: number): number | null {
  const off = c.offs[i], len = c.lens[i];
  const useHash = hash && len > 0 && c.buf[off] === 0x23 ? 1 : 0;
  const v = parseInt64(c.buf, off + useHash, len - useHash);
  if (v !== null) {
    // C multiplies in 64 bits and wraps: keep that.
    const n = useHash ? BigInt.asIntN(64, BigInt(v) * BigInt(bits)) : BigInt(v);
    if (n >= 0n && n >> 3n < BigInt(c.engine.config.num('proto-max-bulk-len'))) return Number(n);
  }
  c.reply.error(E.bitOffset);
  return null;
}

/** Parse a BITFIELD type (i1..i64, u1..u63): [signed, bits], or null after replying. */
function bitfieldTypeOrReply(c: Ctx, i: number): [boolean, number] | null {
  const off = c.offs[i], len = c.lens[i];
  const t = len > 0 ? c.buf[off] : 0;
  const bits = t === 0x69 || t === 0x75 ? parseInt64(c.buf, off + 1, len - 1) : null;
  const signed = t === 0x69;
  if (typeof bits !== 'number' || bits < 1 || bits > (signed ? 64 : 63)) {
    c.reply.error(E.bitfieldType);
    return null;
  }
  return [signed, bits];
}

/** The BYTE|BIT unit of a BITCOUNT/BITPOS range: 1 = BIT, 0 = BYTE, -1 after replying. */
function unitOrReply(c: Ctx, i: number): number {
  if (c.is(i, 'BYTE')) return 0;
  if (c.is(i, 'BIT')) return 1;
  c.reply.error(E.syntax);
  return -1;
}

/** Redis's range normalisation over `total` units: negatives count from the end, then clamp. */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = Math.max(0, start + total);
  if (end < 0) end = Math.max(0, end + total);
  return [start, Math.min(end, total - 1)];
}

// ------------------------------------------------------------------ ops

const kPopcount = new Uint8Array(256);
for (let i = 1; i < 256; i++) kPopcount[i] = (i & 1) + kPopcount[i >> 1];
const kZeros = new Uint8Array(4096);

/** Look up key arg i; returns the record, 0 if absent, -1 after replying WRONGTYPE. */
function lookupStringOrReply(c: Ctx, i: number, write: boolean): number {
  return c.lookupTypeOrReply(i, T.String, write);
}

/**
 * Create key arg i (just looked up for writing and found absent) as `len` zero bytes.
 * Returns its record. Also used by SETRANGE.
 */
export function newZeroString(c: Ctx, i: number, len: number): number {
  const s = c.shard(i);
  if (len <= kZeros.length) return s.setString(c.db, 0, c.buf, c.offs[i], c.lens[i], kZeros, 0, len, 0, false, c.now);
  s.setString(c.db, 0, c.buf, c.offs[i], c.lens[i], kZeros, 0, 0, 0, false, c.now);
  // resizeString needs the table's found slot: find the new key again first.
  return s.resizeString(c.db, c.lookupWrite(i), len, c.now);
}

/**
 * Redis's lookupStringForBitCommand: the string of key arg i, created or zero-grown so that bit
 * `maxBit` exists. Returns the record, or -1 after replying WRONGTYPE.
 */
function stringForBitWrite(c: Ctx, i: number, maxBit: number): number {
  const rec = lookupStringOrReply(c, i, true);
  if (rec < 0) return -1;
  const need = Math.floor(maxBit / 8) + 1;
  bitDirty = true;
  if (rec === 0) return newZeroString(c, i, need);
  const s = c.shard(i);
  bitDirty = s.valLen(rec) < need;
  return bitDirty ? s.resizeString(c.db, rec, need, c.now) : rec;
}

/** Set by stringForBitWrite: the string was created or grown (Redis's `dirty`: a change to notify). */
let bitDirty = false;

/** A fixed-length view of heap bytes (indexing the heap's length-tracking view is much slower). */
function fixedView(u8: Uint8Array, off: number, len: number): Uint8Array {
  return new Uint8Array(u8.buffer, u8.byteOffset + off, len);
}

/** n words of v from byte `at` (v.byteOffset + at must be 4-aligned). */
function words(v: Uint8Array, at: number, n: number): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset + at, n);
}

function bitAt(v: Uint8Array, p: number): number {
  const byte = Math.floor(p / 8);
  return byte < v.length ? (v[byte] >> (7 - (p & 7))) & 1 : 0;
}

/** Set bits in v, a word at a time where aligned. */
function popcount(v: Uint8Array): number {
  let n = 0, p = 0;
  while (p < v.length && (v.byteOffset + p) % 4 !== 0) n += kPopcount[v[p++]];
  if (p < v.length) {
    const w = words(v, p, Math.floor((v.length - p) / 4));
    for (let i = 0; i < w.length; i++) {
      let x = w[i] - ((w[i] >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      n += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    p += w.length * 4;
  }
  for (; p < v.length; p++) n += kPopcount[v[p]];
  return n;
}

/** First bit equal to `bit` among bit positions [from, to] of v, or -1. */
function findBit(v: Uint8Array, from: number, to: number, bit: number): number {
  let p = from;
  for (; p <= to && (p & 7) !== 0; p++) if (bitAt(v, p) === bit) return p;
  // Whole bytes, then aligned whole words, then bytes again, holding no such bit.
  const skip = bit ? 0 : 0xff;
  while (p + 7 <= to && (v.byteOffset + p / 8) % 4 !== 0 && v[p / 8] === skip) p += 8;
  if ((v.byteOffset + p / 8) % 4 === 0) {
    const w = words(v, p / 8, Math.max(0, Math.floor((to + 1 - p) / 32))), wskip = bit ? 0 : -1;
    let i = 0;
    while (i < w.length && w[i] === wskip) i++;
    p += i * 32;
  }
  while (p + 7 <= to && v[p / 8] === skip) p += 8;
  for (; p <= to; p++) if (bitAt(v, p) === bit) return p;
  return -1;
}

/** res[k] op= src[k] for k < src.length (op 0 AND, 1 OR, 2 XOR), by words where aligned. */
function combine(res: Uint8Array, src: Uint8Array, op: number): void {
  let k = 0;
  if (src.byteOffset % 4 === 0) {
    const n = Math.floor(src.length / 4), rw = words(res, 0, n), sw = words(src, 0, n);
    if (op === 0) for (let i = 0; i < n; i++) rw[i] &= sw[i];
    else if (op === 1) for (let i = 0; i < n; i++) rw[i] |= sw[i];
    else for (let i = 0; i < n; i++) rw[i] ^= sw[i];
    k = n * 4;
  }
  if (op === 0) for (; k < src.length; k++) res[k] &= src[k];
  else if (op === 1) for (; k < src.length; k++) res[k] |= src[k];
  else for (; k < src.length; k++) res[k] ^= src[k];
}

/** Read `n` ≤ 53 bits of v at bit offset `off`, bits past the end reading as zero. */
function readBits(v: Uint8Array, off: number, n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x = x * 2 + bitAt(v, off + i);
  return x;
}

function readField(v: Uint8Array, off: number, bits: number, signed: boolean): bigint {
  const u = bits <= 53
    ? BigInt(readBits(v, off, bits))
    : (BigInt(readBits(v, off, bits - 32)) << 32n) | BigInt(readBits(v, off + bits - 32, 32));
  return signed ? BigInt.asIntN(bits, u) : u;
}

/** Write the low `bits` bits of x at bit offset `off` of v (long enough). */
function writeField(v: Uint8Array, off: number, bits: number, x: bigint): void {
  const u = BigInt.asUintN(64, x);
  const lo = Number(u & 0xffffffffn), hi = Number(u >> 32n);
  for (let i = 0; i < bits; i++) {
    const k = bits - 1 - i, p = off + i, at = Math.floor(p / 8), mask = 1 << (7 - (p & 7));
    v[at] = (k >= 32 ? (hi >>> (k - 32)) & 1 : (lo >>> k) & 1) ? v[at] | mask : v[at] & ~mask;
  }
}

const kWrap = 0, kSat = 1, kFail = 2;

/**
 * checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow, with C's 64-bit wrap-around in
 * the limits kept (so SET i34 with INT64_MIN saturates to the maximum, as in Redis). `value`
 * is the old field (INCRBY) or the SET argument (incr 0). Returns the value to store, or null
 * when it overflows under FAIL.
 */
function fitField(value: bigint, incr: bigint, bits: number, signed: boolean, ow: number): bigint | null {
  const b = BigInt(bits);
  let over = 0;
  if (signed) {
    const max = (1n << (b - 1n)) - 1n, min = -max - 1n;
    const maxIncr = BigInt.asIntN(64, max - value), minIncr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) over = 1;
    else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) over = -1;
    if (over === 0) return value + incr;
    if (ow === kSat) return over > 0 ? max : min;
  } else {
    const max = (1n << b) - 1n;
    const maxIncr = BigInt.asIntN(64, max - value), minIncr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxIncr)) over = 1;
    else if (incr < 0n && incr < minIncr) over = -1;
    if (over === 0) return value + incr;
    if (ow === kSat) return over > 0 ? max : 0n;
  }
  if (ow === kFail) return null;
  return signed ? BigInt.asIntN(bits, value + incr) : BigInt.asUintN(bits, value + incr);
}

function toReplyInt(v: bigint): number | bigint {
  return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
}

// ------------------------------------------------------------------ commands

function setbitCommand(c: Ctx): void {
  const off = bitOffsetOrReply(c, 2, false, 0);
  if (off === null) return;
  const on = c.long(3);
  if (on === null || (on !== 0 && on !== 1)) return c.reply.error(E.bitValue);
  const rec = stringForBitWrite(c, 1, off);
  if (rec < 0) return;
  const s = c.shard(1), u8 = s.heap.u8;
  const at = s.valOffset(rec) + Math.floor(off / 8), mask = 1 << (7 - (off & 7));
  const old = u8[at] & mask;
  u8[at] = on ? u8[at] | mask : u8[at] & ~mask;
  s.setEncoding(rec, Enc.Raw); // Redis unshares the value: an edited string is always raw
  if (bitDirty || (old !== 0) !== (on === 1)) notify(c, Nc.String, EV.setbit, 1);
  c.reply.int(old ? 1 : 0);
}

function getbitCommand(c: Ctx): void {
  const off = bitOffsetOrReply(c, 2, false, 0);
  if (off === null) return;
  const rec = lookupStringOrReply(c, 1, false);
  if (rec <= 0) return rec === 0 ? c.reply.int(0) : undefined;
  const s = c.shard(1), byte = Math.floor(off / 8);
  if (byte >= s.valLen(rec)) return c.reply.int(0);
  c.reply.int((s.heap.u8[s.valOffset(rec) + byte] >> (7 - (off & 7))) & 1);
}

function bitcountCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, false);
  if (rec <= 0) return rec === 0 ? c.reply.int(0) : undefined;
  const s = c.shard(1), strlen = s.valLen(rec);
  let start = 0, end = strlen - 1, isbit = 0;
  if (c.argc === 4 || c.argc === 5) {
    const a = c.long(2), b = a === null ? null : c.long(3);
    if (a === null || b === null) return c.reply.error(E.notInteger);
    if (a < 0 && b < 0 && a > b) return c.reply.int(0);
    if (c.argc === 5 && (isbit = unitOrReply(c, 4)) < 0) return;
    [start, end] = clampRange(a, b, isbit ? strlen * 8 : strlen);
  } else if (c.argc !== 2) return c.reply.error(E.syntax);
  if (start > end) return c.reply.int(0);
  const from = isbit ? start : start * 8, to = isbit ? end : end * 8 + 7;
  const first = Math.floor(from / 8), v = fixedView(s.heap.u8, s.valOffset(rec) + first, Math.floor(to / 8) - first + 1);
  // Take off the bits of the edge bytes that lie outside a BIT range.
  c.reply.int(popcount(v) - kPopcount[v[0] & ~(0xff >> (from & 7)) & 0xff] - kPopcount[v[v.length - 1] & (0x7f >> (to & 7))]);
}

function bitposCommand(c: Ctx): void {
  const bit = c.long(2);
  if (bit === null) return c.reply.error(E.notInteger);
  if (bit !== 0 && bit !== 1) return c.reply.error(E.bitposBit);
  const rec = lookupStringOrReply(c, 1, false);
  if (rec <= 0) return rec === 0 ? c.reply.int(bit ? -1 : 0) : undefined;
  const s = c.shard(1), strlen = s.valLen(rec);
  let start = 0, end = strlen - 1, isbit = 0;
  const endGiven = c.argc >= 5;
  if (c.argc >= 4 && c.argc <= 6) {
    const a = c.long(3);
    if (a === null) return c.reply.error(E.notInteger);
    if (c.argc === 6 && (isbit = unitOrReply(c, 5)) < 0) return;
    const b = endGiven ? c.long(4) : strlen - 1;
    if (b === null) return c.reply.error(E.notInteger);
    [start, end] = clampRange(a, b, isbit ? strlen * 8 : strlen);
  } else if (c.argc !== 3) return c.reply.error(E.syntax);
  // An empty range contains neither a 0 nor a 1.
  if (start > end) return c.reply.int(-1);
  const from = isbit ? start : start * 8, to = isbit ? end : end * 8 + 7;
  const pos = findBit(fixedView(s.heap.u8, s.valOffset(rec), strlen), from, to, bit);
  if (pos >= 0 || bit === 1) return c.reply.int(pos);
  // No clear bit: without an explicit end the string counts as zero-padded on the right.
  c.reply.int(endGiven ? -1 : (end + 1) * 8);
}

function bitopCommand(c: Ctx): void {
  let op: number;
  if (c.is(1, 'AND')) op = 0;
  else if (c.is(1, 'OR')) op = 1;
  else if (c.is(1, 'XOR')) op = 2;
  else if (c.is(1, 'NOT')) op = 3;
  else return c.reply.error(E.syntax);
  if (op === 3 && c.argc !== 4) return c.reply.error(E.bitopNot);
  const n = c.argc - 3;
  const recs: number[] = [];
  let maxlen = 0;
  for (let j = 0; j < n; j++) {
    const rec = lookupStringOrReply(c, j + 3, false);
    if (rec < 0) return;
    recs.push(rec);
    if (rec !== 0) maxlen = Math.max(maxlen, c.shard(j + 3).valLen(rec));
  }
  let res: Uint8Array | null = null;
  if (maxlen > 0) {
    res = new Uint8Array(maxlen);
    for (let j = 0; j < n; j++) {
      const rec = recs[j], s = c.shard(j + 3);
      const src = rec === 0 ? new Uint8Array(0) : fixedView(s.heap.u8, s.valOffset(rec), s.valLen(rec));
      if (j === 0) {
        res.set(src);
        if (op === 3) for (let k = 0; k < maxlen; k++) res[k] = ~res[k];
      } else {
        combine(res, src, op);
        if (op === 0) res.fill(0, src.length);
      }
    }
  }
  const dest = c.lookupWrite(2), ds = c.shard(2);
  if (res !== null) {
    const rec = ds.setString(c.db, dest, c.buf, c.offs[2], c.lens[2], res, 0, maxlen, 0, false, c.now);
    ds.setEncoding(rec, Enc.Raw); // a new raw object in Redis, even when short or numeric
    notify(c, Nc.String, EV.set, 2);
  } else if (dest !== 0) {
    ds.deleteFound(c.db, dest);
    notify(c, Nc.Generic, EV.del, 2);
  }
  c.reply.int(maxlen);
}

interface FieldOp {
  op: number; // 0 GET, 1 SET, 2 INCRBY
  off: number;
  bits: number;
  signed: boolean;
  value: bigint;
  ow: number;
}

function bitfieldGeneric(c: Ctx, readonlyCommand: boolean): void {
  const ops: FieldOp[] = [];
  let ow = kWrap, readonly = true, highest = 0;
  for (let j = 2; j < c.argc; j++) {
    const rem = c.argc - j - 1;
    let op: number;
    if (c.is(j, 'GET') && rem >= 2) op = 0;
    else if (c.is(j, 'SET') && rem >= 3) op = 1;
    else if (c.is(j, 'INCRBY') && rem >= 3) op = 2;
    else if (c.is(j, 'OVERFLOW') && rem >= 1) {
      j++;
      if (c.is(j, 'WRAP')) ow = kWrap;
      else if (c.is(j, 'SAT')) ow = kSat;
      else if (c.is(j, 'FAIL')) ow = kFail;
      else return c.reply.error(E.bitfieldOverflow);
      continue;
    } else return c.reply.error(E.syntax);
    const type = bitfieldTypeOrReply(c, j + 1);
    if (type === null) return;
    const [signed, bits] = type;
    const off = bitOffsetOrReply(c, j + 2, true, bits);
    if (off === null) return;
    let value = 0n;
    if (op !== 0) {
      readonly = false;
      highest = Math.max(highest, off + bits - 1);
      const v = c.int64(j + 3);
      if (v === null) return c.reply.error(E.notInteger);
      value = BigInt(v);
    }
    ops.push({ op, off, bits, signed, value, ow });
    j += op === 0 ? 2 : 3;
  }
  let rec: number;
  if (readonly) {
    rec = lookupStringOrReply(c, 1, false);
    if (rec < 0) return;
  } else {
    if (readonlyCommand) return c.reply.error(E.bitfieldRo);
    rec = stringForBitWrite(c, 1, highest);
    if (rec < 0) return;
  }
  const s = c.shard(1);
  const v = rec === 0 ? new Uint8Array(0) : fixedView(s.heap.u8, s.valOffset(rec), s.valLen(rec));
  // Redis notifies "setbit" once if a write changed a value, or created or grew the string.
  let changes = 0;
  c.reply.array(ops.length);
  for (const o of ops) {
    const old = readField(v, o.off, o.bits, o.signed);
    if (o.op === 0) {
      c.reply.int(toReplyInt(old));
      continue;
    }
    // Unsigned SET takes the argument as a uint64, as C does: negative values are huge.
    const next = o.op === 2
      ? fitField(old, o.value, o.bits, o.signed, o.ow)
      : fitField(o.signed ? o.value : BigInt.asUintN(64, o.value), 0n, o.bits, o.signed, o.ow);
    if (next === null) {
      c.reply.nullBulk();
      continue;
    }
    writeField(v, o.off, o.bits, next);
    if (bitDirty || next !== old) changes++;
    c.reply.int(toReplyInt(o.op === 2 ? next : old));
  }
  if (!readonly) s.setEncoding(rec, Enc.Raw); // unshared (raw) even if every write failed
  if (changes !== 0) notify(c, Nc.String, EV.setbit, 1);
}

// ------------------------------------------------------------------ registration

export const bitmapCommands: FamilyTable = {
  setbit: { handler: setbitCommand },
  getbit: { handler: getbitCommand },
  bitcount: { handler: bitcountCommand },
  bitpos: { handler: bitposCommand },
  bitop: { handler: bitopCommand },
  bitfield: { handler: (c) => bitfieldGeneric(c, false) },
  bitfield_ro: { handler: (c) => bitfieldGeneric(c, true) },
};
