/**
 * Scripts through real clients (ioredis 6 and node-redis 6, default options: node-redis speaks
 * RESP3) against a live Spindle: ioredis defineCommand (EVALSHA, falling back to EVAL on
 * NOSCRIPT), SCRIPT LOAD + EVALSHA, recovery after SCRIPT FLUSH, node-redis defineScript, the
 * sliding-window rate limiter, scripts over keys in two shards and undeclared keys, pipelines.
 *
 * TEST_AGAINST_REDIS=1 runs the same tests against a real redis-server.
 */
import { Redis } from 'ioredis';
import { createClient, defineScript } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, keysInShards, startTarget } from '../helpers/types-kit.js';

const kRateLimit = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local n = redis.call('ZCARD', key)
if n < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, limit - n - 1}
end
return {0, 0}`;

const [k0, k1] = keysInShards('cs', 2);

describe(`scripting through clients against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let io: Redis & { ratelimit?: (...a: (string | number)[]) => Promise<[number, number]> };
  let nr: ReturnType<typeof createClient>;

  beforeAll(async () => {
    srv = await startTarget();
    io = new Redis({ host: HOST, port: srv.port });
    io.on('error', () => undefined);
    nr = createClient({ socket: { host: HOST, port: srv.port } });
    nr.on('error', () => undefined);
    await nr.connect();
  }, 60000);

  afterAll(async () => {
    io?.disconnect();
    await nr?.quit().catch(() => undefined);
    await srv?.close();
  });

  beforeEach(async () => {
    await io.flushall();
    await io.script('FLUSH');
  });

  it('ioredis defineCommand: a sliding-window rate limiter, N pass and N+1 is refused', async () => {
    io.defineCommand('ratelimit', { numberOfKeys: 1, lua: kRateLimit });
    const now = Date.now();
    const out: number[] = [];
    for (let i = 0; i < 6; i++) out.push((await io.ratelimit!('rl:user', now + i, 60000, 5, `req${i}`))[0]);
    expect(out).toEqual([1, 1, 1, 1, 1, 0]);
    expect(await io.zcard('rl:user')).toBe(5);
    // The window slides: a request 60 s later passes again.
    expect((await io.ratelimit!('rl:user', now + 60_010, 60000, 5, 'late'))[0]).toBe(1);
  });

  it('ioredis defineCommand recovers after SCRIPT FLUSH (NOSCRIPT → EVAL)', async () => {
    io.defineCommand('echoArgs', { numberOfKeys: 1, lua: 'return {KEYS[1], ARGV[1]}' });
    const call = (io as unknown as { echoArgs: (...a: string[]) => Promise<string[]> }).echoArgs.bind(io);
    expect(await call('k', 'v')).toEqual(['k', 'v']);
    await io.script('FLUSH');
    expect(await call('k2', 'v2')).toEqual(['k2', 'v2']);
  });

  it('SCRIPT LOAD + EVALSHA, NOSCRIPT after FLUSH, binary-safe arguments', async () => {
    const sha = (await io.script('LOAD', 'return ARGV[1]')) as string;
    expect(await io.script('EXISTS', sha)).toEqual([1]);
    const bin = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10]);
    expect(await io.evalshaBuffer(sha, 0, bin)).toEqual(bin);
    await io.script('FLUSH');
    await expect(io.evalsha(sha, 0, 'x')).rejects.toThrow(/NOSCRIPT No matching script/);
  });

  it('scripts over two shards and over undeclared keys are atomic and work', async () => {
    const move = 'local v = redis.call("GET", KEYS[1]) redis.call("SET", KEYS[2], v) redis.call("DEL", KEYS[1]) return v';
    await io.set(k0, 'payload');
    expect(await io.eval(move, 2, k0, k1)).toBe('payload');
    expect(await io.mget(k0, k1)).toEqual([null, 'payload']);
    // BullMQ style: keys built inside the script, not declared.
    await io.del(k0, k1);
    const undeclared = 'for i = 1, #ARGV do redis.call("INCR", ARGV[i]) end return redis.call("MGET", unpack(ARGV))';
    expect(await io.eval(undeclared, 0, k0, k1, 'other')).toEqual(['1', '1', '1']);
    expect(await io.eval(undeclared, 0, k0, k1, 'other')).toEqual(['2', '2', '2']);
  });

  it('pipelined EVALSHA calls interleaved with plain commands keep their order', async () => {
    const sha = (await io.script('LOAD', 'return redis.call("INCR", KEYS[1])')) as string;
    const p = io.pipeline();
    for (let i = 0; i < 50; i++) {
      p.evalsha(sha, 1, i % 2 ? k0 : k1);
      p.get(i % 2 ? k0 : k1);
    }
    const res = (await p.exec())!.map(([e, v]) => (e ? String(e) : v));
    for (let i = 0; i < 50; i++) expect(String(res[2 * i + 1])).toBe(String(res[2 * i]));
    expect(await io.mget(k0, k1)).toEqual(['25', '25']);
  });

  it('node-redis (RESP3 by default): defineScript, EVAL replies and errors', async () => {
    const incrBy = defineScript({
      NUMBER_OF_KEYS: 1,
      SCRIPT: 'return redis.call("INCRBY", KEYS[1], ARGV[1])',
      parseCommand(parser: { pushKey(k: string): void; push(...a: string[]): void }, key: string, by: number) {
        parser.pushKey(key);
        parser.push(String(by));
      },
      transformReply: (reply: unknown) => reply as number,
    });
    const c = createClient({ socket: { host: HOST, port: srv.port }, scripts: { incrBy } });
    c.on('error', () => undefined);
    await c.connect();
    try {
      expect(await c.incrBy('nr:c', 5)).toBe(5);
      expect(await c.incrBy('nr:c', 2)).toBe(7);
      await c.scriptFlush();
      expect(await c.incrBy('nr:c', 1)).toBe(8); // EVALSHA → NOSCRIPT → EVAL
    } finally {
      await c.quit();
    }
    expect(await nr.eval('return {1, "two", {ok="three"}}')).toEqual([1, 'two', 'three']);
    await expect(nr.eval('return redis.call("nosuch")')).rejects.toThrow(/Unknown Redis command called from script/);
    expect(await nr.evalRo('return redis.call("GET", KEYS[1])', { keys: ['missing'] })).toBe(null);
  });
});
