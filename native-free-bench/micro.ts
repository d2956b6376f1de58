/**
 * Micro-benchmark runner (tinybench). Every micro/<area>.bench.js next to this module is
 * loaded; its default export adds tasks to a Bench, or returns a reason to skip the area
 * (for instance, the dist/ module it measures is not built yet).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import type { MicroRecord } from './results.js';

export type MicroSetup = (bench: Bench) => Promise<string | void>;

const perCall = new WeakMap<Bench, Map<string, number>>();

/**
 * Add a task whose one call does `n` operations: for operations near the timer's resolution,
 * `fn` loops n times and the runner reports per-operation figures.
 */
export function addOps(bench: Bench, name: string, n: number, fn: () => void): void {
  let m = perCall.get(bench);
  if (!m) perCall.set(bench, (m = new Map()));
  m.set(name, n);
  bench.add(name, fn);
}

export async function runMicro(timeMs: number, only: string[] = [],
  log: (s: string) => void = () => {}): Promise<MicroRecord[]> {
  const dir = new URL('./micro/', import.meta.url);
  let files: string[];
  try {
    files = readdirSync(fileURLToPath(dir)).filter((f) => f.endsWith('.bench.js')).sort();
  } catch {
    files = [];
  }
  const out: MicroRecord[] = [];
  for (const f of files) {
    const area = f.replace(/\.bench\.js$/, '');
    if (only.length && !only.includes(area)) continue;
    const bench = new Bench({ name: area, time: timeMs, warmupTime: Math.max(10, timeMs / 4) });
    let skip: string | void;
    try {
      const mod = (await import(new URL(f, dir).href)) as { default: MicroSetup };
      skip = await mod.default(bench);
    } catch (e) {
      // A module under measurement changed its API: report it, keep the other areas.
      skip = `set-up failed: ${(e as Error).message}`;
    }
    if (typeof skip === 'string') {
      log(`micro: ${area} skipped: ${skip}`);
      continue;
    }
    try {
      await bench.run();
    } catch (e) {
      log(`micro: ${area} failed: ${(e as Error).message}`);
      continue;
    }
    for (const t of bench.tasks) {
      const r = t.result;
      const n = perCall.get(bench)?.get(t.name) ?? 1;
      if (r.state !== 'completed') {
        log(`micro: ${area} ${t.name}: ${r.state === 'errored' ? r.error.message : r.state}`);
        continue;
      }
      out.push({
        // The median rate: tinybench's mean of per-sample rates is pulled up by a few fast samples.
        area, name: t.name, opsPerSec: r.throughput.p50 * n, p50Ns: (r.latency.p50 * 1e6) / n,
        meanNs: (r.latency.mean * 1e6) / n, p99Ns: (r.latency.p99 * 1e6) / n, rme: r.latency.rme,
        samples: r.latency.samplesCount,
      });
    }
    log(`micro: ${area}: ${bench.tasks.length} cases`);
  }
  return out;
}
