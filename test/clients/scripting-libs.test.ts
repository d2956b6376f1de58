/**
 * Libraries built on Lua scripts, unchanged, against a live Spindle: redlock (EVAL for
 * acquire/release/extend), redis-semaphore (Mutex and Semaphore scripts), and an express app
 * limited by express-rate-limit with rate-limit-redis (SCRIPT LOAD + EVALSHA, reloading the
 * script after SCRIPT FLUSH). TEST_AGAINST_REDIS=1 runs them against redis-server.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
// @ts-expect-error redlock 4 ships no types
import Redlock from 'redlock';
import { Mutex, Semaphore } from 'redis-semaphore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, startTarget } from '../helpers/types-kit.js';

describe(`script-based libraries against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let io: Redis;

  beforeAll(async () => {
    srv = await startTarget();
    io = new Redis({ host: HOST, port: srv.port });
    io.on('error', () => undefined);
    await io.flushall();
  }, 60000);

  afterAll(async () => {
    io?.disconnect();
    await srv?.close();
  });

  it('redlock: lock, contention, extend, unlock', async () => {
    const redlock = new Redlock([io], { retryCount: 0, driftFactor: 0.01 });
    redlock.on('clientError', () => undefined);
    const lock = await redlock.lock('locks:order:1', 2000);
    await expect(redlock.lock('locks:order:1', 2000)).rejects.toThrow();
    const pttl1 = await io.pttl('locks:order:1');
    const extended = await lock.extend(10000);
    expect(await io.pttl('locks:order:1')).toBeGreaterThan(pttl1);
    await extended.unlock();
    expect(await io.exists('locks:order:1')).toBe(0);
    const again = await redlock.lock('locks:order:1', 1000);
    await again.unlock();
  });

  it('redis-semaphore: a Mutex excludes, a Semaphore admits its limit', async () => {
    const m1 = new Mutex(io, 'job', { acquireTimeout: 200, retryInterval: 20 });
    const m2 = new Mutex(io, 'job', { acquireTimeout: 200, retryInterval: 20 });
    await m1.acquire();
    expect(await m2.tryAcquire()).toBe(false);
    await m1.release();
    expect(await m2.tryAcquire()).toBe(true);
    await m2.release();

    const sems = [0, 1, 2].map(() => new Semaphore(io, 'pool', 2, { acquireTimeout: 200, retryInterval: 20 }));
    expect(await sems[0].tryAcquire()).toBe(true);
    expect(await sems[1].tryAcquire()).toBe(true);
    expect(await sems[2].tryAcquire()).toBe(false);
    await sems[0].release();
    expect(await sems[2].tryAcquire()).toBe(true);
    await sems[1].release();
    await sems[2].release();
  });

  it('express + express-rate-limit + rate-limit-redis: N pass, N+1 gets 429, and after SCRIPT FLUSH', async () => {
    const limit = 5;
    const app = express();
    app.use(
      rateLimit({
        windowMs: 60_000,
        limit,
        standardHeaders: 'draft-7',
        legacyHeaders: false,
        store: new RedisStore({
          prefix: 'rl:',
          sendCommand: (command: string, ...args: string[]) => io.call(command, ...args) as never,
        }),
      }),
    );
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const server: Server = await new Promise((r) => {
      const s = app.listen(0, HOST, () => r(s));
    });
    const url = `http://${HOST}:${(server.address() as AddressInfo).port}/`;
    try {
      const codes: number[] = [];
      for (let i = 0; i < limit + 1; i++) codes.push((await fetch(url)).status);
      expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
      // The store's EVALSHA meets NOSCRIPT after a flush, reloads the script, and still counts.
      await io.script('FLUSH');
      expect((await fetch(url)).status).toBe(429);
      await io.del(...(await io.keys('rl:*')));
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
