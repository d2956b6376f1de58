/**
 * MULTI/EXEC and WATCH with io-threads (Node ≥ 22.12): connections land on different front-end
 * threads, so transfers, readers and watchers run on several threads over the same shards.
 * Every EXEC takes all its shard locks at once, so no reader on any thread sees a half-done
 * transfer; a WATCHed key written by a connection of another thread aborts the EXEC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { supportsReusePort } from '../../src/server/server.js';
import { keySlot, kSlots } from '../../src/sab/hash.js';
import { connect } from '../families/workers/tx-resp.mjs';

const serverJs = fileURLToPath(new URL('../../dist/cli/server.js', import.meta.url));
const kShards = 4;
const kMs = Number(process.env.TX_IOTHREADS_MS ?? 4000);

const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
});

function start(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [serverJs, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(proc);
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Ready to accept connections tcp on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const shardOfKey = (k: string) => Math.floor((keySlot(Buffer.from(k), 0, Buffer.byteLength(k)) * kShards) / kSlots);

interface Result { role: string; violations: number; checks: number; committed: number; aborted: number; problems: string[] }

function run(workerData: object): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('../families/workers/tx-net.mjs', import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe.runIf(supportsReusePort())(`transactions with io-threads on Node ${process.versions.node}`, () => {
  it('transfers across shards and threads never show a changed total', async () => {
    const port = await start(['--shards', String(kShards), '--io-threads', '3']);
    const accounts = Array.from({ length: 8 }, (_, i) => `acct:${i}`);
    const shardOf = Object.fromEntries(accounts.map((k) => [k, shardOfKey(k)]));
    expect(new Set(Object.values(shardOf)).size).toBeGreaterThan(1);
    const admin = await connect(port);
    await admin.send(['MSET', ...accounts.flatMap((k) => [k, '1000'])]);
    const common = { port, accounts, shardOf, total: 8000, ms: kMs };
    const results = await Promise.all([
      run({ ...common, role: 'writers', conns: 8 }),
      run({ ...common, role: 'writers', conns: 4 }),
      run({ ...common, role: 'readers', conns: 4 }),
    ]);
    for (const r of results) expect(r.problems, r.role).toEqual([]);
    expect(results[0].committed + results[1].committed).toBeGreaterThan(500);
    expect(results[2].checks).toBeGreaterThan(500);
    const [[vals]] = [(await admin.send(['MGET', ...accounts])) as [string[]]];
    expect(vals.reduce((n, v) => n + Number(v), 0)).toBe(8000);
    admin.close();
  }, kMs + 30000);

  it('a watched key written by a connection of any thread aborts EXEC', async () => {
    const port = await start(['--shards', String(kShards), '--io-threads', '3']);
    const conns = await Promise.all(Array.from({ length: 9 }, () => connect(port)));
    const [watcher, ...writers] = conns;
    for (const [i, w] of writers.entries()) {
      const key = `w:${i}`;
      expect(await watcher.send(['WATCH', key, 'other'])).toEqual(['OK']);
      await w.send(['SET', key, String(i)]);
      expect(await watcher.send(['MULTI'], ['GET', key], ['EXEC'])).toEqual(['OK', 'QUEUED', null]);
      expect(await watcher.send(['WATCH', key])).toEqual(['OK']);
      await w.send(['GET', key], ['SET', 'unrelated', '1']);
      expect(await watcher.send(['MULTI'], ['GET', key], ['EXEC'])).toEqual(['OK', 'QUEUED', [String(i)]]);
    }
    for (const c of conns) c.close();
  });
});
