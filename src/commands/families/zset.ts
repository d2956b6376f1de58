/**
 * Sorted-set family (t_zset.c), the member commands: ZADD, ZINCRBY, ZSCORE, ZMSCORE, ZCARD,
 * ZREM, ZRANK/ZREVRANK (with 7.2's WITHSCORE), ZPOPMIN/ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN.
 * Ranges live in zset-range.ts, set algebra in zset-store.ts, argument readers in
 * zset-args.ts; the registration table at the bottom joins all three.
 *
 * Parse → op (types/zset.ts, on the value in shared memory) → reply.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EH, EL, EZ } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { globMatch } from '../../server/glob.js';
import { formatDouble } from '../../protocol/reply.js';
import { parseScanCursor } from './generic-scan.js';
import { kLongMax, longInRange, scoreArg } from './zset-args.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetStoreCommands } from './zset-store.js';
import {
  ZIter, kZOutAdded, kZOutNaN, kZOutNop, kZOutUpdated, kZaddGT, kZaddIncr, kZaddLT, kZaddNX, kZaddXX,
  zres, zsetAdd, zsetDel, zsetEncodingForNew, zsetLength, zsetNew, zsetPop, zsetRandom, zsetRank,
  zsetScore, deleteZsetKey, type ZEmit,
} from '../../types/zset.js';
import { Skiplist } from '../../sab/skiplist.js';

// ------------------------------------------------------------------ ZADD / ZINCRBY

const scoreBuf: number[] = [];

/** ZADD and ZINCRBY (Redis's zaddGenericCommand). */
function zaddGeneric(c: Ctx, flags: number): void {
  let i = 2, ch = false;
  for (; i < c.argc; i++) {
    if (c.is(i, 'NX')) flags |= kZaddNX;
    else if (c.is(i, 'XX')) flags |= kZaddXX;
    else if (c.is(i, 'CH')) ch = true;
    else if (c.is(i, 'INCR')) flags |= kZaddIncr;
    else if (c.is(i, 'GT')) flags |= kZaddGT;
    else if (c.is(i, 'LT')) flags |= kZaddLT;
    else break;
  }
  const first = i;
  const pairs = c.argc - first;
  if (pairs === 0 || pairs % 2 !== 0) return c.reply.error(E.syntax);
  const nx = (flags & kZaddNX) !== 0, gt = (flags & kZaddGT) !== 0, lt = (flags & kZaddLT) !== 0;
  const incr = (flags & kZaddIncr) !== 0;
  if (nx && (flags & kZaddXX)) return c.reply.error(E.nxAndXx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return c.reply.error(E.gtLtNx);
  if (incr && pairs > 2) return c.reply.error(EZ.incrSinglePair);
  const n = pairs / 2;
  scoreBuf.length = n;
  for (let k = 0; k < n; k++) {
    const v = scoreArg(c, first + 2 * k);
    if (v === null) return c.reply.error(E.notFloat);
    scoreBuf[k] = v;
  }
  let rec = c.lookupTypeOrReply(1, T.ZSet, true);
  if (rec < 0) return;
  const s = c.shard(1), lim = c.engine.config.limits;
  let added = 0, updated = 0, processed = 0, score = 0;
  if (rec === 0) {
    if (flags & kZaddXX) return zaddReply(c, incr, ch, 0, 0, 0, 0);
    const enc = zsetEncodingForNew(c.lens[first + 1], lim.zsetMaxListpackEntries, lim.zsetMaxListpackValue);
    rec = s.insertValue(c.db, c.buf, c.offs[1], c.lens[1], T.ZSet, enc, zsetNew(s.heap, enc, n), c.now);
  }
  for (let k = 0; k < n; k++) {
    const mi = first + 2 * k + 1;
    const out = zsetAdd(s, rec, scoreBuf[k], c.buf, c.offs[mi], c.lens[mi], flags,
      lim.zsetMaxListpackEntries, lim.zsetMaxListpackValue);
    if (out & kZOutNaN) {
      c.reply.error(EZ.nanScore);
      if (added) c.signalReady(1);
      return;
    }
    if (out & kZOutAdded) added++;
    if (out & kZOutUpdated) updated++;
    if (!(out & kZOutNop)) {
      processed++;
      score = zres.score;
    }
  }
  zaddReply(c, incr, ch, added, updated, processed, score);
  if (added) c.signalReady(1);
}

function zaddReply(c: Ctx, incr: boolean, ch: boolean, added: number, updated: number, processed: number, score: number): void {
  if (incr) {
    if (processed) c.reply.double(score);
    else c.reply.nullBulk();
  } else c.reply.int(ch ? added + updated : added);
}

// ------------------------------------------------------------------ single-key reads

/** Record of key argument i as a zset for reading: 0 absent, -1 after a WRONGTYPE reply. */
function readZset(c: Ctx, i: number): number {
  return c.lookupTypeOrReply(i, T.ZSet, false);
}

function zscoreCommand(c: Ctx): void {
  const rec = readZset(c, 1);
  if (rec < 0) return;
  if (rec === 0) return c.reply.nullBulk();
  const s = c.shard(1);
  const v = zsetScore(s.heap, s.valuePtr(rec), s.encoding(rec), c.buf, c.offs[2], c.lens[2]);
  if (Number.isNaN(v)) c.reply.nullBulk();
  else c.reply.double(v);
}

function zmscoreCommand(c: Ctx): void {
  const rec = readZset(c, 1);
  if (rec < 0) return;
  const s = c.shard(1);
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) {
    const v = rec === 0 ? NaN : zsetScore(s.heap, s.valuePtr(rec), s.encoding(rec), c.buf, c.offs[i], c.lens[i]);
    if (Number.isNaN(v)) c.reply.nullBulk();
    else c.reply.double(v);
  }
}

function zcardCommand(c: Ctx): void {
  const rec = readZset(c, 1);
  if (rec < 0) return;
  const s = c.shard(1);
  c.reply.int(rec === 0 ? 0 : zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec)));
}

/** ZRANK / ZREVRANK key member [WITHSCORE] (Redis 7.2). */
function zrankGeneric(c: Ctx, reverse: boolean): void {
  if (c.argc > 4) return c.reply.error(E.wrongArity(c.client.lastCommand));
  let withScore = false;
  if (c.argc === 4) {
    if (!c.is(3, 'WITHSCORE')) return c.reply.error(E.syntax);
    withScore = true;
  }
  const rec = readZset(c, 1);
  if (rec < 0) return;
  const nil = () => (withScore ? c.reply.nullArray() : c.reply.nullBulk());
  if (rec === 0) return nil();
  const s = c.shard(1);
  const r = zsetRank(s.heap, s.valuePtr(rec), s.encoding(rec), c.buf, c.offs[2], c.lens[2], reverse);
  if (r < 0) return nil();
  if (withScore) c.reply.array(2);
  c.reply.int(r);
  if (withScore) c.reply.double(zres.score);
}

// ------------------------------------------------------------------ ZREM

function zremCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.ZSet, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1);
  let deleted = 0;
  for (let i = 2; i < c.argc; i++) {
    if (zsetDel(s, rec, c.buf, c.offs[i], c.lens[i])) deleted++;
    if (zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec)) === 0) {
      deleteZsetKey(s, c.db, rec);
      break;
    }
  }
  c.reply.int(deleted);
}

// ------------------------------------------------------------------ pops

/**
 * Redis's genericZpopCommand for the non-blocking pops: the first existing key among key
 * arguments first..last (WRONGTYPE stops at once), up to `count` members (-1: one, flat).
 * keyed: reply [key, [[member, score], ...]] (ZMPOP); else a flat or (RESP3 with a count)
 * nested array.
 */
function zpopGeneric(c: Ctx, first: number, last: number, max: boolean, count: number, keyed: boolean): void {
  let rec = 0, ki = -1;
  for (let i = first; i <= last; i++) {
    rec = c.lookupTypeOrReply(i, T.ZSet, true);
    if (rec < 0) return;
    if (rec !== 0) {
      ki = i;
      break;
    }
  }
  if (rec === 0) return keyed ? c.reply.nullArray() : c.reply.array(0);
  if (count === 0) return c.reply.array(0);
  const nested = keyed || (c.reply.resp === 3 && count !== -1);
  if (count === -1) count = 1;
  const s = c.shard(ki);
  const len = zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  const n = count < len ? count : len;
  if (keyed) {
    c.reply.array(2);
    c.reply.bulk(c.buf, c.offs[ki], c.lens[ki]);
    c.reply.array(n);
  } else c.reply.array(nested ? n : n * 2);
  const emit: ZEmit = (u8, off, l, score) => {
    if (nested) c.reply.array(2);
    c.reply.bulk(u8, off, l);
    c.reply.double(score);
  };
  zsetPop(s, c.db, rec, max, n, emit);
}

function zpopMinMax(c: Ctx, max: boolean): void {
  if (c.argc > 3) return c.reply.error(E.syntax);
  let count = -1;
  if (c.argc === 3) {
    const v = longInRange(c, 2, 0, kLongMax);
    if (v === null) return c.reply.error(EL.mustBePositive);
    count = v;
  }
  zpopGeneric(c, 1, 1, max, count, false);
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]. */
function zmpopCommand(c: Ctx): void {
  const numkeys = longInRange(c, 1, 1, kLongMax);
  if (numkeys === null) return c.reply.error(EL.numkeysPositive);
  const whereIdx = 1 + numkeys + 1;
  if (whereIdx >= c.argc) return c.reply.error(E.syntax);
  let max: boolean;
  if (c.is(whereIdx, 'MIN')) max = false;
  else if (c.is(whereIdx, 'MAX')) max = true;
  else return c.reply.error(E.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < c.argc; j++) {
    if (count === -1 && c.is(j, 'COUNT') && j + 1 < c.argc) {
      const v = longInRange(c, ++j, 1, kLongMax);
      if (v === null) return c.reply.error(EL.countPositive);
      count = v;
    } else return c.reply.error(E.syntax);
  }
  zpopGeneric(c, 2, 1 + numkeys, max, count === -1 ? 1 : count, true);
}

// ------------------------------------------------------------------ ZRANDMEMBER

const kHalfLongMax = 4611686018427387903;

function zrandmemberCommand(c: Ctx): void {
  if (c.argc >= 3) {
    const l = c.int64(2);
    if (l === null) return c.reply.error(E.notInteger);
    if (typeof l === 'bigint' && l < -(2n ** 63n - 1n)) return c.reply.error(EH.rangeLong('-9223372036854775807', '9223372036854775807'));
    if (c.argc > 4 || (c.argc === 4 && !c.is(3, 'WITHSCORES'))) return c.reply.error(E.syntax);
    const withScores = c.argc === 4;
    const n = Number(l);
    if (withScores && (n < -kHalfLongMax || n > kHalfLongMax)) return c.reply.error(EH.valueOutOfRange);
    return zrandmemberWithCount(c, n, withScores);
  }
  const rec = readZset(c, 1);
  if (rec < 0) return;
  if (rec === 0) return c.reply.nullBulk();
  const s = c.shard(1);
  zsetRandom(s.heap, s.valuePtr(rec), s.encoding(rec), (u8, off, len) => c.reply.bulk(u8, off, len));
}

function zrandmemberWithCount(c: Ctx, l: number, withScores: boolean): void {
  const rec = readZset(c, 1);
  if (rec < 0) return;
  if (rec === 0) return c.reply.array(0);
  const s = c.shard(1), heap = s.heap, vp = s.valuePtr(rec), enc = s.encoding(rec);
  const size = zsetLength(heap, vp, enc);
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return c.reply.array(0);
  const pairs = withScores && c.reply.resp === 3;
  const emit: ZEmit = (u8, off, len, score) => {
    if (pairs) c.reply.array(2);
    c.reply.bulk(u8, off, len);
    if (withScores) c.reply.double(score);
  };
  const header = (n: number) => c.reply.array(withScores && c.reply.resp === 2 ? n * 2 : n);
  // CASE 1: repetitions allowed (or a single member): independent random picks.
  if (!uniq || count === 1) {
    header(count);
    for (let k = 0; k < count; k++) zsetRandom(heap, vp, enc, emit);
    return;
  }
  // CASE 2: everything, from the highest score down (Redis walks its iterator backwards).
  if (count >= size) {
    header(size);
    const it = new ZIter(heap, vp, enc);
    for (let ok = it.last(); ok; ok = it.prev()) it.emit(emit);
    return;
  }
  header(count);
  const it = new ZIter(heap, vp, enc);
  if (count * 3 > size || enc === Enc.Listpack) {
    // CASE 3 (and small listpacks): a random subset of the ranks, in a random order.
    const ranks = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = t;
    }
    for (let i = 0; i < count; i++) {
      it.rank(ranks[i]);
      it.emit(emit);
    }
    return;
  }
  // CASE 4: a big zset: random picks until `count` distinct members.
  const sl = new Skiplist(heap).at(vp);
  const seen = new Set<number>();
  while (seen.size < count) {
    const node = sl.dict.random();
    if (seen.has(node)) continue;
    seen.add(node);
    emit(heap.u8, sl.memberOff(node), sl.memberLen(node), sl.score(node));
  }
}

// ------------------------------------------------------------------ ZSCAN

function zscanCommand(c: Ctx): void {
  const cursor = parseScanCursor(c.bin(2));
  if (cursor === null) return c.reply.error(E.invalidCursor);
  const rec = readZset(c, 1);
  if (rec < 0) return;
  if (rec === 0) {
    c.reply.array(2);
    c.reply.bulkString('0');
    return c.reply.array(0);
  }
  let count = 10, pattern: string | null = null;
  for (let i = 3; i < c.argc; i++) {
    const more = i + 1 < c.argc;
    if (c.is(i, 'COUNT') && more) {
      const v = c.long(++i);
      if (v === null) return c.reply.error(E.notInteger);
      if (v < 1) return c.reply.error(E.syntax);
      count = v;
    } else if (c.is(i, 'MATCH') && more) {
      pattern = c.bin(++i);
      if (pattern === '*') pattern = null;
    } else return c.reply.error(E.syntax);
  }
  const s = c.shard(1), heap = s.heap, vp = s.valuePtr(rec);
  // Snapshot of [member offset, length, score] triples (read-only: the value does not change).
  const found: number[] = [];
  let next = 0;
  if (s.encoding(rec) === Enc.Listpack) {
    // A listpack zset is small: all of it in one reply, cursor 0 (as Redis does).
    const it = new ZIter(heap, vp, Enc.Listpack);
    for (let ok = it.first(); ok; ok = it.next()) found.push(it.off(), it.len(), it.score());
  } else {
    const sl = new Skiplist(heap).at(vp);
    const emit = (n: number) => { found.push(sl.memberOff(n), sl.memberLen(n), sl.score(n)); };
    let v = Number(cursor & 0xffffffffn);
    let budget = count * 10;
    do {
      v = sl.dict.scan(v, emit);
    } while (v !== 0 && budget-- > 0 && found.length / 3 < count);
    next = v;
  }
  const u8 = heap.u8;
  let n = found.length / 3;
  if (pattern !== null) {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const o = found[i * 3], l = found[i * 3 + 1];
      if (!globMatch(pattern, Buffer.from(u8.buffer, u8.byteOffset + o, l).toString('latin1'), false)) continue;
      found[k * 3] = o;
      found[k * 3 + 1] = l;
      found[k * 3 + 2] = found[i * 3 + 2];
      k++;
    }
    n = k;
  }
  c.reply.array(2);
  c.reply.bulkString(String(next));
  c.reply.array(n * 2);
  for (let i = 0; i < n; i++) {
    c.reply.bulk(u8, found[i * 3], found[i * 3 + 1]);
    // Redis's d2string: "%.17g", inf/-inf; a bulk string under RESP3 too.
    c.reply.bulkString(formatDouble(found[i * 3 + 2]));
  }
}

// ------------------------------------------------------------------ registration

export const zsetCommands: FamilyTable = {
  zadd: { handler: (c) => zaddGeneric(c, 0) },
  zincrby: { handler: (c) => zaddGeneric(c, kZaddIncr) },
  zscore: { handler: zscoreCommand },
  zmscore: { handler: zmscoreCommand },
  zcard: { handler: zcardCommand },
  zrank: { handler: (c) => zrankGeneric(c, false) },
  zrevrank: { handler: (c) => zrankGeneric(c, true) },
  zrem: { handler: zremCommand },
  zpopmin: { handler: (c) => zpopMinMax(c, false) },
  zpopmax: { handler: (c) => zpopMinMax(c, true) },
  zmpop: { handler: zmpopCommand },
  zrandmember: { handler: zrandmemberCommand },
  zscan: { handler: zscanCommand },
  ...zsetRangeCommands,
  ...zsetStoreCommands,
};
