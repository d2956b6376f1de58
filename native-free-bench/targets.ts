/**
 * Targets: the servers being measured. The harness starts Spindle (from dist/) and
 * redis-server (when on PATH) on free loopback ports, pinned with taskset to one CPU set,
 * and the trivial reply-only server for the ceiling check. --target adds servers the user runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandOnce, infoField } from './resp-once.js';

export interface Target {
  name: string;
  host: string;
  port: number;
  /** Version or description shown in the report. */
  version: string;
  /** How it was started, for the report: the command line, or "external". */
  started: string;
  stop(): Promise<void>;
}

export const spindleServerPath = fileURLToPath(new URL('../dist/cli/server.js', import.meta.url));
export const trivialServerPath = fileURLToPath(new URL('./trivial-server.js', import.meta.url));

export function which(bin: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, bin))) return join(dir, bin);
  }
  return null;
}

export const hasTaskset = (): boolean => which('taskset') !== null;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Children still running, so an interrupted harness can end them on its way out. */
const live = new Set<ChildProcess>();

export function killAllTargets(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Any reply to PING (even an error) means a RESP server is listening. */
export async function probe(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  try {
    await commandOnce(host, port, ['PING'], timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export async function startProcess(name: string, cmd: string, args: string[], port: number,
  cpus: string | null, timeoutMs = 15_000): Promise<Target> {
  const pinned = cpus !== null && hasTaskset();
  const [file, argv] = pinned ? ['taskset', ['-c', cpus, cmd, ...args]] : [cmd, args];
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited: string | null = null;
  const keep = (d: Buffer): void => { out = (out + d.toString()).slice(-4000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  live.add(child);
  child.on('exit', (code, sig) => { exited = `exited with ${sig ?? code}`; live.delete(child); });
  child.on('error', (e) => { exited = e.message; });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${name} ${exited} before it was ready:\n${out.trim()}`);
    if (/Ready to accept connections/i.test(out) && await probe('127.0.0.1', port, 300)) break;
    if (await probe('127.0.0.1', port, 300)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not accept connections on port ${port} within ${timeoutMs / 1000} s:\n${out.trim()}`);
    }
    await sleep(50);
  }
  const stop = async (): Promise<void> => {
    if (exited) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const killed = await Promise.race([gone.then(() => true), sleep(3000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await gone;
    }
  };
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const started = [...(pinned ? ['taskset', '-c', cpus] : []), cmd, ...args].map(quote).join(' ');
  return { name, host: '127.0.0.1', port, version: '', started, stop };
}

export async function startSpindle(shards: number, cpus: string | null): Promise<Target> {
  const port = await freePort();
  const t = await startProcess('spindle', process.execPath,
    [spindleServerPath, '--port', String(port), '--shards', String(shards)], port, cpus);
  t.version = await serverVersion(t.host, t.port, 'spindle');
  return t;
}

export async function startRedis(bin: string, cpus: string | null): Promise<Target> {
  const port = await freePort();
  const t = await startProcess('redis', bin, ['--port', String(port), '--bind', '127.0.0.1',
    '--save', '', '--appendonly', 'no'], port, cpus);
  t.version = await serverVersion(t.host, t.port, 'redis');
  return t;
}

export async function startTrivial(cpus: string | null): Promise<Target> {
  const port = await freePort();
  const t = await startProcess('trivial', process.execPath, [trivialServerPath, '--port', String(port)], port, cpus);
  t.version = 'reply-only';
  return t;
}

export async function externalTarget(name: string, host: string, port: number): Promise<Target> {
  if (!(await probe(host, port, 1000))) throw new Error(`nothing answers PING at ${host}:${port}`);
  return { name, host, port, version: await serverVersion(host, port, name), started: 'external', stop: async () => {} };
}

async function serverVersion(host: string, port: number, name: string): Promise<string> {
  try {
    const info = await commandOnce(host, port, ['INFO', 'server'], 1000);
    const spindle = infoField(info, 'spindle_version'), redis = infoField(info, 'redis_version');
    if (spindle) return `spindle ${spindle}${redis ? ` (Redis ${redis} compatible)` : ''}`;
    if (redis) return `redis ${redis}`;
  } catch {
    // Not every server has INFO.
  }
  return name;
}
