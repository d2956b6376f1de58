import { describe, expect, it } from 'vitest';
import { compareResults } from '../../native-free-bench/compare.js';
import { loadTable, fullReport } from '../../native-free-bench/report.js';
import { median, summarizeRuns, type Results, type RunRecord } from '../../native-free-bench/results.js';
import { renderSvg } from '../../native-free-bench/svg.js';
import type { LoadResult } from '../../native-free-bench/load-gen.js';

function run(target: string, test: string, rep: number, opsPerSec: number, errors = 0): RunRecord {
  return {
    target, test, rep, opsPerSec, ops: opsPerSec, errors, firstError: errors ? 'ERR unknown command' : null,
    seconds: 1, latency: { count: opsPerSec, p50: 1, p90: 2, p99: 3 + rep, p999: 4, max: 5, mean: 1.2 },
    hist: '', connErrors: [], lateConnects: 0, totalSent: opsPerSec, totalReplies: opsPerSec, clientBusy: 0.3,
  };
}

function results(scale: number): Results {
  const runs = [
    run('spindle', 'set', 0, 100 * scale), run('redis', 'set', 0, 200), run('spindle', 'set', 1, 120 * scale),
    run('redis', 'set', 1, 180), run('spindle', 'set', 2, 110 * scale), run('redis', 'set', 2, 190),
    run('spindle', 'lpush', 0, 0, 500), run('redis', 'lpush', 0, 150),
  ];
  const ceiling: Record<string, LoadResult> = { set: { ...run('trivial', 'set', 0, 250), test: 'set' } };
  return {
    version: 1, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '', settings: { clients: 50 * scale }, env: {},
    targets: [], ceiling, runs, summary: summarizeRuns(runs, ceiling), micro: [], validation: [], notes: [], warnings: [],
    embedded: [{ impl: 'map', depth: 1, opsPerSec: 1000 * scale, ops: 1, errors: 0 }],
  };
}

describe('summary, report, chart and compare', () => {
  it('takes the median over reps, the ratio to Redis, and flags a client-bound row', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const r = results(1);
    const s = r.summary.find((x) => x.test === 'set' && x.target === 'spindle')!;
    expect(s.opsPerSec).toBe(110);
    expect(s.latency.p99).toBe(4);
    expect(s.vsRedis).toBeCloseTo(110 / 190, 6);
    expect(s.clientBound).toBe(false); // 250 >= 1.5 × 110
    expect(r.summary.find((x) => x.test === 'set' && x.target === 'redis')!.clientBound).toBe(true); // 250 < 1.5 × 190
  });

  it('marks rows with errors instead of hiding them', () => {
    const t = loadTable(results(1));
    expect(t).toMatch(/\| lpush \| spindle ⚠ \| 0 \|/);
    expect(t).toMatch(/lpush on spindle: 0 ops\/s, 500 errors, first: ERR unknown command/);
    expect(t).toMatch(/\| set \| \(generator ceiling\) \| 250 \|/);
    expect(t).toMatch(/† set on redis/);
    expect(fullReport(results(1))).toMatch(/### Settings\n- clients: 50/);
  });

  it('draws one bar per target and test, and latency bars, as well-formed SVG', () => {
    const svg = renderSvg(results(1).summary, 'sub <title>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('sub &#60;title&#62;');
    expect((svg.match(/ops\/s<\/title>|errors<\/title>/g) ?? []).length).toBe(4);
    expect((svg.match(/p99\.9: /g) ?? []).length).toBe(4);
    expect(svg.length).toBeLessThan(20_000);
  });

  it('--compare shows the change per row and warns about different settings', () => {
    const out = compareResults(results(1), results(2), 'a.json', 'b.json');
    expect(out).toMatch(/\| set \| spindle \| 110 \| 220 \| \+100\.0% \|/);
    expect(out).toMatch(/Settings differ/);
    expect(out).toMatch(/\| map \| 1 \| 1,000 \| 2,000 \| \+100\.0% \|/);
  });
});
