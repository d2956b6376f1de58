/**
 * Hashes and lists against redis-server, raw reply bytes in RESP2 and RESP3 (the runner is in
 * test/helpers/types-kit.ts). Sets and sorted sets: types-compat-sets.test.ts; OBJECT ENCODING
 * across the conversion thresholds: types-compat-encoding.test.ts.
 *
 * Keys named a*, b*... are spread over Spindle's two shards on purpose (multi-key commands
 * cross shards): see the `cross` keys below.
 */
import { check, compatSuite, items, keysInShards, served, sorted, text, type Case } from '../helpers/types-kit.js';

// Keys in different shards for the multi-key commands (shard 0, shard 1, shard 0, ...).
const [s0, s1, s2, s3] = keysInShards('lk', 4);
const big = (n: number, c = 'x') => c.repeat(n);

/** Random reply checks (HRANDFIELD). */
const countIs = (n: number) => (r: Parameters<Parameters<typeof check>[1]>[0]) => {
  const it = items(r);
  if (!it) return `not an aggregate`;
  return it.length === n ? null : `${it.length} elements, want ${n}`;
};
const allIn = (allowed: string[], n: number | null, distinct: boolean) => (r: Parameters<Parameters<typeof check>[1]>[0]): string | null => {
  const it = items(r);
  if (!it) return 'not an aggregate';
  const vals = it.map((x) => ('items' in x ? text(x.items[0]) : text(x)));
  if (n !== null && vals.length !== n) return `${vals.length} elements, want ${n}`;
  for (const v of vals) if (v === null || !allowed.includes(v)) return `unexpected element ${JSON.stringify(v)}`;
  if (distinct && new Set(vals).size !== vals.length) return 'repeated elements';
  return null;
};

const CASES: Case[] = [
  // ---------------------------------------------------------------- hashes
  {
    name: 'HSET / HGET / HMGET / HLEN / HEXISTS / HSTRLEN',
    steps: [
      ['HSET', 'h', 'f1', 'v1'], ['HSET', 'h', 'f1', 'v1b', 'f2', 'v2', 'f3', ''], ['HGET', 'h', 'f1'], ['HGET', 'h', 'nope'],
      ['HGET', 'missing', 'f'], ['HMGET', 'h', 'f1', 'nope', 'f2', 'f3'], ['HMGET', 'missing', 'a', 'b'],
      ['HLEN', 'h'], ['HLEN', 'missing'], ['HEXISTS', 'h', 'f2'], ['HEXISTS', 'h', 'zz'], ['HEXISTS', 'missing', 'f'],
      ['HSTRLEN', 'h', 'f1'], ['HSTRLEN', 'h', 'f3'], ['HSTRLEN', 'h', 'nope'], ['HSTRLEN', 'missing', 'x'],
      ['HSET', 'h', 'num', '12345'], ['HSTRLEN', 'h', 'num'], ['HGET', 'h', 'num'],
      ['HSET', 'h', 'bin', Buffer.from([0, 13, 10, 255])], ['HGET', 'h', 'bin'],
      ['HSET', 'h', 'dup', 'a', 'dup', 'b'], ['HGET', 'h', 'dup'], ['HLEN', 'h'],
      ['HSET', 'h'], ['HSET', 'h', 'f'], ['HSET', 'h', 'f', 'v', 'g'], ['HGET', 'h'], ['HMGET', 'h'], ['HLEN'],
      ['HEXISTS', 'h'], ['HSTRLEN', 'h'],
      ['SET', 'str', 'x'], ['HSET', 'str', 'f', 'v'], ['HGET', 'str', 'f'], ['HMGET', 'str', 'f'], ['HLEN', 'str'],
      ['HEXISTS', 'str', 'f'], ['HSTRLEN', 'str', 'f'], ['TYPE', 'h'],
    ],
  },
  {
    name: 'HMSET / HSETNX',
    steps: [
      ['HMSET', 'h', 'a', '1', 'b', '2'], ['HMSET', 'h', 'a', '3'], ['HGET', 'h', 'a'], ['HMSET', 'h', 'a'], ['HMSET', 'h'],
      ['HMSET', 'h', 'a', '1', 'b'],
      ['HSETNX', 'h', 'a', 'x'], ['HSETNX', 'h', 'c', 'x'], ['HGET', 'h', 'a'], ['HGET', 'h', 'c'],
      ['HSETNX', 'new', 'f', 'v'], ['HGETALL', 'new'], ['HSETNX', 'h', 'f'], ['HSETNX', 'h', 'f', 'v', 'x'],
      ['SET', 's', 'x'], ['HSETNX', 's', 'f', 'v'], ['HMSET', 's', 'f', 'v'],
    ],
  },
  {
    name: 'HDEL deletes fields and the emptied key',
    steps: [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['HDEL', 'h', 'a'], ['HDEL', 'h', 'a'], ['HDEL', 'h', 'b', 'b', 'zz'],
      ['HLEN', 'h'], ['EXISTS', 'h'], ['HDEL', 'h', 'c'], ['EXISTS', 'h'], ['HGETALL', 'h'], ['HDEL', 'missing', 'a'],
      ['HDEL', 'h'], ['HDEL'], ['SET', 's', 'x'], ['HDEL', 's', 'a'],
    ],
  },
  {
    name: 'HGETALL / HKEYS / HVALS (listpack order)',
    steps: [
      ['HSET', 'h', 'z', '1', 'a', '2', 'm', '3'], ['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'],
      ['HSET', 'h', 'a', 'new'], ['HGETALL', 'h'], ['HDEL', 'h', 'z'], ['HGETALL', 'h'],
      ['HGETALL', 'missing'], ['HKEYS', 'missing'], ['HVALS', 'missing'],
      ['HGETALL'], ['HGETALL', 'h', 'x'], ['HKEYS'], ['HVALS', 'h', 'x'],
      ['SET', 's', 'x'], ['HGETALL', 's'], ['HKEYS', 's'], ['HVALS', 's'],
    ],
  },
  {
    name: 'HGETALL / HKEYS / HVALS of a hashtable hash (sorted)',
    steps: () => {
      const args: string[] = [];
      for (let i = 0; i < 300; i++) args.push(`f${i}`, `v${i}`);
      return [['HSET', 'h', ...args], ['HLEN', 'h'], sorted(['HGETALL', 'h']), sorted(['HKEYS', 'h']), sorted(['HVALS', 'h']),
        ['HGET', 'h', 'f299'], ['HDEL', 'h', 'f0', 'f1'], ['HLEN', 'h'], ['HMGET', 'h', 'f0', 'f2', 'f299']];
    },
  },
  {
    name: 'HINCRBY',
    steps: [
      ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-7'], ['HGET', 'h', 'n'], ['HINCRBY', 'h', 'n', '0'],
      ['HSET', 'h', 'max', '9223372036854775807'], ['HINCRBY', 'h', 'max', '1'], ['HINCRBY', 'h', 'max', '0'],
      ['HSET', 'h', 'min', '-9223372036854775808'], ['HINCRBY', 'h', 'min', '-1'],
      ['HINCRBY', 'h', 'n', '9223372036854775808'], ['HINCRBY', 'h', 'n', 'abc'], ['HINCRBY', 'h', 'n', '1.5'], ['HINCRBY', 'h', 'n', ''],
      ['HSET', 'h', 'txt', 'hello'], ['HINCRBY', 'h', 'txt', '1'], ['HSET', 'h', 'sp', ' 1'], ['HINCRBY', 'h', 'sp', '1'],
      ['HSET', 'h', 'fl', '1.0'], ['HINCRBY', 'h', 'fl', '1'],
      ['HINCRBY', 'h', 'n'], ['HINCRBY', 'h', 'n', '1', '2'],
      ['SET', 's', 'x'], ['HINCRBY', 's', 'n', '1'],
      ['HGETALL', 'h'],
    ],
  },
  {
    name: 'HINCRBYFLOAT',
    steps: [
      ['HINCRBYFLOAT', 'h', 'f', '1.5'], ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '-1.6'],
      ['HINCRBYFLOAT', 'h', 'f', '5.0e3'], ['HINCRBYFLOAT', 'h', 'f', '1e-5'], ['HINCRBYFLOAT', 'h', 'g', '3'],
      ['HINCRBYFLOAT', 'h', 'f', 'abc'], ['HINCRBYFLOAT', 'h', 'f', 'inf'], ['HINCRBYFLOAT', 'h', 'f', '-inf'], ['HINCRBYFLOAT', 'h', 'f', 'nan'],
      ['HINCRBYFLOAT', 'h', 'f', ''], ['HINCRBYFLOAT', 'h', 'f', '1.5x'],
      ['HSET', 'h', 'txt', 'hello'], ['HINCRBYFLOAT', 'h', 'txt', '1'],
      ['HSET', 'h', 'int', '10'], ['HINCRBYFLOAT', 'h', 'int', '0.25'],
      ['HSET', 'h', 'huge', '1.7e308'], ['HINCRBYFLOAT', 'h', 'huge', '1.7e308'],
      ['HINCRBYFLOAT', 'h', 'f'], ['SET', 's', 'x'], ['HINCRBYFLOAT', 's', 'f', '1'],
      sorted(['HGETALL', 'h']), // a hashtable since the 309-byte value
    ],
  },
  {
    name: 'HRANDFIELD',
    steps: [
      ['HRANDFIELD', 'missing'], ['HRANDFIELD', 'missing', '3'], ['HRANDFIELD', 'missing', '3', 'WITHVALUES'], ['HRANDFIELD', 'missing', '-3'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      check(['HRANDFIELD', 'h'], (r) => (['a', 'b', 'c'].includes(text(r) ?? '') ? null : 'not a field')),
      ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
      sorted(['HRANDFIELD', 'h', '3']), sorted(['HRANDFIELD', 'h', '10']),
      check(['HRANDFIELD', 'h', '2'], allIn(['a', 'b', 'c'], 2, true)),
      check(['HRANDFIELD', 'h', '-5'], allIn(['a', 'b', 'c'], 5, false)),
      check(['HRANDFIELD', 'h', '2', 'WITHVALUES'], (r, proto) => {
        const it = items(r);
        if (!it) return 'not an aggregate';
        // RESP2: flat field, value, ...; RESP3: an array of [field, value] pairs
        if (proto === 2) return it.length === 4 ? null : `${it.length} elements`;
        return it.length === 2 && it.every((p) => 'items' in p && p.items.length === 2) ? null : 'not 2 pairs';
      }),
      check(['HRANDFIELD', 'h', '-4', 'WITHVALUES'], (r, proto) => countIs(proto === 2 ? 8 : 4)(r)),
      sorted(['HRANDFIELD', 'h', '3', 'WITHVALUES']),
      ['HRANDFIELD', 'h', '1', 'WITHVALUE'], ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', '-9223372036854775808'], ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'], // below -LONG_MAX/2: out of range (…903 would be valid)
      ['HRANDFIELD'], ['SET', 's', 'x'], ['HRANDFIELD', 's'],
    ],
  },
  {
    name: 'HSCAN on a listpack hash (one full pass), errors',
    steps: [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'ab', '4'], ['HSCAN', 'h', '0'], ['HSCAN', 'h', '0', 'MATCH', 'a*'],
      ['HSCAN', 'h', '0', 'COUNT', '1'], ['HSCAN', 'missing', '0'], ['HSCAN', 'h', 'x'], ['HSCAN', 'h', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT'], ['HSCAN', 'h', '0', 'FOO', 'bar'], ['HSCAN', 'h'],
      ['SET', 's', 'x'], ['HSCAN', 's', '0'],
    ],
  },
  {
    name: 'HINCRBYFLOAT formatting (long double arithmetic)',
    steps: [
      ['HINCRBYFLOAT', 'h', 'a', '0.1'], ['HINCRBYFLOAT', 'h', 'a', '0.2'], ['HINCRBYFLOAT', 'h', 'b', '1e17'], ['HINCRBYFLOAT', 'h', 'b', '1'],
      ['HINCRBYFLOAT', 'h', 'c', '3.0e-5'], ['HINCRBYFLOAT', 'h', 'd', '-0.0'], ['HINCRBYFLOAT', 'h', 'e', '1'], ['HINCRBYFLOAT', 'h', 'e', '-1'],
      ['HINCRBYFLOAT', 'h', 'f', '0.3333333333333333'], ['HINCRBYFLOAT', 'h', 'f', '0.3333333333333333'],
      ['HINCRBYFLOAT', 'h', 'g', '1.5e300'], ['HINCRBYFLOAT', 'h', 'g', '1.5e300'], ['HINCRBYFLOAT', 'h', 'i', '123456789.987654321'],
      ['HINCRBYFLOAT', 'h', 'j', '1e-20'], ['HINCRBYFLOAT', 'h', 'k', '10'], ['HINCRBYFLOAT', 'h', 'k', '.5'], ['HINCRBYFLOAT', 'h', 'k', '5.'],
      ['HSET', 'h', 'm', '1e3'], ['HINCRBYFLOAT', 'h', 'm', '0'], ['HSET', 'h', 'n', '0x10'], ['HINCRBYFLOAT', 'h', 'n', '1'],
      ['HSET', 'h', 'o', ' 1'], ['HINCRBYFLOAT', 'h', 'o', '1'], ['HSET', 'h', 'p', 'inf'], ['HINCRBYFLOAT', 'h', 'p', '1'],
      sorted(['HGETALL', 'h']),
    ],
  },
  {
    name: 'a big hash: HSCAN full iteration, HRANDFIELD, HMGET, HDEL many',
    steps: () => {
      const f = Array.from({ length: 400 }, (_, i) => `field:${i}`);
      return [
        ['HSET', 'h', ...f.flatMap((x, i) => [x, String(i)])], ['HLEN', 'h'], ['HMGET', 'h', 'field:0', 'field:399', 'nope', 'field:0'],
        check(['HSCAN', 'h', '0', 'COUNT', '1000'], (r) => {
          const it = items(r);
          if (!it || it.length !== 2) return 'not [cursor, items]';
          if (text(it[0]) !== '0') return `cursor ${text(it[0])} after COUNT 1000`;
          const flat = items(it[1]);
          if (!flat || flat.length !== 800) return `${flat?.length} elements`;
          return allIn(f, 400, true)({ t: '*', items: flat.filter((_, i) => i % 2 === 0) });
        }),
        check(['HRANDFIELD', 'h', '-1000'], allIn(f, 1000, false)), check(['HRANDFIELD', 'h', '300'], allIn(f, 300, true)),
        check(['HRANDFIELD', 'h', '-3', 'WITHVALUES'], (r, proto) => countIs(proto === 2 ? 6 : 3)(r)),
        ['HDEL', 'h', ...f.slice(0, 390)], ['HLEN', 'h'], sorted(['HGETALL', 'h']), ['HRANDFIELD', 'h', '0'],
      ];
    },
  },
  {
    name: 'hash: WRONGTYPE on every command, nothing changed',
    steps: [
      ['RPUSH', 'l', 'a'],
      ['HSET', 'l', 'f', 'v'], ['HGET', 'l', 'f'], ['HDEL', 'l', 'f'], ['HLEN', 'l'], ['HGETALL', 'l'], ['HKEYS', 'l'],
      ['HVALS', 'l'], ['HINCRBY', 'l', 'f', '1'], ['HINCRBYFLOAT', 'l', 'f', '1'], ['HRANDFIELD', 'l', '1'], ['HSCAN', 'l', '0'],
      ['LRANGE', 'l', '0', '-1'],
    ],
  },

  // ---------------------------------------------------------------- lists
  {
    name: 'LPUSH / RPUSH / LPUSHX / RPUSHX / LLEN / LRANGE',
    steps: [
      ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'x', 'y'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'],
      ['LPUSHX', 'l', 'p'], ['RPUSHX', 'l', 'q', 'r'], ['LPUSHX', 'none', 'a'], ['RPUSHX', 'none', 'a'], ['EXISTS', 'none'],
      ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'l', '2', '4'], ['LRANGE', 'l', '-3', '-1'], ['LRANGE', 'l', '-100', '100'],
      ['LRANGE', 'l', '5', '2'], ['LRANGE', 'l', '100', '200'], ['LRANGE', 'l', '-1', '-2'], ['LRANGE', 'missing', '0', '-1'],
      ['LRANGE', 'l', 'a', '1'], ['LRANGE', 'l', '0', '1.5'], ['LRANGE', 'l', '0', '9223372036854775808'],
      ['LLEN', 'missing'], ['LPUSH', 'l'], ['RPUSH'], ['LPUSHX', 'l'], ['LLEN'], ['LRANGE', 'l', '0'],
      ['RPUSH', 'n', '1', '-2', '9223372036854775807', '3.5', '', Buffer.from([0, 255])], ['LRANGE', 'n', '0', '-1'],
      ['SET', 's', 'x'], ['LPUSH', 's', 'a'], ['RPUSHX', 's', 'a'], ['LLEN', 's'], ['LRANGE', 's', '0', '-1'],
    ],
  },
  {
    name: 'LPOP / RPOP with and without count',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['RPOP', 'l', '0'],
      ['LPOP', 'l', '10'], ['EXISTS', 'l'], ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['RPOP', 'missing', '0'],
      ['RPUSH', 'l', 'a', 'b', 'c'], ['RPOP', 'l', '2'], ['LPOP', 'l', '-1'], ['LPOP', 'l', 'x'], ['RPOP', 'l', '1.5'],
      ['LPOP', 'l', '1', '2'], ['LPOP'], ['RPOP', 'l', '9223372036854775807'], ['EXISTS', 'l'],
      ['SET', 's', 'x'], ['LPOP', 's'], ['RPOP', 's', '1'],
    ],
  },
  {
    name: 'LINDEX / LSET',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '3'], ['LINDEX', 'l', '-4'],
      ['LINDEX', 'missing', '0'], ['LINDEX', 'l', 'x'], ['LINDEX', 'l'],
      ['LSET', 'l', '1', 'B'], ['LSET', 'l', '-1', 'C'], ['LSET', 'l', '3', 'x'], ['LSET', 'l', '-4', 'x'],
      ['LSET', 'missing', '0', 'x'], ['LSET', 'l', 'x', 'y'], ['LSET', 'l', '0'], ['LRANGE', 'l', '0', '-1'],
      ['LSET', 'l', '0', big(100)], ['LINDEX', 'l', '0'], ['LSET', 'l', '0', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'x'], ['LINDEX', 's', '0'], ['LSET', 's', '0', 'x'],
    ],
  },
  {
    name: 'LINSERT',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINSERT', 'l', 'BEFORE', 'b', 'x'], ['LINSERT', 'l', 'after', 'c', 'y'],
      ['LINSERT', 'l', 'AFTER', 'nope', 'z'], ['LINSERT', 'missing', 'BEFORE', 'a', 'z'], ['EXISTS', 'missing'],
      ['LINSERT', 'l', 'MIDDLE', 'a', 'z'], ['LINSERT', 'l', 'BEFORE', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['RPUSH', 'd', 'a', 'a'], ['LINSERT', 'd', 'AFTER', 'a', 'b'], ['LRANGE', 'd', '0', '-1'],
      ['SET', 's', 'x'], ['LINSERT', 's', 'BEFORE', 'a', 'b'],
    ],
  },
  {
    name: 'LREM',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'l', '2', 'a'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '-1', 'a'], ['LRANGE', 'l', '0', '-1'], ['LREM', 'l', '0', 'b'], ['LRANGE', 'l', '0', '-1'],
      ['LREM', 'l', '0', 'zz'], ['LREM', 'missing', '0', 'a'], ['LREM', 'l', 'x', 'a'], ['LREM', 'l', '1'],
      ['LREM', 'l', '0', 'a'], ['LREM', 'l', '0', 'c'], ['EXISTS', 'l'],
      ['SET', 's', 'x'], ['LREM', 's', '0', 'a'],
    ],
  },
  {
    name: 'LTRIM',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'], ['LTRIM', 'l', '1', '-2'], ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '-2', '100'], ['LRANGE', 'l', '0', '-1'], ['LTRIM', 'l', '0', '0'], ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '5', '1'], ['EXISTS', 'l'], ['LTRIM', 'missing', '0', '1'],
      ['RPUSH', 'l', 'a', 'b'], ['LTRIM', 'l', 'a', '1'], ['LTRIM', 'l', '0'], ['LTRIM', 'l', '-100', '-50'], ['EXISTS', 'l'],
      ['SET', 's', 'x'], ['LTRIM', 's', '0', '1'],
    ],
  },
  {
    name: 'LPOS with RANK / COUNT / MAXLEN and errors',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a'], ['LPOS', 'l', 'a'], ['LPOS', 'l', 'c'], ['LPOS', 'l', 'zz'],
      ['LPOS', 'l', 'a', 'RANK', '2'], ['LPOS', 'l', 'a', 'RANK', '-1'], ['LPOS', 'l', 'a', 'RANK', '-3'], ['LPOS', 'l', 'a', 'RANK', '4'],
      ['LPOS', 'l', 'a', 'COUNT', '0'], ['LPOS', 'l', 'a', 'COUNT', '2'], ['LPOS', 'l', 'zz', 'COUNT', '2'],
      ['LPOS', 'l', 'a', 'COUNT', '0', 'RANK', '-1'], ['LPOS', 'l', 'a', 'RANK', '2', 'COUNT', '5'],
      ['LPOS', 'l', 'a', 'MAXLEN', '3'], ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
      ['LPOS', 'l', 'a', 'RANK', '-1', 'MAXLEN', '1'], ['LPOS', 'l', 'b', 'MAXLEN', '0'],
      ['LPOS', 'missing', 'a'], ['LPOS', 'missing', 'a', 'COUNT', '0'],
      ['LPOS', 'l', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'a', 'RANK', 'x'],
      ['LPOS', 'l', 'a', 'COUNT', '-1'], ['LPOS', 'l', 'a', 'MAXLEN', '-1'], ['LPOS', 'l', 'a', 'COUNT'], ['LPOS', 'l', 'a', 'FOO', '1'],
      ['LPOS', 'l'], ['LPOS', 'l', 'a', 'RANK'],
      ['SET', 's', 'x'], ['LPOS', 's', 'a'],
    ],
  },
  {
    name: `LMOVE / RPOPLPUSH within a shard and across shards (${s0} ${s1})`,
    steps: [
      ['RPUSH', s0, 'a', 'b', 'c'], ['LMOVE', s0, s1, 'LEFT', 'RIGHT'], ['LMOVE', s0, s1, 'RIGHT', 'LEFT'],
      ['LRANGE', s0, '0', '-1'], ['LRANGE', s1, '0', '-1'], ['RPOPLPUSH', s1, s2], ['LRANGE', s2, '0', '-1'],
      ['LMOVE', s0, s0, 'LEFT', 'RIGHT'], ['LRANGE', s0, '0', '-1'], ['RPUSH', s0, 'x'], ['LMOVE', s0, s0, 'RIGHT', 'LEFT'],
      ['LRANGE', s0, '0', '-1'], ['RPOPLPUSH', s0, s0], ['LRANGE', s0, '0', '-1'],
      ['LMOVE', s3, s0, 'LEFT', 'LEFT'], ['RPOPLPUSH', s3, s0], ['EXISTS', s3],
      ['LMOVE', s1, s3, 'LEFT', 'LEFT'], ['LMOVE', s1, s3, 'LEFT', 'LEFT'], ['EXISTS', s1], ['LRANGE', s3, '0', '-1'],
      ['LMOVE', s0, s1, 'UP', 'LEFT'], ['LMOVE', s0, s1, 'LEFT'], ['RPOPLPUSH', s0], ['RPOPLPUSH', s0, s1, s2],
      ['SET', 'str', 'x'], ['LMOVE', s0, 'str', 'LEFT', 'LEFT'], ['LMOVE', 'str', s0, 'LEFT', 'LEFT'], ['RPOPLPUSH', s0, 'str'],
      ['LRANGE', s0, '0', '-1'], ['LMOVE', 'missing', 'str', 'LEFT', 'LEFT'],
    ],
  },
  {
    name: 'LMPOP',
    steps: [
      ['RPUSH', s1, 'a', 'b', 'c'], ['RPUSH', s2, 'x'],
      ['LMPOP', '2', s0, s1, 'LEFT'], ['LMPOP', '2', s0, s1, 'RIGHT', 'COUNT', '5'], ['LMPOP', '3', s0, s1, s2, 'LEFT', 'COUNT', '1'],
      ['LMPOP', '3', s0, s1, s2, 'LEFT'], ['EXISTS', s1, s2],
      ['RPUSH', s0, 'a'], ['LMPOP', '0', s0, 'LEFT'], ['LMPOP', '-1', s0, 'LEFT'], ['LMPOP', '2', s0, 'LEFT'], ['LMPOP', '1', s0, 'UP'],
      ['LMPOP', '1', s0, 'LEFT', 'COUNT', '0'], ['LMPOP', '1', s0, 'LEFT', 'COUNT', '-1'], ['LMPOP', '1', s0, 'LEFT', 'COUNT'],
      ['LMPOP', '1', s0, 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', s0, 'LEFT', 'FOO'], ['LMPOP', 'x', s0, 'LEFT'],
      ['LMPOP', '1', s0], ['LMPOP'], ['LRANGE', s0, '0', '-1'],
      ['SET', 'str', 'x'], ['LMPOP', '2', 'str', s0, 'LEFT'], ['LMPOP', '2', s3, 'str', 'LEFT'], ['LRANGE', s0, '0', '-1'],
    ],
  },
  {
    name: 'blocking list pops when the data is there, and their argument errors',
    steps: [
      ['RPUSH', s1, 'a', 'b', 'c', 'd'], ['BLPOP', s0, s1, '0'], ['BRPOP', s0, s1, '1'], ['BLPOP', s1, '0.5'],
      ['BLMOVE', s1, s0, 'LEFT', 'RIGHT', '0'], ['BRPOPLPUSH', s0, s2, '0'], ['LRANGE', s2, '0', '-1'], ['EXISTS', s0, s1],
      ['RPUSH', s1, 'a', 'b', 'c'], ['BLMPOP', '0', '2', s0, s1, 'RIGHT', 'COUNT', '2'], ['BLMPOP', '0.1', '1', s1, 'LEFT'],
      ['BLPOP', s1, '-1'], ['BLPOP', s1, 'abc'], ['BLPOP', s1, '1e400'], ['BLPOP', s1, 'inf'], ['BLPOP', s1, ' 1'], ['BLPOP', s1, '1 '],
      ['BRPOP', s1, '-0.1'], ['BLMOVE', s1, s0, 'LEFT', 'RIGHT', '-1'], ['BLMOVE', s1, s0, 'LEFT', 'UP', '0'],
      ['BRPOPLPUSH', s1, s0, 'x'], ['BLMPOP', '-1', '1', s1, 'LEFT'], ['BLMPOP', '0', '0', s1, 'LEFT'], ['BLMPOP', '0', '1', s1, 'LEFT', 'COUNT', '0'],
      ['BLPOP', s1], ['BLPOP'], ['BLMPOP', '0', '1', s1], ['BRPOPLPUSH', s1, '0'],
      // valid timeouts on a key with data (they would block on an empty one)
      ['RPUSH', s1, 'v1', 'v2', 'v3', 'v4'], ['BLPOP', s1, '0x10'], ['BLPOP', s1, '1e10'], ['BLPOP', s1, '+1'], ['BLPOP', s1, '-0'],
      ['SET', 'str', 'x'], ['BLPOP', 'str', '0'], ['BRPOP', s3, 'str', '0'], ['BLMOVE', 'str', s0, 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'str', 'LEFT'],
    ],
  },
  {
    name: 'blocking list pops time out with a null reply',
    steps: [
      ['BLPOP', s0, s1, '0.01'], ['BRPOP', s0, '0.01'], ['BLMOVE', s0, s1, 'LEFT', 'RIGHT', '0.01'], ['BRPOPLPUSH', s0, s1, '0.01'],
      ['BLMPOP', '0.01', '2', s0, s1, 'LEFT', 'COUNT', '3'], ['EXISTS', s0, s1],
    ],
  },
  {
    name: 'blocking list pops served after a wait: the reply bytes the writer sends',
    steps: [
      served(['BLPOP', s0, s1, '0'], ['RPUSH', s1, 'a', 'b', 'c']), ['LRANGE', s1, '0', '-1'],
      served(['BRPOP', s2, '0'], ['LPUSH', s2, 'x', 'y']), ['LRANGE', s2, '0', '-1'],
      served(['BLMOVE', s3, s0, 'RIGHT', 'LEFT', '0'], ['RPUSH', s3, 'm1', 'm2']), ['LRANGE', s3, '0', '-1'], ['LRANGE', s0, '0', '-1'],
      served(['BRPOPLPUSH', 'bq', s3, '0'], ['RPUSHX', 'bq', 'no'], ['LPUSH', 'bq', 'yes']), ['LRANGE', s3, '0', '-1'], ['EXISTS', 'bq'],
      served(['BLMPOP', '0', '2', 'nope', s1, 'RIGHT', 'COUNT', '5'], ['RPUSH', s1, 'p', 'q']), ['LRANGE', s1, '0', '-1'],
      served(['BLMPOP', '0', '1', 'mp', 'LEFT'], ['RPUSH', 'mp', '1', '2', '3']), ['LRANGE', 'mp', '0', '-1'],
      served(['BLPOP', 'lm', '0'], ['RPUSH', 'lsrc', 'z'], ['LMOVE', 'lsrc', 'lm', 'LEFT', 'LEFT']), ['EXISTS', 'lm', 'lsrc'],
      served(['BLPOP', 'ins', '0'], ['SET', 'ins', 'str'], ['DEL', 'ins'], ['RPUSH', 'ins', 'finally']),
    ],
  },
  {
    name: 'a long list (quicklist): push, index, range, trim, remove',
    steps: () => {
      const vals: string[] = [];
      for (let i = 0; i < 1000; i++) vals.push(i % 7 === 0 ? `v${i}-${big(i % 90, 'y')}` : String(i));
      return [
        ['RPUSH', 'l', ...vals], ['LLEN', 'l'], ['LINDEX', 'l', '500'], ['LINDEX', 'l', '-1'], ['LRANGE', 'l', '100', '130'],
        ['LRANGE', 'l', '-20', '-1'], ['LSET', 'l', '700', 'seven hundred'], ['LINDEX', 'l', '700'],
        ['LINSERT', 'l', 'BEFORE', '450', 'ins'], ['LPOS', 'l', 'ins'], ['LPOS', 'l', '999'], ['LREM', 'l', '0', '1'],
        ['LTRIM', 'l', '10', '-10'], ['LLEN', 'l'], ['LRANGE', 'l', '0', '-1'], ['LPOP', 'l', '100'], ['RPOP', 'l', '100'],
        ['LRANGE', 'l', '0', '-1'],
      ];
    },
  },
  {
    name: 'lists with big elements (8 KiB+ nodes): push, pop, insert, set, range',
    steps: () => {
      const b = (i: number, n: number) => `${i}:${big(n, String.fromCharCode(97 + (i % 26)))}`;
      return [
        ['RPUSH', 'l', b(0, 9000), 'small', b(1, 20000), b(2, 100)], ['LLEN', 'l'], ['LINDEX', 'l', '2'], ['LRANGE', 'l', '1', '1'],
        ['LINSERT', 'l', 'AFTER', 'small', b(3, 70000)], ['LINDEX', 'l', '2'], ['LSET', 'l', '0', 'tiny'], ['LSET', 'l', '1', b(4, 10000)],
        ['LRANGE', 'l', '0', '1'], ['LPOS', 'l', b(2, 100)], ['LREM', 'l', '0', b(3, 70000)], ['LLEN', 'l'],
        ['RPOPLPUSH', 'l', 'l'], ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'], ['LRANGE', 'l', '0', '-1'],
        ['LPOP', 'l', '2'], ['RPOP', 'l', '5'], ['EXISTS', 'l'],
      ];
    },
  },
  {
    name: 'list: index and count edge values',
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c'], ['LINDEX', 'l', '9223372036854775807'], ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l', '9223372036854775808'],
      ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'], ['LTRIM', 'l', '-9223372036854775808', '9223372036854775807'],
      ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807'], ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'], ['LPOS', 'l', 'a', 'MAXLEN', '9223372036854775807'],
      ['LPOS', 'l', 'a', 'COUNT', '9223372036854775807'], ['LREM', 'l', '-9223372036854775808', 'a'], ['LSET', 'l', '9223372036854775807', 'x'],
      ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '9223372036854775807'], ['EXISTS', 'l'], ['LMPOP', '2147483648', 'l', 'LEFT'],
      ['LPOP', 'l', '9223372036854775808'], ['RPUSH', 'l', 'x'], ['LRANGE', 'l', '1', '0'], ['LINDEX', 'l', ' 0'], ['LINDEX', 'l', '+0'],
    ],
  },
  {
    name: 'list: WRONGTYPE on every command, nothing changed',
    steps: [
      ['HSET', 'h', 'f', 'v'],
      ['LPUSH', 'h', 'a'], ['RPUSH', 'h', 'a'], ['LPUSHX', 'h', 'a'], ['LPOP', 'h'], ['RPOP', 'h', '2'], ['LLEN', 'h'],
      ['LRANGE', 'h', '0', '-1'], ['LINDEX', 'h', '0'], ['LSET', 'h', '0', 'a'], ['LINSERT', 'h', 'BEFORE', 'a', 'b'],
      ['LREM', 'h', '0', 'a'], ['LTRIM', 'h', '0', '1'], ['LPOS', 'h', 'a'], ['LMOVE', 'h', 'x', 'LEFT', 'LEFT'],
      ['LMPOP', '1', 'h', 'LEFT'], ['BLPOP', 'h', '0'], ['EXISTS', 'x'], ['HGETALL', 'h'],
    ],
  },
];

compatSuite('hashes and lists: compat with redis-server (raw reply bytes)', CASES);
