/**
 * Functions against redis-server 7.0, raw reply bytes in RESP2 and RESP3: FUNCTION LOAD
 * metadata and register_function errors, the load environment, FCALL/FCALL_RO results and error
 * texts, LIST/STATS/DELETE/FLUSH/HELP, RESTORE payloads and policies, keys in two shards and
 * undeclared keys. FLUSHALL keeps functions, so every case starts with FUNCTION FLUSH. A last
 * block moves FUNCTION DUMP payloads both ways between the two servers.
 *
 * Left out on purpose: texts the Lua VM words itself (Lua 5.4 vs Redis's 5.1: "attempt to index
 * a nil value (local 't')", compile errors "syntax error near ..."), and 'f' + 'F' in one
 * library (Redis 7.0.15 accepts it, then crashes on DELETE; Spindle refuses it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, compatSuite, keysInShards, sorted, type Case } from '../helpers/types-kit.js';
import { rawClient, redisAvailable, startRedis, startSpindle, type RunningTestServer } from '../helpers/server.js';
import { crc64 } from '../../src/scripting/functions-dump.js';

const [k0, k1] = keysInShards('fk', 2);
const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;
const load = (code: string) => ['FUNCTION', 'LOAD', code];
const reg = (body: string) => ['FUNCTION', 'LOAD', 'REPLACE', lib('L', body)];
const fn = 'function(keys, args) return 1 end';
const flush = ['FUNCTION', 'FLUSH'];

/** A FUNCTION RESTORE payload of plain (uncompressed) records, valid for both servers. */
function payload(codes: string[], version = 10): Buffer {
  const parts: Buffer[] = [];
  for (const c of codes) {
    const b = Buffer.from(c);
    parts.push(Buffer.from([0xf5]), b.length < 64 ? Buffer.from([b.length]) : Buffer.from([0x40 | (b.length >> 8), b.length & 0xff]), b);
  }
  parts.push(Buffer.from([version, 0]));
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc64(body), body.length);
  return out;
}
const withTrailer = (records: number[]) => {
  const body = Buffer.concat([Buffer.from(records), Buffer.from([10, 0])]);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc64(body), body.length);
  return out;
};

const rLib = lib('R', [
  "redis.register_function('e1', function() error('boom') end)",
  "redis.register_function('e2', function() error({err='MYERR x'}) end)",
  "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)",
  "redis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}",
  "redis.register_function{function_name='rw', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}",
  "redis.register_function('g', function() return foo end)",
  "redis.register_function('s', function() foo = 1 end)",
  "redis.register_function('k', function() return KEYS end)",
  "redis.register_function('nest', function() return redis.call('fcall', 'e1', 0) end)",
  "redis.register_function('lst', function() return redis.call('function', 'list') end)",
  "redis.register_function('ok', function() return redis.status_reply('FINE') end)",
  "redis.register_function('t3', function() redis.setresp(3) return redis.call('hgetall', 'nohash') end)",
  "redis.register_function('tbl', function(k, a) return {1, 'two', {3}, true, false, #k, #a} end)",
  "redis.register_function('er', function() return redis.error_reply('bad thing') end)",
  "redis.register_function('pc', function() return redis.pcall('nocmd') end)",
  "redis.register_function('ga', function() return type(_G) .. tostring(string.format('%d', 5)) end)",
].join('\n'));

const cases: Case[] = [
  {
    name: 'LOAD, FCALL, LIST, STATS, DELETE',
    steps: [
      flush,
      load(lib('mylib', "redis.register_function('myfunc', function(keys, args) return {keys, args} end)")),
      ['FCALL', 'myfunc', '2', 'a', 'b', 'c'], ['FCALL', 'MYFUNC', '0'], ['FCALL_RO', 'myfunc', '0'],
      load(lib('lib2', "redis.register_function{function_name='f1', callback=function() return 1 end, flags={'allow-stale','no-writes','allow-oom','no-cluster','allow-cross-slot-keys'}, description='my desc'}\nredis.register_function('f2', function() return 2 end)")),
      sorted(['FUNCTION', 'LIST']), sorted(['FUNCTION', 'LIST', 'WITHCODE']), ['FUNCTION', 'LIST', 'LIBRARYNAME', 'MY*'],
      sorted(['FUNCTION', 'LIST', 'withcode', 'libraryname', 'lib2']), ['FUNCTION', 'LIST', 'LIBRARYNAME', 'zz'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME'], ['FUNCTION', 'LIST', 'foo'], ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a', 'LIBRARYNAME', 'b'],
      ['FUNCTION', 'STATS'], ['FCALL_RO', 'f1', '0'],
      ['FUNCTION', 'DELETE', 'nolib'], ['FUNCTION', 'DELETE', 'MYLIB'], ['FUNCTION', 'DELETE', 'mylib'], ['FCALL', 'myfunc', '0'],
      ['FUNCTION', 'STATS'], ['FLUSHALL'], ['FCALL', 'f2', '0'],
      ['FUNCTION', 'FLUSH', 'foo'], ['FUNCTION', 'FLUSH', 'ASYNC', 'SYNC'], ['FUNCTION', 'FLUSH', 'sync'], sorted(['FUNCTION', 'LIST']),
      ['FUNCTION', 'KILL'], ['SCRIPT', 'KILL'], ['FUNCTION', 'HELP'], ['FUNCTION', 'HELP', 'x'], ['FUNCTION', 'FOO'], ['FUNCTION'],
      ['FCALL'], ['FCALL', 'f1'], ['FUNCTION', 'DUMP', 'x'], ['FUNCTION', 'STATS', 'x'],
    ],
  },
  {
    name: 'library metadata and LOAD options',
    steps: [
      flush,
      load("redis.register_function('f', function() return 1 end)"), load('#!lua'), load('#!lua '), load('#!lua name=a'),
      load('#!lua name=a\n'), load(`#!lua name=a foo=bar\nredis.register_function('f', ${fn})`),
      load(`#!lua name=a foo\nredis.register_function('f', ${fn})`), load(`#!lua foo=bar\nredis.register_function('f', ${fn})`),
      load(`#!lua name=a name=b\nredis.register_function('f', ${fn})`), load(`#!lua name=a-b\nredis.register_function('f', ${fn})`),
      load(`#!lua name=\nredis.register_function('f', ${fn})`), load(`#!py name=a\nredis.register_function('f', ${fn})`),
      load(`#!py name=x-y\nredis.register_function('f', ${fn})`), load(`#!\nredis.register_function('f', ${fn})`),
      load(`#!lua "name=a b"\nredis.register_function('f', ${fn})`), load(`#!lua "name=ab\nredis.register_function('f', ${fn})`),
      load(`#!lua name=ab\0\nredis.register_function('f', ${fn})`), load(`#!lua name=éé\nredis.register_function('f', ${fn})`),
      load(`#!lua name=e\tx\nredis.register_function('f4', ${fn})`), load(`#! lua name=a\nredis.register_function('f', ${fn})`),
      load(`#!LUA name=a\nredis.register_function('f', ${fn})`), load(`#!lua "name=b"\r\nredis.register_function('f', ${fn})`),
      load(`#!lua name=a\nbad code`), load(`#!lua name=c\nredis.register_function('f', ${fn})`), load(`#!lua NAME=c\n`),
      ['FUNCTION', 'LOAD', 'REPLACE', `#!lua name=a\nredis.register_function('f', function() return 2 end)`], ['FCALL', 'f', '0'],
      ['FUNCTION', 'LOAD', 'X', 'code'], ['FUNCTION', 'LOAD', 'REPLACE'], ['FUNCTION', 'LOAD', 'REPLACE', 'a', 'b'], ['FUNCTION', 'LOAD'],
      ['FUNCTION', 'LOAD', 'replace', 'REPLACE', lib('a', `redis.register_function('f', function() return 3 end)`)], ['FCALL', 'f', '0'],
      sorted(['FUNCTION', 'LIST']),
    ],
  },
  {
    name: 'redis.register_function checks and the load environment',
    steps: [
      flush,
      reg("local x = string.format('%d', 1)"), reg("local x = redis.call('ping')"), reg('x = 1'), reg('redis.redis = 1'),
      reg('redis.register_function()'), reg("redis.register_function('a')"), reg("redis.register_function('a', 'b')"),
      reg(`redis.register_function(1, ${fn})`), reg(`redis.register_function('a', ${fn}, 'c')`), reg(`redis.register_function('a', ${fn}, nil)`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={'no-writes'}, description='desc'})`),
      reg("redis.register_function({function_name='a'})"), reg(`redis.register_function({callback=${fn}})`),
      reg(`redis.register_function({function_name=1, callback=${fn}})`), reg("redis.register_function({function_name='a', callback=1})"),
      reg(`redis.register_function({function_name='a', callback=${fn}, description=1})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags='no-writes'})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={'foo'}})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={1}})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={true}})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={'NO-WRITES', nil, 'foo'}})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, flags={a='no-writes'}})`),
      reg(`redis.register_function({function_name='a', callback=${fn}, foo=1})`), reg(`redis.register_function({function_name='a', callback=${fn}, [1]=1})`),
      reg('redis.register_function({})'), reg('redis.register_function({[{}]=1})'), reg(`redis.register_function('a-b', ${fn})`),
      reg(`redis.register_function('', ${fn})`), reg(`redis.register_function('a', ${fn}) redis.register_function('a', ${fn})`),
      reg(`redis.register_function('a', ${fn}) redis.register_function('b', ${fn}) redis.register_function('c', ${fn})`),
      reg(`redis.register_function('a', 1)`), reg(`redis.register_function('a', nil)`), reg(`redis.register_function(nil, ${fn})`),
      reg(`redis.register_function({function_name='a', callback=${fn}}, 2)`),
      reg(`redis.register_function{function_name='a', callback=${fn}, description={}}`),
      reg(`redis.register_function{function_name={}, callback=${fn}}`),
      reg(`local f = redis.register_function f('a', ${fn})`),
      reg("redis.log(redis.LOG_WARNING, 'hi') redis.register_function('a', function() return redis.REDIS_VERSION end) return 5"),
      ['FCALL', 'a', '0'],
      reg("local x = redis.LOG_WARNING + redis.LOG_NOTICE + redis.LOG_VERBOSE + redis.LOG_DEBUG redis.register_function('a', function() return x end)"),
      ['FCALL', 'a', '0'],
      reg("local v = redis.REDIS_VERSION_NUM redis.register_function('a', function() return v end)"), ['FCALL', 'a', '0'],
      reg('local x = redis.REPL_ALL'), reg('redis.log(1)'), reg("redis.log('x', 'y')"), reg("redis.log(99, 'y')"),
      reg('local x = redis.set_repl'), reg('local x = redis.error_reply'), reg('redis.setresp(3)'), reg("redis.pcall('ping')"),
      reg("print('x')"), reg("local t = redis.sha1hex('x')"), reg('return _G'), reg('local x = _G.foo'), reg('local x = KEYS'),
      reg("error('boom')"), reg("local r = pcall(function() end)"),
    ],
  },
  {
    name: 'FUNCTION LOAD timeout',
    protos: [2],
    steps: [flush, reg('while true do end'), reg(`local i = 0 while i < 1000000 do i = i + 1 end redis.register_function('a', function() return i end)`), ['FCALL', 'a', '0']],
  },
  {
    name: 'FCALL results and errors',
    steps: [
      flush, load(rLib),
      ['FCALL', 'nofunc', 'x'], ['FCALL', 'nofunc', '5'], ['FCALL_RO', 'nofunc', '0'], ['FCALL', 'e1', 'x'], ['FCALL', 'e1', ' 1', 'k'],
      ['FCALL', 'e1', '1.0', 'k'], ['FCALL', 'e1', '01', 'k'], ['FCALL', 'e1', '1'], ['FCALL', 'e1', '-1'],
      ['FCALL', 'e1', '99999999999999999999'],
      ['FCALL', 'e1', '0'], ['FCALL', 'e2', '0'], ['FCALL', 'g', '0'], ['FCALL', 's', '0'], ['FCALL', 'k', '0'],
      ['FCALL', 'nest', '0'], ['FCALL', 'lst', '0'], ['FCALL', 'ok', '0'], ['FCALL', 't3', '0'], ['FCALL', 'tbl', '2', 'a', 'b', 'c'],
      ['FCALL', 'er', '0'], ['FCALL', 'pc', '0'], ['FCALL', 'ga', '0'],
      ['FCALL', 'w', '1', k0], ['FCALL_RO', 'w', '1', k0], ['FCALL_RO', 'r', '1', k0], ['FCALL', 'r', '1', k0],
      ['FCALL', 'rw', '1', k0], ['FCALL_RO', 'rw', '1', k0],
      ['EVAL', "return redis.call('fcall', 'e1', 0)", '0'], ['EVAL', "return redis.call('function', 'list')", '0'],
      ['MULTI'], ['FCALL', 'w', '1', k1], ['FUNCTION', 'LOAD', lib('M', "redis.register_function('mf', function() return 'm' end)")],
      ['FCALL', 'mf', '0'], ['FUNCTION', 'DELETE', 'M'], ['FCALL', 'mf', '0'], ['EXEC'],
    ],
  },
  {
    name: 'functions over keys in two shards and undeclared keys',
    steps: [
      flush,
      load(lib('X', [
        "redis.register_function('mv', function(k) redis.call('set', k[2], redis.call('get', k[1])) return redis.call('mget', k[1], k[2]) end)",
        "redis.register_function('hid', function(k, a) redis.call('incr', a[1]) redis.call('incr', a[2]) return redis.call('mget', a[1], a[2]) end)",
        "redis.register_function('sel', function(k) redis.call('select', 3) redis.call('set', k[1], 'x') return redis.call('get', k[1]) end)",
      ].join('\n'))),
      ['SET', k0, 'va'], ['FCALL', 'mv', '2', k0, k1], ['FCALL', 'hid', '0', k0 + 'n', k1 + 'n'],
      ['FCALL', 'hid', '1', k0, k0 + 'n', k1 + 'n'], ['MGET', k0, k1, k0 + 'n', k1 + 'n'], ['FCALL', 'sel', '1', k0], ['GET', k0],
    ],
  },
  {
    name: 'FUNCTION DUMP and RESTORE',
    steps: () => {
      const a = lib('A', "redis.register_function('fa', function() return 'a' end)");
      const b = lib('B', "redis.register_function('fb', function() return 'b' end)");
      const b2 = lib('B', "redis.register_function('fb', function() return 'b2' end)");
      const c = lib('C', "redis.register_function('fa', function() return 'c' end)");
      const bad = payload([a]);
      bad[2] ^= 1;
      return [
        flush, load(a),
        check(['FUNCTION', 'DUMP'], (r) => ('v' in r && r.v !== null && r.v.length > 10 ? null : 'not a payload')),
        ['FUNCTION', 'RESTORE', payload([a])], ['FUNCTION', 'RESTORE', payload([b])], ['FCALL', 'fb', '0'],
        ['FUNCTION', 'RESTORE', payload([b2])], ['FUNCTION', 'RESTORE', payload([b2]), 'replace'], ['FCALL', 'fb', '0'],
        ['FUNCTION', 'RESTORE', payload([c]), 'REPLACE'], ['FUNCTION', 'RESTORE', payload([c]), 'APPEND'],
        ['FUNCTION', 'RESTORE', payload([c]), 'FLUSH'], ['FCALL', 'fa', '0'], sorted(['FUNCTION', 'LIST']),
        ['FUNCTION', 'RESTORE', payload([])], ['FUNCTION', 'RESTORE', payload([], 9)], ['FUNCTION', 'RESTORE', payload([a], 11)],
        ['FUNCTION', 'RESTORE', bad], ['FUNCTION', 'RESTORE', 'xx'], ['FUNCTION', 'RESTORE', ''], ['FUNCTION', 'RESTORE', '0123456789'],
        ['FUNCTION', 'RESTORE', 'xx', 'FOO'], ['FUNCTION', 'RESTORE', 'xx', 'FLUSH', 'x'],
        ['FUNCTION', 'RESTORE', withTrailer([0x00, 1, 0x41])], ['FUNCTION', 'RESTORE', withTrailer([0xf5])],
        ['FUNCTION', 'RESTORE', withTrailer([0xf5, 60, 0x41])], ['FUNCTION', 'RESTORE', withTrailer([0xf5, 10, 0x41])],
        ['FUNCTION', 'RESTORE', withTrailer([0xf5, 0xc3])], ['FUNCTION', 'RESTORE', withTrailer([0xf5, 0xc0, 5])],
        ['FUNCTION', 'RESTORE', withTrailer([0xf6])], ['FUNCTION', 'RESTORE', withTrailer([0xf6, 2, 0x70, 0x67, 3, 0x4c, 0x55, 0x41])],
        ['FUNCTION', 'RESTORE', payload([a, a])], ['FUNCTION', 'RESTORE', payload([b, lib('D', "redis.register_function('fb', function() end)")])],
        ['FUNCTION', 'RESTORE', payload(['return 1'])], ['FUNCTION', 'RESTORE', payload([lib('E', '')])],
        sorted(['FUNCTION', 'LIST']), ['FUNCTION', 'STATS'],
      ];
    },
  },
];

compatSuite('functions vs redis-server', cases);

describe.skipIf(!redisAvailable())('FUNCTION DUMP payloads move between redis-server and Spindle', () => {
  let redis: RunningTestServer, spindle: RunningTestServer;
  beforeAll(async () => {
    [redis, spindle] = await Promise.all([startRedis() as Promise<RunningTestServer>, startSpindle({ shards: 2 })]);
  }, 30000);
  afterAll(async () => {
    await spindle?.close();
    await redis?.close();
  });

  it('a compressed redis-server dump restores in Spindle and a Spindle dump restores in redis-server', async () => {
    const [R, S] = await Promise.all([rawClient(redis.port), rawClient(spindle.port)]);
    const big = lib('big', Array.from({ length: 40 }, (_, i) => `redis.register_function('big${i}', function() return 'value ${i} abcabcabc' end)`).join('\n'));
    const small = lib('small', "redis.register_function{function_name='s1', callback=function() return 1 end, flags={'no-writes'}, description='d'}");
    for (const x of [R, S]) {
      await x.send('FUNCTION', 'FLUSH');
      await x.send('FUNCTION', 'LOAD', big);
      await x.send('FUNCTION', 'LOAD', small);
    }
    const bulk = (b: Buffer) => b.subarray(b.indexOf('\r\n') + 2, b.length - 2);
    const rd = bulk(await R.send('FUNCTION', 'DUMP')), sd = bulk(await S.send('FUNCTION', 'DUMP'));
    expect(rd.length).toBeLessThan(sd.length); // redis-server compresses (LZF), Spindle does not
    expect((await S.send('FUNCTION', 'RESTORE', rd, 'FLUSH')).toString()).toBe('+OK\r\n');
    expect((await R.send('FUNCTION', 'RESTORE', sd, 'FLUSH')).toString()).toBe('+OK\r\n');
    for (const cmd of [['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'small'], ['FCALL', 'big37', '0'], ['FUNCTION', 'STATS']]) {
      expect((await S.send(...cmd)).toString()).toBe((await R.send(...cmd)).toString());
    }
    R.destroy();
    S.destroy();
  });
});
