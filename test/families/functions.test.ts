/**
 * Functions family in process: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL/HELP,
 * FCALL/FCALL_RO, redis.register_function, the load environment, flags, error texts, RESP3
 * shapes, and functions over keys in two shards and undeclared keys.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { keysOnBothShards } from './family-kit.js';
import { crc64, dumpPayload, lzfDecompress, parsePayload } from '../../src/scripting/functions-dump.js';

const h = createHarness();
afterAll(() => h.close());
const c = h.client();
const c3 = h.client(3);

const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;
const ret = (fname: string, v = '1') => `redis.register_function('${fname}', function(keys, args) return ${v} end)`;
const load = (code: string, ...opts: string[]) => h.call(c, 'FUNCTION', 'LOAD', ...opts, code);
const reg = (code: string) => h.call(c, 'FUNCTION', 'LOAD', 'REPLACE', lib('L', code));
const regErr = (msg: string) => ({ error: `ERR Error registering functions: ${msg}` });

beforeEach(() => {
  h.call(c, 'FUNCTION', 'FLUSH');
});

describe('FUNCTION LOAD and FCALL', () => {
  it('loads a library, calls its functions with KEYS and ARGV as arguments', () => {
    expect(load(lib('mylib', "redis.register_function('echo', function(keys, args) return {keys, args} end)"))).toBe('mylib');
    expect(h.call(c, 'FCALL', 'echo', '2', 'k1', 'k2', 'a1')).toEqual([['k1', 'k2'], ['a1']]);
    expect(h.call(c, 'FCALL', 'ECHO', '0')).toEqual([[], []]);
    expect(h.run(c, 'FCALL', 'echo', '0', 'x')).toBe('*2\r\n*0\r\n*1\r\n$1\r\nx\r\n');
  });

  it('metadata errors in Redis order', () => {
    const f = ret('f');
    expect(load(f)).toEqual({ error: 'ERR Missing library metadata' });
    expect(load('#!lua name=a')).toEqual({ error: 'ERR Invalid library metadata' });
    expect(load('#!lua name=a\0\n' + f)).toEqual({ error: 'ERR Invalid library metadata' });
    expect(load('#!lua "name=a\n' + f)).toEqual({ error: 'ERR Invalid library metadata' });
    expect(load('#!lua\n' + f)).toEqual({ error: 'ERR Library name was not given' });
    expect(load('#!lua name=a foo=bar\n' + f)).toEqual({ error: 'ERR Invalid metadata value given: foo=bar' });
    expect(load('#!lua name=a NAME=b\n' + f)).toEqual({ error: 'ERR Invalid metadata value, name argument was given multiple times' });
    expect(load('#!py name=x-y\n' + f)).toEqual({ error: 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long' });
    expect(load('#!py name=a\n' + f)).toEqual({ error: "ERR Engine 'py' not found" });
    expect(load('#!LUA "name=ok_1"\r\n' + f)).toBe('ok_1');
    expect(load(lib('ok_1', 'bad code'))).toEqual({ error: "ERR Library 'ok_1' already exists" });
    expect(load(lib('a', 'x ='))).toEqual({ error: expect.stringMatching(/^ERR Error compiling function: user_function:2: /) });
    expect(load(lib('a', ''))).toEqual({ error: 'ERR No functions registered' });
    expect(load(lib('a', ret('f')))).toEqual({ error: 'ERR Function f already exists' });
    expect(load(lib('a', ret('F')))).toEqual({ error: 'ERR Function F already exists' });
  });

  it('LOAD options', () => {
    expect(h.call(c, 'FUNCTION', 'LOAD', 'X', 'code')).toEqual({ error: 'ERR Unknown option given: X' });
    expect(h.call(c, 'FUNCTION', 'LOAD', 'REPLACE')).toEqual({ error: 'ERR Missing library metadata' });
    expect(h.call(c, 'FUNCTION', 'LOAD', 'replace', 'REPLACE', lib('r', ret('r')))).toBe('r');
    expect(h.call(c, 'FUNCTION', 'LOAD')).toEqual({ error: "ERR wrong number of arguments for 'function|load' command" });
  });

  it('REPLACE swaps the library, keeps it on error, and starts its state afresh', () => {
    const counter = "local n = 0 redis.register_function('inc', function() n = n + 1 return n end)";
    load(lib('cnt', counter));
    expect([h.call(c, 'FCALL', 'inc', '0'), h.call(c, 'FCALL', 'inc', '0')]).toEqual([1, 2]);
    expect(load(lib('cnt', 'bad code'), 'REPLACE')).toEqual({ error: expect.stringMatching(/^ERR Error compiling/) });
    expect(h.call(c, 'FCALL', 'inc', '0')).toBe(3);
    expect(load(lib('cnt', counter), 'REPLACE')).toBe('cnt');
    expect(h.call(c, 'FCALL', 'inc', '0')).toBe(1);
    load(lib('other', ret('o')));
    expect(load(lib('cnt', ret('o')), 'REPLACE')).toEqual({ error: 'ERR Function o already exists' });
    expect(h.call(c, 'FCALL', 'inc', '0')).toBe(2);
  });

  it('the load environment has only redis.register_function, log and the version/level constants', () => {
    expect(reg("local x = string.format('%d', 1)")).toEqual(regErr("ERR user_function:2: Script attempted to access nonexistent global variable 'string'"));
    expect(reg("redis.call('ping')")).toEqual(regErr("ERR user_function:2: Script attempted to access nonexistent global variable 'call'"));
    expect(reg('x = 1')).toEqual(regErr('ERR user_function:2: Attempt to modify a readonly table'));
    expect(reg('redis.x = 1')).toEqual(regErr('ERR user_function:2: Attempt to modify a readonly table'));
    expect(reg('local k = KEYS')).toEqual(regErr("ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS'"));
    expect(reg('redis.log(1)')).toEqual(regErr('ERR redis.log() requires two arguments or more.'));
    expect(reg("redis.log('x', 'y')")).toEqual(regErr('ERR First argument must be a number (log level).'));
    expect(reg('while true do end')).toEqual(regErr('ERR FUNCTION LOAD timeout'));
    const v = "local v = redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM .. ' ' .. redis.LOG_WARNING redis.log(redis.LOG_NOTICE, 'hi')";
    expect(reg(`${v} redis.register_function('v', function() return v end)`)).toBe('L');
    expect(h.call(c, 'FCALL', 'v', '0')).toBe('7.0.15 458767 3');
  });

  it('redis.register_function argument checks', () => {
    const fn = 'function() return 1 end';
    expect(reg('redis.register_function()')).toEqual(regErr('ERR wrong number of arguments to redis.register_function'));
    expect(reg(`redis.register_function('a', ${fn}, 'c')`)).toEqual(regErr('ERR wrong number of arguments to redis.register_function'));
    expect(reg("redis.register_function('a')")).toEqual(regErr('ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).'));
    expect(reg("redis.register_function('a', 'b')")).toEqual(regErr('ERR second argument to redis.register_function must be a function'));
    expect(reg(`redis.register_function(nil, ${fn})`)).toEqual(regErr('ERR first argument to redis.register_function must be a string'));
    expect(reg(`redis.register_function(true, ${fn})`)).toEqual(regErr('ERR first argument to redis.register_function must be a string'));
    expect(reg("redis.register_function({function_name='a'})")).toEqual(regErr('ERR redis.register_function must get a callback argument'));
    expect(reg(`redis.register_function({callback=${fn}})`)).toEqual(regErr('ERR redis.register_function must get a function name argument'));
    expect(reg(`redis.register_function({function_name={}, callback=${fn}})`)).toEqual(regErr('ERR function_name argument given to redis.register_function must be a string'));
    expect(reg("redis.register_function({function_name='a', callback=1})")).toEqual(regErr('ERR callback argument given to redis.register_function must be a function'));
    expect(reg(`redis.register_function({function_name='a', callback=${fn}, description={}})`)).toEqual(regErr('ERR description argument given to redis.register_function must be a string'));
    expect(reg(`redis.register_function({function_name='a', callback=${fn}, flags='no-writes'})`)).toEqual(regErr('ERR flags argument to redis.register_function must be a table representing function flags'));
    expect(reg(`redis.register_function({function_name='a', callback=${fn}, flags={'foo'}})`)).toEqual(regErr('ERR unknown flag given'));
    expect(reg(`redis.register_function({function_name='a', callback=${fn}, flags={true}})`)).toEqual(regErr('ERR unknown flag given'));
    expect(reg(`redis.register_function({function_name='a', callback=${fn}, foo=1})`)).toEqual(regErr('ERR unknown argument given to redis.register_function'));
    expect(reg('redis.register_function({[{}]=1})')).toEqual(regErr('ERR named argument key given to redis.register_function is not a string'));
    expect(reg(`redis.register_function('a-b', ${fn})`)).toEqual(regErr('ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long'));
    expect(reg(`redis.register_function('a', ${fn}) redis.register_function('a', ${fn})`)).toEqual(regErr('ERR Function already exists in the library'));
    // Spindle refuses names differing only in case (Redis 7.0.15 accepts them, then crashes on DELETE).
    expect(reg(`redis.register_function('a', ${fn}) redis.register_function('A', ${fn})`)).toEqual(regErr('ERR Function already exists in the library'));
    expect(reg(`redis.register_function(12, ${fn})`)).toBe('L');
    expect(h.call(c, 'FCALL', '12', '0')).toBe(1);
    expect(reg(`redis.register_function{FUNCTION_NAME='t', CallBack=${fn}, flags={'NO-WRITES', nil, 'foo'}, description=2}`)).toBe('L');
    expect(h.call(c, 'FUNCTION', 'LIST')).toEqual([
      ['library_name', 'L', 'engine', 'LUA', 'functions', [['name', 't', 'description', '2', 'flags', ['no-writes']]]],
    ]);
  });
});

describe('FCALL', () => {
  beforeEach(() => {
    load(lib('R', [
      "redis.register_function('e1', function() error('boom') end)",
      "redis.register_function('e2', function() error({err='MYERR x'}) end)",
      "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)",
      "redis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}",
      "redis.register_function{function_name='rw', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}",
      "redis.register_function('g', function() return foo end)",
      "redis.register_function('s', function() foo = 1 end)",
      "redis.register_function('k', function() return KEYS end)",
      "redis.register_function('nest', function() return redis.call('fcall', 'e1', 0) end)",
      "redis.register_function('ok', function() return redis.status_reply('FINE') end)",
      "redis.register_function('t3', function() redis.setresp(3) return redis.call('hgetall', 'nohash') end)",
      "redis.register_function('tbl', function() return {1, 'two', {3}, true, false} end)",
    ].join('\n')));
  });

  it('argument errors: the function first, then numkeys', () => {
    expect(h.call(c, 'FCALL', 'nofunc', 'x')).toEqual({ error: 'ERR Function not found' });
    expect(h.call(c, 'FCALL_RO', 'nofunc', '0')).toEqual({ error: 'ERR Function not found' });
    expect(h.call(c, 'FCALL', 'e1', 'x')).toEqual({ error: 'ERR Bad number of keys provided' });
    expect(h.call(c, 'FCALL', 'e1', '01', 'k')).toEqual({ error: 'ERR Bad number of keys provided' });
    expect(h.call(c, 'FCALL', 'e1', '1')).toEqual({ error: "ERR Number of keys can't be greater than number of args" });
    expect(h.call(c, 'FCALL', 'e1', '-1')).toEqual({ error: "ERR Number of keys can't be negative" });
    expect(h.call(c, 'FCALL', 'e1')).toEqual({ error: "ERR wrong number of arguments for 'fcall' command" });
  });

  it('error texts name the function and @user_function:<line>', () => {
    expect(h.call(c, 'FCALL', 'e1', '0')).toEqual({ error: 'ERR user_function:2: boom script: e1, on @user_function:2.' });
    expect(h.call(c, 'FCALL', 'e2', '0')).toEqual({ error: 'MYERR x script: e2, on @user_function:3.' });
    expect(h.call(c, 'FCALL', 'g', '0')).toEqual({ error: "ERR user_function:7: Script attempted to access nonexistent global variable 'foo' script: g, on @user_function:7." });
    expect(h.call(c, 'FCALL', 's', '0')).toEqual({ error: 'ERR user_function:8: Attempt to modify a readonly table script: s, on @user_function:8.' });
    expect(h.call(c, 'FCALL', 'k', '0')).toEqual({ error: "ERR user_function:9: Script attempted to access nonexistent global variable 'KEYS' script: k, on @user_function:9." });
    expect(h.call(c, 'FCALL', 'nest', '0')).toEqual({ error: 'ERR This Redis command is not allowed from script script: nest, on @user_function:10.' });
    expect(h.call(c, 'EVAL', "return redis.call('function', 'list')", '0')).toEqual({ error: expect.stringMatching(/^ERR This Redis command is not allowed from script/) });
  });

  it('no-writes and FCALL_RO', () => {
    expect(h.call(c, 'FCALL', 'w', '1', 'fk')).toBe('OK');
    expect(h.call(c, 'FCALL_RO', 'w', '1', 'fk')).toEqual({ error: 'ERR Can not execute a script with write flag using *_ro command.' });
    expect(h.call(c, 'FCALL_RO', 'r', '1', 'fk')).toBe('v');
    expect(h.call(c, 'FCALL', 'r', '1', 'fk')).toBe('v');
    expect(h.call(c, 'FCALL', 'rw', '1', 'fk')).toEqual({ error: 'ERR Write commands are not allowed from read-only scripts. script: rw, on @user_function:6.' });
  });

  it('replies in RESP2 and RESP3', () => {
    expect(h.run(c, 'FCALL', 'ok', '0')).toBe('+FINE\r\n');
    expect(h.run(c, 'FCALL', 'tbl', '0')).toBe('*5\r\n:1\r\n$3\r\ntwo\r\n*1\r\n:3\r\n:1\r\n$-1\r\n');
    expect(h.run(c3, 'FCALL', 't3', '0')).toBe('%0\r\n');
    expect(h.run(c, 'FCALL', 't3', '0')).toBe('*0\r\n');
  });

  it('keys in two shards, and keys the function does not declare', () => {
    const [a, b] = keysOnBothShards(h, 'fk');
    load(lib('X', [
      "redis.register_function('mv', function(k) redis.call('set', k[2], redis.call('get', k[1])) return redis.call('mget', k[1], k[2]) end)",
      "redis.register_function('hid', function(k, a) redis.call('incr', a[1]) redis.call('incr', a[2]) return redis.call('mget', a[1], a[2]) end)",
    ].join('\n')));
    expect(h.shardOf(a)).not.toBe(h.shardOf(b));
    h.call(c, 'SET', a, 'va');
    expect(h.call(c, 'FCALL', 'mv', '2', a, b)).toEqual(['va', 'va']);
    expect(h.call(c, 'FCALL', 'hid', '0', a + 'n', b + 'n')).toEqual(['1', '1']);
    expect(h.call(c, 'FCALL', 'hid', '1', a, a + 'n', b + 'n')).toEqual(['2', '2']);
    expect(h.call(c, 'MGET', a + 'n', b + 'n')).toEqual(['2', '2']);
  });

  it('inside MULTI', () => {
    h.call(c, 'MULTI');
    h.call(c, 'FCALL', 'w', '1', 'mk');
    h.call(c, 'FUNCTION', 'LOAD', lib('M', ret('mf', "'m'")));
    h.call(c, 'FCALL', 'mf', '0');
    expect(h.call(c, 'EXEC')).toEqual(['OK', 'M', 'm']);
  });
});

describe('FUNCTION LIST, DELETE, FLUSH, STATS, KILL, HELP', () => {
  it('LIST with LIBRARYNAME (case-insensitive glob) and WITHCODE', () => {
    const code = lib('Lib1', "redis.register_function{function_name='f1', callback=function() end, flags={'allow-cross-slot-keys','no-writes','allow-oom'}, description='d'}");
    load(code);
    load(lib('other', ret('o')));
    const l1 = ['library_name', 'Lib1', 'engine', 'LUA', 'functions',
      [['name', 'f1', 'description', 'd', 'flags', ['no-writes', 'allow-oom', 'allow-cross-slot-keys']]]];
    expect(h.call(c, 'FUNCTION', 'LIST', 'LIBRARYNAME', 'LIB*')).toEqual([l1]);
    expect(h.call(c, 'FUNCTION', 'LIST', 'withcode', 'libraryname', 'lib1')).toEqual([[...l1, 'library_code', code]]);
    expect(h.call(c, 'FUNCTION', 'LIST', 'LIBRARYNAME', 'zz')).toEqual([]);
    expect((h.call(c, 'FUNCTION', 'LIST') as unknown[]).length).toBe(2);
    expect(h.call(c, 'FUNCTION', 'LIST', 'LIBRARYNAME')).toEqual({ error: 'ERR library name argument was not given' });
    expect(h.call(c, 'FUNCTION', 'LIST', 'WITHCODE', 'withcode')).toEqual({ error: 'ERR Unknown argument withcode' });
    expect(h.call(c, 'FUNCTION', 'LIST', 'foo')).toEqual({ error: 'ERR Unknown argument foo' });
    const r3 = h.run(c3, 'FUNCTION', 'LIST', 'LIBRARYNAME', 'other');
    expect(r3).toBe('*1\r\n%3\r\n$12\r\nlibrary_name\r\n$5\r\nother\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n' +
      '%3\r\n$4\r\nname\r\n$1\r\no\r\n$11\r\ndescription\r\n_\r\n$5\r\nflags\r\n~0\r\n');
  });

  it('DELETE is case-sensitive; FCALL and function collisions are not', () => {
    load(lib('Lib', ret('myF', "'x'")));
    expect(h.call(c, 'FCALL', 'MYF', '0')).toBe('x');
    expect(h.call(c, 'FUNCTION', 'DELETE', 'lib')).toEqual({ error: 'ERR Library not found' });
    expect(h.call(c, 'FUNCTION', 'DELETE', 'Lib')).toBe('OK');
    expect(h.call(c, 'FCALL', 'myF', '0')).toEqual({ error: 'ERR Function not found' });
  });

  it('FLUSH options, STATS counts, KILL and HELP', () => {
    load(lib('a', ret('a1') + '\n' + ret('a2')));
    load(lib('b', ret('b1')));
    expect(h.run(c, 'FUNCTION', 'STATS')).toBe('*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n' +
      '*4\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:3\r\n');
    expect(h.run(c3, 'FUNCTION', 'STATS')).toBe('%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n' +
      '%2\r\n$15\r\nlibraries_count\r\n:2\r\n$15\r\nfunctions_count\r\n:3\r\n');
    expect(h.call(c, 'FUNCTION', 'FLUSH', 'foo')).toEqual({ error: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option' });
    expect(h.call(c, 'FUNCTION', 'FLUSH', 'ASYNC', 'SYNC')).toEqual({ error: "ERR unknown subcommand or wrong number of arguments for 'FLUSH'. Try FUNCTION HELP." });
    expect(h.call(c, 'FUNCTION', 'FLUSH', 'async')).toBe('OK');
    expect(h.call(c, 'FUNCTION', 'LIST')).toEqual([]);
    expect(h.call(c, 'FUNCTION', 'KILL')).toEqual({ error: 'NOTBUSY No scripts in execution right now.' });
    expect(h.call(c, 'FUNCTION', 'FOO')).toEqual({ error: "ERR unknown subcommand 'FOO'. Try FUNCTION HELP." });
    const help = h.call(c, 'FUNCTION', 'HELP') as string[];
    expect(help.length).toBe(40);
    expect(help[0]).toBe('FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(h.call(c, 'FLUSHALL')).toBe('OK');
  });

  it('FLUSHALL keeps the functions', () => {
    load(lib('keep', ret('keep')));
    h.call(c, 'FLUSHALL');
    expect(h.call(c, 'FCALL', 'keep', '0')).toBe(1);
  });
});

describe('FUNCTION DUMP and RESTORE', () => {
  const dump = () => h.callBuf(c, 'FUNCTION', 'DUMP') as Buffer;

  it('CRC-64 and LZF are Redis’s', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
    // one literal 'a', then a back reference of 8 at distance 1; then one of 9 (extended length byte)
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xc0, 0x00]), 9)?.toString()).toBe('a'.repeat(9));
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 10)?.toString()).toBe('a'.repeat(10));
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xc0, 0x00]), 10)).toBeNull();
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xc0, 0x01]), 9)).toBeNull();
  });

  it('round trip with FLUSH, APPEND and REPLACE', () => {
    load(lib('L1', ret('f1', "'one'")));
    load(lib('L2', ret('f2', "'two'")));
    const p = dump();
    expect(parsePayload(p)).toEqual([Buffer.from(lib('L1', ret('f1', "'one'"))), Buffer.from(lib('L2', ret('f2', "'two'")))]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', p)).toEqual({ error: 'ERR Library L1 already exists' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', p, 'replace')).toBe('OK');
    h.call(c, 'FUNCTION', 'FLUSH');
    expect(h.call(c, 'FUNCTION', 'RESTORE', p)).toBe('OK');
    expect(h.call(c, 'FCALL', 'f2', '0')).toBe('two');
    load(lib('L3', ret('f3')));
    expect(h.call(c, 'FUNCTION', 'RESTORE', p, 'FLUSH')).toBe('OK');
    expect(h.call(c, 'FCALL', 'f3', '0')).toEqual({ error: 'ERR Function not found' });
    h.call(c, 'FUNCTION', 'DELETE', 'L2');
    load(lib('L9', ret('f2')));
    expect(h.call(c, 'FUNCTION', 'RESTORE', p, 'REPLACE')).toEqual({ error: 'ERR Function f2 already exists' });
    expect(h.call(c, 'FCALL', 'f1', '0')).toBe('one');
  });

  it('payload errors', () => {
    const p = dumpPayload([Buffer.from(lib('Z', ret('z')))]);
    const bad = Buffer.from(p);
    bad[3] ^= 1;
    expect(h.call(c, 'FUNCTION', 'RESTORE', bad)).toEqual({ error: 'ERR DUMP payload version or checksum are wrong' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', 'short')).toEqual({ error: 'ERR DUMP payload version or checksum are wrong' });
    const newer = Buffer.from(p);
    newer[newer.length - 10] = 11;
    expect(h.call(c, 'FUNCTION', 'RESTORE', newer)).toEqual({ error: 'ERR DUMP payload version or checksum are wrong' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', p, 'MERGE')).toEqual({ error: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', p, 'FLUSH', 'x')).toEqual({ error: "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP." });
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpWith(Buffer.from([0x00, 0x01, 0x41])))).toEqual({ error: 'ERR given type is not a function' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpWith(Buffer.from([0xf5, 0xc3])))).toEqual({ error: 'ERR Failed loading library payload' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpWith(Buffer.from([0xf6])))).toEqual({ error: 'ERR Failed loading library name' });
    const two = dumpPayload([Buffer.from(lib('X', ret('x1'))), Buffer.from(lib('X', ret('x2')))]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', two)).toEqual({ error: "ERR Library 'X' already exists" });
    const fnTwice = dumpPayload([Buffer.from(lib('X', ret('x1'))), Buffer.from(lib('Y', ret('x1')))]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', fnTwice)).toEqual({ error: 'ERR Function x1 already exists' });
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpPayload([Buffer.from('return 1')]))).toEqual({ error: 'ERR Missing library metadata' });
    expect(h.call(c, 'FUNCTION', 'LIST')).toEqual([]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpPayload([]))).toBe('OK');
  });

  it('reads the pre-GA record and LZF strings', () => {
    const code = Buffer.from("redis.register_function('pf', function() return 'pre' end)");
    const str = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
    const pre = Buffer.concat([Buffer.from([0xf6]), str(Buffer.from('pg')), str(Buffer.from('LUA')), Buffer.from([0]), str(code)]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpWith(pre))).toBe('OK');
    expect(h.call(c, 'FCALL', 'pf', '0')).toBe('pre');
    expect((h.call(c, 'FUNCTION', 'LIST', 'WITHCODE') as string[][])[0][7]).toBe(`#!LUA name=pg\n${code}`);
    // an LZF string: "#!lua name=z\n" literal, then the function registration
    const plain = Buffer.from(lib('z', ret('zz')));
    const runs: Buffer[] = [];
    for (let i = 0; i < plain.length; i += 32) {
      const run = plain.subarray(i, i + 32);
      runs.push(Buffer.from([run.length - 1]), run);
    }
    const lzf = Buffer.concat(runs);
    const len14 = (n: number) => [0x40 | (n >> 8), n & 0xff];
    const rec = Buffer.concat([Buffer.from([0xf5, 0xc3, ...len14(lzf.length), ...len14(plain.length)]), lzf]);
    expect(h.call(c, 'FUNCTION', 'RESTORE', dumpWith(rec))).toBe('OK');
    expect(h.call(c, 'FCALL', 'zz', '0')).toBe(1);
  });
});

/** A payload of raw record bytes with a valid trailer. */
function dumpWith(records: Buffer): Buffer {
  const body = Buffer.concat([records, Buffer.from([10, 0])]);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc64(body), body.length);
  return out;
}
