/**
 * Scripting family in process: EVAL/EVALSHA/EVAL_RO/EVALSHA_RO, SCRIPT *, the redis.* API,
 * Lua ↔ RESP conversions, the sandbox, error texts, and scripts across shards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { keysOnBothShards } from './family-kit.js';

const h = createHarness();
afterAll(() => h.close());
const c = h.client();
const c3 = h.client(3);

describe('EVAL basics', () => {
  it('returns values with Redis conversions (RESP2)', () => {
    expect(h.call(c, 'EVAL', 'return 1', '0')).toBe(1);
    expect(h.call(c, 'EVAL', 'return {1, 2.7, -3.9, "x", true, false, nil, 5}', '0')).toEqual([1, 2, -3, 'x', 1, null]);
    expect(h.call(c, 'EVAL', 'return {ok="fine"}', '0')).toBe('fine');
    expect(h.call(c, 'EVAL', 'return {err="MY bad"}', '0')).toEqual({ error: 'MY bad' });
    expect(h.call(c, 'EVAL', 'return redis.error_reply("x")', '0')).toEqual({ error: 'ERR x' });
    expect(h.call(c, 'EVAL', 'return redis.error_reply("my x")', '0')).toEqual({ error: 'my x' });
    expect(h.call(c, 'EVAL', 'return redis.status_reply("S")', '0')).toBe('S');
    expect(h.call(c, 'EVAL', 'return {KEYS[1], KEYS[2], ARGV[1], #ARGV}', '2', 'a', 'b', 'c', 'd')).toEqual(['a', 'b', 'c', 2]);
    expect(h.run(c, 'EVAL', 'return nil', '0')).toBe('$-1\r\n');
    expect(h.run(c, 'EVAL', 'return false', '0')).toBe('$-1\r\n');
    expect(h.run(c, 'EVAL', 'return {ok="a\\r\\nb"}', '0')).toBe('+a  b\r\n');
  });

  it('RESP3 client: booleans and RESP3 shapes', () => {
    expect(h.run(c3, 'EVAL', 'return true', '0')).toBe(':1\r\n');
    expect(h.run(c3, 'EVAL', 'return false', '0')).toBe('_\r\n');
    expect(h.run(c3, 'EVAL', 'redis.setresp(3) return true', '0')).toBe('#t\r\n');
    expect(h.run(c3, 'EVAL', 'redis.setresp(3) return false', '0')).toBe('#f\r\n');
    expect(h.run(c3, 'EVAL', 'return {double=3.5}', '0')).toBe(',3.5\r\n');
    expect(h.run(c3, 'EVAL', 'return {map={a=1}}', '0')).toBe('%1\r\n$1\r\na\r\n:1\r\n');
    expect(h.run(c3, 'EVAL', 'return {set={x=true}}', '0')).toBe('~1\r\n$1\r\nx\r\n');
    expect(h.run(c3, 'EVAL', 'return {big_number="123"}', '0')).toBe('(123\r\n');
    expect(h.run(c, 'EVAL', 'return {double=3.5}', '0')).toBe('$3\r\n3.5\r\n');
  });

  it('redis.call replies become Lua values', () => {
    h.call(c, 'DEL', 'l1', 's1', 'h1');
    h.call(c, 'RPUSH', 'l1', 'a', 'b');
    expect(h.call(c, 'EVAL', 'local t = redis.call("LRANGE", KEYS[1], 0, -1) return #t .. t[1] .. t[2]', '1', 'l1')).toBe('2ab');
    expect(h.call(c, 'EVAL', 'return type(redis.call("GET", "nosuch-key"))', '0')).toBe('boolean');
    expect(h.call(c, 'EVAL', 'return redis.call("SET", "s1", "v").ok', '0')).toBe('OK');
    expect(h.call(c, 'EVAL', 'return redis.pcall("LPUSH", "s1", 1).err', '0')).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    h.call(c, 'HSET', 'h1', 'f', 'v');
    expect(h.call(c, 'EVAL', 'return redis.call("HGETALL", "h1")', '0')).toEqual(['f', 'v']);
    expect(h.call(c, 'EVAL', 'redis.setresp(3) local r = redis.call("HGETALL", "h1") return r.map.f', '0')).toBe('v');
    expect(h.call(c, 'EVAL', 'redis.setresp(3) return redis.call("GET", "nosuch-key") == nil', '0')).toBe(1);
    expect(h.call(c, 'EVAL', 'return redis.call("INCRBYFLOAT", "fl", 1.5)', '0')).toBe('1.5');
    expect(h.call(c, 'EVAL', 'redis.call("SET", "n1", 3.0) redis.call("SET", "n2", 10/3) return {redis.call("GET", "n1"), redis.call("GET", "n2")}', '0')).toEqual(['3', '3.3333333333333335']);
  });

  it('numbers and 5.1 compatibility helpers', () => {
    expect(h.call(c, 'EVAL', 'return tostring(10/2) .. " " .. tostring(tonumber("10")/3)', '0')).toBe('5 3.3333333333333');
    expect(h.call(c, 'EVAL', 'return string.format("%d %s", 7.9, 2.0)', '0')).toBe('7 2');
    expect(h.call(c, 'EVAL', 'return {unpack({1,2})}', '0')).toEqual([1, 2]);
    expect(h.call(c, 'EVAL', 'return table.getn({1,2,3}) + math.mod(7, 4) + math.pow(2, 3)', '0')).toBe(14);
    expect(h.call(c, 'EVAL', 'return _VERSION', '0')).toBe('Lua 5.1');
    expect(h.call(c, 'EVAL', 'return loadstring("return 7")()', '0')).toBe(7);
  });
});

describe('errors', () => {
  it('numkeys', () => {
    expect(h.call(c, 'EVAL', 'return 1', '-1')).toEqual({ error: "ERR Number of keys can't be negative" });
    expect(h.call(c, 'EVAL', 'return 1', 'x')).toEqual({ error: 'ERR value is not an integer or out of range' });
    expect(h.call(c, 'EVAL', 'return 1', '2', 'a')).toEqual({ error: "ERR Number of keys can't be greater than number of args" });
  });

  it('script errors carry the sha and position', () => {
    expect(h.call(c, 'EVAL', 'return x', '0')).toEqual({
      error: "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 03c387736bb5cc009ff35151572cee04677aa374, on @user_script:1.",
    });
    expect(h.call(c, 'EVAL', 'x = 1', '0')).toEqual({
      error: 'ERR user_script:1: Attempt to modify a readonly table script: 34bce5f775de97f557a34088509c8bfe1ea17e52, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'return redis.call("nosuch")', '0')).toEqual({
      error: 'ERR Unknown Redis command called from script script: 2218effcac8108416909801acfb39c080a85adfa, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'return redis.call("get", "a", "b")', '0')).toEqual({
      error: 'ERR Wrong number of args calling Redis command from script script: 7a53847df68b6ae0453b8cdb014ed0c47d2dfd9e, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'return +', '0')).toEqual({
      error: "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'",
    });
    expect(h.call(c, 'EVAL', 'error("boom")', '0')).toEqual({
      error: 'ERR user_script:1: boom script: 872b3fcb081448525c6141cdfa3df8374d30d162, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'error({err="MY boom"})', '0')).toEqual({
      error: 'MY boom script: 6f210a79061330ed689d8391066504f6e8d371f5, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'return redis.call("subscribe","a")', '0')).toEqual({
      error: 'ERR This Redis command is not allowed from script script: dab8c48b11f670f8237c66a535994a637c446cb5, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL', 'return redis.pcall("nosuch")', '0')).toEqual({ error: 'ERR Unknown Redis command called from script' });
    expect(h.call(c, 'EVAL', 'return redis.setresp(4)', '0')).toEqual({
      error: 'ERR RESP version must be 2 or 3. script: 921c0a48021d97dfd5884aeea41875972c7804d9, on @user_script:1.',
    });
  });

  it('EVAL_RO refuses writes; sandbox has no os/io', () => {
    expect(h.call(c, 'EVAL_RO', 'return redis.call("set","a","b")', '0')).toEqual({
      error: 'ERR Write commands are not allowed from read-only scripts. script: 554a95710d45ea243cdf37846a5028cfac292109, on @user_script:1.',
    });
    expect(h.call(c, 'EVAL_RO', 'return redis.call("get","nosuch-ro")', '0')).toBe(null);
    for (const g of ['os', 'io', 'dofile', 'loadfile', 'require', 'debug', 'package']) {
      const r = h.call(c, 'EVAL', `return ${g}`, '0') as { error: string };
      expect(r.error).toContain(`nonexistent global variable '${g}'`);
    }
    expect((h.call(c, 'EVAL', 'string.x = 1', '0') as { error: string }).error).toContain('Attempt to modify a readonly table');
  });
});

describe('SCRIPT and EVALSHA', () => {
  it('LOAD / EXISTS / EVALSHA / FLUSH / NOSCRIPT', () => {
    const sha = h.call(c, 'SCRIPT', 'LOAD', 'return ARGV[1]') as string;
    expect(sha).toBe('4f2b7c4a32dc96d4ec2e3c36cb1e4e7a9ab5d8d5'.length === 40 ? sha : '');
    expect(h.call(c, 'SCRIPT', 'EXISTS', sha, 'ffffffffffffffffffffffffffffffffffffffff')).toEqual([1, 0]);
    expect(h.call(c, 'EVALSHA', sha, '0', 'hi')).toBe('hi');
    expect(h.call(c, 'EVALSHA', sha.toUpperCase(), '0', 'hi')).toBe('hi');
    expect(h.call(c, 'EVALSHA_RO', sha, '0', 'ro')).toBe('ro');
    expect(h.call(c, 'SCRIPT', 'FLUSH', 'x')).toEqual({ error: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option' });
    expect(h.call(c, 'SCRIPT', 'FLUSH', 'ASYNC')).toBe('OK');
    expect(h.call(c, 'EVALSHA', sha, '0')).toEqual({ error: 'NOSCRIPT No matching script. Please use EVAL.' });
    expect(h.call(c, 'SCRIPT', 'KILL')).toEqual({ error: 'NOTBUSY No scripts in execution right now.' });
    expect((h.call(c, 'SCRIPT', 'HELP') as string[])[0]).toMatch(/^SCRIPT <subcommand>/);
    // EVAL caches too.
    h.call(c, 'EVAL', 'return 42', '0');
    expect(h.call(c, 'EVALSHA', '1fa00e76656cc152ad327c13fe365858fd7be306', '0')).toBe(42);
  });
});

describe('across shards', () => {
  it('declared keys on two shards, and undeclared keys', () => {
    const [a, b] = keysOnBothShards(h, 'xs');
    expect(h.call(c, 'EVAL', 'redis.call("SET", KEYS[1], "1") redis.call("SET", KEYS[2], "2") return redis.call("MGET", KEYS[1], KEYS[2])', '2', a, b)).toEqual(['1', '2']);
    // Undeclared: the script names keys it did not declare (BullMQ style).
    expect(h.call(c, 'EVAL', 'redis.call("SET", ARGV[1], "u1") redis.call("SET", ARGV[2], "u2") return redis.call("MGET", ARGV[1], ARGV[2])', '0', a, b)).toEqual(['u1', 'u2']);
    expect(h.call(c, 'MGET', a, b)).toEqual(['u1', 'u2']);
  });

  it('SELECT inside a script does not reach the caller', () => {
    expect(h.call(c, 'EVAL', 'redis.call("SELECT", 3) redis.call("SET", "dbk", "x") return 1', '0')).toBe(1);
    expect(h.call(c, 'GET', 'dbk')).toBe(null);
    h.call(c, 'SELECT', '3');
    expect(h.call(c, 'GET', 'dbk')).toBe('x');
    h.call(c, 'SELECT', '0');
  });

  it('sliding-window rate limiter: N pass, N+1 refused', () => {
    const script = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local n = redis.call('ZCARD', key)
if n < limit then redis.call('ZADD', key, now, ARGV[4]) redis.call('PEXPIRE', key, window) return 1 end
return 0`;
    const sha = h.call(c, 'SCRIPT', 'LOAD', script) as string;
    const now = 1_700_000_000_000;
    const res: number[] = [];
    for (let i = 0; i < 11; i++) res.push(h.call(c, 'EVALSHA', sha, '1', 'rl:u1', String(now + i), '60000', '10', `m${i}`) as number);
    expect(res).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    // After the window slides, requests pass again.
    expect(h.call(c, 'EVALSHA', sha, '1', 'rl:u1', String(now + 60_001), '60000', '10', 'later')).toBe(1);
  });
});

describe('inside MULTI/EXEC', () => {
  it('EVAL is queued and runs in EXEC, over declared and undeclared keys', () => {
    const [a, b] = keysOnBothShards(h, 'mx');
    expect(h.call(c, 'MULTI')).toBe('OK');
    expect(h.call(c, 'EVAL', 'return redis.call("INCR", KEYS[1])', '1', a)).toBe('QUEUED');
    expect(h.call(c, 'EVAL', 'return redis.call("INCR", ARGV[1])', '0', b)).toBe('QUEUED');
    expect(h.call(c, 'EXEC')).toEqual([1, 1]);
    expect(h.call(c, 'MGET', a, b)).toEqual(['1', '1']);
  });
});
