/**
 * The pub/sub inbox ring (src/pubsub/inbox-ring.ts): a multi-producer, single-consumer ring of
 * variable-length records. Single-thread behaviour (wrap with a skip marker, full ring, sizes,
 * zeroing of consumed bytes), then several producer workers against one consumer: every
 * record arrives intact and each producer's records arrive in its order.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { InboxRing, kHeaderBytes } from '../../src/pubsub/inbox-ring.js';

function makeRing(capacity: number, offset = 64): { sab: SharedArrayBuffer; ring: InboxRing } {
  const sab = new SharedArrayBuffer(offset + InboxRing.bytesFor(capacity));
  InboxRing.initialize(sab, offset, capacity);
  return { sab, ring: new InboxRing(sab, offset) };
}

function drainAll(ring: InboxRing): Buffer[] {
  const out: Buffer[] = [];
  ring.drain((d, off, len) => out.push(Buffer.from(d.subarray(off, off + len))));
  return out;
}

describe('InboxRing (one thread)', () => {
  it('pushes and drains records in order, zero-length ones too', () => {
    const { ring } = makeRing(1024);
    expect(ring.tryPush(Buffer.from('hello'))).toBe(true);
    expect(ring.tryPush(Buffer.alloc(0))).toBe(true);
    expect(ring.tryPush(Buffer.from('world!'))).toBe(true);
    expect(drainAll(ring).map(String)).toEqual(['hello', '', 'world!']);
    expect(ring.hasData()).toBe(false);
    expect(ring.used()).toBe(0);
  });

  it('an uncommitted reservation holds back the records behind it', () => {
    const { sab, ring } = makeRing(1024);
    const other = new InboxRing(sab, 64); // a second producer handle
    const at = ring.reserve(3);
    expect(other.tryPush(Buffer.from('later'))).toBe(true);
    expect(drainAll(ring)).toEqual([]);
    ring.data.set(Buffer.from('one'), at);
    ring.commit(3);
    expect(drainAll(ring).map(String)).toEqual(['one', 'later']);
  });

  it('wraps with a skip marker and keeps going for many laps', () => {
    const { ring } = makeRing(256);
    const seen: string[] = [];
    const sent: string[] = [];
    for (let i = 0; i < 500; i++) {
      const s = `r${i}:${'x'.repeat(i % 61)}`;
      while (!ring.tryPush(Buffer.from(s))) ring.drain((d, o, l) => seen.push(Buffer.from(d.subarray(o, o + l)).toString()));
      sent.push(s);
    }
    ring.drain((d, o, l) => seen.push(Buffer.from(d.subarray(o, o + l)).toString()));
    expect(seen).toEqual(sent);
  });

  it('reports a full ring, rejects records that can never fit, and frees space on drain', () => {
    const { ring } = makeRing(128);
    expect(ring.maxRecordLength).toBe(60);
    expect(() => ring.reserve(61)).toThrow(RangeError);
    let n = 0;
    while (ring.tryPush(Buffer.alloc(20, n))) n++;
    expect(n).toBe(5); // 5 × 24 bytes = 120 of 128
    expect(ring.hasRoom(20)).toBe(false);
    expect(drainAll(ring).length).toBe(5);
    expect(ring.hasRoom(60)).toBe(true);
    expect(ring.tryPush(Buffer.alloc(60, 7))).toBe(true);
  });

  it('zeroes consumed bytes, so stale payload never reads as a header', () => {
    const { sab, ring } = makeRing(128);
    ring.tryPush(Buffer.alloc(40, 0xff));
    drainAll(ring);
    const data = new Uint8Array(sab, 64 + kHeaderBytes, 128);
    expect(data.every((b) => b === 0)).toBe(true);
    // Reserve at a position that held payload bytes: the consumer must see "not committed".
    const at = ring.reserve(8);
    expect(ring.hasData()).toBe(false);
    ring.data.fill(1, at, at + 8);
    ring.commit(8);
    expect(ring.hasData()).toBe(true);
  });

  it('a callback that throws consumes its record', () => {
    const { ring } = makeRing(256);
    ring.tryPush(Buffer.from('a'));
    ring.tryPush(Buffer.from('b'));
    expect(() => ring.drain(() => { throw new Error('boom'); })).toThrow('boom');
    expect(drainAll(ring).map(String)).toEqual(['b']);
  });

  it('waitForDataAsync resolves on a later push', async () => {
    const { ring } = makeRing(256);
    const p = ring.waitForDataAsync(2000);
    setTimeout(() => ring.tryPush(Buffer.from('x')), 20);
    expect(await p).toBe(true);
    expect(await ring.waitForDataAsync(10)).toBe(true);
    drainAll(ring);
    expect(await ring.waitForDataAsync(10)).toBe(false);
  });
});

describe('InboxRing with producer workers', () => {
  it('4 producers × 20k records through a 4 KiB ring: intact, in each producer\'s order', async () => {
    const capacity = 4096, offset = 64, count = 20000, producers = 4, maxLen = 200;
    const sab = new SharedArrayBuffer(offset + InboxRing.bytesFor(capacity));
    InboxRing.initialize(sab, offset, capacity);
    const ring = new InboxRing(sab, offset);
    const url = new URL('./workers/pubsub-ring-producer.mjs', import.meta.url);
    const workers = Array.from({ length: producers }, (_, id) => new Worker(url, { workerData: { sab, offset, id, count, maxLen } }));
    const done = Promise.all(workers.map((w) => new Promise<{ fulls: number }>((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    })));
    const next = new Array(producers).fill(0);
    let bad = 0, total = 0;
    const check = (d: Uint8Array, off: number, len: number) => {
      const id = d[off], seq = d[off + 1] | (d[off + 2] << 8) | (d[off + 3] << 16);
      if (id >= producers || seq !== next[id]) bad++;
      else next[id]++;
      for (let i = 4; i < len; i++) if (d[off + i] !== ((id + seq + i) & 0xff)) { bad++; break; }
      total++;
    };
    const deadline = Date.now() + 20000;
    while (total < producers * count && Date.now() < deadline) {
      if (ring.drain(check) === 0) await ring.waitForDataAsync(50);
    }
    const stats = await done;
    await Promise.all(workers.map((w) => w.terminate()));
    expect(bad).toBe(0);
    expect(total).toBe(producers * count);
    expect(next).toEqual(new Array(producers).fill(count));
    // The ring was small enough that producers really waited for space.
    expect(stats.reduce((a, s) => a + s.fulls, 0)).toBeGreaterThan(0);
    expect(ring.used()).toBe(0);
  });
});
