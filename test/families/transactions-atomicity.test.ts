/**
 * MULTI/EXEC is atomic across shards and threads: for about 10 s, 8 network connections move
 * amounts between accounts in different shards (half plain MULTI/DECRBY/INCRBY/EXEC, half
 * WATCH-based optimistic transfers), while reader connections (MGET, and two MGETs inside one
 * MULTI) and two host threads attached to the same shared memory (MGET through the embedded
 * API, on other threads, taking the shard locks themselves) check that the accounts always add
 * up to the same total. The host threads also make EXEC meet busy shards (it parks and retries).
 *
 * TX_ATOMICITY_MS shortens or lengthens the run (default 10000).
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stat } from '../../src/shard/shard.js';
import { keysPerShard, shardOfKey as shardIn, startStoreServer } from '../helpers/server.js';
import { connect } from './workers/tx-resp.mjs';

const kShards = 4;
const kMs = Number(process.env.TX_ATOMICITY_MS ?? 10000);
const kBalance = 1000;

let env: Awaited<ReturnType<typeof startStoreServer>>;
let store: typeof env.store;
let srv: typeof env.srv;
beforeAll(async () => {
  env = await startStoreServer(kShards);
  ({ store, srv } = env);
}, 30000);
afterAll(async () => {
  await env?.close();
});

const shardOfKey = (k: string) => shardIn(k, kShards);
/** Two accounts per shard. */
const accounts = () => keysPerShard('acct:', kShards, 2);

interface Result {
  role: string;
  violations: number;
  checks: number;
  committed?: number;
  aborted?: number;
  problems: string[];
}

function run(file: string, workerData: object): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(file, import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('WATCH entries of a client that disconnects', () => {
  it('are released from shard memory (writers stop bumping counters)', async () => {
    const engine = srv.engine!;
    const all = (1 << kShards) - 1;
    const watching = () => engine.withAllShards(() => engine.watch.active(all));
    expect(watching()).toBe(false);
    const c = await connect(srv.port);
    await c.send(['WATCH', ...accounts()], ['MULTI'], ['PING']);
    expect(watching()).toBe(true);
    c.close();
    const end = Date.now() + 5000;
    while (watching() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(watching()).toBe(false);
  });
});

describe('MULTI/EXEC atomicity across shards and threads', () => {
  it(`transfers never show a changed total (${kMs} ms)`, async () => {
    const accts = accounts();
    const shardOf = Object.fromEntries(accts.map((k) => [k, shardOfKey(k)]));
    const total = accts.length * kBalance;
    const admin = await connect(srv.port);
    await admin.send(['FLUSHALL'], ['MSET', ...accts.flatMap((k) => [k, String(kBalance)])]);
    const contended = () => store.handle.shards.reduce((n, h) => n + new Float64Array(h.control)[Stat.LockContended], 0);
    const contendedBefore = contended();

    const common = { port: srv.port, accounts: accts, shardOf, total, ms: kMs };
    const results = await Promise.all([
      run('./workers/tx-net.mjs', { ...common, role: 'writers', conns: 8 }),
      run('./workers/tx-net.mjs', { ...common, role: 'readers', conns: 2 }),
      run('./workers/tx-embedded.mjs', { handle: store.handle, accounts: accts, total, ms: kMs }),
      run('./workers/tx-embedded.mjs', { handle: store.handle, accounts: accts, total, ms: kMs }),
    ]);

    for (const r of results) expect(r.problems, r.role).toEqual([]);
    const [writers, readers, e1, e2] = results;
    expect(writers.committed).toBeGreaterThan(1000);
    expect(readers.checks).toBeGreaterThan(1000);
    expect(e1.checks + e2.checks).toBeGreaterThan(1000);
    expect(contended() - contendedBefore).toBeGreaterThan(0); // EXEC did meet busy shards

    const [vals] = (await admin.send(['MGET', ...accts])) as [string[]];
    expect(vals.reduce((n, v) => n + Number(v), 0)).toBe(total);
    admin.close();
    console.log(`tx atomicity: ${writers.committed} transfers (${writers.aborted} WATCH aborts), ` +
      `${readers.checks} network checks, ${e1.checks + e2.checks} host-thread checks`);
  }, kMs + 20000);
});
