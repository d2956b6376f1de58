/**
 * node-redis (redis@6) with its DEFAULT options (RESP3 via HELLO 3: doubles arrive as JS
 * numbers, maps as objects, sets as arrays) against a live Spindle: the hash, list, set and
 * sorted-set use cases end to end.
 *
 * TEST_AGAINST_REDIS=1 runs the same tests against a real redis-server.
 */
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST, sleep, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, keysInShards, rejection, shardOf, startTarget, WRONGTYPE } from '../helpers/types-kit.js';

function makeClient(port: number) {
  return createClient({ socket: { host: HOST, port } });
}

describe(`node-redis (redis@6, default options): hashes, lists, sets, sorted sets against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let client: ReturnType<typeof makeClient>;
  const clientErrors: Error[] = [];

  beforeAll(async () => {
    srv = await startTarget();
    client = makeClient(srv.port);
    client.on('error', (e: Error) => clientErrors.push(e));
    await client.connect();
  }, 60000);

  afterAll(async () => {
    client?.destroy();
    await srv?.close();
  });

  beforeEach(async () => {
    await client.flushAll();
  });

  it('talks RESP3', async () => {
    expect((await client.clientInfo()).resp).toBe(3);
  });

  // ---------------------------------------------------------------- leaderboard

  it('leaderboard: zAdd / zIncrBy / ZREVRANGE WITHSCORES / zRevRank / zScore / zCard (scores are numbers)', async () => {
    expect(await client.zAdd('lb', [
      { score: 100, value: 'alice' }, { score: 250, value: 'bob' }, { score: 175, value: 'carol' }, { score: 90, value: 'dave' },
    ])).toBe(4);
    expect(await client.zCard('lb')).toBe(4);
    // RESP3 doubles: node-redis gives JS numbers
    expect(await client.zIncrBy('lb', 30, 'alice')).toBe(130);
    expect(await client.zIncrBy('lb', 0.25, 'alice')).toBe(130.25);
    expect(await client.zScore('lb', 'bob')).toBe(250);
    expect(await client.zScore('lb', 'alice')).toBe(130.25);
    expect(await client.zScore('lb', 'nobody')).toBeNull();
    expect(await client.zmScore('lb', ['bob', 'nobody'])).toEqual([250, null]);

    expect(await client.zRangeWithScores('lb', 0, 2, { REV: true })).toEqual([
      { value: 'bob', score: 250 }, { value: 'carol', score: 175 }, { value: 'alice', score: 130.25 },
    ]);
    // the raw reply: RESP3 [member, score] pairs with double scores
    expect(await client.sendCommand(['ZREVRANGE', 'lb', '0', '1', 'WITHSCORES'])).toEqual([['bob', 250], ['carol', 175]]);
    expect(await client.sendCommand(['ZRANGE', 'lb', '0', '0', 'WITHSCORES'])).toEqual([['dave', 90]]);
    expect(await client.sendCommand(['ZSCORE', 'lb', 'bob'])).toBe(250);
    expect(await client.sendCommand(['ZSCORE', 'lb', 'bob'], { typeMapping: { [RESP_TYPES.DOUBLE]: String } })).toBe('250');

    expect(await client.zRevRank('lb', 'bob')).toBe(0);
    expect(await client.zRevRank('lb', 'alice')).toBe(2);
    expect(await client.zRank('lb', 'dave')).toBe(0);
    expect(await client.zRevRank('lb', 'nobody')).toBeNull();
    expect(await client.zCard('missing')).toBe(0);
  });

  it('leaderboard: ZRANGE BY SCORE with LIMIT, ZCOUNT, special scores', async () => {
    const members = Array.from({ length: 20 }, (_, i) => ({ score: (i + 1) * 10, value: `p${i + 1}` }));
    expect(await client.zAdd('lb', members)).toBe(20);
    expect(await client.zRange('lb', 50, 100, { BY: 'SCORE' })).toEqual(['p5', 'p6', 'p7', 'p8', 'p9', 'p10']);
    expect(await client.zRange('lb', 50, 100, { BY: 'SCORE', LIMIT: { offset: 1, count: 3 } })).toEqual(['p6', 'p7', 'p8']);
    expect(await client.zRange('lb', '+inf', 150, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 3 } })).toEqual(['p20', 'p19', 'p18']);
    expect(await client.zRangeWithScores('lb', '(50', '(80', { BY: 'SCORE' })).toEqual([
      { value: 'p6', score: 60 }, { value: 'p7', score: 70 },
    ]);
    expect(await client.zCount('lb', 100, '(150')).toBe(5);

    await client.zAdd('special', [{ score: Infinity, value: 'top' }, { score: -Infinity, value: 'bottom' }, { score: 0.1, value: 'tenth' }]);
    expect(await client.zRangeWithScores('special', 0, -1)).toEqual([
      { value: 'bottom', score: -Infinity }, { value: 'tenth', score: 0.1 }, { value: 'top', score: Infinity },
    ]);
    expect(await client.zScore('special', 'top')).toBe(Infinity);
  });

  it('leaderboard: best scores (ZADD GT CH), pops', async () => {
    expect(await client.zAdd('best', [{ score: 50, value: 'a' }, { score: 70, value: 'b' }], { comparison: 'GT', CH: true })).toBe(2);
    expect(await client.zAdd('best', [{ score: 40, value: 'a' }, { score: 80, value: 'b' }, { score: 60, value: 'c' }], { comparison: 'GT', CH: true })).toBe(2);
    expect(await client.zRangeWithScores('best', 0, -1)).toEqual([
      { value: 'a', score: 50 }, { value: 'c', score: 60 }, { value: 'b', score: 80 },
    ]);
    expect(await client.zPopMax('best')).toEqual({ value: 'b', score: 80 });
    expect(await client.zPopMinCount('best', 5)).toEqual([{ value: 'a', score: 50 }, { value: 'c', score: 60 }]);
    expect(await client.exists('best')).toBe(0);
    expect(await client.zPopMin('best')).toBeNull();
    const err = await rejection(client.sendCommand(['ZADD', 'best', 'NX', 'XX', '1', 'a']));
    expect(err.message).toBe('ERR XX and NX options at the same time are not compatible');
  });

  // ---------------------------------------------------------------- session store

  it('session store: hSet / hGetAll (an object) / hGet / hIncrBy / expire + ttl / hDel / del', async () => {
    const sid = 'session:77c1';
    expect(await client.hSet(sid, { user: 'u42', role: 'admin', views: '0' })).toBe(3);
    expect(await client.hSet(sid, 'role', 'editor')).toBe(0);
    expect({ ...(await client.hGetAll(sid)) }).toEqual({ user: 'u42', role: 'editor', views: '0' });
    expect(await client.hGet(sid, 'user')).toBe('u42');
    expect(await client.hGet(sid, 'nope')).toBeNull();
    expect(await client.hmGet(sid, ['user', 'nope'])).toEqual(['u42', null]);
    expect(await client.hIncrBy(sid, 'views', 1)).toBe(1);
    expect(await client.hIncrBy(sid, 'views', 41)).toBe(42);
    expect(await client.hIncrByFloat(sid, 'balance', 2.5)).toBe('2.5');
    expect(await client.hLen(sid)).toBe(4);
    expect(await client.hExists(sid, 'role')).toBe(1);

    expect(await client.expire(sid, 3600)).toBe(1);
    const ttl = await client.ttl(sid);
    expect(ttl).toBeGreaterThanOrEqual(3599);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await client.hDel(sid, ['role', 'nope'])).toBe(1);
    expect(await client.hKeys(sid)).toEqual(['user', 'views', 'balance']);
    expect(await client.hVals(sid)).toEqual(['u42', '42', '2.5']);
    expect(await client.ttl(sid)).toBeGreaterThan(3590);

    expect(await client.del(sid)).toBe(1);
    expect({ ...(await client.hGetAll(sid)) }).toEqual({});
    expect(await client.ttl(sid)).toBe(-2);
  });

  it('session store: expiry removes the session; Buffer values through a type mapping', async () => {
    await client.hSet('s:short', 'user', 'u1');
    expect(await client.pExpire('s:short', 80)).toBe(1);
    await sleep(200);
    expect(await client.exists('s:short')).toBe(0);
    expect({ ...(await client.hGetAll('s:short')) }).toEqual({});

    const blob = Buffer.from([0, 13, 10, 200, 255]);
    await client.hSet('s:bin', 'blob', blob);
    const bin = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const got = await bin.hGet('s:bin', 'blob');
    expect(Buffer.isBuffer(got)).toBe(true);
    expect(Buffer.compare(got as unknown as Buffer, blob)).toBe(0);

    await client.set('plain', 'x');
    expect((await rejection(client.hGetAll('plain'))).message).toBe(WRONGTYPE);
    await client.hSet('s:n', 'txt', 'abc');
    expect((await rejection(client.hIncrBy('s:n', 'txt', 1))).message).toBe('ERR hash value is not an integer');
  });

  it('session store: 300 sessions written at once (auto-pipelined), read back', async () => {
    // node-redis pipelines commands issued in the same tick
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) writes.push(client.hSet(`sess:${i}`, { user: `u${i}`, n: String(i) }));
    for (let i = 0; i < 300; i++) writes.push(client.expire(`sess:${i}`, 1000 + i));
    await Promise.all(writes);
    const reads = await Promise.all(Array.from({ length: 300 }, (_, i) => client.hGetAll(`sess:${i}`)));
    reads.forEach((r, i) => expect({ ...r }).toEqual({ user: `u${i}`, n: String(i) }));
    expect(await client.ttl('sess:299')).toBeGreaterThan(1290);
    expect(await client.dbSize()).toBe(300);
  });

  // ---------------------------------------------------------------- tagging

  it('tagging: sAdd / sMembers / sIsMember / sCard / sInter across shards', async () => {
    const [k0, k1, k2] = keysInShards('nr:tag:', 3);
    if (!againstRedis) expect([shardOf(k0), shardOf(k1), shardOf(k2)]).toEqual([0, 1, 0]);
    expect(await client.sAdd(k0, ['redis', 'node', 'db'])).toBe(3);
    expect(await client.sAdd(k1, ['node', 'db', 'web'])).toBe(3);
    expect(await client.sAdd(k2, ['db', 'node', 'x'])).toBe(3);
    expect((await client.sMembers(k0)).sort()).toEqual(['db', 'node', 'redis']);
    expect(await client.sIsMember(k0, 'node')).toBe(1);
    expect(await client.sIsMember(k0, 'go')).toBe(0);
    expect(await client.smIsMember(k0, ['go', 'db'])).toEqual([0, 1]);
    expect(await client.sCard(k1)).toBe(3);
    expect((await client.sInter([k0, k1])).sort()).toEqual(['db', 'node']);
    expect((await client.sInter([k0, k1, k2])).sort()).toEqual(['db', 'node']);
    expect((await client.sUnion([k0, k1])).sort()).toEqual(['db', 'node', 'redis', 'web']);
    expect((await client.sDiff([k1, k0])).sort()).toEqual(['web']);
    expect(await client.sInterCard([k0, k1, k2])).toBe(2);
    expect(await client.sInterStore('nr:dest', [k0, k1])).toBe(2);
    expect(await client.sMove(k1, k0, 'web')).toBe(1);
    expect(await client.sCard(k0)).toBe(4);
    expect(await client.sRem(k0, ['web', 'nope'])).toBe(1);
    const picks = await client.sRandMemberCount(k0, 2);
    expect(new Set(picks).size).toBe(2);
    for (const p of picks) expect(['db', 'node', 'redis']).toContain(p);
    expect(await client.sMembers('missing')).toEqual([]);
    expect(await client.sMembers(k0)).toBeInstanceOf(Array);
  });

  // ---------------------------------------------------------------- lists (non-blocking)

  it('lists: lPush / lRange / lPos / lIndex / rPopCount / lMove / lmPop', async () => {
    expect(await client.lPush('feed', ['a', 'b', 'c'])).toBe(3);
    expect(await client.rPush('feed', 'z')).toBe(4);
    expect(await client.lRange('feed', 0, -1)).toEqual(['c', 'b', 'a', 'z']);
    expect(await client.lPos('feed', 'a')).toBe(2);
    expect(await client.lIndex('feed', -1)).toBe('z');
    expect(await client.rPopCount('feed', 2)).toEqual(['z', 'a']);
    expect(await client.lMove('feed', 'other', 'LEFT', 'RIGHT')).toBe('c');
    expect(await client.lmPop(['none', 'feed'], 'LEFT', { COUNT: 5 })).toEqual(['feed', ['b']]);
    expect(await client.exists('feed')).toBe(0);
    expect(clientErrors).toEqual([]);
  });
});
