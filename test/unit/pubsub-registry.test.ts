/**
 * The shared pub/sub registry (src/pubsub/registry.ts) and the per-thread hub
 * (src/pubsub/hub.ts). Several hubs on one registry stand for several front-end threads: each
 * claims its own thread index and inbox, so a message from one hub to another's subscribers
 * takes the inbox-ring path even inside one process. A worker-thread test does it for real.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Found, Kind, Registry, createPubsub } from '../../src/pubsub/registry.js';
import { PubsubHub } from '../../src/pubsub/hub.js';
import { Client } from '../../src/server/client.js';
import { RespWriter } from '../../src/protocol/resp-writer.js';
import { decodeReply, replyEnd } from '../helpers/server.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** A client whose pushes are collected as decoded frames. */
function fakeClient(id: number, resp: 2 | 3 = 3): { client: Client; frames: string[][] } {
  const client = new Client(id, 'test', 'test', -1, false);
  client.resp = resp;
  const w = new RespWriter();
  w.resp = resp;
  client.out = w;
  const frames: string[][] = [];
  client.sendRaw = (parts) => {
    const out = Buffer.concat(parts);
    for (let p = 0; p < out.length;) {
      const e = replyEnd(out, p, out.length);
      const v = decodeReply(out.subarray(p, e)) as { items: { v: string }[] };
      frames.push(v.items.map((i) => i.v));
      p = e;
    }
  };
  return { client, frames };
}

const tick = () => new Promise((r) => setImmediate(r));
async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('pub/sub registry', () => {
  it('counts subscriptions per name with a thread mask, and deletes empty entries', () => {
    const reg = new Registry(createPubsub());
    const f = new Found();
    reg.locked(() => {
      reg.adjust(Kind.Channel, b('news'), 0, 4, 3, 1, true);
      reg.adjust(Kind.Channel, b('news'), 0, 4, 3, 1, true);
      reg.adjust(Kind.Channel, b('news'), 0, 4, 40, 1, true);
      reg.lookup(Kind.Channel, b('news'), 0, 4, f);
    });
    expect([f.total, f.lo, f.hi]).toEqual([3, 1 << 3, 1 << 8]);
    reg.locked(() => {
      reg.adjust(Kind.Channel, b('news'), 0, 4, 40, -1, false);
      reg.lookup(Kind.Channel, b('news'), 0, 4, f);
    });
    expect([f.total, f.lo, f.hi]).toEqual([2, 1 << 3, 0]);
    expect(reg.locked(() => reg.count(Kind.Channel))).toBe(1);
    expect(reg.locked(() => reg.count(Kind.Shard))).toBe(0);
    reg.locked(() => reg.adjust(Kind.Channel, b('news'), 0, 4, 3, -2, false));
    expect(reg.locked(() => reg.count(Kind.Channel))).toBe(0);
    const used = reg.heap.usedBytes();
    // Many names in and out: the heap comes back to where it was.
    reg.locked(() => {
      for (let i = 0; i < 2000; i++) reg.adjust(Kind.Shard, b(`ch:${i}`), 0, `ch:${i}`.length, 0, 1, true);
      for (let i = 0; i < 2000; i++) reg.adjust(Kind.Shard, b(`ch:${i}`), 0, `ch:${i}`.length, 0, -1, false);
    });
    expect(reg.locked(() => reg.count(Kind.Shard))).toBe(0);
    expect(reg.heap.usedBytes()).toBeLessThanOrEqual(used + 64 * 1024);
  });

  it('changes the pattern generation with every pattern change', () => {
    const reg = new Registry(createPubsub());
    const g0 = reg.patternGen();
    reg.locked(() => reg.adjust(Kind.Pattern, b('a*'), 0, 2, 0, 1, true));
    const g1 = reg.patternGen();
    expect(g1).not.toBe(g0);
    reg.locked(() => reg.adjust(Kind.Channel, b('a'), 0, 1, 0, 1, true));
    expect(reg.patternGen()).toBe(g1);
    const snap = reg.locked(() => reg.patterns());
    expect(snap.list).toEqual([{ pattern: 'a*', total: 1, lo: 1, hi: 0 }]);
  });

  it('hands out 64 thread indexes, then none', () => {
    const reg = new Registry(createPubsub());
    const got = Array.from({ length: 64 }, () => reg.claimThread());
    expect(new Set(got).size).toBe(64);
    expect(Math.min(...got)).toBe(0);
    expect(Math.max(...got)).toBe(63);
    expect(reg.claimThread()).toBe(-1);
  });

  it('frees a spill block when its last reference is dropped', () => {
    const reg = new Registry(createPubsub());
    const before = reg.heap.usedBytes();
    const off = reg.spillAlloc(100_000, 2);
    reg.spillView(off).fill(9);
    expect(reg.spillView(off).length).toBe(100_000);
    reg.spillRelease(off);
    expect(reg.heap.usedBytes()).toBeGreaterThan(before);
    reg.spillRelease(off);
    expect(reg.heap.usedBytes()).toBe(before);
  });
});

describe('pub/sub hubs on one registry (threads in one process)', () => {
  it('counts and delivers across hubs: channels, patterns, shard channels, binary bytes', async () => {
    const handle = createPubsub(4096);
    const a = new PubsubHub(handle), h2 = new PubsubHub(handle), h3 = new PubsubHub(handle);
    const s1 = fakeClient(1), s2 = fakeClient(2, 2), s3 = fakeClient(3);
    h2.subscribe(s1.client, Kind.Channel, b('news'), 0, 4);
    h2.subscribe(s2.client, Kind.Pattern, b('n*'), 0, 2);
    h3.subscribe(s3.client, Kind.Channel, b('news'), 0, 4);
    h3.subscribe(s3.client, Kind.Shard, b('news'), 0, 4);
    expect(h2.thread).not.toBe(h3.thread);
    expect(a.thread).toBe(-1); // publishing alone takes no index
    expect(a.publish(Kind.Channel, b('news'), 0, 4, b('hi'), 0, 2)).toBe(3);
    expect(a.publish(Kind.Shard, b('news'), 0, 4, b('sh'), 0, 2)).toBe(1);
    const bin = Buffer.from([0, 255, 13, 10, 128]);
    expect(a.publish(Kind.Channel, bin, 0, bin.length, bin, 0, bin.length)).toBe(0);
    expect(a.publish(Kind.Channel, b('nx'), 0, 2, bin, 0, bin.length)).toBe(1);
    await until(() => s1.frames.length === 1 && s2.frames.length === 2 && s3.frames.length === 2);
    expect(s1.frames).toEqual([['message', 'news', 'hi']]);
    expect(s2.frames).toEqual([['pmessage', 'n*', 'news', 'hi'], ['pmessage', 'n*', 'nx', bin.toString('latin1')]]);
    expect(s3.frames).toEqual([['message', 'news', 'hi'], ['smessage', 'news', 'sh']]);
    expect(h3.subscribers(Kind.Channel, b('news'), 0, 4)).toBe(2);
    expect(a.names(Kind.Channel, null).map(String)).toEqual(['news']);
    expect(a.count(Kind.Pattern)).toBe(1);
    h2.unsubscribeAll(s1.client);
    h2.unsubscribeAll(s2.client);
    expect(a.publish(Kind.Channel, b('news'), 0, 4, b('x'), 0, 1)).toBe(1);
    h3.unsubscribeAll(s3.client);
    expect(a.publish(Kind.Channel, b('news'), 0, 4, b('x'), 0, 1)).toBe(0);
    expect(a.count(Kind.Channel)).toBe(0);
  });

  it('keeps each publisher\'s order through a full ring (outbox), and spills big messages', async () => {
    const handle = createPubsub(4096);
    const pub1 = new PubsubHub(handle), pub2 = new PubsubHub(handle), sub = new PubsubHub(handle);
    const s = fakeClient(1);
    sub.subscribe(s.client, Kind.Channel, b('c'), 0, 1);
    const n = 3000;
    for (let i = 0; i < n; i++) {
      pub1.publish(Kind.Channel, b('c'), 0, 1, b(`1:${i}`), 0, `1:${i}`.length);
      pub2.publish(Kind.Channel, b('c'), 0, 1, b(`2:${i}`), 0, `2:${i}`.length);
      if (i === 1000) {
        const big = Buffer.alloc(100_000, 'z');
        pub1.publish(Kind.Channel, b('c'), 0, 1, big, 0, big.length);
      }
    }
    expect(pub1.remote.queued).toBeGreaterThan(0); // the 4 KiB ring filled up
    await until(() => s.frames.length === 2 * n + 1, 10000);
    const seq = { '1': -1, '2': -1 } as Record<string, number>;
    let big = 0;
    for (const [kind, , payload] of s.frames) {
      expect(kind).toBe('message');
      if (payload.length === 100_000) {
        expect(seq['1']).toBe(1000);
        big++;
        continue;
      }
      const [who, i] = payload.split(':');
      expect(Number(i)).toBe(seq[who] + 1);
      seq[who] = Number(i);
    }
    expect(big).toBe(1);
    expect(pub1.remote.outboxRecords()).toBe(0);
    await tick();
  });
});

describe('pub/sub across worker threads', () => {
  it('a subscriber hub in a worker receives 10k messages from 2 publishing hubs in order', async () => {
    const handle = createPubsub(64 * 1024);
    const w = new Worker(new URL('./workers/pubsub-subscriber.mjs', import.meta.url), { workerData: { handle, expect: 20000 } });
    const ready = new Promise<void>((res, rej) => {
      w.once('message', () => res());
      w.once('error', rej);
    });
    await ready;
    const p1 = new PubsubHub(handle), p2 = new PubsubHub(handle);
    let counted = 0;
    for (let i = 0; i < 10000; i++) {
      counted += p1.publish(Kind.Channel, b('jobs'), 0, 4, b(`a:${i}`), 0, `a:${i}`.length);
      counted += p2.publish(Kind.Channel, b('jobs.x'), 0, 6, b(`b:${i}`), 0, `b:${i}`.length);
      if (i % 1000 === 0) await tick();
    }
    expect(counted).toBe(20000 * 2); // each message: one channel subscriber + one pattern subscriber
    const result = await new Promise<{ received: number; errors: string[] }>((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    });
    await w.terminate();
    expect(result.errors).toEqual([]);
    expect(result.received).toBe(40000);
  });
});
