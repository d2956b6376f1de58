/**
 * Set family (t_set.c): SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER,
 * SMOVE and SSCAN. The set algebra (SINTER, SUNION, SDIFF, their STORE forms and SINTERCARD)
 * is in set-algebra.ts. The value structures and encoding rules are in src/types/set.ts.
 *
 * Layout of this file: helpers, then command handlers (parse → op → reply), then the
 * registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, ESet } from '../../errors.js';
import { T } from '../../sab/record.js';
import { parseInt64 } from '../args.js';
import { globMatch } from '../../server/glob.js';
import { beginValueScan } from './generic-scan.js';
import {
  SetVal, setAdd, setAfterRemovals, setCreate, setForEach, setHas, setMaybeConvert, setRandom, setRemove,
  setSize, setFree, picked, dictAt,
} from '../../types/set.js';
import { Enc } from '../../sab/record.js';
import { isNew } from '../../sab/intset.js';
import { lpNew } from '../../sab/listpack.js';
import { insertSet, setAlgebraCommands } from './set-algebra.js';
import { EV, Nc, notify } from '../../server/notify.js';

// ------------------------------------------------------------------ helpers

/** Transient cursors over set values (reused by every command; nothing survives one). */
const svA = new SetVal();
const svB = new SetVal();

/** Point `sv` at the set value of record `rec` of key argument i. */
export function setOf(c: Ctx, i: number, rec: number, sv: SetVal): SetVal {
  const s = c.shard(i);
  return sv.at(s.heap, s.valuePtr(rec), s.encoding(rec));
}

/**
 * Write a changed set value back into its record, or delete the key if it became empty. Then
 * the keyspace events: `event` (srem; null when sent already, as SPOP does before its reply),
 * and del if the key was deleted.
 */
function writeBack(c: Ctx, i: number, rec: number, sv: SetVal, event: Uint8Array | null): void {
  c.shard(i).setValue(rec, sv.vp, sv.enc);
  const empty = setSize(sv.heap, sv.vp, sv.enc) === 0;
  if (empty) c.deleteKey(i);
  if (event !== null) notify(c, Nc.Set, event, i);
  if (empty) notify(c, Nc.Generic, EV.del, i);
}

// ------------------------------------------------------------------ commands

function saddCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, true);
  if (rec < 0) return;
  const lim = c.engine.config.limits, b = c.buf, offs = c.offs, lens = c.lens, argc = c.argc;
  let sv: SetVal;
  if (rec === 0) {
    sv = setCreate(c.shard(1).heap, b, offs[2], lens[2], argc - 2, lim, svA);
  } else {
    sv = setOf(c, 1, rec, svA);
    setMaybeConvert(sv, argc - 2, lim);
  }
  let added = 0;
  for (let i = 2; i < argc; i++) if (setAdd(sv, b, offs[i], lens[i], lim)) added++;
  // No lookup happened since lookupTypeOrReply: the shard still holds this key's hash.
  if (rec === 0) c.shard(1).insertValue(c.db, b, offs[1], lens[1], T.Set, sv.enc, sv.vp, c.now);
  else c.shard(1).setValue(rec, sv.vp, sv.enc);
  if (added !== 0) notify(c, Nc.Set, EV.sadd, 1);
  c.reply.int(added);
}

function sremCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, true);
  if (rec <= 0) {
    if (rec === 0) c.reply.int(0);
    return;
  }
  const sv = setOf(c, 1, rec, svA);
  let removed = 0;
  for (let i = 2; i < c.argc; i++) {
    if (setRemove(sv, c.buf, c.offs[i], c.lens[i])) {
      removed++;
      if (setSize(sv.heap, sv.vp, sv.enc) === 0) break;
    }
  }
  setAfterRemovals(sv, removed);
  if (removed !== 0) writeBack(c, 1, rec, sv, EV.srem);
  c.reply.int(removed);
}

function smembersCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.set(0);
  const sv = setOf(c, 1, rec, svA);
  const reply = c.reply;
  reply.set(setSize(sv.heap, sv.vp, sv.enc));
  setForEach(sv.heap, sv.vp, sv.enc, (b, off, len) => reply.bulk(b, off, len));
}

function sismemberCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const sv = setOf(c, 1, rec, svA);
  c.reply.int(setHas(sv.heap, sv.vp, sv.enc, c.buf, c.offs[2], c.lens[2]) ? 1 : 0);
}

function smismemberCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, false);
  if (rec < 0) return;
  c.reply.array(c.argc - 2);
  const sv = rec === 0 ? null : setOf(c, 1, rec, svA);
  for (let i = 2; i < c.argc; i++) {
    c.reply.int(sv !== null && setHas(sv.heap, sv.vp, sv.enc, c.buf, c.offs[i], c.lens[i]) ? 1 : 0);
  }
}

function scardCommand(c: Ctx): void {
  const rec = c.lookupTypeOrReply(1, T.Set, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const sv = setOf(c, 1, rec, svA);
  c.reply.int(setSize(sv.heap, sv.vp, sv.enc));
}

/** Remove the member in `picked` from sv, replying it first (it may live inside sv). */
function popPicked(c: Ctx, sv: SetVal): void {
  c.reply.bulk(picked.b, picked.off, picked.len);
  // Copy out: removal from a listpack or table rewrites/frees the bytes picked points at.
  const m = picked.b.slice(picked.off, picked.off + picked.len);
  setRemove(sv, m, 0, m.length);
}

function spopCommand(c: Ctx): void {
  if (c.argc > 3) return c.reply.error(E.syntax);
  let count = -1;
  if (c.argc === 3) {
    const v = parseInt64(c.buf, c.offs[2], c.lens[2]);
    if (v === null || v < 0) return c.reply.error(ESet.mustBePositive);
    count = Number(v);
  }
  const rec = c.lookupTypeOrReply(1, T.Set, true);
  if (rec < 0) return;
  if (rec === 0) return count < 0 ? c.reply.nullBulk() : c.reply.set(0);
  if (count === 0) return c.reply.set(0);
  const sv = setOf(c, 1, rec, svA);
  const heap = sv.heap;
  notify(c, Nc.Set, EV.spop, 1); // Redis sends it before the reply (del comes after)
  if (count < 0) {
    setRandom(heap, sv.vp, sv.enc);
    popPicked(c, sv);
    setAfterRemovals(sv, 1);
    return writeBack(c, 1, rec, sv, null);
  }
  const size = setSize(heap, sv.vp, sv.enc);
  const reply = c.reply;
  if (count >= size) {
    // The whole set: reply it and delete the key.
    reply.set(size);
    setForEach(heap, sv.vp, sv.enc, (b, off, len) => reply.bulk(b, off, len));
    c.deleteKey(1);
    notify(c, Nc.Generic, EV.del, 1);
    return;
  }
  reply.set(count);
  const remaining = size - count;
  if (remaining * 5 > count) {
    // Few to pop compared to what stays: pop them one at a time.
    for (let k = 0; k < count; k++) {
      setRandom(heap, sv.vp, sv.enc);
      popPicked(c, sv);
    }
    setAfterRemovals(sv, count);
    return writeBack(c, 1, rec, sv, null);
  }
  // Most of the set goes: move the few survivors into a new set (an intset when the source is
  // one, else a listpack that converts as it grows, as Redis 7.2), reply what is left in the
  // old one and free it.
  const lim = c.engine.config.limits;
  const keep = svB.at(heap, sv.enc === Enc.Intset ? isNew(heap) : lpNew(heap), sv.enc === Enc.Intset ? Enc.Intset : Enc.Listpack);
  for (let k = 0; k < remaining; k++) {
    setRandom(heap, sv.vp, sv.enc);
    const m = picked.b.slice(picked.off, picked.off + picked.len);
    setAdd(keep, m, 0, m.length, lim);
    setRemove(sv, m, 0, m.length);
  }
  setForEach(heap, sv.vp, sv.enc, (b, off, len) => reply.bulk(b, off, len));
  setFree(heap, sv.vp, sv.enc);
  c.shard(1).setValue(rec, keep.vp, keep.enc);
}

const kLongMax = 2n ** 63n - 1n;

function srandmemberCommand(c: Ctx): void {
  if (c.argc > 3) return c.reply.error(E.syntax);
  if (c.argc === 2) {
    const rec = c.lookupTypeOrReply(1, T.Set, false);
    if (rec < 0) return;
    if (rec === 0) return c.reply.nullBulk();
    const sv = setOf(c, 1, rec, svA);
    setRandom(sv.heap, sv.vp, sv.enc);
    return c.reply.bulk(picked.b, picked.off, picked.len);
  }
  const v = parseInt64(c.buf, c.offs[2], c.lens[2]);
  if (v === null) return c.reply.error(E.notInteger);
  if (typeof v === 'bigint' && (v < -kLongMax || v > kLongMax)) return c.reply.error(ESet.countRange);
  const rec = c.lookupTypeOrReply(1, T.Set, false);
  if (rec < 0) return;
  if (rec === 0 || v === 0) return c.reply.array(0);
  const sv = setOf(c, 1, rec, svA);
  const heap = sv.heap, reply = c.reply;
  const size = setSize(heap, sv.vp, sv.enc);
  const uniq = v > 0;
  const count = Number(uniq ? v : -v);
  if (!uniq || count === 1) {
    // Repeats allowed: independent picks.
    reply.array(count);
    for (let k = 0; k < count; k++) {
      setRandom(heap, sv.vp, sv.enc);
      reply.bulk(picked.b, picked.off, picked.len);
    }
    return;
  }
  if (count >= size) {
    reply.array(size);
    setForEach(heap, sv.vp, sv.enc, (b, off, len) => reply.bulk(b, off, len));
    return;
  }
  // Distinct members: a partial shuffle of all members when asking for a large share,
  // random picks into a JS set otherwise (transient, freed with the command).
  let out: string[];
  if (count * 3 > size) {
    out = [];
    setForEach(heap, sv.vp, sv.enc, (b, off, len) => out.push(latin1(b, off, len)));
    for (let k = 0; k < count; k++) {
      const j = k + Math.floor(Math.random() * (out.length - k));
      const t = out[k];
      out[k] = out[j];
      out[j] = t;
    }
    out.length = count;
  } else {
    const seen = new Set<string>();
    while (seen.size < count) {
      setRandom(heap, sv.vp, sv.enc);
      seen.add(latin1(picked.b, picked.off, picked.len));
    }
    out = [...seen];
  }
  reply.array(count);
  for (const m of out) {
    const bytes = Buffer.from(m, 'latin1');
    reply.bulk(bytes, 0, bytes.length);
  }
}

function latin1(b: Uint8Array, off: number, len: number): string {
  return Buffer.from(b.buffer, b.byteOffset + off, len).toString('latin1');
}

function smoveCommand(c: Ctx): void {
  const src = c.lookupWrite(1);
  const dst = c.lookupWrite(2);
  if (src === 0) return c.reply.int(0);
  const ss = c.shard(1), ds = c.shard(2);
  if (ss.type(src) !== T.Set || (dst !== 0 && ds.type(dst) !== T.Set)) return c.reply.error(E.wrongType);
  const b = c.buf, off = c.offs[3], len = c.lens[3];
  const from = setOf(c, 1, src, svA);
  if (ss === ds && src === dst) {
    return c.reply.int(setHas(from.heap, from.vp, from.enc, b, off, len) ? 1 : 0);
  }
  if (!setRemove(from, b, off, len)) return c.reply.int(0);
  setAfterRemovals(from, 1);
  writeBack(c, 1, src, from, EV.srem);
  const lim = c.engine.config.limits;
  let added = true;
  if (dst === 0) {
    const to = setCreate(ds.heap, b, off, len, 1, lim, svB);
    setAdd(to, b, off, len, lim);
    insertSet(c, 2, to);
  } else {
    const to = setOf(c, 2, dst, svB);
    added = setAdd(to, b, off, len, lim);
    ds.setValue(dst, to.vp, to.enc);
  }
  if (added) notify(c, Nc.Set, EV.sadd, 2);
  c.reply.int(1);
}

function sscanCommand(c: Ctx): void {
  const scan = beginValueScan(c, T.Set);
  if (scan === null) return;
  const { rec, count, pattern } = scan;
  const sv = setOf(c, 1, rec, svA);
  const heap = sv.heap;
  const found: string[] = [];
  let next = 0;
  if (sv.enc !== Enc.Hashtable) {
    // Small encodings answer everything at once, with cursor 0.
    setForEach(heap, sv.vp, sv.enc, (b, off, len) => found.push(latin1(b, off, len)));
  } else {
    const d = dictAt(heap, sv.vp);
    let cur = scan.cursor;
    let budget = count * 10;
    const emit = (e: number) => found.push(latin1(heap.u8, e * 8 + 4, heap.u32[e * 2]));
    do {
      cur = d.scan(cur, emit);
    } while (cur !== 0 && --budget > 0 && found.length < count);
    next = cur;
  }
  const keep = pattern === null ? found : found.filter((m) => globMatch(pattern!, m, false));
  c.reply.array(2);
  c.reply.bulkString(String(next));
  c.reply.array(keep.length);
  for (const m of keep) {
    const bytes = Buffer.from(m, 'latin1');
    c.reply.bulk(bytes, 0, bytes.length);
  }
}

// ------------------------------------------------------------------ registration

export const setCommands: FamilyTable = {
  sadd: { handler: saddCommand },
  srem: { handler: sremCommand },
  smembers: { handler: smembersCommand },
  sismember: { handler: sismemberCommand },
  smismember: { handler: smismemberCommand },
  scard: { handler: scardCommand },
  spop: { handler: spopCommand },
  srandmember: { handler: srandmemberCommand },
  smove: { handler: smoveCommand },
  sscan: { handler: sscanCommand },
  ...setAlgebraCommands,
};
