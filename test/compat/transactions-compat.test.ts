/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH against redis-server 7.0: raw reply bytes in RESP2 and
 * RESP3 (the runner is in test/helpers/types-kit.ts). The error cases while queueing, the
 * EXECABORT texts, the nested/misplaced command errors, blocking pops inside MULTI, and WATCH
 * aborts (null array: *-1 in RESP2, _ in RESP3) caused by the client itself or by another one.
 */
import { compatSuite, keysInShards, served, type Case } from '../helpers/types-kit.js';

// Keys in different shards of Spindle (k0 shard 0, k1 shard 1).
const [k0, k1] = keysInShards('tx', 2);

const cases: Case[] = [
  {
    name: 'MULTI / EXEC basics and runtime errors inside EXEC',
    steps: [
      ['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['LPUSH', 'a', 'x'], ['GET', 'a'], ['GET', 'none'], ['EXEC'],
      ['MULTI'], ['EXEC'],
      ['MULTI'], ['SET', k0, 'x'], ['SET', k1, 'y'], ['MGET', k0, k1], ['DEL', k0, k1], ['EXEC'],
    ],
  },
  {
    name: 'EXEC / DISCARD without MULTI, nested MULTI, WATCH inside MULTI',
    steps: [
      ['EXEC'], ['DISCARD'],
      ['MULTI'], ['MULTI'], ['WATCH', 'x'], ['SET', 'a', '1'], ['EXEC'],
      ['MULTI'], ['SET', 'a', '2'], ['DISCARD'], ['GET', 'a'], ['DISCARD'],
    ],
  },
  {
    name: 'errors while queueing: EXECABORT',
    steps: [
      ['MULTI'], ['SET', 'foo1', 'bar1'], ['NOSUCHCOMMAND', 'x', 'y'], ['SET', 'foo2', 'bar2'], ['EXEC'], ['EXISTS', 'foo1', 'foo2'],
      ['MULTI'], ['SET', 'a'], ['EXEC'],
      ['MULTI'], ['CLIENT', 'NOSUCHSUB'], ['EXEC'],
      ['MULTI'], ['CONFIG', 'GET'], ['EXEC'],
      ['MULTI'], ['DISCARD', 'x'], ['EXEC'],
      ['MULTI'], ['MULTI', 'x'], ['EXEC'],
      ['MULTI'], ['WATCH'], ['EXEC'],
      ['PING'],
    ],
  },
  {
    name: 'EXEC with arguments discards the transaction with the reason',
    steps: [['MULTI'], ['SET', 'a', '2'], ['EXEC', 'now'], ['GET', 'a'], ['EXEC']],
  },
  {
    name: 'pipelined transaction (QUEUED replies, one EXEC)',
    steps: [
      { pipe: [['MULTI'], ['SET', k0, '1'], ['INCRBY', k0, '5'], ['SET', k1, 'v'], ['APPEND', k1, 'w'], ['MGET', k0, k1], ['EXEC']] },
      { pipe: [['MULTI'], ['INCR', k0], ['FOO'], ['INCR', k0], ['EXEC'], ['GET', k0]] },
    ],
  },
  {
    name: 'blocking pops inside MULTI reply as on timeout',
    steps: [
      ['MULTI'], ['BLPOP', 'el', '0'], ['BRPOP', 'el', '0'], ['BRPOPLPUSH', 'el1', 'el2', '0'],
      ['BLMOVE', 'el1', 'el2', 'LEFT', 'LEFT', '0'], ['BLMPOP', '0', '1', 'el', 'LEFT'],
      ['BZPOPMIN', 'ez', '0'], ['BZPOPMAX', 'ez', '0'], ['BZMPOP', '0', '1', 'ez', 'MIN'], ['EXEC'],
      ['RPUSH', 'el', 'a'],
      ['MULTI'], ['BLPOP', 'el', '0'], ['BLPOP', 'el', '0'], ['EXEC'],
    ],
  },
  {
    name: 'RESET and UNWATCH inside MULTI',
    steps: [
      ['MULTI'], ['SET', 'a', '3'], ['RESET'], ['EXEC'], ['EXISTS', 'a'],
      ['MULTI'], ['UNWATCH'], ['EXEC'],
      ['UNWATCH'],
    ],
  },
  {
    name: 'WATCH: own writes, UNWATCH, DISCARD, EXEC clear the watch',
    steps: [
      ['SET', 'x', '30'], ['WATCH', 'x', 'y', k0, k1], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['SET', 'x', '40'], ['MULTI'], ['PING'], ['EXEC'],
      ['SET', 'x', '41'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['SET', 'x', '42'], ['UNWATCH'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['SET', 'x', '10'], ['MULTI'], ['DISCARD'], ['MULTI'], ['INCR', 'x'], ['EXEC'],
      ['WATCH', k1], ['INCR', k1], ['MULTI'], ['GET', k1], ['EXEC'],
      ['WATCH', 'x'], ['EXPIRE', 'x', '100'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'nokey'], ['DEL', 'nokey'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
  {
    name: 'WATCH: another client changes the key',
    steps: [
      ['SET', 'x', '1'], ['WATCH', 'x'],
      served(['BLPOP', 'go', '0'], ['SET', 'x', '2'], ['RPUSH', 'go', '1']),
      ['MULTI'], ['SET', 'x', 'mine'], ['EXEC'], ['GET', 'x'],
      ['WATCH', k0, k1],
      served(['BLPOP', 'go', '0'], ['INCR', k1], ['RPUSH', 'go', '1']),
      ['MULTI'], ['MGET', k0, k1], ['EXEC'],
    ],
  },
  {
    name: 'WATCH: FLUSHALL, FLUSHDB and SWAPDB touch watched keys that exist',
    steps: [
      ['SET', 'x', '30'], ['WATCH', 'x'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['FLUSHALL'], ['MULTI'], ['PING'], ['EXEC'],
      ['SET', 'x', '30'], ['WATCH', 'x'], ['FLUSHDB'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['FLUSHDB'], ['MULTI'], ['PING'], ['EXEC'],
      ['SET', 'x', '30'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
      ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
      ['FLUSHALL'], ['WATCH', 'x'], ['SWAPDB', '0', '1'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
  {
    name: 'WATCH: a key that expires after WATCH fails EXEC; one already expired does not',
    steps: [
      ['SET', 'x', 'v', 'PX', '30'], ['WATCH', 'x'], ['BLPOP', 'sleep', '0.08'], ['MULTI'], ['PING'], ['EXEC'],
      ['SET', 'x', 'v', 'PX', '10'], ['BLPOP', 'sleep', '0.05'], ['WATCH', 'x'], ['MULTI'], ['PING'], ['EXEC'],
    ],
  },
];

compatSuite('transactions compat (raw bytes vs redis-server)', cases);
