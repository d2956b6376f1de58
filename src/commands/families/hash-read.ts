/**
 * Hash family, the commands that read a whole hash or a sample of it: HGETALL, HKEYS, HVALS,
 * HRANDFIELD and HSCAN (t_hash.c, db.c's scanGenericCommand). Registered in hash.ts.
 */
import type { Ctx } from '../context.js';
import { E, EH } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import type { Heap } from '../../sab/alloc.js';
import { globMatch } from '../../server/glob.js';
import { beginValueScan } from './generic-scan.js';
import { hashDict, hashEntries, hashLen, hashRandomEntry, kEntryHeader } from '../../types/hash.js';

// ------------------------------------------------------------------ ops

const kKeys = 1, kVals = 2;

/** Reply field and/or value of entry i of a hashEntries() snapshot. */
function replyEntry(c: Ctx, u8: Uint8Array, ents: number[], i: number, what: number): void {
  if (what & kKeys) c.reply.bulk(u8, ents[i * 4], ents[i * 4 + 1]);
  if (what & kVals) c.reply.bulk(u8, ents[i * 4 + 2], ents[i * 4 + 3]);
}

/** Push hashtable entry e onto a snapshot in hashEntries() form. */
function pushEntry(heap: Heap, e: number, out: number[]): void {
  const u32 = heap.u32, flen = u32[e * 2];
  out.push(e * 8 + kEntryHeader, flen, e * 8 + kEntryHeader + flen, u32[e * 2 + 1]);
}

/** HGETALL / HKEYS / HVALS (Redis's genericHgetallCommand). */
function hgetallGeneric(c: Ctx, what: number): void {
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  const both = what === (kKeys | kVals);
  if (rec === 0) return both ? c.reply.map(0) : c.reply.array(0);
  const s = c.shard(1), heap = s.heap;
  const ents = hashEntries(heap, s.valuePtr(rec), s.encoding(rec));
  const n = ents.length >>> 2;
  if (both) c.reply.map(n);
  else c.reply.array(n);
  for (let i = 0; i < n; i++) replyEntry(c, heap.u8, ents, i, what);
}

export const hgetallCommand = (c: Ctx) => hgetallGeneric(c, kKeys | kVals);
export const hkeysCommand = (c: Ctx) => hgetallGeneric(c, kKeys);
export const hvalsCommand = (c: Ctx) => hgetallGeneric(c, kVals);

// ------------------------------------------------------------------ HRANDFIELD

const kLongMax = 2n ** 63n - 1n;

export function hrandfieldCommand(c: Ctx): void {
  if (c.argc < 3) {
    const rec = c.lookupTypeOrReply(1, T.Hash, false);
    if (rec < 0) return;
    if (rec === 0) return c.reply.nullBulk();
    const s = c.shard(1), heap = s.heap, vp = s.valuePtr(rec), enc = s.encoding(rec);
    const one: number[] = [0, 0, 0, 0];
    randomEntry(heap, vp, enc === Enc.Listpack ? hashEntries(heap, vp, enc) : null, one);
    return c.reply.bulk(heap.u8, one[0], one[1]);
  }
  // Redis checks the count (range -LONG_MAX..LONG_MAX), then the syntax, then the key.
  const l = c.int64(2);
  if (l === null) return c.reply.error(E.notInteger);
  if (BigInt(l) < -kLongMax) return c.reply.error(EH.rangeLong(String(-kLongMax), String(kLongMax)));
  if (c.argc > 4 || (c.argc === 4 && !c.is(3, 'WITHVALUES'))) return c.reply.error(E.syntax);
  const withValues = c.argc === 4;
  // With values the reply has 2·count elements: Redis refuses counts beyond ±LONG_MAX/2.
  if (withValues && (BigInt(l) < -(kLongMax / 2n) || BigInt(l) > kLongMax / 2n)) return c.reply.error(EH.valueOutOfRange);
  const rec = c.lookupTypeOrReply(1, T.Hash, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.array(0);
  const s = c.shard(1), heap = s.heap, vp = s.valuePtr(rec), enc = s.encoding(rec);
  const size = hashLen(heap, vp, enc);
  const pairs = withValues && c.reply.resp === 3;
  const what = withValues ? kKeys | kVals : kKeys;
  if (l < 0) {
    // With repetition: reply as we draw (no snapshot of the picks, however many are asked).
    const n = Number(-BigInt(l));
    c.reply.array(withValues && !pairs ? n * 2 : n);
    const all = enc === Enc.Listpack ? hashEntries(heap, vp, enc) : null;
    const one: number[] = [0, 0, 0, 0];
    for (let k = 0; k < n; k++) {
      randomEntry(heap, vp, all, one);
      if (pairs) c.reply.array(2);
      replyEntry(c, heap.u8, one, 0, what);
    }
    return;
  }
  let ents: number[];
  if (l === 0) ents = [];
  else if (l >= size) ents = hashEntries(heap, vp, enc);
  else ents = uniqueRandomEntries(heap, vp, enc, Number(l), size);
  const n = ents.length >>> 2;
  c.reply.array(withValues && !pairs ? n * 2 : n);
  for (let i = 0; i < n; i++) {
    if (pairs) c.reply.array(2);
    replyEntry(c, heap.u8, ents, i, what);
  }
}

/**
 * One field picked at random into `out` (hashEntries() form). `all` is the snapshot of a
 * listpack hash (null for a hashtable, which draws from its Dict).
 */
function randomEntry(heap: Heap, vp: number, all: number[] | null, out: number[]): void {
  if (all !== null) {
    const i = Math.floor(Math.random() * (all.length >>> 2)) * 4;
    out[0] = all[i];
    out[1] = all[i + 1];
    out[2] = all[i + 2];
    out[3] = all[i + 3];
    return;
  }
  const e = hashRandomEntry(heap, vp);
  const u32 = heap.u32, flen = u32[e * 2];
  out[0] = e * 8 + kEntryHeader;
  out[1] = flen;
  out[2] = e * 8 + kEntryHeader + flen;
  out[3] = u32[e * 2 + 1];
}

/** `count` (< size) distinct fields in random order, in hashEntries() form. */
function uniqueRandomEntries(heap: Heap, vp: number, enc: Enc, count: number, size: number): number[] {
  if (enc === Enc.Hashtable && count * 3 <= size) {
    // Few of many: draw until enough distinct entries (Redis's CASE 4).
    const seen = new Set<number>();
    const out: number[] = [];
    while (seen.size < count) {
      const e = hashRandomEntry(heap, vp);
      if (seen.has(e)) continue;
      seen.add(e);
      pushEntry(heap, e, out);
    }
    return out;
  }
  // Otherwise shuffle a snapshot partially (Fisher–Yates over the first `count` places).
  const all = hashEntries(heap, vp, enc);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    for (let k = 0; k < 4; k++) {
      const t = all[i * 4 + k];
      all[i * 4 + k] = all[j * 4 + k];
      all[j * 4 + k] = t;
    }
  }
  all.length = count * 4;
  return all;
}

// ------------------------------------------------------------------ HSCAN

export function hscanCommand(c: Ctx): void {
  const scan = beginValueScan(c, T.Hash);
  if (scan === null) return;
  const { rec, count, pattern, cursor } = scan;
  const s = c.shard(1), heap = s.heap, vp = s.valuePtr(rec);
  let next = 0;
  let ents: number[];
  if (s.encoding(rec) === Enc.Listpack) {
    // A listpack hash is small: the whole of it in one reply, cursor 0 (as Redis does).
    ents = hashEntries(heap, vp, Enc.Listpack);
  } else {
    ents = [];
    const d = hashDict(heap, vp);
    const emit = (e: number) => pushEntry(heap, e, ents);
    // Redis's loop: stop once the reply holds `count` elements (two per field) or after
    // count·10 more bucket steps, whichever comes first.
    let v = cursor;
    let budget = count * 10;
    do {
      v = d.scan(v, emit);
    } while (v !== 0 && budget-- > 0 && (ents.length >>> 1) < count);
    next = v;
  }
  const u8 = heap.u8;
  let n = ents.length >>> 2;
  if (pattern !== null) {
    let k = 0;
    for (let i = 0; i < n; i++) {
      const fo = ents[i * 4], fl = ents[i * 4 + 1];
      if (!globMatch(pattern, Buffer.from(u8.buffer, fo, fl).toString('latin1'), false)) continue;
      for (let j = 0; j < 4; j++) ents[k * 4 + j] = ents[i * 4 + j];
      k++;
    }
    n = k;
  }
  c.reply.array(2);
  c.reply.bulkString(String(next));
  c.reply.array(n * 2);
  for (let i = 0; i < n; i++) replyEntry(c, u8, ents, i, kKeys | kVals);
}
