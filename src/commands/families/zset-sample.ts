/**
 * Sorted-set family, the sampling commands: ZRANDMEMBER (t_zset.c) and ZSCAN (db.c's
 * scanGenericCommand). Registered through zset.ts.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EH } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { globMatch } from '../../server/glob.js';
import { formatDouble } from '../../protocol/reply.js';
import { beginValueScan } from './generic-scan.js';
import { Skiplist } from '../../sab/skiplist.js';
import { ZIter, zsetLength, zsetRandom, type ZEmit } from '../../types/zset.js';

/** Record of key argument i as a zset for reading: 0 absent, -1 after a WRONGTYPE reply. */
function readZset(c: Ctx, i: number): number {
  return c.lookupTypeOrReply(i, T.ZSet, false);
}

// ------------------------------------------------------------------ ZRANDMEMBER

const kHalfLongMax = 4611686018427387903n;

function zrandmemberCommand(c: Ctx): void {
  if (c.argc >= 3) {
    const l = c.int64(2);
    if (l === null) return c.reply.error(E.notInteger);
    if (typeof l === 'bigint' && l < -(2n ** 63n - 1n)) return c.reply.error(EH.rangeLong('-9223372036854775807', '9223372036854775807'));
    if (c.argc > 4 || (c.argc === 4 && !c.is(3, 'WITHSCORES'))) return c.reply.error(E.syntax);
    const withScores = c.argc === 4;
    // Compared as integers: ±(LONG_MAX/2 + 1) rounds to ±2^62 as a double, like the bound.
    if (withScores && (BigInt(l) < -kHalfLongMax || BigInt(l) > kHalfLongMax)) return c.reply.error(EH.valueOutOfRange);
    const n = Number(l);
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

/**
 * A score as ZSCAN shows it. A skiplist score goes through d2string ("%.17g"); a listpack
 * keeps the text Redis stored, where an integral score within ±2^62 is an integer (so 1e18
 * reads "1000000000000000000" and -0 reads "0"). Bulk strings under RESP3 too.
 */
function listpackScoreText(d: number): string {
  return Number.isInteger(d) && Math.abs(d) <= 2 ** 62 ? BigInt(d).toString() : formatDouble(d);
}

function zscanCommand(c: Ctx): void {
  const scan = beginValueScan(c, T.ZSet);
  if (scan === null) return;
  const { rec, count, pattern, cursor } = scan;
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
    let v = cursor;
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
  const lp = s.encoding(rec) === Enc.Listpack;
  c.reply.array(2);
  c.reply.bulkString(String(next));
  c.reply.array(n * 2);
  for (let i = 0; i < n; i++) {
    c.reply.bulk(u8, found[i * 3], found[i * 3 + 1]);
    c.reply.bulkString(lp ? listpackScoreText(found[i * 3 + 2]) : formatDouble(found[i * 3 + 2]));
  }
}

export const zsetSampleCommands: FamilyTable = {
  zrandmember: { handler: zrandmemberCommand },
  zscan: { handler: zscanCommand },
};
