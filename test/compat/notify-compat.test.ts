/**
 * Keyspace notifications compared with redis-server 7.0.15: the same command sequence runs on
 * both servers while a RESP2 connection holds PSUBSCRIBE '__key*__:*'; after every step a
 * marker PUBLISH closes that step's messages. The transcripts (each step's reply and the
 * pmessage frames it caused, byte for byte) must be equal. A second kind of case subscribes a
 * RESP3 connection to its own keyspace events and compares the raw bytes of each command,
 * which fixes where each push falls relative to the command's reply.
 *
 * Not compared here: SET with an absolute time in the past (Redis 7.0 keeps the key until its
 * next access; Spindle deletes it at once and sends "expired" then), replies with random
 * members, DUMP/RESTORE (Spindle has none), and lazy expiry, whose timing against active expiry
 * cannot be fixed from a client (test/families/notify.test.ts covers it with owner workers
 * stopped). Active expiry is compared: a key left to expire is reported by both servers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOST, decodeReply, rawClient, redisAvailable, show, sleep, startRedis, startSpindleProcess,
  type RawClient, type RunningTestServer,
} from '../helpers/server.js';

/**
 * A step: a command (words, or an array for arguments with spaces), a pause, a command that
 * blocks (on a third connection; the next step must serve it), commands written at once
 * (a MULTI ... EXEC, whose queued commands must not be followed by the marker), or a wait
 * until active expiry emptied the current db (DBSIZE touches no key, so no lazy expiry).
 */
type Step = string | string[] | { sleep: number } | { block: string } | { pipe: string[] } | { untilEmpty: true };
interface Case {
  name: string;
  flags: string;
  steps: Step[];
  /** Steps (by command text) whose reply is random: only their messages are compared. */
  random?: string[];
}

const words = (s: string) => s.split(' ');
const kMarker = '__key_marker__:step';

/** Run a case on one server; its transcript. */
async function transcript(port: number, cs: Case): Promise<string[]> {
  const cmd = await rawClient(port, { replyTimeoutMs: 3000 });
  const sub = await rawClient(port, { replyTimeoutMs: 3000 });
  const blk = await rawClient(port, { replyTimeoutMs: 3000 });
  const out: string[] = [];
  try {
    await cmd.send('CONFIG', 'SET', 'notify-keyspace-events', '');
    await cmd.send('FLUSHALL');
    await cmd.send('CONFIG', 'SET', 'notify-keyspace-events', cs.flags);
    await sub.send('PSUBSCRIBE', '__key*__:*');
    const blkId = show(await blk.send('CLIENT', 'ID')).replace(/[^0-9]/g, '');
    let blocked = 0;
    for (const st of cs.steps) {
      if (blocked > 0) blocked++;
      if (typeof st === 'object' && 'sleep' in st) {
        await sleep(st.sleep);
        out.push(`> (sleep ${st.sleep})`);
      } else if (typeof st === 'object' && 'untilEmpty' in st) {
        const end = Date.now() + 10000;
        while ((await cmd.send('DBSIZE')).toString('latin1') !== ':0\r\n' && Date.now() < end) await sleep(20);
        out.push('> (until active expiry emptied the db)');
      } else if (typeof st === 'object' && 'block' in st) {
        blk.write(encode(words(st.block)));
        blocked = 1;
        await waitBlocked(cmd, blkId, words(st.block)[0]);
        out.push(`> (blocked) ${st.block}`);
      } else if (typeof st === 'object' && 'pipe' in st) {
        const replies = await cmd.pipeline(st.pipe.map(words));
        st.pipe.forEach((t, k) => out.push(`> ${t} => ${show(replies[k])}`));
      } else {
        const args = typeof st === 'string' ? words(st) : st;
        const text = args.join(' ');
        const reply = await cmd.send(...args);
        out.push(`> ${text} => ${cs.random?.includes(text) ? '(random)' : show(reply)}`);
      }
      await cmd.send('PUBLISH', kMarker, 'x');
      for (;;) {
        const m = decodeReply(await sub.readReply());
        const items = 'items' in m ? m.items.map((i) => ('v' in i ? i.v : '?')) : [];
        if (items[2] === kMarker) break;
        out.push(`    ${items[2]} ${items[3]}`);
      }
      if (blocked === 2) {
        out.push(`  (served) ${show(await blk.readReply())}`);
        blocked = 0;
      }
    }
    await cmd.send('CONFIG', 'SET', 'notify-keyspace-events', '');
  } finally {
    cmd.destroy();
    sub.destroy();
    blk.destroy();
  }
  return out;
}

/** Wait (≤ 2 s) until CLIENT LIST shows client `id` running `name` (blocked in it). */
async function waitBlocked(c: RawClient, id: string, name: string): Promise<void> {
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    const line = (await c.send('CLIENT', 'LIST', 'ID', id)).toString('latin1');
    if (line.includes(` cmd=${name} `)) return;
    await sleep(5);
  }
  throw new Error(`client ${id} not seen blocked in ${name}`);
}

function encode(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
}

/**
 * A RESP3 connection subscribed to its own keyspace events: for each command, every byte it
 * receives up to the PONG of a PING sent after it (pushes and the reply, in order).
 */
async function selfTranscript(port: number, flags: string, steps: string[]): Promise<string[]> {
  const s = net.connect(port, HOST);
  await new Promise<void>((res, rej) => {
    s.once('connect', res);
    s.once('error', rej);
  });
  let buf = '';
  let wake: (() => void) | null = null;
  s.on('data', (d) => {
    buf += d.toString('latin1');
    wake?.();
  });
  const run = async (args: string[]): Promise<string> => {
    buf = '';
    s.write(Buffer.concat([encode(args), encode(['PING'])]));
    const end = Date.now() + 3000;
    while (!buf.endsWith('+PONG\r\n')) {
      if (Date.now() > end) throw new Error(`no PONG after ${args.join(' ')}: ${JSON.stringify(buf)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
    return buf.slice(0, -'+PONG\r\n'.length);
  };
  const out: string[] = [];
  try {
    await run(['HELLO', '3']);
    await run(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    await run(['FLUSHALL']);
    await run(['CONFIG', 'SET', 'notify-keyspace-events', flags]);
    await run(['PSUBSCRIBE', '__keyspace@*']);
    for (const st of steps) out.push(`> ${st} :: ${JSON.stringify(await run(words(st)))}`);
    await run(['CONFIG', 'SET', 'notify-keyspace-events', '']);
  } finally {
    s.destroy();
  }
  return out;
}

// ------------------------------------------------------------------ cases

const CASES: Case[] = [
  {
    name: 'generic: expiry, rename, copy, move, del, active expiry',
    flags: 'KEAnm',
    steps: [
      'set a 1', 'set b 2', 'expire a 100', 'pexpire a 100000', 'expireat a 99999999999', 'pexpireat a 99999999999999',
      'expire a 100 NX', 'expire a 100 XX', 'expire a 50 GT', 'expire a 50 LT', 'persist a', 'persist a', 'expire a -1',
      'set a 1', 'pexpire a 0', 'set a 1 ex 100', 'rename a c', 'rename c b', 'renamenx b d', 'renamenx d d', 'rename d d',
      'set x 1', 'renamenx x d', 'copy d e', 'copy d e replace', 'copy d e', 'copy d e db 3', 'copy nk e', 'move e 1',
      'set e 9', 'move e 1', 'select 1', 'del e', 'select 0', 'del d x nonexist', 'unlink b',
      'select 9', 'set t 1 px 1', { untilEmpty: true }, 'get t', 'select 0', // active expiry (owner worker / serverCron)
      'type nonex', 'ttl nonex', 'object encoding nonex',
      'flushdb', 'set s1 1', 'swapdb 0 1', 'flushall',
    ],
  },
  {
    name: 'strings and bitmaps',
    flags: 'KEAnm',
    steps: [
      'set a 1', 'set a 1 nx', 'set a 2 xx', 'set a 3 get', 'set a 4 keepttl', 'set a 4 px 100000', 'set a 5 keepttl', 'set a 6',
      'setnx a 1', 'setnx b 1', 'setex c 100 v', 'psetex d 100000 v', 'getset a 7', 'getset nn 7', 'mset a 1 b 2 nn2 3',
      'msetnx x 1 y 2', 'msetnx x 1 z 2', 'append a xyz', 'append newapp xyz', 'incr i', 'incrby i 5', 'decr i', 'decrby i 3',
      'incrbyfloat f 1.5', 'incrbyfloat i 1', 'incr a', 'getdel a', 'getdel a', 'getex b', 'getex b ex 100', 'getex b persist',
      'getex b persist', 'getex b pxat 1', 'setrange sr 0 abc', 'setrange sr 1 xy', ['setrange', 'sr', '0', ''],
      ['setrange', 'sr2', '0', ''], 'setrange sr 10 z', 'getrange sr 0 -1', 'strlen sr',
      'setbit b1 7 0', 'setbit b1 7 0', 'setbit b1 100 0', 'setbit b1 7 1', 'setbit b1 7 0',
      'bitfield b2 set u8 0 0', 'bitfield b2 set u8 0 0', 'bitfield b2 incrby u8 0 0', 'bitfield b2 set u8 100 0',
      'bitfield b2 overflow fail incrby u8 100 300', 'bitfield b2 overflow fail incrby u8 200 300',
      'bitfield b2 get u8 0 set u8 0 1', 'bitfield b6 overflow fail incrby u8 0 300', 'bitfield_ro b2 get u8 0',
      'bitop or b4 nonex', 'bitop or b1 nonex', 'bitop or b5 b2', 'bitop or b5 b2', 'bitop not b5 nonex', 'mget a nonexist b',
    ],
  },
  {
    name: 'lists',
    flags: 'KEAn',
    steps: [
      'lpush l a b c', 'rpush l d', 'lpushx l e', 'rpushx l f', 'lpushx nol e', 'rpushx nol e', 'linsert l before a x',
      'linsert l before zz x', 'linsert nol before a x', 'lset l 0 y', 'lset l 100 y', 'lrem l 1 y', 'lrem l 0 zzz',
      'ltrim l 0 -1', 'ltrim l 1 -2', 'lpop l', 'rpop l', 'lpop l 0', 'lpop nol', 'rpop l 10', 'rpush l a b c',
      'lmove l l2 left right', 'rpoplpush l l2', 'lmove l l2 left left', 'lmove l2 l2 left right',
      'lmpop 2 nol l2 left count 1', 'lmpop 1 l2 right count 5', 'rpush l a', 'ltrim l 1 0', 'rpush l a b', 'lrem l 0 a',
      'lrem l 0 b', 'rpush big 1 2 3 4 5 6 7 8 9 10', 'ltrim big 2 5', 'lpop big 4',
    ],
  },
  {
    name: 'blocking pops served by a write',
    flags: 'KEAn',
    steps: [
      { block: 'blpop bl 0' }, 'rpush bl x', { block: 'blpop bl 0' }, 'rpush bl x y', 'brpoplpush bl dst 0',
      'rpush bl z', 'lpop bl', { block: 'blmove bl dst right left 0' }, 'lpush bl q', { block: 'brpop bl 0' }, 'lpush bl a b',
      { block: 'bzpopmin bz 0' }, 'zadd bz 1 a', { block: 'bzmpop 0 1 bz max count 5' }, 'zadd bz 1 a 2 b',
      { block: 'blmpop 0 1 bl left count 5' }, 'rpush bl a b', { block: 'bzpopmax bz 0' }, 'zadd bz 1 a 2 b',
    ],
  },
  {
    name: 'hashes',
    flags: 'KEAn',
    steps: [
      'hset h a 1 b 2', 'hset h a 1', 'hsetnx h a 1', 'hsetnx h c 3', 'hmset h d 4', 'hincrby h n 1', 'hincrbyfloat h f 1.5',
      'hincrby h a x', 'hdel h zz', 'hdel h a b', 'hget h a', 'hdel h c d n f', 'hincrby h2 x 1', 'hincrbyfloat h3 x 1',
      'hsetnx h4 x 1', 'hdel nonex a',
    ],
  },
  {
    name: 'sets',
    flags: 'KEAn',
    random: ['spop s', 'spop s 1', 'spop s 2', 'spop s 5', 'spop i 4'],
    steps: [
      'sadd s a b c', 'sadd s a', 'srem s zz', 'srem s a', 'spop s', 'spop s 0', 'spop s 5', 'sadd s a b c d', 'spop s 1',
      'spop s 2', 'del s', 'sadd s a b c d', 'smove s s2 zz', 'smove s s2 c', 'smove s s2 d', 'sadd s2 a', 'smove s s2 a',
      'smove s s b', 'smove s s zz', 'sadd sa x', 'smove sa sb x', 'sadd s1 a b c', 'sadd s2 b c d', 'sinterstore d s1 s2',
      'sinterstore d s1 nonex', 'sinterstore d2 s1 nonex', 'sunionstore d s1 s2', 'sunionstore d s1 s1', 'sdiffstore d s1 s2',
      'sdiffstore d s1 s1', 'sdiffstore d3 s1 s1', 'sinterstore d s1 s1', 'sinterstore d s1 s2 s2', 'srem s1 a b c',
      'sadd n 1 2 3', 'sdiffstore n n', 'sadd i 1 2 3 4', 'spop i 4',
    ],
  },
  {
    name: 'sorted sets',
    flags: 'KEAn',
    steps: [
      'zadd z 1 a 2 b 3 c', 'zadd z 1 a', 'zadd z 5 a', 'zadd z nx 1 a', 'zadd z xx 1 zz', 'zadd nz xx 1 zz', 'zadd z incr 1 a',
      'zadd z xx ch 7 a', 'zadd z gt 1 a', 'zadd z lt 1 a', 'zincrby z 1 b', 'zincrby z2 1 b', 'zrem z zz', 'zrem z b',
      'zremrangebyrank z 5 10', 'zremrangebyrank z 0 0', 'zadd z 1 a 2 b 3 c', 'zremrangebyscore z 1 1',
      'zremrangebyscore z 100 200', 'zremrangebylex z - +', 'zadd z 1 a 2 b 3 c', 'zpopmin z', 'zpopmax z', 'zpopmin z 0',
      'zpopmax z 5', 'zadd z 1 a 2 b 3 c', 'zadd o 1 b 5 x', 'zunionstore u 2 z o', 'zunionstore u 2 z o', 'zinterstore i 2 z o',
      'zinterstore i 2 z nonex', 'zdiffstore df 2 z o', 'zdiffstore df 2 z z', 'zrangestore rs z 0 -1', 'zrangestore rs z 10 20',
      'zrangestore rs2 z 10 20', 'zrangestore rs z 0 0 rev', 'zmpop 2 nonex z min count 1', 'zmpop 1 z max count 10',
      'zadd z 1 a', 'zrem z a', 'zadd z 1 a', 'zremrangebyscore z -inf +inf', 'zadd z 1 a', 'zremrangebyrank z 0 -1',
      'zadd z 0 a 0 b', 'zremrangebylex z [a [b', 'zadd z incr 1 n', 'zadd z incr nx 1 n', 'zadd z incr 1 n',
      'zadd z incr inf n', 'zadd z incr -inf n',
    ],
  },
  {
    name: 'SORT STORE, MULTI/EXEC, EVAL',
    flags: 'KEAn',
    steps: [
      'rpush l 3 1 2', 'sort l store out', 'sort l store out', 'sort nonex store out', 'sort nonex store out2',
      'sort l limit 0 0 store out', 'sadd ss b a', 'sort ss alpha store out',
      { pipe: ['multi', 'set m 1', 'incr m', 'lpush m x', 'exec'] },
      ['eval', "redis.call('set', KEYS[1], 'v'); redis.call('del', KEYS[1])", '1', 'ev'],
      ['eval', "redis.call('rpush', KEYS[1], 'a'); return redis.call('lpop', KEYS[1])", '1', 'ev'],
    ],
  },
  {
    name: 'classes choose events, K and E choose channels',
    flags: 'Kl',
    steps: ['rpush l a', 'set s v', 'expire s 100', 'lpop l', 'sadd st a', 'config set notify-keyspace-events E$', 'set s v',
      'rpush l b', 'incr n', 'config set notify-keyspace-events Eg', 'expire s 100', 'del s', 'set s v',
      'config set notify-keyspace-events A', 'del n', 'config set notify-keyspace-events Kn', 'set n1 v', 'lpush n2 a',
      'config set notify-keyspace-events Ez', 'zadd z 1 a', 'zincrby z 1 a', 'hset h f v',
      'config set notify-keyspace-events Ksh', 'hset h f v', 'sadd st b', 'set s x',
      'config set notify-keyspace-events Em', 'get nk', 'config get notify-keyspace-events'],
  },
  {
    name: 'key misses (m) from every read',
    flags: 'KEm',
    steps: [
      'get nk', 'mget nk nk2', 'exists nk nk2', 'type nk', 'ttl nk', 'pttl nk', 'expiretime nk', 'strlen nk', 'getrange nk 0 1',
      'lrange nk 0 1', 'llen nk', 'lindex nk 0', 'lpos nk a', 'hget nk f', 'hmget nk f g', 'hgetall nk', 'hkeys nk', 'hvals nk',
      'hlen nk', 'hexists nk f', 'hstrlen nk f', 'hrandfield nk', 'hscan nk 0', 'smembers nk', 'scard nk', 'sismember nk a',
      'smismember nk a', 'srandmember nk', 'sscan nk 0', 'sinter nk nk2', 'sintercard 1 nk', 'sunion nk', 'sdiff nk nk2',
      'sinterstore d nk', 'sunionstore d nk', 'zrange nk 0 1', 'zscore nk a', 'zmscore nk a', 'zcard nk', 'zrank nk a',
      'zcount nk 0 1', 'zlexcount nk - +', 'zrangebyscore nk 0 1', 'zrandmember nk', 'zscan nk 0', 'zunion 1 nk', 'zinter 1 nk',
      'zdiff 1 nk', 'zunionstore d 1 nk', 'zrangestore d nk 0 1', 'sort nk', 'sort_ro nk', 'bitcount nk', 'getbit nk 0',
      'bitpos nk 1', 'bitfield nk get u8 0', 'bitfield_ro nk get u8 0', 'bitop and d nk', 'lcs nk nk2', 'touch nk', 'getex nk',
      'getdel nk', 'object encoding nk', 'getset nk2 v', 'lpop nk', 'rpoplpush nk d', 'lmpop 1 nk left', 'zpopmin nk',
      'spop nk', 'smove nk d a', 'hdel nk f', 'srem nk a', 'zrem nk a', 'copy nk x', 'move nk 1', 'expire nk 10',
      'persist nk', 'del nk', 'set nk v get', 'sadd ss a', 'sort ss by nosuch_* get nosuch2_*',
      'sort ss by nosuch_*->f get nosuch2_*->g',
    ],
  },
];

/** Commands for the RESP3 self-subscribed cases (deterministic replies only). */
const SELF_STEPS = [
  'set a 1', 'set a 1 ex 100', 'incr i', 'incrbyfloat i 1', 'append a x', 'setrange a 0 z', 'setbit b 1 1', 'bitfield b set u8 0 1',
  'getdel a', 'rpush l a b', 'lpop l', 'lset l 0 x', 'linsert l before x y', 'lrem l 0 y', 'ltrim l 0 0', 'rpush l q',
  'lmove l l2 left left', 'lmove l l2 left left', 'lpop l2 2', 'hset h a 1', 'hmset h b 2', 'hincrby h n 1', 'hdel h a b n',
  'sadd s a', 'srem s a', 'sadd s a', 'spop s', 'sadd s a', 'spop s 5', 'sadd s a b', 'smove s s3 b', 'zadd z 1 a',
  'zincrby z 1 a', 'zrem z a', 'zadd z 1 a 2 b 3 c', 'zpopmin z', 'zpopmax z 1', 'zmpop 1 z min count 1', 'zadd z 1 a 2 b',
  'bzpopmin z 0', 'bzmpop 0 1 z max count 5', 'zadd z 1 a 2 b', 'zremrangebyrank z 0 0', 'zremrangebyscore z 0 10',
  'set i 1', 'expire i 100', 'persist i', 'expire i -1', 'set i 1', 'rename i j', 'copy j k', 'move k 1', 'del j',
  'sadd x1 a', 'sunionstore x2 x1', 'sinterstore x2 x1', 'sdiffstore x3 x1', 'sinterstore x2 nonex', 'sdiffstore x3 x1 x1',
  'zadd z1 1 a', 'zunionstore z2 1 z1', 'zinterstore z2 1 nonex', 'zrangestore z3 z1 0 -1', 'zrangestore z3 z1 5 6',
  'rpush so 3 1 2', 'sort so store so2', 'sort nonex store so2', 'mset m1 1 m2 2', 'getset m1 3', 'getex m1 ex 10',
  'getex m1 persist', 'getex m1 pxat 1', 'bitop or d1 m2', 'bitop or d1 nonex', 'rpush l2 z', 'blpop l2 0', 'rpush bl a b', 'blmove bl bl2 left right 0',
];

// ------------------------------------------------------------------ suite

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('redis-server not installed: keyspace notification compat skipped');

(haveRedis ? describe : describe.skip)('keyspace notifications vs redis-server 7.0', () => {
  let redis: RunningTestServer;
  let spindle: RunningTestServer;

  beforeAll(async () => {
    [redis, spindle] = await Promise.all([
      startRedis().then((r) => r!),
      startSpindleProcess({ shards: 2 }),
    ]);
  }, 60000);

  afterAll(async () => {
    await spindle?.close();
    await redis?.close();
  });

  for (const cs of CASES) {
    it(cs.name, async () => {
      const want = await transcript(redis.port, cs);
      const got = await transcript(spindle.port, cs);
      expect(got.join('\n')).toBe(want.join('\n'));
    }, 20000);
  }

  it('a RESP3 client subscribed to its own events: pushes and replies in Redis\'s order', async () => {
    const want = await selfTranscript(redis.port, 'KEA', SELF_STEPS);
    const got = await selfTranscript(spindle.port, 'KEA', SELF_STEPS);
    expect(got.join('\n')).toBe(want.join('\n'));
  }, 20000);
});
