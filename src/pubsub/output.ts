/**
 * Sending pub/sub frames to this thread's subscribers, and their output limits.
 *
 * A message goes to many subscribers, so its frame is stored once and shared: frames are
 * appended to a log buffer per protocol version, and each subscriber keeps the segments of
 * that log it has to send. Consecutive messages to the same subscribers are contiguous in the
 * log, so a subscriber that gets every message of a turn sends one slice of the log, with no
 * per-subscriber copy:
 *
 *   log (RESP2)  [ frame m1 | frame m2 | frame m3 | frame m4 | ...          free ]
 *   client A      [─────────────── one segment ───────────────]
 *   client B                  [── seg ──]           [── seg ──]   (not subscribed to m3)
 *
 * A log buffer is only ever appended to; when full, a new one is started and the old one lives
 * on as long as segments point into it. Frames over 60 KiB are not copied into the log: the
 * frame's own buffer is the segment.
 *
 * Order: segments are sent once per event-loop turn (setImmediate, like Redis's write pass
 * before sleeping), and before the client's own replies whenever its connection writes them
 * (flushClient). A client whose connection is running a turn (the publisher itself, or a
 * subscriber whose script publishes) gets the frame in its reply writer instead, so the push
 * lands between the replies exactly where Redis puts it.
 */
import type { Client } from '../server/client.js';
import type { ClientSubs } from './hub.js';
import { OutputLimits, overLimit } from './output-limit.js';
import { frameSize, writeFrame } from './frames.js';

const kLogBytes = 256 * 1024;
/** Frames over this size get a buffer of their own (writers keep such pieces by reference). */
const kOwnBuffer = 60 * 1024;

/** A frame's place: bytes [start, end) of buf. */
export class Seg {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
}

export class SubscriberOutput {
  readonly limits = new OutputLimits();
  private dirty: Client[] = [];
  private scheduled = false;
  private readonly logs: Buffer[] = [Buffer.allocUnsafe(kLogBytes), Buffer.allocUnsafe(kLogBytes)];
  private readonly logOffs = [0, 0];
  private readonly segs = [new Seg(), new Seg()];

  /**
   * Encode a frame of protocol `resp` into the shared log (or, over 60 KiB, into a buffer of its
   * own); returns its segment. The Seg object is reused by the next encode() of the same
   * version, so use it before encoding the next frame.
   */
  encode(resp: 2 | 3, word: Uint8Array, pat: Uint8Array | null, b: Uint8Array, off: number, len: number, p: Uint8Array, poff: number, plen: number): Seg {
    const i = resp - 2, seg = this.segs[i];
    const size = frameSize(word, pat, len, plen);
    if (size > kOwnBuffer) {
      seg.buf = Buffer.allocUnsafe(size);
      seg.start = 0;
      seg.end = writeFrame(seg.buf, 0, resp, word, pat, b, off, len, p, poff, plen);
      return seg;
    }
    let log = this.logs[i], at = this.logOffs[i];
    if (at + size > log.length) {
      log = this.logs[i] = Buffer.allocUnsafe(kLogBytes);
      at = 0;
    }
    seg.buf = log;
    seg.start = at;
    seg.end = this.logOffs[i] = writeFrame(log, at, resp, word, pat, b, off, len, p, poff, plen);
    return seg;
  }

  /** Queue a shared segment for a client (merged with its previous one when contiguous). */
  add(cl: Client, subs: ClientSubs, seg: Seg): void {
    if (subs.segBuf === seg.buf && subs.segEnd === seg.start) {
      subs.segEnd = seg.end;
    } else {
      if (subs.segBuf !== null) subs.parts.push(subs.segBuf.subarray(subs.segStart, subs.segEnd));
      subs.segBuf = seg.buf;
      subs.segStart = seg.start;
      subs.segEnd = seg.end;
    }
    this.wrote(cl, subs, seg.end - seg.start);
  }

  /** Count bytes queued for a client; close it at the hard limit; schedule the turn's flush. */
  wrote(cl: Client, subs: ClientSubs, bytes: number): void {
    subs.pending += bytes;
    const hard = this.limits.pubsub.hard;
    if (hard !== 0 && subs.pending + subs.queued >= hard) {
      subs.queued = cl.outputBufferBytes();
      if (subs.pending + subs.queued >= hard) return this.closeAsap(cl, subs);
    }
    if (!subs.dirty) {
      subs.dirty = true;
      this.dirty.push(cl);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    }
  }

  /** Send a client's queued segments now (its connection calls this before its own output). */
  flushClient(cl: Client): void {
    const subs = cl.pubsub;
    if (subs === null || subs.segBuf === null) return;
    const parts = subs.parts;
    parts.push(subs.segBuf.subarray(subs.segStart, subs.segEnd));
    subs.parts = [];
    subs.segBuf = null;
    if (!subs.closing) cl.sendRaw(parts);
  }

  /** Close a client over its output limit once the current turn is over (freeClientAsync). */
  private closeAsap(cl: Client, subs: ClientSubs): void {
    if (subs.closing) return;
    subs.closing = true;
    subs.parts = [];
    subs.segBuf = null;
    setImmediate(() => cl.kill());
  }

  /** The turn's write pass: send every client's queued frames, then check its limits. */
  private flush(): void {
    this.scheduled = false;
    const list = this.dirty;
    this.dirty = [];
    const now = Date.now();
    for (const cl of list) {
      const subs = cl.pubsub;
      if (subs === null) continue;
      subs.dirty = false;
      subs.pending = 0;
      if (subs.closing) continue;
      this.flushClient(cl);
      cl.flushOut();
      subs.queued = cl.outputBufferBytes();
      if (this.overLimit(cl, now)) this.closeAsap(cl, subs);
    }
  }

  /**
   * True if a client's pending output breaks its class's limit (pubsub when subscribed, else
   * normal). Connections call it after writing a turn's replies.
   */
  overLimit(cl: Client, now = Date.now()): boolean {
    const l = cl.subCount > 0 ? this.limits.pubsub : this.limits.normal;
    if (l.hard === 0 && l.soft === 0) return false;
    return overLimit(l, cl.outputBufferBytes() + (cl.pubsub?.pending ?? 0), cl, now);
  }
}
