/**
 * A small hand-written SVG: ops/s per test (one bar per target), and below it the latency
 * percentiles per test and target on a log scale (p99.9 light, p99 mid, p50 solid).
 */
import type { SummaryRow } from './results.js';

const kColors = ['#2b6cb0', '#c53030', '#2f855a', '#805ad5', '#b7791f', '#4a5568'];
const W = 760, PANEL = 250, TOP = 40, LEFT = 70, RIGHT = 20, BOTTOM = 40;

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function shortNum(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(2)}`;
}

function niceStep(max: number, ticks = 5): number {
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const text = (x: number, y: number, s: string, extra = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(s)}</text>`;
function rect(x: number, y: number, w: number, h: number, fill: string, opacity = 1, title = ''): string {
  const head = `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" ` +
    `height="${Math.max(0, h).toFixed(1)}" fill="${fill}"${opacity === 1 ? '' : ` opacity="${opacity}"`}`;
  return title ? `${head}><title>${esc(title)}</title></rect>` : `${head}/>`;
}

interface Layout { tests: string[]; targets: string[]; groupW: number; barW: number; plotW: number }

function layout(rows: readonly SummaryRow[]): Layout {
  const tests = [...new Set(rows.map((r) => r.test))];
  const targets = [...new Set(rows.map((r) => r.target))];
  const plotW = W - LEFT - RIGHT;
  const groupW = plotW / Math.max(1, tests.length);
  const barW = Math.min(40, (groupW * 0.8) / Math.max(1, targets.length));
  return { tests, targets, groupW, barW, plotW };
}

function barX(l: Layout, ti: number, gi: number): number {
  return LEFT + ti * l.groupW + (l.groupW - l.barW * l.targets.length) / 2 + gi * l.barW;
}

function opsPanel(rows: readonly SummaryRow[], l: Layout, y0: number): string[] {
  const out: string[] = [text(LEFT, y0 + 18, 'Throughput, ops/s (median of reps)', 'font-weight="bold"')];
  const top = y0 + TOP, h = PANEL - TOP - BOTTOM;
  const max = Math.max(1, ...rows.map((r) => r.opsPerSec));
  const step = niceStep(max);
  const ymax = Math.ceil(max / step) * step;
  for (let v = 0; v <= ymax + step / 2; v += step) {
    const y = top + h - (v / ymax) * h;
    out.push(`<line x1="${LEFT}" x2="${LEFT + l.plotW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e2e8f0"/>`);
    out.push(text(LEFT - 6, y + 4, shortNum(v), 'text-anchor="end"'));
  }
  l.tests.forEach((t, ti) => {
    out.push(text(LEFT + (ti + 0.5) * l.groupW, top + h + 16, t, 'text-anchor="middle"'));
    l.targets.forEach((g, gi) => {
      const r = rows.find((x) => x.test === t && x.target === g);
      if (!r) return;
      const bh = (r.opsPerSec / ymax) * h, x = barX(l, ti, gi);
      out.push(rect(x, top + h - bh, l.barW - 2, bh, kColors[gi % kColors.length]!, r.errors > 0 ? 0.35 : 1,
        `${g} ${t}: ${Math.round(r.opsPerSec)} ops/s${r.errors > 0 ? `, ${r.errors} errors` : ''}`));
      out.push(text(x + (l.barW - 2) / 2, top + h - bh - 3, shortNum(r.opsPerSec), 'text-anchor="middle" font-size="9"'));
    });
  });
  return out;
}

function latencyPanel(rows: readonly SummaryRow[], l: Layout, y0: number): string[] {
  const out: string[] = [text(LEFT, y0 + 18, 'Latency, ms (log scale): p50 solid, p99 mid, p99.9 light', 'font-weight="bold"')];
  const top = y0 + TOP, h = PANEL - TOP - BOTTOM;
  const vals = rows.flatMap((r) => [r.latency.p50, r.latency.p999]).filter((v) => v > 0);
  if (!vals.length) return out;
  const lo = Math.floor(Math.log10(Math.min(...vals))), hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...vals))));
  const y = (v: number): number => top + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
  for (let d = lo; d <= hi; d++) {
    out.push(`<line x1="${LEFT}" x2="${LEFT + l.plotW}" y1="${y(10 ** d).toFixed(1)}" y2="${y(10 ** d).toFixed(1)}" stroke="#e2e8f0"/>`);
    out.push(text(LEFT - 6, y(10 ** d) + 4, `${+(10 ** d).toPrecision(1)}`, 'text-anchor="end"'));
  }
  l.tests.forEach((t, ti) => {
    out.push(text(LEFT + (ti + 0.5) * l.groupW, top + h + 16, t, 'text-anchor="middle"'));
    l.targets.forEach((g, gi) => {
      const r = rows.find((x) => x.test === t && x.target === g);
      if (!r) return;
      const x = barX(l, ti, gi), c = kColors[gi % kColors.length]!;
      for (const [v, op, name] of [[r.latency.p999, 0.3, 'p99.9'], [r.latency.p99, 0.6, 'p99'], [r.latency.p50, 1, 'p50']] as const) {
        out.push(rect(x, y(v), l.barW - 2, top + h - y(v), c, op, `${g} ${t} ${name}: ${v} ms`));
      }
    });
  });
  return out;
}

export function renderSvg(rows: readonly SummaryRow[], subtitle: string): string {
  const l = layout(rows);
  const H = PANEL * 2 + 40;
  const legend = l.targets.map((g, gi) => {
    const x = LEFT + gi * 130;
    return rect(x, H - 22, 12, 12, kColors[gi % kColors.length]!) + text(x + 16, H - 12, g);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#1a202c">`,
    rect(0, 0, W, H, '#ffffff'),
    text(W - RIGHT, 14, subtitle, 'text-anchor="end" font-size="9" fill="#4a5568"'),
    ...opsPanel(rows, l, 0),
    ...latencyPanel(rows, l, PANEL),
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
