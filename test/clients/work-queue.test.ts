/**
 * Blocking pops through real clients (ioredis 6 and node-redis 6, default RESP3 options) against
 * a live Spindle: a work queue with several consumers, FIFO among blocked clients, timeouts,
 * disconnects while blocked, keys in different shards, BLMOVE, BZPOPMIN.
 *
 * TEST_AGAINST_REDIS=1 runs the same tests against a real redis-server.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeCommand, HOST, rawClient, sleep, waitUntil, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, keysInShards, shardOf, startTarget, stillPending } from '../helpers/types-kit.js';

describe(`blocking pops through clients: work queues against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let admin: Redis;
  /** Connections a test opened; closed after it. */
  let extra: Redis[] = [];

  beforeAll(async () => {
    srv = await startTarget();
    admin = new Redis({ host: HOST, port: srv.port });
    admin.on('error', () => undefined);
    await admin.ping();
  }, 60000);

  afterAll(async () => {
    admin?.disconnect();
    await srv?.close();
  });

  beforeEach(async () => {
    await admin.flushall();
  });

  afterEach(() => {
    for (const c of extra) c.disconnect();
    extra = [];
  });

  /** A fresh ioredis connection with a client name (visible in CLIENT LIST). */
  async function conn(name?: string): Promise<Redis> {
    const c = new Redis({ host: HOST, port: srv.port, connectionName: name, retryStrategy: () => null });
    c.on('error', () => undefined);
    extra.push(c);
    await c.ping();
    return c;
  }

  /**
   * Wait until the server shows client `name` blocked in `cmd` (CLIENT LIST cmd=..., or INFO's
   * blocked_clients reaching `n`). Gives up quietly after 500 ms: the order of commands sent on
   * separate connections is then only as good as that delay.
   */
  async function blockedIn(name: string, cmd: string, n: number): Promise<void> {
    const deadline = Date.now() + 500;
    while (Date.now() < deadline) {
      const list = String(await admin.client('LIST'));
      if (list.split('\n').some((l) => l.includes(` name=${name} `) && l.includes(` cmd=${cmd} `))) return;
      const info = String(await admin.info('clients'));
      const m = /blocked_clients:(\d+)/.exec(info);
      if (m && Number(m[1]) >= n) return;
      await sleep(10);
    }
  }

  // ---------------------------------------------------------------- the work queue

  it('work queue: 2000 items, 1 pipelined producer, 3 BRPOP consumers: each delivered exactly once, in order', async () => {
    const N = 2000;
    const consumers = await Promise.all([conn('c0'), conn('c1'), conn('c2')]);
    const producer = await conn('producer');
    const got: number[][] = [[], [], []];
    const t0 = Date.now();
    const ends: number[] = [];

    const loops = consumers.map(async (c, i) => {
      for (;;) {
        const r = await c.brpop('jobs', 0.5);
        if (r === null) break;
        expect(r[0]).toBe('jobs');
        got[i].push(Number(r[1].slice(4)));
      }
      ends[i] = Date.now();
    });
    for (let i = 0; i < 3; i++) await blockedIn(`c${i}`, 'brpop', i + 1);

    // 20 batches of 100 items: each batch a pipeline of 20 LPUSHes of 5 items
    let next = 0;
    for (let b = 0; b < 20; b++) {
      const p = producer.pipeline();
      for (let j = 0; j < 20; j++) {
        const items = [];
        for (let k = 0; k < 5; k++) items.push(`job:${next++}`);
        p.lpush('jobs', ...items);
      }
      const res = await p.exec();
      expect(res!.every(([e, n]) => e === null && typeof n === 'number' && n >= 1)).toBe(true);
      if (b % 5 === 4) await sleep(5); // let the consumers drain a little
    }
    const pushedAt = Date.now();
    await Promise.all(loops);

    const all = got.flat();
    expect(all.length).toBe(N);
    expect(new Set(all).size).toBe(N);
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    // one queue, popped from the tail: each consumer sees its items in push order
    for (const g of got) for (let i = 1; i < g.length; i++) expect(g[i]).toBeGreaterThan(g[i - 1]);
    expect(await admin.exists('jobs')).toBe(0);
    // every consumer ended on its 0.5 s timeout once the queue was drained
    for (const e of ends) {
      expect(e - pushedAt).toBeGreaterThanOrEqual(400);
      expect(e - t0).toBeLessThan(15000);
    }
  });

  it('short timeouts racing with pushes on two shards: every item is delivered once or left in the queue', async () => {
    const [qa, qb] = keysInShards('race:', 2);
    const consumers = await Promise.all([conn(), conn(), conn()]);
    const producer = await conn();
    const got: string[] = [];
    let producing = true;
    let timeouts = 0;
    const loops = consumers.map(async (c, i) => {
      while (producing) {
        const r = i === 2 ? await c.blmove(qa, qb, 'RIGHT', 'LEFT', 0.01) : await c.brpop(i ? qb : qa, qa, 0.01);
        if (r === null) timeouts++;
        else if (typeof r === 'string') continue; // moved to qb: still in the system
        else got.push(r[1]);
      }
    });
    const pushed: string[] = [];
    for (let i = 0; i < 300; i++) {
      const item = `it${i}`;
      pushed.push(item);
      await producer.lpush(i % 3 ? qa : qb, item);
      if (i % 10 === 0) await sleep(7 + (i % 5)); // let some waits time out around the pushes
    }
    await sleep(50);
    producing = false;
    await Promise.all(loops);
    const left = [...(await admin.lrange(qa, 0, -1)), ...(await admin.lrange(qb, 0, -1))];
    const all = [...got, ...left];
    expect(all.length).toBe(pushed.length);
    expect(new Set(all)).toEqual(new Set(pushed));
    expect(timeouts).toBeGreaterThan(0);
  });

  it('work queue with node-redis consumers (blPop) and an ioredis producer', async () => {
    const N = 600;
    const consumers = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = createClient({ socket: { host: HOST, port: srv.port } });
        c.on('error', () => undefined);
        await c.connect();
        return c;
      }),
    );
    try {
      const producer = await conn();
      const got: string[] = [];
      const loops = consumers.map(async (c) => {
        for (;;) {
          const r = await c.blPop('nrjobs', 0.4);
          if (r === null) return;
          expect(r.key).toBe('nrjobs');
          got.push(r.element);
        }
      });
      await sleep(30);
      for (let b = 0; b < 6; b++) {
        const p = producer.pipeline();
        for (let j = 0; j < 100; j++) p.rpush('nrjobs', `t${b * 100 + j}`);
        await p.exec();
      }
      await Promise.all(loops);
      expect(got.length).toBe(N);
      expect(new Set(got).size).toBe(N);
    } finally {
      for (const c of consumers) c.destroy();
    }
  });

  // ---------------------------------------------------------------- semantics of a wait

  it('FIFO among blocked clients: the first to block is served first', async () => {
    const cs = await Promise.all([conn('fifo0'), conn('fifo1'), conn('fifo2')]);
    const pushes = await conn();
    const waits: Promise<[string, string] | null>[] = [];
    for (let i = 0; i < 3; i++) {
      waits.push(cs[i].blpop('fifo', 0));
      await blockedIn(`fifo${i}`, 'blpop', i + 1);
      await sleep(20);
    }
    for (let i = 0; i < 3; i++) {
      // the reply is the length before the waiter is served (which empties the list again)
      expect(await pushes.rpush('fifo', `item${i}`)).toBe(1);
      expect(await waits[i]).toEqual(['fifo', `item${i}`]);
    }
    expect(await admin.exists('fifo')).toBe(0);
  });

  it('a pushed batch goes to the waiters in order, the rest stays in the list', async () => {
    const cs = await Promise.all([conn('b0'), conn('b1')]);
    const w0 = cs[0].blpop('batch', 0);
    await blockedIn('b0', 'blpop', 1);
    await sleep(20);
    const w1 = cs[1].brpop('batch', 0);
    await blockedIn('b1', 'brpop', 2);
    await sleep(20);
    // RPUSH a b c d: the first waiter (BLPOP) takes the head, the second (BRPOP) the tail
    expect(await admin.rpush('batch', 'a', 'b', 'c', 'd')).toBe(4);
    expect(await w0).toEqual(['batch', 'a']);
    expect(await w1).toEqual(['batch', 'd']);
    expect(await admin.lrange('batch', 0, -1)).toEqual(['b', 'c']);
  });

  it('BLPOP with a 0.2 s timeout answers null after about 0.2 s', async () => {
    const c = await conn();
    const t = Date.now();
    expect(await c.blpop('empty', 0.2)).toBeNull();
    const took = Date.now() - t;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(1500);
    // and the connection works normally afterwards
    expect(await c.ping()).toBe('PONG');
    const t2 = Date.now();
    expect(await c.bzpopmin('emptyz', 0.1)).toBeNull();
    expect(Date.now() - t2).toBeGreaterThanOrEqual(80);
  });

  it('BLPOP with timeout 0 waits until a push, however long', async () => {
    const c = await conn('forever');
    const w = c.blpop('later', 0);
    await blockedIn('forever', 'blpop', 1);
    expect(await stillPending(w, 300)).toBe('pending');
    expect(await admin.lpush('later', 'finally')).toBe(1);
    expect(await w).toEqual(['later', 'finally']);
    expect(await admin.exists('later')).toBe(0);
  });

  it('a client that disconnects while blocked is not served: the next push is kept', async () => {
    const c = await conn('leaver');
    const w = c.blpop('orphan', 0).catch((e: Error) => e);
    await blockedIn('leaver', 'blpop', 1);
    c.disconnect();
    await w;
    await waitUntil(async () => !String(await admin.client('LIST')).includes(' name=leaver '), 3000);
    expect(await admin.lpush('orphan', 'precious')).toBe(1);
    expect(await admin.llen('orphan')).toBe(1);
    expect(await admin.lpop('orphan')).toBe('precious');

    // a disconnect in the middle of a queue of waiters: the next waiter gets the item
    const [a, b] = await Promise.all([conn('qa'), conn('qb')]);
    const wa = a.blpop('orphan', 0).catch((e: Error) => e);
    await blockedIn('qa', 'blpop', 1);
    await sleep(20);
    const wb = b.blpop('orphan', 0);
    await blockedIn('qb', 'blpop', 2);
    a.disconnect();
    await wa;
    await waitUntil(async () => !String(await admin.client('LIST')).includes(' name=qa '), 3000);
    expect(await admin.rpush('orphan', 'x')).toBe(1);
    expect(await wb).toEqual(['orphan', 'x']);
    expect(await admin.exists('orphan')).toBe(0);
  });

  it('BLPOP on keys in two different shards is served exactly once', async () => {
    const [k0, k1] = keysInShards('bq:', 2);
    if (!againstRedis) expect(shardOf(k0)).not.toBe(shardOf(k1));
    const c = await conn('two');
    const p0 = await conn();
    const p1 = await conn();
    for (let round = 0; round < 20; round++) {
      const w = c.blpop(k0, k1, 0);
      await blockedIn('two', 'blpop', 1);
      // two producers push to both keys at the same time
      const [n0, n1] = await Promise.all([p0.rpush(k0, `a${round}`), p1.rpush(k1, `b${round}`)]);
      expect(n0 + n1).toBeGreaterThanOrEqual(1);
      const r = await w;
      expect([JSON.stringify([k0, `a${round}`]), JSON.stringify([k1, `b${round}`])]).toContain(JSON.stringify(r));
      // the other element is still there: exactly one was consumed
      expect((await admin.llen(k0)) + (await admin.llen(k1))).toBe(1);
      await admin.del(k0, k1);
    }
    // with data already waiting, the first key given wins
    await admin.rpush(k1, 'one');
    await admin.rpush(k0, 'zero');
    expect(await c.blpop(k1, k0, 0)).toEqual([k1, 'one']);
    expect(await c.blpop(k1, k0, 0)).toEqual([k0, 'zero']);
  });

  it('BLMOVE and BRPOPLPUSH between keys in different shards', async () => {
    const [src, dst] = keysInShards('mv:', 2);
    if (!againstRedis) expect(shardOf(src)).not.toBe(shardOf(dst));
    const c = await conn('mover');
    const w = c.blmove(src, dst, 'RIGHT', 'LEFT', 0);
    await blockedIn('mover', 'blmove', 1);
    expect(await admin.rpush(src, 'x')).toBe(1);
    expect(await w).toBe('x');
    expect(await admin.exists(src)).toBe(0);
    expect(await admin.lrange(dst, 0, -1)).toEqual(['x']);

    // the moved element wakes a client blocked on the destination
    const d = await conn('dstwaiter');
    const wd = d.blpop(dst + ':2', 0);
    await blockedIn('dstwaiter', 'blpop', 1);
    const w2 = c.brpoplpush(src, dst + ':2', 0);
    await blockedIn('mover', 'brpoplpush', 2);
    expect(await admin.lpush(src, 'y')).toBe(1);
    expect(await w2).toBe('y');
    expect(await wd).toEqual([dst + ':2', 'y']);
    expect(await admin.exists(src, dst + ':2')).toBe(0);

    // with data present: no wait at all
    await admin.rpush(src, '1', '2', '3');
    expect(await c.blmove(src, dst, 'LEFT', 'RIGHT', 1)).toBe('1');
    expect(await admin.lrange(dst, 0, -1)).toEqual(['x', '1']);
    expect(await c.blmove('nothing', dst, 'LEFT', 'RIGHT', 0.05)).toBeNull();
  });

  it('BLMPOP waits, then pops up to COUNT from the first non-empty key', async () => {
    const [k0, k1] = keysInShards('mp:', 2);
    const c = await conn('mpop');
    const w = c.blmpop(0, 2, k0, k1, 'LEFT', 'COUNT', 3);
    await blockedIn('mpop', 'blmpop', 1);
    expect(await admin.rpush(k1, 'a', 'b', 'c', 'd')).toBe(4);
    expect(await w).toEqual([k1, ['a', 'b', 'c']]);
    expect(await admin.lrange(k1, 0, -1)).toEqual(['d']);
    expect(await c.blmpop(0.05, 1, k0, 'RIGHT')).toBeNull();
  });

  it('BZPOPMIN waits for a ZADD; BZPOPMAX and BZMPOP too', async () => {
    const c = await conn('zwait');
    const w = c.bzpopmin('prio', 0);
    await blockedIn('zwait', 'bzpopmin', 1);
    expect(await admin.zadd('prio', 5, 'low', 1, 'urgent', 3, 'mid')).toBe(3);
    expect(await w).toEqual(['prio', 'urgent', '1']);
    expect(await admin.zrange('prio', 0, -1)).toEqual(['mid', 'low']);

    const w2 = c.bzpopmax('prio2', 0);
    await blockedIn('zwait', 'bzpopmax', 1);
    await admin.zadd('prio2', 2.5, 'a', 7.25, 'b');
    expect(await w2).toEqual(['prio2', 'b', '7.25']);

    const [z0, z1] = keysInShards('zm:', 2);
    const w3 = c.bzmpop(0, 2, z0, z1, 'MIN', 'COUNT', 2);
    await blockedIn('zwait', 'bzmpop', 1);
    await admin.zadd(z1, 3, 'c', 1, 'a', 2, 'b');
    expect(await w3).toEqual([z1, [['a', '1'], ['b', '2']]]);
    expect(await admin.zcard(z1)).toBe(1);
  });

  // ---------------------------------------------------------------- what wakes a waiter

  /** The reply of a wait that `what` should have ended; fails (after 2 s) if it is still pending. */
  async function servedBy<T>(w: Promise<T>, what: string): Promise<T> {
    const r = await stillPending(w, 2000);
    if (r === 'pending') throw new Error(`the waiter was not woken by ${what}`);
    return r as T;
  }

  it('RENAME onto an awaited key wakes the waiter', async () => {
    const c = await conn('wake');
    const w = c.blpop('wk:list', 0);
    await blockedIn('wake', 'blpop', 1);
    await admin.rpush('wk:tmp', 'renamed');
    expect(await admin.rename('wk:tmp', 'wk:list')).toBe('OK');
    expect(await servedBy(w, 'RENAME')).toEqual(['wk:list', 'renamed']);
  });

  it('RENAMENX onto an awaited key wakes the waiter', async () => {
    const c = await conn('wake');
    const w = c.bzpopmin('wk:z', 0);
    await blockedIn('wake', 'bzpopmin', 1);
    await admin.zadd('wk:tmp', 1, 'one');
    expect(await admin.renamenx('wk:tmp', 'wk:z')).toBe(1);
    expect(await servedBy(w, 'RENAMENX')).toEqual(['wk:z', 'one', '1']);
  });

  it('COPY onto an awaited key wakes the waiter', async () => {
    const c = await conn('wake');
    const w = c.brpop('wk:list', 0);
    await blockedIn('wake', 'brpop', 1);
    await admin.rpush('wk:orig', 'a', 'b');
    expect(await admin.copy('wk:orig', 'wk:list')).toBe(1);
    expect(await servedBy(w, 'COPY')).toEqual(['wk:list', 'b']);
    expect(await admin.lrange('wk:list', 0, -1)).toEqual(['a']);
  });

  it('MOVE into the db of an awaited key wakes the waiter', async () => {
    const c = await conn('wake');
    await c.select(1);
    const w = c.blpop('wk:list', 0);
    await blockedIn('wake', 'blpop', 1);
    await admin.rpush('wk:list', 'moved');
    expect(await admin.move('wk:list', 1)).toBe(1);
    expect(await servedBy(w, 'MOVE')).toEqual(['wk:list', 'moved']);
  });

  it('LMOVE into an awaited key wakes the waiter', async () => {
    const c = await conn('wake');
    const w = c.blpop('wk:list', 0);
    await blockedIn('wake', 'blpop', 1);
    await admin.rpush('wk:orig', 'a');
    expect(await admin.lmove('wk:orig', 'wk:list', 'LEFT', 'RIGHT')).toBe('a');
    expect(await servedBy(w, 'LMOVE')).toEqual(['wk:list', 'a']);
  });

  it('ZUNIONSTORE / ZRANGESTORE / ZADD INCR into an awaited sorted set wake the waiter', async () => {
    const c = await conn('wake');
    let w: Promise<unknown> = c.bzpopmin('wk:z', 0);
    await blockedIn('wake', 'bzpopmin', 1);
    await admin.zadd('wk:zsrc', 4, 'four', 2, 'two');
    expect(await admin.zunionstore('wk:z', 1, 'wk:zsrc')).toBe(2);
    expect(await servedBy(w, 'ZUNIONSTORE')).toEqual(['wk:z', 'two', '2']);
    w = c.bzpopmax('wk:z3', 0);
    await blockedIn('wake', 'bzpopmax', 1);
    expect(await admin.zrangestore('wk:z3', 'wk:zsrc', 0, -1)).toBe(2);
    expect(await servedBy(w, 'ZRANGESTORE')).toEqual(['wk:z3', 'four', '4']);
    w = c.bzpopmax('wk:z2', 0);
    await blockedIn('wake', 'bzpopmax', 1);
    expect(await admin.zadd('wk:z2', 'INCR', 9, 'nine')).toBe('9');
    expect(await servedBy(w, 'ZADD INCR')).toEqual(['wk:z2', 'nine', '9']);
  });

  it('SWAPDB bringing a list into the awaited db wakes the waiter', async () => {
    const c = await conn('wake');
    const w = c.blpop('wk:swap', 0);
    await blockedIn('wake', 'blpop', 1);
    const d1 = await conn();
    await d1.select(1);
    await d1.rpush('wk:swap', 'from db1');
    expect(await admin.swapdb(0, 1)).toBe('OK');
    expect(await servedBy(w, 'SWAPDB')).toEqual(['wk:swap', 'from db1']);
  });

  it('a waiter is not woken by another type, another db, or an empty result; SELECTed dbs are separate', async () => {
    const c = await conn('picky');
    const w = c.blpop('pk', 0);
    await blockedIn('picky', 'blpop', 1);
    // a string under the awaited name, then gone again: still waiting
    await admin.set('pk', 'str');
    await admin.del('pk');
    // the same key name in another db
    const other = await conn();
    await other.select(1);
    expect(await other.rpush('pk', 'db1')).toBe(1);
    // a store that produces nothing creates no key
    await admin.zunionstore('pk', 1, 'nothing');
    expect(await stillPending(w, 150)).toBe('pending');
    expect(await other.llen('pk')).toBe(1);
    expect(await admin.rpush('pk', 'db0')).toBe(1);
    expect(await w).toEqual(['pk', 'db0']);

    // a waiter in db 1
    const c1 = await conn('picky1');
    await c1.select(1);
    await other.del('pk');
    const w1 = c1.blpop('pk', 0);
    await blockedIn('picky1', 'blpop', 1);
    await admin.rpush('pk', 'wrong db');
    expect(await stillPending(w1, 100)).toBe('pending');
    await other.rpush('pk', 'right db');
    expect(await w1).toEqual(['pk', 'right db']);
    expect(await admin.lrange('pk', 0, -1)).toEqual(['wrong db']);
  });

  it('BLMOVE whose destination holds another type: the waiter gets WRONGTYPE, the element stays', async () => {
    const c = await conn('wt');
    await admin.set('wt:dst', 'a string');
    const w = c.blmove('wt:src', 'wt:dst', 'LEFT', 'RIGHT', 0).then(
      (v) => v,
      (e: Error) => e,
    );
    await blockedIn('wt', 'blmove', 1);
    expect(await admin.rpush('wt:src', 'x')).toBe(1);
    const r = await w;
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/^WRONGTYPE /);
    expect(await admin.lrange('wt:src', 0, -1)).toEqual(['x']);
    expect(await admin.get('wt:dst')).toBe('a string');
    expect(await c.ping()).toBe('PONG');
  });

  it('commands pipelined behind a blocked BLPOP run after it is served, in order', async () => {
    const c = await rawClient(srv.port);
    try {
      c.write(encodeCommand(['CLIENT', 'SETNAME', 'piped']));
      expect((await c.readReply()).toString()).toBe('+OK\r\n');
      c.write(Buffer.concat([encodeCommand(['BLPOP', 'pp', '0']), encodeCommand(['PING']), encodeCommand(['LLEN', 'pp'])]));
      await blockedIn('piped', 'blpop', 1);
      await sleep(50);
      expect(c.repliesReceived()).toBe(1); // only CLIENT SETNAME's
      expect(await admin.rpush('pp', 'x', 'y')).toBe(2);
      const [pop, pong, len] = await c.readReplies(3);
      expect(pop.toString()).toBe('*2\r\n$2\r\npp\r\n$1\r\nx\r\n');
      expect(pong.toString()).toBe('+PONG\r\n');
      expect(len.toString()).toBe(':1\r\n');
    } finally {
      c.destroy();
    }
  });

  it('CLIENT KILL of a blocked client cancels its wait; 40 short timeouts all fire', async () => {
    const c = await conn('victim');
    const w = c.blpop('kq', 0).catch((e: Error) => e);
    await blockedIn('victim', 'blpop', 1);
    const id = String(await admin.client('LIST')).split('\n').find((l) => l.includes(' name=victim '))!.match(/^id=(\d+)/)![1];
    expect(await admin.client('KILL', 'ID', id)).toBe(1);
    await w;
    expect(await admin.rpush('kq', 'kept')).toBe(1);
    expect(await admin.lrange('kq', 0, -1)).toEqual(['kept']);

    const many = await Promise.all(Array.from({ length: 40 }, () => conn()));
    const t = Date.now();
    const res = await Promise.all(many.map((m, i) => (i % 2 ? m.blpop(`tq${i}`, 0.15) : m.bzpopmin(`tz${i}`, 0.15))));
    expect(res.every((r) => r === null)).toBe(true);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t).toBeLessThan(3000);
  });

  it('one RPUSH of 30 elements serves 30 waiters, one each, in the order they blocked; FLUSHALL keeps them waiting', async () => {
    const cs = await Promise.all(Array.from({ length: 30 }, (_, i) => conn(`w${i}`)));
    const waits: Promise<[string, string] | null>[] = [];
    for (let i = 0; i < 30; i++) {
      waits.push(cs[i].blpop('many', 0));
      await blockedIn(`w${i}`, 'blpop', i + 1);
    }
    expect(await admin.flushall()).toBe('OK');
    expect(await stillPending(Promise.race(waits), 50)).toBe('pending');
    expect(await admin.rpush('many', ...Array.from({ length: 35 }, (_, i) => `e${i}`))).toBe(35);
    const got = await Promise.all(waits);
    expect(got).toEqual(Array.from({ length: 30 }, (_, i) => ['many', `e${i}`]));
    expect(await admin.lrange('many', 0, -1)).toEqual(['e30', 'e31', 'e32', 'e33', 'e34']);
  });

  it('LMOVE / SMOVE ping-pong between shards from 4 connections: nothing lost or duplicated', async () => {
    const [a, b] = keysInShards('pp:', 2);
    const [sa, sb] = keysInShards('ps:', 2);
    await admin.rpush(a, ...Array.from({ length: 50 }, (_, i) => `l${i}`));
    await admin.sadd(sa, ...Array.from({ length: 50 }, (_, i) => `s${i}`));
    const cs = await Promise.all([conn(), conn(), conn(), conn()]);
    await Promise.all(
      cs.map(async (c, ci) => {
        for (let round = 0; round < 100; round++) {
          const p = c.pipeline();
          for (let j = 0; j < 5; j++) {
            if ((round + ci + j) % 2) p.lmove(a, b, 'LEFT', 'RIGHT');
            else p.lmove(b, a, 'RIGHT', 'LEFT');
            p.smove(round % 2 ? sa : sb, round % 2 ? sb : sa, `s${(round * 7 + ci * 13 + j) % 50}`);
          }
          const res = await p.exec();
          for (const [e] of res!) expect(e).toBeNull();
        }
      }),
    );
    const lists = [...(await admin.lrange(a, 0, -1)), ...(await admin.lrange(b, 0, -1))];
    expect(lists.length).toBe(50);
    expect(new Set(lists).size).toBe(50);
    const sets = [...(await admin.smembers(sa)), ...(await admin.smembers(sb))];
    expect(sets.length).toBe(50);
    expect(new Set(sets).size).toBe(50);
  });

  it('node-redis: blPop / brPop / bzPopMin / blMove reply shapes', async () => {
    const nr = createClient({ socket: { host: HOST, port: srv.port } });
    nr.on('error', () => undefined);
    await nr.connect();
    try {
      const w = nr.blPop('nr:q', 0);
      await sleep(50);
      await admin.rpush('nr:q', 'v');
      expect(await w).toEqual({ key: 'nr:q', element: 'v' });
      expect(await nr.brPop('nr:q', 0.05)).toBeNull();
      const wz = nr.bzPopMin('nr:z', 0);
      await sleep(50);
      await admin.zadd('nr:z', 1.5, 'm');
      expect(await wz).toEqual({ key: 'nr:z', value: 'm', score: 1.5 });
      const wm = nr.blMove('nr:src', 'nr:dst', 'LEFT', 'RIGHT', 0);
      await sleep(50);
      await admin.rpush('nr:src', 'moved');
      expect(await wm).toBe('moved');
      expect(await admin.lrange('nr:dst', 0, -1)).toEqual(['moved']);
    } finally {
      nr.destroy();
    }
  });
});
