/**
 * What a command handler sees: its arguments (zero-copy views), the client, the reply sink,
 * the shards of its keys (already locked by the dispatcher), and the engine.
 */
import type { Reply } from '../protocol/reply.js';
import type { Shard } from '../shard/shard.js';
import type { Engine } from '../server/engine.js';
import type { Client } from '../server/client.js';
import { eqUpper, parseInt64, parseLong } from './args.js';
import { E } from '../errors.js';
import type { T } from '../sab/record.js';

export type Handler = (c: Ctx) => void;

export interface Registration {
  handler?: Handler;
  /** The command works on the whole keyspace and needs every shard's lock (DBSIZE, KEYS, ...). */
  allShards?: boolean;
  /** Runs in the script worker, never on a front end (server/offload.ts): it executes Lua. */
  offload?: boolean;
  subcommands?: Record<string, Registration>;
}

/** A family file's registration table: lower-case command name → handler. */
export type FamilyTable = Record<string, Registration>;

export class Ctx {
  buf: Uint8Array = new Uint8Array(0);
  offs: Int32Array = new Int32Array(0);
  lens: Int32Array = new Int32Array(0);
  argc = 0;
  now = 0;
  /** For each argument that is a key: the shard id owning it. */
  keyShard = new Int32Array(64);

  constructor(
    readonly engine: Engine,
    public client: Client,
    public reply: Reply,
  ) {}

  get db(): number {
    return this.client.db;
  }

  shard(i: number): Shard {
    return this.engine.shards[this.keyShard[i]];
  }

  /** A copy of argument i as a Buffer. */
  arg(i: number): Buffer {
    const o = this.offs[i];
    return Buffer.from(this.buf.subarray(o, o + this.lens[i]));
  }

  /** Argument i decoded as UTF-8. */
  str(i: number): string {
    const o = this.offs[i];
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + o, this.lens[i]).toString('utf8');
  }

  /** Argument i as a binary string (latin1: one char per byte, lossless). */
  bin(i: number): string {
    const o = this.offs[i];
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + o, this.lens[i]).toString('latin1');
  }

  is(i: number, upperWord: string): boolean {
    return eqUpper(this.buf, this.offs[i], this.lens[i], upperWord);
  }

  /** Argument i as an int64 (number, or bigint beyond 2^53), or null. */
  int64(i: number): number | bigint | null {
    return parseInt64(this.buf, this.offs[i], this.lens[i]);
  }

  long(i: number): number | null {
    return parseLong(this.buf, this.offs[i], this.lens[i]);
  }

  /** Lookup of key argument i for reading (lazy expiry, stats, LRU). */
  lookupRead(i: number): number {
    return this.shard(i).lookupRead(this.client.db, this.buf, this.offs[i], this.lens[i], this.now, !this.client.noTouch);
  }

  /**
   * Look up key argument i expecting `type`: returns the record, 0 if absent, or -1 after
   * replying WRONGTYPE (Redis's lookupKey…OrReply + checkType).
   */
  lookupTypeOrReply(i: number, type: T, write: boolean): number {
    const rec = write ? this.lookupWrite(i) : this.lookupRead(i);
    if (rec !== 0 && this.shard(i).type(rec) !== type) {
      this.reply.error(E.wrongType);
      return -1;
    }
    return rec;
  }

  /** Reply an array of status lines (the HELP subcommands). */
  replyLines(lines: readonly string[]): void {
    this.reply.array(lines.length);
    for (const l of lines) this.reply.simple(l);
  }

  /**
   * Delete key argument i (a collection that became empty). Looks the key up again, so the
   * keyspace table's "found" slot is this key even after other keys were looked up. Returns
   * true if the key existed.
   */
  deleteKey(i: number): boolean {
    const s = this.shard(i);
    const rec = s.lookup(this.client.db, this.buf, this.offs[i], this.lens[i], this.now);
    if (rec !== 0) s.deleteFound(this.client.db, rec);
    return rec !== 0;
  }

  /**
   * Tell blocked clients that key argument i (a list or sorted set) may now have elements.
   * Call after every write that adds elements (push, insert, move, ZADD, a *STORE) or that
   * puts a value under the key (RENAME, COPY, MOVE into `db`).
   */
  signalReady(i: number, db = this.client.db): void {
    this.engine.keyReady(this, i, db);
  }

  /** Lookup of key argument i for writing (lazy expiry, no stats; refreshes the LRU clock). */
  lookupWrite(i: number): number {
    const s = this.shard(i);
    const rec = s.lookup(this.client.db, this.buf, this.offs[i], this.lens[i], this.now);
    if (rec !== 0 && !this.client.noTouch) s.touch(rec, this.now);
    return rec;
  }
}
