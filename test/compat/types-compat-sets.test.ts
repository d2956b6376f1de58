/**
 * Sets and sorted sets against redis-server, raw reply bytes in RESP2 and RESP3 (the runner is
 * in test/helpers/types-kit.ts).
 *
 * Sets of strings are listpacks in Spindle (Redis 7.2) and hashtables in redis-server 7.0, so
 * their member order differs: replies listing members of non-integer sets are compared after
 * sorting; intsets (sorted in both) byte for byte. Random replies (SPOP, SRANDMEMBER,
 * ZRANDMEMBER) are checked by their properties.
 */
import type { RespValue } from '../helpers/server.js';
import { check, compatSuite, items, keysInShards, served, sorted, text, v72, type Case } from '../helpers/types-kit.js';

// Keys in different shards (k0 shard 0, k1 shard 1, k2 shard 0, k3 shard 1).
const [k0, k1, k2, k3] = keysInShards('sk', 4);

/** Members of an aggregate reply (first element of pairs). */
function members(r: RespValue): (string | null)[] | null {
  const it = items(r);
  if (!it) return null;
  return it.map((x) => ('items' in x ? text(x.items[0]) : text(x)));
}
/** n elements (null: any count) from `allowed`, distinct or not. */
const picks = (allowed: string[], n: number | null, distinct: boolean) => (r: RespValue): string | null => {
  const m = members(r);
  if (!m) return 'not an aggregate';
  if (n !== null && m.length !== n) return `${m.length} elements, want ${n}`;
  for (const v of m) if (v === null || !allowed.includes(v)) return `unexpected element ${JSON.stringify(v)}`;
  if (distinct && new Set(m).size !== m.length) return 'repeated elements';
  return null;
};
const oneOf = (allowed: string[]) => (r: RespValue): string | null =>
  allowed.includes(text(r) ?? '\0') ? null : `not one of ${allowed.join(',')}`;
/** ZRANDMEMBER WITHSCORES: RESP2 flat member, score...; RESP3 [member, score] pairs. */
const scoredPicks = (scores: Record<string, string>, n: number, distinct: boolean) => (r: RespValue, proto: 2 | 3): string | null => {
  const it = items(r);
  if (!it) return 'not an aggregate';
  const pairs: [string | null, string | null, string][] = [];
  if (proto === 2) {
    for (let i = 0; i + 1 < it.length; i += 2) pairs.push([text(it[i]), text(it[i + 1]), it[i + 1].t]);
    if (it.length % 2) return 'odd length';
  } else {
    for (const p of it) {
      if (!('items' in p) || p.items.length !== 2) return 'not a pair';
      pairs.push([text(p.items[0]), text(p.items[1]), p.items[1].t]);
    }
  }
  if (pairs.length !== n) return `${pairs.length} pairs, want ${n}`;
  for (const [m, s, t] of pairs) {
    if (m === null || !(m in scores)) return `unexpected member ${m}`;
    if (s !== scores[m]) return `score ${s} for ${m}, want ${scores[m]}`;
    if (t !== (proto === 2 ? '$' : ',')) return `score type ${t}`;
  }
  if (distinct && new Set(pairs.map((p) => p[0])).size !== pairs.length) return 'repeated members';
  return null;
};

const zrankArity = "-ERR wrong number of arguments for 'zrank' command\r\n";
const zrevrankArity = "-ERR wrong number of arguments for 'zrevrank' command\r\n";

const ints = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

const CASES: Case[] = [
  // ---------------------------------------------------------------- sets
  {
    name: 'SADD / SREM / SCARD / SISMEMBER / SMISMEMBER / SMEMBERS',
    steps: [
      ['SADD', 's', 'a', 'b', 'c'], ['SADD', 's', 'a', 'd', 'd'], ['SCARD', 's'], sorted(['SMEMBERS', 's']),
      ['SISMEMBER', 's', 'a'], ['SISMEMBER', 's', 'z'], ['SISMEMBER', 'missing', 'a'],
      ['SMISMEMBER', 's', 'a', 'z', 'd'], ['SMISMEMBER', 'missing', 'a', 'b'],
      ['SREM', 's', 'a', 'z'], ['SREM', 's', 'a'], ['SCARD', 's'], ['SREM', 's', 'b', 'c', 'd'], ['EXISTS', 's'],
      ['SMEMBERS', 's'], ['SCARD', 'missing'], ['SREM', 'missing', 'a'],
      ['SADD', 'bin', '', Buffer.from([0, 255, 13, 10])], sorted(['SMEMBERS', 'bin']), ['SISMEMBER', 'bin', ''],
      ['SADD', 's'], ['SADD'], ['SREM', 's'], ['SCARD'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'], ['SMEMBERS'],
      ['SET', 'str', 'x'], ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str'],
    ],
  },
  {
    name: 'intsets: sorted members, integer forms',
    steps: [
      ['SADD', 'i', '5', '-3', '100', '0', '9223372036854775807', '-9223372036854775808'], ['SMEMBERS', 'i'],
      ['SADD', 'i', '5', '05', '+5', '5.0', ' 5'], ['SCARD', 'i'], sorted(['SMEMBERS', 'i']),
      ['SADD', 'j', '3', '1', '2'], ['SMEMBERS', 'j'], ['SISMEMBER', 'j', '01'], ['SISMEMBER', 'j', '1'], ['SREM', 'j', '2'], ['SMEMBERS', 'j'],
      ['SADD', 'j', '-0'], sorted(['SMEMBERS', 'j']),
    ],
  },
  {
    name: 'SPOP / SRANDMEMBER',
    steps: [
      ['SPOP', 'missing'], ['SPOP', 'missing', '2'], ['SRANDMEMBER', 'missing'], ['SRANDMEMBER', 'missing', '2'], ['SRANDMEMBER', 'missing', '-2'],
      ['SADD', 's', 'a', 'b', 'c', 'd'],
      check(['SRANDMEMBER', 's'], oneOf(['a', 'b', 'c', 'd'])), ['SRANDMEMBER', 's', '0'],
      check(['SRANDMEMBER', 's', '3'], picks(['a', 'b', 'c', 'd'], 3, true)), sorted(['SRANDMEMBER', 's', '10']),
      check(['SRANDMEMBER', 's', '-6'], picks(['a', 'b', 'c', 'd'], 6, false)), ['SCARD', 's'],
      check(['SPOP', 's'], oneOf(['a', 'b', 'c', 'd'])), ['SCARD', 's'],
      check(['SPOP', 's', '2'], picks(['a', 'b', 'c', 'd'], 2, true)), ['SCARD', 's'], ['SPOP', 's', '0'],
      check(['SPOP', 's', '5'], picks(['a', 'b', 'c', 'd'], 1, true)), ['EXISTS', 's'],
      ['SADD', 'i', '1', '2', '3'], sorted(['SPOP', 'i', '3']), ['EXISTS', 'i'],
      ['SADD', 's', 'a'], ['SPOP', 's', '-1'], ['SPOP', 's', 'x'], ['SPOP', 's', '1', '2'], ['SRANDMEMBER', 's', 'x'],
      ['SRANDMEMBER', 's', '1', '2'], ['SRANDMEMBER', 's', '-9223372036854775808'], ['SPOP', 's', '9223372036854775808'],
      ['SPOP'], // (SRANDMEMBER s -9223372036854775807 is valid: redis-server would try to send that many)
      ['SET', 'str', 'x'], ['SPOP', 'str'], ['SRANDMEMBER', 'str'], ['SPOP', 'str', '1'], ['SRANDMEMBER', 'str', '1'],
    ],
  },
  {
    name: 'SPOP / SRANDMEMBER on a big set keep their promises',
    steps: () => {
      const m = ints(1000, 600).map((x) => `m${x}`);
      return [
        ['SADD', 'big', ...m], ['SCARD', 'big'],
        check(['SRANDMEMBER', 'big', '50'], picks(m, 50, true)), check(['SRANDMEMBER', 'big', '-700'], picks(m, 700, false)),
        check(['SRANDMEMBER', 'big', '500'], picks(m, 500, true)), check(['SPOP', 'big', '100'], picks(m, 100, true)),
        ['SCARD', 'big'], check(['SPOP', 'big', '450'], picks(m, 450, true)), ['SCARD', 'big'],
        check(['SPOP', 'big', '100'], picks(m, 50, true)), ['EXISTS', 'big'],
      ];
    },
  },
  {
    name: `SMOVE within a shard and across shards (${k0} ${k1})`,
    steps: [
      ['SADD', k0, 'a', 'b', '1'], ['SMOVE', k0, k1, 'a'], ['SMOVE', k0, k1, 'zz'], ['SMOVE', k2, k1, 'a'],
      sorted(['SMEMBERS', k0]), sorted(['SMEMBERS', k1]), ['SMOVE', k1, k1, 'a'], ['SMOVE', k1, k1, 'zz'],
      ['SADD', k1, 'b'], ['SMOVE', k0, k1, 'b'], sorted(['SMEMBERS', k0]), sorted(['SMEMBERS', k1]),
      ['SMOVE', k0, k3, '1'], ['EXISTS', k0], ['SMEMBERS', k3],
      ['SET', 'str', 'x'], ['SMOVE', k1, 'str', 'a'], ['SMOVE', 'str', k1, 'a'], ['SISMEMBER', k1, 'a'],
      ['SMOVE', 'missing', 'str', 'a'], ['SMOVE', k1, k0], ['SMOVE', k1, k0, 'a', 'b'],
    ],
  },
  {
    name: 'SINTER / SUNION / SDIFF and their STORE forms across shards',
    steps: [
      ['SADD', k0, 'a', 'b', 'c', 'd'], ['SADD', k1, 'c', 'd', 'e'], ['SADD', k2, 'd', 'e', 'f', 'a'],
      sorted(['SINTER', k0, k1]), sorted(['SINTER', k0, k1, k2]), sorted(['SINTER', k0]), ['SINTER', k0, 'missing'], ['SINTER', 'missing', k0],
      sorted(['SUNION', k0, k1, k2]), sorted(['SUNION', k0, 'missing']), ['SUNION', 'missing'],
      sorted(['SDIFF', k0, k1]), sorted(['SDIFF', k0, k1, k2]), ['SDIFF', 'missing', k0], sorted(['SDIFF', k0, 'missing']), ['SDIFF', k0, k0],
      ['SINTERSTORE', k3, k0, k1], sorted(['SMEMBERS', k3]), ['SUNIONSTORE', k3, k0, k1, k2], ['SCARD', k3],
      ['SDIFFSTORE', k3, k0, k1], sorted(['SMEMBERS', k3]), ['SINTERSTORE', k3, k0, 'missing'], ['EXISTS', k3],
      ['SET', k3, 'str'], ['SUNIONSTORE', k3, k0], ['TYPE', k3], ['SDIFFSTORE', k3, k0, k0], ['EXISTS', k3],
      ['SINTERSTORE', k0, k0, k1], sorted(['SMEMBERS', k0]), ['SUNIONSTORE', k2, k2, k1], ['SCARD', k2],
      ['SADD', 'i1', '1', '2', '3'], ['SADD', 'i2', '2', '3', '4'], ['SINTER', 'i1', 'i2'], ['SUNION', 'i1', 'i2'], ['SDIFF', 'i1', 'i2'],
      ['SUNIONSTORE', 'iu', 'i1', 'i2'], ['SMEMBERS', 'iu'],
      ['SET', 'str', 'x'], ['SINTER', k1, 'str'], ['SINTER', 'missing', 'str'], ['SUNION', k1, 'str'], ['SDIFF', 'str', k1],
      ['SDIFF', 'missing', 'str'], ['SINTERSTORE', 'd', k1, 'str'], ['SUNIONSTORE', 'd', 'str'], ['SDIFFSTORE', 'd', k1, 'str'],
      ['SINTER'], ['SUNIONSTORE', 'd'], ['SDIFFSTORE'],
    ],
  },
  {
    name: 'SINTERCARD',
    steps: [
      ['SADD', k0, 'a', 'b', 'c', 'd'], ['SADD', k1, 'b', 'c', 'd', 'e'], ['SADD', k2, 'c', 'd'],
      ['SINTERCARD', '2', k0, k1], ['SINTERCARD', '3', k0, k1, k2], ['SINTERCARD', '1', k0], ['SINTERCARD', '2', k0, 'missing'],
      ['SINTERCARD', '2', k0, k1, 'LIMIT', '2'], ['SINTERCARD', '2', k0, k1, 'LIMIT', '0'], ['SINTERCARD', '2', k0, k1, 'LIMIT', '100'],
      ['SINTERCARD', '0', k0], ['SINTERCARD', '-1', k0], ['SINTERCARD', '3', k0, k1], ['SINTERCARD', 'x', k0],
      ['SINTERCARD', '2', k0, k1, 'LIMIT', '-1'], ['SINTERCARD', '2', k0, k1, 'LIMIT'], ['SINTERCARD', '2', k0, k1, 'LIMIT', 'x'],
      ['SINTERCARD', '2', k0, k1, 'FOO', '1'], ['SINTERCARD', '1'], ['SINTERCARD'],
      ['SET', 'str', 'x'], ['SINTERCARD', '2', k0, 'str'], ['SINTERCARD', '2', 'missing', 'str'],
    ],
  },
  {
    name: 'SSCAN on an intset (one full pass), errors',
    steps: [
      ['SADD', 'i', '3', '1', '2', '10', '11'], ['SSCAN', 'i', '0'], ['SSCAN', 'i', '0', 'MATCH', '1*'], ['SSCAN', 'i', '0', 'COUNT', '2'],
      ['SSCAN', 'missing', '0'], ['SSCAN', 'i', 'x'], ['SSCAN', 'i', '0', 'COUNT', '0'], ['SSCAN', 'i', '0', 'COUNT'], ['SSCAN', 'i'],
      ['SET', 'str', 'x'], ['SSCAN', 'str', '0'],
    ],
  },
  {
    name: 'SSCAN on a set of strings: a full iteration sees every member once',
    steps: [
      ['SADD', 's', ...ints(0, 40).map((x) => `m${x}`)],
      check(['SSCAN', 's', '0', 'COUNT', '1000'], (r) => {
        const it = items(r);
        if (!it || it.length !== 2) return 'not [cursor, members]';
        if (text(it[0]) !== '0') return `cursor ${text(it[0])} after COUNT 1000`;
        return picks(ints(0, 40).map((x) => `m${x}`), 40, true)(it[1]);
      }),
    ],
  },
  {
    name: 'sets: big intsets and mixed sets through the algebra commands',
    steps: [
      ['SADD', k0, ...ints(0, 600)], ['SADD', k1, ...ints(300, 600)], ['SADD', k2, 'a', '350', '10', 'b'],
      ['SINTERCARD', '2', k0, k1], ['SINTERCARD', '2', k0, k1, 'LIMIT', '7'], sorted(['SINTER', k0, k2]), sorted(['SINTER', k2, k0]),
      ['SINTERSTORE', k3, k0, k1], ['SCARD', k3], ['SUNIONSTORE', k3, k0, k1], ['SCARD', k3], ['SDIFFSTORE', k3, k0, k1], ['SCARD', k3],
      sorted(['SDIFF', k2, k0]), sorted(['SUNION', k2, 'missing']), ['SMISMEMBER', k0, '5', 'a', '599', '600', '-1', '05'],
      ['SISMEMBER', k0, '1.0'], ['SREM', k0, 'a', '5', '05'], ['SCARD', k0],
      check(['SRANDMEMBER', k0, '-20'], picks(ints(0, 600), 20, false)), check(['SPOP', k1, '10'], picks(ints(300, 600), 10, true)),
      ['SCARD', k1],
    ],
  },
  {
    name: 'set: WRONGTYPE on every command, nothing changed',
    steps: [
      ['ZADD', 'z', '1', 'a'],
      ['SADD', 'z', 'a'], ['SREM', 'z', 'a'], ['SCARD', 'z'], ['SISMEMBER', 'z', 'a'], ['SMISMEMBER', 'z', 'a'], ['SMEMBERS', 'z'],
      ['SPOP', 'z'], ['SRANDMEMBER', 'z', '2'], ['SMOVE', 'z', 'x', 'a'], ['SINTER', 'z'], ['SUNION', 'z'], ['SDIFF', 'z'],
      ['SINTERCARD', '1', 'z'], ['SSCAN', 'z', '0'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ],
  },

  // ---------------------------------------------------------------- sorted sets
  {
    name: 'ZADD / ZSCORE / ZMSCORE / ZCARD: score formatting',
    steps: [
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '-3', 'c', '0', 'd'], ['ZCARD', 'z'],
      ['ZSCORE', 'z', 'a'], ['ZSCORE', 'z', 'b'], ['ZSCORE', 'z', 'c'], ['ZSCORE', 'z', 'nope'], ['ZSCORE', 'missing', 'a'],
      ['ZADD', 'z', '0.1', 'e', '1e300', 'f', '-1e-300', 'g', '+inf', 'h', '-inf', 'i', '3.0', 'j', '1e20', 'k',
        '0.3333333333333333', 'l', '9007199254740993', 'm', '-0', 'n', '1.7976931348623157e308', 'o', '5e-324', 'p', '123456789.125', 'q'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZMSCORE', 'z', 'a', 'nope', 'h', 'i', 'n'], ['ZMSCORE', 'missing', 'a', 'b'], ['ZSCORE', 'z', 'n'],
      ['ZADD', 'z', 'nan', 'x'], ['ZADD', 'z', 'abc', 'x'], ['ZADD', 'z', '1', 'x', '2'], ['ZADD', 'z', '1'], ['ZADD', 'z'],
      ['ZADD', 'z', '', 'x'], ['ZADD', 'z', '1e', 'x'], ['ZADD', 'z', '0x10', 'x'], ['ZADD', 'z', ' 1', 'x'], ['ZADD', 'z', 'inf', 'x', '-inf', 'x'],
      ['ZSCORE', 'z', 'x'], ['ZCARD', 'missing'], ['ZCARD'], ['ZSCORE', 'z'], ['ZMSCORE', 'z'],
      ['SET', 'str', 'x'], ['ZADD', 'str', '1', 'a'], ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'str', 'a'], ['ZCARD', 'str'],
    ],
  },
  {
    name: 'ZADD NX / XX / GT / LT / CH / INCR and their conflicts',
    steps: [
      ['ZADD', 'z', 'NX', '1', 'a'], ['ZADD', 'z', 'NX', '5', 'a', '2', 'b'], ['ZADD', 'z', 'XX', '10', 'a', '3', 'c'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'GT', '5', 'a'], ['ZADD', 'z', 'GT', 'CH', '20', 'a', '1', 'b'], ['ZADD', 'z', 'LT', 'CH', '1', 'a', '5', 'b', '7', 'new'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['ZADD', 'z', 'CH', '1', 'a', '2', 'b', '9', 'b2'],
      ['ZADD', 'z', 'XX', 'GT', 'CH', '100', 'a', '100', 'zz'], ['ZADD', 'z', 'XX', 'LT', '0', 'b'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'INCR', '5', 'a'], ['ZADD', 'z', 'INCR', '5', 'fresh'], ['ZADD', 'z', 'NX', 'INCR', '5', 'a'], ['ZADD', 'z', 'XX', 'INCR', '5', 'nope'],
      ['ZADD', 'z', 'GT', 'INCR', '-5', 'a'], ['ZADD', 'z', 'LT', 'INCR', '-5', 'a'], ['ZADD', 'z', 'GT', 'INCR', '0', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], ['ZADD', 'z', 'INCR', 'inf', 'a'], ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZSCORE', 'z', 'a'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', 'NX', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'], ['ZADD', 'z', 'NX', 'LT', '1', 'a'], ['ZADD', 'z', 'nx', 'ch', 'incr', '1', 'q'],
      ['ZADD', 'z', 'CH'], ['ZADD', 'z', 'NX', '1'], ['ZADD', 'z', 'FOO', '1', 'a'],
      ['ZADD', 'newz', 'XX', '1', 'a'], ['EXISTS', 'newz'], ['ZADD', 'newz', 'XX', 'INCR', '1', 'a'], ['EXISTS', 'newz'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'ZINCRBY',
    steps: [
      ['ZINCRBY', 'z', '1', 'a'], ['ZINCRBY', 'z', '2.5', 'a'], ['ZINCRBY', 'z', '-10', 'a'], ['ZINCRBY', 'z', '0.1', 'b'], ['ZINCRBY', 'z', '0.2', 'b'],
      ['ZINCRBY', 'z', 'inf', 'c'], ['ZINCRBY', 'z', '-inf', 'c'], ['ZINCRBY', 'z', 'x', 'a'], ['ZINCRBY', 'z', 'nan', 'a'], ['ZINCRBY', 'z', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], ['SET', 'str', 'x'], ['ZINCRBY', 'str', '1', 'a'],
    ],
  },
  {
    name: 'ZRANGE by rank / ZREVRANGE / WITHSCORES, ZRANK / ZREVRANK',
    steps: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '3', 'cc'],
      ['ZRANGE', 'z', '0', '-1'], ['ZRANGE', 'z', '1', '3', 'WITHSCORES'], ['ZRANGE', 'z', '-2', '-1', 'withscores'],
      ['ZRANGE', 'z', '5', '2'], ['ZRANGE', 'z', '-100', '100'], ['ZRANGE', 'z', '10', '20'], ['ZRANGE', 'z', '0', '-1', 'REV'],
      ['ZRANGE', 'z', '0', '1', 'REV', 'WITHSCORES'], ['ZREVRANGE', 'z', '0', '-1'], ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'],
      ['ZRANGE', 'missing', '0', '-1'], ['ZREVRANGE', 'missing', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', 'a', '1'], ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], ['ZRANGE', 'z', '0', '1', 'FOO'], ['ZRANGE', 'z', '0'],
      ['ZREVRANGE', 'z', '0', '1', 'LIMIT', '0', '1'], ['ZREVRANGE', 'z', '0', '1', 'REV'],
      ['ZRANK', 'z', 'a'], ['ZRANK', 'z', 'c'], ['ZRANK', 'z', 'cc'], ['ZRANK', 'z', 'e'], ['ZRANK', 'z', 'nope'], ['ZRANK', 'missing', 'a'],
      ['ZREVRANK', 'z', 'a'], ['ZREVRANK', 'z', 'e'], ['ZREVRANK', 'z', 'nope'], ['ZRANK', 'z'],
      // Spindle takes 7.2's WITHSCORE (arity -3, on purpose); redis-server 7.0 has arity 3
      v72(['ZRANK', 'z', 'a', 'b'], zrankArity, '-ERR syntax error\r\n'),
      v72(['ZRANK', 'z', 'a', 'WITHSCORE'], zrankArity, (p) => `*2\r\n:0\r\n${p === 2 ? '$1\r\n1' : ',1'}\r\n`),
      v72(['ZREVRANK', 'z', 'b', 'withscore'], zrevrankArity, (p) => `*2\r\n:4\r\n${p === 2 ? '$1\r\n2' : ',2'}\r\n`),
      v72(['ZRANK', 'z', 'nope', 'WITHSCORE'], zrankArity, (p) => (p === 2 ? '*-1\r\n' : '_\r\n')),
      v72(['ZRANK', 'missing', 'a', 'WITHSCORE'], zrankArity, (p) => (p === 2 ? '*-1\r\n' : '_\r\n')),
      ['SET', 'str', 'x'], ['ZRANGE', 'str', '0', '-1'], ['ZRANK', 'str', 'a'], ['ZREVRANK', 'str', 'a'],
    ],
  },
  {
    name: 'ZRANGE BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE / ZCOUNT with exclusive bounds and LIMIT',
    steps: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '-inf', 'ninf', '+inf', 'pinf'],
      ['ZRANGE', 'z', '2', '4', 'BYSCORE'], ['ZRANGE', 'z', '(2', '(4', 'BYSCORE', 'WITHSCORES'], ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE'],
      ['ZRANGE', 'z', '4', '2', 'BYSCORE', 'REV'], ['ZRANGE', 'z', '(4', '-inf', 'BYSCORE', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'LIMIT', '1', '2'], ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'LIMIT', '1', '-1'],
      ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'LIMIT', '-1', '2'], ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'LIMIT', '10', '2'],
      ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'LIMIT', '0', '0'], ['ZRANGE', 'z', '10', '0', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', '2', '4'], ['ZRANGEBYSCORE', 'z', '(1', '5', 'WITHSCORES', 'LIMIT', '1', '2'],
      ['ZRANGEBYSCORE', 'z', '-inf', '(3'], ['ZRANGEBYSCORE', 'z', '5', '1'], ['ZREVRANGEBYSCORE', 'z', '5', '1'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '(3', 'WITHSCORES'], ['ZREVRANGEBYSCORE', 'z', '5', '(1', 'LIMIT', '0', '2'],
      ['ZCOUNT', 'z', '2', '4'], ['ZCOUNT', 'z', '(2', '(4'], ['ZCOUNT', 'z', '-inf', '+inf'], ['ZCOUNT', 'z', '5', '1'], ['ZCOUNT', 'missing', '0', '1'],
      ['ZRANGEBYSCORE', 'z', 'x', '1'], ['ZRANGEBYSCORE', 'z', '((1', '2'], ['ZRANGEBYSCORE', 'z', '1', 'nan'], ['ZCOUNT', 'z', '1', 'x'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'LIMIT', '0'], ['ZRANGEBYSCORE', 'z', '1', '2', 'LIMIT', 'a', '1'], ['ZRANGEBYSCORE', 'z', '1', '2', 'FOO'],
      ['ZRANGE', 'z', '0', '10', 'LIMIT', '0', '1'], ['ZRANGE', 'z', '0', '10', 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', '(1', '5'],
      ['ZRANGEBYSCORE', 'missing', '0', '10'], ['ZCOUNT', 'z', '1'],
    ],
  },
  {
    name: 'ZRANGE BYLEX / ZRANGEBYLEX / ZREVRANGEBYLEX / ZLEXCOUNT',
    steps: [
      ['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'ee', '0', 'f'],
      ['ZRANGE', 'z', '[b', '[d', 'BYLEX'], ['ZRANGE', 'z', '(b', '(e', 'BYLEX'], ['ZRANGE', 'z', '-', '+', 'BYLEX'],
      ['ZRANGE', 'z', '+', '-', 'BYLEX', 'REV'], ['ZRANGE', 'z', '[e', '(b', 'BYLEX', 'REV', 'LIMIT', '1', '2'],
      ['ZRANGEBYLEX', 'z', '[e', '+'], ['ZRANGEBYLEX', 'z', '-', '[c', 'LIMIT', '1', '5'], ['ZREVRANGEBYLEX', 'z', '[ee', '[b'],
      ['ZLEXCOUNT', 'z', '-', '+'], ['ZLEXCOUNT', 'z', '(a', '[e'], ['ZLEXCOUNT', 'z', '[z', '+'], ['ZLEXCOUNT', 'missing', '-', '+'],
      ['ZRANGEBYLEX', 'z', 'a', '[c'], ['ZRANGEBYLEX', 'z', '[a', 'c'], ['ZLEXCOUNT', 'z', 'x', 'y'], ['ZRANGE', 'z', '[a', '[c', 'BYLEX', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '0'], ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'], ['ZLEXCOUNT', 'z', '-'],
    ],
  },
  {
    name: 'ZRANGESTORE',
    steps: [
      ['ZADD', k0, '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZRANGESTORE', k1, k0, '1', '2'], ['ZRANGE', k1, '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', k1, k0, '(1', '3', 'BYSCORE', 'LIMIT', '0', '5'], ['ZRANGE', k1, '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', k1, k0, '+', '-', 'BYLEX', 'REV'], ['ZRANGESTORE', k1, k0, '5', '10'], ['EXISTS', k1],
      ['ZRANGESTORE', k2, k0, '0', '-1', 'REV'], ['ZRANGE', k2, '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', k2, 'missing', '0', '-1'], ['EXISTS', k2],
      ['ZRANGESTORE', k1, k0, '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', k1, k0, '0'],
      ['SET', 'str', 'x'], ['ZRANGESTORE', 'str', k0, '0', '0'], ['TYPE', 'str'], ['ZRANGESTORE', k1, 'str', '0', '-1'],
    ],
  },
  {
    name: 'ZREM / ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX',
    steps: [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'], ['ZREM', 'z', 'a', 'nope', 'a'], ['ZREM', 'missing', 'a'],
      ['ZREMRANGEBYRANK', 'z', '0', '0'], ['ZREMRANGEBYRANK', 'z', '-1', '-1'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYRANK', 'z', '5', '10'],
      ['ZREMRANGEBYSCORE', 'z', '(3', '4'], ['ZRANGE', 'z', '0', '-1'], ['ZREMRANGEBYSCORE', 'z', '10', '20'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'], ['ZREMRANGEBYLEX', 'l', '[b', '(d'], ['ZRANGE', 'l', '0', '-1'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'], ['EXISTS', 'l'], ['ZREM', 'z', 'c', 'e'], ['EXISTS', 'z'],
      ['ZREMRANGEBYRANK', 'z', 'a', '1'], ['ZREMRANGEBYSCORE', 'z', 'a', '1'], ['ZREMRANGEBYLEX', 'z', 'a', 'b'], ['ZREM', 'z'],
      ['ZREMRANGEBYRANK', 'missing', '0', '1'], ['ZREMRANGEBYSCORE', 'missing', '0', '1'], ['ZREMRANGEBYLEX', 'missing', '-', '+'],
      ['SET', 'str', 'x'], ['ZREM', 'str', 'a'], ['ZREMRANGEBYRANK', 'str', '0', '1'],
    ],
  },
  {
    name: 'ZPOPMIN / ZPOPMAX / ZMPOP',
    steps: [
      ['ZADD', k1, '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['ZPOPMIN', k1], ['ZPOPMAX', k1], ['ZPOPMIN', k1, '2'], ['ZPOPMAX', k1, '0'], ['ZPOPMIN', k1, '1'], ['ZPOPMAX', k1, '10'], ['EXISTS', k1],
      ['ZPOPMIN', 'missing'], ['ZPOPMAX', 'missing', '2'], ['ZPOPMIN', k1, '-1'], ['ZPOPMIN', k1, 'x'], ['ZPOPMIN', k1, '1', '2'],
      ['ZADD', k1, '1', 'a', '2', 'b', '3', 'c'], ['ZADD', k2, '10', 'x'],
      ['ZMPOP', '2', k0, k1, 'MIN'], ['ZMPOP', '2', k0, k1, 'MAX', 'COUNT', '5'], ['ZMPOP', '3', k0, k1, k2, 'MIN', 'COUNT', '1'],
      ['ZMPOP', '1', k0, 'MIN'], ['ZMPOP', '0', k0, 'MIN'], ['ZMPOP', '1', k0, 'UP'], ['ZMPOP', '1', k0, 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', k0, 'MIN', 'COUNT', '-1'], ['ZMPOP', '1', k0, 'MIN', 'COUNT'], ['ZMPOP', '2', k0, 'MIN'], ['ZMPOP', 'x', k0, 'MIN'],
      ['ZMPOP', '1', k0, 'MIN', 'COUNT', '1', 'COUNT', '1'], ['ZMPOP', '1', k0], ['ZMPOP'],
      ['SET', 'str', 'x'], ['ZPOPMIN', 'str'], ['ZMPOP', '2', 'str', k0, 'MIN'], ['ZMPOP', '2', k3, 'str', 'MAX'],
    ],
  },
  {
    name: 'blocking zset pops when the data is there, timeouts and argument errors',
    steps: [
      ['ZADD', k1, '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['BZPOPMIN', k0, k1, '0'], ['BZPOPMAX', k0, k1, '0.5'],
      ['BZMPOP', '0', '2', k0, k1, 'MIN', 'COUNT', '5'], ['EXISTS', k1],
      ['BZPOPMIN', k0, k1, '0.01'], ['BZPOPMAX', k0, '0.01'], ['BZMPOP', '0.01', '2', k0, k1, 'MAX'],
      ['BZPOPMIN', k1, '-1'], ['BZPOPMIN', k1, 'x'], ['BZMPOP', '-1', '1', k1, 'MIN'], ['BZMPOP', '0', '0', k1, 'MIN'],
      ['BZMPOP', '0', '1', k1, 'MIN', 'COUNT', '0'], ['BZPOPMIN', k1], ['BZMPOP', '0', '1', k1],
      ['SET', 'str', 'x'], ['BZPOPMIN', 'str', '0'], ['BZPOPMAX', k3, 'str', '0'], ['BZMPOP', '0', '1', 'str', 'MIN'],
    ],
  },
  {
    name: 'blocking zset pops served after a wait: the reply bytes the writer sends',
    steps: [
      served(['BZPOPMIN', k0, k1, '0'], ['ZADD', k1, '2.5', 'b', '1.5', 'a', '9', 'c']), ['ZRANGE', k1, '0', '-1', 'WITHSCORES'],
      served(['BZPOPMAX', k2, '0'], ['ZADD', k2, '-inf', 'lo', '+inf', 'hi']), ['ZRANGE', k2, '0', '-1', 'WITHSCORES'],
      served(['BZPOPMIN', k3, '0'], ['ZINCRBY', k3, '0.1', 'm']), ['EXISTS', k3],
      served(['BZMPOP', '0', '2', 'nope', k1, 'MAX', 'COUNT', '5'], ['ZADD', k1, '3', 'd']), ['EXISTS', k1],
      served(['BZMPOP', '0', '1', 'zm', 'MIN'], ['ZADD', 'zm', '1e20', 'big', '0.30000000000000004', 'tiny']), ['ZRANGE', 'zm', '0', '-1', 'WITHSCORES'],
      served(['BZPOPMIN', 'zu', '0'], ['ZADD', 'zsrc', '4', 'x'], ['ZUNIONSTORE', 'zu', '1', 'zsrc', 'WEIGHTS', '0.5']),
    ],
  },
  {
    name: 'ZRANDMEMBER',
    steps: [
      ['ZRANDMEMBER', 'missing'], ['ZRANDMEMBER', 'missing', '2'], ['ZRANDMEMBER', 'missing', '2', 'WITHSCORES'],
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'],
      check(['ZRANDMEMBER', 'z'], oneOf(['a', 'b', 'c'])), ['ZRANDMEMBER', 'z', '0'], sorted(['ZRANDMEMBER', 'z', '3']),
      check(['ZRANDMEMBER', 'z', '2'], picks(['a', 'b', 'c'], 2, true)), check(['ZRANDMEMBER', 'z', '-5'], picks(['a', 'b', 'c'], 5, false)),
      check(['ZRANDMEMBER', 'z', '2', 'WITHSCORES'], scoredPicks({ a: '1', b: '2.5', c: '3' }, 2, true)),
      check(['ZRANDMEMBER', 'z', '-4', 'WITHSCORES'], scoredPicks({ a: '1', b: '2.5', c: '3' }, 4, false)),
      ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', '1', 'WITHSCORE'], ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      ['ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES'], ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'], ['ZRANDMEMBER'],
      ['SET', 'str', 'x'], ['ZRANDMEMBER', 'str'],
    ],
  },
  {
    name: 'ZUNION / ZINTER / ZDIFF with WEIGHTS / AGGREGATE / WITHSCORES, across shards',
    steps: [
      ['ZADD', k0, '1', 'a', '2', 'b', '3', 'c'], ['ZADD', k1, '10', 'b', '20', 'c', '30', 'd'], ['SADD', k2, 'a', 'd', 'e'],
      ['ZUNION', '2', k0, k1], ['ZUNION', '2', k0, k1, 'WITHSCORES'], ['ZUNION', '3', k0, k1, k2, 'WITHSCORES'],
      ['ZUNION', '2', k0, k1, 'WEIGHTS', '2', '0.5', 'WITHSCORES'], ['ZUNION', '2', k0, k1, 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZUNION', '2', k0, k1, 'AGGREGATE', 'min', 'WITHSCORES'], ['ZINTER', '2', k0, k1, 'WITHSCORES'], ['ZINTER', '3', k0, k1, k2],
      ['ZINTER', '2', k0, k2, 'WITHSCORES'], ['ZINTER', '2', k0, k1, 'WEIGHTS', '1', '-1', 'AGGREGATE', 'SUM', 'WITHSCORES'],
      ['ZDIFF', '2', k0, k1], ['ZDIFF', '2', k0, k1, 'WITHSCORES'], ['ZDIFF', '3', k1, k0, k2, 'WITHSCORES'], ['ZDIFF', '1', 'missing'],
      ['ZUNION', '2', 'missing', 'nope'], ['ZINTER', '2', k0, 'missing'],
      ['ZADD', 'inf', '+inf', 'a', '-inf', 'b'], ['ZUNION', '2', 'inf', k0, 'WITHSCORES'], ['ZUNION', '2', 'inf', 'inf', 'WEIGHTS', '0', '0', 'WITHSCORES'],
      ['ZUNION', '0', k0], ['ZUNION', '-1', k0], ['ZUNION', '3', k0, k1], ['ZUNION', '2', k0, k1, 'WEIGHTS', '1'],
      ['ZUNION', '2', k0, k1, 'WEIGHTS', '1', 'x'], ['ZUNION', '2', k0, k1, 'AGGREGATE', 'AVG'], ['ZUNION', '2', k0, k1, 'FOO'],
      ['ZDIFF', '2', k0, k1, 'WEIGHTS', '1', '1'], ['ZDIFF', '2', k0, k1, 'AGGREGATE', 'MAX'], ['ZINTER', '2', k0],
      ['SET', 'str', 'x'], ['ZUNION', '2', k0, 'str'], ['ZINTER', '2', 'missing', 'str'], ['ZDIFF', '2', k0, 'str'],
    ],
  },
  {
    name: 'ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE / ZINTERCARD',
    steps: [
      ['ZADD', k0, '1', 'a', '2', 'b', '3', 'c'], ['ZADD', k1, '10', 'b', '20', 'c', '30', 'd'],
      ['ZUNIONSTORE', k2, '2', k0, k1], ['ZRANGE', k2, '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', k3, '2', k0, k1, 'WEIGHTS', '2', '3', 'AGGREGATE', 'MAX'], ['ZRANGE', k3, '0', '-1', 'WITHSCORES'],
      ['ZDIFFSTORE', k3, '2', k1, k0], ['ZRANGE', k3, '0', '-1', 'WITHSCORES'], ['ZINTERSTORE', k3, '2', k0, 'missing'], ['EXISTS', k3],
      ['ZUNIONSTORE', k0, '2', k0, k1], ['ZRANGE', k0, '0', '-1', 'WITHSCORES'],
      ['ZINTERCARD', '2', k0, k1], ['ZINTERCARD', '2', k0, k1, 'LIMIT', '1'], ['ZINTERCARD', '2', k0, 'missing'], ['ZINTERCARD', '1', k0, 'LIMIT', '0'],
      ['ZINTERCARD', '0', k0], ['ZINTERCARD', '2', k0], ['ZINTERCARD', '1', k0, 'LIMIT', '-1'], ['ZINTERCARD', '1', k0, 'FOO'],
      ['ZUNIONSTORE', k2, '0', k0], ['ZUNIONSTORE', k2, '1', k0, 'WITHSCORES'], ['ZDIFFSTORE', k2, '1'],
      ['SET', 'str', 'x'], ['ZUNIONSTORE', 'str', '1', k0], ['TYPE', 'str'], ['ZINTERCARD', '2', k0, 'str'],
      ['SADD', 'set', 'a', 'zz'], ['ZINTERSTORE', k2, '2', k0, 'set'], ['ZRANGE', k2, '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'ZSCAN on a listpack zset (one full pass), errors',
    steps: [
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'ab'], ['ZSCAN', 'z', '0'], ['ZSCAN', 'z', '0', 'MATCH', 'a*'], ['ZSCAN', 'z', '0', 'COUNT', '1'],
      ['ZSCAN', 'missing', '0'], ['ZSCAN', 'z', 'x'], ['ZSCAN', 'z', '0', 'COUNT', '0'], ['ZSCAN', 'z'],
      ['SET', 'str', 'x'], ['ZSCAN', 'str', '0'],
    ],
  },
  {
    name: 'a big sorted set (skiplist): ranks, ranges, removals',
    steps: () => {
      const args: string[] = [];
      for (let i = 0; i < 500; i++) args.push(String((i * 37) % 101 + i / 1000), `member:${i}`);
      return [
        ['ZADD', 'z', ...args], ['ZCARD', 'z'], ['ZRANGE', 'z', '0', '9', 'WITHSCORES'], ['ZRANGE', 'z', '-5', '-1', 'WITHSCORES'],
        ['ZRANK', 'z', 'member:250'], ['ZREVRANK', 'z', 'member:250'], ['ZSCORE', 'z', 'member:499'],
        ['ZRANGE', 'z', '50', '60', 'BYSCORE', 'LIMIT', '3', '4', 'WITHSCORES'], ['ZCOUNT', 'z', '10', '(20'],
        ['ZREMRANGEBYSCORE', 'z', '0', '(5'], ['ZREMRANGEBYRANK', 'z', '100', '199'], ['ZCARD', 'z'], ['ZRANGE', 'z', '95', '105'],
        ['ZINCRBY', 'z', '1000', 'member:3'], ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'], ['ZPOPMIN', 'z', '3'], ['ZPOPMAX', 'z', '2'],
        ['ZRANGE', 'z', '0', '-1'],
      ];
    },
  },
  {
    name: 'zset: NaN results, infinities in aggregates, score edge cases',
    steps: [
      ['ZADD', 'z', '+inf', 'a'], ['ZINCRBY', 'z', '-inf', 'a'], ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZSCORE', 'z', 'a'],
      ['ZINCRBY', 'z', '0.1', 'p'], ['ZINCRBY', 'z', '0.2', 'p'], ['ZSCORE', 'z', 'p'], ['ZINCRBY', 'z', '1e308', 'q'], ['ZINCRBY', 'z', '1e308', 'q'],
      ['ZADD', 'z', '1e-400', 'x'], ['ZADD', 'z', '1e400', 'x'], ['ZADD', 'z', '-1e400', 'x'], ['ZADD', 'z', '-0.0', 'nz'], ['ZSCORE', 'z', 'nz'],
      ['ZADD', 'z', '1.0000000000000001', 'one'], ['ZADD', 'z', '123456789012345678901234567890', 'huge'], ['ZADD', 'z', '.5', 'half'],
      ['ZADD', 'z', '5.', 'five'], ['ZADD', 'z', '+.5e1', 'pf'], ['ZADD', 'z', 'Infinity', 'I'], ['ZADD', 'z', '-INF', 'mi'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'i', '+inf', 'a', '-inf', 'b', '1', 'c'], ['ZADD', 'j', '-inf', 'a', '+inf', 'b', '0', 'c'],
      ['ZUNION', '2', 'i', 'j', 'WITHSCORES'], ['ZINTER', '2', 'i', 'j', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['ZUNION', '2', 'i', 'j', 'WEIGHTS', 'inf', '0', 'WITHSCORES'], ['ZUNION', '2', 'i', 'j', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNIONSTORE', 'u', '2', 'i', 'j'], ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'i', '-inf', '-inf'], ['ZRANGEBYSCORE', 'i', '(-inf', '(+inf'], ['ZRANGEBYSCORE', 'i', '+inf', '+inf', 'WITHSCORES'],
      ['ZCOUNT', 'i', '(-inf', '+inf'], ['ZREMRANGEBYSCORE', 'i', '(1', '+inf'], ['ZRANGE', 'i', '0', '-1'],
    ],
  },
  {
    name: 'zset: lex ranges with mixed scores and odd bounds',
    steps: [
      ['ZADD', 'z', '0', 'alpha', '0', 'beta', '0', '', '0', 'Beta', '0', 'a\x00b', '1', 'zeta'],
      ['ZRANGEBYLEX', 'z', '-', '+'], ['ZRANGEBYLEX', 'z', '[', '+'], ['ZRANGEBYLEX', 'z', '(', '+'], ['ZRANGEBYLEX', 'z', '[B', '(c'],
      ['ZRANGEBYLEX', 'z', '+', '-'], ['ZRANGEBYLEX', 'z', '-', '-'], ['ZRANGEBYLEX', 'z', '+', '+'], ['ZLEXCOUNT', 'z', '[a', '[b'],
      ['ZREVRANGEBYLEX', 'z', '+', '[b', 'LIMIT', '0', '2'], ['ZRANGE', 'z', '(a', '+', 'BYLEX', 'LIMIT', '1', '-1'],
      ['ZREMRANGEBYLEX', 'z', '[B', '[Beta'], ['ZRANGE', 'z', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '[a', '+', 'BYLEX', 'LIMIT', '0', '2'], ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ],
  },
  {
    name: 'zset: big sets through ZSCAN (a full iteration sees every member once), ZRANDMEMBER, ZMPOP',
    steps: () => {
      const m = ints(0, 300).map((x) => `m${x}`);
      return [
        ['ZADD', 'z', ...m.flatMap((x, i) => [String(i % 17), x])],
        check(['ZSCAN', 'z', '0', 'COUNT', '1000'], (r) => {
          const it = items(r);
          if (!it || it.length !== 2) return 'not [cursor, items]';
          if (text(it[0]) !== '0') return `cursor ${text(it[0])} after COUNT 1000`;
          const flat = items(it[1]);
          if (!flat || flat.length !== 600) return `${flat?.length} elements`;
          return picks(m, 300, true)({ t: '*', items: flat.filter((_, i) => i % 2 === 0) });
        }),
        check(['ZRANDMEMBER', 'z', '-500'], picks(m, 500, false)), check(['ZRANDMEMBER', 'z', '250'], picks(m, 250, true)),
        ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '5'], ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1000'], ['EXISTS', 'z'],
      ];
    },
  },
  {
    name: 'zset: WRONGTYPE on every command, nothing changed',
    steps: [
      ['SADD', 's', 'a'],
      ['ZADD', 's', '1', 'a'], ['ZINCRBY', 's', '1', 'a'], ['ZSCORE', 's', 'a'], ['ZCARD', 's'], ['ZCOUNT', 's', '0', '1'],
      ['ZRANGE', 's', '0', '-1'], ['ZRANK', 's', 'a'], ['ZREM', 's', 'a'], ['ZPOPMIN', 's'], ['ZRANDMEMBER', 's'],
      ['ZREMRANGEBYRANK', 's', '0', '1'], ['ZLEXCOUNT', 's', '-', '+'], ['ZSCAN', 's', '0'], ['BZPOPMIN', 's', '0'],
      ['ZMPOP', '1', 's', 'MIN'], ['ZRANGESTORE', 'd', 's', '0', '-1'], ['SMEMBERS', 's'],
    ],
  },
];

compatSuite('sets and sorted sets: compat with redis-server (raw reply bytes)', CASES);
