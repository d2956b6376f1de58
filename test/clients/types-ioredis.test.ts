/**
 * ioredis 6 with its DEFAULT options (RESP3 via HELLO 3, legacy reply mapping: doubles arrive
 * as strings, maps as flat arrays turned into objects by HGETALL) against a live Spindle: the
 * hash, list, set and sorted-set use cases end to end.
 *
 * TEST_AGAINST_REDIS=1 runs the same tests against a real redis-server.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST, sleep, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, keysInShards, rejection, shardOf, startTarget, WRONGTYPE } from '../helpers/types-kit.js';

describe(`ioredis@6 (default options): hashes, lists, sets, sorted sets against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let redis: Redis;

  beforeAll(async () => {
    srv = await startTarget();
    redis = new Redis({ host: HOST, port: srv.port });
    redis.on('error', () => undefined); // surfaced through command promises
    await redis.ping();
  }, 60000);

  afterAll(async () => {
    redis?.disconnect();
    await srv?.close();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  it('talks RESP3', async () => {
    expect(String(await redis.client('INFO'))).toMatch(/(^| )resp=3( |$|\n)/);
  });

  // ---------------------------------------------------------------- leaderboard

  it('leaderboard: ZADD / ZINCRBY / ZREVRANGE WITHSCORES / ZREVRANK / ZSCORE / ZCARD (scores are strings)', async () => {
    expect(await redis.zadd('lb', 100, 'alice', 250, 'bob', 175, 'carol', 90, 'dave')).toBe(4);
    expect(await redis.zadd('lb', 95, 'dave')).toBe(0); // an update
    expect(await redis.zcard('lb')).toBe(4);

    // ZINCRBY answers the new score; under RESP3 it is a double, which ioredis hands over as a string
    expect(await redis.zincrby('lb', 30, 'alice')).toBe('130');
    expect(await redis.zincrby('lb', 0.5, 'alice')).toBe('130.5');
    expect(await redis.zincrby('lb', 10, 'erin')).toBe('10'); // a new player
    expect(await redis.zscore('lb', 'bob')).toBe('250');
    expect(await redis.zscore('lb', 'alice')).toBe('130.5');
    expect(await redis.zscore('lb', 'nobody')).toBeNull();
    expect(await redis.zmscore('lb', 'bob', 'nobody', 'dave')).toEqual(['250', null, '95']);

    expect(await redis.zrevrange('lb', 0, 2)).toEqual(['bob', 'carol', 'alice']);
    expect(await redis.zrevrange('lb', 0, 2, 'WITHSCORES')).toEqual(['bob', '250', 'carol', '175', 'alice', '130.5']);
    expect(await redis.zrange('lb', 0, -1, 'REV', 'WITHSCORES')).toEqual(['bob', '250', 'carol', '175', 'alice', '130.5', 'dave', '95', 'erin', '10']);

    expect(await redis.zrevrank('lb', 'bob')).toBe(0);
    expect(await redis.zrevrank('lb', 'alice')).toBe(2);
    expect(await redis.zrank('lb', 'alice')).toBe(2);
    expect(await redis.zrank('lb', 'erin')).toBe(0);
    expect(await redis.zrevrank('lb', 'nobody')).toBeNull();
    expect(await redis.zrevrank('missing', 'x')).toBeNull();
    expect(await redis.zcard('lb')).toBe(5);
    expect(await redis.zcard('missing')).toBe(0);
  });

  it('leaderboard: ZRANGE BYSCORE LIMIT, exclusive bounds, ZCOUNT, ZRANGEBYSCORE', async () => {
    const args: (string | number)[] = [];
    for (let i = 1; i <= 20; i++) args.push(i * 10, `p${i}`);
    expect(await redis.zadd('lb', ...args)).toBe(20);

    expect(await redis.zrange('lb', 50, 100, 'BYSCORE')).toEqual(['p5', 'p6', 'p7', 'p8', 'p9', 'p10']);
    expect(await redis.zrange('lb', 50, 100, 'BYSCORE', 'LIMIT', 1, 3)).toEqual(['p6', 'p7', 'p8']);
    expect(await redis.zrange('lb', '(50', '(100', 'BYSCORE', 'LIMIT', 0, 2, 'WITHSCORES')).toEqual(['p6', '60', 'p7', '70']);
    expect(await redis.zrange('lb', '+inf', 150, 'BYSCORE', 'REV', 'LIMIT', 0, 3)).toEqual(['p20', 'p19', 'p18']);
    expect(await redis.zrange('lb', '-inf', '+inf', 'BYSCORE', 'LIMIT', 18, 10)).toEqual(['p19', 'p20']);
    expect(await redis.zrange('lb', 1000, 2000, 'BYSCORE')).toEqual([]);
    expect(await redis.zrangebyscore('lb', 195, '+inf', 'WITHSCORES')).toEqual(['p20', '200']);
    expect(await redis.zrevrangebyscore('lb', 30, 10)).toEqual(['p3', 'p2', 'p1']);
    expect(await redis.zcount('lb', 100, '(150')).toBe(5);
    expect(await redis.zcount('lb', '-inf', '+inf')).toBe(20);

    const err = await rejection(redis.zrange('lb', 'x', 10, 'BYSCORE'));
    expect(err.message).toBe('ERR min or max is not a float');
  });

  it('leaderboard: best scores only (ZADD GT CH), ties ordered by member, pops', async () => {
    expect(await redis.zadd('best', 'GT', 'CH', 50, 'a', 70, 'b')).toBe(2);
    expect(await redis.zadd('best', 'GT', 'CH', 40, 'a', 80, 'b', 60, 'c')).toBe(2); // b improved, c added
    expect(await redis.zrange('best', 0, -1, 'WITHSCORES')).toEqual(['a', '50', 'c', '60', 'b', '80']);
    expect(await redis.zadd('best', 'XX', 'INCR', 5, 'nobody')).toBeNull();
    expect(await redis.zadd('best', 'INCR', 5, 'a')).toBe('55');
    expect((await rejection(redis.zadd('best', 'NX', 'XX', 1, 'a'))).message).toBe('ERR XX and NX options at the same time are not compatible');
    expect((await rejection(redis.zadd('best', 'GT', 'LT', 1, 'a'))).message).toBe(
      'ERR GT, LT, and/or NX options at the same time are not compatible',
    );

    expect(await redis.zadd('tie', 1, 'b', 1, 'a', 1, 'c')).toBe(3);
    expect(await redis.zrange('tie', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await redis.zrevrange('tie', 0, -1)).toEqual(['c', 'b', 'a']);

    expect(await redis.zpopmax('best')).toEqual(['b', '80']);
    expect(await redis.zpopmin('best', 5)).toEqual(['a', '55', 'c', '60']);
    expect(await redis.exists('best')).toBe(0);
    expect(await redis.zpopmin('best')).toEqual([]);
  });

  it('leaderboard: 1000 players pipelined; the top 10 and ranks match a JS sort', async () => {
    const players: { name: string; score: number }[] = [];
    for (let i = 0; i < 1000; i++) players.push({ name: `player:${i}`, score: (i * 7919) % 1009 + (i % 4) / 4 });
    const p = redis.pipeline();
    for (const pl of players) p.zadd('lb', pl.score, pl.name);
    const res = await p.exec();
    expect(res!.every(([e, v]) => e === null && v === 1)).toBe(true);
    const bumps = redis.pipeline();
    for (let i = 0; i < 1000; i += 10) bumps.zincrby('lb', 100, `player:${i}`);
    await bumps.exec();
    for (let i = 0; i < 1000; i += 10) players[i].score += 100;

    const want = [...players].sort((a, b) => b.score - a.score || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    const top = await redis.zrevrange('lb', 0, 9, 'WITHSCORES');
    expect(top).toEqual(want.slice(0, 10).flatMap((pl) => [pl.name, String(pl.score)]));
    for (const i of [0, 1, 500, 999]) {
      expect(await redis.zrevrank('lb', want[i].name)).toBe(i);
      expect(Number(await redis.zscore('lb', want[i].name))).toBe(want[i].score);
    }
    expect(await redis.zcard('lb')).toBe(1000);
  });

  // ---------------------------------------------------------------- session store

  it('session store: HSET / HGETALL (an object) / HGET / HINCRBY / EXPIRE + TTL / HDEL / DEL', async () => {
    const sid = 'session:8f3a';
    expect(await redis.hset(sid, { user: 'u42', role: 'admin', views: '0', csrf: 'tok' })).toBe(4);
    expect(await redis.hset(sid, 'lastSeen', '1700000000', 'role', 'editor')).toBe(1);
    expect(await redis.hgetall(sid)).toEqual({ user: 'u42', role: 'editor', views: '0', csrf: 'tok', lastSeen: '1700000000' });
    expect(await redis.hget(sid, 'user')).toBe('u42');
    expect(await redis.hget(sid, 'nope')).toBeNull();
    expect(await redis.hmget(sid, 'user', 'nope', 'role')).toEqual(['u42', null, 'editor']);
    expect(await redis.hincrby(sid, 'views', 1)).toBe(1);
    expect(await redis.hincrby(sid, 'views', 10)).toBe(11);
    expect(await redis.hincrbyfloat(sid, 'score', 1.5)).toBe('1.5');
    expect(await redis.hlen(sid)).toBe(6);
    expect(await redis.hexists(sid, 'csrf')).toBe(1);

    expect(await redis.ttl(sid)).toBe(-1);
    expect(await redis.expire(sid, 1800)).toBe(1);
    const ttl = await redis.ttl(sid);
    expect(ttl).toBeGreaterThanOrEqual(1799);
    expect(ttl).toBeLessThanOrEqual(1800);
    // field writes keep the key's TTL
    expect(await redis.hset(sid, 'views', '12')).toBe(0);
    expect(await redis.ttl(sid)).toBeGreaterThan(1790);

    expect(await redis.hdel(sid, 'csrf', 'nope')).toBe(1);
    expect(await redis.hexists(sid, 'csrf')).toBe(0);
    expect(Object.keys(await redis.hgetall(sid)).sort()).toEqual(['lastSeen', 'role', 'score', 'user', 'views']);
    expect(await redis.hkeys(sid)).toEqual(['user', 'role', 'views', 'lastSeen', 'score']);
    expect(await redis.hvals(sid)).toEqual(['u42', 'editor', '12', '1700000000', '1.5']);

    expect(await redis.del(sid)).toBe(1);
    expect(await redis.hgetall(sid)).toEqual({});
    expect(await redis.ttl(sid)).toBe(-2);
    expect(await redis.hdel(sid, 'user')).toBe(0);
  });

  it('session store: a session expires as a whole; emptied hashes vanish', async () => {
    await redis.hset('s:short', { user: 'u1' });
    expect(await redis.pexpire('s:short', 80)).toBe(1);
    expect(await redis.hget('s:short', 'user')).toBe('u1');
    await sleep(200);
    expect(await redis.hgetall('s:short')).toEqual({});
    expect(await redis.exists('s:short')).toBe(0);

    await redis.hset('s:one', 'only', 'field');
    expect(await redis.hdel('s:one', 'only')).toBe(1);
    expect(await redis.exists('s:one')).toBe(0);
    expect(await redis.type('s:one')).toBe('none');
  });

  it('session store: binary values, big sessions (hashtable), errors', async () => {
    const blob = Buffer.from([0, 1, 2, 13, 10, 255, 254]);
    await redis.hset('s:bin', 'blob', blob);
    expect(Buffer.compare((await redis.hgetBuffer('s:bin', 'blob'))!, blob)).toBe(0);
    expect(await redis.hstrlen('s:bin', 'blob')).toBe(7);

    const big: Record<string, string> = {};
    for (let i = 0; i < 500; i++) big[`field:${i}`] = `value:${i}`.repeat(i % 5 + 1);
    expect(await redis.hset('s:big', big)).toBe(500);
    expect(await redis.hgetall('s:big')).toEqual(big);
    expect(await redis.hlen('s:big')).toBe(500);
    expect(await redis.hget('s:big', 'field:499')).toBe(big['field:499']);

    await redis.hset('s:n', 'txt', 'abc');
    expect((await rejection(redis.hincrby('s:n', 'txt', 1))).message).toBe('ERR hash value is not an integer');
    expect((await rejection(redis.hincrbyfloat('s:n', 'txt', 1))).message).toBe('ERR hash value is not a float');
    await redis.set('plain', 'x');
    expect((await rejection(redis.hset('plain', 'f', 'v'))).message).toBe(WRONGTYPE);
    expect((await rejection(redis.hgetall('plain'))).message).toBe(WRONGTYPE);
  });

  // ---------------------------------------------------------------- tagging

  it('tagging: SADD / SMEMBERS / SISMEMBER / SCARD / SREM', async () => {
    expect(await redis.sadd('tags:post:1', 'redis', 'node', 'db', 'redis')).toBe(3);
    expect((await redis.smembers('tags:post:1')).sort()).toEqual(['db', 'node', 'redis']);
    expect(await redis.sismember('tags:post:1', 'node')).toBe(1);
    expect(await redis.sismember('tags:post:1', 'go')).toBe(0);
    expect(await redis.smismember('tags:post:1', 'go', 'db')).toEqual([0, 1]);
    expect(await redis.scard('tags:post:1')).toBe(3);
    expect(await redis.srem('tags:post:1', 'db', 'nope')).toBe(1);
    expect(await redis.scard('tags:post:1')).toBe(2);
    expect(await redis.smembers('missing')).toEqual([]);
    expect(await redis.scard('missing')).toBe(0);
    // integer tags (an intset) come back sorted
    expect(await redis.sadd('ids', 30, 10, 20)).toBe(3);
    expect(await redis.smembers('ids')).toEqual(['10', '20', '30']);
  });

  it('tagging: SINTER / SUNION / SDIFF / SINTERCARD / SINTERSTORE across shards', async () => {
    const [k0, k1, k2, k3] = keysInShards('tag:', 4);
    if (!againstRedis) expect([shardOf(k0), shardOf(k1), shardOf(k2), shardOf(k3)]).toEqual([0, 1, 0, 1]);
    await redis.sadd(k0, 'a', 'b', 'c', 'd');
    await redis.sadd(k1, 'b', 'c', 'd', 'e');
    await redis.sadd(k2, 'c', 'd', 'z');
    expect((await redis.sinter(k0, k1)).sort()).toEqual(['b', 'c', 'd']);
    expect((await redis.sinter(k0, k1, k2)).sort()).toEqual(['c', 'd']);
    expect(await redis.sinter(k0, 'missing')).toEqual([]);
    expect((await redis.sunion(k0, k1, k2)).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    expect((await redis.sdiff(k0, k1)).sort()).toEqual(['a']);
    expect(await redis.sintercard(3, k0, k1, k2)).toBe(2);
    expect(await redis.sintercard(2, k0, k1, 'LIMIT', 1)).toBe(1);
    expect(await redis.sinterstore(k3, k0, k1, k2)).toBe(2);
    expect((await redis.smembers(k3)).sort()).toEqual(['c', 'd']);
    expect(await redis.scard(k3)).toBe(2);
    expect(await redis.smove(k0, k3, 'a')).toBe(1);
    expect(await redis.sismember(k3, 'a')).toBe(1);
    expect(await redis.sismember(k0, 'a')).toBe(0);
  });

  it('tagging: posts by tag, 200 posts × 3 tags, intersections match JS', async () => {
    const tags = ['js', 'ts', 'db', 'ops', 'web'];
    const byTag = new Map<string, Set<string>>(tags.map((t) => [t, new Set()]));
    const p = redis.pipeline();
    for (let i = 0; i < 200; i++) {
      for (let j = 0; j < 3; j++) {
        const t = tags[(i * (j + 1) + j) % tags.length];
        byTag.get(t)!.add(`post:${i}`);
        p.sadd(`bytag:${t}`, `post:${i}`);
      }
    }
    await p.exec();
    for (const t of tags) expect(await redis.scard(`bytag:${t}`)).toBe(byTag.get(t)!.size);
    const inter = [...byTag.get('js')!].filter((x) => byTag.get('db')!.has(x)).sort();
    expect((await redis.sinter('bytag:js', 'bytag:db')).sort()).toEqual(inter);
    const srand = await redis.srandmember('bytag:ts', 5);
    expect(new Set(srand).size).toBe(Math.min(5, byTag.get('ts')!.size));
    for (const m of srand) expect(byTag.get('ts')!.has(m)).toBe(true);
  });

  // ---------------------------------------------------------------- lists (non-blocking)

  it('lists: a capped activity feed (LPUSH + LTRIM), LRANGE, LPOS, LINDEX, LMOVE', async () => {
    for (let i = 0; i < 30; i++) {
      const [[e1, n], [e2, ok]] = (await redis.pipeline().lpush('feed', `ev${i}`).ltrim('feed', 0, 9).exec())!;
      expect([e1, e2]).toEqual([null, null]);
      expect(n).toBe(Math.min(i + 1, 11));
      expect(ok).toBe('OK');
    }
    expect(await redis.llen('feed')).toBe(10);
    expect(await redis.lrange('feed', 0, 2)).toEqual(['ev29', 'ev28', 'ev27']);
    expect(await redis.lindex('feed', -1)).toBe('ev20');
    expect(await redis.lpos('feed', 'ev25')).toBe(4);
    expect(await redis.lpos('feed', 'nope')).toBeNull();
    expect(await redis.rpop('feed', 2)).toEqual(['ev20', 'ev21']);
    expect(await redis.lmove('feed', 'archive', 'RIGHT', 'LEFT')).toBe('ev22');
    expect(await redis.lrange('archive', 0, -1)).toEqual(['ev22']);
    expect(await redis.lmpop(2, 'nothing', 'feed', 'LEFT', 'COUNT', 2)).toEqual(['feed', ['ev29', 'ev28']]);
    expect(await redis.lmpop(1, 'nothing', 'LEFT')).toBeNull();
  });
});
