/**
 * Latency while a big sorted set is being built: Spindle against redis-server, same run.
 *
 *   node dist-bench/latency-build.js [--targets spindle,redis] [--members 1000000] ...
 *
 * For each target (fresh server, pinned to --server-cpus; this process to --client-cpus):
 *  1. build: a loader thread pipelines ZADD key score member (random score, 16-byte member)
 *     over one connection, --pipeline commands per write, --inflight writes unanswered, until
 *     the set has --members members (optionally at a fixed offered --rate). Meanwhile a probe
 *     thread on its own connection sends one request at a time, in turn:
 *       ZADD key <random score> <new 16-byte member>
 *       ZRANGE key 0 9                      (the head)
 *       ZRANGE key <mid> <mid+9>            (mid = half the members the loader has so far)
 *     and records each round trip (write to complete reply, µs) in an HdrHistogram per
 *     request kind. Every reply is type-checked; errors are counted, not recorded.
 *  2. after: the same probe for --after seconds on the built set, with the loader stopped.
 * Targets alternate, --reps times; the histograms of the reps are merged. Ratios are
 * target / baseline (redis, else the last target) of each percentile.
 */
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { kArray, kInteger } from './commands.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarize, type Histogram, type LatencySummary } from './histogram.js';
import { prng } from './keys.js';
import { ReplyScanner } from './reply-scanner.js';
import { killAllTargets, hasTaskset } from './targets.js';
import {
  ask, connectTo, fmtInt, labelTargets, parseFlags, pipelineLoad, RespBatch, serverPid, sleep, startTarget,
} from './types-kit.js';

const kDefaults = {
  targets: 'spindle,redis',
  baseline: '',
  members: 1_000_000,
  memberBytes: 16,
  key: 'zset:build',
  pipeline: 100,
  inflight: 1,
  /** Loader's offered rate, ZADDs per second (0 = as fast as replies come back). */
  rate: 0,
  after: 2,
  reps: 1,
  shards: 2,
  serverCpus: '0',
  clientCpus: '1',
  seed: 7,
  json: '',
  help: false,
};
type Opts = typeof kDefaults;

const kUsage = `usage: node dist-bench/latency-build.js [options]
  --targets LIST      spindle, redis, host:port (not fresh); may repeat (redis,redis). default spindle,redis
  --baseline LABEL    ratios against this target (default redis, else the last one)
  --members N         members the loader adds (1000000), --member-bytes N (16), --key NAME
  --pipeline N        loader: ZADDs per write (100)
  --inflight N        loader: writes unanswered at most (1)
  --rate N            loader: offered ZADDs per second, 0 = closed loop (0)
  --after S           probe seconds on the built set, loader stopped (2; 0 skips)
  --reps N            fresh servers per target, alternating; histograms merged (1)
  --shards N          Spindle's --shards (2)
  --server-cpus LIST  taskset for the servers ('0'; '' = not pinned)
  --client-cpus LIST  taskset for this process and its threads ('1'; '' = not pinned)
  --json FILE         also write results (with the encoded histograms) as JSON`;

const kProbes = ['ZADD', 'ZRANGE 0 9', 'ZRANGE mid'] as const;

/** Shared between the threads: [answered ZADDs of the loader, stop flag]. */
const kAnswered = 0, kStop = 1;

interface ProbeTask {
  role: 'probe';
  host: string;
  port: number;
  key: string;
  memberBytes: number;
  seed: number;
  state: SharedArrayBuffer;
  /** Members in the set before the phase (the mid rank is half of this plus the loader's count). */
  base: number;
  memberPrefix: string;
}

interface ProbeResult {
  hists: string[];
  errors: number;
  firstError: string | null;
  count: number;
}

const pad = (prefix: string, i: number, width: number): string =>
  prefix + String(i).padStart(width - prefix.length, '0');

/** Probe thread: one request at a time until the stop flag is set. */
async function probe(t: ProbeTask): Promise<ProbeResult> {
  const state = new Int32Array(t.state);
  const sock = await connectTo(t.host, t.port);
  const hists: Histogram[] = kProbes.map(() => createHistogram());
  const scanner = new ReplyScanner();
  const expect = new Uint8Array(1);
  scanner.expect = expect;
  const rnd = prng(t.seed);
  const b = new RespBatch();
  let kind = 0, n = 0, sentAt = 0;
  parentPort!.postMessage('ready');
  return new Promise((resolve, reject) => {
    const send = (): void => {
      if (Atomics.load(state, kStop)) {
        sock.destroy();
        resolve({ hists: hists.map((h) => encodeHistogram(h)), errors: scanner.errors, firstError: scanner.firstError, count: n });
        return;
      }
      b.reset();
      if (kind === 0) {
        b.begin(4);
        b.arg('ZADD'); b.arg(t.key); b.arg((rnd() * 1e9).toFixed(3)); b.arg(pad(t.memberPrefix, n, t.memberBytes));
        expect[0] = kInteger;
      } else {
        const mid = kind === 1 ? 0 : (t.base + Atomics.load(state, kAnswered)) >> 1;
        b.begin(4);
        b.arg('ZRANGE'); b.arg(t.key); b.arg(String(mid)); b.arg(String(mid + 9));
        expect[0] = kArray;
      }
      scanner.resetBatch();
      sentAt = performance.now();
      sock.write(b.take());
    };
    sock.on('data', (chunk: Buffer) => {
      const r0 = scanner.replies, e0 = scanner.errors;
      scanner.feed(chunk);
      if (scanner.replies === r0) return;
      const us = Math.max(1, Math.round((performance.now() - sentAt) * 1000));
      if (scanner.errors === e0) hists[kind]!.recordValue(us);
      n++;
      kind = kind + 1 === kProbes.length ? 0 : kind + 1;
      send();
    });
    sock.on('error', reject);
    send();
  });
}

interface LoadTask {
  role: 'load';
  host: string;
  port: number;
  key: string;
  members: number;
  memberBytes: number;
  pipeline: number;
  inflight: number;
  rate: number;
  seed: number;
  state: SharedArrayBuffer;
}

async function load(t: LoadTask): Promise<{ ms: number; errors: number; firstError: string | null }> {
  const state = new Int32Array(t.state);
  const rnd = prng(t.seed);
  const st = await pipelineLoad(t.host, t.port, t.members, (i, b) => {
    b.begin(4);
    b.arg('ZADD'); b.arg(t.key); b.arg((rnd() * 1e9).toFixed(3)); b.arg(pad('m', i, t.memberBytes));
  }, { batch: t.pipeline, inflight: t.inflight, rate: t.rate, onProgress: (a) => Atomics.store(state, kAnswered, a) });
  return { ms: st.ms, errors: st.errors, firstError: st.firstError };
}

function runWorker<T>(data: ProbeTask | LoadTask, onReady?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: data });
    w.on('message', (m: unknown) => {
      if (m === 'ready') onReady?.();
      else resolve(m as T);
    });
    w.on('error', reject);
    w.on('exit', (c) => { if (c !== 0) reject(new Error(`${data.role} thread exited with ${c}`)); });
  });
}

interface Phase {
  probes: ProbeResult;
  loadMs: number;
  loadErrors: string | null;
}

async function phase(host: string, port: number, o: Opts, base: number, prefix: string, rep: number,
  loading: boolean): Promise<Phase> {
  const state = new SharedArrayBuffer(8);
  const flags = new Int32Array(state);
  let ready!: () => void;
  const isReady = new Promise<void>((r) => { ready = r; });
  const probeDone = runWorker<ProbeResult>({
    role: 'probe', host, port, key: o.key, memberBytes: o.memberBytes, seed: o.seed + 1000 * rep + base,
    state, base, memberPrefix: prefix,
  }, ready);
  await isReady;
  let loadMs = 0, loadErrors: string | null = null;
  if (loading) {
    const r = await runWorker<{ ms: number; errors: number; firstError: string | null }>({
      role: 'load', host, port, key: o.key, members: o.members, memberBytes: o.memberBytes, pipeline: o.pipeline,
      inflight: o.inflight, rate: o.rate, seed: o.seed + rep, state,
    });
    loadMs = r.ms;
    if (r.errors) loadErrors = `${r.errors} error replies, first: ${r.firstError}`;
  } else {
    await sleep(o.after * 1000);
  }
  Atomics.store(flags, kStop, 1);
  return { probes: await probeDone, loadMs, loadErrors };
}

interface RunRow {
  target: string;
  version: string;
  started: string;
  rep: number;
  build: Phase;
  after: Phase | null;
  zcard: string;
  encoding: string;
}

async function runTarget(spec: string, label: string, rep: number, o: Opts, log: (s: string) => void): Promise<RunRow> {
  const t = await startTarget(spec, label, o.shards, o.serverCpus || null);
  try {
    if (t.started !== 'external' && o.serverCpus && hasTaskset()) {
      // Threads the server started after exec inherit the mask; re-pin all of them anyway.
      const pid = await serverPid(t.host, t.port);
      execFileSync('taskset', ['-acp', o.serverCpus, String(pid)], { stdio: 'ignore' });
    }
    const build = await phase(t.host, t.port, o, 0, 'p', rep, true);
    const after = o.after > 0 ? await phase(t.host, t.port, o, o.members + build.probes.count, 'q', rep, false) : null;
    const zcard = await ask(t.host, t.port, ['ZCARD', o.key]);
    const encoding = await ask(t.host, t.port, ['OBJECT', 'ENCODING', o.key]);
    const s = summarize(decodeHistogram(build.probes.hists[0]!));
    log(`  ${label.padEnd(10)} rep ${rep + 1}: built ${fmtInt(o.members)} in ${(build.loadMs / 1000).toFixed(2)} s` +
      ` (${fmtInt(o.members / build.loadMs * 1000)} ZADD/s), ${fmtInt(build.probes.count)} probes, ZADD p99.9 ${s.p999} ms` +
      `${build.loadErrors ? `; LOADER ERRORS: ${build.loadErrors}` : ''}` +
      `${build.probes.errors ? `; PROBE ERRORS: ${build.probes.errors} (${build.probes.firstError})` : ''}`);
    return { target: label, version: t.version, started: t.started, rep, build, after, zcard, encoding };
  } finally {
    await t.stop();
  }
}

function merged(rows: RunRow[], which: 'build' | 'after', k: number): LatencySummary {
  const h = createHistogram();
  for (const r of rows) {
    const p = r[which];
    if (!p) continue;
    const x = decodeHistogram(p.probes.hists[k]!);
    h.add(x);
    x.destroy();
  }
  const s = summarize(h);
  h.destroy();
  return s;
}

function report(rows: RunRow[], labels: string[], baseline: string, o: Opts): string {
  const out: string[] = [];
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '-');
  out.push(`| phase | request | server | probes | p50 ms | p99 ms | p99.9 ms | max ms | p50 ratio | p99 ratio | p99.9 ratio |`);
  out.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const which of ['build', 'after'] as const) {
    for (let k = 0; k < kProbes.length; k++) {
      const base = merged(rows.filter((r) => r.target === baseline), which, k);
      for (const l of labels) {
        const rs = rows.filter((r) => r.target === l);
        if (!rs.some((r) => r[which])) continue;
        const s = merged(rs, which, k);
        const bad = rs.some((r) => r[which]!.probes.errors || r[which]!.loadErrors) ? ' ⚠' : '';
        out.push(`| ${which === 'build' ? 'while building' : 'after (built, idle)'} | ${kProbes[k]} | ${l}${bad} | ${fmtInt(s.count)}` +
          ` | ${s.p50} | ${s.p99} | ${s.p999} | ${s.max} | ${ratio(s.p50, base.p50)} | ${ratio(s.p99, base.p99)} | ${ratio(s.p999, base.p999)} |`);
      }
    }
  }
  out.push('');
  out.push('| server | build s (per rep) | ZADD/s while building | ZCARD after | encoding |');
  out.push('|---|---|---:|---:|---|');
  for (const l of labels) {
    const rs = rows.filter((r) => r.target === l);
    if (!rs.length) continue;
    const secs = rs.map((r) => r.build.loadMs / 1000);
    const tot = secs.reduce((a, b) => a + b, 0);
    out.push(`| ${l} | ${secs.map((x) => x.toFixed(2)).join(', ')} | ${fmtInt(o.members * rs.length / tot)} | ${rs.map((r) => r.zcard).join(', ')} | ${rs[0]!.encoding} |`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  let o: Opts;
  try {
    o = parseFlags(process.argv.slice(2), kDefaults);
  } catch (e) {
    process.stderr.write(`latency-build: ${(e as Error).message}\n\n${kUsage}\n`);
    return 2;
  }
  if (o.help) { process.stdout.write(`${kUsage}\n`); return 0; }
  if (o.clientCpus && hasTaskset()) execFileSync('taskset', ['-acp', o.clientCpus, String(process.pid)], { stdio: 'ignore' });
  const specs = o.targets.split(',').map((s) => s.trim()).filter(Boolean);
  const labels = labelTargets(specs);
  const baseline = o.baseline || (labels.includes('redis') ? 'redis' : labels[labels.length - 1]!);
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const rows: RunRow[] = [];
  const t0 = Date.now();
  for (let rep = 0; rep < o.reps; rep++) {
    for (let k = 0; k < specs.length; k++) rows.push(await runTarget(specs[k]!, labels[k]!, rep, o, log));
  }
  const settings = `settings: ${fmtInt(o.members)} members of ${o.memberBytes} B (random scores) added by 1 loader connection,` +
    ` ${o.pipeline} ZADDs per write, ${o.inflight} write(s) in flight, ${o.rate ? `offered ${fmtInt(o.rate)} ZADD/s` : 'closed loop'};` +
    ` 1 probe connection, one request at a time (ZADD new member, ZRANGE 0 9, ZRANGE mid mid+9 in turn);` +
    ` after phase ${o.after} s; ${o.reps} rep(s), fresh server each, alternating, histograms merged;` +
    ` servers ${o.serverCpus ? 'on CPU ' + o.serverCpus : 'not pinned'}, client ${o.clientCpus ? 'on CPU ' + o.clientCpus : 'not pinned'};` +
    ` Spindle --shards ${o.shards}; node ${process.version}; ${Math.round((Date.now() - t0) / 1000)} s in all`;
  const versions = labels.map((l) => {
    const r = rows.find((x) => x.target === l);
    return r ? `${l}: ${r.version}, started as: ${r.started.replace(/--port \d+/, '--port N')}` : '';
  }).filter(Boolean).join('\n');
  process.stdout.write(`${report(rows, labels, baseline, o)}\n\n${settings}\n\n${versions}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ options: o, rows }, null, 2));
  return rows.some((r) => r.build.loadErrors || r.build.probes.errors || r.after?.probes.errors) ? 1 : 0;
}

if (isMainThread) {
  process.on('SIGINT', () => { killAllTargets(); process.exit(130); });
  main().then((c) => { process.exitCode = c; }, (e: Error) => {
    killAllTargets();
    process.stderr.write(`latency-build: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
} else {
  const task = workerData as ProbeTask | LoadTask;
  (task.role === 'probe' ? probe(task) : load(task)).then((r) => parentPort!.postMessage(r));
}
