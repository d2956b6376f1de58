/**
 * Request/response channels between the threads that serve connections (front ends) and the
 * script worker (DESIGN.md §1: no script runs on a front-end thread). Each front end claims one
 * channel: a request ring it produces into and a response ring it consumes from, both
 * single-producer single-consumer rings (sab/ring.ts). The worker serves every claimed channel
 * in FIFO order, so the responses of one channel come back in the order of its requests.
 *
 *   one SharedArrayBuffer, created with the store
 *   byte 0                     4096
 *   ┌──────────────────────────┬────────────────────────────────┬────────────────────────────────┬─
 *   │ header (Int32 words)     │ channel 0                      │ channel 1                      │ …
 *   │ [0] magic                │ ┌────────────────┬───────────┐ │ ┌────────────────┬───────────┐ │
 *   │ [1] doorbell             │ │ request ring   │ response  │ │ │ request ring   │ response  │ │
 *   │ [2] worker asleep (0/1)  │ │ 512 KiB data   │ ring      │ │ │                │ ring      │ │
 *   │ [3] channels claimed     │ │                │ 512 KiB   │ │ │                │           │ │
 *   │ [4] stop (1: wind down)  │ │                │           │ │ │                │           │ │
 *   │ [16 + t] channel t ready │ └────────────────┴───────────┘ │ └────────────────┴───────────┘ │
 *   └──────────────────────────┴────────────────────────────────┴────────────────────────────────┴─
 *
 * Record (in either ring): [u8 more][3 × 0][chunk]. A message longer than one record is cut
 * into chunks; every chunk but the last has more = 1. The consumer joins them.
 *
 * Invariants:
 * - Channel t is claimed once (Atomics.add on word 3); its claimer formats both rings and only
 *   then stores 1 in word 16 + t. The worker never touches a channel whose word is 0.
 * - Only the claimer pushes requests and pops responses of its channel; only the worker pops
 *   requests and pushes responses.
 * - Wake-up: a producer of requests adds 1 to the doorbell after pushing (once per event-loop
 *   turn) and notifies it when word 2 is 1. The worker stores 1 in word 2, reads the doorbell,
 *   checks every request ring, and only then waits on the doorbell value it read, so no push is
 *   missed. Responses wake their front end once per polled batch (and while a long script
 *   runs), not once per response: on a shared core each wake-up can cost a context switch.
 * - The pages of an unclaimed channel are never written (the buffer is zero-filled lazily by
 *   the OS), so unused channels cost address space only.
 */
import { Ring } from './ring.js';
import { copyBytes, putU32 } from './bytes.js';

export const kMaxChannels = 64; // as many threads as the pub/sub registry (kMaxThreads)
const kReqCap = 1 << 19;
const kResCap = 1 << 19;
/** Data bytes of each request ring and each response ring. */
export const kRequestRingBytes = kReqCap;
export const kResponseRingBytes = kResCap;
const kHeader = 4096;
const kMagic = 0x4348414e; // 'CHAN'
const W_MAGIC = 0, W_DOORBELL = 1, W_ASLEEP = 2, W_CLAIMED = 3, W_STOP = 4, W_READY = 16;
const kChannelBytes = (Ring.bytesFor(kReqCap) + Ring.bytesFor(kResCap) + 63) & ~63;

/** Ask the worker serving these channels to stop after its current request (Store.close). */
export function requestStop(sab: SharedArrayBuffer): void {
  const i32 = new Int32Array(sab, 0, kHeader / 4);
  Atomics.store(i32, W_STOP, 1);
  Atomics.add(i32, W_DOORBELL, 1);
  Atomics.notify(i32, W_DOORBELL);
}

export function createChannels(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(kHeader + kMaxChannels * kChannelBytes);
  Atomics.store(new Int32Array(sab, 0, kHeader / 4), W_MAGIC, kMagic);
  return sab;
}

function reqOffset(t: number): number {
  return kHeader + t * kChannelBytes;
}

function resOffset(t: number): number {
  return reqOffset(t) + Ring.bytesFor(kReqCap);
}

/** Bytes waiting to be sent (a RespWriter): their size, copied out, or handed out. */
export interface PendingBytes {
  size(): number;
  drainInto(d: Uint8Array, at: number): number;
  flushParts(): Buffer[] | null;
}

/** A whole message: bytes [off, off + len) of d, valid only while the callback runs. */
export type MessageCallback = (d: Uint8Array, off: number, len: number) => void;

/**
 * Joins chunked records back into messages. A message of one record is handed over in place,
 * in the ring itself (no copy, no object), valid only until the callback returns.
 */
class Joiner {
  private parts: Buffer[] = [];

  /** Feed one record; calls cb with the whole message when this was its last chunk. */
  add(d: Uint8Array, off: number, len: number, cb: MessageCallback): boolean {
    if (d[off] !== 1 && this.parts.length === 0) {
      cb(d, off + 4, len - 4);
      return true;
    }
    this.parts.push(Buffer.from(d.subarray(off + 4, off + len)));
    if (d[off] === 1) return false;
    const all = Buffer.concat(this.parts);
    this.parts = [];
    cb(all, 0, all.length);
    return true;
  }
}

/** A message as a Buffer view (for callers that want one; valid during the callback only). */
function asBuffer(cb: (msg: Buffer) => void): MessageCallback {
  return (d, off, len) => cb(Buffer.from(d.buffer, d.byteOffset + off, len));
}

/**
 * Push msg[0, end) as one or more records, starting at byte `from`; returns the bytes of msg
 * pushed so far (< end: the ring is full).
 */
function pushChunks(r: Ring, msg: Uint8Array, from: number, end = msg.length): number {
  const max = r.maxRecordLength - 4;
  let at = from;
  do {
    const n = Math.min(max, end - at);
    const pos = r.reserve(n + 4);
    if (pos < 0) return at;
    const d = r.data;
    d[pos] = at + n < end ? 1 : 0;
    d[pos + 1] = d[pos + 2] = d[pos + 3] = 0;
    copyBytes(d, pos + 4, msg, at, n);
    r.commit(n + 4);
    at += n;
  } while (at < end);
  return at;
}

/** A front end's end of its channel. */
export class ClientChannel {
  readonly index: number;
  private readonly i32: Int32Array;
  private readonly req: Ring;
  private readonly res: Ring;
  private readonly joiner = new Joiner();
  /** Messages (and how much of the first was sent) waiting for room in the request ring. */
  private readonly outbox: Buffer[] = [];
  private sentOfFirst = 0;

  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, kHeader / 4);
    const t = Atomics.add(this.i32, W_CLAIMED, 1);
    if (t >= kMaxChannels) throw new Error(`spindle: more than ${kMaxChannels} threads serve connections`);
    this.index = t;
    Ring.initialize(sab, reqOffset(t), kReqCap);
    Ring.initialize(sab, resOffset(t), kResCap);
    this.req = new Ring(sab, reqOffset(t));
    this.res = new Ring(sab, resOffset(t));
    Atomics.store(this.i32, W_READY + t, 1);
  }

  /** Queue the request msg[0, len) (copied now). False while older ones wait for ring space. */
  send(msg: Uint8Array, len = msg.length): boolean {
    if (this.outbox.length === 0) {
      const n = pushChunks(this.req, msg, 0, len);
      if (n < len) {
        this.outbox.push(Buffer.from(msg.subarray(0, len)));
        this.sentOfFirst = n;
      }
    } else this.outbox.push(Buffer.from(msg.subarray(0, len)));
    this.ring();
    return this.outbox.length === 0;
  }

  /** Push what waits in the outbox (waitForResponse also does, as the worker makes room). */
  flush(): void {
    while (this.outbox.length > 0) {
      const m = this.outbox[0];
      const n = pushChunks(this.req, m, this.sentOfFirst);
      if (n < m.length) {
        this.sentOfFirst = n;
        break;
      }
      this.outbox.shift();
      this.sentOfFirst = 0;
    }
    this.ring();
  }

  get backlog(): number {
    return this.outbox.length;
  }

  private ringing = false;

  /**
   * Ring the worker's doorbell once per event-loop turn (setImmediate), after every connection
   * read in this turn has queued its requests: one wake-up per batch, not one per request.
   */
  private ring(): void {
    if (this.ringing) return;
    this.ringing = true;
    setImmediate(() => {
      this.ringing = false;
      this.ringNow();
    });
  }

  /** Ring at once (tests, and callers outside an event loop turn). */
  ringNow(): void {
    Atomics.add(this.i32, W_DOORBELL, 1);
    if (Atomics.load(this.i32, W_ASLEEP) === 1) Atomics.notify(this.i32, W_DOORBELL);
  }

  /** Take every complete response now in the ring (in place: valid during cb only). */
  receiveRaw(cb: MessageCallback): number {
    let n = 0;
    const j = this.joiner;
    this.res.drain((d, off, len) => {
      if (j.add(d, off, len, cb)) n++;
    });
    return n;
  }

  /** receiveRaw with each response as a Buffer view (valid during cb only). */
  receive(cb: (msg: Buffer) => void): number {
    return this.receiveRaw(asBuffer(cb));
  }

  /**
   * Resolves when responses may be waiting (or after timeoutMs). While requests wait in the
   * outbox it first waits for room in the request ring and pushes them: a request longer than
   * the ring gets no response before its last chunk is in.
   */
  async waitForResponse(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.outbox.length > 0) {
      const left = until - Date.now();
      if (left <= 0) return false;
      const rest = this.outbox[0].length - this.sentOfFirst + 4;
      await this.req.waitForSpaceAsync(Math.min(this.req.maxRecordLength, rest), left);
      this.flush();
    }
    return this.res.waitForDataAsync(Math.max(0, until - Date.now()));
  }
}

/** The worker's end of every channel. */
export class WorkerChannels {
  private readonly i32: Int32Array;
  private readonly req: (Ring | null)[] = [];
  private readonly res: (Ring | null)[] = [];
  private readonly joiners: Joiner[] = [];

  constructor(private readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, kHeader / 4);
    if (Atomics.load(this.i32, W_MAGIC) !== kMagic) throw new Error('channels: not initialised');
  }

  private ready(t: number): boolean {
    if (this.req[t] !== undefined && this.req[t] !== null) return true;
    if (Atomics.load(this.i32, W_READY + t) !== 1) return false;
    this.req[t] = new Ring(this.sab, reqOffset(t));
    const res = (this.res[t] = new Ring(this.sab, resOffset(t)));
    res.deferWake = true; // poll() wakes the front end once per batch
    this.joiners[t] = new Joiner();
    return true;
  }

  /** True once the store asked the worker to stop (requestStop). */
  stopping(): boolean {
    return Atomics.load(this.i32, W_STOP) !== 0;
  }

  /** Channels claimed so far. */
  count(): number {
    return Math.min(kMaxChannels, Atomics.load(this.i32, W_CLAIMED));
  }

  /** Hand every complete request of channel t to cb (in place: valid during cb only). */
  pollRaw(t: number, cb: MessageCallback, max = 4096): number {
    if (!this.ready(t)) return 0;
    const j = this.joiners[t];
    const n = this.req[t]!.drain((d, off, len) => {
      j.add(d, off, len, cb);
    }, max);
    if (n !== 0) this.res[t]!.wakeConsumer();
    return n;
  }

  /** pollRaw with each request as a Buffer view (valid during cb only). */
  poll(t: number, cb: (msg: Buffer) => void, max = 4096): number {
    return this.pollRaw(t, asBuffer(cb), max);
  }

  /** Wake every front end with responses waiting (a long script calls this as it runs). */
  wakeAll(): void {
    for (const r of this.res) if (r !== null && r !== undefined) r.wakeConsumer();
  }

  /**
   * Send a response made of a u32 word and what `out` holds on channel t: copied straight into
   * the ring when it fits one record, else concatenated and chunked.
   */
  respondFrom(t: number, word: number, out: PendingBytes): void {
    const r = this.res[t]!;
    const n = 8 + out.size();
    const pos = n <= r.maxRecordLength ? r.reserve(n) : -1;
    if (pos < 0) {
      const head = Buffer.alloc(4);
      head.writeUInt32LE(word, 0);
      const parts = out.flushParts();
      this.respond(t, parts === null ? head : Buffer.concat([head, ...parts]));
      return;
    }
    const d = r.data;
    d[pos] = d[pos + 1] = d[pos + 2] = d[pos + 3] = 0;
    putU32(d, pos + 4, word);
    out.drainInto(d, pos + 8);
    r.commit(n);
  }

  /** Send a response on channel t, waiting for room when its ring is full. */
  respond(t: number, msg: Uint8Array): void {
    const r = this.res[t]!;
    let at = 0;
    for (;;) {
      at = pushChunks(r, msg, at);
      if (at >= msg.length) return;
      r.wakeConsumer(); // the front end must drain what is there before more fits
      r.waitForSpace(Math.min(r.maxRecordLength, msg.length - at + 4), 50);
    }
  }

  /** True when some request ring holds a record. */
  pending(): boolean {
    const n = this.count();
    for (let t = 0; t < n; t++) if (this.ready(t) && !this.req[t]!.isEmpty()) return true;
    return false;
  }

  /** Sleep until a front end rings (or timeoutMs). Returns false on timeout. */
  sleep(timeoutMs: number): boolean {
    const i32 = this.i32;
    Atomics.store(i32, W_ASLEEP, 1);
    const v = Atomics.load(i32, W_DOORBELL);
    if (this.pending()) {
      Atomics.store(i32, W_ASLEEP, 0);
      return true;
    }
    const r = Atomics.wait(i32, W_DOORBELL, v, timeoutMs);
    Atomics.store(i32, W_ASLEEP, 0);
    return r !== 'timed-out';
  }
}
