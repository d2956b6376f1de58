/**
 * One load slice: some connections driven from one thread. A piscina task runs one slice
 * (load-worker.ts); tests may run a slice in process.
 *
 * Each connection sends a batch of P requests in one write from a preallocated buffer and
 * waits for all P replies before the next batch (redis-benchmark's pipelining model).
 * Latency of a request is the time from its batch's write to the arrival of the chunk
 * holding its reply, in µs, into an HDR histogram.
 *
 * Timing is agreed across threads in epoch milliseconds: warm-up runs until t0, then
 * replies arriving in [t0, t0 + duration) are counted (--duration), or batches sent after t0
 * count until each connection has sent its quota (--requests).
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { maxBatchBytes, planTest, writeDigits, type Template } from './commands.js';
import { createHistogram, encodeHistogram } from './histogram.js';
import { keyGen, type KeyGen } from './keys.js';
import type { KeyPattern } from './options.js';
import { ReplyScanner } from './reply-scanner.js';

export interface SliceTask {
  host: string;
  port: number;
  test: string;
  dataSize: number;
  ratio: [number, number];
  keyPattern: KeyPattern;
  keyspace: number;
  pipeline: number;
  /** Requests of each connection of this slice (--requests), or null. */
  quotas: number[] | null;
  connections: number;
  /** Epoch ms at which measuring starts; warm-up before it. */
  t0: number;
  durationMs: number | null;
  seed: number;
  /** First key index of the sequential pattern, so slices do not walk the same keys. */
  keyStart: number;
}

export interface SliceResult {
  ops: number;
  errors: number;
  firstError: string | null;
  /** Counted requests sent (requests mode) — every one must have been answered. */
  sent: number;
  hist: string;
  /** Epoch ms of the first counted send and of the last counted reply. */
  firstSend: number;
  lastReply: number;
  connErrors: string[];
  lateConnects: number;
  /** Every request sent and every reply received, warm-up and drain included. */
  totalSent: number;
  totalReplies: number;
  /** This thread's event-loop utilization while measuring (0..1): near 1, the client is saturated. */
  busy: number;
}

const kDrainMs = 2000;
const kStallMs = 10_000;

export function runSlice(task: SliceTask): Promise<SliceResult> {
  const plan = planTest(task.test, task.dataSize, task.ratio);
  const cycle = plan.cycle;
  const fixed = cycle.length === 1;
  const P = task.pipeline;
  const tStart = task.t0 - performance.timeOrigin;
  const tEnd = task.durationMs === null ? Infinity : tStart + task.durationMs;
  const gen: KeyGen = keyGen(task.keyPattern, task.keyspace, task.seed, task.keyStart);
  const hist = createHistogram();
  const res = {
    ops: 0, errors: 0, sent: 0, firstSend: Infinity, lastReply: 0, lateConnects: 0, totalSent: 0, totalReplies: 0,
  };
  const connErrors: string[] = [];
  let firstError: string | null = null;
  let open = task.connections;
  let elu0 = performance.eventLoopUtilization();
  let busy = -1;
  const eluTimer = setTimeout(() => {
    elu0 = performance.eventLoopUtilization();
    if (tEnd !== Infinity) {
      eluTimer2 = setTimeout(() => { busy = performance.eventLoopUtilization(elu0).utilization; }, tEnd - tStart);
    }
  }, Math.max(0, tStart - performance.now()));
  let eluTimer2: NodeJS.Timeout | undefined;

  return new Promise((resolve) => {
    const conns: Conn[] = [];
    const finishAll = (): void => {
      clearInterval(watchdog);
      clearTimeout(eluTimer);
      clearTimeout(eluTimer2);
      if (busy < 0) busy = performance.eventLoopUtilization(elu0).utilization;
      for (const c of conns) if (c.scanner.firstError && firstError === null) firstError = c.scanner.firstError;
      const enc = encodeHistogram(hist);
      hist.destroy();
      resolve({
        ...res, firstError, hist: enc, connErrors, busy,
        firstSend: performance.timeOrigin + (res.firstSend === Infinity ? tStart : res.firstSend),
        lastReply: performance.timeOrigin + (res.lastReply || tStart),
      });
    };
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of conns) {
        if (c.done) continue;
        if (now > tEnd + kDrainMs) c.close(null);
        else if (c.outstanding > 0 && now - c.lastActivity > kStallMs) c.close('no reply for 10 s');
      }
    }, 250);

    class Conn {
      readonly sock: Socket;
      readonly arena = Buffer.allocUnsafe(maxBatchBytes(plan, P));
      readonly expect = new Uint8Array(P);
      readonly scanner = new ReplyScanner();
      sentAt = 0;
      outstanding = 0;
      counted = false;
      cyc = 0;
      done = false;
      lastActivity = performance.now();

      constructor(public quota: number) {
        this.scanner.expect = this.expect;
        if (fixed) {
          const t = cycle[0]!;
          for (let j = 0; j < P; j++) {
            t.bytes.copy(this.arena, j * t.bytes.length);
            this.expect[j] = t.reply;
          }
        }
        this.sock = connect({ host: task.host, port: task.port, noDelay: true });
        this.sock.on('connect', () => {
          if (performance.now() > tStart) res.lateConnects++;
          this.next(performance.now());
        });
        this.sock.on('data', (chunk: Buffer) => this.onData(chunk));
        this.sock.on('error', (e) => this.close(e.message));
        this.sock.on('close', () => this.close(this.outstanding > 0 ? 'connection closed by server' : null));
      }

      next(now: number): void {
        if (now >= tEnd) return this.close(null);
        if (task.quotas === null) return this.send(now, now >= tStart, P);
        if (now < tStart) return this.send(now, false, P);
        if (this.quota > 0) return this.send(now, true, Math.min(P, this.quota));
        this.close(null);
      }

      send(now: number, counted: boolean, n: number): void {
        const a = this.arena;
        let off = 0;
        if (fixed) {
          const t: Template = cycle[0]!, slots = t.slots, size = t.bytes.length;
          for (let j = 0; j < n; j++, off += size) {
            for (let s = 0; s < slots.length; s++) writeDigits(a, off + slots[s]!, gen());
          }
        } else {
          for (let j = 0; j < n; j++) {
            const t = cycle[this.cyc]!;
            this.cyc = this.cyc + 1 === cycle.length ? 0 : this.cyc + 1;
            t.bytes.copy(a, off);
            for (let s = 0; s < t.slots.length; s++) writeDigits(a, off + t.slots[s]!, gen());
            this.expect[j] = t.reply;
            off += t.bytes.length;
          }
        }
        this.counted = counted;
        res.totalSent += n;
        if (counted && task.quotas !== null) {
          this.quota -= n;
          res.sent += n;
          if (now < res.firstSend) res.firstSend = now;
        }
        this.outstanding = n;
        this.scanner.resetBatch();
        this.sentAt = now;
        this.sock.write(a.subarray(0, off));
      }

      onData(chunk: Buffer): void {
        const sc = this.scanner, r0 = sc.replies, e0 = sc.errors;
        sc.feed(chunk);
        const n = sc.replies - r0;
        if (n === 0) return;
        const now = performance.now();
        this.lastActivity = now;
        res.totalReplies += n;
        const e = sc.errors - e0;
        const counted = task.quotas === null ? now >= tStart && now < tEnd : this.counted;
        if (counted) {
          res.ops += n - e;
          res.errors += e;
          if (n > e) hist.recordValueWithCount(Math.max(1, Math.round((now - this.sentAt) * 1000)), n - e);
          if (now > res.lastReply) res.lastReply = now;
        }
        this.outstanding -= n;
        if (this.outstanding < 0) return this.close('more replies than requests: the reply stream is out of step');
        if (this.outstanding === 0) this.next(now);
      }

      close(err: string | null): void {
        if (this.done) return;
        this.done = true;
        if (err !== null) {
          if (this.outstanding > 0 && this.counted) res.errors += this.outstanding;
          if (connErrors.length < 5) connErrors.push(err);
        }
        this.sock.destroy();
        if (--open === 0) finishAll();
      }
    }

    for (let i = 0; i < task.connections; i++) conns.push(new Conn(task.quotas?.[i] ?? 0));
  });
}
