/**
 * WATCH on shared memory: modification counters that every thread bumps when it writes a
 * watched key, so EXEC on any thread can tell whether a key it watches was touched by any
 * client since WATCH (Redis's multi.c keeps a dict of watching clients per key; a key here may
 * be written by a thread that cannot see another thread's clients, so the signal lives in the
 * shard instead).
 *
 * Layout: one block per shard, in the shard heap, reached through heap root kWatchRoot,
 * allocated by the first WATCH of a key in that shard (0 = never used: writers skip everything).
 *
 *   u32 word (from the block start)
 *   ┌────────┬────────┬──────────────────┬──────────────────┬───────┬───────────┬─────────────┬─────────────┐
 *   │0 magic │1 total │2..17 flush epoch │18..33 swap epoch │ spare │64.. refs  │ counters A  │ counters B  │
 *   │ 'WTCH' │ entries│  per db          │  per db          │       │ [kSlots]  │ [kSlots]    │ [kSlots]    │
 *   └────────┴────────┴──────────────────┴──────────────────┴───────┴───────────┴─────────────┴─────────────┘
 *
 *   A watched (db, key) hashes to two slots: a = h & 0xffff and b = h >>> 16 of a 32-bit hash
 *   of the key mixed with the db. refs[a] counts live WATCH entries whose key has slot a;
 *   counters A[a] and B[b] are bumped by every real write to a key whose slot a is watched.
 *
 * Invariants:
 * - Counters and epochs change only under the shard's lock; WATCH reads them and EXEC compares
 *   them under the same lock, so "unchanged" means no write to that shard touched the key's
 *   slots in between. Counters are u32 and only compared for equality (wrapping is harmless
 *   unless exactly 2^32 bumps fall between WATCH and EXEC).
 * - refs and total go up under the lock (WATCH, Atomics.add) and down with Atomics.sub from
 *   any thread without the lock (UNWATCH, EXEC, disconnect). A writer that reads a stale
 *   non-zero count only bumps a counter nobody needs; it can never read zero while an entry
 *   that went up under the lock it now holds is live.
 * - A real modification of a watched key bumps both of its counters, so EXEC never misses one.
 *   A false abort needs other written keys (same shard) to have hit both slots: with w distinct
 *   keys really written in that shard during the watch, the chance is about (w/65536)^2 per
 *   watched key: 2e-6 for w = 100, 2e-4 for w = 1000, 2% for w = 10000.
 * - The block is never freed or moved (768 KiB per shard that ever saw a WATCH).
 *
 * What counts as a write (Engine.execute → runWrite, centralized so families need no changes):
 * a command flagged `write` that did not reply an error bumps each key of its non-RO key specs
 * whose slot is watched and that existed before or exists after the command (a no-op write on
 * a missing key, like DEL of a missing or stale key, is not a modification, as in Redis; a
 * no-op on an existing key, like SETNX on it, is counted, where Redis would not count it).
 * FLUSHDB/FLUSHALL bump a per-db flush epoch and SWAPDB a per-db swap epoch; MOVE and COPY ...
 * DB also bump the key in the other db. Expiry needs no bump: WATCH records the key's expiry
 * time, and EXEC treats a key that was live at WATCH and is past that time as modified
 * (Redis 7.0; a key already stale at WATCH is not).
 */
import type { Ctx } from '../commands/context.js';
import { forEachKey } from '../commands/keys.js';
import type { Command } from '../commands/registry.js';
import type { KeySpec } from '../commands/spec.js';
import { eqUpper, parseLong } from '../commands/args.js';
import { hashBytes } from '../sab/hash.js';
import type { Shard } from '../shard/shard.js';

/** Heap root slot of the watch block (0-15 are the dbs, 16 the blocked-client queues). */
export const kWatchRoot = 17;
const kMagic = 0x48435457; // 'WTCH'
const kMagicField = 0;
const kTotalField = 1;
const kFlushEpochBase = 2;
const kSwapEpochBase = 18;
const kRefsBase = 64;
const kSlotBits = 16;
const kSlots = 1 << kSlotBits;
const kCountersA = kRefsBase + kSlots;
const kCountersB = kCountersA + kSlots;
const kBlockWords = kCountersB + kSlots;

/** One watched key of one client (kept on the watching thread). */
export interface WatchEntry {
  shard: number;
  db: number;
  key: Buffer;
  a: number;
  b: number;
  countA: number;
  countB: number;
  flushEpoch: number;
  swapEpoch: number;
  /** Live (present and not expired) at WATCH. */
  existed: boolean;
  /** The key's expiry time at WATCH when it was live with a TTL, else 0. */
  expireAt: number;
}

/** Mixed 32-bit hash of (db, key): low 16 bits slot a, high 16 bits slot b. */
function slotHash(db: number, b: Uint8Array, off: number, len: number): number {
  let h = hashBytes(b, off, len) ^ Math.imul(db + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

const enum Special { None, FlushDb, FlushAll, SwapDb, Move, Copy, Sort }

/** What runWrite needs to know about a write command, computed once per command. */
interface WriteInfo {
  specs: KeySpec[];
  simple: { first: number; last: number; step: number } | null;
  special: Special;
}

export class WatchTable {
  private readonly info = new Map<Command, WriteInfo>();
  /** Candidates of the running write: (arg index, shard, db, slot a, slot b, existed, rule). */
  private cand: number[] = [];

  constructor(
    private readonly shards: Shard[],
    private readonly shardOfKey: (b: Uint8Array, off: number, len: number) => number,
  ) {}

  /** The block of shard s, or 0 if no WATCH ever used it. Caller holds the shard lock. */
  private block(s: number): number {
    return this.shards[s].heap.root(kWatchRoot) * 2;
  }

  /** True if some shard of `mask` has live watch entries. Caller holds those shard locks. */
  active(mask: number): boolean {
    const shards = this.shards;
    for (let i = 0; mask !== 0; i++, mask >>>= 1) {
      if ((mask & 1) === 0) continue;
      const heap = shards[i].heap;
      const w = heap.root(kWatchRoot) * 2;
      if (w !== 0 && heap.u32[w + kTotalField] !== 0) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- the watcher's side

  /** WATCH one key (its shard locked by the caller). Returns null if already watched. */
  watch(list: WatchEntry[], s: number, db: number, b: Uint8Array, off: number, len: number, now: number): void {
    for (const e of list) {
      if (e.db === db && e.key.length === len && e.key.equals(b.subarray(off, off + len))) return;
    }
    const shard = this.shards[s];
    const heap = shard.heap;
    let w = this.block(s);
    if (w === 0) {
      const p = heap.alloc(kBlockWords * 4);
      heap.u32.fill(0, p * 2, p * 2 + kBlockWords);
      heap.u32[p * 2 + kMagicField] = kMagic;
      heap.setRoot(kWatchRoot, p);
      w = p * 2;
    }
    const u32 = heap.u32;
    const h = slotHash(db, b, off, len);
    const a = h & (kSlots - 1), sb = h >>> kSlotBits;
    Atomics.add(u32, w + kRefsBase + a, 1);
    Atomics.add(u32, w + kTotalField, 1);
    const rec = shard.tables[db].find(b, off, len, hashBytes(b, off, len));
    const exp = rec === 0 ? 0 : heap.f64[rec + 2];
    const existed = rec !== 0 && (exp === 0 || now <= exp);
    list.push({
      shard: s, db, key: Buffer.from(b.subarray(off, off + len)), a, b: sb,
      countA: u32[w + kCountersA + a], countB: u32[w + kCountersB + sb],
      flushEpoch: u32[w + kFlushEpochBase + db], swapEpoch: u32[w + kSwapEpochBase + db],
      existed, expireAt: existed ? exp : 0,
    });
  }

  /** Drop every entry of a client (any thread, no lock needed). */
  unwatchAll(list: WatchEntry[]): void {
    if (list.length === 0) return;
    for (const e of list) {
      const heap = this.shards[e.shard].heap;
      const w = heap.root(kWatchRoot) * 2;
      Atomics.sub(heap.u32, w + kRefsBase + e.a, 1);
      Atomics.sub(heap.u32, w + kTotalField, 1);
    }
    list.length = 0;
  }

  /** Shards of the watched keys (for EXEC's lock mask). */
  mask(list: WatchEntry[]): number {
    let m = 0;
    for (const e of list) m |= 1 << e.shard;
    return m;
  }

  /**
   * True if a watched key was modified since WATCH (EXEC then replies a null array). Every
   * watched key's shard is locked by the caller.
   */
  dirty(list: WatchEntry[], now: number): boolean {
    for (const e of list) {
      const heap = this.shards[e.shard].heap, u32 = heap.u32;
      const w = heap.root(kWatchRoot) * 2;
      if (u32[w + kCountersA + e.a] !== e.countA && u32[w + kCountersB + e.b] !== e.countB) return true;
      const dF = (u32[w + kFlushEpochBase + e.db] - e.flushEpoch) >>> 0;
      const dS = (u32[w + kSwapEpochBase + e.db] - e.swapEpoch) >>> 0;
      if (dS === 0 && dF !== 0) {
        // Only flushes: one removed the key if it was there (nothing re-created it: that is a write).
        if (e.existed) return true;
      } else if (dS !== 0) {
        // One SWAPDB touches the key if it exists on either side (Redis's
        // touchAllWatchedKeysInDb); after several flush/swap events the states in between are
        // unknown, so the EXEC is aborted.
        if (dS + dF > 1 || e.existed || this.live(e.shard, e.db, e.key, now)) return true;
      } else if (e.expireAt !== 0 && now > e.expireAt) {
        return true; // live at WATCH, expired since (Redis 7.0)
      }
    }
    return false;
  }

  private live(s: number, db: number, key: Uint8Array, now: number): boolean {
    return this.liveAt(s, db, key, 0, key.length, now);
  }

  private liveAt(s: number, db: number, b: Uint8Array, off: number, len: number, now: number): boolean {
    const shard = this.shards[s];
    const rec = shard.tables[db].find(b, off, len, hashBytes(b, off, len));
    if (rec === 0) return false;
    const exp = shard.heap.f64[rec + 2];
    return exp === 0 || now <= exp;
  }

  // ---------------------------------------------------------------- the writer's side

  /** A key was modified outside a command's key specs (blocking serves, embedded fast SET). */
  touch(s: number, db: number, b: Uint8Array, off: number, len: number): void {
    const heap = this.shards[s].heap;
    const w = heap.root(kWatchRoot) * 2;
    if (w === 0 || heap.u32[w + kTotalField] === 0) return;
    const h = slotHash(db, b, off, len);
    if (heap.u32[w + kRefsBase + (h & (kSlots - 1))] === 0) return;
    heap.u32[w + kCountersA + (h & (kSlots - 1))]++;
    heap.u32[w + kCountersB + (h >>> kSlotBits)]++;
  }

  /**
   * Run a write command's handler and bump the counters of the watched keys it modified.
   * Called by the engine instead of cmd.handler(c) when a shard of the command has watchers.
   */
  runWrite(c: Ctx, cmd: Command): void {
    const info = this.infoOf(cmd);
    const cand = this.cand;
    cand.length = 0;
    const db = c.client.db, now = c.now;
    const one = this.shards.length === 1;
    const visit = (i: number, kdb: number, rule: number, shard = -1) => {
      const s = shard >= 0 ? shard : one ? 0 : c.keyShard[i];
      const heap = this.shards[s].heap;
      const w = heap.root(kWatchRoot) * 2;
      if (w === 0 || heap.u32[w + kTotalField] === 0) return;
      const h = slotHash(kdb, c.buf, c.offs[i], c.lens[i]);
      if (heap.u32[w + kRefsBase + (h & (kSlots - 1))] === 0) return;
      const existed = this.liveAt(s, kdb, c.buf, c.offs[i], c.lens[i], now);
      cand.push(i, s, kdb, h & (kSlots - 1), h >>> kSlotBits, existed ? 1 : 0, rule);
    };
    const sk = info.simple;
    if (sk !== null) {
      const last = sk.last < 0 ? c.argc + sk.last : Math.min(sk.last, c.argc - 1);
      for (let i = sk.first; i <= last; i += sk.step) visit(i, db, 0);
    } else if (info.specs.length > 0) {
      forEachKey(info.specs, c.argc,
        (i) => (i < c.argc ? parseLong(c.buf, c.offs[i], c.lens[i]) : null),
        (i, kw) => i < c.argc && eqUpper(c.buf, c.offs[i], c.lens[i], kw.toUpperCase()),
        (i) => { if (i < c.argc) visit(i, db, 0); });
    }
    let other = -1;
    if (info.special === Special.Move && c.argc === 3) {
      other = parseLong(c.buf, c.offs[2], c.lens[2]) ?? -1;
      if (other >= 0 && other < 16 && other !== db) visit(1, other, 1);
    } else if (info.special === Special.Copy) {
      for (let i = 3; i + 1 < c.argc; i++) {
        if (eqUpper(c.buf, c.offs[i], c.lens[i], 'DB')) other = parseLong(c.buf, c.offs[i + 1], c.lens[i + 1]) ?? -1;
      }
      if (other >= 0 && other < 16 && other !== db) {
        cand.length = 0; // the destination lives in the other db
        visit(2, other, 0);
      }
    } else if (info.special === Special.Sort) {
      // SORT's STORE key spec is "incomplete": find it as Redis's sortGetKeys does.
      let store = -1;
      for (let i = 2; i < c.argc; i++) {
        if (eqUpper(c.buf, c.offs[i], c.lens[i], 'LIMIT')) i += 2;
        else if (eqUpper(c.buf, c.offs[i], c.lens[i], 'GET') || eqUpper(c.buf, c.offs[i], c.lens[i], 'BY')) i++;
        else if (eqUpper(c.buf, c.offs[i], c.lens[i], 'STORE') && i + 1 < c.argc) store = ++i;
      }
      if (store >= 0) visit(store, db, 0, this.shardOfKey(c.buf, c.offs[store], c.lens[store]));
    }
    const r = c.reply as { errors?: number };
    const errorsBefore = r.errors;
    cmd.handler(c);
    if (errorsBefore !== undefined && r.errors !== errorsBefore) return; // failed: nothing changed
    for (let k = 0; k < cand.length; k += 7) {
      const i = cand[k], s = cand[k + 1], kdb = cand[k + 2], existed = cand[k + 5] === 1;
      const after = this.liveAt(s, kdb, c.buf, c.offs[i], c.lens[i], now);
      // rule 0: any change of a key that existed before or exists after; rule 1: created
      // (MOVE's destination, which MOVE never overwrites).
      if (cand[k + 6] === 0 ? existed || after : !existed && after) {
        const heap = this.shards[s].heap, w = heap.root(kWatchRoot) * 2;
        heap.u32[w + kCountersA + cand[k + 3]]++;
        heap.u32[w + kCountersB + cand[k + 4]]++;
      }
    }
    if (info.special === Special.FlushDb) this.bumpEpoch(kFlushEpochBase, db, db);
    else if (info.special === Special.FlushAll) this.bumpEpoch(kFlushEpochBase, 0, 15);
    else if (info.special === Special.SwapDb) {
      const x = parseLong(c.buf, c.offs[1], c.lens[1]), y = parseLong(c.buf, c.offs[2], c.lens[2]);
      if (x !== null && y !== null && x !== y) {
        this.bumpEpoch(kSwapEpochBase, x, x);
        this.bumpEpoch(kSwapEpochBase, y, y);
      }
    }
  }

  /** Bump an epoch of dbs from..to on every shard with watchers (all shard locks held). */
  private bumpEpoch(base: number, from: number, to: number): void {
    for (const shard of this.shards) {
      const heap = shard.heap;
      const w = heap.root(kWatchRoot) * 2;
      if (w === 0 || heap.u32[w + kTotalField] === 0) continue;
      for (let db = from; db <= to; db++) heap.u32[w + base + db]++;
    }
  }

  private infoOf(cmd: Command): WriteInfo {
    let info = this.info.get(cmd);
    if (info !== undefined) return info;
    const specs = (cmd.spec.key_specs ?? []).filter((ks) => !ks.flags.includes('RO') && !ks.flags.includes('not_key'));
    let simple: WriteInfo['simple'] = null;
    if (specs.length === (cmd.spec.key_specs?.length ?? 0)) simple = cmd.simpleKeys;
    const special = ({
      flushdb: Special.FlushDb, flushall: Special.FlushAll, swapdb: Special.SwapDb, move: Special.Move, copy: Special.Copy,
      sort: Special.Sort,
    } as Record<string, Special>)[cmd.name] ?? Special.None;
    info = { specs, simple, special };
    this.info.set(cmd, info);
    return info;
  }
}
