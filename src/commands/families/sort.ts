/**
 * SORT and SORT_RO (Redis 7.0 sort.c), in the generic group.
 *
 *   SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE dst]
 *   SORT_RO key ... (the same without STORE: "STORE" is then a syntax error, as in Redis)
 *
 * Flow (one command, every shard locked: the pattern keys may live in any shard):
 *   parse options (errors in argument order, before the key is looked up)
 *   → look up the key: list, set or sorted set; missing = empty list; else WRONGTYPE
 *   → copy the elements to sort into a transient byte table (only the LIMIT range when nothing
 *     is sorted and the value is ordered: a list, or a zset by rank)
 *   → weights: the element itself, or the value of the BY pattern's key / hash field
 *   → sort an index permutation: a stable sort, like glibc's qsort merge sort (radix on 64-bit
 *     keys + the full comparison within equal keys), or, for BY ... ALPHA with a LIMIT, Redis's
 *     partial quicksort (sort-util.ts) so equal weights come out in the same order
 *   → reply the LIMIT range (with GET lookups), or build the STORE destination list.
 *
 * No SAB layout of its own: the result of STORE is a list built with the list type's API, and
 * nothing per element survives the command (the byte tables are JS memory of one call).
 *
 * Redis behaviours kept on purpose:
 * - A sorted set in a listpack is converted to a skiplist first, even by SORT_RO (sort.c's
 *   "destructively convert encoded sorted sets for SORT"): OBJECT ENCODING reports skiplist.
 * - A set sorted with BY <constant> into STORE is sorted ALPHA (so replicas agree).
 * - Patterns are C strings: '*', "->" and "#" are only seen before the first NUL byte.
 * - ALPHA compares with strcoll (C locale: bytes up to the first NUL); with STORE, Redis
 *   compares whole byte strings instead. Equal numeric weights compare the elements' bytes.
 * - A missing GET value is nil in the reply and an empty string in a STORE list.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { EV, Nc, notify, overwriting } from '../../server/notify.js';
import { E, ES } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { curData, curLen, listLength, listSeek, listStep } from '../../types/list.js';
import { setForEach, setSize } from '../../types/set.js';
import { ZIter, zsetLength, zsetToSkiplist } from '../../types/zset.js';
import { hashGet, hv } from '../../types/hash.js';
import { listCreateKey, listFill, listPush } from './list.js';
import { bytesCompare, cstrCompare, doubleKeys, keySort, partialSort, prefixKeys, type IndexCompare } from './sort-util.js';
import { sortScore } from './sort-strtod.js';

// ------------------------------------------------------------------ byte table

/** Byte strings appended one after another (transient, one command). */
class Strs {
  u8: Uint8Array = new Uint8Array(256);
  used = 0;
  offs = new Int32Array(16);
  lens = new Int32Array(16);
  n = 0;

  push(b: Uint8Array, off: number, len: number): number {
    if (this.used + len > this.u8.length) {
      const nu = new Uint8Array(Math.max(this.used + len, this.u8.length * 2));
      nu.set(this.u8.subarray(0, this.used));
      this.u8 = nu;
    }
    if (this.n === this.offs.length) {
      const no = new Int32Array(this.n * 2), nl = new Int32Array(this.n * 2);
      no.set(this.offs);
      nl.set(this.lens);
      this.offs = no;
      this.lens = nl;
    }
    this.u8.set(b.subarray(off, off + len), this.used);
    this.offs[this.n] = this.used;
    this.lens[this.n] = len;
    this.used += len;
    return this.n++;
  }
}

// ------------------------------------------------------------------ patterns

const kNoKey = 0, kSelf = 1, kKey = 2;

/** A BY/GET pattern as lookupKeyByPattern reads it (absolute offsets into c.buf). */
interface Pattern {
  kind: number;
  off: number;
  star: number;
  postEnd: number;
  fieldOff: number;
  /** -1: the key's string value; else a hash field. */
  fieldLen: number;
}

/** Length of argument i as a C string (up to its first NUL). */
function cLen(c: Ctx, i: number): number {
  const b = c.buf, o = c.offs[i], n = c.lens[i];
  for (let k = 0; k < n; k++) if (b[o + k] === 0) return k;
  return n;
}

function starAt(c: Ctx, i: number): number {
  const b = c.buf, o = c.offs[i], n = cLen(c, i);
  for (let k = 0; k < n; k++) if (b[o + k] === 42) return o + k;
  return -1;
}

function parsePattern(c: Ctx, i: number): Pattern {
  const b = c.buf, o = c.offs[i], len = c.lens[i];
  const p: Pattern = { kind: kNoKey, off: o, star: -1, postEnd: o + len, fieldOff: 0, fieldLen: -1 };
  if (len >= 1 && b[o] === 35 && (len === 1 || b[o + 1] === 0)) {
    p.kind = kSelf;
    return p;
  }
  const star = starAt(c, i);
  if (star < 0) return p;
  p.kind = kKey;
  p.star = star;
  const cend = o + cLen(c, i);
  for (let f = star + 1; f + 1 < cend; f++) {
    if (b[f] === 45 && b[f + 1] === 62) {
      if (f + 2 < cend) {
        p.postEnd = f;
        p.fieldOff = f + 2;
        p.fieldLen = o + len - (f + 2);
      }
      break;
    }
  }
  return p;
}

let keyBuf = new Uint8Array(256);
/** Where lookupPattern found the value: bytes found.u8[off, off+len), valid until a heap changes. */
const found: { u8: Uint8Array; off: number; len: number } = { u8: keyBuf, off: 0, len: 0 };

/** Redis's lookupKeyByPattern for element eb[eo, eo+el): false when it yields no value. */
function lookupPattern(c: Ctx, p: Pattern, eb: Uint8Array, eo: number, el: number): boolean {
  if (p.kind === kSelf) {
    found.u8 = eb;
    found.off = eo;
    found.len = el;
    return true;
  }
  if (p.kind === kNoKey) return false;
  const b = c.buf;
  const pre = p.star - p.off, post = p.postEnd - p.star - 1;
  const klen = pre + el + post;
  if (klen > keyBuf.length) keyBuf = new Uint8Array(Math.max(klen, keyBuf.length * 2));
  const kb = keyBuf;
  for (let k = 0; k < pre; k++) kb[k] = b[p.off + k];
  if (el < 64) for (let k = 0; k < el; k++) kb[pre + k] = eb[eo + k];
  else kb.set(eb.subarray(eo, eo + el), pre);
  for (let k = 0, q = pre + el, from = p.star + 1; k < post; k++) kb[q + k] = b[from + k];
  const s = c.engine.shards[c.engine.shardOfKey(keyBuf, 0, klen)];
  const rec = s.lookupRead(c.db, keyBuf, 0, klen, c.now, !c.client.noTouch);
  if (rec === 0) return false;
  const type = s.type(rec);
  if (p.fieldLen >= 0) {
    if (type !== T.Hash) return false;
    if (!hashGet(s.heap, s.valuePtr(rec), s.encoding(rec), b, p.fieldOff, p.fieldLen)) return false;
    found.u8 = s.heap.u8;
    found.off = hv.off;
    found.len = hv.len;
    return true;
  }
  if (type !== T.String) return false;
  found.u8 = s.heap.u8;
  found.off = s.valOffset(rec);
  found.len = s.valLen(rec);
  return true;
}

// ------------------------------------------------------------------ command

function setKeyShard(c: Ctx, i: number): void {
  if (c.keyShard.length < c.argc) c.keyShard = new Int32Array(Math.max(c.argc, c.keyShard.length * 2));
  c.keyShard[i] = c.engine.shardOfKey(c.buf, c.offs[i], c.lens[i]);
}

function sortGeneric(c: Ctx, readonly: boolean): void {
  const r = c.reply;
  let desc = false, alpha = false, dontsort = false;
  let limitStart = 0, limitCount = -1;
  let byArg = -1, storeArg = -1;
  const gets: number[] = [];
  for (let j = 2; j < c.argc; j++) {
    const left = c.argc - j - 1;
    if (c.is(j, 'ASC')) desc = false;
    else if (c.is(j, 'DESC')) desc = true;
    else if (c.is(j, 'ALPHA')) alpha = true;
    else if (c.is(j, 'LIMIT') && left >= 2) {
      const s = c.long(j + 1), n = s === null ? null : c.long(j + 2);
      if (s === null || n === null) return r.error(E.notInteger);
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (!readonly && c.is(j, 'STORE') && left >= 1) {
      storeArg = ++j;
    } else if (c.is(j, 'BY') && left >= 1) {
      byArg = ++j;
      if (starAt(c, j) < 0) dontsort = true;
    } else if (c.is(j, 'GET') && left >= 1) {
      gets.push(++j);
    } else return r.error(E.syntax);
  }

  setKeyShard(c, 1);
  if (storeArg >= 0) setKeyShard(c, storeArg);
  const s = c.shard(1);
  const rec = c.lookupRead(1);
  const type = rec === 0 ? T.List : s.type(rec);
  if (type !== T.List && type !== T.Set && type !== T.ZSet) return r.error(E.wrongType);
  if (dontsort && type === T.Set && storeArg >= 0) {
    // Redis sorts a set anyway when the result is stored, so that replicas get the same list.
    dontsort = false;
    alpha = true;
    byArg = -1;
  }
  if (rec !== 0 && type === T.ZSet && s.encoding(rec) === Enc.Listpack) zsetToSkiplist(s, rec);

  const heap = s.heap;
  const vp = rec === 0 ? 0 : s.valuePtr(rec), enc = rec === 0 ? Enc.Listpack : s.encoding(rec);
  const len = rec === 0 ? 0 : type === T.List ? listLength(heap, vp, enc) : type === T.Set ? setSize(heap, vp, enc) : zsetLength(heap, vp, enc);

  // LIMIT, clamped to the value's size as Redis 7.0.15 does (no overflow on huge counts).
  let start = Math.min(Math.max(limitStart, 0), len);
  const count = Math.min(Math.max(limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  let want = len;
  if (type !== T.Set && dontsort && (start !== 0 || end !== len - 1)) want = end - start + 1;

  // Load the elements.
  const el = new Strs();
  if (rec !== 0 && type === T.List) {
    const from = dontsort ? (end >= start ? (desc ? len - start - 1 : start) : -1) : 0;
    const forward = !(dontsort && desc);
    if (from >= 0 && listSeek(heap, vp, enc, from)) {
      do el.push(heap.u8, curData(heap), curLen(heap));
      while (el.n < want && listStep(heap, forward));
    }
    if (dontsort && end >= start) {
      end -= start;
      start = 0;
    }
  } else if (type === T.Set) {
    setForEach(heap, vp, enc, (b, o, l) => {
      el.push(b, o, l);
    });
  } else if (type === T.ZSet) {
    const it = new ZIter(heap, vp, enc);
    const back = dontsort && desc;
    let ok = dontsort ? (want > 0 && it.rank(desc ? len - 1 - start : start)) : it.first();
    for (; ok && el.n < want; ok = it.step(back)) el.push(heap.u8, it.off(), it.len());
    if (dontsort) {
      end -= start;
      start = 0;
    }
  }
  const n = el.n;

  // Weights.
  let convError = false;
  let scores: Float64Array | null = null;
  let cmpOff: Int32Array | null = null, cmpLen: Int32Array | null = null;
  const by = byArg >= 0 && !dontsort ? parsePattern(c, byArg) : null;
  if (!dontsort) {
    if (!alpha) scores = new Float64Array(n);
    else if (by !== null) {
      cmpOff = new Int32Array(n).fill(-1);
      cmpLen = new Int32Array(n);
    }
    for (let j = 0; j < n; j++) {
      let wb = el.u8, wo = el.offs[j], wl = el.lens[j];
      if (by !== null) {
        if (!lookupPattern(c, by, el.u8, wo, wl)) continue;
        wb = found.u8;
        wo = found.off;
        wl = found.len;
      }
      if (scores !== null) {
        const v = sortScore(wb, wo, wl);
        if (Number.isNaN(v)) convError = true;
        scores[j] = v;
      } else if (cmpOff !== null) {
        const k = el.push(wb, wo, wl);
        cmpOff[j] = el.offs[k];
        cmpLen![j] = wl;
      }
    }
  }
  if (convError) return r.error(ES.scoresNotDouble);

  // Sort a permutation of the element indexes.
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  if (!dontsort && n > 1) {
    const store = storeArg >= 0;
    const cmp = comparator(el, desc, scores, cmpOff, cmpLen, store);
    if (alpha && by !== null && (start !== 0 || end !== n - 1)) {
      // Equal ALPHA weights come out in the order of Redis's partial quicksort. (Numeric
      // weights tie-break on the elements: a total order, any sort gives the same range.)
      partialSort(order, n, cmp, start, end);
    } else if (n < 64) {
      const a = Array.from(order).sort(cmp);
      for (let j = 0; j < n; j++) order[j] = a[j];
    } else {
      // Keys: the score then the element's first 16 bytes (its tie-break), or the ALPHA
      // string's first bytes; the full comparison settles runs of equal keys.
      const keys = scores !== null
        ? [...doubleKeys(scores, n, desc), ...prefixKeys(el.u8, el.offs, el.lens, n, false, desc, false, 4)]
        : cmpOff !== null ? prefixKeys(el.u8, cmpOff, cmpLen!, n, !store, desc, true, 4)
          : prefixKeys(el.u8, el.offs, el.lens, n, !store, desc, false, 4);
      keySort(order, n, keys, cmp);
    }
  }

  const rows = end - start + 1;
  const outputLen = gets.length > 0 ? gets.length * rows : rows;
  const pats = gets.map((i) => parsePattern(c, i));
  if (storeArg < 0) {
    r.array(outputLen);
    for (let j = start; j <= end; j++) {
      const e = order[j];
      if (pats.length === 0) r.bulk(el.u8, el.offs[e], el.lens[e]);
      for (const p of pats) {
        if (lookupPattern(c, p, el.u8, el.offs[e], el.lens[e])) r.bulk(found.u8, found.off, found.len);
        else r.nullBulk();
      }
    }
    return;
  }

  // STORE: the rows as a new list (replacing any value), or no key at all when empty.
  const out = new Strs();
  for (let j = start; j <= end; j++) {
    const e = order[j];
    if (pats.length === 0) out.push(el.u8, el.offs[e], el.lens[e]);
    for (const p of pats) {
      if (lookupPattern(c, p, el.u8, el.offs[e], el.lens[e])) out.push(found.u8, found.off, found.len);
      else out.push(el.u8, 0, 0);
    }
  }
  const existed = c.deleteKey(storeArg);
  if (outputLen > 0) {
    const ds = c.shard(storeArg), db = c.db;
    const ko = c.offs[storeArg], kl = c.lens[storeArg];
    ds.lookup(db, c.buf, ko, kl, c.now); // absent now; sets the hash insert reuses
    if (existed) overwriting(ds); // Redis overwrites the key in place: no "new" event
    const drec = listCreateKey(ds, db, c.buf, ko, kl, c.now);
    listPush(ds, drec, false, out.u8, out.offs, out.lens, 0, out.n, listFill(c));
    notify(c, Nc.List, EV.sortstore, storeArg);
    c.signalReady(storeArg);
  } else if (existed) notify(c, Nc.Generic, EV.del, storeArg);
  r.int(outputLen);
}

/** sort.c's sortCompare for the chosen mode (DESC negates the whole comparison). */
function comparator(
  el: Strs, desc: boolean, scores: Float64Array | null, cmpOff: Int32Array | null,
  cmpLen: Int32Array | null, store: boolean,
): IndexCompare {
  const u8 = el.u8, offs = el.offs, lens = el.lens, sign = desc ? -1 : 1;
  if (scores !== null) {
    return (a, b) => {
      const x = scores[a], y = scores[b];
      const r = x > y ? 1 : x < y ? -1 : bytesCompare(u8, offs[a], lens[a], offs[b], lens[b]);
      return r * sign;
    };
  }
  const strCmp = store ? bytesCompare : cstrCompare;
  if (cmpOff !== null) {
    const cl = cmpLen!;
    return (a, b) => {
      const ao = cmpOff[a], bo = cmpOff[b];
      let r: number;
      if (ao < 0 || bo < 0) r = ao === bo ? 0 : ao < 0 ? -1 : 1;
      else r = strCmp(u8, ao, cl[a], bo, cl[b]);
      return r * sign;
    };
  }
  return (a, b) => strCmp(u8, offs[a], lens[a], offs[b], lens[b]) * sign;
}

export const sortCommands: FamilyTable = {
  sort: { handler: (c) => sortGeneric(c, false), allShards: true },
  sort_ro: { handler: (c) => sortGeneric(c, true), allShards: true },
};
