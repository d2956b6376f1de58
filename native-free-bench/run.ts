/**
 * Entry point of `npm run bench`: the native-free benchmark harness.
 * See docs/benchmarks-harness.md for the method.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { compareResults, loadResults } from './compare.js';
import { runEmbedded } from './embedded.js';
import { runMicro } from './micro.js';
import { kUsage, OptionError, parseOptions, type Options } from './options.js';
import { fullReport } from './report.js';
import type { Results } from './results.js';
import { runLoadSuite } from './suite-load.js';
import { renderSvg } from './svg.js';
import { hasTaskset, killAllTargets } from './targets.js';

const log = (s: string): void => { process.stderr.write(`  ${s}\n`); };

function settingsOf(o: Options): Record<string, unknown> {
  return {
    tests: o.tests, clients: o.clients, pipeline: o.pipeline, threads: o.threads,
    ...(o.requests === null ? { duration_s: o.duration } : { requests: o.requests }),
    warmup_s: o.warmup, reps: o.reps, keyspace: o.keyspace, data_size: o.dataSize,
    key_pattern: o.keyPattern, ...(o.tests.includes('mixed') ? { ratio: o.ratio.join(':') } : {}),
    spindle_shards: o.shards, target_cpus: o.cpus !== null && hasTaskset() ? o.cpus : 'not pinned',
    ceiling_check: o.ceiling, suites: o.suites, micro_time_ms: o.microTime, embedded_time_s: o.embeddedTime,
    quick: o.quick,
  };
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof OptionError)) throw e;
    process.stderr.write(`bench: ${e.message}\n\n${kUsage}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(kUsage);
    return 0;
  }
  if (o.compare) {
    const [a, b] = o.compare;
    process.stdout.write(compareResults(loadResults(a), loadResults(b), a, b));
    return 0;
  }
  const started = Date.now();
  const r: Results = {
    version: 1, startedAt: new Date(started).toISOString(), finishedAt: '', settings: settingsOf(o),
    env: {
      node: process.version, platform: `${platform()} ${release()}`, cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(), memory_gib: Math.round(totalmem() / 2 ** 30), taskset: hasTaskset(),
    },
    targets: [], ceiling: {}, runs: [], summary: [], micro: [], embedded: [], validation: [], notes: [], warnings: [],
  };
  log(`Spindle native-free bench: ${o.suites.join(', ')}${o.quick ? ' (quick)' : ''}`);
  if (o.suites.includes('load')) await runLoadSuite(o, r, log);
  if (o.suites.includes('micro')) r.micro = await runMicro(o.microTime, [], log);
  if (o.suites.includes('embedded')) r.embedded = await runEmbedded(o.embeddedTime, o.dataSize, o.shards, log);
  r.finishedAt = new Date().toISOString();

  mkdirSync(o.outDir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const jsonPath = join(o.outDir, `${stamp}.json`);
  writeFileSync(jsonPath, JSON.stringify(r, null, 1) + '\n');
  let svgPath: string | null = null;
  if (r.summary.length) {
    svgPath = join(o.outDir, `${stamp}.svg`);
    const sub = `${o.clients} clients, pipeline ${o.pipeline}, ${o.threads} threads, ${r.startedAt}`;
    writeFileSync(svgPath, renderSvg(r.summary, sub));
  }
  process.stdout.write(`\n${fullReport(r)}\n`);
  process.stdout.write(`Results: ${jsonPath}${svgPath ? `, chart: ${svgPath}` : ''} ` +
    `(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  // A user who named a server that could not be measured gets a failing exit code.
  const names = new Set(r.targets.map((t) => t.name));
  return o.suites.includes('load') && o.external.some((e) => !names.has(`${e.host}:${e.port}`)) ? 1 : 0;
}

process.on('exit', killAllTargets);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    process.stderr.write(`bench: ${sig}, stopping the servers it started\n`);
    process.exit(130);
  });
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
