/**
 * Keyspace notifications (Redis's notify.c): `notify-keyspace-events`, its classes, and the
 * publishing of `__keyspace@<db>__:<key>` (payload: the event) and `__keyevent@<db>__:<event>`
 * (payload: the key) messages through pub/sub (pubsub/hub.ts).
 *
 * Where the setting lives. The classes are one i32 word in every shard's control SAB
 * (kNotifyIndex, see shard/shard.ts), so that every thread sees a CONFIG SET made on any
 * thread: the front ends (commands), the shards' own lookups (lazy expiry, key misses, new
 * keys) and the owner workers (active expiry). CONFIG SET writes the word of every shard;
 * CONFIG GET reads it back (server/config.ts asks notifyFlagsText through a live getter).
 *
 *   control SAB of each shard, i32[kNotifyIndex]: bit set = class on (Redis's NOTIFY_* bits)
 *   ┌───┬───┬───┬───┬───┬───┬───┬───┬───┬───┬────┬────┬────┬────┬────┐
 *   │ K │ E │ g │ $ │ l │ s │ h │ z │ x │ e │ t  │ m  │ -  │ d  │ n  │
 *   │ 0 │ 1 │ 2 │ 3 │ 4 │ 5 │ 6 │ 7 │ 8 │ 9 │ 10 │ 11 │ 12 │ 13 │ 14 │  bit
 *   └───┴───┴───┴───┴───┴───┴───┴───┴───┴───┴────┴────┴────┴────┴────┘
 *
 * Invariants: written only by CONFIG SET (and at start-up) with Atomics.store, to every shard;
 * read with a plain load (a word is never torn). 0 (the default) = off: the only cost of a
 * notification point is then one load and one branch.
 *
 * Who publishes. Each thread that runs commands has one Notifier (attachNotify: set on its
 * Engine's Shard objects, as `shard.notifier`), publishing through its Engine's PubsubHub, so
 * local subscribers get the message during the command, as in Redis. An owner worker has a
 * Notifier of its own over a PubsubHub with no subscribers (it only sends to other threads'
 * inbox rings) for the keys its active expiry deletes.
 */
import type { Ctx } from '../commands/context.js';
import type { Engine } from './engine.js';
import type { PubsubHub } from '../pubsub/hub.js';
import { Kind } from '../pubsub/registry.js';
import type { Config } from './config.js';
import type { Shard } from '../shard/shard.js';

/** The word's index in a shard's control SAB (i32). */
export const kNotifyIndex = 3;

/** Notification classes: Redis's NOTIFY_* bits. */
export const enum Nc {
  Keyspace = 1 << 0, // K
  Keyevent = 1 << 1, // E
  Generic = 1 << 2, // g
  String = 1 << 3, // $
  List = 1 << 4, // l
  Set = 1 << 5, // s
  Hash = 1 << 6, // h
  ZSet = 1 << 7, // z
  Expired = 1 << 8, // x
  Evicted = 1 << 9, // e
  Stream = 1 << 10, // t
  KeyMiss = 1 << 11, // m (not part of A)
  Module = 1 << 13, // d
  New = 1 << 14, // n (not part of A)
}

/** 'A': every class but m and n. */
export const kNotifyAll = Nc.Generic | Nc.String | Nc.List | Nc.Set | Nc.Hash | Nc.ZSet |
  Nc.Expired | Nc.Evicted | Nc.Stream | Nc.Module;

const kFlagChars: [string, number][] = [
  ['A', kNotifyAll], ['g', Nc.Generic], ['$', Nc.String], ['l', Nc.List], ['s', Nc.Set],
  ['h', Nc.Hash], ['z', Nc.ZSet], ['x', Nc.Expired], ['e', Nc.Evicted], ['K', Nc.Keyspace],
  ['E', Nc.Keyevent], ['t', Nc.Stream], ['m', Nc.KeyMiss], ['d', Nc.Module], ['n', Nc.New],
];

/** Redis's error reason for a bad flag string (after "CONFIG SET failed ... - "). */
export const kNotifyFlagsError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** Parse a flag string (case-sensitive, any order, repeats allowed); null on a bad character. */
export function parseNotifyFlags(s: string): number | null {
  let f = 0;
  for (const ch of s) {
    const e = kFlagChars.find(([c]) => c === ch);
    if (e === undefined) return null;
    f |= e[1];
  }
  return f;
}

/** The flag string CONFIG GET shows (Redis's keyspaceEventsFlagsToString). */
export function notifyFlagsText(f: number): string {
  let s = '';
  if ((f & kNotifyAll) === kNotifyAll) s = 'A';
  else {
    for (const [ch, bit] of [['g', Nc.Generic], ['$', Nc.String], ['l', Nc.List], ['s', Nc.Set], ['h', Nc.Hash],
      ['z', Nc.ZSet], ['x', Nc.Expired], ['e', Nc.Evicted], ['t', Nc.Stream], ['d', Nc.Module], ['n', Nc.New]] as const) {
      if (f & bit) s += ch;
    }
  }
  if (f & Nc.Keyspace) s += 'K';
  if (f & Nc.Keyevent) s += 'E';
  if (f & Nc.KeyMiss) s += 'm';
  return s;
}

/**
 * Config's validator for the setting: the text as given, or Redis's error. The text is kept
 * as given because its normalised form may drop a class ("KEAn" shows as "AKE" but has n);
 * CONFIG GET shows the normalised form of the shards' word (attachNotify).
 */
export function validateNotifyFlags(raw: string): { value: string } | { error: string } {
  return parseNotifyFlags(raw) === null ? { error: kNotifyFlagsError } : { value: raw };
}

// ------------------------------------------------------------------ event names

const ev = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Event names, as Redis spells them, pre-encoded. */
export const EV = {
  // generic
  del: ev('del'), expire: ev('expire'), expired: ev('expired'), evicted: ev('evicted'), persist: ev('persist'),
  renameFrom: ev('rename_from'), renameTo: ev('rename_to'), copyTo: ev('copy_to'),
  moveFrom: ev('move_from'), moveTo: ev('move_to'), restore: ev('restore'), sortstore: ev('sortstore'),
  new: ev('new'), keymiss: ev('keymiss'),
  // strings
  set: ev('set'), append: ev('append'), incrby: ev('incrby'), incrbyfloat: ev('incrbyfloat'),
  setrange: ev('setrange'), setbit: ev('setbit'),
  // lists
  lpush: ev('lpush'), rpush: ev('rpush'), lpop: ev('lpop'), rpop: ev('rpop'), linsert: ev('linsert'),
  lset: ev('lset'), lrem: ev('lrem'), ltrim: ev('ltrim'),
  // hashes
  hset: ev('hset'), hdel: ev('hdel'), hincrby: ev('hincrby'), hincrbyfloat: ev('hincrbyfloat'),
  // sets
  sadd: ev('sadd'), srem: ev('srem'), spop: ev('spop'), sinterstore: ev('sinterstore'),
  sunionstore: ev('sunionstore'), sdiffstore: ev('sdiffstore'),
  // sorted sets
  zadd: ev('zadd'), zincr: ev('zincr'), zrem: ev('zrem'), zpopmin: ev('zpopmin'), zpopmax: ev('zpopmax'),
  zremrangebyrank: ev('zremrangebyrank'), zremrangebyscore: ev('zremrangebyscore'),
  zremrangebylex: ev('zremrangebylex'), zunionstore: ev('zunionstore'), zinterstore: ev('zinterstore'),
  zdiffstore: ev('zdiffstore'), zrangestore: ev('zrangestore'),
} as const;

// ------------------------------------------------------------------ publishing

const kSpacePrefix = ev('__keyspace@');
const kEventPrefix = ev('__keyevent@');
const kSuffix = ev('__:');

/** One thread's publisher of keyspace notifications. */
export class Notifier {
  private scratch = new Uint8Array(256);

  constructor(readonly hub: PubsubHub) {}

  /**
   * Publish `event` for the key b[off, off+len) of `db` under the classes word `flags` (whose
   * class bit the caller has checked): a keyspace message if K is on, then a keyevent one if
   * E is on (Redis's order).
   */
  emit(flags: number, event: Uint8Array, b: Uint8Array, off: number, len: number, db: number): void {
    if (flags & Nc.Keyspace) {
      const n = this.channel(kSpacePrefix, db, b, off, len);
      this.hub.publish(Kind.Channel, this.scratch, 0, n, event, 0, event.length);
    }
    if (flags & Nc.Keyevent) {
      const n = this.channel(kEventPrefix, db, event, 0, event.length);
      this.hub.publish(Kind.Channel, this.scratch, 0, n, b, off, len);
    }
  }

  /** Write prefix + db + "__:" + tail into the scratch buffer; returns its length. */
  private channel(prefix: Uint8Array, db: number, tail: Uint8Array, off: number, len: number): number {
    const need = prefix.length + 8 + kSuffix.length + len;
    if (need > this.scratch.length) this.scratch = new Uint8Array(Math.max(need, this.scratch.length * 2));
    const d = this.scratch;
    d.set(prefix, 0);
    let p = prefix.length;
    if (db >= 10) d[p++] = 48 + Math.floor(db / 10);
    d[p++] = 48 + (db % 10);
    d.set(kSuffix, p);
    p += kSuffix.length;
    d.set(tail.subarray(off, off + len), p);
    return p + len;
  }
}

/**
 * A command's notification for key argument i (in `db`, default the client's): nothing at all
 * unless `cls` is on. The one call a handler makes, after its change, before its reply.
 */
export function notify(c: Ctx, cls: Nc, event: Uint8Array, i: number, db?: number): void {
  // Kept tiny, so that it inlines into every handler at no cost: the rest is out of line.
  if ((c.engine.shards[c.keyShard[i]].control[kNotifyIndex] & cls) !== 0) publishArg(c, event, i, db);
}

function publishArg(c: Ctx, event: Uint8Array, i: number, db: number | undefined): void {
  const s = c.engine.shards[c.keyShard[i]];
  s.notifier?.emit(s.control[kNotifyIndex], event, c.buf, c.offs[i], c.lens[i], db ?? c.client.db);
}

/** notify() for a key given as bytes, in shard `s` (serving blocked clients, SORT's keys). */
export function notifyKey(s: Shard, cls: Nc, event: Uint8Array, b: Uint8Array, off: number, len: number, db: number): void {
  if ((s.control[kNotifyIndex] & cls) !== 0) s.notifier?.emit(s.control[kNotifyIndex], event, b, off, len, db);
}

/** The classes word as set now. */
export function notifyFlags(shards: Shard[]): number {
  return Atomics.load(shards[0].control, kNotifyIndex);
}

/** Store the classes word in every shard. */
export function setNotifyFlags(shards: Shard[], f: number): void {
  for (const s of shards) Atomics.store(s.control, kNotifyIndex, f);
}

/**
 * Give an Engine's thread its Notifier (on each of its Shard objects) and tie the setting to
 * the shards' word: CONFIG SET on this thread writes it, CONFIG GET reads it. A start-up value
 * (command line, config file) is written once here.
 */
export function attachNotify(engine: Engine): void {
  const n = new Notifier(engine.pubsub);
  for (const s of engine.shards) s.notifier = n;
  bindNotifyConfig(engine.config, engine.shards);
}

const kSetting = 'notify-keyspace-events';

function bindNotifyConfig(config: Config, shards: Shard[]): void {
  const initial = parseNotifyFlags(config.str(kSetting)) ?? 0;
  if (initial !== 0) setNotifyFlags(shards, initial);
  config.listen((name, value) => {
    if (name === kSetting) setNotifyFlags(shards, parseNotifyFlags(String(value)) ?? 0);
  });
  config.bindLive(kSetting, () => notifyFlagsText(notifyFlags(shards)));
}

/**
 * Before a delete + insert that stands for Redis's in-place overwrite of a key (a *STORE onto
 * an existing key) in shard `s`: that insert sends no "new". Call right before the insert.
 */
export function overwriting(s: Shard): void {
  if ((s.control[kNotifyIndex] & Nc.New) !== 0) s.replacing = true;
}
