/**
 * MULTI/EXEC and WATCH through real client libraries against a live in-process Spindle:
 * ioredis (RESP2) and node-redis (RESP3 by default), including optimistic locking with retries
 * and a hand-written fixed-window rate limiter (INCR + EXPIRE in one transaction).
 *
 * TEST_AGAINST_REDIS=1 runs this file against a real redis-server, to check the tests themselves.
 */
import Redis from 'ioredis';
import { createClient, MultiErrorReply, WatchError } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST, startRedis, startSpindle, type RunningTestServer } from '../helpers/server.js';

const againstRedis = process.env.TEST_AGAINST_REDIS === '1';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

let srv: RunningTestServer;
beforeAll(async () => {
  srv = againstRedis ? (await startRedis())! : await startSpindle({ shards: 4 });
}, 60000);
afterAll(async () => {
  await srv?.close();
});

/**
 * A fixed-window rate limiter: at most `limit` requests per `windowSec` for one caller. The
 * counter of the current window is incremented and given its TTL in one transaction, so a
 * crash between the two can never leave a counter without expiry.
 */
async function allowRequest(
  multi: () => { incr(k: string): unknown; expire(k: string, s: number, mode: 'NX'): unknown; exec(): Promise<unknown> },
  caller: string, limit: number, windowSec: number, now = Date.now(),
): Promise<boolean> {
  const key = `rate:${caller}:${Math.floor(now / 1000 / windowSec)}`;
  const m = multi();
  m.incr(key);
  m.expire(key, windowSec, 'NX');
  const res = (await m.exec()) as unknown[];
  const first = res[0];
  const count = Array.isArray(first) ? (first[1] as number) : (first as number); // ioredis: [err, value]
  return count <= limit;
}

describe('ioredis', () => {
  let r: Redis;
  let other: Redis;
  beforeAll(() => {
    r = new Redis({ host: HOST, port: srv.port, lazyConnect: false, maxRetriesPerRequest: 1 });
    other = new Redis({ host: HOST, port: srv.port, maxRetriesPerRequest: 1 });
  });
  afterAll(() => {
    r.disconnect();
    other.disconnect();
  });
  beforeEach(async () => {
    await r.flushall();
  });

  it('multi().exec() returns [error, result] pairs in order', async () => {
    const res = await r.multi().set('a', '1').incr('a').get('a').lpush('a', 'x').exec();
    expect(res!.slice(0, 3)).toEqual([[null, 'OK'], [null, 2], [null, '2']]);
    expect((res![3][0] as Error).message).toBe(WRONGTYPE);
  });

  it('multi({ pipeline: false }) sends each command as it is called and gets QUEUED', async () => {
    expect(await r.multi({ pipeline: false })).toBe('OK');
    expect(await r.set('k', 'v')).toBe('QUEUED');
    expect(await r.get('k')).toBe('QUEUED');
    expect(await r.exec()).toEqual([[null, 'OK'], [null, 'v']]);
  });

  it('an error while queueing makes exec() reject with EXECABORT', async () => {
    const err = await r.multi().set('a', '1').call('nosuchcommand').exec().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^EXECABORT Transaction discarded because of previous errors\./);
    expect(await r.exists('a')).toBe(0);
  });

  it('WATCH: exec() gives null when another client changed a watched key, runs otherwise', async () => {
    await r.set('w', '1');
    expect(await r.watch('w')).toBe('OK');
    await other.set('w', '2');
    expect(await r.multi().set('w', 'mine').exec()).toBe(null);
    expect(await r.get('w')).toBe('2');
    await r.watch('w');
    expect(await r.multi().set('w', 'mine').exec()).toEqual([[null, 'OK']]);
    expect(await r.get('w')).toBe('mine');
  });

  it('optimistic locking: concurrent WATCH/GET/MULTI/SET/EXEC increments lose nothing', async () => {
    const clients = Array.from({ length: 6 }, () => new Redis({ host: HOST, port: srv.port }));
    let retries = 0;
    const incr = async (c: Redis) => {
      for (;;) {
        await c.watch('counter');
        const v = Number((await c.get('counter')) ?? '0');
        if ((await c.multi().set('counter', String(v + 1)).exec()) !== null) return;
        retries++;
      }
    };
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < 50; i++) await incr(c);
    }));
    clients.forEach((c) => c.disconnect());
    expect(await r.get('counter')).toBe('300');
    expect(retries).toBeGreaterThan(0);
  });

  it('blocking pops inside MULTI reply as on timeout', async () => {
    expect(await r.multi().blpop('nolist', 0).brpoplpush('l1', 'l2', 0).bzpopmin('z', 0).exec())
      .toEqual([[null, null], [null, null], [null, null]]);
  });

  it('fixed-window rate limiter: N requests pass, request N+1 is refused, the window expires', async () => {
    const now = Date.now();
    const verdicts: boolean[] = [];
    for (let i = 0; i < 6; i++) verdicts.push(await allowRequest(() => r.multi() as never, 'alice', 5, 60, now));
    expect(verdicts).toEqual([true, true, true, true, true, false]);
    const key = `rate:alice:${Math.floor(now / 1000 / 60)}`;
    const ttl = await r.ttl(key);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await allowRequest(() => r.multi() as never, 'bob', 5, 60, now)).toBe(true);
    expect(await allowRequest(() => r.multi() as never, 'alice', 5, 60, now + 60_000)).toBe(true); // next window
  });
});

describe('node-redis (RESP3)', () => {
  const make = () => createClient({ socket: { host: HOST, port: srv.port } });
  let c: ReturnType<typeof make>;
  let other: ReturnType<typeof make>;
  beforeAll(async () => {
    c = make();
    other = make();
    await c.connect();
    await other.connect();
  });
  afterAll(() => {
    c?.destroy();
    other?.destroy();
  });
  beforeEach(async () => {
    await c.flushAll();
  });

  it('multi().exec() returns the replies in order', async () => {
    expect(await c.multi().set('a', '1').incr('a').get('a').hSet('h', 'f', 'v').hGetAll('h').exec())
      .toEqual(['OK', 2, '2', 1, { f: 'v' }]);
  });

  it('runtime errors reject exec() with a MultiErrorReply holding every reply', async () => {
    const err = (await c.multi().set('a', '1').lPush('a', 'x').get('a').exec().then(() => null, (e) => e)) as MultiErrorReply;
    expect(err).toBeInstanceOf(MultiErrorReply);
    expect(err.errorIndexes).toEqual([1]);
    const res = err.replies;
    expect(res[0]).toBe('OK');
    expect((res[1] as Error).message).toBe(WRONGTYPE);
    expect(res[2]).toBe('1');
  });

  it('WATCH → WatchError when another client changed the key; success otherwise', async () => {
    await c.set('w', '1');
    await c.watch('w');
    await other.set('w', '2');
    const err = await c.multi().set('w', 'mine').exec().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WatchError);
    expect(await c.get('w')).toBe('2');
    await c.watch('w');
    expect(await c.multi().incr('w').exec()).toEqual([3]);
  });

  it('WATCH on keys in several shards; UNWATCH forgets them', async () => {
    const keys = ['{a}k', '{b}k', '{c}k', '{d}k'];
    await c.watch(keys);
    await other.set('{c}k', 'x');
    await expect(c.multi().mGet(keys).exec()).rejects.toBeInstanceOf(WatchError);
    await c.watch(keys);
    await other.set('{d}k', 'y');
    await c.unwatch();
    expect(await c.multi().mGet(keys).exec()).toEqual([[null, null, 'x', 'y']]);
  });

  it('a transfer between keys of different shards is all or nothing', async () => {
    await c.mSet({ '{a}acct': '100', '{b}acct': '0' });
    const res = await c.multi().decrBy('{a}acct', 40).incrBy('{b}acct', 40).mGet(['{a}acct', '{b}acct']).exec();
    expect(res).toEqual([60, 40, ['60', '40']]);
  });

  it('fixed-window rate limiter: N requests pass, request N+1 is refused', async () => {
    const now = Date.now();
    const verdicts: boolean[] = [];
    for (let i = 0; i < 4; i++) verdicts.push(await allowRequest(() => c.multi() as never, 'carol', 3, 10, now));
    expect(verdicts).toEqual([true, true, true, false]);
    expect(await c.ttl(`rate:carol:${Math.floor(now / 1000 / 10)}`)).toBeGreaterThan(5);
  });
});
