/**
 * The load suite: start the targets and the reply-only server, then for each test measure
 * the generator's ceiling and run every target in turn (A B A B ...) for --reps runs.
 */
import { existsSync } from 'node:fs';
import { createPool, runLoad, type LoadResult, type LoadSpec } from './load-gen.js';
import type { Options } from './options.js';
import { summarizeRuns, type Results } from './results.js';
import { fmtInt } from './report.js';
import {
  externalTarget, probe, spindleServerPath, startRedis, startSpindle, startTrivial, which, type Target,
} from './targets.js';
import { validate } from './validate.js';

type Log = (s: string) => void;

async function startTargets(o: Options, r: Results, log: Log): Promise<Target[]> {
  const targets: Target[] = [];
  const tryStart = async (what: string, f: () => Promise<Target>): Promise<void> => {
    try {
      const t = await f();
      targets.push(t);
      log(`started ${t.name}: ${t.version} on ${t.host}:${t.port}`);
    } catch (e) {
      r.warnings.push(`${what} is not measured: ${(e as Error).message}`);
      log(`${what} is not measured: ${(e as Error).message}`);
    }
  };
  if (o.builtin.includes('spindle')) {
    if (!existsSync(spindleServerPath)) {
      r.notes.push('Spindle not measured: dist/cli/server.js does not exist (run npm run build).');
      log('Spindle not measured: dist/cli/server.js does not exist (run npm run build).');
    } else {
      await tryStart('Spindle', () => startSpindle(o.shards, o.cpus));
    }
  }
  if (o.builtin.includes('redis')) {
    const bin = which('redis-server');
    if (o.redisAt) await tryStart('Redis', () => externalTarget('redis', o.redisAt!.host, o.redisAt!.port));
    else if (bin) await tryStart('redis-server', () => startRedis(bin, o.cpus));
    else if (await probe('127.0.0.1', 6379, 300)) {
      r.notes.push('No redis-server on PATH; using the Redis running at 127.0.0.1:6379 (the run writes keys ' +
        'key:*, counter:*, list:*, ... there; --no-redis skips it).');
      await tryStart('Redis at 127.0.0.1:6379', () => externalTarget('redis', '127.0.0.1', 6379));
    } else {
      r.notes.push('Redis not measured: no redis-server on PATH and nothing answers at 127.0.0.1:6379.');
    }
  }
  for (const e of o.external) {
    await tryStart(`${e.host}:${e.port}`, () => externalTarget(`${e.host}:${e.port}`, e.host, e.port));
  }
  return targets;
}

export async function runLoadSuite(o: Options, r: Results, log: Log): Promise<void> {
  const targets = await startTargets(o, r, log);
  r.targets = targets.map((t) => ({ name: t.name, version: t.version, address: `${t.host}:${t.port}`, started: t.started }));
  if (!targets.length) {
    r.warnings.push('No target to measure: the load suite did not run.');
    return;
  }
  let trivial: Target | null = null;
  const pool = createPool(o.threads);
  try {
    if (o.ceiling) trivial = await startTrivial(o.cpus);
    const base: Omit<LoadSpec, 'test' | 'host' | 'port'> = {
      clients: o.clients, pipeline: o.pipeline, threads: o.threads, duration: o.duration, requests: o.requests,
      warmup: o.warmup, keyspace: o.keyspace, dataSize: o.dataSize, ratio: o.ratio, keyPattern: o.keyPattern,
    };
    const describe = (x: LoadResult): string =>
      `${fmtInt(x.opsPerSec)} ops/s, p99 ${x.latency.p99} ms, client busy ${Math.round(x.clientBusy * 100)}%` +
      `${x.errors ? `, ${fmtInt(x.errors)} errors (${x.firstError ?? x.connErrors[0]})` : ''}`;
    for (const test of o.tests) {
      // The reply-only server takes its turn in the rotation, so its figure sees the same
      // conditions as the targets'; the ceiling is its median run.
      const ceilingRuns: LoadResult[] = [];
      for (let rep = 0; rep < o.reps; rep++) {
        for (const t of trivial ? [trivial, ...targets] : targets) {
          const res = await runLoad({ ...base, test, host: t.host, port: t.port, seed: 0x5eed + rep }, pool.run);
          const name = t === trivial ? 'ceiling' : t.name;
          log(`${test.padEnd(7)} ${name.padEnd(12)} rep ${rep + 1}/${o.reps} ${describe(res)}`);
          if (t === trivial) {
            ceilingRuns.push(res);
            if (res.errors) r.warnings.push(`The reply-only server gave ${res.errors} errors on ${test}: ${res.firstError}`);
            continue;
          }
          r.runs.push({ ...res, target: t.name, rep });
          if (res.totalReplies !== res.totalSent && !res.connErrors.length) {
            r.warnings.push(`${test} on ${t.name}: ${res.totalSent - res.totalReplies} requests got no reply.`);
          }
          if (res.lateConnects) {
            r.warnings.push(`${test} on ${t.name}: ${res.lateConnects} connections were not ready when measuring began.`);
          }
        }
      }
      if (ceilingRuns.length) {
        ceilingRuns.sort((a, b) => a.opsPerSec - b.opsPerSec);
        r.ceiling[test] = ceilingRuns[(ceilingRuns.length - 1) >> 1]!;
      }
    }
    const redis = targets.find((t) => t.name === 'redis');
    if (o.vsRedisBenchmark) {
      const bin = which('redis-benchmark');
      if (!bin) r.warnings.push('--vs-redis-benchmark: redis-benchmark is not on PATH.');
      else if (!redis) r.warnings.push('--vs-redis-benchmark: no Redis target in this run.');
      else r.validation = await validate(bin, redis, base, o.reps, pool.run, log);
    }
  } finally {
    await pool.close();
    await trivial?.stop();
    for (const t of targets) await t.stop();
  }
  r.summary = summarizeRuns(r.runs, r.ceiling);
}
