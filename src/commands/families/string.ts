/**
 * String family (t_string.c): GET/SET and their variants, MGET/MSET/MSETNX, APPEND, STRLEN,
 * the INCR/DECR family and INCRBYFLOAT. Bit commands, ranges and LCS are in bitmap.ts and
 * string-range.ts.
 *
 * Layout of this file: argument parsing, then ops on the shard, then command handlers (reply),
 * then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { addInt64, parseInt64 } from '../args.js';
import { expireMsOrReply } from '../expire-time.js';
import { LD_ZERO, addLongDouble, formatLongDoubleHuman, isFiniteLD, parseLongDouble, type LongDouble } from '../long-double.js';
import { EV, Nc, notify } from '../../server/notify.js';

// ------------------------------------------------------------------ parse

const kNX = 1, kXX = 2, kGET = 4, kKEEPTTL = 8, kPERSIST = 16;
const kUnitMs: (1 | 1000)[] = [1, 1000, 1, 1000, 1];

interface SetOptions {
  flags: number;
  /** 0 none, 1 EX, 2 PX, 3 EXAT, 4 PXAT. */
  unit: number;
  /** Argument index of the expire value (when unit ≠ 0). */
  valueArg: number;
}

/**
 * Parse SET/GETEX style options from argument `from` on (syntax only: the expire value is
 * checked later by expireAtOrReply, at the point Redis checks it). Replies with the error
 * itself and returns null on failure (Redis's parseExtendedStringArgumentsOrReply).
 */
export function parseSetOptionsOrReply(c: Ctx, from: number, forGetex: boolean): SetOptions | null {
  let flags = 0;
  let unit = 0;
  let valueArg = -1;
  for (let i = from; i < c.argc; i++) {
    const next = i + 1 < c.argc;
    if (!forGetex && c.is(i, 'NX') && !(flags & kXX)) flags |= kNX;
    else if (!forGetex && c.is(i, 'XX') && !(flags & kNX)) flags |= kXX;
    else if (!forGetex && c.is(i, 'GET')) flags |= kGET;
    else if (!forGetex && c.is(i, 'KEEPTTL') && unit === 0) flags |= kKEEPTTL;
    else if (forGetex && c.is(i, 'PERSIST') && unit === 0) flags |= kPERSIST;
    // Repeating the same unit is allowed (the last value wins); mixing units is not.
    else if (c.is(i, 'EX') && (unit === 0 || unit === 1) && !(flags & (kKEEPTTL | kPERSIST)) && next) { unit = 1; valueArg = ++i; }
    else if (c.is(i, 'PX') && (unit === 0 || unit === 2) && !(flags & (kKEEPTTL | kPERSIST)) && next) { unit = 2; valueArg = ++i; }
    else if (c.is(i, 'EXAT') && (unit === 0 || unit === 3) && !(flags & (kKEEPTTL | kPERSIST)) && next) { unit = 3; valueArg = ++i; }
    else if (c.is(i, 'PXAT') && (unit === 0 || unit === 4) && !(flags & (kKEEPTTL | kPERSIST)) && next) { unit = 4; valueArg = ++i; }
    else {
      c.reply.error(E.syntax);
      return null;
    }
  }
  return { flags, unit, valueArg };
}

/** The absolute expiry the options ask for: 0 for none, null after replying an error. */
function expireAtOrReply(c: Ctx, o: SetOptions): number | null {
  if (o.unit === 0) return 0;
  return expireMsOrReply(c, o.valueArg, kUnitMs[o.unit], o.unit <= 2);
}

// ------------------------------------------------------------------ ops

/** Look up key arg i; returns the record, 0 if absent, -1 after replying WRONGTYPE. */
function lookupStringOrReply(c: Ctx, i: number, write: boolean): number {
  return c.lookupTypeOrReply(i, T.String, write);
}

/** Store arg vi as the string value of key arg ki (the key was just looked up). */
function storeString(c: Ctx, ki: number, rec: number, vi: number, expireAt: number, keepTtl: boolean): void {
  const s = c.shard(ki);
  if (expireAt !== 0 && expireAt <= c.now) {
    // An absolute time in the past: the key ends up deleted (Redis deletes it at once).
    if (rec !== 0) s.deleteFound(c.db, rec);
    // Redis 7.0 stores the key and expires it on its next access: the events it sends then.
    else notify(c, Nc.New, EV.new, ki);
    notify(c, Nc.String, EV.set, ki);
    notify(c, Nc.Generic, EV.expire, ki);
    notify(c, Nc.Expired, EV.expired, ki);
    return;
  }
  s.setString(c.db, rec, c.buf, c.offs[ki], c.lens[ki], c.buf, c.offs[vi], c.lens[vi], expireAt, keepTtl, c.now);
  notify(c, Nc.String, EV.set, ki);
  if (expireAt !== 0) notify(c, Nc.Generic, EV.expire, ki);
}

function replyValue(c: Ctx, i: number, rec: number): void {
  const s = c.shard(i);
  c.reply.bulk(s.heap.u8, s.valOffset(rec), s.valLen(rec));
}

/** Read the integer value of a string record, or null if it is not an integer. */
function recordInt(c: Ctx, i: number, rec: number): number | bigint | null {
  const s = c.shard(i);
  return parseInt64(s.heap.u8, s.valOffset(rec), s.valLen(rec));
}

function storeText(c: Ctx, ki: number, rec: number, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  c.shard(ki).setString(c.db, rec, c.buf, c.offs[ki], c.lens[ki], bytes, 0, bytes.length, 0, true, c.now);
}

const digits = new Uint8Array(24);

/**
 * Store an integer's decimal text and reply it as an integer, without allocating and with
 * one conversion to digits (the INCR family's hot path).
 */
function storeIntAndReply(c: Ctx, ki: number, rec: number, n: number | bigint): void {
  if (typeof n === 'bigint') {
    storeText(c, ki, rec, String(n));
    notify(c, Nc.String, EV.incrby, ki);
    return c.reply.int(n);
  }
  let v = Math.abs(n), i = digits.length;
  while (v >= 2147483648) {
    const q = Math.floor(v / 10);
    digits[--i] = 48 + (v - q * 10);
    v = q;
  }
  do {
    const q = (v / 10) | 0;
    digits[--i] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
  if (n < 0) digits[--i] = 0x2d;
  const len = digits.length - i;
  c.shard(ki).setString(c.db, rec, c.buf, c.offs[ki], c.lens[ki], digits, i, len, 0, true, c.now, Enc.Int);
  notify(c, Nc.String, EV.incrby, ki);
  c.reply.intDigits(digits, i, len);
}

const kI64Min = -(2n ** 63n);

/** INCRBY core: returns the new value or null after replying an error. */
function incrGeneric(c: Ctx, by: number | bigint): void {
  const rec = lookupStringOrReply(c, 1, true);
  if (rec < 0) return;
  let cur: number | bigint = 0;
  if (rec !== 0) {
    const v = recordInt(c, 1, rec);
    if (v === null) return c.reply.error(E.notInteger);
    cur = v;
  }
  const next = addInt64(cur, by);
  if (next === null) return c.reply.error(E.overflow);
  storeIntAndReply(c, 1, rec, next);
}

// ------------------------------------------------------------------ commands

function getCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.nullBulk();
  replyValue(c, 1, rec);
}

function setCommand(c: Ctx): void {
  const o = parseSetOptionsOrReply(c, 3, false);
  if (o === null) return;
  const at = expireAtOrReply(c, o);
  if (at === null) return;
  setGenericCommand(c, o.flags, at);
}

/** SET, SETNX, SETEX, PSETEX and GETSET all land here (Redis's setGenericCommand). */
function setGenericCommand(c: Ctx, flags: number, expireAt: number, keyArg = 1, valArg = 2, okReply = true): void {
  let rec: number;
  if (flags & kGET) {
    rec = lookupStringOrReply(c, keyArg, false);
    if (rec < 0) return;
    // lookupRead touched the key; a write lookup is needed for the slot, re-find it.
    rec = c.lookupWrite(keyArg);
  } else rec = c.lookupWrite(keyArg);
  if (((flags & kNX) && rec !== 0) || ((flags & kXX) && rec === 0)) {
    if (flags & kGET) {
      if (rec === 0) c.reply.nullBulk();
      else replyValue(c, keyArg, rec);
    } else if (okReply) c.reply.nullBulk();
    else c.reply.int(0);
    return;
  }
  if (flags & kGET) {
    if (rec === 0) c.reply.nullBulk();
    else replyValue(c, keyArg, rec);
  }
  storeString(c, keyArg, rec, valArg, expireAt, (flags & kKEEPTTL) !== 0);
  if (!(flags & kGET)) {
    if (okReply) c.reply.ok();
    else c.reply.int(1);
  }
}

function setnxCommand(c: Ctx): void {
  setGenericCommand(c, kNX, 0, 1, 2, false);
}

function setexGeneric(c: Ctx, unitMs: 1 | 1000): void {
  const at = expireMsOrReply(c, 2, unitMs, true);
  if (at === null) return;
  setGenericCommand(c, 0, at, 1, 3);
}

function getsetCommand(c: Ctx): void {
  setGenericCommand(c, kGET, 0);
}

function getdelCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, true);
  if (rec < 0) return;
  if (rec === 0) {
    notify(c, Nc.KeyMiss, EV.keymiss, 1); // Redis looks the key up as a read first
    return c.reply.nullBulk();
  }
  replyValue(c, 1, rec);
  c.shard(1).deleteFound(c.db, rec);
  notify(c, Nc.Generic, EV.del, 1);
}

function getexCommand(c: Ctx): void {
  const o = parseSetOptionsOrReply(c, 2, true);
  if (o === null) return;
  const rec = lookupStringOrReply(c, 1, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.nullBulk();
  // Redis checks the expire value only once the key is known to exist and be a string.
  const at = expireAtOrReply(c, o);
  if (at === null) return;
  replyValue(c, 1, rec);
  const s = c.shard(1);
  if (at !== 0) {
    s.lookup(c.db, c.buf, c.offs[1], c.lens[1], c.now);
    if (at <= c.now) {
      s.deleteFound(c.db, rec);
      notify(c, Nc.Generic, EV.del, 1);
    } else {
      s.setExpire(c.db, rec, at);
      notify(c, Nc.Generic, EV.expire, 1);
    }
  } else if ((o.flags & kPERSIST) && s.expireAt(rec) !== 0) {
    s.setExpire(c.db, rec, 0);
    notify(c, Nc.Generic, EV.persist, 1);
  }
}

function mgetCommand(c: Ctx): void {
  c.reply.array(c.argc - 1);
  for (let i = 1; i < c.argc; i++) {
    const rec = c.lookupRead(i);
    if (rec === 0 || c.shard(i).type(rec) !== T.String) c.reply.nullBulk();
    else replyValue(c, i, rec);
  }
}

function msetGeneric(c: Ctx, nx: boolean): void {
  if (c.argc % 2 === 0) return c.reply.error(E.wrongArity(c.client.lastCommand));
  if (nx) {
    for (let i = 1; i < c.argc; i += 2) {
      if (c.lookupWrite(i) !== 0) return c.reply.int(0);
    }
  }
  for (let i = 1; i < c.argc; i += 2) {
    const rec = c.lookupWrite(i);
    storeString(c, i, rec, i + 1, 0, false);
  }
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function appendCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, true);
  if (rec < 0) return;
  const s = c.shard(1);
  if (rec === 0) {
    s.setString(c.db, 0, c.buf, c.offs[1], c.lens[1], c.buf, c.offs[2], c.lens[2], 0, false, c.now);
    notify(c, Nc.String, EV.append, 1);
    return c.reply.int(c.lens[2]);
  }
  const old = s.valLen(rec), add = c.lens[2];
  if (old + add > c.engine.config.num('proto-max-bulk-len')) return c.reply.error(E.stringTooLong);
  const nrec = s.resizeString(c.db, rec, old + add, c.now);
  s.heap.u8.set(c.buf.subarray(c.offs[2], c.offs[2] + add), s.valOffset(nrec) + old);
  s.setEncoding(nrec, Enc.Raw); // Redis unshares the value: an appended string is always raw
  notify(c, Nc.String, EV.append, 1);
  c.reply.int(old + add);
}

function strlenCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, false);
  if (rec < 0) return;
  c.reply.int(rec === 0 ? 0 : c.shard(1).valLen(rec));
}

function incrbyCommand(c: Ctx): void {
  const by = c.int64(2);
  if (by === null) return c.reply.error(E.notInteger);
  incrGeneric(c, by);
}

function decrbyCommand(c: Ctx): void {
  const by = c.int64(2);
  if (by === null) return c.reply.error(E.notInteger);
  if (by === kI64Min) return c.reply.error(E.decrOverflow);
  incrGeneric(c, typeof by === 'bigint' ? -by : -by);
}

/** INCRBYFLOAT computes in x86-64 long double and prints "%.17Lf" trimmed, as Redis does. */
function incrbyfloatCommand(c: Ctx): void {
  const rec = lookupStringOrReply(c, 1, true);
  if (rec < 0) return;
  // Redis parses the stored value first, then the increment; both fail with the same error.
  let cur: LongDouble = LD_ZERO;
  if (rec !== 0) {
    const s = c.shard(1);
    const o = s.valOffset(rec);
    const v = parseLongDouble(Buffer.from(s.heap.u8.subarray(o, o + s.valLen(rec))).toString('latin1'));
    if (v === null) return c.reply.error(E.notFloat);
    cur = v;
  }
  const by = parseLongDouble(c.bin(2));
  if (by === null) return c.reply.error(E.notFloat);
  const next = addLongDouble(cur, by);
  if (!isFiniteLD(next)) return c.reply.error(E.incrFloatNaN);
  const text = formatLongDoubleHuman(next);
  storeText(c, 1, rec, text);
  notify(c, Nc.String, EV.incrbyfloat, 1);
  c.reply.bulkString(text);
}

// ------------------------------------------------------------------ registration

export const stringCommands: FamilyTable = {
  get: { handler: getCommand },
  set: { handler: setCommand },
  setnx: { handler: setnxCommand },
  setex: { handler: (c) => setexGeneric(c, 1000) },
  psetex: { handler: (c) => setexGeneric(c, 1) },
  getset: { handler: getsetCommand },
  getdel: { handler: getdelCommand },
  getex: { handler: getexCommand },
  mget: { handler: mgetCommand },
  mset: { handler: (c) => msetGeneric(c, false) },
  msetnx: { handler: (c) => msetGeneric(c, true) },
  append: { handler: appendCommand },
  strlen: { handler: strlenCommand },
  incr: { handler: (c) => incrGeneric(c, 1) },
  decr: { handler: (c) => incrGeneric(c, -1) },
  incrby: { handler: incrbyCommand },
  decrby: { handler: decrbyCommand },
  incrbyfloat: { handler: incrbyfloatCommand },
};
