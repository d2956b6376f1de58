/**
 * MULTI/EXEC and WATCH with io-threads (Node ≥ 22.12): connections land on different front-end
 * threads, so transfers, readers and watchers run on several threads over the same shards.
 * Every EXEC takes all its shard locks at once, so no reader on any thread sees a half-done
 * transfer; a WATCHed key written by a connection of another thread aborts the EXEC.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { shardOfKey as shardIn, startSpindleProcess, type RunningTestServer } from '../helpers/server.js';
import { supportsReusePort } from '../../src/server/server.js';
import { connect } from '../families/workers/tx-resp.mjs';

const kShards = 4;
const kMs = Number(process.env.TX_IOTHREADS_MS ?? 4000);

const servers: RunningTestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A spindle-server child process with 3 io-threads; its port. */
async function start(shards: number): Promise<number> {
  const s = await startSpindleProcess({ shards, config: { 'io-threads': '3' } });
  servers.push(s);
  return s.port;
}

const shardOfKey = (k: string) => shardIn(k, kShards);

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
    const port = await start(kShards);
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
    const port = await start(kShards);
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
