/**
 * client-output-buffer-limit against a live Spindle process: a subscriber that never reads is
 * disconnected at the pubsub hard limit while well over 100 MB is published, and the server's
 * RSS stays bounded; the soft limit closes a subscriber that stays over it for its seconds; the
 * normal class closes a client that never reads its replies.
 * TEST_AGAINST_REDIS=1 runs it against redis-server (RSS bounds included).
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, encodeCommand, sleep, startRedis, startSpindleProcess, waitUntil, type RunningTestServer } from '../helpers/server.js';

const againstRedis = process.env.TEST_AGAINST_REDIS === '1';
let srv: RunningTestServer;
let admin: Redis;

beforeAll(async () => {
  srv = againstRedis ? (await startRedis())! : await startSpindleProcess({ shards: 1 });
  admin = new Redis({ host: HOST, port: srv.port, maxRetriesPerRequest: 1 });
}, 60000);

afterAll(async () => {
  admin?.disconnect();
  await srv?.close();
});

async function rss(): Promise<number> {
  const info = await admin.info('memory');
  return Number(/used_memory_rss:(\d+)/.exec(info)![1]);
}

/** A subscriber on a raw socket that reads its confirmation and then never reads again. */
async function stuckSubscriber(channel: string): Promise<net.Socket> {
  const s = net.connect({ host: HOST, port: srv.port });
  s.on('error', () => undefined);
  await new Promise<void>((res) => s.once('connect', () => res()));
  s.write(encodeCommand(['SUBSCRIBE', channel]));
  await new Promise<void>((res) => s.once('data', () => res()));
  s.pause();
  return s;
}

describe('client-output-buffer-limit', () => {
  it('cuts off a subscriber that never reads at the hard limit; RSS stays bounded over 160 MB published', async () => {
    await admin.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    const sub = await stuckSubscriber('flood');
    const pub = new Redis({ host: HOST, port: srv.port, maxRetriesPerRequest: 1 });
    try {
      const base = await rss();
      const payload = Buffer.alloc(1024 * 1024, 'p');
      let peak = base, delivered = 0, sentMb = 0, lastCount = -1;
      while (sentMb < 160) {
        const pl = pub.pipeline();
        for (let i = 0; i < 8; i++) pl.publish('flood', payload);
        for (const [err, n] of (await pl.exec())!) {
          expect(err).toBeNull();
          delivered += n as number;
          lastCount = n as number;
        }
        sentMb += 8;
        if (sentMb % 16 === 0) peak = Math.max(peak, await rss());
      }
      // Counted as a receiver up to the limit (plus what the kernel's socket buffers took).
      expect(lastCount).toBe(0);
      expect(delivered).toBeGreaterThanOrEqual(32);
      expect(delivered).toBeLessThan(80);
      expect(await admin.pubsub('NUMSUB', 'flood')).toEqual(['flood', 0]);
      // 160 MB went through; the server held at most ~the 32 MB limit of it at a time.
      expect(peak - base).toBeLessThan(100 * 1024 * 1024); // measured: Spindle +46 MB, redis-server +35 MB
    } finally {
      sub.destroy();
      pub.disconnect();
    }
  });

  it('closes a subscriber that stays over the soft limit longer than its seconds', async () => {
    await admin.config('SET', 'client-output-buffer-limit', 'pubsub 0 512kb 1');
    const sub = await stuckSubscriber('soft');
    try {
      const payload = Buffer.alloc(64 * 1024, 's');
      const start = Date.now();
      let n = 1;
      // A trickle: far below any hard limit, but the backlog passes 512 KB and stays there.
      while (n !== 0 && Date.now() - start < 15000) {
        n = await admin.publish('soft', payload);
        await sleep(10);
      }
      expect(n).toBe(0);
      expect(Date.now() - start).toBeGreaterThan(1000);
    } finally {
      sub.destroy();
      await admin.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    }
  });

  it('applies the normal class to clients that are not subscribed', async () => {
    await admin.set('big', Buffer.alloc(1024 * 1024, 'b'));
    await admin.config('SET', 'client-output-buffer-limit', 'normal 4mb 0 0');
    const s = net.connect({ host: HOST, port: srv.port });
    s.on('error', () => undefined);
    let closed = false;
    s.on('close', () => (closed = true));
    try {
      await new Promise<void>((res) => s.once('connect', () => res()));
      s.pause();
      const get = encodeCommand(['GET', 'big']);
      for (let i = 0; i < 64; i++) s.write(get);
      const id = async () => String(await admin.client('LIST')).split('\n').filter((l) => l.includes('cmd=get')).length;
      await waitUntil(async () => (await id()) === 0, 10000);
      s.resume(); // now let the close be seen
      await waitUntil(() => closed, 5000);
    } finally {
      s.destroy();
      await admin.config('SET', 'client-output-buffer-limit', 'normal 0 0 0');
    }
  });
});
