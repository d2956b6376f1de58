/**
 * Shared kit of the data-type tools (memory.ts, latency-build.ts).
 *
 * Bulk loading over one raw socket:
 * commands are encoded batch by batch into one reused buffer and written with pipelining,
 * keeping at most `inflight` batches unanswered; replies are counted (not decoded) with the
 * harness's ReplyScanner, and error replies are counted and the first one kept.
 *
 * Also: reading a process's resident memory from /proc, the server's pid from INFO, starting
 * a fresh target by name, and a small --flag parser.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ReplyScanner } from './reply-scanner.js';
import { commandOnce, infoField } from './resp-once.js';
import { externalTarget, startRedis, startSpindle, which, type Target } from './targets.js';

/** A growable RESP request buffer: begin(n) then n arg() calls per command. */
export class RespBatch {
  buf = Buffer.allocUnsafe(1 << 16);
  len = 0;
  count = 0;

  reset(): void {
    this.len = 0;
    this.count = 0;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  begin(nargs: number): void {
    this.room(16);
    this.len += this.buf.write(`*${nargs}\r\n`, this.len, 'latin1');
    this.count++;
  }

  /** A latin1 argument (the tools only send ASCII). */
  arg(s: string): void {
    this.room(s.length + 16);
    this.len += this.buf.write(`$${s.length}\r\n`, this.len, 'latin1');
    this.len += this.buf.write(s, this.len, 'latin1');
    this.buf[this.len++] = 0x0d;
    this.buf[this.len++] = 0x0a;
  }

  /** The encoded bytes, copied (the socket may still hold them when the batch is reused). */
  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export interface LoadStats {
  commands: number;
  errors: number;
  firstError: string | null;
  ms: number;
}

export interface LoadOptions {
  /** Commands per write. */
  batch: number;
  /** Batches written and not yet fully answered, at most. */
  inflight: number;
  /** Called with the number of answered commands after each chunk of replies. */
  onProgress?: (answered: number) => void;
  /** Offered rate in commands per second (0 = as fast as the replies allow). */
  rate?: number;
}

export function connectTo(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true });
    s.once('connect', () => { s.removeListener('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

/**
 * Send `total` commands; encode(i, batch) appends command i. Resolves when every command
 * has its reply (or rejects if the connection fails).
 */
export async function pipelineLoad(host: string, port: number, total: number,
  encode: (i: number, b: RespBatch) => void, o: LoadOptions): Promise<LoadStats> {
  const sock = await connectTo(host, port);
  const scanner = new ReplyScanner();
  const b = new RespBatch();
  const t0 = performance.now();
  let next = 0;
  let timer: NodeJS.Timeout | null = null;
  const rate = o.rate ?? 0;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      while (next < total && next - scanner.replies < o.batch * o.inflight) {
        if (rate > 0) {
          // Open loop at `rate`: batch k may go at t0 + k * batch / rate, not before.
          const due = t0 + (next / rate) * 1000 - performance.now();
          if (due > 0.5) {
            timer ??= setTimeout(() => { timer = null; pump(); }, due);
            return;
          }
        }
        b.reset();
        const end = Math.min(total, next + o.batch);
        for (; next < end; next++) encode(next, b);
        sock.write(b.take());
      }
    };
    sock.on('data', (chunk: Buffer) => {
      scanner.feed(chunk);
      o.onProgress?.(scanner.replies);
      if (scanner.replies >= total) {
        sock.destroy();
        resolve({ commands: total, errors: scanner.errors, firstError: scanner.firstError, ms: performance.now() - t0 });
      } else {
        pump();
      }
    });
    sock.on('error', reject);
    sock.on('close', () => {
      if (scanner.replies < total) reject(new Error(`connection closed after ${scanner.replies} of ${total} replies`));
    });
    pump();
  });
}

/** VmRSS and VmHWM of a process, in bytes, from /proc/<pid>/status. */
export function readRss(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(s);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps: file-backed, the malloc heap
 * ([heap]), other anonymous memory, and the largest anonymous mappings (Spindle's shard heaps
 * are anonymous SharedArrayBuffer mappings; V8's heap is anonymous too).
 */
export function rssBreakdown(pid: number): { file: number; heap: number; anon: number; largestAnon: number[] } {
  const out = { file: 0, heap: 0, anon: 0, largestAnon: [] as number[] };
  let name = '';
  const anon: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'latin1').split('\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) { name = m[1]!; continue; }
    if (!line.startsWith('Rss:')) continue;
    const b = Number(line.split(/\s+/)[1]) * 1024;
    if (name === '[heap]') out.heap += b;
    else if (name.startsWith('/')) out.file += b;
    else { out.anon += b; anon.push(b); }
  }
  out.largestAnon = anon.sort((a, b) => b - a).slice(0, 4);
  return out;
}

/** The server's pid from INFO server (Redis and Spindle both give process_id). */
export async function serverPid(host: string, port: number): Promise<number> {
  const info = await commandOnce(host, port, ['INFO', 'server'], 2000);
  const pid = Number(infoField(info, 'process_id'));
  if (!pid) throw new Error(`${host}:${port} gives no process_id in INFO server`);
  return pid;
}

/** Send one command and return a simple reply as text: integer, status, bulk; errors keep their '-'. */
export async function ask(host: string, port: number, args: string[], timeoutMs = 30_000): Promise<string> {
  const t = (await commandOnce(host, port, args, timeoutMs)).toString('latin1');
  if (t[0] === ':' || t[0] === '+') return t.slice(1, -2);
  if (t[0] === '$') return t.startsWith('$-1') ? '(nil)' : t.slice(t.indexOf('\r\n') + 2, -2);
  return t.slice(0, -2);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Start a target by spec: 'spindle' (dist/cli/server.js), 'redis' (redis-server on PATH with
 * --save '' --appendonly no), or 'host:port' (a server already running; not fresh). `label`
 * names it in reports (a spec given twice gets '#2').
 */
export async function startTarget(spec: string, label: string, shards: number, cpus: string | null): Promise<Target> {
  let t: Target;
  if (spec === 'spindle') t = await startSpindle(shards, cpus);
  else if (spec === 'redis') {
    const bin = which('redis-server');
    if (!bin) throw new Error('redis-server is not on PATH');
    t = await startRedis(bin, cpus);
  } else {
    const m = /^(.*):(\d+)$/.exec(spec);
    if (!m) throw new Error(`target ${spec}: expected spindle, redis or host:port`);
    t = await externalTarget(spec, m[1]!, Number(m[2]));
  }
  t.name = label;
  return t;
}

/** Labels for target specs: the spec itself, '#2', '#3' for repeats. */
export function labelTargets(specs: string[]): string[] {
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    return n === 1 ? s : `${s}#${n}`;
  });
}

export type FlagValue = number | string | boolean;

/**
 * Parse --name value / --name=value / --flag against defaults (the default's type decides:
 * numbers accept 1e6 and 1_000_000 and 1M/1k; booleans take no value). Throws on unknown names.
 */
export function parseFlags<T extends Record<string, FlagValue>>(argv: string[], defaults: T): T {
  const o: Record<string, FlagValue> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = (eq < 0 ? a.slice(2) : a.slice(2, eq)).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(name in o)) throw new Error(`unknown option ${a}`);
    const d = o[name];
    if (typeof d === 'boolean') { o[name] = eq < 0 ? true : a.slice(eq + 1) !== 'false'; continue; }
    const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (typeof d === 'number') {
      const m = /^([\d._e+]+)([kKmM]?)$/.exec(v);
      const n = m ? Number(m[1]!.replace(/_/g, '')) * (/k/i.test(m[2]!) ? 1e3 : /m/i.test(m[2]!) ? 1e6 : 1) : NaN;
      if (!Number.isFinite(n)) throw new Error(`${a}: not a number: ${v}`);
      o[name] = n;
    } else {
      o[name] = v;
    }
  }
  return o as T;
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
export const fmtMB = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
