/** Markdown output: settings, the load table, micro and embedded tables, validation. */
import type { Results } from './results.js';
import { kCeilingFactor } from './results.js';

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (x: number | undefined): string => (x === undefined ? '' : `${Math.round(x * 100)}%`);
const fmtMs = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));

function table(head: string[], rows: string[][]): string {
  const right = head.map((h) => /ops|ms|p\d|max|err|vs|ns|±|ratio|reps|busy|depth/i.test(h));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(right.map((r) => (r ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

export function settingsBlock(r: Results): string {
  const lines = Object.entries(r.settings).map(([k, v]) => `- ${k}: ${Array.isArray(v) ? v.join(',') : String(v)}`);
  const env = Object.entries(r.env).map(([k, v]) => `- ${k}: ${String(v)}`);
  const targets = r.targets.map((t) => `- ${t.name}: ${t.version} at ${t.address} (${t.started})`);
  return ['### Settings', ...lines, '', '### Machine', ...env, '', '### Targets', ...(targets.length ? targets : ['- none']), ''].join('\n');
}

export function loadTable(r: Results): string {
  if (!r.summary.length) return '';
  const rows: string[][] = [];
  const tests = [...new Set(r.summary.map((s) => s.test))];
  for (const test of tests) {
    for (const s of r.summary.filter((x) => x.test === test)) {
      const failed = s.errors > 0 || s.opsPerSec === 0;
      const mark = failed ? ' ⚠' : s.clientBound ? ' †' : '';
      const lat = s.opsPerSec > 0 ? [s.latency.p50, s.latency.p90, s.latency.p99, s.latency.p999, s.latency.max].map(fmtMs)
        : ['–', '–', '–', '–', '–'];
      rows.push([test, s.target + mark, fmtInt(s.opsPerSec), ...lat, fmtInt(s.errors),
        s.vsRedis === null ? '' : `${s.vsRedis.toFixed(2)}×`, pct(s.clientBusy)]);
    }
    const c = r.ceiling[test];
    if (c) {
      rows.push([test, '(generator ceiling)', fmtInt(c.opsPerSec), fmtMs(c.latency.p50), fmtMs(c.latency.p90),
        fmtMs(c.latency.p99), fmtMs(c.latency.p999), fmtMs(c.latency.max), fmtInt(c.errors), '', pct(c.clientBusy)]);
    }
  }
  const out = ['### Load (median of reps; latency in ms)',
    table(['test', 'target', 'ops/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'vs redis', 'client busy'], rows)];
  const notes: string[] = [];
  for (const s of r.summary) {
    if (s.errors > 0 || s.opsPerSec === 0) {
      notes.push(`⚠ ${s.test} on ${s.target}: ${fmtInt(s.opsPerSec)} ops/s, ${fmtInt(s.errors)} errors, first: ${s.firstError ?? 'none'}`);
    }
    if (s.clientBound) {
      notes.push(`† ${s.test} on ${s.target}: the generator's ceiling (${fmtInt(s.ceiling ?? 0)} ops/s on the reply-only server) ` +
        `is under ${kCeilingFactor}× this figure, so the client, not the server, may be the bottleneck.`);
    }
  }
  if (notes.length) out.push('', ...notes);
  out.push('', 'client busy: event-loop utilization of the busiest load worker while measuring; near 100% the ' +
    'generator itself is saturated.');
  return out.join('\n') + '\n';
}

export function microTable(r: Results): string {
  if (!r.micro.length) return '';
  return ['### Micro-benchmarks (tinybench)',
    table(['area', 'case', 'ops/s (median)', 'p50 ns', 'mean ns', 'p99 ns', 'mean ±%'], r.micro.map((m) => [m.area,
      m.name, fmtInt(m.opsPerSec), fmtInt(m.p50Ns), fmtInt(m.meanNs), fmtInt(m.p99Ns), m.rme.toFixed(1)])), ''].join('\n');
}

export function embeddedTable(r: Results): string {
  if (!r.embedded.length) return '';
  return ['### Embedded (in process, awaited set+get; depth = calls in flight)',
    table(['impl', 'depth', 'ops/s', 'errors', 'note'], r.embedded.map((e) => [e.impl, String(e.depth),
      e.opsPerSec ? fmtInt(e.opsPerSec) : '', fmtInt(e.errors), e.note ?? ''])), ''].join('\n');
}

export function validationTable(r: Results): string {
  if (!r.validation.length) return '';
  return ['### Validation against redis-benchmark (same redis-server, alternating runs, medians)',
    table(['test', 'harness ops/s', 'redis-benchmark ops/s', 'ratio', 'harness runs', 'redis-benchmark runs'],
      r.validation.map((v) => [v.test, fmtInt(v.harnessMedian), fmtInt(v.redisBenchmarkMedian), v.ratio.toFixed(3),
        v.harness.map(fmtInt).join(' / '), v.redisBenchmark.map(fmtInt).join(' / ')])), ''].join('\n');
}

export function fullReport(r: Results): string {
  const parts = [settingsBlock(r), loadTable(r), validationTable(r), microTable(r), embeddedTable(r)];
  if (r.notes.length) parts.push(['### Notes', ...r.notes.map((n) => `- ${n}`), ''].join('\n'));
  if (r.warnings.length) parts.push(['### Warnings', ...r.warnings.map((w) => `- ${w}`), ''].join('\n'));
  return parts.filter(Boolean).join('\n');
}
