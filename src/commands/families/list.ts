/**
 * List family (t_list.c), non-blocking commands: LPUSH/RPUSH/LPUSHX/RPUSHX, LPOP/RPOP (with
 * count), LLEN, LRANGE, LINDEX, LSET, LMOVE, RPOPLPUSH, LMPOP. LINSERT, LREM, LTRIM and LPOS are
 * in list-edit.ts. The value layout (listpack / quicklist) is in src/types/list.ts.
 *
 * Exported ops, for the blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) whose
 * handlers live with the blocking machinery. All run under the shard locks the engine took;
 * `fill` is c.engine.config.limits.listMaxListpackSize (listFill(c)).
 *
 *   listCreateKey(s, db, kb, koff, klen, now): rec
 *       Insert an empty list key (listpack). The key must be absent and the last lookup on
 *       shard s must have been of this key. Push into it at once: lists are never left empty.
 *   listPush(s, rec, left, b, offs, lens, from, to, fill): newLength
 *       Push elements b[offs[i], +lens[i]) for i in [from, to) at the head (left) or tail,
 *       converting listpack → quicklist first if needed. The caller signals readiness.
 *   listPushBytes(s, rec, left, b, off, len, fill): newLength      — one element
 *   listPop(s, rec, left, count, out, fill, shrink = true): remaining
 *       Pop min(count, length) elements (count ≥ 1) from the head (left) or tail, calling
 *       out.bulk(bytes, off, len) for each in pop order (a Reply is a valid `out`; the bytes are
 *       only valid during the call). Converts quicklist → listpack when small again (unless
 *       shrink = false: then call listTryShrink(s, rec, fill) later, as LMOVE does after its
 *       push). When it returns 0 the list is empty and the caller must delete the key
 *       (Ctx.deleteKey, or a lookup then Shard.deleteFound).
 *   listPopReplyKeyValue(c, i, rec, left)         — BLPOP/BRPOP reply [key, element]; deletes
 *   listPopReplyWithKey(c, i, rec, left, count)   — LMPOP/BLMPOP reply [key, [elements]]; deletes
 *   lmoveGeneric(c, fromLeft, toLeft)
 *       LMOVE on key args 1 (source) and 2 (destination), as BLMOVE/BRPOPLPUSH need it once
 *       the source exists: replies the moved element (null if the source is missing),
 *       WRONGTYPE for either key, signals the destination.
 *
 * Layout of this file: ops on the shard, then command handlers (reply), then registration.
 */
import type { Ctx, FamilyTable } from '../context.js';
import type { Shard } from '../../shard/shard.js';
import { E, EL } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import {
  curData, curLen, listDelRange, listPrepareEnd, listEnc, listGrow, listLength, listNew, listPushOne, listSeek,
  listReplaceAtCursor, listShrink, listStep, listDeleteAtCursor,
} from '../../types/list.js';
import { listEditCommands } from './list-edit.js';
import { EV, Nc, notify } from '../../server/notify.js';

/** The sink of popped elements: any Reply works. */
export interface BulkSink {
  bulk(b: Uint8Array, off: number, len: number): void;
}

export function listFill(c: Ctx): number {
  return c.engine.config.limits.listMaxListpackSize;
}

// ------------------------------------------------------------------ ops

export function listCreateKey(s: Shard, db: number, kb: Uint8Array, koff: number, klen: number, now: number): number {
  const vp = listNew(s.heap);
  return s.insertValue(db, kb, koff, klen, T.List, Enc.Listpack, vp, now);
}

export function listPush(
  s: Shard, rec: number, left: boolean, b: Uint8Array, offs: Int32Array, lens: Int32Array,
  from: number, to: number, fill: number,
): number {
  const heap = s.heap;
  let bytes = 0;
  for (let i = from; i < to; i++) bytes += lens[i];
  let vp = listGrow(heap, s.valuePtr(rec), s.encoding(rec), bytes, to - from, fill);
  const enc = listEnc;
  for (let i = from; i < to; i++) vp = listPushOne(heap, vp, enc, left, b, offs[i], lens[i]);
  s.setValue(rec, vp, enc);
  return listLength(heap, vp, enc);
}

export function listPushBytes(s: Shard, rec: number, left: boolean, b: Uint8Array, off: number, len: number, fill: number): number {
  const heap = s.heap;
  let vp = listGrow(heap, s.valuePtr(rec), s.encoding(rec), len, 1, fill);
  const enc = listEnc;
  vp = listPushOne(heap, vp, enc, left, b, off, len);
  s.setValue(rec, vp, enc);
  return listLength(heap, vp, enc);
}

export function listPop(s: Shard, rec: number, left: boolean, count: number, out: BulkSink, fill: number, shrink = true): number {
  const heap = s.heap;
  let vp = s.valuePtr(rec);
  const enc = s.encoding(rec);
  const len = listLength(heap, vp, enc);
  const k = count < len ? count : len;
  if (k <= 0) return len;
  listPrepareEnd(heap, vp, enc, left);
  listSeek(heap, vp, enc, left ? 0 : -1);
  if (k === 1) {
    out.bulk(heap.u8, curData(heap), curLen(heap));
    vp = listDeleteAtCursor(heap, vp, enc, true);
  } else {
    const u8 = heap.u8;
    for (let i = 0; i < k; i++) {
      out.bulk(u8, curData(heap), curLen(heap));
      listStep(heap, left);
    }
    vp = listDelRange(heap, vp, enc, left ? 0 : len - k, k);
  }
  const rest = len - k;
  if (rest > 0 && shrink) vp = listShrink(heap, vp, listEnc, fill);
  s.setValue(rec, vp, listEnc);
  return rest;
}

/** Redis's LIST_CONV_SHRINKING check on a non-empty list record. */
export function listTryShrink(s: Shard, rec: number, fill: number): void {
  s.setValue(rec, listShrink(s.heap, s.valuePtr(rec), s.encoding(rec), fill), listEnc);
}

export function listPopReplyKeyValue(c: Ctx, i: number, rec: number, left: boolean): void {
  c.reply.array(2);
  c.reply.bulk(c.buf, c.offs[i], c.lens[i]);
  popped(c, i, left, listPop(c.shard(i), rec, left, 1, c.reply, listFill(c)));
}

/** After a pop from key argument i: its keyspace events, and the key deleted if now empty. */
function popped(c: Ctx, i: number, left: boolean, rest: number): void {
  notify(c, Nc.List, left ? EV.lpop : EV.rpop, i);
  if (rest === 0) {
    c.deleteKey(i);
    notify(c, Nc.Generic, EV.del, i);
  }
}

export function listPopReplyWithKey(c: Ctx, i: number, rec: number, left: boolean, count: number): void {
  const s = c.shard(i);
  const len = listLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  c.reply.array(2);
  c.reply.bulk(c.buf, c.offs[i], c.lens[i]);
  c.reply.array(count < len ? count : len);
  popped(c, i, left, listPop(s, rec, left, count, c.reply, listFill(c)));
}

/** Scratch copy of a moved element (LMOVE reads and writes possibly the same heap block). */
let scratch = new Uint8Array(256);
let scratchLen = 0;
const scratchSink: BulkSink = {
  bulk(b: Uint8Array, off: number, len: number): void {
    if (len > scratch.length) scratch = new Uint8Array(Math.max(len, scratch.length * 2));
    scratch.set(b.subarray(off, off + len), 0);
    scratchLen = len;
  },
};

export function lmoveGeneric(c: Ctx, fromLeft: boolean, toLeft: boolean): void {
  const src = c.lookupTypeOrReply(1, T.List, true);
  if (src < 0) return;
  if (src === 0) return c.reply.nullBulk();
  const dst0 = c.lookupTypeOrReply(2, T.List, true);
  if (dst0 < 0) return;
  const fill = listFill(c);
  const ss = c.shard(1), ds = c.shard(2);
  const sameKey = ss === ds && dst0 === src;
  // As Redis: pop, push (converting the destination if needed), then delete or shrink the
  // source. With one key the push refills it before the emptiness check.
  const rest = listPop(ss, src, fromLeft, 1, scratchSink, fill, false);
  let dst = dst0;
  if (dst === 0) {
    ds.lookup(c.db, c.buf, c.offs[2], c.lens[2], c.now); // the table's slot and hash for insert
    dst = listCreateKey(ds, c.db, c.buf, c.offs[2], c.lens[2], c.now);
  }
  listPushBytes(ds, dst, toLeft, scratch, 0, scratchLen, fill);
  c.signalReady(2);
  // Keyspace events in Redis's order around the reply: push, reply, pop (and del).
  notify(c, Nc.List, toLeft ? EV.lpush : EV.rpush, 2);
  const emptied = !sameKey && rest === 0;
  if (!emptied) listTryShrink(ss, src, fill);
  else c.deleteKey(1);
  c.reply.bulk(scratch, 0, scratchLen);
  notify(c, Nc.List, fromLeft ? EV.lpop : EV.rpop, 1);
  if (emptied) notify(c, Nc.Generic, EV.del, 1);
}

// ------------------------------------------------------------------ commands

function pushGeneric(c: Ctx, left: boolean, xx: boolean): void {
  let rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  const s = c.shard(1);
  if (rec === 0) {
    if (xx) return c.reply.int(0);
    rec = listCreateKey(s, c.db, c.buf, c.offs[1], c.lens[1], c.now);
  }
  c.reply.int(listPush(s, rec, left, c.buf, c.offs, c.lens, 2, c.argc, listFill(c)));
  notify(c, Nc.List, left ? EV.lpush : EV.rpush, 1);
  c.signalReady(1);
}

function popGeneric(c: Ctx, left: boolean): void {
  const hasCount = c.argc === 3;
  if (c.argc > 3) return c.reply.error(E.wrongArity(left ? 'lpop' : 'rpop'));
  let count = 1;
  if (hasCount) {
    const n = c.int64(2);
    if (n === null || n < 0) return c.reply.error(EL.mustBePositive);
    count = Number(n);
  }
  const rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  if (rec === 0) return hasCount ? c.reply.nullArray() : c.reply.nullBulk();
  if (!hasCount) return popped(c, 1, left, listPop(c.shard(1), rec, left, 1, c.reply, listFill(c)));
  if (count === 0) return c.reply.array(0);
  const s = c.shard(1);
  const len = listLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  c.reply.array(count < len ? count : len);
  popped(c, 1, left, listPop(s, rec, left, count, c.reply, listFill(c)));
}

function llenCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.List, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1);
  c.reply.int(listLength(s.heap, s.valuePtr(rec), s.encoding(rec)));
}

function lrangeCommand(c: Ctx): void {
  const start0 = c.long(2), end0 = c.long(3);
  if (start0 === null || end0 === null) return c.reply.error(E.notInteger);
  const rec = c.lookupTypeOrReply(1, T.List, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.array(0);
  const s = c.shard(1), heap = s.heap;
  const vp = s.valuePtr(rec), enc = s.encoding(rec);
  const llen = listLength(heap, vp, enc);
  let start = start0, end = end0;
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return c.reply.array(0);
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  c.reply.array(n);
  listSeek(heap, vp, enc, start);
  const u8 = heap.u8, reply = c.reply;
  for (let i = 0; i < n; i++) {
    reply.bulk(u8, curData(heap), curLen(heap));
    listStep(heap, true);
  }
}

function lindexCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.List, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.nullBulk();
  const index = c.long(2);
  if (index === null) return c.reply.error(E.notInteger);
  const s = c.shard(1), heap = s.heap;
  if (!listSeek(heap, s.valuePtr(rec), s.encoding(rec), index)) return c.reply.nullBulk();
  c.reply.bulk(heap.u8, curData(heap), curLen(heap));
}

function lsetCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.error(E.noSuchKey);
  const index = c.long(2);
  if (index === null) return c.reply.error(E.notInteger);
  const s = c.shard(1), heap = s.heap, fill = listFill(c);
  // Redis 7.2 converts for the new element's size first, even if the index is out of range.
  let vp = listGrow(heap, s.valuePtr(rec), s.encoding(rec), c.lens[3], 1, fill);
  let enc = listEnc;
  if (!listSeek(heap, vp, enc, index)) {
    s.setValue(rec, vp, enc);
    return c.reply.error(E.outOfRange);
  }
  vp = listReplaceAtCursor(heap, vp, enc, c.buf, c.offs[3], c.lens[3]);
  enc = listEnc;
  vp = listShrink(heap, vp, enc, fill);
  s.setValue(rec, vp, listEnc);
  c.reply.ok();
  notify(c, Nc.List, EV.lset, 1);
}

/** LEFT → 1, RIGHT → 0, else -1 after replying a syntax error. */
function whereOrReply(c: Ctx, i: number): number {
  if (c.is(i, 'LEFT')) return 1;
  if (c.is(i, 'RIGHT')) return 0;
  c.reply.error(E.syntax);
  return -1;
}

function lmoveCommand(c: Ctx): void {
  const from = whereOrReply(c, 3);
  if (from < 0) return;
  const to = whereOrReply(c, 4);
  if (to < 0) return;
  lmoveGeneric(c, from === 1, to === 1);
}

function lmpopCommand(c: Ctx): void {
  const nk = c.int64(1);
  if (nk === null || nk < 1) return c.reply.error(EL.numkeysPositive);
  const whereIdx = 1 + Number(nk) + 1;
  if (whereIdx >= c.argc) return c.reply.error(E.syntax);
  const where = whereOrReply(c, whereIdx);
  if (where < 0) return;
  let count = -1;
  for (let j = whereIdx + 1; j < c.argc; j++) {
    if (count === -1 && c.is(j, 'COUNT') && j + 1 < c.argc) {
      const n = c.int64(++j);
      if (n === null || n < 1) return c.reply.error(EL.countPositive);
      count = Number(n);
    } else return c.reply.error(E.syntax);
  }
  if (count === -1) count = 1;
  for (let i = 2; i < whereIdx; i++) {
    const rec = c.lookupTypeOrReply(i, T.List, true);
    if (rec < 0) return;
    if (rec === 0) continue;
    return listPopReplyWithKey(c, i, rec, where === 1, count);
  }
  c.reply.nullArray();
}

// ------------------------------------------------------------------ registration

export const listCommands: FamilyTable = {
  lpush: { handler: (c) => pushGeneric(c, true, false) },
  rpush: { handler: (c) => pushGeneric(c, false, false) },
  lpushx: { handler: (c) => pushGeneric(c, true, true) },
  rpushx: { handler: (c) => pushGeneric(c, false, true) },
  lpop: { handler: (c) => popGeneric(c, true) },
  rpop: { handler: (c) => popGeneric(c, false) },
  llen: { handler: llenCommand },
  lrange: { handler: lrangeCommand },
  lindex: { handler: lindexCommand },
  lset: { handler: lsetCommand },
  lmove: { handler: lmoveCommand },
  rpoplpush: { handler: (c) => lmoveGeneric(c, false, true) },
  lmpop: { handler: lmpopCommand },
  ...listEditCommands,
};
