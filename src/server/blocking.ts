/**
 * Blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP): the
 * per-thread side. One Blocking per Engine (front-end thread).
 *
 * How a wait works (DESIGN.md §4):
 * 1. The command finds nothing to pop. block() reserves a wait slot (sab/wait-slots.ts),
 *    appends (slot, gen) to each key's FIFO queue in that key's shard (shard/waiters.ts; the
 *    engine holds those shard locks), publishes the slot as Waiting, and the connection stops
 *    running commands.
 * 2. Any thread whose write adds elements to a key calls Ctx.signalReady(); after the command
 *    (locks still held) serveReady() walks the key's queue: it claims the first waiting slot
 *    with a CAS, pops for that client right there, and encodes the client's reply. A client
 *    blocked on keys in several shards is claimed once, by whichever writer gets there first.
 * 3. The reply goes to the client's thread: directly if it is this thread, otherwise parked in
 *    the key's shard heap, with the owner's doorbell rung (Atomics.notify). The owner copies it
 *    out on its next turn.
 * 4. Timeout and disconnect cancel with the same CAS (Waiting → Free); the slot's stale queue
 *    nodes are pruned later. BLMOVE whose destination is in a shard this thread cannot lock
 *    right now is handed back (Retry): the owner re-runs the command itself.
 */
import { RespWriter } from '../protocol/resp-writer.js';
import { WaitOp, WaitSlots, WaitState, kDestMax } from '../sab/wait-slots.js';
import { WaiterQueues } from '../shard/waiters.js';
import type { Shard } from '../shard/shard.js';
import type { Client, Unblock } from './client.js';
import type { TypeLimits } from './config.js';

interface BlockedClient {
  client: Client;
  slot: number;
  gen: number;
  keys: { shard: number; db: number; key: Buffer }[];
  timer: NodeJS.Timeout | null;
  op: WaitOp;
  resp: 2 | 3;
  unblock: Unblock;
  /** The connection closed while a writer was serving it: drop the reply. */
  gone: boolean;
}

/**
 * Serving one client: the pops themselves live in the list and sorted-set families, which
 * register here (families/blocking.ts). Returns false if the key held nothing to serve.
 */
export interface ServeContext {
  shards: Shard[];
  limits: TypeLimits;
  shard: Shard;
  db: number;
  key: Buffer;
  slot: number;
  slots: WaitSlots;
  reply: RespWriter;
  now: number;
  /** Lock another shard for this turn if free (BLMOVE's destination). */
  tryHold(shardIndex: number): boolean;
  shardOfKey(b: Uint8Array, off: number, len: number): number;
  /** A key that became ready because of this serve (BLMOVE pushes to its destination). */
  ready(shard: number, db: number, key: Buffer): void;
}
export type ServeResult = 'served' | 'empty' | 'retry';
export type Server = (s: ServeContext) => ServeResult;

export class Blocking {
  readonly slots: WaitSlots;
  readonly queues: WaiterQueues[];
  private readonly blocked = new Map<number, BlockedClient>();
  private readyKeys: { shard: number; db: number; key: Buffer }[] = [];
  private readonly scratch = new RespWriter();
  private listening = false;
  private readonly servers = new Map<WaitOp, Server>();

  constructor(
    sab: SharedArrayBuffer,
    readonly shards: Shard[],
    private readonly hooks: {
      tryHold(shard: number): boolean;
      shardOfKey(b: Uint8Array, off: number, len: number): number;
      now(): number;
      limits: TypeLimits;
      /** A key changed by a serve (the popped key, BLMOVE's destination): for WATCH. */
      touched?(shard: number, db: number, key: Buffer): void;
    },
  ) {
    this.slots = new WaitSlots(sab);
    this.queues = shards.map((s) => new WaiterQueues(s));
  }

  register(op: WaitOp, server: Server): void {
    this.servers.set(op, server);
  }

  get blockedCount(): number {
    return this.blocked.size;
  }

  // ------------------------------------------------------------ the blocked client's side

  /**
   * Block `client` on keys (their shards are locked by the caller). Returns false if no wait
   * slot is free (the caller then replies as on timeout).
   */
  block(
    client: Client, keys: { shard: number; db: number; b: Uint8Array; off: number; len: number }[],
    op: WaitOp, count: number, timeoutAt: number, dest: { b: Uint8Array; off: number; len: number } | null,
  ): boolean {
    const unblock = client.unblock;
    if (unblock === null) return false;
    const slots = this.slots;
    if (dest !== null && dest.len > kDestMax) return false;
    const slot = slots.reserve(client.id, client.resp, op, client.db, count, dest?.b ?? null, dest?.off ?? 0, dest?.len ?? 0);
    if (slot < 0) return false;
    const gen = slots.gen(slot);
    const live = (s: number, g: number) => slots.isWaiting(s, g);
    const kept: BlockedClient['keys'] = [];
    for (const k of keys) {
      this.queues[k.shard].add(k.db, k.b, k.off, k.len, slot, gen, live);
      kept.push({ shard: k.shard, db: k.db, key: Buffer.from(k.b.subarray(k.off, k.off + k.len)) });
    }
    slots.publish(slot);
    const bc: BlockedClient = { client, slot, gen, keys: kept, timer: null, op, resp: client.resp, unblock, gone: false };
    if (timeoutAt > 0) {
      const ms = Math.max(0, timeoutAt - this.hooks.now());
      bc.timer = setTimeout(() => this.timeout(bc), ms);
    }
    this.blocked.set(client.id, bc);
    client.blocked = true;
    this.listen();
    return true;
  }

  private timeout(bc: BlockedClient): void {
    bc.timer = null;
    if (!this.slots.cancel(bc.slot)) return; // a writer got it first; its reply is on the way
    this.finish(bc);
    const w = this.scratch;
    w.resp = bc.resp;
    w.nullArray(); // Redis 7.0 answers every timed-out list/zset wait with a null array, BLMOVE too

    bc.unblock(w.flush());
  }

  /** The client's connection closed: stop waiting. */
  cancel(clientId: number): void {
    const bc = this.blocked.get(clientId);
    if (bc === undefined) return;
    if (this.slots.cancel(bc.slot)) {
      this.finish(bc);
      return;
    }
    bc.gone = true; // claimed: the reply arrives through the doorbell and is dropped
  }

  private finish(bc: BlockedClient): void {
    bc.client.blocked = false;
    if (bc.timer !== null) clearTimeout(bc.timer);
    bc.timer = null;
    this.blocked.delete(bc.client.id);
    this.prune(bc.keys);
  }

  /** Drop stale queue nodes of these keys, when their shards are free (outside any turn). */
  private prune(keys: BlockedClient['keys']): void {
    setImmediate(() => {
      const rest: BlockedClient['keys'] = [];
      const live = (s: number, g: number) => this.slots.isWaiting(s, g);
      for (const k of keys) {
        const shard = this.shards[k.shard];
        if (!shard.tryAcquire()) {
          rest.push(k);
          continue;
        }
        try {
          const q = this.queues[k.shard];
          const e = q.find(k.db, k.key, 0, k.key.length);
          if (e !== 0) q.prune(k.db, k.key, 0, k.key.length, e, live);
        } finally {
          shard.release();
        }
      }
      if (rest.length > 0) setTimeout(() => this.prune(rest), 5);
    });
  }

  /** Wait for this thread's doorbell while it has blocked clients (remote deliveries). */
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    const { index, value } = this.slots.doorbell();
    const r = Atomics.waitAsync(this.slots.i32, index, value);
    const next = () => {
      this.listening = false;
      this.drain();
      if (this.blocked.size > 0) this.listen();
    };
    if (r.async) void r.value.then(next);
    else setImmediate(next);
  }

  /** Collect replies that writers on other threads parked for our clients. */
  drain(): void {
    const slots = this.slots;
    for (const bc of [...this.blocked.values()]) {
      const st = slots.state(bc.slot);
      if (st === WaitState.Retry) {
        slots.free(bc.slot);
        this.finish(bc);
        if (!bc.gone) bc.unblock(null);
      } else if (st === WaitState.Served) {
        const { shard, ptr, len } = slots.reply(bc.slot);
        const s = this.shards[shard];
        if (!s.tryAcquire()) {
          setTimeout(() => this.drain(), 1);
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = Buffer.from(s.heap.u8.subarray(ptr * 8, ptr * 8 + len));
          s.heap.free(ptr, Math.max(8, len));
        } finally {
          s.release();
        }
        slots.free(bc.slot);
        this.finish(bc);
        if (!bc.gone) bc.unblock(bytes);
      }
    }
  }

  // ------------------------------------------------------------ the writer's side

  /** Note that key (shard, db) may now serve blocked clients; cheap when nobody waits there. */
  keyReady(shard: number, db: number, b: Uint8Array, off: number, len: number): void {
    if (!this.queues[shard].any()) return;
    this.readyKeys.push({ shard, db, key: Buffer.from(b.subarray(off, off + len)) });
  }

  /** Every awaited key of these dbs may be ready (SWAPDB brought other values in). */
  dbsReady(dbs: number[]): void {
    for (let i = 0; i < this.queues.length; i++) {
      const q = this.queues[i];
      if (!q.any()) continue;
      q.eachKey((db, key) => {
        if (dbs.includes(db)) this.readyKeys.push({ shard: i, db, key });
      });
    }
  }

  get hasReady(): boolean {
    return this.readyKeys.length > 0;
  }

  /** Serve blocked clients of every key made ready by the command just run (locks held). */
  serveReady(): void {
    for (let i = 0; i < this.readyKeys.length; i++) {
      const k = this.readyKeys[i];
      this.serveKey(k.shard, k.db, k.key);
    }
    this.readyKeys.length = 0;
  }

  private serveKey(shardIndex: number, db: number, key: Buffer): void {
    const q = this.queues[shardIndex], slots = this.slots;
    const shard = this.shards[shardIndex];
    const ctx: ServeContext = {
      shards: this.shards, limits: this.hooks.limits, shard, db, key, slot: 0, slots, reply: this.scratch, now: this.hooks.now(),
      tryHold: (i) => this.hooks.tryHold(i),
      shardOfKey: (b, o, l) => this.hooks.shardOfKey(b, o, l),
      ready: (s, d, k) => {
        this.readyKeys.push({ shard: s, db: d, key: k });
        this.hooks.touched?.(s, d, k);
      },
    };
    for (;;) {
      const e = q.find(db, key, 0, key.length);
      if (e === 0) return;
      const n = q.head(e);
      const slot = q.nodeSlot(n), gen = q.nodeGen(n);
      if (!slots.claim(slot, gen)) {
        q.shift(db, key, 0, key.length, e);
        continue;
      }
      const server = this.servers.get(slots.op(slot));
      ctx.slot = slot;
      this.scratch.resp = slots.resp(slot) === 3 ? 3 : 2;
      const result = server === undefined ? 'retry' : server(ctx);
      if (result === 'empty') {
        slots.unclaim(slot);
        this.scratch.discard();
        return;
      }
      q.shift(db, key, 0, key.length, e);
      if (result === 'retry') {
        this.scratch.discard();
        this.deliverRetry(slot);
        continue;
      }
      this.hooks.touched?.(shardIndex, db, key);
      this.deliver(shard, slot, this.scratch.flush()!);
    }
  }

  private deliver(shard: Shard, slot: number, bytes: Buffer): void {
    const slots = this.slots;
    if (slots.ownerThread(slot) === slots.thread) {
      const bc = this.blocked.get(slots.clientId(slot));
      slots.free(slot);
      if (bc === undefined) return;
      this.finish(bc);
      if (!bc.gone) bc.unblock(bytes);
      return;
    }
    const heap = shard.heap;
    const ptr = heap.alloc(Math.max(8, bytes.length));
    heap.u8.set(bytes, ptr * 8);
    slots.serveRemote(slot, shard.id, ptr, bytes.length);
  }

  private deliverRetry(slot: number): void {
    const slots = this.slots;
    if (slots.ownerThread(slot) !== slots.thread) {
      slots.retry(slot);
      return;
    }
    const bc = this.blocked.get(slots.clientId(slot));
    slots.free(slot);
    if (bc === undefined) return;
    this.finish(bc);
    if (!bc.gone) setImmediate(() => bc.unblock(null));
  }
}
