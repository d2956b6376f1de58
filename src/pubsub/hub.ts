/**
 * A front-end thread's pub/sub (DESIGN.md §5). One PubsubHub per Engine; a thread without an
 * Engine (an owner worker, an embedded host's worker) may make one just to publish.
 *
 * - Subscriptions live here, per thread: name → the clients subscribed to it (one map per kind:
 *   channels, shard channels, patterns), and on each client its own names. Every change is also
 *   counted in the shared registry (pubsub/registry.ts), so other threads can count receivers
 *   and know where to send.
 * - publish(): delivers to this thread's subscribers directly, writing the message into each
 *   subscriber's reply writer (flushed once per event-loop turn, like Redis's beforeSleep
 *   write pass). For every other thread with matching subscribers it writes the message once
 *   into that thread's inbox ring (pubsub/remote.ts), which wakes it with Atomics.notify.
 *   When no other thread has any subscription (one front end: Node 20), it never touches the
 *   shared registry's lock.
 * - Slow subscribers: every delivery counts the bytes a client has pending; at the hard limit
 *   (or over the soft one for too long) of `client-output-buffer-limit pubsub` the client is
 *   closed after the current turn, and its queued output is dropped with its socket.
 *
 * Message order: a connection's commands run in order on one thread; local deliveries are
 * written in that order, and remote ones go through one FIFO inbox per target (with a FIFO
 * outbox in front of it while the ring is full), so each publisher's messages reach each
 * subscriber in publish order.
 */
import { globMatch } from '../server/glob.js';
import type { Client } from '../server/client.js';
import type { Config } from '../server/config.js';
import { Found, Kind, Registry, type PatternInfo, type PubsubHandle } from './registry.js';
import { Remote } from './remote.js';
import { SubscriberOutput, type Seg } from './output.js';

export { Kind } from './registry.js';

const kMessage = Buffer.from('message');
const kPMessage = Buffer.from('pmessage');
const kSMessage = Buffer.from('smessage');

/** A client's subscriptions (latin1 name → bytes), and its delivery bookkeeping. */
export class ClientSubs {
  readonly names: [Map<string, Buffer>, Map<string, Buffer>, Map<string, Buffer>] = [new Map(), new Map(), new Map()];
  /** Queued for this turn's flush. */
  dirty = false;
  /** Bytes written to the client's writer since the last flush. */
  pending = 0;
  /** The socket's write queue as of the last flush: an upper bound until the next one (the
   *  queue only drains in between), so most deliveries need not read it. */
  queued = 0;
  /** Over the output limit: being closed; deliver nothing more. */
  closing = false;
  /** Frames queued for the next write (pubsub/output.ts): finished slices, then the open one. */
  parts: Buffer[] = [];
  segBuf: Buffer | null = null;
  segStart = 0;
  segEnd = 0;

  /** Channels + patterns: the count SUBSCRIBE/PSUBSCRIBE and their unsubscribes reply. */
  classic(): number {
    return this.names[Kind.Channel].size + this.names[Kind.Pattern].size;
  }
}

export class PubsubHub {
  readonly reg: Registry;
  /** This thread's index in the registry, claimed on the first subscription (-1 = none yet). */
  thread = -1;
  /** name → subscribers on this thread, per kind. */
  readonly local: [Map<string, Set<Client>>, Map<string, Set<Client>>, Map<string, Set<Client>>] = [new Map(), new Map(), new Map()];
  /** Subscriptions of every kind on this thread. */
  private total = 0;
  private readonly found = new Found();
  private patterns: PatternInfo[] = [];
  private patternGen = -1;
  readonly remote: Remote;
  /** Sending frames to this thread's subscribers, and their output limits. */
  readonly out = new SubscriberOutput();
  private claimWarned = false;

  constructor(handle: PubsubHandle, private readonly config: Config | null = null) {
    this.reg = new Registry(handle);
    this.remote = new Remote(this.reg, (kind, d, co, cl, po, pl) => this.deliverLocal(kind, d, co, cl, d, po, pl));
    this.syncLimits();
  }

  private syncLimits(): void {
    if (this.config !== null) this.out.limits.update(this.config.str('client-output-buffer-limit'));
  }

  // ------------------------------------------------------------------ subscriptions

  /** Subscribe a client to a name. Returns false if it already was. */
  subscribe(cl: Client, kind: Kind, b: Uint8Array, off: number, len: number): boolean {
    const subs = (cl.pubsub ??= new ClientSubs());
    const key = Buffer.from(b.buffer, b.byteOffset + off, len).toString('latin1');
    const mine = subs.names[kind];
    if (mine.has(key)) return false;
    mine.set(key, Buffer.from(b.subarray(off, off + len)));
    let set = this.local[kind].get(key);
    if (set === undefined) this.local[kind].set(key, (set = new Set()));
    set.add(cl);
    cl.subCount++;
    const unclaimed = this.thread < 0;
    // becameActive() registers everything in the local maps (this one too) if it claims.
    if (this.total++ === 0) this.becameActive();
    if (!unclaimed) {
      const t = this.thread, reg = this.reg;
      reg.locked(() => reg.adjust(kind, b, off, len, t, 1, true));
    }
    return true;
  }

  /** Unsubscribe a client from a name (latin1 key). Returns false if it was not subscribed. */
  unsubscribe(cl: Client, kind: Kind, key: string): boolean {
    const subs = cl.pubsub;
    if (subs === null) return false;
    const bytes = subs.names[kind].get(key);
    if (bytes === undefined) return false;
    subs.names[kind].delete(key);
    const set = this.local[kind].get(key)!;
    set.delete(cl);
    if (set.size === 0) this.local[kind].delete(key);
    cl.subCount--;
    if (this.thread >= 0) {
      const t = this.thread, reg = this.reg, left = set.size !== 0;
      reg.locked(() => reg.adjust(kind, bytes, 0, bytes.length, t, -1, left));
    }
    if (--this.total === 0 && this.thread >= 0) this.reg.setActive(this.thread, false);
    return true;
  }

  /** Drop every subscription of a client (disconnect, RESET). */
  unsubscribeAll(cl: Client): void {
    const subs = cl.pubsub;
    if (subs === null) return;
    for (const kind of [Kind.Channel, Kind.Shard, Kind.Pattern]) {
      for (const key of [...subs.names[kind].keys()]) this.unsubscribe(cl, kind, key);
    }
  }

  /** The first subscription on this thread: take a thread index and an inbox, mark active. */
  private becameActive(): void {
    if (this.thread < 0) {
      const t = this.reg.claimThread();
      if (t < 0) {
        if (!this.claimWarned) console.error('spindle: pub/sub: more than 64 subscribing threads; this one only receives its own messages');
        this.claimWarned = true;
        return;
      }
      this.reg.inboxOffset(t, true);
      this.thread = t;
      this.remote.listen(t);
      // Register this thread's subscriptions (made while it had no index, and the new one).
      const reg = this.reg;
      reg.locked(() => {
        for (const kind of [Kind.Channel, Kind.Shard, Kind.Pattern]) {
          for (const [key, set] of this.local[kind]) {
            const b = Buffer.from(key, 'latin1');
            reg.adjust(kind, b, 0, b.length, t, set.size, true);
          }
        }
      });
    }
    this.reg.setActive(this.thread, true);
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Publish a message to a channel (kind Channel, also matched against patterns) or a shard
   * channel. Returns the number of receivers on every thread. Callable from a command handler
   * (shard locks held or not) or from any thread holding no registry lock.
   */
  publish(kind: Kind.Channel | Kind.Shard, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): number {
    const reg = this.reg, me = this.thread;
    let lo = reg.activeLo(), hi = reg.activeHi();
    if (me >= 0) {
      if (me < 32) lo &= ~(1 << me);
      else hi &= ~(1 << (me - 32));
    }
    if (lo === 0 && hi === 0) return this.total === 0 ? 0 : this.deliverLocal(kind, b, off, len, p, poff, plen);
    const f = this.found;
    reg.locked(() => {
      reg.lookup(kind, b, off, len, f);
      if (kind === Kind.Channel && reg.patternGen() !== this.patternGen) {
        const snap = reg.patterns();
        this.patterns = snap.list;
        this.patternGen = snap.gen;
      }
    });
    let count = f.total;
    lo = f.lo;
    hi = f.hi;
    if (kind === Kind.Channel && this.patterns.length !== 0) {
      const chan = this.key(b, off, len);
      for (const pi of this.patterns) {
        if (globMatch(pi.pattern, chan, false)) {
          count += pi.total;
          lo |= pi.lo;
          hi |= pi.hi;
        }
      }
    }
    if (me >= 0) {
      const bit = me < 32 ? lo & (1 << me) : hi & (1 << (me - 32));
      if (bit !== 0) this.deliverLocal(kind, b, off, len, p, poff, plen);
      if (me < 32) lo &= ~(1 << me);
      else hi &= ~(1 << (me - 32));
    }
    if (lo !== 0 || hi !== 0) this.remote.send(lo, hi, kind, b, off, len, p, poff, plen);
    return count;
  }

  /** publish() for whole byte arrays: the entry point for scripts and keyspace notifications. */
  publishBytes(channel: Uint8Array, message: Uint8Array, sharded = false): number {
    return this.publish(sharded ? Kind.Shard : Kind.Channel, channel, 0, channel.length, message, 0, message.length);
  }

  /** Deliver to this thread's subscribers; returns how many deliveries were made. */
  deliverLocal(kind: Kind, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): number {
    let n = 0;
    this.syncLimits();
    const chan = this.key(b, off, len);
    const set = this.local[kind].get(chan);
    if (set !== undefined) {
      const word = kind === Kind.Shard ? kSMessage : kMessage;
      this.s2 = this.s3 = null;
      for (const cl of set) {
        n++;
        this.send(cl, word, null, b, off, len, p, poff, plen);
      }
    }
    if (kind === Kind.Channel && this.local[Kind.Pattern].size !== 0) {
      for (const [pat, pset] of this.local[Kind.Pattern]) {
        if (!globMatch(pat, chan, false)) continue;
        this.s2 = this.s3 = null;
        let pb: Buffer | null = null;
        for (const cl of pset) {
          n++;
          pb ??= cl.pubsub!.names[Kind.Pattern].get(pat)!;
          this.send(cl, kPMessage, pb, b, off, len, p, poff, plen);
        }
      }
    }
    return n;
  }

  /** The current message's frame per protocol version (encoded on demand, once). */
  private s2: Seg | null = null;
  private s3: Seg | null = null;

  /** One delivery of the current message. */
  private send(cl: Client, word: Buffer, pat: Buffer | null, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): void {
    const w = cl.out, subs = cl.pubsub!;
    if (w === null || subs.closing) return;
    const seg = w.resp === 3
      ? (this.s3 ??= this.out.encode(3, word, pat, b, off, len, p, poff, plen))
      : (this.s2 ??= this.out.encode(2, word, pat, b, off, len, p, poff, plen));
    if (cl.inTurn) {
      // Its connection is mid-turn: the push goes between its replies, in its writer.
      w.raw(seg.buf, seg.start, seg.end - seg.start);
      this.out.wrote(cl, subs, seg.end - seg.start);
      return;
    }
    this.out.add(cl, subs, seg);
  }

  /** Send a client's queued messages before its connection writes anything of its own. */
  flushClient(cl: Client): void {
    this.out.flushClient(cl);
  }

  /** The latin1 key of a channel; the last one is remembered (publishers repeat channels). */
  private key(b: Uint8Array, off: number, len: number): string {
    const last = this.lastKeyBytes;
    if (last.length === len) {
      let i = 0;
      while (i < len && last[i] === b[off + i]) i++;
      if (i === len) return this.lastKey;
    }
    const k = latin1(b, off, len);
    if (len <= 256) {
      this.lastKey = k;
      this.lastKeyBytes = Buffer.from(b.subarray(off, off + len));
    }
    return k;
  }

  private lastKey = '';
  private lastKeyBytes: Buffer = Buffer.alloc(0);

  /**
   * True if a client's pending output breaks its class's limit (pubsub when subscribed, else
   * normal). Connections call it after writing a turn's replies.
   */
  overLimit(cl: Client): boolean {
    this.syncLimits();
    return this.out.overLimit(cl);
  }

  // ------------------------------------------------------------------ introspection

  /** Distinct names of a kind with subscribers on any thread. */
  count(kind: Kind): number {
    const reg = this.reg;
    if (this.thread < 0 && reg.activeLo() === 0 && reg.activeHi() === 0) return this.local[kind].size;
    return reg.locked(() => reg.count(kind));
  }

  /** Names of a kind with subscribers on any thread, optionally filtered by a glob pattern. */
  names(kind: Kind, pattern: string | null): Buffer[] {
    const reg = this.reg;
    const all = this.thread < 0 && reg.activeLo() === 0 && reg.activeHi() === 0
      ? [...this.local[kind].keys()].map((k) => Buffer.from(k, 'latin1'))
      : reg.locked(() => reg.entries(kind).map((e) => e.name));
    return pattern === null ? all : all.filter((n) => globMatch(pattern, n.toString('latin1'), false));
  }

  /** Subscribers of one name on every thread. */
  subscribers(kind: Kind, b: Uint8Array, off: number, len: number): number {
    const reg = this.reg;
    if (this.thread < 0 && reg.activeLo() === 0 && reg.activeHi() === 0) return this.local[kind].get(latin1(b, off, len))?.size ?? 0;
    reg.locked(() => reg.lookup(kind, b, off, len, this.found));
    return this.found.total;
  }
}

function latin1(b: Uint8Array, off: number, len: number): string {
  return Buffer.from(b.buffer, b.byteOffset + off, len).toString('latin1');
}

/** A client's [channels, patterns, shard channels] subscription counts (CLIENT LIST). */
export function subCounts(cl: Client): [number, number, number] {
  const s = cl.pubsub;
  if (s === null) return [0, 0, 0];
  return [s.names[Kind.Channel].size, s.names[Kind.Pattern].size, s.names[Kind.Shard].size];
}
