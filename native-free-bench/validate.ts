/**
 * --vs-redis-benchmark: measure the same redis-server with this harness and with Debian's
 * redis-benchmark, alternating, for SET and GET with the same clients, pipeline, keyspace
 * and value size. The harness is meant to agree within 15%.
 */
import { spawn } from 'node:child_process';
import { runLoad, type LoadSpec, type SliceRunner } from './load-gen.js';
import { median, type ValidationRecord } from './results.js';
import type { Target } from './targets.js';

/** Run redis-benchmark once for one test; resolves with its requests per second. */
export function redisBenchmark(bin: string, t: Target, test: string, spec: LoadSpec, requests: number): Promise<number> {
  const args = ['-h', t.host, '-p', String(t.port), '-c', String(spec.clients), '-P', String(spec.pipeline),
    '-n', String(requests), '-r', String(spec.keyspace), '-d', String(spec.dataSize), '-t', test, '--csv'];
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    p.on('exit', () => {
      // CSV lines: "SET","812345.67",... (a header line starts with "test").
      const m = new RegExp(`^"${test}","([\\d.]+)"`, 'mi').exec(out);
      if (m) resolve(Number(m[1]));
      else reject(new Error(`could not read redis-benchmark output:\n${out.slice(-500)}`));
    });
  });
}

export async function validate(bin: string, redis: Target, base: Omit<LoadSpec, 'test' | 'host' | 'port'>,
  reps: number, run: SliceRunner, log: (s: string) => void): Promise<ValidationRecord[]> {
  const out: ValidationRecord[] = [];
  for (const test of ['set', 'get']) {
    const harness: number[] = [], rb: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const spec: LoadSpec = { ...base, test, host: redis.host, port: redis.port };
      const r = await runLoad(spec, run);
      if (r.errors) throw new Error(`validation run had ${r.errors} errors: ${r.firstError}`);
      harness.push(r.opsPerSec);
      // Size redis-benchmark's run to last about as long as ours.
      const n = Math.max(100_000, Math.round(r.opsPerSec * (base.duration ?? 2)));
      rb.push(await redisBenchmark(bin, redis, test, spec, n));
      log(`validate ${test} rep ${rep + 1}/${reps}: harness ${Math.round(harness.at(-1)!)} ops/s, ` +
        `redis-benchmark ${Math.round(rb.at(-1)!)} ops/s`);
    }
    const h = median(harness), b = median(rb);
    out.push({ test, harness, redisBenchmark: rb, harnessMedian: h, redisBenchmarkMedian: b, ratio: h / b });
  }
  return out;
}
