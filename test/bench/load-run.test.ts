/**
 * Short load runs whose counted replies are checked: against the in-process reply-only
 * server, through the piscina pool, and against redis-server and Spindle when present.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, runLoad, type LoadSpec } from '../../native-free-bench/load-gen.js';
import { runSlice } from '../../native-free-bench/load-slice.js';
import { commandOnce } from '../../native-free-bench/resp-once.js';
import {
  spindleServerPath, startRedis, startSpindle, which, type Target,
} from '../../native-free-bench/targets.js';
import { parseCommands, startTrivialServer } from '../../native-free-bench/trivial-server.js';

const base = (port: number, test: string): LoadSpec => ({
  host: '127.0.0.1', port, test, clients: 6, pipeline: 8, threads: 2, duration: null, requests: 3000,
  warmup: 0, keyspace: 1000, dataSize: 8, ratio: [1, 3], keyPattern: 'random',
});

const portOf = (s: Server): number => (s.address() as { port: number }).port;

describe('load generator, in process, against the reply-only server', () => {
  let server: Server;
  beforeAll(async () => { server = await startTrivialServer(0); });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(['set', 'get', 'incr', 'mset', 'lpush', 'rpop', 'sadd', 'hset', 'zadd', 'zrange', 'ping', 'mixed'])(
    '%s: every counted request is answered, checked and in the histogram', async (test) => {
      const r = await runLoad(base(portOf(server), test), runSlice);
      expect(r.errors).toBe(0);
      expect(r.connErrors).toEqual([]);
      expect(r.ops).toBe(3000);
      expect(r.latency.count).toBe(3000);
      expect(r.totalReplies).toBe(r.totalSent);
      expect(r.opsPerSec).toBeGreaterThan(0);
    });

  it('--duration counts only replies inside the window, for each key pattern', async () => {
    for (const keyPattern of ['random', 'sequential', 'gaussian'] as const) {
      const r = await runLoad({ ...base(portOf(server), 'get'), requests: null, duration: 0.3, warmup: 0.1, keyPattern }, runSlice);
      expect(r.errors).toBe(0);
      expect(r.seconds).toBe(0.3);
      expect(r.ops).toBeGreaterThan(100);
      expect(r.latency.count).toBe(r.ops);
      expect(r.totalSent).toBeGreaterThan(r.ops); // warm-up and drain are sent but not counted
      expect(r.totalReplies).toBe(r.totalSent);
    }
  });
});

describe('load generator against a server that answers errors', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((sock) => {
      sock.on('data', (d: Buffer) => {
        const out: Buffer[] = [];
        parseCommands(d, out); // requests are small and arrive whole here
        sock.write('-ERR no such thing\r\n'.repeat(out.length));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts error replies as errors, never as ops', async () => {
    const r = await runLoad(base(portOf(server), 'set'), runSlice);
    expect(r.ops).toBe(0);
    expect(r.errors).toBe(3000);
    expect(r.firstError).toBe('ERR no such thing');
    expect(r.latency.count).toBe(0);
  });
});

describe('load generator through the piscina pool (compiled dist-bench)', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const worker = new URL('../../dist-bench/load-worker.js', import.meta.url);
  let server: Server;
  beforeAll(async () => {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}native-free-bench/tsconfig.json`]);
    server = await startTrivialServer(0);
  }, 60_000);
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('splits clients over worker threads and merges their counts', async () => {
    const pool = createPool(2, worker);
    try {
      const r = await runLoad({ ...base(portOf(server), 'set'), clients: 5, requests: 10_001 }, pool.run);
      expect(r.errors).toBe(0);
      expect(r.ops).toBe(10_001);
      expect(r.latency.count).toBe(10_001);
      expect(r.clientBusy).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});

const redisBin = which('redis-server');
if (!redisBin) console.log('SKIP: redis-server is not on PATH; the run against Redis is skipped');

describe.skipIf(!redisBin)('a short run against redis-server', () => {
  let redis: Target;
  beforeAll(async () => { redis = await startRedis(redisBin!, null); });
  afterAll(async () => { await redis?.stop(); });

  it.each(['set', 'get', 'incr', 'mset', 'lpush', 'sadd', 'hset', 'zadd', 'zrange'])(
    '%s: the replies counted match the commands Redis executed', async (test) => {
      await commandOnce(redis.host, redis.port, ['CONFIG', 'RESETSTAT']);
      const r = await runLoad(base(redis.port, test), runSlice);
      expect(r.errors).toBe(0);
      expect(r.ops).toBe(3000);
      const info = (await commandOnce(redis.host, redis.port, ['INFO', 'commandstats'])).toString();
      const calls = Number(new RegExp(`cmdstat_${test}:calls=(\\d+)`).exec(info)?.[1]);
      expect(calls).toBe(r.totalSent);
      expect(r.totalReplies).toBe(r.totalSent);
    });
});

const haveSpindle = existsSync(spindleServerPath);
if (!haveSpindle) console.log('SKIP: dist/cli/server.js does not exist (npm run build); the run against Spindle is skipped');

describe.skipIf(!haveSpindle)('a short run against Spindle (dist/cli/server.js)', () => {
  let spindle: Target;
  beforeAll(async () => { spindle = await startSpindle(2, null); }, 20_000);
  afterAll(async () => { await spindle?.stop(); });

  it.each(['set', 'get', 'incr', 'mset'])('%s: every counted reply is a correct reply', async (test) => {
    const r = await runLoad(base(spindle.port, test), runSlice);
    expect(r.firstError).toBeNull();
    expect(r.errors).toBe(0);
    expect(r.ops).toBe(3000);
    expect(r.totalReplies).toBe(r.totalSent);
  });
});
