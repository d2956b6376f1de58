/**
 * Scripts and functions run in the script worker (server/offload.ts, scripting/script-worker.ts),
 * seen only through real clients (ioredis, and a raw socket for exact bytes) on a 2-shard
 * Spindle: BUSY past busy-reply-threshold for the script's shard only, SCRIPT KILL and
 * FUNCTION KILL, UNKILLABLE after a write, pipelines that mix offloaded and ordinary commands
 * (replies in request order), big payloads both ways, WATCH + MULTI + EVAL + EXEC (the
 * transaction handed over whole), CONFIG SET reaching the worker, and a client that leaves
 * while its script still runs.
 *
 * Expected bytes are Redis 7.0's (checked by hand against redis-server 7.0.15).
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store.js';
import { Config } from '../../src/server/config.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { keySlot, kSlots } from '../../src/sab/hash.js';
import { encodeCommand, rawClient, sleep, waitUntil, type Arg, type RawClient } from '../helpers/server.js';

const kShards = 2;
const kThresholdMs = 200;
const T = 20000;

const BUSY = 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
const BUSY_FN = 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';
const UNKILLABLE = 'UNKILLABLE Sorry the script already executed write commands against the dataset. ' +
  'You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
const NOTBUSY = 'NOTBUSY No scripts in execution right now.';
const killed = (where: string) => `ERR Script killed by user with SCRIPT KILL... script: ${where}.`;

const err = (text: string) => Buffer.from(`-${text}\r\n`);
const bulk = (s: string) => Buffer.from(`$${Buffer.byteLength(s)}\r\n${s}\r\n`);
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const shardOf = (k: string) => Math.floor((keySlot(Buffer.from(k), 0, Buffer.byteLength(k)) * kShards) / kSlots);

/** `n` keys with this prefix in shard `shard`. */
function keysIn(prefix: string, shard: number, n = 1): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (shardOf(`${prefix}${i}`) === shard) out.push(`${prefix}${i}`);
  return out;
}

const [kA, kA2] = keysIn('sw:a:', 0, 2); // shard 0: the key the busy scripts hold
const [kB, kB2] = keysIn('sw:b:', 1, 2); // shard 1: the other shard

const kSpin = 'while true do end';
const kHoldAndSpin = "redis.call('GET', KEYS[1])\nwhile true do end";
/** Lua: spin (calling TIME now and then) until ARGV[1] ms have passed. */
const kSpinArgv1Ms = `local t0 = redis.call('TIME')
local i = 0
while true do
  i = i + 1
  if i % 10000 == 0 then
    local t = redis.call('TIME')
    if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > tonumber(ARGV[1]) * 1000 then break end
  end
end
`;
/** Writes KEYS[1], then loops for ARGV[1] ms of server time, then returns 'done'. */
const kWriteThenLoop = `redis.call('SET', KEYS[1], 'written')
${kSpinArgv1Ms}return 'done'`;
/** Loops for ARGV[1] ms without writing, then SETs KEYS[1] to ARGV[2]. */
const kLoopThenWrite = `${kSpinArgv1Ms}return redis.call('SET', KEYS[1], ARGV[2])`;

let store: Store;
let srv: RunningServer;
let io: Redis;
let admin: RawClient;
const extra: { destroy(): void }[] = [];

async function raw(): Promise<RawClient> {
  const c = await rawClient(srv.port, { replyTimeoutMs: T });
  extra.push(c);
  return c;
}

function ioClient(): Redis {
  const r = new Redis({ host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: 0, enableOfflineQueue: true });
  r.on('error', () => undefined);
  extra.push({ destroy: () => r.disconnect() });
  return r;
}

/**
 * Until an EVAL is past busy-reply-threshold: FUNCTION STATS answers on the front end and, as
 * in Redis, replies BUSY while an EVAL (not a function) is busy.
 */
async function untilEvalBusy(c: RawClient): Promise<void> {
  await waitUntil(async () => (await c.send('FUNCTION', 'STATS')).equals(err(BUSY)), T, 20);
}

/** Until a function is past busy-reply-threshold: FUNCTION STATS shows a running_script (a map). */
async function untilFunctionBusy(c: RawClient): Promise<void> {
  await waitUntil(async () => (await c.send('FUNCTION', 'STATS')).toString('latin1').includes('$14\r\nrunning_script\r\n*6\r\n'), T, 20);
}

/** Kill whatever script or function is still running (a failed test must not leave one behind). */
async function killLeftovers(): Promise<void> {
  const c = await rawClient(srv.port, { replyTimeoutMs: T });
  try {
    await waitUntil(async () => {
      const s = (await c.send('SCRIPT', 'KILL')).toString('latin1');
      if (s.startsWith('-BUSY')) await c.send('FUNCTION', 'KILL');
      const r = (await c.send('SCRIPT', 'KILL')).toString('latin1');
      return r.startsWith('-NOTBUSY');
    }, T, 50);
  } finally {
    c.destroy();
  }
}

beforeAll(async () => {
  store = Store.create({ shards: kShards });
  const cfg = new Config();
  for (const [k, v] of [['port', '0'], ['bind', '127.0.0.1'], ['shards', String(kShards)]]) cfg.set(k, v, true);
  srv = await startServer(cfg, store);
  io = ioClient();
  admin = await raw();
  expect(shardOf(kA)).toBe(0);
  expect(shardOf(kA2)).toBe(0);
  expect(shardOf(kB)).toBe(1);
  expect(shardOf(kB2)).toBe(1);
}, 30000);

afterAll(async () => {
  for (const c of extra) c.destroy();
  await srv?.close();
  await store?.close();
});

beforeEach(async () => {
  await admin.send('SELECT', 0);
  expect((await admin.send('FLUSHALL')).toString()).toBe('+OK\r\n');
  expect((await admin.send('SCRIPT', 'FLUSH')).toString()).toBe('+OK\r\n');
  expect((await admin.send('FUNCTION', 'FLUSH')).toString()).toBe('+OK\r\n');
  expect((await admin.send('CONFIG', 'SET', 'busy-reply-threshold', kThresholdMs)).toString()).toBe('+OK\r\n');
}, T);

afterEach(async () => {
  await killLeftovers();
  await admin.send('CONFIG', 'SET', 'busy-reply-threshold', 5000);
}, T + 5000);

describe('an endless EVAL in the script worker', () => {
  it('holding no shard: both shards and PING are served; EVAL and FUNCTION STATS get BUSY; SCRIPT KILL ends it', async () => {
    await admin.send('SET', kA, 'a');
    await admin.send('SET', kB, 'b');
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kSpin, 0]));
    await untilEvalBusy(admin);

    const other = await raw();
    expect((await other.send('PING')).toString()).toBe('+PONG\r\n');
    // The script called nothing, so it holds no shard lock: keys of both shards are served.
    expect((await other.send('GET', kA)).toString()).toBe('$1\r\na\r\n');
    expect((await other.send('SET', kB, 'b2')).toString()).toBe('+OK\r\n');
    expect((await other.send('GET', kB)).toString()).toBe('$2\r\nb2\r\n');
    expect(await other.send('EVAL', 'return 1', 0)).toEqual(err(BUSY));
    expect(await other.send('EVALSHA', sha1('return 1'), 0)).toEqual(err(BUSY));
    expect(await other.send('FUNCTION', 'STATS')).toEqual(err(BUSY));
    expect(await other.send('FUNCTION', 'KILL')).toEqual(err(BUSY));

    expect((await other.send('SCRIPT', 'KILL')).toString()).toBe('+OK\r\n');
    expect(await runner.readReply(T)).toEqual(err(killed(`${sha1(kSpin)}, on @user_script:1`)));
    expect(await other.send('SCRIPT', 'KILL')).toEqual(err(NOTBUSY));
    expect((await other.send('EVAL', 'return 1', 0)).toString()).toBe(':1\r\n');
    expect((await runner.send('EVAL', 'return ARGV[1]', 0, 'again')).toString()).toBe('$5\r\nagain\r\n');
  }, T);

  it('holding its key\'s shard: the other shard and PING are served, that shard gets BUSY; SCRIPT KILL; all works afterwards', async () => {
    await admin.send('SET', kA, 'a');
    await admin.send('SET', kA2, 'a2');
    await admin.send('SET', kB, 'b');
    const runner = await raw();
    // ioredis connected before the script (its ready check sends INFO, which gets BUSY, as in Redis).
    const ior = ioClient();
    expect(await ior.ping()).toBe('PONG');
    runner.write(encodeCommand(['EVAL', kHoldAndSpin, 1, kA]));
    await untilEvalBusy(admin);

    const other = await raw();
    expect((await other.send('PING')).toString()).toBe('+PONG\r\n');
    expect((await other.send('GET', kB)).toString()).toBe('$1\r\nb\r\n');
    expect((await other.send('SET', kB2, 'x')).toString()).toBe('+OK\r\n');
    expect((await other.send('MGET', kB, kB2)).toString()).toBe('*2\r\n$1\r\nb\r\n$1\r\nx\r\n');
    // The script's shard: its own key and any other key there.
    expect(await other.send('GET', kA)).toEqual(err(BUSY));
    expect(await other.send('SET', kA2, 'y')).toEqual(err(BUSY));
    expect(await other.send('EVAL', "return redis.call('GET', KEYS[1])", 1, kB)).toEqual(err(BUSY));
    expect(await other.send('FUNCTION', 'STATS')).toEqual(err(BUSY));
    // Through ioredis too.
    await expect(ior.get(kA)).rejects.toThrow(BUSY);
    expect(await ior.get(kB)).toBe('b');

    expect((await other.send('SCRIPT', 'KILL')).toString()).toBe('+OK\r\n');
    expect(await runner.readReply(T)).toEqual(err(killed(`${sha1(kHoldAndSpin)}, on @user_script:2`)));

    // The lock is released and the rejected write did not happen.
    expect((await other.send('GET', kA)).toString()).toBe('$1\r\na\r\n');
    expect((await other.send('GET', kA2)).toString()).toBe('$2\r\na2\r\n');
    expect((await other.send('SET', kA2, 'z')).toString()).toBe('+OK\r\n');
    expect((await runner.send('EVAL', "return redis.call('GET', KEYS[1])", 1, kA2)).toString()).toBe('$1\r\nz\r\n');
    expect(await ior.get(kA)).toBe('a');
  }, T);

  it('a command on the script\'s shard sent before the threshold gets BUSY once past it', async () => {
    await admin.send('CONFIG', 'SET', 'busy-reply-threshold', 1000);
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kHoldAndSpin, 1, kA]));
    // Let the script start (it takes the lock at once), then ask for the locked shard well
    // before 1000 ms: the command waits, and gets BUSY once the threshold has passed (as Redis).
    await sleep(300);
    const other = await raw();
    const early = other.send('GET', kA2);
    expect(await early).toEqual(err(BUSY));
    expect((await admin.send('SCRIPT', 'KILL')).toString()).toBe('+OK\r\n');
    expect(await runner.readReply(T)).toEqual(err(killed(`${sha1(kHoldAndSpin)}, on @user_script:2`)));
  }, T);
});

describe('UNKILLABLE: a busy script that already wrote', () => {
  it('SCRIPT KILL and FUNCTION KILL are refused; the script completes with its reply and its write', async () => {
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kWriteThenLoop, 1, kA, 1500]));
    await untilEvalBusy(admin);
    expect(await admin.send('SCRIPT', 'KILL')).toEqual(err(UNKILLABLE));
    expect(await admin.send('FUNCTION', 'KILL')).toEqual(err(UNKILLABLE));
    expect(await admin.send('GET', kA)).toEqual(err(BUSY));
    expect((await admin.send('SET', kB, 'other')).toString()).toBe('+OK\r\n');
    expect((await runner.readReply(T)).toString()).toBe('$4\r\ndone\r\n');
    expect((await admin.send('GET', kA)).toString()).toBe('$7\r\nwritten\r\n');
    expect(await admin.send('SCRIPT', 'KILL')).toEqual(err(NOTBUSY));
  }, T);

  it('through ioredis: the script\'s promise resolves with its reply', async () => {
    const r = ioClient();
    const p = r.eval(kWriteThenLoop, 1, kA, 1500);
    await untilEvalBusy(admin);
    await expect(io.script('KILL')).rejects.toThrow(UNKILLABLE);
    expect(await p).toBe('done');
    expect(await io.get(kA)).toBe('written');
  }, T);
});

describe('an endless function in the script worker', () => {
  const lib = `#!lua name=swlib
redis.register_function('spin', function(keys, args) while true do end end)
redis.register_function('holdspin', function(keys, args)
  redis.call('GET', keys[1])
  while true do end
end)
redis.register_function('echo', function(keys, args) return args[1] end)`;

  it('FUNCTION KILL stops it; SCRIPT KILL, EVAL and its shard get the FUNCTION KILL BUSY; the caller gets the killed error', async () => {
    expect((await admin.send('FUNCTION', 'LOAD', lib)).toString()).toBe('$5\r\nswlib\r\n');
    await admin.send('SET', kA, 'a');
    await admin.send('SET', kB, 'b');
    const runner = await raw();
    runner.write(encodeCommand(['FCALL', 'holdspin', 1, kA]));
    await untilFunctionBusy(admin);

    const other = await raw();
    expect((await other.send('PING')).toString()).toBe('+PONG\r\n');
    expect((await other.send('GET', kB)).toString()).toBe('$1\r\nb\r\n');
    expect(await other.send('GET', kA)).toEqual(err(BUSY_FN));
    expect(await other.send('SCRIPT', 'KILL')).toEqual(err(BUSY_FN));
    expect(await other.send('EVAL', 'return 1', 0)).toEqual(err(BUSY_FN));
    expect(await other.send('FCALL', 'echo', 0, 'x')).toEqual(err(BUSY_FN));
    const stats = (await other.send('FUNCTION', 'STATS')).toString('latin1');
    expect(stats).toContain('running_script');
    expect(stats).toContain('$4\r\nname\r\n$8\r\nholdspin\r\n');
    expect(stats).toContain('$7\r\ncommand\r\n*4\r\n$5\r\nFCALL\r\n$8\r\nholdspin\r\n$1\r\n1\r\n');

    expect((await other.send('FUNCTION', 'KILL')).toString()).toBe('+OK\r\n');
    expect(await runner.readReply(T)).toEqual(err(killed('holdspin, on @user_function:5')));
    expect(await other.send('FUNCTION', 'KILL')).toEqual(err(NOTBUSY));
    expect((await other.send('GET', kA)).toString()).toBe('$1\r\na\r\n');
    expect((await runner.send('FCALL', 'echo', 0, 'back')).toString()).toBe('$4\r\nback\r\n');
  }, T);

  it('FCALL of an endless function through ioredis, FUNCTION KILL from another client', async () => {
    await io.function('LOAD', lib);
    const r = ioClient();
    const p = r.fcall('spin', 0);
    await untilFunctionBusy(admin);
    await expect(io.script('KILL')).rejects.toThrow(BUSY_FN);
    expect(await io.function('KILL')).toBe('OK');
    await expect(p).rejects.toThrow(killed('spin, on @user_function:2'));
    expect(await r.fcall('echo', 0, 'ok')).toBe('ok');
  }, T);
});

describe('pipelines: replies in request order, exact bytes', () => {
  it('EVAL, GET, SET, EVALSHA, PING, MULTI/EVAL/EXEC, SELECT then EVAL', async () => {
    const set = "return redis.call('SET', KEYS[1], ARGV[1])";
    const get = "return redis.call('GET', KEYS[1])";
    const both = "return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]), ARGV[1]}";
    const fail = "return redis.call('INCR', KEYS[1])";
    const c = await raw();
    const cmds: Arg[][] = [
      ['EVAL', set, 1, kA, 'v1'],
      ['GET', kA],
      ['SET', kB, 'v2'],
      ['EVALSHA', sha1(set), 1, kA2, 'v3'],
      ['EVAL', both, 2, kA2, kB, 'arg'],
      ['PING'],
      ['EVALSHA', sha1('return 0'), 0],
      ['SCRIPT', 'LOAD', get],
      ['EVALSHA', sha1(get), 1, kB],
      ['EVAL', fail, 1, kB],
      ['INCR', kA],
      ['MULTI'],
      ['EVAL', set, 1, kB, 'in-multi'],
      ['GET', kB],
      ['EVAL', get, 1, kA],
      ['EXEC'],
      ['SELECT', 5],
      ['EVAL', get, 1, kA],
      ['SET', kA, 'db5'],
      ['EVAL', get, 1, kA],
      ['EVAL', "redis.call('SELECT', 0) return redis.call('GET', KEYS[1])", 1, kA],
      ['GET', kA],
      ['SELECT', 0],
      ['EVALSHA', sha1(get), 1, kA],
      ['PING', 'end'],
    ];
    const replies = await c.pipeline(cmds, T);
    const want: Buffer[] = [
      Buffer.from('+OK\r\n'),
      bulk('v1'),
      Buffer.from('+OK\r\n'),
      Buffer.from('+OK\r\n'),
      Buffer.from('*3\r\n$2\r\nv3\r\n$2\r\nv2\r\n$3\r\narg\r\n'),
      Buffer.from('+PONG\r\n'),
      err('NOSCRIPT No matching script. Please use EVAL.'),
      bulk(sha1(get)),
      bulk('v2'),
      err(`ERR value is not an integer or out of range script: ${sha1(fail)}, on @user_script:1.`),
      err('ERR value is not an integer or out of range'),
      Buffer.from('+OK\r\n'),
      Buffer.from('+QUEUED\r\n'),
      Buffer.from('+QUEUED\r\n'),
      Buffer.from('+QUEUED\r\n'),
      Buffer.from('*3\r\n+OK\r\n$8\r\nin-multi\r\n$2\r\nv1\r\n'),
      Buffer.from('+OK\r\n'),
      Buffer.from('$-1\r\n'),
      Buffer.from('+OK\r\n'),
      bulk('db5'),
      bulk('v1'),
      bulk('db5'),
      Buffer.from('+OK\r\n'),
      bulk('v1'),
      bulk('end'),
    ];
    expect(replies.map((b) => b.toString('latin1'))).toEqual(want.map((b) => b.toString('latin1')));
  }, T);

  it('many EVALs interleaved with GETs in one write, 200 deep', async () => {
    const c = await raw();
    const inc = "return redis.call('INCR', KEYS[1])";
    const cmds: Arg[][] = [];
    const want: string[] = [];
    for (let i = 1; i <= 100; i++) {
      const k = i % 2 ? kA : kB;
      cmds.push(['EVAL', inc, 1, k], ['GET', k]);
      const n = String(Math.ceil(i / 2));
      want.push(`:${n}\r\n`, `$${n.length}\r\n${n}\r\n`);
    }
    const replies = await c.pipeline(cmds, T);
    expect(replies.map((b) => b.toString('latin1'))).toEqual(want);
  }, T);

  it('RESP3 connection: the worker answers in the protocol of the caller', async () => {
    const c = await raw();
    expect((await c.send('HELLO', 3)).toString('latin1').startsWith('%')).toBe(true);
    const replies = await c.pipeline([
      ['HSET', kA, 'f', 'v'],
      ['EVAL', "redis.setresp(3) return redis.call('HGETALL', KEYS[1])", 1, kA],
      ['EVAL', 'return nil', 0],
      ['EVAL', "return redis.call('HGETALL', KEYS[1])", 1, kA],
      ['EVAL', 'return {double=1.5}', 0],
      ['PING'],
    ], T);
    expect(replies.map(String)).toEqual([
      ':1\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n', '_\r\n', '*2\r\n$1\r\nf\r\n$1\r\nv\r\n', ',1.5\r\n', '+PONG\r\n',
    ]);
  }, T);

  it('ioredis pipeline with EVAL, EVALSHA and plain commands', async () => {
    const r = ioClient();
    const echo = 'return {KEYS[1], ARGV[1]}';
    const res = await r.pipeline()
      .set(kA, '1')
      .eval(echo, 1, kA, 'x')
      .incr(kA)
      .evalsha(sha1(echo), 1, kB, 'y')
      .get(kA)
      .exec();
    expect(res).toEqual([[null, 'OK'], [null, [kA, 'x']], [null, 2], [null, [kB, 'y']], [null, '2']]);
  }, T);
});

describe('big payloads through the worker', () => {
  it('a 2 MB argument in, a 5 MB string out, a 100k-element array out', async () => {
    const r = ioClient();
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    big[12345] = 0;
    expect(await r.eval('return #ARGV[1]', 0, big)).toBe(big.length);
    expect(await r.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, kA, big)).toBe('OK');
    expect((await r.getBuffer(kA))!.equals(big)).toBe(true);
    expect(await r.eval("return redis.sha1hex(ARGV[1])", 0, big)).toBe(createHash('sha1').update(big).digest('hex'));

    const five = (await r.callBuffer('EVAL', "return string.rep('xyz12', 1024 * 1024)", 0)) as Buffer;
    expect(five.length).toBe(5 * 1024 * 1024);
    expect(five.equals(Buffer.from('xyz12'.repeat(1024 * 1024)))).toBe(true);

    const arr = (await r.eval('local t = {} for i = 1, 100000 do t[i] = i end return t', 0)) as number[];
    expect(arr.length).toBe(100000);
    expect(arr[0]).toBe(1);
    expect(arr[99999]).toBe(100000);
    expect(arr.every((v, i) => v === i + 1)).toBe(true);
    const strs = (await r.eval("local t = {} for i = 1, 100000 do t[i] = 'e' .. i end return t", 0)) as string[];
    expect(strs.length).toBe(100000);
    expect(strs[54321]).toBe('e54322');
    // The connection is in step afterwards.
    expect(await r.ping()).toBe('PONG');
  }, T);

  it('raw socket: a 5 MB reply followed by pipelined small replies arrives whole and in order', async () => {
    const c = await raw();
    const replies = await c.pipeline([
      ['EVAL', "return string.rep('a', 5 * 1024 * 1024)", 0],
      ['PING'],
      ['EVAL', 'return #ARGV[1]', 0, Buffer.alloc(2 * 1024 * 1024, 0x62)],
      ['ECHO', 'tail'],
    ], T);
    expect(replies[0].length).toBe(`$${5 * 1024 * 1024}\r\n`.length + 5 * 1024 * 1024 + 2);
    expect(replies[0].subarray(0, 10).toString()).toBe('$5242880\r\n');
    expect(replies.slice(1).map(String)).toEqual(['+PONG\r\n', ':2097152\r\n', '$4\r\ntail\r\n']);
  }, T);
});

describe('WATCH + MULTI + EVAL + EXEC (the transaction goes to the worker whole)', () => {
  it('EXEC aborts when another client changed a watched key, and runs otherwise', async () => {
    const a = ioClient();
    const b = ioClient();
    const incr = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    await a.set(kA, '10');

    // Untouched: the transaction runs.
    await a.watch(kA);
    let res = await a.multi().eval(incr, 1, kA, 5).get(kB).exec();
    expect(res).toEqual([[null, 15], [null, null]]);
    expect(await a.get(kA)).toBe('15');

    // Touched by another client between WATCH and EXEC: null, and nothing ran.
    await a.watch(kA);
    await b.set(kA, '100');
    res = await a.multi().eval(incr, 1, kA, 5).set(kB, 'x').exec();
    expect(res).toBeNull();
    expect(await a.get(kA)).toBe('100');
    expect(await a.exists(kB)).toBe(0);

    // A watched key in the other shard than the script's key, touched by a script.
    await a.watch(kB);
    await b.eval("return redis.call('SET', KEYS[1], 'by-script')", 1, kB);
    res = await a.multi().eval(incr, 1, kA, 1).exec();
    expect(res).toBeNull();
    expect(await a.get(kA)).toBe('100');

    // The WATCH entries are gone after EXEC: a later change does not affect the next transaction.
    await b.set(kB, 'later');
    res = await a.multi().eval(incr, 1, kA, 1).exec();
    expect(res).toEqual([[null, 101]]);
  }, T);

  it('raw bytes: WATCH, MULTI, EVAL, EXEC aborted (*-1) and succeeding', async () => {
    const a = await raw();
    const b = await raw();
    const get = "return redis.call('GET', KEYS[1])";
    expect((await a.send('SET', kA, 'v')).toString()).toBe('+OK\r\n');
    expect((await a.pipeline([['WATCH', kA], ['MULTI'], ['EVAL', get, 1, kA], ['INCR', kB]], T)).map(String))
      .toEqual(['+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n']);
    expect((await b.send('SET', kA, 'w')).toString()).toBe('+OK\r\n');
    expect((await a.send('EXEC')).toString()).toBe('*-1\r\n');
    expect((await a.send('GET', kB)).toString()).toBe('$-1\r\n');
    expect((await a.pipeline([['WATCH', kA], ['MULTI'], ['EVAL', get, 1, kA], ['INCR', kB], ['EXEC']], T)).map(String))
      .toEqual(['+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '+QUEUED\r\n', '*2\r\n$1\r\nw\r\n:1\r\n']);
  }, T);
});

describe('CONFIG SET reaches the worker', () => {
  it('hash-max-listpack-entries 4: a script\'s HSET of 10 fields makes a hashtable', async () => {
    const r = ioClient();
    const fill = "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', KEYS[1], 'f' .. i, i) end return redis.call('HLEN', KEYS[1])";
    expect(await r.eval(fill, 1, kA, 10)).toBe(10);
    expect(await r.object('ENCODING', kA)).toBe('listpack');
    try {
      expect(await r.config('SET', 'hash-max-listpack-entries', '4')).toBe('OK');
      expect(await r.eval(fill, 1, kB, 10)).toBe(10);
      expect(await r.object('ENCODING', kB)).toBe('hashtable');
      expect(await r.eval(fill, 1, kA2, 3)).toBe(3);
      expect(await r.object('ENCODING', kA2)).toBe('listpack');
      expect(await r.eval("return redis.call('OBJECT', 'ENCODING', KEYS[1])", 1, kB)).toBe('hashtable');
    } finally {
      await r.config('SET', 'hash-max-listpack-entries', '128');
    }
    expect(await r.eval(fill, 1, kB2, 10)).toBe(10);
    expect(await r.object('ENCODING', kB2)).toBe('listpack');
  }, T);

  it('busy-reply-threshold raised by CONFIG SET: a 700 ms script is never BUSY, its shard just waits', async () => {
    await admin.send('SET', kA2, 'same-shard');
    await admin.send('CONFIG', 'SET', 'busy-reply-threshold', 10000);
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kWriteThenLoop, 1, kA, 700]));
    await sleep(350);
    const other = await raw();
    expect((await other.send('FUNCTION', 'STATS')).toString('latin1')).toContain('running_script');
    // Same shard: waits for the script instead of BUSY; the reply comes after the script's.
    const same = other.send('GET', kA2);
    expect((await runner.readReply(T)).toString()).toBe('$4\r\ndone\r\n');
    expect((await same).toString()).toBe('$10\r\nsame-shard\r\n');
    expect((await other.send('GET', kA)).toString()).toBe('$7\r\nwritten\r\n');
  }, T);
});

describe('SCRIPT KILL below busy-reply-threshold', () => {
  // Redis cannot process SCRIPT KILL before the threshold: here (threshold 10 s, script 700 ms)
  // it is answered after the script, NOTBUSY. (Spindle once answered +OK at once on the front
  // end, although a script that wrote cannot be killed and ran to its end.)
  it('a script that already wrote is not reported killed (+OK) while it goes on', async () => {
    await admin.send('CONFIG', 'SET', 'busy-reply-threshold', 10000);
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kWriteThenLoop, 1, kA, 700]));
    await sleep(350);
    const kill = await admin.send('SCRIPT', 'KILL');
    expect((await runner.readReply(T)).toString()).toBe('$4\r\ndone\r\n');
    expect(kill.toString()).toBe('-NOTBUSY No scripts in execution right now.\r\n');
  }, T);

  it('a SCRIPT KILL that waits for the threshold does not stall the front end', async () => {
    // The script holds only shard 1, so shard 0's lock is free while SCRIPT KILL waits (once a
    // free lock made it retry in a loop of promises, and the front end served nobody).
    await admin.send('CONFIG', 'SET', 'busy-reply-threshold', 1500);
    const runner = await raw();
    runner.write(encodeCommand(['EVAL', kHoldAndSpin, 1, kB]));
    await sleep(100);
    const killer = await raw();
    let killReply: Buffer | null = null;
    const kill = killer.send('SCRIPT', 'KILL').then((r) => (killReply = r));
    const other = await raw();
    for (let i = 0; i < 20; i++) expect((await other.send('PING')).toString()).toBe('+PONG\r\n');
    expect((await other.send('SET', kA, 'x')).toString()).toBe('+OK\r\n');
    expect(killReply).toBeNull(); // still waiting for the script to turn busy
    await kill;
    expect(killReply!.toString()).toBe('+OK\r\n');
    expect((await runner.readReply(T)).toString()).toBe(`-${killed(`${sha1(kHoldAndSpin)}, on @user_script:2`)}\r\n`);
  }, T);
});

describe('a client that leaves while its EVAL runs', () => {
  it('the server keeps serving others; a new client gets its own replies afterwards', async () => {
    const leaver = await raw();
    leaver.write(encodeCommand(['EVAL', kLoopThenWrite, 1, kA, 800, 'after']));
    leaver.write(encodeCommand(['GET', kA]));
    await sleep(150);
    leaver.destroy();

    const other = await raw();
    expect((await other.send('PING')).toString()).toBe('+PONG\r\n');
    expect((await other.send('SET', kB, 'b')).toString()).toBe('+OK\r\n');
    // Sent while the leaver's script may still run: queued behind it in the worker, and its
    // reply must be this client's own, not the leaver's.
    expect((await other.send('EVAL', 'return ARGV[1]', 0, 'mine')).toString()).toBe('$4\r\nmine\r\n');
    await waitUntil(async () => (await other.send('GET', kA)).toString() === '$5\r\nafter\r\n', T, 20);

    const fresh = await raw();
    const replies = await fresh.pipeline([
      ['EVAL', 'return ARGV[1]', 0, 'fresh'],
      ['GET', kA],
      ['EVAL', "return redis.call('GET', KEYS[1])", 1, kB],
      ['PING'],
    ], T);
    expect(replies.map(String)).toEqual(['$5\r\nfresh\r\n', '$5\r\nafter\r\n', '$1\r\nb\r\n', '+PONG\r\n']);
    expect(await admin.send('SCRIPT', 'KILL')).toEqual(err(NOTBUSY));
  }, T);

  it('several clients leave mid-pipeline of EVALs; others are unaffected', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await raw();
      const cmds: Arg[][] = [];
      for (let j = 0; j < 50; j++) cmds.push(['EVAL', "return redis.call('INCR', KEYS[1])", 1, j % 2 ? kA : kB]);
      c.write(Buffer.concat(cmds.map(encodeCommand)));
      c.destroy();
    }
    const r = ioClient();
    for (let i = 0; i < 20; i++) expect(await r.eval('return ARGV[1]', 0, `n${i}`)).toBe(`n${i}`);
    const c = await raw();
    expect((await c.send('PING')).toString()).toBe('+PONG\r\n');
    const before = Number(await r.get(kA) ?? 0);
    expect(await r.eval("return redis.call('INCR', KEYS[1])", 1, kA)).toBe(before + 1);
  }, T);
});
