/**
 * Scripting against redis-server, raw reply bytes in RESP2 and RESP3: EVAL error cases (texts
 * with the script's SHA and position), Lua → RESP conversions of script results, RESP → Lua
 * conversions of redis.call replies (under redis.setresp 2 and 3), the libraries and the
 * sandbox. The runner is in test/helpers/types-kit.ts.
 */
import { compatSuite, keysInShards, type Case } from '../helpers/types-kit.js';

const [k0, k1] = keysInShards('lk', 2);
const ev = (script: string, ...rest: string[]) => ['EVAL', script, String(rest.length ? rest[0] : 0), ...rest.slice(1)];
const e0 = (script: string) => ['EVAL', script, '0'];

const cases: Case[] = [
  {
    name: 'Lua → RESP: scalars, arrays, ok/err tables, nil holes',
    steps: [
      e0('return 1'), e0('return -7.9'), e0('return 3.99999'), e0('return "str"'), e0('return true'), e0('return false'),
      e0('return nil'), e0('return {}'), e0('return {1, 2.7, -3.9, "x", true, false, nil, 5}'),
      e0('return {ok="fine"}'), e0('return {err="MY bad thing"}'), e0('return {err=""}'), e0('return {ok="a\\r\\nb"}'),
      e0('return {1,{ok="s"},{err="e"},{2,{3}}}'), e0('return {err="x", ok="y"}'), e0('return {a=1, b=2}'),
      e0('return 1e20'), e0('return -1e20'), e0('return 2^53 + 1'), e0('return 9007199254740993'),
    ],
  },
  {
    name: 'Lua → RESP3 shapes (client protocol decides the downgrade)',
    steps: [
      e0('return {double=3.5}'), e0('return {double=1/0}'), e0('return {map={a=1}}'), e0('return {set={x=true}}'),
      e0('return {big_number="1234567890123456789"}'), e0('return {verbatim_string={format="txt", string="hi"}}'),
      e0('return {{double=0.25}, {map={k={1,2}}}}'),
    ],
  },
  {
    name: 'RESP → Lua under setresp 2 and 3',
    steps: [
      ['HSET', 'h', 'f', 'v'], ['RPUSH', 'l', 'a', 'b'], ['SADD', 'st', 'm'], ['ZADD', 'z', '1.5', 'a'],
      e0('return redis.call("HGETALL", "h")'),
      e0('redis.setresp(3) local r = redis.call("HGETALL", "h") return r.map.f'),
      e0('redis.setresp(3) return redis.call("HGETALL", "h")'),
      e0('redis.setresp(3) return redis.call("SMEMBERS", "st")'),
      e0('redis.setresp(3) return redis.call("ZSCORE", "z", "a")'),
      e0('redis.setresp(3) return type(redis.call("ZSCORE", "z", "a").double)'),
      e0('redis.setresp(3) return redis.call("GET", "nosuch") == nil'),
      e0('return redis.call("GET", "nosuch") == false'),
      e0('return redis.call("ZSCORE", "z", "a")'),
      e0('return redis.call("LRANGE", "l", 0, -1)'),
      e0('return redis.call("SET", "s", "v")'),
      e0('return redis.call("INCR", "n")'),
      e0('return redis.pcall("INCR", "h")'),
      e0('return redis.pcall("LPUSH", "s", 1)'),
      e0('redis.call("SET", "n1", 3.0) redis.call("SET", "n2", 10/3) redis.call("SET", "n3", 2^60) return redis.call("MGET", "n1", "n2", "n3")'),
    ],
  },
  {
    name: 'EVAL argument and script errors',
    steps: [
      ['EVAL', 'return 1', '-1'], ['EVAL', 'return 1', 'x'], ['EVAL', 'return 1', '2', 'a'], ['EVAL', 'return 1'],
      e0('return x'), e0('x = 1'), e0('return +'), e0('error("boom")'), e0('error({err="MY boom"})'),
      e0('error("x", 0)'), e0('error()'), e0('error({err="ab\\ncd"})'), e0('local function f() error("deep") end f()'),
      e0('return redis.call("nosuch")'), e0('return redis.call("get", "a", "b")'), e0('return redis.call()'),
      e0('return redis.call({})'), e0('return redis.call("set", "a", {})'), e0('return redis.call("blpop", "zz", 0)'),
      e0('return redis.call("subscribe", "a")'), e0('return redis.pcall("nosuch")'),
      e0('return redis.setresp(4)'), e0('return redis.status_reply()'), e0('return redis.sha1hex()'),
      e0('return redis.log(99, "x")'), e0('redis.log(1)'), e0('redis.setresp()'),
      e0('return redis.error_reply("x")'), e0('return redis.error_reply("my x")'), e0('return redis.error_reply("-x y")'),
      e0('return redis.error_reply("ABC")'), e0('return redis.error_reply("")'),
      ['EVALSHA', '0123456789012345678901234567890123456789', '0'], ['EVALSHA', 'short', '0'],
      ['EVAL_RO', 'return redis.call("set","a","b")', '0'], ['EVAL_RO', 'return redis.call("get","a")', '0'],
      e0('return redis.call("config", "nosuch")'), e0('return redis.call("object")'),
      e0('local t = {} local c = t for i = 1, 100 do c[1] = {} c = c[1] end return t'),
      e0('string.x = 1'), e0('redis = 1'), e0('return os'), e0('return io'), e0('return dofile'), e0('return loadfile'),
    ],
  },
  {
    name: 'SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP and EVALSHA',
    steps: [
      ['SCRIPT', 'LOAD', 'return ARGV[1]'], ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'ffffffffffffffffffffffffffffffffffffffff'],
      ['SCRIPT', 'LOAD', 'return 1'], ['SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
      ['SCRIPT', 'LOAD', 'return +'], ['SCRIPT', 'FLUSH', 'x'], ['SCRIPT', 'FLUSH', 'SYNC', 'ASYNC'], ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'], ['SCRIPT', 'KILL'], ['SCRIPT', 'HELP'], ['SCRIPT', 'NOSUCH'],
      ['SCRIPT', 'EXISTS'], ['SCRIPT'],
    ],
  },
  {
    name: 'Lua 5.1 numbers and compat functions',
    steps: [
      e0('return tostring(10/2) .. " " .. tostring(tonumber("10")/3) .. " " .. tostring(1e15) .. " " .. tostring(-0.0)'),
      e0('return string.format("%d %s %5.2f %x", 7.9, 2.0, 1/3, 255)'),
      e0('return {unpack({1,2,3})}'), e0('return table.getn({1,2,3})'), e0('return math.mod(7, 4)'), e0('return math.pow(2, 10)'),
      e0('return table.maxn({1, 2, [10]=3})'), e0('return loadstring("return 7")()'), e0('return _VERSION'),
      e0('return select("#", 1, 2, 3)'), e0('return math.floor(7.5) + math.ceil(1.2)'), e0('return #"abc"'),
    ],
  },
  {
    name: 'cjson, cmsgpack, bit, struct',
    steps: [
      e0('return cjson.encode({1, 2, "a/b", {x=1}})'), e0('return cjson.encode({})'), e0('return cjson.encode({a={}})'),
      e0('return cjson.encode(cjson.decode("[1,2,3]"))'), e0('return cjson.decode("{\\"a\\":[1,2,{\\"b\\":null}]}").a[2]'),
      e0('return cjson.encode(3.5) .. cjson.encode(1e20) .. cjson.encode(true) .. cjson.encode("x\\ny")'),
      e0('return cjson.decode("[1,null,3]")[2] == cjson.null'),
      e0('return cmsgpack.pack({1, 2, 3})'), e0('return cmsgpack.pack({a=1})'), e0('return cmsgpack.pack(1.5, -1, 200, 70000, "hi", true, false)'),
      e0('return {cmsgpack.unpack(cmsgpack.pack(1, "two", {3}))}'), e0('return cmsgpack.pack(0.1)'),
      e0('return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4)}'),
      e0('return {bit.tohex(255), bit.tohex(-1, -4), bit.tobit(2^32 + 5), bit.rol(1, 33), bit.bswap(0x01020304)}'),
      e0('return struct.pack(">I2<i4c3", 258, -2, "abcdef")'), e0('return {struct.unpack(">I2<i4", "\\1\\2\\254\\255\\255\\255")}'),
      e0('return struct.size("!4 b i4 d")'), e0('return {struct.unpack("s", "ab\\0cd")}'),
    ],
  },
  {
    name: 'scripts across shards (declared and undeclared keys)',
    steps: [
      ev('redis.call("SET", KEYS[1], "1") redis.call("SET", KEYS[2], "2") return redis.call("MGET", KEYS[1], KEYS[2])', '2', k0, k1),
      ev('redis.call("SET", ARGV[1], "u1") redis.call("INCR", ARGV[2]) return redis.call("MGET", ARGV[1], ARGV[2])', '0', k0, k1),
      ['MGET', k0, k1],
      ev('redis.call("SELECT", 3) redis.call("SET", KEYS[1], "x") return redis.call("GET", KEYS[1])', '1', k0),
      ['GET', k0],
    ],
  },
];

compatSuite('scripting vs redis-server', cases);
