/**
 * Set algebra (t_set.c): SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF,
 * SDIFFSTORE. Keys may live in different shards: the dispatcher holds every involved shard's
 * lock for the whole command, so a command reads and writes all of them atomically. Results
 * are built as real set values (with Redis 7.2's encoding rules) in the destination's heap
 * for the STORE forms, or in the first key's heap as a temporary freed before returning.
 * Member bytes are copied between heaps; no JS structure outlives the command.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, ESet } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { parseInt64 } from '../args.js';
import type { Heap } from '../../sab/alloc.js';
import { isNew, parseI64 } from '../../sab/intset.js';
import { lpNew } from '../../sab/listpack.js';
import {
  SetVal, setAdd, setForEach, setFree, setHas, setMaybeToIntset, setRemove, setSize,
} from '../../types/set.js';
import { EV, Nc, notify, overwriting } from '../../server/notify.js';

/** One input set: its heap, root and encoding (transient, for this command). */
interface Src {
  heap: Heap;
  vp: number;
  enc: Enc;
  size: number;
}

const kUnion = 0, kDiff = 1;
const dstSv = new SetVal();

/**
 * Look up key arguments [from, to) as sets. Returns the list (null for a missing key), or
 * null after replying WRONGTYPE.
 */
function loadSets(c: Ctx, from: number, to: number): (Src | null)[] | null {
  const out: (Src | null)[] = [];
  for (let i = from; i < to; i++) {
    const rec = c.lookupTypeOrReply(i, T.Set, false);
    if (rec < 0) return null;
    if (rec === 0) {
      out.push(null);
      continue;
    }
    const s = c.shard(i), vp = s.valuePtr(rec), enc = s.encoding(rec);
    out.push({ heap: s.heap, vp, enc, size: setSize(s.heap, vp, enc) });
  }
  return out;
}

/** Insert a new key (argument i, known absent) holding the set value `sv` of its shard. */
export function insertSet(c: Ctx, i: number, sv: SetVal): void {
  const s = c.shard(i);
  s.lookup(c.db, c.buf, c.offs[i], c.lens[i], c.now); // absent: sets the hash insertValue reuses
  s.insertValue(c.db, c.buf, c.offs[i], c.lens[i], T.Set, sv.enc, sv.vp, c.now);
}

const same = (a: Src, b: Src) => a.heap === b.heap && a.vp === b.vp;

/** Replace key argument i with the set value `sv` (built in its shard's heap). */
function storeSet(c: Ctx, i: number, sv: SetVal): void {
  if (deleteIfPresent(c, i)) overwriting(c.shard(i)); // Redis overwrites: no "new" event
  insertSet(c, i, sv);
}

/** Delete key argument i if it exists; true if it did. */
function deleteIfPresent(c: Ctx, i: number): boolean {
  const s = c.shard(i);
  const rec = s.lookup(c.db, c.buf, c.offs[i], c.lens[i], c.now);
  if (rec === 0) return false;
  s.deleteFound(c.db, rec);
  return true;
}

/** SINTERSTORE with a missing input: delete the destination (keyspace event del if it existed). */
function storeEmpty(c: Ctx, di: number): void {
  if (deleteIfPresent(c, di)) notify(c, Nc.Generic, EV.del, di);
}

/**
 * Store a finished result in destination argument `di` (or delete it when empty), with the
 * keyspace event `event` (sinterstore, sunionstore, sdiffstore); reply the size.
 */
function finishStore(c: Ctx, di: number, sv: SetVal, event: Uint8Array): void {
  const n = setSize(sv.heap, sv.vp, sv.enc);
  if (n > 0) {
    storeSet(c, di, sv);
    c.reply.int(n);
    notify(c, Nc.Set, event, di);
  } else {
    setFree(sv.heap, sv.vp, sv.enc);
    const existed = deleteIfPresent(c, di);
    c.reply.int(0);
    if (existed) notify(c, Nc.Generic, EV.del, di);
  }
}

// ------------------------------------------------------------------ intersection

/**
 * SINTER / SINTERCARD / SINTERSTORE over key arguments [from, to). dst = destination argument
 * (-1 for none); cardOnly with limit (0 = none) for SINTERCARD.
 */
function interGeneric(c: Ctx, from: number, to: number, dst: number, cardOnly: boolean, limit: number): void {
  const loaded = loadSets(c, from, to);
  if (loaded === null) return;
  if (loaded.includes(null)) {
    // An empty (missing) set empties the intersection.
    if (dst >= 0) {
      storeEmpty(c, dst);
      return c.reply.int(0);
    }
    return cardOnly ? c.reply.int(0) : c.reply.set(0);
  }
  const sets = (loaded as Src[]).sort((a, b) => a.size - b.size);
  const first = sets[0];
  const others = sets.slice(1).filter((s) => !same(s, first));
  const inAll = (b: Uint8Array, off: number, len: number): boolean => {
    for (const s of others) if (!setHas(s.heap, s.vp, s.enc, b, off, len)) return false;
    return true;
  };
  if (cardOnly) {
    let n = 0;
    try {
      setForEach(first.heap, first.vp, first.enc, (b, off, len) => {
        if (inAll(b, off, len) && ++n === limit) throw kStop;
      });
    } catch (e) {
      if (e !== kStop) throw e;
    }
    return c.reply.int(n);
  }
  if (dst < 0) {
    // Collect first (the reply needs the count up front), then reply.
    const hits = new MemberList();
    setForEach(first.heap, first.vp, first.enc, (b, off, len) => {
      if (inAll(b, off, len)) hits.push(b, off, len);
    });
    c.reply.set(hits.count);
    hits.replyAll(c);
    return;
  }
  // STORE: the result starts as an intset if the smallest set is one, else a listpack, and
  // converts as it grows; all-integer results become an intset at the end (Redis 7.2).
  const heap = c.shard(dst).heap, lim = c.engine.config.limits;
  const sv = first.enc === Enc.Intset ? dstSv.at(heap, isNew(heap), Enc.Intset) : dstSv.at(heap, lpNew(heap), Enc.Listpack);
  let onlyIntegers = true;
  setForEach(first.heap, first.vp, first.enc, (b, off, len) => {
    if (!inAll(b, off, len)) return;
    if (onlyIntegers && first.enc !== Enc.Intset && !parseI64(b, off, len)) onlyIntegers = false;
    setAdd(sv, b, off, len, lim);
  });
  if (onlyIntegers && setSize(sv.heap, sv.vp, sv.enc) > 0) setMaybeToIntset(sv, lim);
  finishStore(c, dst, sv, EV.sinterstore);
}

const kStop = { stop: true };

/** Member bytes collected while a command runs (one growing buffer + offsets). */
class MemberList {
  private buf = new Uint8Array(256);
  private used = 0;
  private ends: number[] = [];

  get count(): number {
    return this.ends.length;
  }

  push(b: Uint8Array, off: number, len: number): void {
    if (this.used + len > this.buf.length) {
      const nb = new Uint8Array(Math.max(this.buf.length * 2, this.used + len));
      nb.set(this.buf.subarray(0, this.used));
      this.buf = nb;
    }
    this.buf.set(b.subarray(off, off + len), this.used);
    this.used += len;
    this.ends.push(this.used);
  }

  replyAll(c: Ctx): void {
    let start = 0;
    for (const end of this.ends) {
      c.reply.bulk(this.buf, start, end - start);
      start = end;
    }
  }
}

// ------------------------------------------------------------------ union, difference

/** SUNION / SDIFF and their STORE forms over key arguments [from, to); dst = -1 for none. */
function unionDiffGeneric(c: Ctx, from: number, to: number, dst: number, op: number): void {
  const sets = loadSets(c, from, to);
  if (sets === null) return;
  const home = dst >= 0 ? dst : from;
  const heap = c.shard(home).heap, lim = c.engine.config.limits;
  const sv = dstSv.at(heap, isNew(heap), Enc.Intset);
  const add = (b: Uint8Array, off: number, len: number) => { setAdd(sv, b, off, len, lim); };
  const first = sets[0];
  if (op === kUnion) {
    for (const s of sets) if (s !== null) setForEach(s.heap, s.vp, s.enc, add);
  } else if (first !== null && !sets.slice(1).some((s) => s !== null && same(s, first))) {
    // Redis picks between two algorithms by estimated work; the result is the same set, but
    // the encoding of the temporary (and so of a stored result) can differ, so follow it.
    let one = 0, two = 0;
    for (const s of sets) {
      if (s === null) continue;
      one += first.size;
      two += s.size;
    }
    one = Math.floor(one / 2);
    const rest = sets.slice(1).filter((s): s is Src => s !== null);
    if (one <= two) {
      setForEach(first.heap, first.vp, first.enc, (b, off, len) => {
        for (const s of rest) if (setHas(s.heap, s.vp, s.enc, b, off, len)) return;
        setAdd(sv, b, off, len, lim);
      });
    } else {
      setForEach(first.heap, first.vp, first.enc, add);
      const del = (b: Uint8Array, off: number, len: number) => { setRemove(sv, b, off, len); };
      for (const s of rest) {
        setForEach(s.heap, s.vp, s.enc, del);
        if (setSize(sv.heap, sv.vp, sv.enc) === 0) break;
      }
    }
  }
  if (dst >= 0) return finishStore(c, dst, sv, op === kUnion ? EV.sunionstore : EV.sdiffstore);
  const reply = c.reply;
  reply.set(setSize(sv.heap, sv.vp, sv.enc));
  setForEach(sv.heap, sv.vp, sv.enc, (b, off, len) => reply.bulk(b, off, len));
  setFree(sv.heap, sv.vp, sv.enc);
}

// ------------------------------------------------------------------ commands

function sinterCommand(c: Ctx): void {
  interGeneric(c, 1, c.argc, -1, false, 0);
}

function sinterstoreCommand(c: Ctx): void {
  interGeneric(c, 2, c.argc, 1, false, 0);
}

function sintercardCommand(c: Ctx): void {
  const nk = parseInt64(c.buf, c.offs[1], c.lens[1]);
  if (nk === null || nk < 1) return c.reply.error(ESet.numkeysPositive);
  if (nk > c.argc - 2) return c.reply.error(ESet.numkeysTooMany);
  const numkeys = Number(nk);
  let limit = 0;
  for (let i = 2 + numkeys; i < c.argc; i++) {
    if (c.is(i, 'LIMIT') && i + 1 < c.argc) {
      const v = parseInt64(c.buf, c.offs[i + 1], c.lens[i + 1]);
      if (v === null || v < 0) return c.reply.error(ESet.limitNegative);
      limit = Number(v);
      i++;
    } else return c.reply.error(E.syntax);
  }
  interGeneric(c, 2, 2 + numkeys, -1, true, limit);
}

function sunionCommand(c: Ctx): void {
  unionDiffGeneric(c, 1, c.argc, -1, kUnion);
}

function sunionstoreCommand(c: Ctx): void {
  unionDiffGeneric(c, 2, c.argc, 1, kUnion);
}

function sdiffCommand(c: Ctx): void {
  unionDiffGeneric(c, 1, c.argc, -1, kDiff);
}

function sdiffstoreCommand(c: Ctx): void {
  unionDiffGeneric(c, 2, c.argc, 1, kDiff);
}

// ------------------------------------------------------------------ registration

export const setAlgebraCommands: FamilyTable = {
  sinter: { handler: sinterCommand },
  sintercard: { handler: sintercardCommand },
  sinterstore: { handler: sinterstoreCommand },
  sunion: { handler: sunionCommand },
  sunionstore: { handler: sunionstoreCommand },
  sdiff: { handler: sdiffCommand },
  sdiffstore: { handler: sdiffstoreCommand },
};
