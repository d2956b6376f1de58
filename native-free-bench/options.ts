/**
 * Command-line options of the harness, named after redis-benchmark and memtier_benchmark
 * where those tools have the same knob. parseOptions() is pure, so it is unit-tested.
 */
import { availableParallelism } from 'node:os';
import { kKnownTests } from './commands.js';

export type KeyPattern = 'random' | 'sequential' | 'gaussian';
export type Suite = 'load' | 'micro' | 'embedded';

export interface HostPort {
  host: string;
  port: number;
}

export interface Options {
  clients: number;
  pipeline: number;
  threads: number;
  /** Measured seconds per run, or null when --requests is used. */
  duration: number | null;
  requests: number | null;
  warmup: number;
  reps: number;
  keyspace: number;
  dataSize: number;
  ratio: [number, number];
  tests: string[];
  keyPattern: KeyPattern;
  /** Built-in targets to start: 'spindle', 'redis'. */
  builtin: string[];
  /** Servers the user already runs (--target host:port, repeatable). */
  external: HostPort[];
  /** A Redis to use instead of starting redis-server (--redis host:port). */
  redisAt: HostPort | null;
  shards: number;
  /** CPU list for targets (taskset -c), null when not pinning. */
  cpus: string | null;
  ceiling: boolean;
  suites: Suite[];
  microTime: number;
  embeddedTime: number;
  outDir: string;
  compare: [string, string] | null;
  vsRedisBenchmark: boolean;
  quick: boolean;
  help: boolean;
}

export class OptionError extends Error {}

/** Default CPU set for the targets: the upper half of the cores (just core 1 on a 2-core box). */
export function defaultCpus(n = availableParallelism()): string | null {
  if (n < 2) return null;
  const from = Math.ceil(n / 2);
  return from === n - 1 ? String(from) : `${from}-${n - 1}`;
}

export function defaults(): Options {
  return {
    clients: 50, pipeline: 16, threads: Math.min(2, availableParallelism()),
    duration: 1.5, requests: null, warmup: 0.4, reps: 3,
    keyspace: 100_000, dataSize: 3, ratio: [1, 10],
    tests: ['set', 'get', 'incr', 'mset'], keyPattern: 'random',
    builtin: ['spindle', 'redis'], external: [], redisAt: null, shards: 2,
    cpus: defaultCpus(), ceiling: true, suites: ['load', 'micro', 'embedded'],
    microTime: 100, embeddedTime: 0.7, outDir: 'bench-results', compare: null,
    vsRedisBenchmark: false, quick: false, help: false,
  };
}

/** What --quick changes; explicit flags still win. Keeps the run under 20 s. */
const kQuick: Partial<Options> = {
  duration: 1, warmup: 0.2, reps: 1, tests: ['set', 'get'], microTime: 40, embeddedTime: 0.3,
};

function int(name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(v)) throw new OptionError(`${name} wants a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new OptionError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function num(name: string, v: string, min: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new OptionError(`${name} wants a number >= ${min}, got "${v}"`);
  }
  return n;
}

export function parseHostPort(v: string): HostPort {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(v);
  if (!m) throw new OptionError(`expected host:port, got "${v}"`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new OptionError(`bad port in "${v}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function list(v: string): string[] {
  return v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

const kBool = new Set(['--quick', '--help', '-h', '--no-ceiling', '--no-pin', '--vs-redis-benchmark',
  '--no-redis', '--no-spindle']);

export function parseOptions(argv: readonly string[]): Options {
  const o = defaults();
  const seen = new Map<string, string>();
  const order: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let v: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    if (kBool.has(a)) {
      if (v !== undefined) throw new OptionError(`${a} takes no value`);
      seen.set(a, ''); order.push(a); continue;
    }
    if (a === '--compare') {
      const A = argv[++i], B = argv[++i];
      if (!A || !B) throw new OptionError('--compare wants two JSON files: --compare A.json B.json');
      o.compare = [A, B]; continue;
    }
    if (!a.startsWith('-')) throw new OptionError(`unexpected argument "${a}"`);
    if (v === undefined) v = argv[++i];
    if (v === undefined) throw new OptionError(`${a} wants a value`);
    if (a === '--target') { o.external.push(parseHostPort(v)); continue; }
    seen.set(a, v); order.push(a);
  }
  if (seen.has('--quick')) { Object.assign(o, kQuick); o.quick = true; }
  for (const a of order) {
    const v = seen.get(a)!;
    switch (a) {
      case '--help': case '-h': o.help = true; break;
      case '--quick': break;
      case '--clients': case '-c': o.clients = int(a, v, 1, 10_000); break;
      case '--pipeline': case '-P': o.pipeline = int(a, v, 1, 10_000); break;
      case '--threads': o.threads = int(a, v, 1, 256); break;
      case '--duration': o.duration = num(a, v, 0.05); o.requests = null; break;
      case '--requests': case '-n': o.requests = int(a, v, 1); o.duration = null; break;
      case '--warmup': o.warmup = num(a, v, 0); break;
      case '--reps': o.reps = int(a, v, 1, 100); break;
      case '--keyspace': o.keyspace = int(a, v, 1, 999_999_999_999); break;
      case '--data-size': case '-d': o.dataSize = int(a, v, 0, 64 * 1024 * 1024); break;
      case '--ratio': {
        const m = /^(\d+):(\d+)$/.exec(v);
        if (!m || Number(m[1]) + Number(m[2]) === 0) throw new OptionError(`--ratio wants set:get, e.g. 1:10, got "${v}"`);
        o.ratio = [Number(m[1]), Number(m[2])];
        if (!seen.has('--tests')) o.tests = ['mixed'];
        break;
      }
      case '--tests': case '-t': {
        const t = list(v);
        const bad = t.filter((x) => !kKnownTests.includes(x));
        if (bad.length) throw new OptionError(`unknown test(s) ${bad.join(', ')}; known: ${kKnownTests.join(', ')}`);
        if (!t.length) throw new OptionError('--tests is empty');
        o.tests = t; break;
      }
      case '--key-pattern': {
        if (v !== 'random' && v !== 'sequential' && v !== 'gaussian') {
          throw new OptionError(`--key-pattern wants random, sequential or gaussian, got "${v}"`);
        }
        o.keyPattern = v; break;
      }
      case '--targets': {
        const t = list(v).filter((x) => x !== 'none');
        const bad = t.filter((x) => x !== 'spindle' && x !== 'redis');
        if (bad.length) throw new OptionError(`--targets knows spindle and redis (use --target host:port for others), got ${bad.join(', ')}`);
        o.builtin = t; break;
      }
      case '--no-redis': o.builtin = o.builtin.filter((x) => x !== 'redis'); break;
      case '--no-spindle': o.builtin = o.builtin.filter((x) => x !== 'spindle'); break;
      case '--redis': o.redisAt = parseHostPort(v); break;
      case '--shards': o.shards = int(a, v, 1, 256); break;
      case '--cpus':
        if (!/^\d+([-,]\d+)*$/.test(v)) throw new OptionError(`--cpus wants a taskset CPU list like 1 or 2-3, got "${v}"`);
        o.cpus = v; break;
      case '--no-pin': o.cpus = null; break;
      case '--no-ceiling': o.ceiling = false; break;
      case '--suites': {
        const s = list(v);
        const bad = s.filter((x) => x !== 'load' && x !== 'micro' && x !== 'embedded');
        if (bad.length || !s.length) throw new OptionError(`--suites wants some of load,micro,embedded, got "${v}"`);
        o.suites = s as Suite[]; break;
      }
      case '--micro-time': o.microTime = int(a, v, 1); break;
      case '--embedded-time': o.embeddedTime = num(a, v, 0.01); break;
      case '--out': o.outDir = v; break;
      case '--vs-redis-benchmark': o.vsRedisBenchmark = true; break;
      default: throw new OptionError(`unknown option ${a} (see --help)`);
    }
  }
  // A user who names their own server wants that server measured, not ours too, unless asked.
  if (o.external.length && !seen.has('--targets')) o.builtin = [];
  return o;
}

export const kUsage = `Usage: npm run bench -- [options]

Load (like redis-benchmark / memtier_benchmark):
  -c, --clients N        connections in all (default 50)
  -P, --pipeline N       commands per pipeline batch (default 16)
      --threads N        load worker threads, a piscina pool (default min(2, cores))
      --duration S       measured seconds per run (default 1.5)
  -n, --requests N       total requests per run instead of --duration
      --warmup S         warm-up seconds before each measured run (default 0.4)
      --reps N           runs per target and test; targets alternate, median kept (default 3)
      --keyspace N       keys are key:000000000000 .. keyspace-1 (default 100000)
  -d, --data-size N      value size in bytes (default 3)
      --ratio S:G        set:get ratio of the "mixed" test (default 1:10; alone it selects mixed)
  -t, --tests LIST       ${kKnownTests.join(',')}
                         (default set,get,incr,mset)
      --key-pattern P    random | sequential | gaussian (default random)
Targets:
      --targets LIST     built-in targets to start: spindle,redis (default both)
      --target HOST:PORT measure your own RESP server (repeatable; then no built-in target
                         unless --targets is given too)
      --redis HOST:PORT  use this running Redis instead of starting redis-server
      --no-redis, --no-spindle
      --shards N         Spindle shards (default 2)
      --cpus LIST        taskset CPU list for every started target (default: upper half)
      --no-pin           do not pin targets
      --no-ceiling       skip the load generator ceiling check
Other suites:
      --suites LIST      load,micro,embedded (default all three)
      --micro-time MS    tinybench time per micro-benchmark (default 100)
      --embedded-time S  seconds per embedded measurement (default 0.7)
Output:
      --out DIR          results folder (default bench-results)
      --compare A B      compare two result JSON files and exit
      --vs-redis-benchmark  also run redis-benchmark (when installed) for set/get, for validation
      --quick            1 rep of 1 s, tests set,get, short micro/embedded (under 20 s)
`;
