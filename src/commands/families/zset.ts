/**
 * Sorted-set family (t_zset.c), the member commands: ZADD, ZINCRBY, ZSCORE, ZMSCORE, ZCARD,
 * ZREM, ZRANK/ZREVRANK (with 7.2's WITHSCORE), ZPOPMIN/ZPOPMAX, ZMPOP. ZRANDMEMBER and ZSCAN
 * live in zset-sample.ts, ranges in zset-range.ts, set algebra in zset-store.ts, argument
 * readers in zset-args.ts; the registration table at the bottom joins them.
 *
 * Parse → op (types/zset.ts, on the value in shared memory) → reply.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EL, EZ } from '../../errors.js';
import { T } from '../../sab/record.js';
import { kLongMax, longInRange, scoreArg } from './zset-args.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetSampleCommands } from './zset-sample.js';
import { zsetStoreCommands } from './zset-store.js';
import {
  kZOutAdded, kZOutNaN, kZOutNop, kZOutUpdated, kZaddGT, kZaddIncr, kZaddLT, kZaddNX, kZaddXX,
  zres, zsetAdd, zsetDel, zsetEncodingForNew, zsetLength, zsetNew, zsetPop, zsetRank,
  zsetScore, deleteZsetKey, type ZEmit,
} from '../../types/zset.js';
import { EV, Nc, notify } from '../../server/notify.js';

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
      if (added || updated) notify(c, Nc.ZSet, incr ? EV.zincr : EV.zadd, 1);
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
  if (added || updated) notify(c, Nc.ZSet, incr ? EV.zincr : EV.zadd, 1);
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
  let deleted = 0, emptied = false;
  for (let i = 2; i < c.argc; i++) {
    if (zsetDel(s, rec, c.buf, c.offs[i], c.lens[i])) deleted++;
    if (zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec)) === 0) {
      deleteZsetKey(s, c.db, rec);
      emptied = true;
      break;
    }
  }
  if (deleted !== 0) notify(c, Nc.ZSet, EV.zrem, 1);
  if (emptied) notify(c, Nc.Generic, EV.del, 1);
  c.reply.int(deleted);
}

// ------------------------------------------------------------------ pops

/** Reply shapes of the pops (Redis's genericZpopCommand emitkey / use_nested_array). */
export const enum ZPopShape {
  /** ZPOPMIN/ZPOPMAX: [m, s, m, s, ...]. */
  Flat,
  /** ZPOPMIN/ZPOPMAX with a count under RESP3: [[m, s], ...]. */
  Nested,
  /** BZPOPMIN/BZPOPMAX: [key, m, s]. */
  KeyFlat,
  /** ZMPOP/BZMPOP: [key, [[m, s], ...]]. */
  KeyNested,
}

/**
 * Pop up to `count` members (≥ 1) from the zset of key argument ki (record rec, known to be a
 * non-empty zset) and reply them in `shape`; deletes the key when it empties. For the
 * blocking pops too. Returns how many were popped.
 */
export function replyZpop(c: Ctx, ki: number, rec: number, max: boolean, count: number, shape: ZPopShape): number {
  const s = c.shard(ki);
  const len = zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  const n = count < len ? count : len;
  const nested = shape === ZPopShape.Nested || shape === ZPopShape.KeyNested;
  if (shape === ZPopShape.KeyNested) {
    c.reply.array(2);
    c.reply.bulk(c.buf, c.offs[ki], c.lens[ki]);
    c.reply.array(n);
  } else if (shape === ZPopShape.KeyFlat) {
    c.reply.array(n * 2 + 1);
    c.reply.bulk(c.buf, c.offs[ki], c.lens[ki]);
  } else c.reply.array(nested ? n : n * 2);
  // Redis sends the event between the reply's header and its members (del after them).
  notify(c, Nc.ZSet, max ? EV.zpopmax : EV.zpopmin, ki);
  const emit: ZEmit = (u8, off, l, score) => {
    if (nested) c.reply.array(2);
    c.reply.bulk(u8, off, l);
    c.reply.double(score);
  };
  const popped = zsetPop(s, c.db, rec, max, n, emit);
  if (n === len) notify(c, Nc.Generic, EV.del, ki);
  return popped;
}

/**
 * Redis's genericZpopCommand for the non-blocking pops: the first existing key among key
 * arguments first..last (WRONGTYPE stops at once), up to `count` members (-1: one, flat).
 * keyed: reply [key, [[member, score], ...]] (ZMPOP), nil when no key exists; else a flat or
 * (RESP3 with a count) nested array.
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
  let shape = ZPopShape.KeyNested;
  if (!keyed) shape = c.reply.resp === 3 && count !== -1 ? ZPopShape.Nested : ZPopShape.Flat;
  replyZpop(c, ki, rec, max, count === -1 ? 1 : count, shape);
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
  ...zsetSampleCommands,
  ...zsetRangeCommands,
  ...zsetStoreCommands,
};
