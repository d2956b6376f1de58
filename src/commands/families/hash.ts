/**
 * Hash family (t_hash.c): HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN, HEXISTS, HSTRLEN,
 * HINCRBY/HINCRBYFLOAT. The whole-hash readers (HGETALL, HKEYS, HVALS, HRANDFIELD, HSCAN) are
 * in hash-read.ts and registered here. The value structure is src/types/hash.ts.
 *
 * Layout of this file: ops on the shard, then command handlers (reply), then the registration
 * table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EH } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { addInt64, parseInt64 } from '../args.js';
import { addLongDouble, formatLongDoubleHuman, isFiniteLD, parseLongDouble, LD_ZERO, type LongDouble } from '../long-double.js';
import { hashCreate, hashDelete, hashGet, hashLen, hashListpackBytes, hashSet, hv } from '../../types/hash.js';
import { hgetallCommand, hkeysCommand, hrandfieldCommand, hscanCommand, hvalsCommand } from './hash-read.js';
import { EV, Nc, notify } from '../../server/notify.js';

// ------------------------------------------------------------------ ops

/**
 * Look up key argument 1 as a hash for writing, creating an empty one when absent (Redis's
 * hashTypeLookupWriteOrCreate). Returns the record, or -1 after replying WRONGTYPE.
 */
function lookupOrCreate(c: Ctx, capBytes = 0): number {
  const rec = c.lookupTypeOrReply(1, T.Hash, true);
  if (rec !== 0) return rec;
  const s = c.shard(1);
  const vp = hashCreate(s.heap, capBytes);
  // The lookup just above was of this key: insertValue reuses its hash.
  return s.insertValue(c.db, c.buf, c.offs[1], c.lens[1], T.Hash, Enc.Listpack, vp, c.now);
}

/** Set field argument fi to the bytes b[off, off+len). Returns 1 if the field is new. */
function setField(c: Ctx, rec: number, fi: number, b: Uint8Array, off: number, len: number): number {
  return hashSet(c.shard(1), rec, c.engine.config.limits, c.buf, c.offs[fi], c.lens[fi], b, off, len);
}

/** Find field argument fi of the hash `rec`; on success `hv` holds the value's place. */
function getField(c: Ctx, rec: number, fi: number): boolean {
  const s = c.shard(1);
  return hashGet(s.heap, s.valuePtr(rec), s.encoding(rec), c.buf, c.offs[fi], c.lens[fi]);
}

const digits = new Uint8Array(24);

/** Write an int64's decimal text into `digits`; returns its start (it ends at digits.length). */
function formatInt(n: number | bigint): number {
  if (typeof n === 'bigint') {
    const t = n.toString();
    const start = digits.length - t.length;
    for (let i = 0; i < t.length; i++) digits[start + i] = t.charCodeAt(i);
    return start;
  }
  let v = Math.abs(n), i = digits.length;
  do {
    const q = Math.floor(v / 10);
    digits[--i] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
  if (n < 0) digits[--i] = 0x2d;
  return i;
}


// ------------------------------------------------------------------ commands

/** HSET and HMSET (the same command; HMSET replies +OK). */
function hsetGeneric(c: Ctx, ok: boolean): void {
  if (c.argc % 2 === 1) return c.reply.error(E.wrongArity(c.client.lastCommand));
  // Size a new hash's listpack for every pair given (when they can all stay in one).
  const lim = c.engine.config.limits;
  const fit = (c.argc - 2) / 2 <= lim.hashMaxListpackEntries && c.argc <= 258;
  const rec = lookupOrCreate(c, fit ? hashListpackBytes(c.lens, 2, c.argc) : 0);
  if (rec < 0) return;
  let added = 0;
  for (let i = 2; i < c.argc; i += 2) added += setField(c, rec, i, c.buf, c.offs[i + 1], c.lens[i + 1]);
  if (ok) c.reply.ok();
  else c.reply.int(added);
  notify(c, Nc.Hash, EV.hset, 1);
}

function hsetnxCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, true);
  if (rec < 0) return;
  if (rec !== 0 && getField(c, rec, 2)) return c.reply.int(0);
  const r = rec !== 0 ? rec : lookupOrCreate(c);
  setField(c, r, 2, c.buf, c.offs[3], c.lens[3]);
  c.reply.int(1);
  notify(c, Nc.Hash, EV.hset, 1);
}

function hgetCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  if (rec === 0 || !getField(c, rec, 2)) return c.reply.nullBulk();
  c.reply.bulk(c.shard(1).heap.u8, hv.off, hv.len);
}

function hmgetCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) {
    if (rec === 0 || !getField(c, rec, i)) c.reply.nullBulk();
    else c.reply.bulk(c.shard(1).heap.u8, hv.off, hv.len);
  }
}

function hdelCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1);
  let deleted = 0, emptied = false;
  for (let i = 2; i < c.argc; i++) {
    if (!hashDelete(s, rec, c.buf, c.offs[i], c.lens[i])) continue;
    deleted++;
    if (hashLen(s.heap, s.valuePtr(rec), s.encoding(rec)) === 0) {
      c.deleteKey(1);
      emptied = true;
      break;
    }
  }
  if (deleted !== 0) notify(c, Nc.Hash, EV.hdel, 1);
  if (emptied) notify(c, Nc.Generic, EV.del, 1);
  c.reply.int(deleted);
}

function hlenCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  const s = c.shard(1);
  c.reply.int(rec === 0 ? 0 : hashLen(s.heap, s.valuePtr(rec), s.encoding(rec)));
}

function hexistsCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  c.reply.int(rec !== 0 && getField(c, rec, 2) ? 1 : 0);
}

function hstrlenCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  c.reply.int(rec !== 0 && getField(c, rec, 2) ? hv.len : 0);
}

function hincrbyCommand(c: Ctx): void {
  const by = c.int64(3);
  if (by === null) return c.reply.error(E.notInteger);
  const rec = lookupOrCreate(c);
  if (rec < 0) return;
  let cur: number | bigint = 0;
  if (getField(c, rec, 2)) {
    const v = parseInt64(c.shard(1).heap.u8, hv.off, hv.len);
    if (v === null) return c.reply.error(EH.hashNotInteger);
    cur = v;
  }
  const next = addInt64(cur, by);
  if (next === null) return c.reply.error(E.overflow);
  const start = formatInt(next);
  setField(c, rec, 2, digits, start, digits.length - start);
  c.reply.intDigits(digits, start, digits.length - start);
  notify(c, Nc.Hash, EV.hincrby, 1);
}

/** HINCRBYFLOAT computes in x86-64 long double and prints "%.17Lf" trimmed, like INCRBYFLOAT. */
function hincrbyfloatCommand(c: Ctx): void {
  const by = parseLongDouble(c.bin(3));
  if (by === null) return c.reply.error(E.notFloat);
  if (!isFiniteLD(by)) return c.reply.error(EH.incrNaNOrInf);
  const rec = lookupOrCreate(c);
  if (rec < 0) return;
  let cur: LongDouble = LD_ZERO;
  if (getField(c, rec, 2)) {
    const u8 = c.shard(1).heap.u8;
    const v = parseLongDouble(Buffer.from(u8.buffer, hv.off, hv.len).toString('latin1'));
    if (v === null) return c.reply.error(EH.hashNotFloat);
    cur = v;
  }
  const next = addLongDouble(cur, by);
  if (!isFiniteLD(next)) return c.reply.error(E.incrFloatNaN);
  const text = formatLongDoubleHuman(next);
  const bytes = Buffer.from(text, 'latin1');
  setField(c, rec, 2, bytes, 0, bytes.length);
  c.reply.bulkString(text);
  notify(c, Nc.Hash, EV.hincrbyfloat, 1);
}

// ------------------------------------------------------------------ registration

export const hashCommands: FamilyTable = {
  hset: { handler: (c) => hsetGeneric(c, false) },
  hmset: { handler: (c) => hsetGeneric(c, true) },
  hsetnx: { handler: hsetnxCommand },
  hget: { handler: hgetCommand },
  hmget: { handler: hmgetCommand },
  hdel: { handler: hdelCommand },
  hlen: { handler: hlenCommand },
  hexists: { handler: hexistsCommand },
  hstrlen: { handler: hstrlenCommand },
  hincrby: { handler: hincrbyCommand },
  hincrbyfloat: { handler: hincrbyfloatCommand },
  hgetall: { handler: hgetallCommand },
  hkeys: { handler: hkeysCommand },
  hvals: { handler: hvalsCommand },
  hrandfield: { handler: hrandfieldCommand },
  hscan: { handler: hscanCommand },
};
