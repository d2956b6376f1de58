/**
 * The cross-thread half of pub/sub: writing a message into other threads' inbox rings, and
 * reading this thread's own inbox.
 *
 * Inbox record (one per message per target thread; little-endian u32s):
 *
 *   inline:   ┌──────┬─────────┬──────────────┬──────────────┬───────────────┐
 *             │ kind │ 3 × 0   │ u32 chanLen  │ channel      │ payload       │  (rest of the record)
 *             └──────┴─────────┴──────────────┴──────────────┴───────────────┘
 *   spilled:  ┌────────────┬─────────┬────────────────────────┐
 *             │ kind|0x80  │ 3 × 0   │ u32 spill block offset │   the block holds an inline record
 *             └────────────┴─────────┴────────────────────────┘
 *
 * A message too big for a ring record (more than half the ring) is copied once into a spill
 * block of the registry heap, with one reference per target thread; each target drops its
 * reference after delivering, and the last one frees the block.
 *
 * When a target's ring is full, records wait in a FIFO outbox for that target on the sending
 * thread (JS memory), and every later record for that target queues behind them until the
 * outbox is empty again, so order is kept. The outbox retries when the consumer frees space
 * (kSpaceWaitField notify, with a timeout as backstop).
 */
import { InboxRing } from './inbox-ring.js';
import { getU32, putU32 } from '../sab/bytes.js';
import type { Kind, Registry } from './registry.js';

/** Deliver one message to this thread's subscribers: channel and payload are slices of d. */
export type LocalDeliver = (kind: Kind, d: Uint8Array, chanOff: number, chanLen: number, payOff: number, payLen: number) => void;

const kSpilled = 0x80;
const kHeader = 8;
/** Records handled per drain before yielding to the event loop. */
const kDrainBatch = 4096;

interface Outbox {
  queue: Uint8Array[];
  draining: boolean;
}

/** Write an inline record (header, channel, payload) at d[at..]. */
function writeRecord(d: Uint8Array, at: number, kind: number, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): void {
  d[at] = kind;
  d[at + 1] = d[at + 2] = d[at + 3] = 0;
  putU32(d, at + 4, len);
  d.set(b.subarray(off, off + len), at + kHeader);
  d.set(p.subarray(poff, poff + plen), at + kHeader + len);
}

export class Remote {
  /** Producer handles on other threads' inboxes, by thread index. */
  private readonly rings: (InboxRing | null)[] = [];
  private readonly outboxes = new Map<number, Outbox>();
  private inbox: InboxRing | null = null;
  private listening = false;
  /** Records delivered from the inbox, sent, and queued because a ring was full (stats). */
  received = 0;
  sent = 0;
  queued = 0;

  constructor(private readonly reg: Registry, private readonly deliver: LocalDeliver) {}

  // ------------------------------------------------------------------ sending

  private ring(t: number): InboxRing | null {
    let r = this.rings[t];
    if (r === undefined || r === null) {
      r = this.reg.inbox(t);
      this.rings[t] = r;
    }
    return r;
  }

  /** Send a message to every thread in the mask (lo: threads 0-31, hi: 32-63). */
  send(lo: number, hi: number, kind: Kind, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): void {
    const recLen = kHeader + len + plen;
    let targets = 0;
    let maxRec = Infinity;
    for (let t = 0; t < 64; t++) {
      if (((t < 32 ? lo >>> t : hi >>> (t - 32)) & 1) === 0) continue;
      const r = this.ring(t);
      if (r === null) continue;
      targets++;
      maxRec = Math.min(maxRec, r.maxRecordLength);
    }
    if (targets === 0) return;
    let spill = -1;
    if (recLen > maxRec) {
      spill = this.reg.spillAlloc(recLen, targets);
      writeRecord(this.reg.spillView(spill), 0, kind, b, off, len, p, poff, plen);
    }
    for (let t = 0; t < 64; t++) {
      if (((t < 32 ? lo >>> t : hi >>> (t - 32)) & 1) === 0) continue;
      const r = this.rings[t];
      if (r === null || r === undefined) continue;
      this.sent++;
      if (spill >= 0) {
        const rec = new Uint8Array(kHeader);
        rec[0] = kind | kSpilled;
        putU32(rec, 4, spill);
        this.pushOrQueue(t, r, rec);
        continue;
      }
      const ob = this.outboxes.get(t);
      const at = ob === undefined ? r.reserve(recLen) : -1;
      if (at >= 0) {
        writeRecord(r.data, at, kind, b, off, len, p, poff, plen);
        r.commit(recLen);
        continue;
      }
      const rec = new Uint8Array(recLen);
      writeRecord(rec, 0, kind, b, off, len, p, poff, plen);
      this.enqueue(t, r, rec);
    }
  }

  private pushOrQueue(t: number, r: InboxRing, rec: Uint8Array): void {
    if (!this.outboxes.has(t) && r.tryPush(rec)) return;
    this.enqueue(t, r, rec);
  }

  private enqueue(t: number, r: InboxRing, rec: Uint8Array): void {
    this.queued++;
    let ob = this.outboxes.get(t);
    if (ob === undefined) this.outboxes.set(t, (ob = { queue: [], draining: false }));
    ob.queue.push(rec);
    if (!ob.draining) {
      ob.draining = true;
      void this.drainOutbox(t, r, ob);
    }
  }

  private async drainOutbox(t: number, r: InboxRing, ob: Outbox): Promise<void> {
    let i = 0;
    for (;;) {
      while (i < ob.queue.length && r.tryPush(ob.queue[i])) i++;
      if (i === ob.queue.length) break;
      if (i > 1024) {
        ob.queue.splice(0, i);
        i = 0;
      }
      await r.waitForSpaceAsync(ob.queue[i].length, 20);
    }
    this.outboxes.delete(t);
  }

  /** Records waiting in outboxes (all targets). */
  outboxRecords(): number {
    let n = 0;
    for (const ob of this.outboxes.values()) n += ob.queue.length;
    return n;
  }

  // ------------------------------------------------------------------ receiving

  /** Start consuming thread t's inbox (this thread's own), for the life of the thread. */
  listen(t: number): void {
    this.inbox = this.reg.inbox(t);
    this.wait();
  }

  private wait(): void {
    const inbox = this.inbox;
    if (inbox === null || this.listening) return;
    this.listening = true;
    void inbox.waitForDataAsync().then(() => {
      this.listening = false;
      this.drain();
    });
  }

  /** Deliver what is in the inbox (a batch at a time, yielding between batches). */
  drain(): void {
    const inbox = this.inbox;
    if (inbox === null) return;
    const n = inbox.drain((d, off, len) => this.onRecord(d, off, len), kDrainBatch);
    this.received += n;
    if (n === kDrainBatch) setImmediate(() => this.drain());
    else this.wait();
  }

  private onRecord(d: Uint8Array, off: number, len: number): void {
    const k = d[off];
    if ((k & kSpilled) === 0) {
      const cl = getU32(d, off + 4);
      this.deliver(k as Kind, d, off + kHeader, cl, off + kHeader + cl, len - kHeader - cl);
      return;
    }
    const spill = getU32(d, off + 4);
    try {
      const v = this.reg.spillView(spill);
      const cl = getU32(v, 4);
      this.deliver(v[0] as Kind, v, kHeader, cl, kHeader + cl, v.length - kHeader - cl);
    } finally {
      this.reg.spillRelease(spill);
    }
  }
}
