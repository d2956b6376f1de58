/**
 * Generic (keyspace) family, as Redis's db.c/expire.c/object.c: DEL, UNLINK, EXISTS, TOUCH,
 * TYPE, the EXPIRE family, TTL family, PERSIST, RENAME(NX), COPY, MOVE, SWAPDB and OBJECT.
 * The commands that walk the whole keyspace (KEYS, SCAN, RANDOMKEY) are in generic-scan.ts.
 *
 * Multi-key commands get every involved shard locked by the dispatcher; SWAPDB is registered
 * with allShards. Parse → op → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EG } from '../../errors.js';
import { Enc, T, kEncNames, kTypeNames } from '../../sab/record.js';
import { kDatabases, lruClock } from '../../shard/shard.js';
import { parseInt64 } from '../args.js';
import { expireWhenOrReply } from '../expire-time.js';
import { EV, Nc, notify } from '../../server/notify.js';

// ------------------------------------------------------------------ parse

const kNX = 1, kXX = 2, kGT = 4, kLT = 8;

function parseExpireFlagsOrReply(c: Ctx, from: number): number | null {
  let f = 0;
  for (let i = from; i < c.argc; i++) {
    if (c.is(i, 'NX')) f |= kNX;
    else if (c.is(i, 'XX')) f |= kXX;
    else if (c.is(i, 'GT')) f |= kGT;
    else if (c.is(i, 'LT')) f |= kLT;
    else {
      c.reply.error(EG.unsupportedOption(c.bin(i)));
      return null;
    }
  }
  if ((f & kNX) && (f & (kXX | kGT | kLT))) {
    c.reply.error(EG.nxAndOthers);
    return null;
  }
  if ((f & kGT) && (f & kLT)) {
    c.reply.error(EG.gtAndLt);
    return null;
  }
  return f;
}

function parseDbOrReply(c: Ctx, i: number): number | null {
  const v = c.long(i);
  if (v === null) {
    c.reply.error(E.notInteger);
    return null;
  }
  if (v < 0 || v >= kDatabases || v > 2 ** 31) {
    c.reply.error(E.dbIndexOutOfRange);
    return null;
  }
  return v;
}

// ------------------------------------------------------------------ ops

// ------------------------------------------------------------------ commands

function delCommand(c: Ctx): void {
  let n = 0;
  for (let i = 1; i < c.argc; i++) {
    const rec = c.lookupWrite(i);
    if (rec !== 0) {
      c.shard(i).deleteFound(c.db, rec);
      notify(c, Nc.Generic, EV.del, i);
      n++;
    }
  }
  c.reply.int(n);
}

/** EXISTS counts without touching (Redis looks up with LOOKUP_NOTOUCH); TOUCH touches. */
function existsGeneric(c: Ctx, touch: boolean): void {
  let n = 0;
  for (let i = 1; i < c.argc; i++) {
    const rec = touch ? c.lookupRead(i) : c.shard(i).lookupRead(c.db, c.buf, c.offs[i], c.lens[i], c.now, false);
    if (rec !== 0) n++;
  }
  c.reply.int(n);
}

function typeCommand(c: Ctx): void {
  const rec = c.shard(1).lookup(c.db, c.buf, c.offs[1], c.lens[1], c.now);
  if (rec === 0) notify(c, Nc.KeyMiss, EV.keymiss, 1); // Redis looks TYPE's key up as a read
  c.reply.simple(rec === 0 ? 'none' : kTypeNames[c.shard(1).type(rec)]);
}

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (Redis's expireGenericCommand): options first, then the time. */
function expireGeneric(c: Ctx, relative: boolean, unitMs: 1 | 1000): void {
  const flags = parseExpireFlagsOrReply(c, 3);
  if (flags === null) return;
  const when = expireWhenOrReply(c, 2, unitMs, relative);
  if (when === null) return;
  const s = c.shard(1);
  const rec = c.lookupWrite(1);
  if (rec === 0) return c.reply.int(0);
  const cur = s.expireAt(rec);
  if (flags & (kNX | kXX | kGT | kLT)) {
    if ((flags & kNX) && cur !== 0) return c.reply.int(0);
    if ((flags & kXX) && cur === 0) return c.reply.int(0);
    if ((flags & kGT) && (cur === 0 || when <= cur)) return c.reply.int(0);
    if ((flags & kLT) && cur !== 0 && when >= cur) return c.reply.int(0);
  }
  if (when <= c.now) {
    s.deleteFound(c.db, rec);
    notify(c, Nc.Generic, EV.del, 1);
    return c.reply.int(1);
  }
  s.setExpire(c.db, rec, when);
  c.reply.int(1);
  notify(c, Nc.Generic, EV.expire, 1); // after the reply, as Redis
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME. */
function ttlGeneric(c: Ctx, ms: boolean, absolute: boolean): void {
  const s = c.shard(1);
  const rec = s.lookupRead(c.db, c.buf, c.offs[1], c.lens[1], c.now, false);
  if (rec === 0) return c.reply.int(-2);
  const at = s.expireAt(rec);
  if (at === 0) return c.reply.int(-1);
  const ttl = absolute ? at : Math.max(0, at - c.now);
  c.reply.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persistCommand(c: Ctx): void {
  const s = c.shard(1);
  const rec = c.lookupWrite(1);
  if (rec === 0 || s.expireAt(rec) === 0) return c.reply.int(0);
  s.setExpire(c.db, rec, 0);
  notify(c, Nc.Generic, EV.persist, 1);
  c.reply.int(1);
}

function renameGeneric(c: Ctx, nx: boolean): void {
  const src = c.shard(1), dst = c.shard(2);
  const rec = c.lookupWrite(1);
  if (rec === 0) return c.reply.error(E.noSuchKey);
  if (c.lens[1] === c.lens[2] && Buffer.compare(c.arg(1), c.arg(2)) === 0) {
    return nx ? c.reply.int(0) : c.reply.ok();
  }
  const drec = c.lookupWrite(2);
  if (drec !== 0) {
    if (nx) return c.reply.int(0);
    dst.deleteFound(c.db, drec);
  }
  dst.insertCopy(c.db, src, rec, c.buf, c.offs[2], c.lens[2], true, c.now);
  const again = c.lookupWrite(1);
  src.deleteFound(c.db, again);
  notify(c, Nc.Generic, EV.renameFrom, 1);
  notify(c, Nc.Generic, EV.renameTo, 2);
  c.signalReady(2); // a list or sorted set now under the new name may serve blocked clients
  if (nx) c.reply.int(1);
  else c.reply.ok();
}

function copyCommand(c: Ctx): void {
  let db = c.db, replace = false;
  for (let i = 3; i < c.argc; i++) {
    if (c.is(i, 'REPLACE')) replace = true;
    else if (c.is(i, 'DB') && i + 1 < c.argc) {
      const v = parseDbOrReply(c, ++i);
      if (v === null) return;
      db = v;
    } else return c.reply.error(E.syntax);
  }
  if (db === c.db && c.lens[1] === c.lens[2] && Buffer.compare(c.arg(1), c.arg(2)) === 0) {
    return c.reply.error(E.sameObject);
  }
  const src = c.shard(1), dst = c.shard(2);
  const rec = c.lookupWrite(1);
  if (rec === 0) {
    notify(c, Nc.KeyMiss, EV.keymiss, 1); // Redis looks COPY's source up as a read
    return c.reply.int(0);
  }
  const drec = dst.lookup(db, c.buf, c.offs[2], c.lens[2], c.now);
  if (drec !== 0) {
    if (!replace) return c.reply.int(0);
    dst.deleteFound(db, drec);
  }
  dst.insertCopy(db, src, rec, c.buf, c.offs[2], c.lens[2], true, c.now);
  notify(c, Nc.Generic, EV.copyTo, 2, db);
  c.signalReady(2, db);
  c.reply.int(1);
}

function moveCommand(c: Ctx): void {
  const db = c.long(2);
  if (db === null) return c.reply.error(E.notInteger);
  if (db < 0 || db >= kDatabases) return c.reply.error(E.dbIndexOutOfRange);
  if (db === c.db) return c.reply.error(E.sameObject);
  const s = c.shard(1);
  const rec = c.lookupWrite(1);
  if (rec === 0) return c.reply.int(0);
  if (s.lookup(db, c.buf, c.offs[1], c.lens[1], c.now) !== 0) return c.reply.int(0);
  s.insertCopy(db, s, rec, c.buf, c.offs[1], c.lens[1], true, c.now);
  s.deleteFound(c.db, c.lookupWrite(1));
  notify(c, Nc.Generic, EV.moveFrom, 1);
  notify(c, Nc.Generic, EV.moveTo, 1, db);
  c.signalReady(1, db);
  c.reply.int(1);
}

function swapdbCommand(c: Ctx): void {
  const a = c.long(1);
  if (a === null) return c.reply.error(EG.invalidFirstDb);
  const b = c.long(2);
  if (b === null) return c.reply.error(EG.invalidSecondDb);
  if (a < 0 || a >= kDatabases || b < 0 || b >= kDatabases) return c.reply.error(E.dbIndexOutOfRange);
  if (a !== b) {
    for (const s of c.engine.shards) s.swapDb(a, b);
    c.engine.blocking.dbsReady([a, b]); // Redis's scanDatabaseForReadyKeys on both dbs
  }
  c.reply.ok();
}

function objectLookup(c: Ctx): number {
  return c.shard(2).lookup(c.db, c.buf, c.offs[2], c.lens[2], c.now);
}

function objectEncodingCommand(c: Ctx): void {
  const rec = objectLookup(c);
  if (rec === 0) return c.reply.nullBulk();
  c.reply.bulkString(kEncNames[c.shard(2).encoding(rec)]);
}

function objectRefcountCommand(c: Ctx): void {
  const s = c.shard(2);
  const rec = objectLookup(c);
  if (rec === 0) return c.reply.nullBulk();
  // Redis shares the integers 0..9999 as one object with refcount INT_MAX.
  if (s.type(rec) === T.String && s.encoding(rec) === Enc.Int) {
    const v = parseInt64(s.heap.u8, s.valOffset(rec), s.valLen(rec));
    if (typeof v === 'number' && v >= 0 && v < 10000) return c.reply.int(2147483647);
  }
  c.reply.int(1);
}

function objectIdletimeCommand(c: Ctx): void {
  const s = c.shard(2);
  const rec = objectLookup(c);
  if (rec === 0) return c.reply.nullBulk();
  const now = lruClock(c.now), then = s.lru(rec);
  const idle = now >= then ? now - then : 0xffffff - then + now;
  c.reply.int(idle);
}

function objectFreqCommand(c: Ctx): void {
  const rec = objectLookup(c);
  if (rec === 0) return c.reply.nullBulk();
  c.reply.error(EG.lfuNotSelected);
}

function objectHelpCommand(c: Ctx): void {
  const lines = [
    'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'ENCODING <key>',
    '    Return the kind of internal representation used in order to store the value',
    '    associated with a <key>.',
    'FREQ <key>',
    '    Return the access frequency index of the <key>. The returned integer is',
    '    proportional to the logarithm of the recent access frequency of the key.',
    'IDLETIME <key>',
    '    Return the idle time of the <key>, that is the approximated number of',
    '    seconds elapsed since the last access to the key.',
    'REFCOUNT <key>',
    '    Return the number of references of the value associated with the specified',
    '    <key>.',
    'HELP',
    '    Prints this help.',
  ];
  c.replyLines(lines);
}

// ------------------------------------------------------------------ registration

export const genericCommands: FamilyTable = {
  del: { handler: delCommand },
  unlink: { handler: delCommand },
  exists: { handler: (c) => existsGeneric(c, false) },
  touch: { handler: (c) => existsGeneric(c, true) },
  type: { handler: typeCommand },
  expire: { handler: (c) => expireGeneric(c, true, 1000) },
  pexpire: { handler: (c) => expireGeneric(c, true, 1) },
  expireat: { handler: (c) => expireGeneric(c, false, 1000) },
  pexpireat: { handler: (c) => expireGeneric(c, false, 1) },
  ttl: { handler: (c) => ttlGeneric(c, false, false) },
  pttl: { handler: (c) => ttlGeneric(c, true, false) },
  expiretime: { handler: (c) => ttlGeneric(c, false, true) },
  pexpiretime: { handler: (c) => ttlGeneric(c, true, true) },
  persist: { handler: persistCommand },
  rename: { handler: (c) => renameGeneric(c, false) },
  renamenx: { handler: (c) => renameGeneric(c, true) },
  copy: { handler: copyCommand },
  move: { handler: moveCommand },
  swapdb: { handler: swapdbCommand, allShards: true },
  object: {
    subcommands: {
      encoding: { handler: objectEncodingCommand },
      refcount: { handler: objectRefcountCommand },
      idletime: { handler: objectIdletimeCommand },
      freq: { handler: objectFreqCommand },
      help: { handler: objectHelpCommand },
    },
  },
};
