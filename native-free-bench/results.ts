/** The shape of a results file (bench-results/<timestamp>.json) and the summary math. */
import type { LatencySummary } from './histogram.js';
import type { LoadResult } from './load-gen.js';

export interface RunRecord extends LoadResult {
  target: string;
  rep: number;
}

export interface SummaryRow {
  test: string;
  target: string;
  reps: number;
  /** Median over reps. */
  opsPerSec: number;
  /** Median over reps of each percentile, ms. */
  latency: Omit<LatencySummary, 'count' | 'mean'>;
  errors: number;
  firstError: string | null;
  /** This target's ops/s over Redis's for the same test. */
  vsRedis: number | null;
  /** The generator's ceiling for this test (trivial server), ops/s. */
  ceiling: number | null;
  /** Median of the busiest load worker's event-loop utilization (0..1). */
  clientBusy: number;
  /** True when the ceiling is under 1.5x this row's ops/s: the client may be the bottleneck. */
  clientBound: boolean;
}

export interface MicroRecord {
  area: string;
  name: string;
  /** Median rate over tinybench's samples. */
  opsPerSec: number;
  p50Ns: number;
  meanNs: number;
  p99Ns: number;
  rme: number;
  samples: number;
}

export interface EmbeddedRecord {
  impl: string;
  depth: number;
  opsPerSec: number;
  ops: number;
  errors: number;
  note?: string;
}

export interface ValidationRecord {
  test: string;
  harness: number[];
  redisBenchmark: number[];
  harnessMedian: number;
  redisBenchmarkMedian: number;
  /** harness / redis-benchmark. */
  ratio: number;
}

export interface Results {
  version: 1;
  startedAt: string;
  finishedAt: string;
  settings: Record<string, unknown>;
  env: Record<string, unknown>;
  targets: { name: string; version: string; address: string; started: string }[];
  ceiling: Record<string, LoadResult>;
  runs: RunRecord[];
  summary: SummaryRow[];
  micro: MicroRecord[];
  embedded: EmbeddedRecord[];
  validation: ValidationRecord[];
  notes: string[];
  warnings: string[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The generator must reach this multiple of a target's ops/s on the trivial server. */
export const kCeilingFactor = 1.5;

export function summarizeRuns(runs: readonly RunRecord[], ceiling: Record<string, LoadResult>): SummaryRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = `${r.test}\u0000${r.target}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const rows: SummaryRow[] = [];
  for (const g of groups.values()) {
    const pick = (f: (r: RunRecord) => number): number => median(g.map(f));
    const ops = pick((r) => r.opsPerSec);
    const ceil = ceiling[g[0]!.test]?.opsPerSec ?? null;
    rows.push({
      test: g[0]!.test,
      target: g[0]!.target,
      reps: g.length,
      opsPerSec: ops,
      latency: {
        p50: pick((r) => r.latency.p50), p90: pick((r) => r.latency.p90), p99: pick((r) => r.latency.p99),
        p999: pick((r) => r.latency.p999), max: pick((r) => r.latency.max),
      },
      clientBusy: pick((r) => r.clientBusy ?? 0),
      errors: g.reduce((a, r) => a + r.errors, 0),
      firstError: g.find((r) => r.firstError)?.firstError ?? g.find((r) => r.connErrors.length)?.connErrors[0] ?? null,
      vsRedis: null,
      ceiling: ceil,
      clientBound: ceil !== null && ops > 0 && ceil < kCeilingFactor * ops,
    });
  }
  for (const r of rows) {
    const redis = rows.find((x) => x.test === r.test && x.target === 'redis');
    if (redis && r.target !== 'redis' && redis.opsPerSec > 0 && r.opsPerSec > 0) r.vsRedis = r.opsPerSec / redis.opsPerSec;
  }
  return rows;
}
