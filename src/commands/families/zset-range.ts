/**
 * Sorted-set family, the range commands (t_zset.c): ZRANGE (BYSCORE/BYLEX/REV/LIMIT/
 * WITHSCORES), ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX, ZCOUNT,
 * ZLEXCOUNT, ZREMRANGEBYRANK/SCORE/LEX. Registered through zset.ts.
 *
 * A client reply needs its length first: range walks run twice (count, then emit) instead of
 * buffering members. ZRANGESTORE gathers the members into a ZBuilder and stores them.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EZ } from '../../errors.js';
import { T } from '../../sab/record.js';
import type { LexRange, ScoreRange } from '../../sab/skiplist.js';
import { lexRangeArgs, scoreRangeArgs } from './zset-args.js';
import {
  ZBuilder, ZIter, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax, zsetCount, zsetLength, zsetLexCount,
  zsetRemRangeByLex, zsetRemRangeByRank, zsetRemRangeByScore, deleteZsetKey, type ZEmit,
} from '../../types/zset.js';
import { EV, Nc, notify, overwriting } from '../../server/notify.js';

const kAuto = 0, kRank = 1, kScore = 2, kLex = 3;

// ------------------------------------------------------------------ storing results

/**
 * Store a computed zset at key argument di, replacing whatever is there (and its TTL), or
 * delete the key when the result is empty; replies the result size (Redis's setKey/dbDelete
 * path of the *STORE commands), then sends the keyspace event `event` (or del).
 */
export function storeZsetResult(c: Ctx, di: number, b: ZBuilder, event: Uint8Array): void {
  const s = c.shard(di);
  if (b.length === 0) {
    const old = c.lookupWrite(di);
    if (old !== 0) s.deleteFound(c.db, old);
    c.reply.int(0);
    if (old !== 0) notify(c, Nc.Generic, EV.del, di);
    return;
  }
  const lim = c.engine.config.limits;
  const [vp, enc] = b.build(s.heap, lim.zsetMaxListpackEntries, lim.zsetMaxListpackValue);
  const old = c.lookupWrite(di); // after building: the table slot and hash are this key's
  if (old !== 0) {
    s.deleteFound(c.db, old);
    overwriting(s); // Redis overwrites the key in place: no "new" event
  }
  s.insertValue(c.db, c.buf, c.offs[di], c.lens[di], T.ZSet, enc, vp, c.now);
  c.reply.int(b.length);
  notify(c, Nc.ZSet, event, di);
  c.signalReady(di);
}

// ------------------------------------------------------------------ range walks

/**
 * Walk a score range from its low end (high end when reverse), skipping `offset` members and
 * taking at most `limit` (negative: no limit). emit is null for a counting pass. Returns the
 * number of members taken. (A negative offset skips everything, as Redis's loop does.)
 */
function walkScore(it: ZIter, r: ScoreRange, offset: number, limit: number, reverse: boolean, emit: ZEmit | null): number {
  if (offset < 0 || (offset > 0 && offset >= zsetLength(it.heap, it.vp, it.enc))) return 0;
  let ok = it.inScore(r, reverse);
  while (ok && offset-- > 0) ok = it.step(reverse);
  let n = 0;
  while (ok && limit-- !== 0) {
    const sc = it.score();
    if (reverse ? !scoreGteMin(sc, r) : !scoreLteMax(sc, r)) break;
    if (emit !== null) it.emit(emit);
    n++;
    ok = it.step(reverse);
  }
  return n;
}

function walkLex(it: ZIter, r: LexRange, offset: number, limit: number, reverse: boolean, emit: ZEmit | null): number {
  if (offset < 0) return 0;
  let ok = it.inLex(r, reverse);
  while (ok && offset-- > 0) ok = it.step(reverse);
  let n = 0;
  while (ok && limit-- !== 0) {
    const u8 = it.heap.u8, o = it.off(), l = it.len();
    if (reverse ? !lexGteMin(u8, o, l, r) : !lexLteMax(u8, o, l, r)) break;
    if (emit !== null) it.emit(emit);
    n++;
    ok = it.step(reverse);
  }
  return n;
}

/** Clamp [start, end] ranks to a value of length len: [start, end] or null if empty. */
function clampRanks(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

// ------------------------------------------------------------------ ZRANGE and friends

/**
 * ZRANGE, ZRANGESTORE and the older Z[REV]RANGE[BYSCORE|BYLEX] (Redis's zrangeGenericCommand).
 * src is the source key's argument index; store is the destination's index or -1.
 */
function zrangeGeneric(c: Ctx, src: number, store: number, rangeType: number, reverseIn: boolean | null): void {
  let minIdx = src + 1, maxIdx = src + 2;
  let withScores = false, offset = 0, limit = -1;
  let reverse = reverseIn;
  for (let j = src + 3; j < c.argc; j++) {
    const left = c.argc - j - 1;
    if (store < 0 && c.is(j, 'WITHSCORES')) withScores = true;
    else if (c.is(j, 'LIMIT') && left >= 2) {
      const o = c.long(j + 1), l = c.long(j + 2);
      if (o === null || l === null) return c.reply.error(E.notInteger);
      offset = o;
      limit = l;
      j += 2;
    } else if (reverseIn === null && reverse === null && c.is(j, 'REV')) reverse = true;
    else if (rangeType === kAuto && c.is(j, 'BYLEX')) rangeType = kLex;
    else if (rangeType === kAuto && c.is(j, 'BYSCORE')) rangeType = kScore;
    else return c.reply.error(E.syntax);
  }
  const rev = reverse === true;
  if (rangeType === kAuto) rangeType = kRank;
  if (limit !== -1 && rangeType === kRank) return c.reply.error(EZ.limitNeedsByscore);
  if (withScores && rangeType === kLex) return c.reply.error(EZ.withscoresBylex);
  if (rev && rangeType !== kRank) {
    const t = minIdx;
    minIdx = maxIdx;
    maxIdx = t;
  }
  let start = 0, end = 0;
  let sr: ScoreRange | null = null, lr: LexRange | null = null;
  if (rangeType === kRank) {
    const a = c.long(minIdx), b = c.long(maxIdx);
    if (a === null || b === null) return c.reply.error(E.notInteger);
    start = a;
    end = b;
  } else if (rangeType === kScore) {
    sr = scoreRangeArgs(c, minIdx, maxIdx);
    if (sr === null) return c.reply.error(EZ.minMaxNotFloat);
  } else {
    lr = lexRangeArgs(c, minIdx, maxIdx);
    if (lr === null) return c.reply.error(EZ.minMaxNotLex);
  }
  const rec = c.lookupTypeOrReply(src, T.ZSet, false);
  if (rec < 0) return;
  const lim = c.engine.config.limits;
  const builder = store >= 0 ? new ZBuilder({ maxEntries: lim.zsetMaxListpackEntries, maxValue: lim.zsetMaxListpackValue }) : null;
  if (rec === 0) {
    if (builder !== null) return storeZsetResult(c, store, builder, EV.zrangestore);
    return c.reply.array(0);
  }
  const s = c.shard(src), heap = s.heap, vp = s.valuePtr(rec), enc = s.encoding(rec);
  const it = new ZIter(heap, vp, enc);
  const scores = withScores || builder !== null;
  const pairs = withScores && c.reply.resp === 3;
  const emit: ZEmit = builder !== null
    ? (u8, off, len, score) => builder.add(u8, off, len, score)
    : (u8, off, len, score) => {
      if (pairs) c.reply.array(2);
      c.reply.bulk(u8, off, len);
      if (scores) c.reply.double(score);
    };
  let n: number;
  if (rangeType === kRank) {
    const span = clampRanks(start, end, zsetLength(heap, vp, enc));
    n = span === null ? 0 : span[1] - span[0] + 1;
    if (builder === null) c.reply.array(withScores && c.reply.resp === 2 ? n * 2 : n);
    else if (n > lim.zsetMaxListpackEntries) builder.startAsSkiplist();
    if (span !== null) {
      let ok = it.rank(rev ? zsetLength(heap, vp, enc) - 1 - span[0] : span[0]);
      for (let k = 0; k < n && ok; k++) {
        it.emit(emit);
        ok = it.step(rev);
      }
    }
  } else {
    const walk = (e: ZEmit | null) => (sr !== null ? walkScore(it, sr, offset, limit, rev, e) : walkLex(it, lr!, offset, limit, rev, e));
    if (builder === null) {
      n = walk(null);
      c.reply.array(withScores && c.reply.resp === 2 ? n * 2 : n);
    }
    walk(emit);
  }
  if (builder !== null) storeZsetResult(c, store, builder, EV.zrangestore);
}

// ------------------------------------------------------------------ counts

function zcountCommand(c: Ctx): void {
  const r = scoreRangeArgs(c, 2, 3);
  if (r === null) return c.reply.error(EZ.minMaxNotFloat);
  const rec = c.lookupTypeOrReply(1, T.ZSet, false);
  if (rec < 0) return;
  const s = c.shard(1);
  c.reply.int(rec === 0 ? 0 : zsetCount(s.heap, s.valuePtr(rec), s.encoding(rec), r));
}

function zlexcountCommand(c: Ctx): void {
  const r = lexRangeArgs(c, 2, 3);
  if (r === null) return c.reply.error(EZ.minMaxNotLex);
  const rec = c.lookupTypeOrReply(1, T.ZSet, false);
  if (rec < 0) return;
  const s = c.shard(1);
  c.reply.int(rec === 0 ? 0 : zsetLexCount(s.heap, s.valuePtr(rec), s.encoding(rec), r));
}

// ------------------------------------------------------------------ ZREMRANGEBY*

function zremrangeGeneric(c: Ctx, rangeType: number): void {
  let start = 0, end = 0;
  let sr: ScoreRange | null = null, lr: LexRange | null = null;
  if (rangeType === kRank) {
    const a = c.long(2), b = c.long(3);
    if (a === null || b === null) return c.reply.error(E.notInteger);
    start = a;
    end = b;
  } else if (rangeType === kScore) {
    sr = scoreRangeArgs(c, 2, 3);
    if (sr === null) return c.reply.error(EZ.minMaxNotFloat);
  } else {
    lr = lexRangeArgs(c, 2, 3);
    if (lr === null) return c.reply.error(EZ.minMaxNotLex);
  }
  const rec = c.lookupTypeOrReply(1, T.ZSet, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1);
  let deleted: number;
  if (rangeType === kRank) {
    const span = clampRanks(start, end, zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec)));
    if (span === null) return c.reply.int(0);
    deleted = zsetRemRangeByRank(s, rec, span[0], span[1]);
  } else if (sr !== null) deleted = zsetRemRangeByScore(s, rec, sr);
  else deleted = zsetRemRangeByLex(s, rec, lr!);
  const emptied = zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec)) === 0;
  if (emptied) deleteZsetKey(s, c.db, rec);
  if (deleted !== 0) {
    notify(c, Nc.ZSet, rangeType === kRank ? EV.zremrangebyrank : rangeType === kScore ? EV.zremrangebyscore : EV.zremrangebylex, 1);
    if (emptied) notify(c, Nc.Generic, EV.del, 1);
  }
  c.reply.int(deleted);
}

// ------------------------------------------------------------------ registration

export const zsetRangeCommands: FamilyTable = {
  zrange: { handler: (c) => zrangeGeneric(c, 1, -1, kAuto, null) },
  zrangestore: { handler: (c) => zrangeGeneric(c, 2, 1, kAuto, null) },
  zrevrange: { handler: (c) => zrangeGeneric(c, 1, -1, kRank, true) },
  zrangebyscore: { handler: (c) => zrangeGeneric(c, 1, -1, kScore, false) },
  zrevrangebyscore: { handler: (c) => zrangeGeneric(c, 1, -1, kScore, true) },
  zrangebylex: { handler: (c) => zrangeGeneric(c, 1, -1, kLex, false) },
  zrevrangebylex: { handler: (c) => zrangeGeneric(c, 1, -1, kLex, true) },
  zcount: { handler: zcountCommand },
  zlexcount: { handler: zlexcountCommand },
  zremrangebyrank: { handler: (c) => zremrangeGeneric(c, kRank) },
  zremrangebyscore: { handler: (c) => zremrangeGeneric(c, kScore) },
  zremrangebylex: { handler: (c) => zremrangeGeneric(c, kLex) },
};
