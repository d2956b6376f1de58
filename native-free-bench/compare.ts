/** --compare A.json B.json: the change from run A to run B, row by row. */
import { readFileSync } from 'node:fs';
import { fmtInt } from './report.js';
import type { Results } from './results.js';

const pct = (a: number, b: number): string => {
  if (!a) return '';
  const d = ((b - a) / a) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
};

export function loadResults(path: string): Results {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Results;
  if (r.version !== 1 || !Array.isArray(r.summary)) throw new Error(`${path} is not a harness results file`);
  return r;
}

export function compareResults(a: Results, b: Results, nameA = 'A', nameB = 'B'): string {
  const out: string[] = [`### Change from ${nameA} (${a.startedAt}) to ${nameB} (${b.startedAt})`, ''];
  const diff = Object.keys({ ...a.settings, ...b.settings })
    .filter((k) => JSON.stringify(a.settings[k]) !== JSON.stringify(b.settings[k]))
    .map((k) => `- ${k}: ${JSON.stringify(a.settings[k])} → ${JSON.stringify(b.settings[k])}`);
  if (diff.length) out.push('Settings differ, so the figures are not like for like:', ...diff, '');
  out.push('| test | target | ops/s A | ops/s B | Δ ops/s | p99 ms A | p99 ms B | Δ p99 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const keys = new Set([...a.summary, ...b.summary].map((s) => `${s.test}\u0000${s.target}`));
  for (const k of keys) {
    const [test, target] = k.split('\u0000') as [string, string];
    const x = a.summary.find((s) => s.test === test && s.target === target);
    const y = b.summary.find((s) => s.test === test && s.target === target);
    out.push(`| ${test} | ${target} | ${x ? fmtInt(x.opsPerSec) : '–'} | ${y ? fmtInt(y.opsPerSec) : '–'} | ` +
      `${x && y ? pct(x.opsPerSec, y.opsPerSec) : ''} | ${x ? x.latency.p99 : '–'} | ${y ? y.latency.p99 : '–'} | ` +
      `${x && y ? pct(x.latency.p99, y.latency.p99) : ''} |`);
  }
  const em = new Set([...a.embedded, ...b.embedded].map((e) => `${e.impl}\u0000${e.depth}`));
  if (em.size) {
    out.push('', '| embedded | depth | ops/s A | ops/s B | Δ |', '| --- | ---: | ---: | ---: | ---: |');
    for (const k of em) {
      const [impl, depth] = k.split('\u0000') as [string, string];
      const x = a.embedded.find((e) => e.impl === impl && String(e.depth) === depth);
      const y = b.embedded.find((e) => e.impl === impl && String(e.depth) === depth);
      out.push(`| ${impl} | ${depth} | ${x ? fmtInt(x.opsPerSec) : '–'} | ${y ? fmtInt(y.opsPerSec) : '–'} | ` +
        `${x && y ? pct(x.opsPerSec, y.opsPerSec) : ''} |`);
    }
  }
  const mi = new Set([...a.micro, ...b.micro].map((m) => `${m.area}\u0000${m.name}`));
  if (mi.size) {
    out.push('', '| micro | case | ops/s A | ops/s B | Δ |', '| --- | --- | ---: | ---: | ---: |');
    for (const k of mi) {
      const [area, name] = k.split('\u0000') as [string, string];
      const x = a.micro.find((m) => m.area === area && m.name === name);
      const y = b.micro.find((m) => m.area === area && m.name === name);
      out.push(`| ${area} | ${name} | ${x ? fmtInt(x.opsPerSec) : '–'} | ${y ? fmtInt(y.opsPerSec) : '–'} | ` +
        `${x && y ? pct(x.opsPerSec, y.opsPerSec) : ''} |`);
    }
  }
  return out.join('\n') + '\n';
}
