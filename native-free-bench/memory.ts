/**
 * Memory per element of the data types: the resident-memory (VmRSS) growth of each server
 * process for the same data, Spindle against redis-server.
 *
 *   node dist-bench/memory.js [--datasets zset,hash,list] [--targets spindle,redis] ...
 *
 * Datasets (sizes are options):
 *   zset  one sorted set of --zset-members members of --member-bytes bytes, random scores
 *   hash  --hashes hashes of --fields fields each (field --field-bytes, value --value-bytes)
 *   list  one list of --list-elements elements of --element-bytes bytes
 *
 * For each dataset and target a fresh server is started (redis-server with --save ''
 * --appendonly no; Spindle from dist/cli/server.js), left to settle, its VmRSS read from
 * /proc/<pid>/status; then the data is loaded with pipelined RESP over one raw socket, the
 * element counts are checked, and after --settle seconds VmRSS is read again. The growth is
 * what the data costs: Spindle's absolute RSS includes the Node runtime, so only growth is
 * compared. Targets run in the order given, --reps times each, alternating.
 */
import { writeFileSync } from 'node:fs';
import { prng } from './keys.js';
import { commandOnce, infoField } from './resp-once.js';
import { killAllTargets, type Target } from './targets.js';
import {
  ask, fmtInt, fmtMB, labelTargets, parseFlags, pipelineLoad, readRss, rssBreakdown, serverPid, sleep, startTarget,
  type RespBatch,
} from './types-kit.js';

const kDefaults = {
  datasets: 'zset,hash,list',
  targets: 'spindle,redis',
  /** Target label the ratios are taken against (default: redis, else the last target). */
  baseline: '',
  zsetMembers: 1_000_000,
  memberBytes: 16,
  hashes: 100_000,
  fields: 10,
  fieldBytes: 8,
  valueBytes: 16,
  listElements: 1_000_000,
  elementBytes: 16,
  /** Elements per command (ZADD pairs, RPUSH elements); a hash is always one HSET. */
  perCommand: 1,
  batch: 1000,
  inflight: 4,
  /** Seconds to wait before each RSS reading. */
  settle: 3,
  reps: 1,
  shards: 2,
  /** taskset CPU list for the servers ('' = not pinned). */
  cpus: '',
  seed: 1,
  json: '',
  help: false,
};
type Opts = typeof kDefaults;

const kUsage = `usage: node dist-bench/memory.js [options]
  --datasets LIST       zset,hash,list (default all)
  --targets LIST        spindle, redis, or host:port (a running server; not fresh), in order;
                        a name may repeat (redis,redis checks the method). default spindle,redis
  --baseline LABEL      ratios against this target (default redis, else the last one)
  --zset-members N      1000000       --member-bytes N    16
  --hashes N            100000        --fields N          10
  --field-bytes N       8             --value-bytes N     16
  --list-elements N     1000000       --element-bytes N   16
  --per-command N       elements per ZADD / RPUSH (default 1)
  --batch N --inflight N  commands per write, writes in flight (1000, 4)
  --settle S            seconds before each RSS reading (3)
  --reps N              fresh servers per target and dataset, alternating (1)
  --shards N            Spindle's --shards (2)
  --cpus LIST           pin the servers with taskset -c LIST (default not pinned)
  --json FILE           also write the results as JSON`;

/** A fixed-width ASCII name: prefix then i zero-padded to `width` bytes in all. */
function name(prefix: string, i: number, width: number): string {
  const d = String(i);
  const pad = width - prefix.length - d.length;
  if (pad < 0) throw new Error(`${prefix}${d} does not fit in ${width} bytes`);
  return prefix + '0'.repeat(pad) + d;
}

interface Dataset {
  name: string;
  /** What one element is, for the per-element column. */
  unit: string;
  elements: number;
  commands: number;
  encode(i: number, b: RespBatch): void;
  /** [command, expected reply] checks after loading. */
  checks: [string[], string][];
  /** Key whose OBJECT ENCODING is reported. */
  sampleKey: string;
}

function datasets(o: Opts): Dataset[] {
  const all: Dataset[] = [];
  const want = o.datasets.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of want) if (!['zset', 'hash', 'list'].includes(w)) throw new Error(`unknown dataset ${w}`);
  const per = Math.max(1, o.perCommand);
  if (want.includes('zset')) {
    const n = o.zsetMembers;
    let rnd = prng(o.seed);
    all.push({
      name: `zset: 1 key, ${fmtInt(n)} members of ${o.memberBytes} B, random scores`,
      unit: 'member', elements: n, commands: Math.ceil(n / per), sampleKey: 'zset:mem',
      encode(i, b) {
        if (i === 0) rnd = prng(o.seed); // the same scores for every target
        const from = i * per, to = Math.min(n, from + per);
        b.begin(2 + 2 * (to - from));
        b.arg('ZADD');
        b.arg('zset:mem');
        for (let j = from; j < to; j++) {
          b.arg((rnd() * 1e9).toFixed(3));
          b.arg(name('m', j, o.memberBytes));
        }
      },
      checks: [[['ZCARD', 'zset:mem'], String(n)], [['DBSIZE'], '1']],
    });
  }
  if (want.includes('hash')) {
    const n = o.hashes, f = o.fields;
    all.push({
      name: `hash: ${fmtInt(n)} keys of ${f} fields (field ${o.fieldBytes} B, value ${o.valueBytes} B)`,
      unit: 'field', elements: n * f, commands: n, sampleKey: name('hash:', 0, 12),
      encode(i, b) {
        b.begin(2 + 2 * f);
        b.arg('HSET');
        b.arg(name('hash:', i, 12));
        for (let j = 0; j < f; j++) {
          b.arg(name('f', j, o.fieldBytes));
          b.arg(name('v', i * f + j, o.valueBytes));
        }
      },
      checks: [[['DBSIZE'], String(n)], [['HLEN', name('hash:', n - 1, 12)], String(f)]],
    });
  }
  if (want.includes('list')) {
    const n = o.listElements;
    all.push({
      name: `list: 1 key, ${fmtInt(n)} elements of ${o.elementBytes} B`,
      unit: 'element', elements: n, commands: Math.ceil(n / per), sampleKey: 'list:mem',
      encode(i, b) {
        const from = i * per, to = Math.min(n, from + per);
        b.begin(2 + (to - from));
        b.arg('RPUSH');
        b.arg('list:mem');
        for (let j = from; j < to; j++) b.arg(name('e', j, o.elementBytes));
      },
      checks: [[['LLEN', 'list:mem'], String(n)], [['DBSIZE'], '1']],
    });
  }
  return all;
}

interface MemoryRow {
  dataset: string;
  target: string;
  version: string;
  started: string;
  rep: number;
  rssBefore: number;
  rssAfter: number;
  growth: number;
  perElement: number;
  /** INFO memory used_memory before and after (what the server itself accounts). */
  usedBefore: number;
  usedAfter: number;
  peakRss: number;
  /** RSS by kind after loading (see rssBreakdown), and the INFO memory fields Spindle adds. */
  breakdownBefore: ReturnType<typeof rssBreakdown>;
  breakdownAfter: ReturnType<typeof rssBreakdown>;
  infoAfter: Record<string, number>;
  encoding: string;
  loadMs: number;
  errors: string[];
}

async function memoryInfo(t: Target): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const info = await commandOnce(t.host, t.port, ['INFO', 'memory'], 5000);
    for (const f of ['used_memory', 'used_memory_dataset', 'used_memory_shard_heaps_committed', 'used_memory_vm_heap']) {
      const v = infoField(info, f);
      if (v !== null) out[f] = Number(v);
    }
  } catch {
    // no INFO memory
  }
  return out;
}

async function measure(d: Dataset, spec: string, label: string, rep: number, o: Opts,
  log: (s: string) => void): Promise<MemoryRow> {
  const t = await startTarget(spec, label, o.shards, o.cpus || null);
  try {
    const pid = await serverPid(t.host, t.port);
    if (t.started === 'external') log(`  ${label} is an external server: not fresh, its growth is still measured`);
    await ask(t.host, t.port, ['PING']);
    await sleep(o.settle * 1000);
    const before = readRss(pid), breakdownBefore = rssBreakdown(pid), usedBefore = (await memoryInfo(t))['used_memory'] ?? 0;
    const st = await pipelineLoad(t.host, t.port, d.commands, d.encode, { batch: o.batch, inflight: o.inflight });
    const errors: string[] = [];
    if (st.errors) errors.push(`${st.errors} error replies while loading, first: ${st.firstError}`);
    for (const [cmd, want] of d.checks) {
      const got = await ask(t.host, t.port, cmd);
      if (got !== want) errors.push(`${cmd.join(' ')} = ${got}, expected ${want}`);
    }
    const encoding = await ask(t.host, t.port, ['OBJECT', 'ENCODING', d.sampleKey]).catch((e: Error) => e.message);
    await sleep(o.settle * 1000);
    const after = readRss(pid), breakdownAfter = rssBreakdown(pid), infoAfter = await memoryInfo(t);
    const usedAfter = infoAfter['used_memory'] ?? 0;
    const growth = after.rss - before.rss;
    const row: MemoryRow = {
      dataset: d.name, target: label, version: t.version, started: t.started, rep,
      rssBefore: before.rss, rssAfter: after.rss, growth, perElement: growth / d.elements,
      usedBefore, usedAfter, peakRss: after.hwm, breakdownBefore, breakdownAfter, infoAfter, encoding, loadMs: st.ms, errors,
    };
    const d2 = (k: 'file' | 'heap' | 'anon'): string => fmtMB(breakdownAfter[k] - breakdownBefore[k]);
    const spindleInfo = infoAfter['used_memory_dataset'] !== undefined
      ? `; INFO: dataset ${fmtMB(infoAfter['used_memory_dataset'])}, shard heaps committed ${fmtMB(infoAfter['used_memory_shard_heaps_committed'] ?? 0)}, V8 heap used ${fmtMB(infoAfter['used_memory_vm_heap'] ?? 0)}`
      : '';
    log(`  ${label.padEnd(10)} rep ${rep + 1}: RSS ${fmtMB(before.rss)} -> ${fmtMB(after.rss)}, growth ${fmtMB(growth)}` +
      ` (${(growth / d.elements).toFixed(1)} B/${d.unit}), loaded in ${(st.ms / 1000).toFixed(1)} s` +
      `; growth by kind: anon ${d2('anon')}, [heap] ${d2('heap')}, file ${d2('file')}` +
      `, largest anon mappings ${breakdownAfter.largestAnon.map(fmtMB).join(', ')}${spindleInfo}` +
      `${errors.length ? `; PROBLEMS: ${errors.join('; ')}` : ''}`);
    return row;
  } finally {
    await t.stop();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function reportTable(rows: MemoryRow[], sets: Dataset[], labels: string[], baseline: string): string {
  const out: string[] = [];
  out.push(`| dataset | server | RSS before | RSS after | RSS growth | per element | ratio vs ${baseline} | used_memory growth | encoding | load s |`);
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const d of sets) {
    const of = (l: string): MemoryRow[] => rows.filter((r) => r.dataset === d.name && r.target === l);
    const base = median(of(baseline).map((r) => r.growth));
    for (const l of labels) {
      const rs = of(l);
      if (!rs.length) continue;
      const g = median(rs.map((r) => r.growth));
      const bad = rs.some((r) => r.errors.length) ? ' ⚠' : '';
      out.push(`| ${d.name} | ${l}${bad} | ${fmtMB(median(rs.map((r) => r.rssBefore)))} | ${fmtMB(median(rs.map((r) => r.rssAfter)))}` +
        ` | ${fmtMB(g)} | ${(g / d.elements).toFixed(1)} B/${d.unit} | ${base > 0 ? (g / base).toFixed(2) : '-'}` +
        ` | ${fmtMB(median(rs.map((r) => r.usedAfter - r.usedBefore)))} | ${rs[0]!.encoding} | ${(median(rs.map((r) => r.loadMs)) / 1000).toFixed(1)} |`);
    }
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  let o: Opts;
  try {
    o = parseFlags(process.argv.slice(2), kDefaults);
  } catch (e) {
    process.stderr.write(`memory: ${(e as Error).message}\n\n${kUsage}\n`);
    return 2;
  }
  if (o.help) { process.stdout.write(`${kUsage}\n`); return 0; }
  const specs = o.targets.split(',').map((s) => s.trim()).filter(Boolean);
  const labels = labelTargets(specs);
  const baseline = o.baseline || (labels.includes('redis') ? 'redis' : labels[labels.length - 1]!);
  const sets = datasets(o);
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const rows: MemoryRow[] = [];
  const t0 = Date.now();
  for (const d of sets) {
    log(d.name);
    for (let rep = 0; rep < o.reps; rep++) {
      for (let k = 0; k < specs.length; k++) rows.push(await measure(d, specs[k]!, labels[k]!, rep, o, log));
    }
  }
  const settings = `settings: fresh server per dataset${o.reps > 1 ? ', median of ' + o.reps + ' alternating reps' : ''};` +
    ` load over 1 connection, ${o.perCommand} element(s) per command, ${o.batch} commands per write, ${o.inflight} writes in flight;` +
    ` RSS = VmRSS of the server process, read after ${o.settle} s settling before and after; Spindle --shards ${o.shards};` +
    ` servers ${o.cpus ? 'pinned to CPU ' + o.cpus : 'not pinned'}; node ${process.version}; ${Math.round((Date.now() - t0) / 1000)} s in all`;
  const versions = labels.map((l) => {
    const r = rows.find((x) => x.target === l);
    return r ? `${l}: ${r.version}, started as: ${r.started.replace(/--port \d+/, '--port N')}` : '';
  }).filter(Boolean).join('\n');
  process.stdout.write(`${reportTable(rows, sets, labels, baseline)}\n\n${settings}\n\n${versions}\n`);
  const problems = rows.filter((r) => r.errors.length);
  for (const r of problems) process.stdout.write(`⚠ ${r.target} on ${r.dataset}: ${r.errors.join('; ')}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ options: o, rows }, null, 2));
  return problems.length ? 1 : 0;
}

process.on('SIGINT', () => { killAllTargets(); process.exit(130); });
main().then((c) => { process.exitCode = c; }, (e: Error) => {
  killAllTargets();
  process.stderr.write(`memory: ${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
