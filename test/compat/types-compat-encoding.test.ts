/**
 * OBJECT ENCODING across the conversion thresholds, against redis-server (raw reply bytes, RESP2
 * and RESP3; runner in test/helpers/types-kit.ts). Every case sets the thresholds it relies on
 * (the runner resets them after the case).
 *
 * Where Spindle follows Redis 7.2 and the installed redis-server is 7.0, the step is a v72()
 * step: redis-server must give its 7.0 answer (which checks the step) and Spindle the 7.2 one.
 *   - lists: 7.0 always says quicklist; 7.2 has listpack lists (t_list.c: convert to a
 *     quicklist before an add that would exceed list-max-listpack-size, counting the listpack's
 *     bytes plus the raw lengths of the added values; back to a listpack after a removal when
 *     one node is left within half the limit).
 *   - sets: 7.0 has intset or hashtable; 7.2 adds listpack sets (≤ set-max-listpack-entries
 *     members of ≤ set-max-listpack-value bytes; new sets sized by SADD's argument count).
 */
import { bulk, compatSuite, enc, keysInShards, sorted, v72, type Case, type Step } from '../helpers/types-kit.js';

const [a0, a1] = keysInShards('ek', 2);
const ints = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));
const strs = (n: number, len = 4) => Array.from({ length: n }, (_, i) => `m${String(i).padStart(len - 1, '0')}`);
const big = (n: number, c = 'x') => c.repeat(n);
const pairs = (n: number, vlen = 2) => strs(n).flatMap((f) => [f, big(vlen, 'v')]);

const OE = (k: string): Step => ['OBJECT', 'ENCODING', k];
/** A list's OBJECT ENCODING: always quicklist in redis-server 7.0; `spindle` under 7.2's rules. */
const listEnc = (k: string, spindle: 'listpack' | 'quicklist'): Step => v72(['OBJECT', 'ENCODING', k], enc('quicklist'), enc(spindle));
/** A set of strings: hashtable in 7.0; `spindle` under 7.2's rules. */
const setEnc = (k: string, spindle: 'listpack' | 'hashtable'): Step => v72(['OBJECT', 'ENCODING', k], enc('hashtable'), enc(spindle));

const CASES: Case[] = [
  // ---------------------------------------------------------------- hashes
  {
    name: 'hash: 128 fields listpack, the 129th converts; no way back',
    config: { 'hash-max-listpack-entries': '128', 'hash-max-listpack-value': '64' },
    steps: [
      ['HSET', 'h', ...pairs(127)], OE('h'), ['HSET', 'h', 'f128', 'v'], ['HLEN', 'h'], OE('h'),
      ['HSET', 'h', 'f128', 'again'], OE('h'), ['HSET', 'h', 'f129', 'v'], ['HLEN', 'h'], OE('h'),
      ['HDEL', 'h', ...strs(127)], ['HLEN', 'h'], OE('h'), sorted(['HGETALL', 'h']),
      ['HSET', 'h2', ...pairs(129)], OE('h2'), ['HSET', 'h3', ...pairs(128)], OE('h3'),
      ['HSETNX', 'h3', 'extra', 'v'], OE('h3'),
    ],
  },
  {
    name: 'hash: values and fields of 64 vs 65 bytes',
    config: { 'hash-max-listpack-entries': '128', 'hash-max-listpack-value': '64' },
    steps: [
      ['HSET', 'v', 'f', big(64)], OE('v'), ['HSET', 'v', 'g', big(65)], OE('v'), ['HGET', 'v', 'g'],
      ['HSET', 'f', big(64, 'f'), 'v'], OE('f'), ['HSET', 'f', big(65, 'f'), 'v'], OE('f'),
      ['HSET', 'n', 'a', '1'], ['HSETNX', 'n', 'b', big(65)], OE('n'),
      ['HSET', 'm', 'a', '1'], ['HMSET', 'm', 'b', big(100)], OE('m'),
      ['HSET', 'i', 'a', '1'], ['HINCRBYFLOAT', 'i', 'a', '0.1'], ['HINCRBY', 'i', 'b', '99999999999'], OE('i'),
    ],
  },
  {
    name: 'hash: small thresholds (entries 4, value 8) crossed both ways',
    config: { 'hash-max-listpack-entries': '4', 'hash-max-listpack-value': '8' },
    steps: [
      ['HSET', 'a', ...pairs(4)], OE('a'), ['HSET', 'a', 'e', '1'], OE('a'), ['HLEN', 'a'],
      ['HSET', 'b', ...pairs(5)], OE('b'), ['HSET', 'c', 'x', big(8)], OE('c'), ['HSET', 'c', 'y', big(9)], OE('c'),
      ['HSET', 'd', big(9), '1'], OE('d'), ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'], ['HSET', 'e', 'a', '1'], OE('e'),
      ['HGETALL', 'e'], ['CONFIG', 'GET', 'hash-max-listpack-entries'], ['CONFIG', 'GET', 'hash-max-listpack-value'],
    ],
  },
  {
    name: `hash: COPY / RENAME keep the encoding (${a0} → ${a1}, another shard)`,
    config: { 'hash-max-listpack-entries': '4', 'hash-max-listpack-value': '64' },
    steps: [
      ['HSET', a0, ...pairs(3)], ['COPY', a0, a1], OE(a1), ['HGETALL', a1], ['DEL', a1],
      ['HSET', a0, ...pairs(6)], OE(a0), ['COPY', a0, a1], OE(a1), ['RENAME', a1, 'other'], OE('other'), ['HLEN', 'other'],
    ],
  },

  // ---------------------------------------------------------------- sorted sets
  {
    name: 'zset: 128 members listpack, the 129th converts; no way back',
    config: { 'zset-max-listpack-entries': '128', 'zset-max-listpack-value': '64' },
    steps: [
      ['ZADD', 'z', ...strs(128).flatMap((m, i) => [String(i), m])], OE('z'), ['ZADD', 'z', '5', 'm000'], OE('z'),
      ['ZADD', 'z', '200', 'extra'], ['ZCARD', 'z'], OE('z'), ['ZREMRANGEBYRANK', 'z', '0', '-3'], OE('z'), ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z2', ...strs(129).flatMap((m, i) => [String(i), m])], OE('z2'),
    ],
  },
  {
    name: 'zset: members of 64 vs 65 bytes (ZADD, ZINCRBY, ZADD INCR)',
    config: { 'zset-max-listpack-entries': '128', 'zset-max-listpack-value': '64' },
    steps: [
      ['ZADD', 'a', '1', big(64)], OE('a'), ['ZADD', 'a', '2', big(65)], OE('a'),
      ['ZADD', 'b', '1', big(65)], OE('b'), ['ZINCRBY', 'c', '1', big(65)], OE('c'), ['ZADD', 'd', 'INCR', '1', big(65)], OE('d'),
      ['ZADD', 'e', '1', 'x'], ['ZINCRBY', 'e', '1', big(65)], OE('e'), ['ZRANGE', 'e', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'zset: small thresholds, and store commands pick the encoding of their result',
    config: { 'zset-max-listpack-entries': '4', 'zset-max-listpack-value': '16' },
    steps: [
      ['ZADD', a0, '1', 'a', '2', 'b', '3', 'c', '4', 'd'], OE(a0), ['ZADD', a0, '5', 'e', '6', 'f'], OE(a0),
      ['ZUNIONSTORE', a1, '1', a0], OE(a1), ['ZRANGESTORE', a1, a0, '0', '1'], OE(a1), ['ZRANGE', a1, '0', '-1'],
      ['ZINTERSTORE', 'i', '2', a0, a1], OE('i'), ['ZDIFFSTORE', 'd', '2', a0, a1], OE('d'), ['ZCARD', 'd'],
      ['ZADD', 'w', '1', big(17)], OE('w'), ['ZUNIONSTORE', 'w2', '1', 'w'], OE('w2'),
      ['ZREMRANGEBYRANK', a0, '0', '-2'], OE(a0), ['ZUNIONSTORE', 'x', '1', a0], OE('x'),
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'], ['ZADD', 'zero', '1', 'a'], OE('zero'), ['ZRANGE', 'zero', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: `zset: COPY keeps the encoding (${a0} → ${a1}, another shard)`,
    config: { 'zset-max-listpack-entries': '4', 'zset-max-listpack-value': '64' },
    steps: [
      ['ZADD', a0, '1', 'a', '2', 'b'], ['COPY', a0, a1], OE(a1), ['DEL', a1],
      ['ZADD', a0, '3', 'c', '4', 'd', '5', 'e'], OE(a0), ['COPY', a0, a1], OE(a1), ['ZRANGE', a1, '0', '-1', 'WITHSCORES'],
      ['ZRANK', a1, 'e'],
    ],
  },

  // ---------------------------------------------------------------- sets
  {
    name: 'intset: 512 members, the 513th converts',
    config: { 'set-max-intset-entries': '512' },
    steps: [
      ['SADD', 'i', ...ints(0, 511)], OE('i'), ['SADD', 'i', '511'], ['SCARD', 'i'], OE('i'), ['SADD', 'i', '0'], OE('i'),
      ['SADD', 'i', '512'], ['SCARD', 'i'], OE('i'), ['SREM', 'i', ...ints(0, 500)], OE('i'), sorted(['SMEMBERS', 'i']),
      ['SADD', 'j', ...ints(-1000, 513)], OE('j'), ['SADD', 'k', ...ints(0, 512)], OE('k'),
      ['SADD', 'wide', '1', '70000', '5000000000', '-9223372036854775808'], OE('wide'), ['SMEMBERS', 'wide'],
    ],
  },
  {
    name: 'intset meets a non-integer: listpack when small (7.2), hashtable when not',
    config: { 'set-max-intset-entries': '512' },
    steps: [
      ['SADD', 's', '1', '2', '3'], OE('s'), ['SADD', 's', 'a'], setEnc('s', 'listpack'), sorted(['SMEMBERS', 's']),
      ['SADD', 'big', ...ints(0, 200)], ['SADD', 'big', 'a'], OE('big'),
      ['SADD', 'long', '1'], ['SADD', 'long', big(65)], OE('long'),
      ['SADD', 'nc', '1'], ['SADD', 'nc', '01'], setEnc('nc', 'listpack'), ['SADD', 'nc2', '1', '9223372036854775808'], setEnc('nc2', 'listpack'),
      ['SADD', 'nc3', '-0'], setEnc('nc3', 'listpack'), ['SADD', 'nc4', ' 1'], setEnc('nc4', 'listpack'),
    ],
  },
  {
    name: 'listpack sets (7.2): 128 members, the 129th converts; 64 vs 65 bytes',
    config: { 'set-max-intset-entries': '512' },
    steps: [
      ['SADD', 's', ...strs(127)], setEnc('s', 'listpack'), ['SADD', 's', 'last'], ['SCARD', 's'], setEnc('s', 'listpack'),
      ['SADD', 's', 'over'], OE('s'), ['SREM', 's', ...strs(127)], OE('s'), sorted(['SMEMBERS', 's']),
      ['SADD', 't', ...strs(129)], OE('t'), ['SADD', 'u', ...strs(128)], setEnc('u', 'listpack'),
      ['SADD', 'v', big(64)], setEnc('v', 'listpack'), ['SADD', 'v', big(65)], OE('v'), ['SADD', 'w', big(65)], OE('w'),
      ['SADD', 'mixed', 'a', '1', '2'], setEnc('mixed', 'listpack'), ['SISMEMBER', 'mixed', '1'], sorted(['SMEMBERS', 'mixed']),
    ],
  },
  {
    name: 'sets: small intset threshold (4); SADD sizes a new set by its argument count (7.2)',
    config: { 'set-max-intset-entries': '4' },
    steps: [
      ['SADD', 'a', '1', '2', '3', '4'], OE('a'), ['SADD', 'a', '5'], OE('a'),
      // 7.0: an intset that overflows on the 5th member; 7.2: 5 arguments > 4 → a listpack from the start
      ['SADD', 'b', '1', '2', '3', '4', '5'], setEnc('b', 'listpack'), sorted(['SMEMBERS', 'b']),
      ['SADD', 'c', '1', '2'], ['SADD', 'c', '3', '4', '5'], OE('c'),
      ['CONFIG', 'SET', 'set-max-intset-entries', '0'], ['SADD', 'z', '1'], setEnc('z', 'listpack'),
    ],
  },
  {
    name: 'set algebra stores: integer results are intsets, big ones hashtables',
    config: { 'set-max-intset-entries': '512' },
    steps: [
      ['SADD', a0, ...ints(0, 10)], ['SADD', a1, ...ints(5, 10)], ['SINTERSTORE', 'i', a0, a1], OE('i'), ['SMEMBERS', 'i'],
      ['SUNIONSTORE', 'u', a0, a1], OE('u'), ['SMEMBERS', 'u'], ['SDIFFSTORE', 'd', a0, a1], OE('d'), ['SMEMBERS', 'd'],
      ['SADD', 'x', 'a', 'b', '1'], ['SUNIONSTORE', 'xu', 'x', a0], setEnc('xu', 'listpack'), ['SINTERSTORE', 'xi', 'x', a0], OE('xi'),
      ['SADD', 'many', ...strs(200)], ['SUNIONSTORE', 'mu', 'many', a0], OE('mu'), ['SCARD', 'mu'],
      ['SADD', 'big', ...ints(0, 600)], OE('big'), ['SINTERSTORE', 'bi', 'big', a0], OE('bi'),
      ['SMOVE', a0, 'new', '3'], OE('new'), ['SMOVE', 'x', 'new2', 'a'], setEnc('new2', 'listpack'),
    ],
  },
  {
    name: `sets: COPY keeps the encoding (${a0} → ${a1}, another shard)`,
    config: { 'set-max-intset-entries': '512' },
    steps: [
      ['SADD', a0, '1', '2'], ['COPY', a0, a1], OE(a1), ['DEL', a1], ['SADD', a0, 'x'], ['COPY', a0, a1], setEnc(a1, 'listpack'), ['DEL', a1],
      ['SADD', a0, ...strs(200)], OE(a0), ['COPY', a0, a1], OE(a1), ['SCARD', a1],
    ],
  },

  // ---------------------------------------------------------------- lists
  {
    name: 'lists: count limit 4 (7.2 listpack ↔ quicklist)',
    config: { 'list-max-listpack-size': '4' },
    steps: [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd'], listEnc('l', 'listpack'), ['RPUSH', 'l', 'e'], listEnc('l', 'quicklist'),
      ['RPOP', 'l'], listEnc('l', 'quicklist'), ['RPOP', 'l'], listEnc('l', 'quicklist'), ['RPOP', 'l'], listEnc('l', 'listpack'),
      ['LRANGE', 'l', '0', '-1'], ['RPUSH', 'l', 'x', 'y', 'z'], listEnc('l', 'quicklist'), ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '0', '1'], listEnc('l', 'listpack'), ['LRANGE', 'l', '0', '-1'],
      ['LPUSH', 'm', '1', '2', '3', '4', '5'], listEnc('m', 'quicklist'), ['LPUSH', 'n', '1', '2', '3', '4'], listEnc('n', 'listpack'),
      ['LREM', 'm', '0', '5'], ['LREM', 'm', '0', '4'], listEnc('m', 'quicklist'), ['LREM', 'm', '0', '3'], listEnc('m', 'listpack'),
      // LINSERT converts for the new element before looking for the pivot (7.2)
      ['LINSERT', 'n', 'BEFORE', 'nope', 'x'], listEnc('n', 'quicklist'), ['LRANGE', 'n', '0', '-1'],
      ['RPUSH', 'o', 'a', 'b', 'c'], ['LSET', 'o', '0', 'z'], listEnc('o', 'listpack'), ['LINSERT', 'o', 'AFTER', 'z', 'y'], listEnc('o', 'listpack'),
      ['LRANGE', 'o', '0', '-1'],
    ],
  },
  {
    name: 'lists: size limit -1 (4096 bytes) with 100-byte elements',
    config: { 'list-max-listpack-size': '-1' },
    steps: () => {
      const e = (i: number) => `e${String(i).padStart(2, '0')}${big(97)}`; // 100 bytes
      const els = Array.from({ length: 39 }, (_, i) => e(i));
      return [
        // Redis's listpack: a 100-byte string entry is 2 (12-bit string header) + 100 + 1
        // (back length) = 103 bytes, so 39 make 7 + 39·103 = 4024 and the 40th would make
        // 4024 + 100 > 4096
        ['RPUSH', 'l', ...els], listEnc('l', 'listpack'), ['LLEN', 'l'], ['RPUSH', 'l', e(39)], listEnc('l', 'quicklist'),
        ['RPOP', 'l'], listEnc('l', 'quicklist'), ['LTRIM', 'l', '0', '9'], listEnc('l', 'listpack'), ['LLEN', 'l'],
        // one RPUSH of all 40 checks 7 + 40·100 raw bytes ≤ 4096: a listpack (of 4127 bytes)
        ['RPUSH', 'm', ...els, e(39)], listEnc('m', 'listpack'), ['LRANGE', 'm', '38', '39'],
        ['RPUSH', 'm', 'x'], listEnc('m', 'quicklist'),
      ];
    },
  },
  {
    name: 'lists: default size limit (-2, 8 KiB): one big element',
    config: { 'list-max-listpack-size': '-2' },
    steps: [
      ['RPUSH', 'l', 'small'], listEnc('l', 'listpack'), ['RPUSH', 'l', big(8200)], listEnc('l', 'quicklist'),
      ['RPOP', 'l'], listEnc('l', 'listpack'), ['LRANGE', 'l', '0', '-1'],
      ['RPUSH', 'b', big(8200)], listEnc('b', 'quicklist'), ['LPUSH', 'b', 'x'], ['LPOP', 'b'], ['LLEN', 'b'],
      // 1000 small integers fit 8 KiB (7 + 2890 raw bytes): still a listpack
      ['RPUSH', 'ints', ...ints(0, 1000)], listEnc('ints', 'listpack'), ['LLEN', 'ints'],
      // 1000 × 10 bytes do not
      ['RPUSH', 'many', ...ints(0, 1000).map((x) => x.padStart(10, 'n'))], listEnc('many', 'quicklist'), ['LTRIM', 'many', '0', '9'], listEnc('many', 'listpack'),
      ['LRANGE', 'many', '0', '-1'], ['CONFIG', 'GET', 'list-max-listpack-size'],
    ],
  },
  {
    name: `lists: COPY and LMOVE keep working across encodings (${a0} → ${a1}, another shard)`,
    config: { 'list-max-listpack-size': '4' },
    steps: [
      ['RPUSH', a0, 'a', 'b', 'c', 'd', 'e', 'f'], listEnc(a0, 'quicklist'), ['COPY', a0, a1], listEnc(a1, 'quicklist'),
      ['LMOVE', a0, a1, 'LEFT', 'RIGHT'], ['LRANGE', a1, '0', '-1'], ['LPOP', a0, '4'], listEnc(a0, 'listpack'),
      ['COPY', a0, 'c2'], listEnc('c2', 'listpack'), ['LRANGE', 'c2', '0', '-1'], ['OBJECT', 'ENCODING', 'missing'],
    ],
  },
  {
    name: 'OBJECT ENCODING replies for every type in RESP3 too',
    steps: [
      ['HSET', 'h', 'a', '1'], ['ZADD', 'z', '1', 'a'], ['SADD', 'i', '1'], OE('h'), OE('z'), OE('i'),
      ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'h', 'x'], ['TYPE', 'h'], ['TYPE', 'z'],
      ['TYPE', 'i'], ['RPUSH', 'l', 'x'], ['TYPE', 'l'], ['OBJECT', 'REFCOUNT', 'h'], ['OBJECT', 'REFCOUNT', 'l'],
      v72(['OBJECT', 'ENCODING', 'l'], bulk('quicklist'), bulk('listpack')),
    ],
  },
];

compatSuite('OBJECT ENCODING across thresholds: compat with redis-server', CASES);
