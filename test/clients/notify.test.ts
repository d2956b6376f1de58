/**
 * Keyspace notifications through ioredis and node-redis against a live Spindle: the messages
 * a workload produces, in order, on __keyspace@ and __keyevent@ channels (RESP2 and RESP3),
 * other databases, and "expired" events from active expiry (sent by the shards' owner worker
 * threads through the pub/sub inbox rings, with no client touching the keys).
 * TEST_AGAINST_REDIS=1 runs the same file against redis-server, to check the tests themselves.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOST, sleep, startRedis, startSpindle, waitUntil, type RunningTestServer } from '../helpers/server.js';

const againstRedis = process.env.TEST_AGAINST_REDIS === '1';

let srv: RunningTestServer;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  srv = againstRedis ? (await startRedis())! : await startSpindle({ shards: 2 });
}, 60000);

afterAll(async () => {
  for (const c of closers.splice(0)) await c();
  await srv?.close();
});

function io(protocol: 2 | 3 = 3, db = 0): Redis {
  const r = new Redis({ host: HOST, port: srv.port, protocol, db, maxRetriesPerRequest: 1 });
  closers.push(() => r.disconnect());
  return r;
}

async function nr(RESP: 2 | 3 = 3) {
  const c = createClient({ socket: { host: HOST, port: srv.port }, RESP });
  c.on('error', () => undefined);
  await c.connect();
  closers.push(() => c.destroy());
  return c;
}

afterEach(async () => {
  const c = io();
  await c.config('SET', 'notify-keyspace-events', '');
  await c.flushall();
});

describe.each([2, 3] as const)('ioredis, RESP%s', (protocol) => {
  it('a workload\'s keyspace and keyevent messages, in command order', async () => {
    const sub = io(protocol), cmd = io(protocol);
    await cmd.config('SET', 'notify-keyspace-events', 'KEA');
    expect(await cmd.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', 'AKE']);
    const got: string[] = [];
    sub.on('pmessage', (_p: string, ch: string, m: string) => got.push(`${ch} ${m}`));
    await sub.psubscribe('__key*__:*');
    await cmd.set('user:1', 'ann', 'EX', 100);
    await cmd.rpush('queue', 'a', 'b');
    await cmd.lpop('queue', 2);
    await cmd.hset('h', 'f', '1');
    await cmd.rename('user:1', 'user:2');
    await cmd.del('user:2', 'h');
    await waitUntil(() => got.length === 20);
    const ev = (e: string, k: string) => [`__keyspace@0__:${k} ${e}`, `__keyevent@0__:${e} ${k}`];
    expect(got).toEqual([
      ...ev('set', 'user:1'), ...ev('expire', 'user:1'), ...ev('rpush', 'queue'), ...ev('lpop', 'queue'), ...ev('del', 'queue'),
      ...ev('hset', 'h'), ...ev('rename_from', 'user:1'), ...ev('rename_to', 'user:2'), ...ev('del', 'user:2'), ...ev('del', 'h'),
    ]);
  });

  it('keyevent channels by name, in another database', async () => {
    const sub = io(protocol), cmd = io(protocol, 3);
    await cmd.config('SET', 'notify-keyspace-events', 'E$');
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`${ch} ${m}`));
    await sub.subscribe('__keyevent@3__:set', '__keyevent@3__:incrby', '__keyevent@0__:set');
    await cmd.set('a', '1');
    await cmd.incr('a');
    await cmd.lpush('l', 'x'); // a list event: class l is off
    await cmd.incrby('b', 5);
    await waitUntil(() => got.length === 3);
    await sleep(30);
    expect(got).toEqual(['__keyevent@3__:set a', '__keyevent@3__:incrby a', '__keyevent@3__:incrby b']);
  });
});

describe('node-redis', () => {
  it.each([3, 2] as const)('RESP%s: pSubscribe to keyspace channels of a pattern of keys', async (RESP) => {
    const sub = await nr(RESP), cmd = await nr(RESP);
    await cmd.configSet('notify-keyspace-events', 'Kgz');
    const got: string[] = [];
    await sub.pSubscribe('__keyspace@0__:board:*', (message, channel) => got.push(`${channel} ${message}`));
    await cmd.zAdd('board:day', [{ score: 1, value: 'ann' }, { score: 2, value: 'bob' }]);
    await cmd.zIncrBy('board:day', 5, 'ann');
    await cmd.zAdd('other', { score: 1, value: 'x' });
    await cmd.zPopMin('board:day');
    await cmd.expire('board:day', 100);
    await cmd.zRem('board:day', 'ann');
    await waitUntil(() => got.length === 6);
    expect(got).toEqual([
      '__keyspace@0__:board:day zadd', '__keyspace@0__:board:day zincr', '__keyspace@0__:board:day zpopmin',
      '__keyspace@0__:board:day expire', '__keyspace@0__:board:day zrem', '__keyspace@0__:board:day del',
    ]);
  });
});

describe('expired events', () => {
  it('keys nobody touches are reported expired by active expiry', async () => {
    const sub = io(3), cmd = io(3);
    await cmd.config('SET', 'notify-keyspace-events', 'Ex');
    const got: string[] = [];
    sub.on('message', (_ch: string, key: string) => got.push(key));
    await sub.subscribe('__keyevent@0__:expired');
    const keys = Array.from({ length: 200 }, (_, i) => `session:${i}`);
    const p = cmd.pipeline();
    for (const k of keys) p.set(k, 'x', 'PX', 30);
    await p.exec();
    await waitUntil(() => got.length === keys.length, 10000);
    expect([...got].sort()).toEqual([...keys].sort());
    expect(await cmd.dbsize()).toBe(0);
  }, 20000);

  it('a read of an expired key reports it expired, and the miss (lazy expiry)', async () => {
    const sub = io(3), cmd = io(3);
    await cmd.config('SET', 'notify-keyspace-events', 'KExm');
    const got: string[] = [];
    sub.on('pmessage', (_p: string, ch: string, m: string) => got.push(`${ch} ${m}`));
    await sub.psubscribe('__keyspace@0__:*');
    // Read as soon as it expired: lazy expiry reports it (expired, then keymiss, during the GET;
    // test/families/notify.test.ts checks that order). Active expiry, every 100 ms, may rarely
    // come first, from another thread: "expired" is still reported exactly once.
    await cmd.set('k', 'v', 'PX', 1);
    await sleep(3);
    expect(await cmd.get('k')).toBe(null);
    await waitUntil(() => got.length === 2);
    await sleep(20);
    expect([...got].sort()).toEqual(['__keyspace@0__:k expired', '__keyspace@0__:k keymiss']);
  });

  it('nothing is published while notifications are off (the default)', async () => {
    const sub = io(3), cmd = io(3);
    expect(await cmd.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', '']);
    const got: string[] = [];
    sub.on('pmessage', (_p: string, ch: string) => got.push(ch));
    await sub.psubscribe('__key*__:*');
    await cmd.set('a', '1', 'PX', 20);
    await cmd.lpush('l', 'x');
    await cmd.del('l');
    await sleep(250);
    expect(got).toEqual([]);
  });
});
