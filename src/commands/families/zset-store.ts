/**
 * Sorted-set family, the set algebra (t_zset.c's zunionInterDiffGenericCommand): ZUNION,
 * ZINTER, ZDIFF, their *STORE forms, and ZINTERCARD. Inputs may be sorted sets or sets (a set
 * member scores 1). Inputs can live in different shards: the engine holds every key's shard
 * lock, members are read where they are and the result is built in the destination's heap.
 * Registered through zset.ts.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EZ } from '../../errors.js';
import { T } from '../../sab/record.js';
import type { Heap } from '../../sab/alloc.js';
import { kLongMax, longInRange, scoreArg } from './zset-args.js';
import { storeZsetResult } from './zset-range.js';
import { EV } from '../../server/notify.js';
import { ZBuilder, zsetEach, zsetLength, zsetScore, type ZEmit } from '../../types/zset.js';
import { setForEach, setHas, setSize } from '../../types/set.js';

const kUnion = 0, kInter = 1, kDiff = 2;
const kSum = 0, kMin = 1, kMax = 2;

/** One input key: a sorted set or a set, or nothing (a missing key). */
interface Source {
  heap: Heap | null;
  vp: number;
  enc: number;
  isSet: boolean;
  weight: number;
  /** Argument index of the key (two sources with the same index are the same value). */
  arg: number;
  rec: number;
  size: number;
}

function aggregate(target: number, v: number, agg: number): number {
  if (agg === kSum) {
    const r = target + v;
    return Number.isNaN(r) ? 0 : r; // inf + -inf: Redis keeps 0
  }
  if (agg === kMin) return v < target ? v : target;
  return v > target ? v : target;
}

/** Score of a member in a source, or NaN when absent. */
function findIn(src: Source, b: Uint8Array, off: number, len: number): number {
  if (src.heap === null) return NaN;
  if (src.isSet) return setHas(src.heap, src.vp, src.enc, b, off, len) ? 1 : NaN;
  return zsetScore(src.heap, src.vp, src.enc, b, off, len);
}

/** Visit every member of a source (a sorted set from the top down, as Redis iterates). */
function eachIn(src: Source, fn: ZEmit): void {
  if (src.heap === null) return;
  if (src.isSet) setForEach(src.heap, src.vp, src.enc, (b, off, len) => fn(b, off, len, 1));
  else zsetEach(src.heap, src.vp, src.enc, true, fn);
}

/**
 * The shared body. dst: destination key index or -1; numIdx: index of numkeys; cardOnly:
 * ZINTERCARD.
 */
function zsetOpGeneric(c: Ctx, dst: number, numIdx: number, op: number, cardOnly: boolean): void {
  const numkeys = c.long(numIdx);
  if (numkeys === null) return c.reply.error(E.notInteger);
  if (numkeys < 1) return c.reply.error(EZ.atLeastOneKey(c.client.lastCommand));
  if (numkeys > c.argc - (numIdx + 1)) return c.reply.error(E.syntax);
  const srcs: Source[] = [];
  let j = numIdx + 1;
  for (let i = 0; i < numkeys; i++, j++) {
    const rec = c.lookupRead(j);
    const src: Source = { heap: null, vp: 0, enc: 0, isSet: false, weight: 1, arg: j, rec, size: 0 };
    if (rec !== 0) {
      const s = c.shard(j), type = s.type(rec);
      if (type !== T.ZSet && type !== T.Set) return c.reply.error(E.wrongType);
      src.heap = s.heap;
      src.vp = s.valuePtr(rec);
      src.enc = s.encoding(rec);
      src.isSet = type === T.Set;
      src.size = src.isSet ? setSize(s.heap, src.vp, src.enc) : zsetLength(s.heap, src.vp, src.enc);
    }
    srcs.push(src);
  }
  let agg = kSum, withScores = false, limit = 0;
  while (j < c.argc) {
    const remaining = c.argc - j;
    if (op !== kDiff && !cardOnly && remaining >= numkeys + 1 && c.is(j, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < numkeys; i++, j++) {
        const w = scoreArg(c, j);
        if (w === null) return c.reply.error(EZ.weightNotFloat);
        srcs[i].weight = w;
      }
    } else if (op !== kDiff && !cardOnly && remaining >= 2 && c.is(j, 'AGGREGATE')) {
      j++;
      if (c.is(j, 'SUM')) agg = kSum;
      else if (c.is(j, 'MIN')) agg = kMin;
      else if (c.is(j, 'MAX')) agg = kMax;
      else return c.reply.error(E.syntax);
      j++;
    } else if (dst < 0 && !cardOnly && c.is(j, 'WITHSCORES')) {
      j++;
      withScores = true;
    } else if (cardOnly && remaining >= 2 && c.is(j, 'LIMIT')) {
      const v = longInRange(c, j + 1, 0, kLongMax);
      if (v === null) return c.reply.error(EZ.limitNegative);
      limit = v;
      j += 2;
    } else return c.reply.error(E.syntax);
  }
  // Smallest input first (a stable sort, like glibc's merge sort) for union and intersection.
  if (op !== kDiff) srcs.sort((a, b) => a.size - b.size);
  const out = new ZBuilder();
  let card = 0;
  if (op === kInter) {
    const first = srcs[0];
    if (first.size > 0) {
      const emit: ZEmit = (b, off, len, sc) => {
        if (cardOnly && limit && card >= limit) return;
        let score = first.weight * sc;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < srcs.length; k++) {
          const other = srcs[k];
          const v = other.arg === first.arg || (other.heap === first.heap && other.rec === first.rec) ? sc : findIn(other, b, off, len);
          if (Number.isNaN(v)) return;
          score = aggregate(score, v * other.weight, agg);
        }
        if (cardOnly) card++;
        else out.add(b, off, len, score);
      };
      eachIn(first, emit);
    }
  } else if (op === kUnion) {
    const index = new Map<string, number>();
    for (const src of srcs) {
      if (src.size === 0) continue;
      eachIn(src, (b, off, len, sc) => {
        let score = src.weight * sc;
        if (Number.isNaN(score)) score = 0;
        const key = Buffer.from(b.buffer, b.byteOffset + off, len).toString('latin1');
        const at = index.get(key);
        if (at === undefined) {
          index.set(key, out.length);
          out.add(b, off, len, score);
        } else out.scores[at] = aggregate(out.scores[at], score, agg);
      });
    }
  } else {
    const first = srcs[0];
    const same = srcs.some((x, k) => k > 0 && x.heap !== null && x.heap === first.heap && x.rec === first.rec);
    if (first.size > 0 && !same) {
      eachIn(first, (b, off, len, sc) => {
        for (let k = 1; k < srcs.length; k++) if (!Number.isNaN(findIn(srcs[k], b, off, len))) return;
        out.add(b, off, len, sc);
      });
    }
  }
  if (dst >= 0) return storeZsetResult(c, dst, out, op === kUnion ? EV.zunionstore : op === kInter ? EV.zinterstore : EV.zdiffstore);
  if (cardOnly) return c.reply.int(card);
  const n = out.length, pairs = withScores && c.reply.resp === 3;
  c.reply.array(withScores && c.reply.resp === 2 ? n * 2 : n);
  for (const i of out.order()) {
    if (pairs) c.reply.array(2);
    c.reply.bulk(out.members[i], 0, out.members[i].length);
    if (withScores) c.reply.double(out.scores[i]);
  }
}

export const zsetStoreCommands: FamilyTable = {
  zunion: { handler: (c) => zsetOpGeneric(c, -1, 1, kUnion, false) },
  zinter: { handler: (c) => zsetOpGeneric(c, -1, 1, kInter, false) },
  zdiff: { handler: (c) => zsetOpGeneric(c, -1, 1, kDiff, false) },
  zunionstore: { handler: (c) => zsetOpGeneric(c, 1, 2, kUnion, false) },
  zinterstore: { handler: (c) => zsetOpGeneric(c, 1, 2, kInter, false) },
  zdiffstore: { handler: (c) => zsetOpGeneric(c, 1, 2, kDiff, false) },
  zintercard: { handler: (c) => zsetOpGeneric(c, -1, 1, kInter, true) },
};
