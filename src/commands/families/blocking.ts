/**
 * Blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * Each command first tries to serve itself right away, exactly like its non-blocking twin. If
 * every key is empty it blocks: server/blocking.ts registers the client in each key's shard.
 * When a write makes one of the keys ready, the writing thread runs the serve function below
 * for the first waiting client (in FIFO order), under the shard lock, and sends the reply.
 * A client that cannot block (embedded callers) gets the timeout reply at once.
 *
 * Shape: parse (timeouts, numkeys, directions) → op (try now, else block) → reply; then the
 * serve functions the writer side runs; then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EB, EL } from '../../errors.js';
import { T } from '../../sab/record.js';
import { WaitOp } from '../../sab/wait-slots.js';
import type { ServeContext, ServeResult } from '../../server/blocking.js';
import {
  listCreateKey, listPop, listPopReplyKeyValue, listPopReplyWithKey, listPushBytes, lmoveGeneric,
} from './list.js';
import { zsetLength, zsetPop, type ZEmit } from '../../types/zset.js';
import { listLength } from '../../types/list.js';
import type { Reply } from '../../protocol/reply.js';
import type { Shard } from '../../shard/shard.js';
import { EV, Nc, notifyKey } from '../../server/notify.js';

// ------------------------------------------------------------------ parse

const kLLMax = 2 ** 63;

/**
 * Redis's getTimeoutFromObjectOrReply (seconds): a long double, times 1000, rounded up to whole
 * milliseconds. Returns the absolute deadline in ms (0 = wait forever), or -1 after an error.
 */
function timeoutArg(c: Ctx, i: number): number {
  const s = c.bin(i);
  // strtold: optional sign, decimal or hex digits, exponent, inf/infinity; no spaces around.
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]+|inf(inity)?)$/i.test(s)) {
    c.reply.error(EB.timeoutNotFloat);
    return -1;
  }
  let v: number;
  const m = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(s);
  if (m) v = (m[1] === '-' ? -1 : 1) * parseInt(m[2], 16);
  else v = /inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
  const ms = Math.ceil(v * 1000);
  // A value beyond the long long range converts to LLONG_MIN on x86-64: "negative".
  if (!Number.isFinite(ms) || ms >= kLLMax || ms < -kLLMax || ms < 0) {
    c.reply.error(EB.timeoutNegative);
    return -1;
  }
  return ms === 0 ? 0 : c.now + ms;
}

/** LEFT/RIGHT → true for left; null after a syntax error. */
function sideArg(c: Ctx, i: number): boolean | null {
  if (c.is(i, 'LEFT')) return true;
  if (c.is(i, 'RIGHT')) return false;
  c.reply.error(E.syntax);
  return null;
}

interface MPopArgs {
  first: number;
  last: number;
  /** LEFT / MIN */
  low: boolean;
  count: number;
}

/** timeout numkeys key... LEFT|RIGHT (or MIN|MAX) [COUNT n], numkeys at argument `ni`. */
function mpopArgs(c: Ctx, ni: number, lowWord: string, highWord: string): MPopArgs | null {
  const n = c.long(ni);
  if (n === null || n < 1) {
    c.reply.error(EL.numkeysPositive);
    return null;
  }
  const wi = ni + n + 1;
  if (wi >= c.argc) {
    c.reply.error(E.syntax);
    return null;
  }
  let low: boolean;
  if (c.is(wi, lowWord)) low = true;
  else if (c.is(wi, highWord)) low = false;
  else {
    c.reply.error(E.syntax);
    return null;
  }
  let count = -1;
  for (let j = wi + 1; j < c.argc; j++) {
    if (count === -1 && c.is(j, 'COUNT') && j + 1 < c.argc) {
      const v = c.long(++j);
      if (v === null || v < 1) {
        c.reply.error(EL.countPositive);
        return null;
      }
      count = v;
    } else {
      c.reply.error(E.syntax);
      return null;
    }
  }
  return { first: ni + 1, last: ni + n, low, count: count === -1 ? 1 : count };
}

// ------------------------------------------------------------------ op

/** Block on key arguments first..last; replies the timeout reply if the client cannot block. */
function block(c: Ctx, first: number, last: number, op: WaitOp, count: number, timeoutAt: number, destArg = -1): void {
  const keys = [];
  for (let i = first; i <= last; i++) {
    keys.push({ shard: c.keyShard[i], db: c.db, b: c.buf, off: c.offs[i], len: c.lens[i] });
  }
  const dest = destArg < 0 ? null : { b: c.buf, off: c.offs[destArg], len: c.lens[destArg] };
  if (!c.engine.blocking.block(c.client, keys, op, count, timeoutAt, dest)) {
    if (op === WaitOp.Move) c.reply.nullBulk();
    else c.reply.nullArray();
  }
}

function bpop(c: Ctx, left: boolean): void {
  const last = c.argc - 2;
  const at = timeoutArg(c, c.argc - 1);
  if (at < 0) return;
  for (let i = 1; i <= last; i++) {
    const rec = c.lookupTypeOrReply(i, T.List, true);
    if (rec < 0) return;
    if (rec !== 0) return listPopReplyKeyValue(c, i, rec, left);
  }
  block(c, 1, last, WaitOp.Pop, left ? 0 : 1, at);
}

function blmove(c: Ctx, fromLeft: boolean, toLeft: boolean, ti: number): void {
  const at = timeoutArg(c, ti);
  if (at < 0) return;
  const src = c.lookupTypeOrReply(1, T.List, true);
  if (src < 0) return;
  if (src !== 0) return lmoveGeneric(c, fromLeft, toLeft);
  block(c, 1, 1, WaitOp.Move, (fromLeft ? 0 : 1) | (toLeft ? 0 : 2), at, 2);
}

function blmoveCommand(c: Ctx): void {
  const from = sideArg(c, 3);
  if (from === null) return;
  const to = sideArg(c, 4);
  if (to === null) return;
  blmove(c, from, to, 5);
}

function blmpopCommand(c: Ctx): void {
  const at = timeoutArg(c, 1);
  if (at < 0) return;
  const a = mpopArgs(c, 2, 'LEFT', 'RIGHT');
  if (a === null) return;
  for (let i = a.first; i <= a.last; i++) {
    const rec = c.lookupTypeOrReply(i, T.List, true);
    if (rec < 0) return;
    if (rec !== 0) return listPopReplyWithKey(c, i, rec, a.low, a.count);
  }
  block(c, a.first, a.last, WaitOp.MPop, a.low ? a.count : -a.count, at);
}

/** BZPOPMIN/BZPOPMAX reply: [key, member, score]. */
function replyZPop(r: Reply, s: Shard, db: number, rec: number, kb: Uint8Array, koff: number, klen: number, max: boolean): void {
  const size = zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  r.array(3);
  r.bulk(kb, koff, klen);
  zpopEvent(s, db, kb, koff, klen, max);
  zsetPop(s, db, rec, max, 1, (u8, off, len, score) => {
    r.bulk(u8, off, len);
    r.double(score);
  });
  if (size === 1) notifyKey(s, Nc.Generic, EV.del, kb, koff, klen, db);
}

/**
 * The keyspace event of a sorted-set pop: Redis sends zpopmin/zpopmax between the reply's
 * header and its members, and del (when the pop emptied the key) after them.
 */
function zpopEvent(s: Shard, db: number, kb: Uint8Array, koff: number, klen: number, max: boolean): void {
  notifyKey(s, Nc.ZSet, max ? EV.zpopmax : EV.zpopmin, kb, koff, klen, db);
}

/** Keyspace events of a list pop from a served key: lpop/rpop, then del if it emptied the key. */
function lpopped(s: ServeContext, left: boolean, emptied: boolean): void {
  notifyKey(s.shard, Nc.List, left ? EV.lpop : EV.rpop, s.key, 0, s.key.length, s.db);
  if (emptied) notifyKey(s.shard, Nc.Generic, EV.del, s.key, 0, s.key.length, s.db);
}

/** BZMPOP reply: [key, [[member, score], ...]]. */
function replyZMPop(r: Reply, s: Shard, db: number, rec: number, kb: Uint8Array, koff: number, klen: number, max: boolean, count: number): void {
  const len = zsetLength(s.heap, s.valuePtr(rec), s.encoding(rec));
  const n = count < len ? count : len;
  r.array(2);
  r.bulk(kb, koff, klen);
  r.array(n);
  zpopEvent(s, db, kb, koff, klen, max);
  const emit: ZEmit = (u8, off, l, score) => {
    r.array(2);
    r.bulk(u8, off, l);
    r.double(score);
  };
  zsetPop(s, db, rec, max, n, emit);
  if (n === len) notifyKey(s, Nc.Generic, EV.del, kb, koff, klen, db);
}

function bzpop(c: Ctx, max: boolean): void {
  const last = c.argc - 2;
  const at = timeoutArg(c, c.argc - 1);
  if (at < 0) return;
  for (let i = 1; i <= last; i++) {
    const rec = c.lookupTypeOrReply(i, T.ZSet, true);
    if (rec < 0) return;
    if (rec !== 0) return replyZPop(c.reply, c.shard(i), c.db, rec, c.buf, c.offs[i], c.lens[i], max);
  }
  block(c, 1, last, WaitOp.ZPop, max ? 1 : 0, at);
}

function bzmpopCommand(c: Ctx): void {
  const at = timeoutArg(c, 1);
  if (at < 0) return;
  const a = mpopArgs(c, 2, 'MIN', 'MAX');
  if (a === null) return;
  for (let i = a.first; i <= a.last; i++) {
    const rec = c.lookupTypeOrReply(i, T.ZSet, true);
    if (rec < 0) return;
    if (rec !== 0) return replyZMPop(c.reply, c.shard(i), c.db, rec, c.buf, c.offs[i], c.lens[i], !a.low, a.count);
  }
  block(c, a.first, a.last, WaitOp.ZMPop, a.low ? a.count : -a.count, at);
}

// ------------------------------------------------------------------ serve (the writer's side)

/** The ready key's record if it holds a value of `type`, else 0. */
function readyRecord(s: ServeContext, type: T): number {
  const rec = s.shard.lookup(s.db, s.key, 0, s.key.length, s.now);
  return rec !== 0 && s.shard.type(rec) === type ? rec : 0;
}

function deleteKey(s: Shard, db: number, key: Buffer, now: number): void {
  const rec = s.lookup(db, key, 0, key.length, now);
  if (rec !== 0) s.deleteFound(db, rec);
}

function servePop(s: ServeContext): ServeResult {
  const rec = readyRecord(s, T.List);
  if (rec === 0) return 'empty';
  const r = s.reply;
  r.array(2);
  r.bulk(s.key, 0, s.key.length);
  const left = s.slots.count(s.slot) === 0;
  const rest = listPop(s.shard, rec, left, 1, r, s.limits.listMaxListpackSize);
  if (rest === 0) deleteKey(s.shard, s.db, s.key, s.now);
  lpopped(s, left, rest === 0);
  return 'served';
}

function serveMPop(s: ServeContext): ServeResult {
  const rec = readyRecord(s, T.List);
  if (rec === 0) return 'empty';
  const signed = s.slots.count(s.slot);
  const r = s.reply, sh = s.shard;
  r.array(2);
  r.bulk(s.key, 0, s.key.length);
  // listPop emits min(count, length) elements: announce that many.
  const count = Math.abs(signed);
  const len = listLength(sh.heap, sh.valuePtr(rec), sh.encoding(rec));
  r.array(count < len ? count : len);
  const rest = listPop(sh, rec, signed > 0, count, r, s.limits.listMaxListpackSize);
  if (rest === 0) deleteKey(s.shard, s.db, s.key, s.now);
  lpopped(s, signed > 0, rest === 0);
  return 'served';
}

let moved = new Uint8Array(256);
let movedLen = 0;
const moveSink = {
  bulk(b: Uint8Array, off: number, len: number): void {
    if (len > moved.length) moved = new Uint8Array(Math.max(len, moved.length * 2));
    moved.set(b.subarray(off, off + len), 0);
    movedLen = len;
  },
};

function serveMove(s: ServeContext): ServeResult {
  const src = readyRecord(s, T.List);
  if (src === 0) return 'empty';
  const dest = s.slots.dest(s.slot);
  const destKey = Buffer.from(dest);
  const di = s.shardOfKey(destKey, 0, destKey.length);
  if (!s.tryHold(di)) return 'retry';
  const ds = s.shards[di];
  const drec0 = ds.lookup(s.db, destKey, 0, destKey.length, s.now);
  if (drec0 !== 0 && ds.type(drec0) !== T.List) return 'retry'; // the owner re-runs it: WRONGTYPE
  const bits = s.slots.count(s.slot);
  const fill = s.limits.listMaxListpackSize;
  const srcRec = s.shard.lookup(s.db, s.key, 0, s.key.length, s.now);
  const rest = listPop(s.shard, srcRec, (bits & 1) === 0, 1, moveSink, fill);
  if (rest === 0) deleteKey(s.shard, s.db, s.key, s.now);
  let drec = ds.lookup(s.db, destKey, 0, destKey.length, s.now);
  if (drec === 0) drec = listCreateKey(ds, s.db, destKey, 0, destKey.length, s.now);
  listPushBytes(ds, drec, (bits & 2) === 0, moved, 0, movedLen, fill);
  // Redis's order: the push on the destination, then the pop (and del) of the source.
  notifyKey(ds, Nc.List, (bits & 2) === 0 ? EV.lpush : EV.rpush, destKey, 0, destKey.length, s.db);
  lpopped(s, (bits & 1) === 0, rest === 0);
  s.ready(di, s.db, destKey);
  s.reply.bulk(moved, 0, movedLen);
  return 'served';
}

function serveZPop(s: ServeContext): ServeResult {
  const rec = readyRecord(s, T.ZSet);
  if (rec === 0) return 'empty';
  replyZPop(s.reply, s.shard, s.db, rec, s.key, 0, s.key.length, s.slots.count(s.slot) === 1);
  return 'served';
}

function serveZMPop(s: ServeContext): ServeResult {
  const rec = readyRecord(s, T.ZSet);
  if (rec === 0) return 'empty';
  const signed = s.slots.count(s.slot);
  replyZMPop(s.reply, s.shard, s.db, rec, s.key, 0, s.key.length, signed < 0, Math.abs(signed));
  return 'served';
}

/** Plug the serve functions into a thread's Blocking (called once per Engine). */
export function registerServers(b: { register(op: WaitOp, fn: (s: ServeContext) => ServeResult): void }): void {
  b.register(WaitOp.Pop, servePop);
  b.register(WaitOp.MPop, serveMPop);
  b.register(WaitOp.Move, serveMove);
  b.register(WaitOp.ZPop, serveZPop);
  b.register(WaitOp.ZMPop, serveZMPop);
}

// ------------------------------------------------------------------ registration

export const blockingCommands: FamilyTable = {
  blpop: { handler: (c) => bpop(c, true) },
  brpop: { handler: (c) => bpop(c, false) },
  blmove: { handler: blmoveCommand },
  brpoplpush: { handler: (c) => blmove(c, false, true, 3) },
  blmpop: { handler: blmpopCommand },
  bzpopmin: { handler: (c) => bzpop(c, false) },
  bzpopmax: { handler: (c) => bzpop(c, true) },
  bzmpop: { handler: bzmpopCommand },
};
