/**
 * The load generator's main-thread side: splits C connections over W piscina workers,
 * starts them on a common clock, and merges their counts and histograms.
 */
import { Piscina } from 'piscina';
import { mergeEncoded, encodeHistogram, summarize, type LatencySummary } from './histogram.js';
import type { SliceResult, SliceTask } from './load-slice.js';
import type { KeyPattern } from './options.js';

export interface LoadSpec {
  host: string;
  port: number;
  test: string;
  clients: number;
  pipeline: number;
  threads: number;
  duration: number | null;
  requests: number | null;
  warmup: number;
  keyspace: number;
  dataSize: number;
  ratio: [number, number];
  keyPattern: KeyPattern;
  seed?: number;
}

export interface LoadResult {
  test: string;
  /** Successful replies counted. */
  ops: number;
  /** Error replies, replies of the wrong type, and requests lost with a dropped connection. */
  errors: number;
  firstError: string | null;
  seconds: number;
  opsPerSec: number;
  latency: LatencySummary;
  /** Merged HDR histogram, compressed base64 (µs). */
  hist: string;
  connErrors: string[];
  lateConnects: number;
  /** Every request sent and reply received, warm-up and drain included (a server-side cross-check). */
  totalSent: number;
  totalReplies: number;
  /** Busiest load worker's event-loop utilization while measuring (0..1). */
  clientBusy: number;
}

export type SliceRunner = (task: SliceTask) => Promise<SliceResult>;

export interface Pool {
  run: SliceRunner;
  close(): Promise<void>;
}

export function createPool(threads: number, workerUrl = new URL('./load-worker.js', import.meta.url)): Pool {
  const pool = new Piscina<SliceTask, SliceResult>({
    filename: workerUrl.href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // Our tasks are long and few: no need for atomics-based task polling in the workers.
    atomics: 'disabled',
  });
  return { run: (t) => pool.run(t), close: () => pool.destroy() };
}

/** Split n into k parts that differ by at most one. */
export function split(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

/** Time the workers get to start and connect before warm-up is over. */
const kSetupMs = 150;

export async function runLoad(spec: LoadSpec, run: SliceRunner): Promise<LoadResult> {
  const slices = Math.max(1, Math.min(spec.threads, spec.clients));
  const perSlice = split(spec.clients, slices);
  const perConn = spec.requests === null ? null : split(spec.requests, spec.clients);
  const t0 = Date.now() + kSetupMs + spec.warmup * 1000;
  const seed = spec.seed ?? 0x5eed;
  let connIndex = 0;
  const tasks: SliceTask[] = perSlice.map((connections, i) => {
    const quotas = perConn ? perConn.slice(connIndex, connIndex + connections) : null;
    connIndex += connections;
    return {
      host: spec.host, port: spec.port, test: spec.test, dataSize: spec.dataSize,
      ratio: spec.ratio, keyPattern: spec.keyPattern, keyspace: spec.keyspace,
      pipeline: spec.pipeline, quotas, connections, t0,
      durationMs: spec.duration === null ? null : spec.duration * 1000,
      seed: (seed + i * 7919) >>> 0,
      keyStart: Math.floor((i * spec.keyspace) / slices),
    };
  });
  const results = await Promise.all(tasks.map((t) => run(t)));

  let ops = 0, errors = 0, sent = 0, lateConnects = 0, firstSend = Infinity, lastReply = 0;
  let firstError: string | null = null;
  const connErrors: string[] = [];
  for (const r of results) {
    ops += r.ops;
    errors += r.errors;
    sent += r.sent;
    lateConnects += r.lateConnects;
    firstSend = Math.min(firstSend, r.firstSend);
    lastReply = Math.max(lastReply, r.lastReply);
    firstError ??= r.firstError;
    for (const e of r.connErrors) if (connErrors.length < 5) connErrors.push(e);
  }
  if (spec.requests !== null && ops + errors !== sent) {
    connErrors.push(`${sent - ops - errors} of ${sent} requests got no reply`);
    errors += sent - ops - errors;
  }
  const seconds = spec.duration ?? Math.max(1e-6, (lastReply - firstSend) / 1000);
  const merged = mergeEncoded(results.map((r) => r.hist));
  const latency = summarize(merged);
  const hist = encodeHistogram(merged);
  merged.destroy();
  return {
    test: spec.test, ops, errors, firstError, seconds, opsPerSec: ops / seconds,
    latency, hist, connErrors, lateConnects,
    totalSent: results.reduce((a, r) => a + r.totalSent, 0),
    totalReplies: results.reduce((a, r) => a + r.totalReplies, 0),
    clientBusy: Math.max(...results.map((r) => r.busy)),
  };
}
