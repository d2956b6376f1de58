/**
 * Pub/sub with ioredis and node-redis against a live Spindle: channels, patterns and shard
 * channels, RESP2 and RESP3, binary payloads, and 10k messages from several publishing
 * connections arriving in each publisher's order at every subscriber.
 * TEST_AGAINST_REDIS=1 runs the same file against redis-server, to check the tests themselves.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, startRedis, startSpindle, waitUntil, type RunningTestServer } from '../helpers/server.js';

const againstRedis = process.env.TEST_AGAINST_REDIS === '1';

let srv: RunningTestServer;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  srv = againstRedis ? (await startRedis())! : await startSpindle({ shards: 2 });
}, 60000);

afterAll(async () => {
  for (const c of closers.splice(0)) await c();
  await srv?.close();
});

function io(protocol: 2 | 3 = 3): Redis {
  const r = new Redis({ host: HOST, port: srv.port, protocol, maxRetriesPerRequest: 1 });
  closers.push(() => r.disconnect());
  return r;
}

async function nr(RESP: 2 | 3 = 3) {
  const c = createClient({ socket: { host: HOST, port: srv.port }, RESP });
  c.on('error', () => undefined);
  await c.connect();
  closers.push(() => c.destroy());
  return c;
}

/** Every byte value, and the bytes a naive RESP reader would trip over. */
const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\r\n$-1\r\n*3\r\n')]);

describe.each([3, 2] as const)('ioredis, RESP%s', (protocol) => {
  it('subscribe / psubscribe / ssubscribe deliver message, pmessage and smessage', async () => {
    const sub = io(protocol), pub = io(protocol);
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`message ${ch} ${m}`));
    sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
    sub.on('smessage', (ch: string, m: string) => got.push(`smessage ${ch} ${m}`));
    expect(await sub.subscribe(`io${protocol}:news`, `io${protocol}:sport`)).toBe(2);
    expect(await sub.psubscribe(`io${protocol}:n*`)).toBe(3);
    expect(await sub.ssubscribe(`io${protocol}:shard`)).toBe(1);
    expect(await pub.publish(`io${protocol}:news`, 'hello')).toBe(2);
    expect(await pub.publish(`io${protocol}:nothing`, 'x')).toBe(1);
    expect(await pub.spublish(`io${protocol}:shard`, 'sh')).toBe(1);
    expect(await pub.publish(`io${protocol}:shard`, 'not-sharded')).toBe(0);
    await waitUntil(() => got.length === 4);
    expect(got.sort()).toEqual([
      `message io${protocol}:news hello`,
      `pmessage io${protocol}:n* io${protocol}:news hello`,
      `pmessage io${protocol}:n* io${protocol}:nothing x`,
      `smessage io${protocol}:shard sh`,
    ].sort());
    expect(await pub.pubsub('NUMSUB', `io${protocol}:news`, `io${protocol}:zz`)).toEqual([`io${protocol}:news`, 1, `io${protocol}:zz`, 0]);
    expect(await pub.pubsub('SHARDNUMSUB', `io${protocol}:shard`)).toEqual([`io${protocol}:shard`, 1]);
    await sub.unsubscribe(`io${protocol}:news`);
    // (ioredis 6 never resolves a PUNSUBSCRIBE without arguments, against redis-server too.)
    await sub.punsubscribe(`io${protocol}:n*`);
    expect(await pub.publish(`io${protocol}:news`, 'gone')).toBe(0);
    await sub.sunsubscribe(`io${protocol}:shard`);
    await sub.unsubscribe();
    // Out of subscriber mode: ordinary commands again.
    expect(await sub.ping()).toBe('PONG');
  });

  it('binary channels and payloads arrive byte for byte', async () => {
    const sub = io(protocol), pub = io(protocol);
    const got: Buffer[][] = [];
    sub.on('messageBuffer', (ch: Buffer, m: Buffer) => got.push([ch, m]));
    sub.on('pmessageBuffer', (p: Buffer, ch: Buffer, m: Buffer) => got.push([p, ch, m]));
    const ch = Buffer.concat([Buffer.from(`bin${protocol}:`), binary]);
    await sub.subscribe(ch);
    await sub.psubscribe(Buffer.from(`bin${protocol}:*`));
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    expect(await pub.publish(ch, binary)).toBe(2);
    expect(await pub.publish(ch, big)).toBe(2);
    await waitUntil(() => got.length === 4);
    const direct = got.filter((g) => g.length === 2);
    expect(direct.map(([c]) => c.equals(ch))).toEqual([true, true]);
    expect(direct[0][1].equals(binary)).toBe(true);
    expect(direct[1][1].equals(big)).toBe(true);
    const viaPattern = got.filter((g) => g.length === 3);
    expect(viaPattern[1][2].equals(big)).toBe(true);
  });
});

describe.each([3, 2] as const)('node-redis, RESP%s', (RESP) => {
  it('subscribe, pSubscribe and sSubscribe listeners; buffer mode', async () => {
    const sub = await nr(RESP), pub = await nr(RESP);
    const got: string[] = [];
    await sub.subscribe(`nr${RESP}:a`, (m, ch) => got.push(`${ch} ${m}`));
    await sub.pSubscribe(`nr${RESP}:p*`, (m, ch) => got.push(`p ${ch} ${m}`));
    await sub.sSubscribe(`nr${RESP}:s`, (m, ch) => got.push(`s ${ch} ${m}`));
    const bufs: Buffer[] = [];
    await sub.subscribe(`nr${RESP}:bin`, (m) => bufs.push(m), true);
    expect(await pub.publish(`nr${RESP}:a`, 'one')).toBe(1);
    expect(await pub.publish(`nr${RESP}:pq`, 'two')).toBe(1);
    expect(await pub.sPublish(`nr${RESP}:s`, 'three')).toBe(1);
    expect(await pub.publish(`nr${RESP}:bin`, binary)).toBe(1);
    await waitUntil(() => got.length === 3 && bufs.length === 1);
    expect(got.sort()).toEqual([`nr${RESP}:a one`, `p nr${RESP}:pq two`, `s nr${RESP}:s three`].sort());
    expect(bufs[0].equals(binary)).toBe(true);
    expect(await pub.pubSubNumPat()).toBeGreaterThanOrEqual(1);
    expect(await pub.pubSubChannels(`nr${RESP}:*`)).toEqual(expect.arrayContaining([`nr${RESP}:a`, `nr${RESP}:bin`]));
    await sub.unsubscribe();
    await sub.pUnsubscribe();
    await sub.sUnsubscribe();
    expect(await pub.publish(`nr${RESP}:a`, 'x')).toBe(0);
  });
});

describe('ordering', () => {
  it('10k messages from 4 publishing connections reach 3 subscribers in each publisher\'s order', async () => {
    const publishers = 4, perPublisher = 2500, channel = 'order:ch';
    const checks: { name: string; next: number[]; count: number; errors: string[] }[] = [];
    const track = (name: string) => {
      const st = { name, next: new Array(publishers).fill(0), count: 0, errors: [] as string[] };
      checks.push(st);
      return (m: string) => {
        const [p, i] = m.split(':').map(Number);
        if (i !== st.next[p] && st.errors.length < 5) st.errors.push(`${name}: publisher ${p} sent ${i} after ${st.next[p] - 1}`);
        st.next[p] = i + 1;
        st.count++;
      };
    };
    const s1 = io(2), s2 = io(3), s3 = await nr(3);
    const t1 = track('ioredis RESP2'), t2 = track('ioredis RESP3 (pattern)'), t3 = track('node-redis RESP3');
    s1.on('message', (_c: string, m: string) => t1(m));
    s2.on('pmessage', (_p: string, _c: string, m: string) => t2(m));
    await s1.subscribe(channel);
    await s2.psubscribe('order:*');
    await s3.subscribe(channel, (m) => t3(m));
    const pubs = Array.from({ length: publishers }, () => io(3));
    await Promise.all(pubs.map(async (pub, p) => {
      for (let start = 0; start < perPublisher; start += 250) {
        const pl = pub.pipeline();
        for (let i = start; i < start + 250; i++) pl.publish(channel, `${p}:${i}`);
        const res = await pl.exec();
        for (const [err, n] of res!) {
          expect(err).toBeNull();
          expect(n).toBe(3);
        }
      }
    }));
    const total = publishers * perPublisher;
    await waitUntil(() => checks.every((c) => c.count === total), 20000);
    for (const c of checks) {
      expect(c.errors).toEqual([]);
      expect(c.next).toEqual(new Array(publishers).fill(perPublisher));
    }
  });
});
