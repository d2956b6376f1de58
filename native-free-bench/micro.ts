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
    const mod = (await import(new URL(f, dir).href)) as { default: MicroSetup };
    const skip = await mod.default(bench);
    if (typeof skip === 'string') {
      log(`micro: ${area} skipped: ${skip}`);
      continue;
    }
    await bench.run();
    for (const t of bench.tasks) {
      const r = t.result;
      if (r.state !== 'completed') {
        log(`micro: ${area} ${t.name}: ${r.state === 'errored' ? r.error.message : r.state}`);
        continue;
      }
      out.push({
        area, name: t.name, opsPerSec: r.throughput.mean, meanNs: r.latency.mean * 1e6,
        p99Ns: r.latency.p99 * 1e6, rme: r.latency.rme, samples: r.latency.samplesCount,
      });
    }
    log(`micro: ${area}: ${bench.tasks.length} cases`);
  }
  return out;
}
