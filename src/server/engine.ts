/**
 * The engine of one front-end thread: the shards (shared memory, shared with every other
 * thread), the command table, settings, and this thread's clients. `execute()` is the single
 * path every command takes, from a socket or from the embedded API:
 *
 *   lookup → subcommand → arity → auth → keys → slots → shards → lock (try) → handler
 *
 * Locking (DESIGN.md §2 and §4): a thread that needs a set of shard locks holds none when it
 * starts taking them, and takes them in ascending shard order. Locks stay held across
 * consecutive commands that need a subset of what is held (one lock per group of commands),
 * and the caller releases them at the end of its turn with releaseLocks(). A front end only
 * ever try-locks: when a shard is busy, execute() returns false and the caller parks the
 * connection until waitForShard() resolves. Embedded synchronous callers pass blocking=true
 * and sleep in Atomics.wait instead.
 */
import { Ctx, type FamilyTable } from '../commands/context.js';
import { forEachKey } from '../commands/keys.js';
import { F, Registry, lookupSub, type Command } from '../commands/registry.js';
import { E } from '../errors.js';
import { keySlot, kSlots } from '../sab/hash.js';
import { Shard, Stat, type ShardHandle } from '../shard/shard.js';
import { eqUpper, parseLong } from '../commands/args.js';
import { Config } from './config.js';
import type { Client } from './client.js';
import { Blocking } from './blocking.js';
import { registerServers } from '../commands/families/blocking.js';
import { createWaitSlots } from '../sab/wait-slots.js';
import { createFunctionRegistry } from '../scripting/functions-registry.js';
import { PubsubHub } from '../pubsub/hub.js';
import { createPubsub, type PubsubHandle } from '../pubsub/registry.js';
import { createScriptFlags } from '../scripting/state.js';
import { Transactions } from './transaction.js';
import { WatchTable } from './watch.js';
import { attachNotify } from './notify.js';
import { createChannels } from '../sab/channels.js';
import type { Offloader } from './offload.js';

/** Engine.parkedOn when a command waits for the script worker's earlier replies. */
export const kParkedOnOffload = -2;
/** Engine.parkedOn when a handler asked to be run again a little later (retryLater). */
export const kParkedOnRetry = -3;

/** Memory shared by every thread of one store, besides the shards. */
export interface GlobalHandle {
  /** i32[0] next client id, i32[1] connected clients (all threads), f64[2] start time ms,
   *  f64[3] total connections received, f64[4] total commands processed, f64[5] lastsave ms,
   *  f64[6] net input bytes, f64[7] net output bytes, f64[8] error replies.
   *  The f64 counters are added to by each front end once per turn. */
  control: SharedArrayBuffer;
  /** Wait slots of blocked clients (sab/wait-slots.ts). */
  waits: SharedArrayBuffer;
  /** Pub/sub registry and inbox rings (pubsub/registry.ts). */
  pubsub: PubsubHandle;
  /** SCRIPT KILL and busy-script flags (scripting/state.ts). */
  scripts?: SharedArrayBuffer;
  /** Function libraries shared by every front end (scripting/functions-registry.ts). */
  functions?: SharedArrayBuffer;
  /** Request/response rings between front ends and the script worker (sab/channels.ts). */
  channels?: SharedArrayBuffer;
}

export function createGlobal(): GlobalHandle {
  const control = new SharedArrayBuffer(128);
  const f64 = new Float64Array(control);
  f64[2] = Date.now();
  f64[5] = Date.now();
  new Int32Array(control)[0] = 0;
  return {
    control, scripts: createScriptFlags(), channels: createChannels(), functions: createFunctionRegistry(), waits: createWaitSlots(), pubsub: createPubsub(),
  };
}

const kClockEvery = 64;

/** What a RESP2 client in subscribed mode may run (Redis's processCommand). */
const kAllowedWhenSubscribed = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset',
]);

export interface StoreHandle {
  shards: ShardHandle[];
  global: GlobalHandle;
}

export class Engine {
  readonly shards: Shard[];
  readonly shardOfSlot = new Uint8Array(kSlots);
  readonly registry: Registry;
  readonly clients = new Map<number, Client>();
  readonly gi32: Int32Array;
  readonly gf64: Float64Array;
  /** Bit i set = this thread holds shard i's lock. */
  private held = 0;
  /** The shard whose busy lock made the last execute() return false. */
  parkedOn = -1;
  /** Scripts running on this thread (nested redis.call): blocked clients wait for the script's end. */
  scriptDepth = 0;
  /** The handler asked to be run again later (retryLater): the connection parks and retries. */
  private retryPending = false;
  /** A script asked to run again with every shard held (see requestRerun). */
  private rerunShard = -1;
  private readonly allMask: number;

  constructor(readonly handle: StoreHandle, readonly config: Config, families: FamilyTable[]) {
    this.shards = handle.shards.map((h) => new Shard(h));
    const n = this.shards.length;
    if (n < 1 || n > 31) throw new Error('shards must be between 1 and 31');
    for (let s = 0; s < kSlots; s++) this.shardOfSlot[s] = Math.floor((s * n) / kSlots);
    this.allMask = (1 << n) - 1;
    this.registry = new Registry(families);
    this.gi32 = new Int32Array(handle.global.control);
    this.gf64 = new Float64Array(handle.global.control);
    this.blocking = new Blocking(handle.global.waits, this.shards, {
      tryHold: (i) => this.tryHold(i),
      shardOfKey: (b, o, l) => this.shardOfKey(b, o, l),
      now: () => this.clock || Date.now(),
      limits: config.limits,
      touched: (s, db, k) => this.watch.touch(s, db, k, 0, k.length),
    });
    registerServers(this.blocking);
    this.pubsub = new PubsubHub(handle.global.pubsub, config);
    this.watch = new WatchTable(this.shards, (b, o, l) => this.shardOfKey(b, o, l));
    this.tx = new Transactions(this, this.watch);
    attachNotify(this); // keyspace notifications (server/notify.ts)
  }

  /** This thread's pub/sub subscribers, and publishing to every thread's (pubsub/hub.ts). */
  readonly pubsub: PubsubHub;

  /** Blocked clients of this thread, and serving them when keys become ready. */
  readonly blocking: Blocking;
  /** Set when this thread serves connections: hands scripts to the script worker. */
  offload: Offloader | null = null;
  /** WATCH counters in shard memory (server/watch.ts) and MULTI/EXEC (server/transaction.ts). */
  readonly watch: WatchTable;
  readonly tx: Transactions;

  /** True if this thread holds every shard lock of `mask`. */
  holds(mask: number): boolean {
    return (mask & ~this.held) === 0;
  }

  /** Lock shard i for the rest of this turn if it is free (never waits). */
  tryHold(i: number): boolean {
    const bit = 1 << i;
    if ((this.held & bit) !== 0) return true;
    if (!this.shards[i].tryAcquire()) return false;
    this.held |= bit;
    return true;
  }

  /**
   * A write may have made key argument i of `c` ready for blocked clients (see Ctx.signalReady).
   * Blocked clients of that key are served right after the command, with its locks held.
   */
  keyReady(c: Ctx, i: number, db: number): void {
    this.blocking.keyReady(c.keyShard[i], db, c.buf, c.offs[i], c.lens[i]);
  }

  nextClientId(): number {
    return Atomics.add(this.gi32, 0, 1) + 1;
  }

  shardOfKey(b: Uint8Array, off: number, len: number): number {
    return this.shards.length === 1 ? 0 : this.shardOfSlot[keySlot(b, off, len)];
  }

  /**
   * Run the command in ctx (args, client, reply already set). Returns false if it could not
   * start because a shard lock is busy (front ends only); nothing was executed then.
   */
  execute(c: Ctx, blocking = false): boolean {
    const b = c.buf, offs = c.offs, lens = c.lens, argc = c.argc;
    const client = c.client;
    if (client.outstanding !== 0 && !this.offloadable(c)) {
      // Replies of earlier commands are still to come from the script worker: wait for them.
      this.parkedOn = kParkedOnOffload;
      return false;
    }
    if (client.tx !== null) {
      // In MULTI (or watching): queue, refuse, or take EXEC's locks (server/transaction.ts).
      const r = this.tx.intercept(c, blocking);
      if (r !== undefined) return r;
    }
    let cmd = this.registry.lookup(b, offs[0], lens[0]);
    if (cmd === undefined) {
      c.reply.error(unknownCommandText(c));
      return true;
    }
    if (cmd.subcommands !== null && argc >= 2) {
      const sub = lookupSub(cmd, b, offs[1], lens[1]);
      if (sub === undefined) {
        c.reply.error(sanitize(E.unknownSubcommand(clip(c.bin(1), 128), cmd.name.toUpperCase())));
        return true;
      }
      cmd = sub;
    }
    const arity = cmd.arity;
    if ((arity > 0 && argc !== arity) || argc < -arity) {
      c.reply.error(E.wrongArity(cmd.name));
      return true;
    }
    if (!client.authenticated && (cmd.flags & F.NoAuth) === 0) {
      c.reply.error(E.noAuth);
      return true;
    }
    if (client.subCount !== 0 && client.resp === 2 && !kAllowedWhenSubscribed.has(cmd.name)) {
      c.reply.error(E.pubsubContext(cmd.name));
      return true;
    }
    if (cmd.offload && client.offloadDone !== null && this.offload !== null) {
      const busy = (cmd.flags & F.AllowBusy) === 0 ? this.offload.busyText() : null;
      if (busy === null) this.offload.submit(c);
      else if (client.outstanding !== 0) {
        this.parkedOn = kParkedOnOffload; // the error must follow the replies still to come
        return false;
      } else c.reply.error(busy);
      this.processed++;
      cmd.calls++;
      return true;
    }
    return this.executeCommand(c, cmd, blocking);
  }

  /**
   * The second half of execute(): route, lock, run. For callers that already looked the command
   * up and checked its arity for a client that is authenticated, not subscribed and not in
   * MULTI (redis.call from a script, whose client is all three).
   */
  executeCommand(c: Ctx, cmd: Command, blocking: boolean): boolean {
    const client = c.client;
    const mask = this.routeKeys(c, cmd);
    if (mask !== 0 && !this.acquire(mask, blocking)) {
      // A script past busy-reply-threshold holds the shard: Redis's BUSY instead of waiting.
      const busy = this.offload !== null && (cmd.flags & F.AllowBusy) === 0 ? this.offload.busyText() : null;
      if (busy === null) return false;
      c.reply.error(busy);
      return true;
    }
    // Date.now() costs ~40 ns, a tenth of a simple command: read it once per turn and every
    // kClockEvery commands within a long pipeline (Redis also works from a cached clock).
    if (this.clockUses === 0 || this.clockUses >= kClockEvery) {
      this.clock = Date.now();
      this.clockUses = 0;
    }
    this.clockUses++;
    c.now = this.clock;
    this.processed++;
    client.lastCommand = cmd.name;
    client.lastInteraction = c.now;
    if ((cmd.flags & F.Write) !== 0 && this.watch.active(mask)) this.watch.runWrite(c, cmd);
    else cmd.handler(c);
    if (this.rerunShard >= 0) return this.rerunWithAllShards(c, cmd, blocking);
    if (this.retryPending) {
      this.retryPending = false;
      this.processed--;
      this.releaseLocks();
      this.parkedOn = kParkedOnRetry; // the connection runs it again after a short timer
      return false;
    }
    if (this.blocking.hasReady && this.scriptDepth === 0) this.blocking.serveReady();
    cmd.calls++; // after the call, as Redis counts (CONFIG RESETSTAT then counts itself)
    return true;
  }

  /**
   * Called by a script handler that needs shard i but could not try-lock it before changing
   * anything (scripting/runtime.ts): execute() drops its locks and runs the command again with
   * every shard held, at once when blocking, else after parking on shard i.
   */
  requestRerun(i: number): void {
    this.rerunShard = i;
  }

  /**
   * Called by a handler of a connection's command that must wait for something outside any
   * lock (SCRIPT KILL before the script is busy): it replied nothing, and execute() returns
   * false so the connection parks and runs it again shortly. Never for blocking callers.
   */
  retryLater(): void {
    this.retryPending = true;
  }

  private rerunWithAllShards(c: Ctx, cmd: Command, blocking: boolean): boolean {
    const i = this.rerunShard;
    this.rerunShard = -1;
    this.releaseLocks();
    if (!blocking) {
      this.parkedOn = i;
      return false;
    }
    this.acquire(this.allMask, true);
    cmd.handler(c);
    if (this.blocking.hasReady && this.scriptDepth === 0) this.blocking.serveReady();
    cmd.calls++;
    return true;
  }

  /** May this command go to the script worker behind the client's outstanding ones? */
  private offloadable(c: Ctx): boolean {
    let cmd = this.registry.lookup(c.buf, c.offs[0], c.lens[0]);
    if (cmd !== undefined && cmd.subcommands !== null && c.argc >= 2) cmd = lookupSub(cmd, c.buf, c.offs[1], c.lens[1]);
    return cmd !== undefined && cmd.offload && (c.client.tx === null || !c.client.tx.multi);
  }

  /** Count a call made outside execute() (the embedded fast paths), for INFO. */
  countCall(cmd: Command): void {
    cmd.calls++;
    this.gf64[4]++;
  }

  /**
   * Fill ctx.keyShard for key arguments and return the mask of shards the command needs (every
   * shard for whole-keyspace commands, whose declared keys still get their keyShard).
   */
  routeKeys(c: Ctx, cmd: Command): number {
    if (cmd.allShards) {
      if (cmd.hasKeys) this.routeSpecKeys(c, cmd);
      return this.allMask;
    }
    if (!cmd.hasKeys) return 0;
    return this.routeSpecKeys(c, cmd);
  }

  private routeSpecKeys(c: Ctx, cmd: Command): number {
    const argc = c.argc;
    if (c.keyShard.length < argc) c.keyShard = new Int32Array(Math.max(argc, c.keyShard.length * 2));
    const ks = c.keyShard;
    if (this.shards.length === 1) return 1; // keyShard is all zeros and never written
    const b = c.buf, offs = c.offs, lens = c.lens;
    let mask = 0;
    const sk = cmd.simpleKeys;
    if (sk !== null) {
      const last = sk.last < 0 ? argc + sk.last : Math.min(sk.last, argc - 1);
      for (let i = sk.first; i <= last; i += sk.step) {
        const s = this.shardOfSlot[keySlot(b, offs[i], lens[i])];
        ks[i] = s;
        mask |= 1 << s;
      }
      return mask;
    }
    const nk = cmd.numKeys;
    if (nk !== null) {
      // forEachKey's keynum rule without its closures: no key when the count is bad.
      const n = nk.num < argc ? parseLong(b, offs[nk.num], lens[nk.num]) : null;
      if (n === null || n <= 0 || nk.first + (n - 1) * nk.step >= argc) return 0;
      for (let k = 0, i = nk.first; k < n; k++, i += nk.step) {
        const s = this.shardOfSlot[keySlot(b, offs[i], lens[i])];
        ks[i] = s;
        mask |= 1 << s;
      }
      return mask;
    }
    forEachKey(cmd.spec.key_specs, argc,
      (i) => (i < argc ? parseLong(b, offs[i], lens[i]) : null),
      (i, kw) => i < argc && eqUpper(b, offs[i], lens[i], kw.toUpperCase()),
      (i) => {
        if (i >= argc) return;
        const s = this.shardOfSlot[keySlot(b, offs[i], lens[i])];
        ks[i] = s;
        mask |= 1 << s;
      });
    return mask;
  }

  /**
   * Make sure a superset of `mask` is held. Locks are only ever taken in ascending shard order:
   * needed shards above every held one are simply added (so a turn that alternates between
   * shards ends up holding them all, one acquisition each); a needed shard below a held one
   * means releasing everything and taking the union again from the lowest.
   */
  acquire(mask: number, blocking: boolean): boolean {
    const need = mask & ~this.held;
    if (need === 0) return true;
    let take = need;
    if (this.held !== 0 && (need & -need) < (1 << (31 - Math.clz32(this.held)))) {
      take = mask | this.held;
      this.releaseLocks();
    }
    const shards = this.shards;
    for (let i = 0; i < shards.length; i++) {
      if ((take & (1 << i)) === 0) continue;
      if (blocking) shards[i].acquire();
      else if (!shards[i].tryAcquire()) {
        shards[i].stats[Stat.LockContended]++;
        this.releaseLocks();
        this.parkedOn = i;
        return false;
      }
      this.held |= 1 << i;
    }
    return true;
  }

  /** Commands run since the last flush into the shared total (INFO total_commands_processed). */
  processed = 0;
  /** Bytes read and written, and error replies, since the last flush (connections add to these). */
  netIn = 0;
  netOut = 0;
  errorReplies = 0;
  /** Error replies by code ("ERR", "WRONGTYPE", ...) on this thread (INFO errorstats). */
  readonly errorStats = new Map<string, number>();
  /** Largest used_memory seen by INFO on this thread. */
  peakMemory = 0;
  /** Recent ops/s, sampled by sampleMetrics() (Redis's instantaneous_ops_per_sec). */
  private readonly opsSamples: number[] = [];
  private lastSample = { t: Date.now(), n: 0 };

  private flushCounters(): void {
    const g = this.gf64;
    g[4] += this.processed;
    g[6] += this.netIn;
    g[7] += this.netOut;
    g[8] += this.errorReplies;
    this.processed = this.netIn = this.netOut = this.errorReplies = 0;
  }

  /** Called ~10 times a second by the server: one sample of the command rate. */
  sampleMetrics(): void {
    const now = Date.now(), n = this.gf64[4] + this.processed;
    const dt = now - this.lastSample.t;
    if (dt > 0) this.opsSamples.push(((n - this.lastSample.n) * 1000) / dt);
    if (this.opsSamples.length > 16) this.opsSamples.shift();
    this.lastSample = { t: now, n };
  }

  instantaneousOps(): number {
    if (this.opsSamples.length === 0) return 0;
    return Math.round(this.opsSamples.reduce((a, b) => a + b, 0) / this.opsSamples.length);
  }

  private clock = 0;
  private clockUses = 0;

  /** Release every shard lock this thread holds. Call at the end of each turn. */
  releaseLocks(): void {
    this.clockUses = 0;
    if (this.processed !== 0 || this.netIn !== 0) this.flushCounters();
    let h = this.held;
    if (h === 0) return;
    const shards = this.shards;
    for (let i = 0; h !== 0; i++, h >>>= 1) if (h & 1) shards[i].release();
    this.held = 0;
  }

  /** Resolves when the shard that parked the last command may be free again. */
  waitForShard(): Promise<void> {
    const s = this.shards[this.parkedOn < 0 ? 0 : this.parkedOn];
    return s.lock.waitUnlockedAsync(20);
  }

  /** Run fn with every shard locked (blocking). For embedded admin paths only. */
  withAllShards<T>(fn: () => T): T {
    this.acquire(this.allMask, true);
    try {
      return fn();
    } finally {
      this.releaseLocks();
    }
  }
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

/** Redis replaces CR and LF in error texts with spaces. */
function sanitize(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** "ERR unknown command 'x', with args beginning with: 'a' 'b' " exactly as Redis 7.0 builds it. */
export function unknownCommandText(c: Ctx): string {
  let args = '';
  for (let i = 1; i < c.argc && args.length < 128; i++) {
    args += `'${clip(c.bin(i), 128 - args.length)}' `;
  }
  return sanitize(E.unknownCommand(clip(c.bin(0), 128), args));
}
