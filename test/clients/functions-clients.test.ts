/**
 * Functions through real clients against a live Spindle: ioredis (call('FUNCTION', ...),
 * fcall, fcall_ro, pipelines, Buffer payloads for DUMP/RESTORE) and node-redis 6 (functionLoad,
 * functionList(WithCode), functionStats, functionDump/Restore, fCall/fCallRo and the
 * `functions` client option that calls library functions as methods). A small account-transfer
 * library works over keys in two shards and over keys it was not given.
 *
 * TEST_AGAINST_REDIS=1 runs the same tests against a real redis-server.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST, type RunningTestServer } from '../helpers/server.js';
import { againstRedis, keysInShards, rejection, startTarget } from '../helpers/types-kit.js';

const kBank = `#!lua name=bank
local function num(v) return tonumber(v) or 0 end

-- move amount from keys[1] to keys[2]; refuse (without writing) when funds are short
redis.register_function('transfer', function(keys, args)
  local amount = tonumber(args[1])
  if amount == nil or amount <= 0 then return redis.error_reply('ERR bad amount') end
  local from = num(redis.call('GET', keys[1]))
  if from < amount then return {0, from} end
  redis.call('DECRBY', keys[1], amount)
  local to = redis.call('INCRBY', keys[2], amount)
  redis.call('RPUSH', keys[1] .. ':log', 'out ' .. amount)
  return {1, from - amount, to}
end)

redis.register_function{
  function_name = 'balance',
  description = 'sum of the balances of the given accounts',
  flags = { 'no-writes' },
  callback = function(keys)
    local s = 0
    for _, k in ipairs(keys) do s = s + num(redis.call('GET', k)) end
    return s
  end,
}

-- the audit key is not declared: the function finds it from its argument
redis.register_function('audit', function(keys, args)
  return redis.call('INCR', 'audit:' .. args[1])
end)
`;

const [a0, a1] = keysInShards('acct', 2);

describe(`functions through clients against ${againstRedis ? 'redis-server' : 'Spindle'}`, () => {
  let srv: RunningTestServer;
  let io: Redis;
  const bank = {
    transfer: {
      NUMBER_OF_KEYS: 2,
      parseCommand(parser: { pushKey(k: string): void; push(...a: string[]): void }, from: string, to: string, amount: string) {
        parser.pushKey(from);
        parser.pushKey(to);
        parser.push(amount);
      },
      transformReply: undefined as never,
    },
    balance: {
      NUMBER_OF_KEYS: 2,
      IS_READ_ONLY: true,
      parseCommand(parser: { pushKey(k: string): void }, x: string, y: string) {
        parser.pushKey(x);
        parser.pushKey(y);
      },
      transformReply: undefined as never,
    },
  };
  const makeNr = (port: number) => createClient({ socket: { host: HOST, port }, functions: { bank } });
  let nr: ReturnType<typeof makeNr>;

  beforeAll(async () => {
    srv = await startTarget();
    io = new Redis({ host: HOST, port: srv.port });
    io.on('error', () => undefined);
    nr = makeNr(srv.port);
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
    await io.call('FUNCTION', 'FLUSH');
  });

  it('ioredis: FUNCTION LOAD, fcall across two shards, fcall_ro, errors', async () => {
    expect(await io.call('FUNCTION', 'LOAD', kBank)).toBe('bank');
    await io.set(a0, '100');
    expect(await io.fcall('transfer', 2, a0, a1, 30)).toEqual([1, 70, 30]);
    expect(await io.fcall('transfer', 2, a0, a1, 500)).toEqual([0, 70]);
    expect(await io.fcall_ro('balance', 2, a0, a1)).toBe(100);
    expect(await io.lrange(`${a0}:log`, 0, -1)).toEqual(['out 30']);
    expect((await rejection(io.fcall('transfer', 2, a0, a1, -1))).message).toBe('ERR bad amount');
    expect((await rejection(io.fcall_ro('transfer', 2, a0, a1, 1))).message).toBe('ERR Can not execute a script with write flag using *_ro command.');
    expect((await rejection(io.fcall('nosuch', 0))).message).toBe('ERR Function not found');
    expect((await rejection(io.call('FUNCTION', 'LOAD', kBank))).message).toBe("ERR Library 'bank' already exists");
    expect(await io.call('FUNCTION', 'LOAD', 'REPLACE', kBank)).toBe('bank');
    expect(await io.fcall('audit', 0, 'alice')).toBe(1);
    expect(await io.fcall('audit', 0, 'alice')).toBe(2);
    expect(await io.get('audit:alice')).toBe('2');
  });

  it('ioredis: pipelines and MULTI, FUNCTION LIST/STATS, DUMP and RESTORE with Buffers', async () => {
    await io.call('FUNCTION', 'LOAD', kBank);
    await io.mset(a0, '10', a1, '10');
    const res = await io.pipeline().fcall('transfer', 2, a0, a1, 4).fcall('transfer', 2, a1, a0, 1).fcall_ro('balance', 2, a0, a1).exec();
    expect(res!.map(([e, v]) => e ?? v)).toEqual([[1, 6, 14], [1, 13, 7], 20]);
    const tx = await io.multi().fcall('transfer', 2, a0, a1, 7).get(a0).exec();
    expect(tx!.map(([e, v]) => e ?? v)).toEqual([[1, 0, 20], '0']);
    const list = (await io.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'ba*')) as unknown[][];
    expect(list[0].slice(0, 4)).toEqual(['library_name', 'bank', 'engine', 'LUA']);
    const fns = (list[0][5] as unknown[][]).map((f) => f[1]).sort();
    expect(fns).toEqual(['audit', 'balance', 'transfer']);
    expect(await io.call('FUNCTION', 'STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 3]]]);
    const dump = (await io.callBuffer('FUNCTION', 'DUMP')) as Buffer;
    expect(await io.call('FUNCTION', 'FLUSH', 'SYNC')).toBe('OK');
    expect((await rejection(io.fcall('transfer', 2, a0, a1, 1))).message).toBe('ERR Function not found');
    expect(await io.call('FUNCTION', 'RESTORE', dump)).toBe('OK');
    expect(await io.fcall_ro('balance', 2, a0, a1)).toBe(20);
    const broken = Buffer.from(dump);
    broken[broken.length - 1] ^= 0xff;
    expect((await rejection(io.call('FUNCTION', 'RESTORE', broken, 'REPLACE'))).message).toBe('ERR DUMP payload version or checksum are wrong');
    expect((await rejection(io.call('FUNCTION', 'RESTORE', dump))).message).toBe('ERR Library bank already exists');
    expect(await io.call('FUNCTION', 'RESTORE', dump, 'REPLACE')).toBe('OK');
  });

  it('node-redis: functionLoad, fCall/fCallRo, functionList, functionStats, dump/restore', async () => {
    expect(await nr.functionLoad(kBank)).toBe('bank');
    expect(await nr.functionLoad(kBank, { REPLACE: true })).toBe('bank');
    await nr.set(a0, '50');
    expect(await nr.fCall('transfer', { keys: [a0, a1], arguments: ['20'] })).toEqual([1, 30, 20]);
    expect(await nr.fCallRo('balance', { keys: [a0, a1] })).toBe(50);
    await expect(nr.fCallRo('transfer', { keys: [a0, a1], arguments: ['1'] })).rejects.toThrow('ERR Can not execute a script with write flag using *_ro command.');
    const list = (await nr.functionList({ LIBRARYNAME: 'bank' })) as unknown as { library_name: string; engine: string; functions: { name: string; description: string | null; flags: string[] }[] }[];
    expect(list.length).toBe(1);
    expect(list[0].library_name).toBe('bank');
    expect(list[0].engine).toBe('LUA');
    const byName = Object.fromEntries(list[0].functions.map((f) => [f.name, f]));
    expect(byName.balance.description).toBe('sum of the balances of the given accounts');
    expect([...byName.balance.flags]).toEqual(['no-writes']);
    expect(byName.transfer.description).toBeNull();
    const withCode = (await nr.functionListWithCode()) as unknown as { library_code: string }[];
    expect(withCode[0].library_code).toBe(kBank);
    const stats = (await nr.functionStats()) as unknown as { running_script: unknown; engines: Record<string, { libraries_count: number; functions_count: number }> };
    expect(stats.running_script).toBeNull();
    expect(stats.engines.LUA).toEqual({ libraries_count: 1, functions_count: 3 });
    const dump = await nr.withTypeMapping({ [36]: Buffer } as never).functionDump();
    expect(await nr.functionFlush()).toBe('OK');
    expect(await nr.functionRestore(dump as unknown as Buffer)).toBe('OK');
    expect(await nr.fCallRo('balance', { keys: [a0, a1] })).toBe(50);
    await expect(nr.functionDelete('nosuch')).rejects.toThrow('ERR Library not found');
    expect(await nr.functionDelete('bank')).toBe('OK');
    await expect(nr.functionKill()).rejects.toThrow('NOTBUSY No scripts in execution right now.');
  });

  it('node-redis: library functions as client methods (functions option)', async () => {
    await nr.functionLoad(kBank);
    await nr.set(a1, '9');
    expect(await nr.bank.transfer(a1, a0, '4')).toEqual([1, 5, 4]);
    expect(await nr.bank.balance(a0, a1)).toBe(9);
    expect(await nr.bank.transfer(a1, a0, '40')).toEqual([0, 5]);
    const [t, b] = await nr.multi().bank.transfer(a0, a1, '1').bank.balance(a0, a1).exec();
    expect([t, b]).toEqual([[1, 3, 6], 9]);
  });
});
