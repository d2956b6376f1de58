import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import {
  Ring,
  kHeaderBytes,
  kReadField,
  kWriteField,
  kWakeField,
  kSkipMarker,
} from '../../src/sab/ring.js';
// @ts-expect-error plain .mjs helper shared with the worker scripts (no type declarations)
import { makeVerifier } from './workers/ring-records.mjs';
import { prng } from '../helpers/prng.js';

function makeRing(capacity: number, byteOffset = 0): { sab: SharedArrayBuffer; ring: Ring } {
  const sab = new SharedArrayBuffer(byteOffset + Ring.bytesFor(capacity));
  Ring.initialize(sab, byteOffset, capacity);
  return { sab, ring: new Ring(sab, byteOffset) };
}


/** Byte-wise equality (much faster than toEqual on large typed arrays). */
function same(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytes(n: number, tag: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (tag * 131 + i * 7) & 0xff;
  return b;
}

describe('Ring: construction', () => {
  it('sizes and validates capacity', () => {
    expect(Ring.bytesFor(1024)).toBe(kHeaderBytes + 1024);
    for (const bad of [0, 8, 100, 1000, 3 * 1024, -16, 1.5, 2 ** 31]) {
      expect(() => Ring.bytesFor(bad)).toThrow(RangeError);
    }
    const { ring } = makeRing(1024);
    expect(ring.capacity).toBe(1024);
    expect(ring.maxRecordLength).toBe(508);
    expect(ring.data.length).toBe(1024);
    expect(ring.isEmpty()).toBe(true);
    expect(ring.availableRead()).toBe(0);
    expect(ring.availableWrite()).toBe(1024);
  });

  it('refuses an uninitialized header, a misaligned offset, a too-small buffer', () => {
    const sab = new SharedArrayBuffer(Ring.bytesFor(64) + 64);
    expect(() => new Ring(sab, 0)).toThrow(/not initialized/);
    expect(() => Ring.initialize(sab, 2, 64)).toThrow(RangeError);
    expect(() => Ring.initialize(sab, 128, 64)).toThrow(RangeError);
  });

  it('several rings share one SharedArrayBuffer at different offsets', () => {
    const cap = 64;
    const sab = new SharedArrayBuffer(64 + 2 * Ring.bytesFor(cap));
    const offA = 64, offB = 64 + Ring.bytesFor(cap);
    Ring.initialize(sab, offA, cap);
    Ring.initialize(sab, offB, cap);
    const a = new Ring(sab, offA), b = new Ring(sab, offB);
    for (let i = 0; i < 50; i++) {
      expect(a.tryPush(bytes(5, i))).toBe(true);
      expect(b.tryPush(bytes(9, i + 1000))).toBe(true);
      expect(a.pop()).toEqual(bytes(5, i));
      expect(b.pop()).toEqual(bytes(9, i + 1000));
    }
    expect(new Uint8Array(sab, 0, 64).every((x) => x === 0)).toBe(true);
  });
});

describe('Ring: single-threaded behaviour', () => {
  it('keeps FIFO order, and peek does not consume', () => {
    const { ring } = makeRing(1024);
    for (let i = 0; i < 20; i++) expect(ring.tryPush(bytes(i * 3, i))).toBe(true);
    expect(ring.peek()).toEqual(bytes(0, 0));
    expect(ring.peek()).toEqual(bytes(0, 0));
    for (let i = 0; i < 20; i++) expect(ring.pop()).toEqual(bytes(i * 3, i));
    expect(ring.pop()).toBeNull();
    expect(ring.peek()).toBeNull();
    expect(ring.isEmpty()).toBe(true);
  });

  it('pop returns a copy that survives later pushes', () => {
    const { ring } = makeRing(16);
    ring.tryPush(Uint8Array.of(1, 2, 3, 4));
    const got = ring.pop()!;
    for (let i = 0; i < 10; i++) {
      ring.tryPush(Uint8Array.of(9, 9, 9, 9));
      ring.pop();
    }
    expect(got).toEqual(Uint8Array.of(1, 2, 3, 4));
  });

  it('handles zero-length records (4-byte footprint each)', () => {
    const { ring } = makeRing(64);
    for (let i = 0; i < 16; i++) expect(ring.tryPush(new Uint8Array(0))).toBe(true);
    expect(ring.availableRead()).toBe(64);
    expect(ring.tryPush(new Uint8Array(0))).toBe(false);
    expect(ring.tryPushParts(new Uint8Array(0))).toBe(false);
    const lens: number[] = [];
    expect(ring.drain((_b, _o, len) => lens.push(len))).toBe(16);
    expect(lens).toEqual(new Array(16).fill(0));
    expect(ring.isEmpty()).toBe(true);
    // Zero-length via every producer API.
    expect(ring.tryPush(bytes(10, 1), 3, 0)).toBe(true);
    expect(ring.tryPushParts(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(ring.reserve(0)).toBeGreaterThanOrEqual(0);
    ring.commit();
    for (let i = 0; i < 3; i++) expect(ring.pop()).toEqual(new Uint8Array(0));
    expect(ring.pop()).toBeNull();
  });

  it('refuses a push into a full ring without writing anything, then accepts after a pop', () => {
    const { ring } = makeRing(64);
    // 8-byte records (footprint 12): 5 fit (60 bytes), the 6th does not.
    for (let i = 0; i < 5; i++) expect(ring.tryPush(bytes(8, i))).toBe(true);
    const before = ring.availableRead();
    expect(before).toBe(60);
    expect(ring.tryPush(bytes(8, 99))).toBe(false);
    expect(ring.tryPushParts(bytes(4, 99), bytes(4, 98))).toBe(false);
    expect(ring.reserve(8)).toBe(-1);
    expect(ring.canPush(8)).toBe(false);
    expect(ring.canPush(0)).toBe(true); // a zero-length record still fits in the last 4 bytes
    expect(ring.availableRead()).toBe(before);
    expect(ring.pop()).toEqual(bytes(8, 0));
    // Position 60: tail is 4 bytes, skip 4 + footprint 12 = 16 = free: fits exactly.
    expect(ring.tryPush(bytes(8, 5))).toBe(true);
    expect(ring.availableRead()).toBe(64);
    expect(ring.tryPush(new Uint8Array(0))).toBe(false);
    for (let i = 1; i <= 5; i++) expect(ring.pop()).toEqual(bytes(8, i));
    expect(ring.isEmpty()).toBe(true);
  });

  it('refuses a record that needs the wrap when the free space is not contiguous', () => {
    const { sab, ring } = makeRing(128);
    const u32 = new Uint32Array(sab, kHeaderBytes, 32);
    expect(ring.tryPush(bytes(4, 0))).toBe(true); // [0, 8)
    expect(ring.tryPush(bytes(56, 1))).toBe(true); // [8, 68)
    expect(ring.tryPush(bytes(40, 2))).toBe(true); // [68, 112)
    expect(ring.pop()).toEqual(bytes(4, 0)); // free: [112, 128) + [0, 8) = 24 bytes
    expect(ring.availableWrite()).toBe(24);
    // Footprint 20 <= 24 free, but neither the 16-byte tail nor the 8-byte head holds it.
    expect(ring.canPush(16)).toBe(false);
    expect(ring.tryPush(bytes(16, 3))).toBe(false);
    expect(ring.availableRead()).toBe(104);
    expect(ring.pop()).toEqual(bytes(56, 1)); // head [0, 68) is free now
    expect(ring.tryPush(bytes(16, 3))).toBe(true); // skip [112, 128), record at [0, 20)
    expect(u32[112 / 4]).toBe(kSkipMarker);
    expect(u32[0]).toBe(16);
    expect(ring.pop()).toEqual(bytes(40, 2));
    expect(ring.pop()).toEqual(bytes(16, 3));
    expect(ring.isEmpty()).toBe(true);
  });

  it('rejects records larger than maxRecordLength with RangeError', () => {
    const { ring } = makeRing(256);
    const max = ring.maxRecordLength;
    expect(max).toBe(124);
    expect(() => ring.tryPush(new Uint8Array(max + 1))).toThrow(RangeError);
    expect(() => ring.tryPush(new Uint8Array(256))).toThrow(RangeError);
    expect(() => ring.tryPush(new Uint8Array(1000))).toThrow(RangeError);
    expect(() => ring.tryPushParts(new Uint8Array(100), new Uint8Array(25))).toThrow(RangeError);
    expect(() => ring.reserve(max + 1)).toThrow(RangeError);
    expect(() => ring.canPush(max + 1)).toThrow(RangeError);
    expect(() => ring.waitForSpace(max + 1, 0)).toThrow(RangeError);
    expect(() => ring.tryPush(new Uint8Array(10), 5, 6)).toThrow(RangeError);
    expect(ring.isEmpty()).toBe(true);
    expect(ring.tryPush(new Uint8Array(max))).toBe(true);
  });

  it('a maximum-size record fits into an empty ring at every position', () => {
    const { ring } = makeRing(128);
    const max = ring.maxRecordLength;
    for (let shift = 0; shift < 64; shift++) {
      // Move the indices by 4*k bytes with zero-length records, for every alignment.
      for (let k = 0; k < shift; k++) {
        expect(ring.tryPush(new Uint8Array(0))).toBe(true);
        ring.pop();
      }
      expect(ring.tryPush(bytes(max, shift))).toBe(true);
      expect(ring.pop()).toEqual(bytes(max, shift));
      expect(ring.isEmpty()).toBe(true);
    }
  });

  it('writes a skip marker at the wrap and keeps records contiguous', () => {
    const { sab, ring } = makeRing(64);
    const u32 = new Uint32Array(sab, kHeaderBytes, 16);
    expect(ring.tryPush(bytes(20, 1))).toBe(true); // [0, 24)
    expect(ring.tryPush(bytes(20, 2))).toBe(true); // [24, 48)
    expect(ring.pop()).toEqual(bytes(20, 1));
    expect(ring.tryPush(bytes(20, 3))).toBe(true); // tail is 16 < 24 -> skip, record at [0, 24)
    expect(u32[48 / 4]).toBe(kSkipMarker);
    expect(u32[0]).toBe(20);
    const offs: number[] = [];
    ring.drain((buf, off, len) => {
      offs.push(off);
      expect(buf.slice(off, off + len)).toEqual(bytes(20, offs.length + 1));
    });
    expect(offs).toEqual([28, 4]);
  });

  it('reserve/commit writes in place; commit may shrink; misuse throws', () => {
    const { ring } = makeRing(256);
    expect(() => ring.commit()).toThrow(/without a successful reserve/);
    let off = ring.reserve(50);
    expect(off).toBeGreaterThanOrEqual(0);
    ring.data.set(bytes(17, 7), off);
    expect(ring.isEmpty()).toBe(true); // not visible before commit
    expect(() => ring.commit(51)).toThrow(RangeError);
    ring.commit(17);
    expect(() => ring.commit()).toThrow(); // already committed
    expect(ring.pop()).toEqual(bytes(17, 7));

    off = ring.reserve(8);
    ring.data.set(bytes(8, 8), off);
    ring.commit();
    expect(ring.pop()).toEqual(bytes(8, 8));

    off = ring.reserve(8);
    expect(ring.tryPush(bytes(3, 3))).toBe(true);
    expect(() => ring.commit()).toThrow(/between reserve/);
    expect(ring.pop()).toEqual(bytes(3, 3));
    expect(ring.pop()).toBeNull();
  });

  it('drain honours max and in-place offsets; a throwing callback consumes its record', () => {
    const { ring } = makeRing(1024);
    for (let i = 0; i < 10; i++) ring.tryPush(bytes(i + 1, i));
    const seen: number[] = [];
    expect(ring.drain((buf, off, len) => {
      expect(buf).toBe(ring.data);
      expect(buf.slice(off, off + len)).toEqual(bytes(len, len - 1));
      seen.push(len);
    }, 3)).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(() => ring.drain((_b, _o, len) => {
      if (len === 5) throw new Error('boom');
    })).toThrow('boom');
    expect(ring.pop()).toEqual(bytes(6, 5));
    expect(ring.drain(() => {})).toBe(4);
    expect(ring.drain(() => {})).toBe(0);
  });

  /**
   * Random push/pop against an array model, with all producer and consumer APIs and record sizes
   * from 0 to maxRecordLength, so that the ring wraps many times at every alignment.
   */
  function randomAgainstModel(capacity: number, seed: number, ops: number, startIndex = 0): void {
    const sab = new SharedArrayBuffer(Ring.bytesFor(capacity));
    Ring.initialize(sab, 0, capacity);
    if (startIndex !== 0) {
      const h = new Uint32Array(sab, 0, kHeaderBytes / 4);
      h[kWriteField] = startIndex;
      h[kReadField] = startIndex;
    }
    const prod = new Ring(sab, 0); // producer handle
    const cons = new Ring(sab, 0); // consumer handle
    const rnd = prng(seed);
    const model: Uint8Array[] = [];
    let pushed = 0, popped = 0, refused = 0;
    const max = prod.maxRecordLength;
    for (let op = 0; op < ops; op++) {
      const r = rnd();
      if (r < 0.55) {
        // Bias towards small records but cover the whole range.
        const len = rnd() < 0.8 ? Math.floor(rnd() * Math.min(40, max + 1)) : Math.floor(rnd() * (max + 1));
        const rec = bytes(len, pushed);
        const mode = Math.floor(rnd() * 4);
        let ok: boolean;
        if (mode === 0) ok = prod.tryPush(rec);
        else if (mode === 1) {
          const padded = new Uint8Array(len + 7);
          padded.set(rec, 3);
          ok = prod.tryPush(padded, 3, len);
        } else if (mode === 2) {
          const cut = Math.floor(rnd() * (len + 1));
          ok = prod.tryPushParts(rec.subarray(0, cut), rec.subarray(cut));
        } else {
          const extra = Math.min(max - len, Math.floor(rnd() * 9));
          const off = prod.reserve(len + extra);
          ok = off >= 0;
          if (ok) {
            prod.data.set(rec, off);
            prod.commit(len);
          }
        }
        if (ok) {
          model.push(rec);
          pushed++;
        } else {
          refused++;
          // A refusal must mean the ring really has fewer free bytes than the record needs.
          expect(prod.availableWrite()).toBeLessThan(capacity);
        }
      } else if (r < 0.75) {
        const got = cons.pop();
        const want = model.shift();
        if (want === undefined) expect(got).toBeNull();
        else {
          if (!same(got, want)) expect(got).toEqual(want);
          popped++;
        }
      } else if (r < 0.85) {
        const got = cons.peek();
        if (model.length === 0) expect(got).toBeNull();
        else if (!same(got, model[0])) expect(got).toEqual(model[0]);
      } else {
        const n = cons.drain((buf, off, len) => {
          const want = model.shift()!;
          if (!same(buf.subarray(off, off + len), want)) expect(buf.subarray(off, off + len)).toEqual(want);
          popped++;
        }, 1 + Math.floor(rnd() * 4));
        expect(n).toBeLessThanOrEqual(4);
      }
      if (cons.isEmpty() !== (model.length === 0)) expect(cons.isEmpty()).toBe(model.length === 0);
      const used = cons.availableRead();
      if (!(used >= 0 && used <= capacity)) expect(used).toBeLessThanOrEqual(capacity);
    }
    while (model.length) expect(same(cons.pop(), model.shift())).toBe(true);
    expect(cons.pop()).toBeNull();
    expect(pushed).toBeGreaterThan(ops / 4);
    expect(popped).toBeGreaterThan(0);
    // Every configuration should have hit the full-ring path at least once.
    expect(refused).toBeGreaterThan(0);
  }

  for (const capacity of [16, 32, 64, 256, 1024, 4096]) {
    it(`wraps around correctly with random record sizes (capacity ${capacity})`, () => {
      randomAgainstModel(capacity, capacity * 7 + 1, 20_000);
    });
  }

  it('survives the u32 index counters overflowing', () => {
    // Start both indices just below 2^32 (4-aligned), so they wrap to small numbers mid-test.
    for (const capacity of [16, 64, 1024]) {
      randomAgainstModel(capacity, 99 + capacity, 5_000, 2 ** 32 - 4 * 300);
    }
    const { sab } = makeRing(64);
    const h = new Uint32Array(sab, 0, kHeaderBytes / 4);
    h[kWriteField] = h[kReadField] = 0xfffffff8; // position 56, 8 bytes before the end
    const ring = new Ring(sab, 0);
    // Footprint 12 > tail 8: skip 8 bytes, record at 0; the write index wraps past 2^32.
    expect(ring.tryPush(bytes(5, 0))).toBe(true);
    expect(h[kWriteField]).toBe(12);
    for (let i = 1; i < 4; i++) expect(ring.tryPush(bytes(5, i))).toBe(true);
    expect(h[kWriteField]).toBe(48);
    expect(ring.availableRead()).toBe(56);
    expect(ring.tryPush(bytes(5, 99))).toBe(false);
    for (let i = 0; i < 4; i++) expect(ring.pop()).toEqual(bytes(5, i));
    expect(h[kReadField]).toBe(48);
    expect(ring.isEmpty()).toBe(true);
  });
});

describe('Ring: wake-ups', () => {
  it('waitForData times out on an empty ring and returns at once when non-empty', () => {
    const { ring } = makeRing(64);
    const t0 = Date.now();
    expect(ring.waitForData(30)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    ring.tryPush(Uint8Array.of(1));
    expect(ring.waitForData(10_000)).toBe(true);
  });

  it('waitForSpace times out on a full ring', () => {
    const { ring } = makeRing(16);
    expect(ring.tryPush(new Uint8Array(4))).toBe(true);
    expect(ring.tryPush(new Uint8Array(4))).toBe(true);
    expect(ring.waitForSpace(4, 20)).toBe(false);
    ring.pop();
    expect(ring.waitForSpace(4, 0)).toBe(true);
  });

  it('waitForDataAsync resolves when a push notifies, and false on timeout', async () => {
    const { sab, ring } = makeRing(64);
    const h = new Int32Array(sab, 0, kHeaderBytes / 4);
    expect(await ring.waitForDataAsync(20)).toBe(false);
    expect(Atomics.load(h, kWakeField)).toBe(0);
    const p = ring.waitForDataAsync(10_000);
    // The consumer announced its sleep before waiting.
    expect(Atomics.load(h, kWakeField)).toBe(1);
    const producer = new Ring(sab, 0);
    setTimeout(() => producer.tryPush(Uint8Array.of(42)), 20);
    const t0 = Date.now();
    expect(await p).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(producer.notifies).toBe(1);
    expect(Atomics.load(h, kWakeField)).toBe(0);
    expect(ring.pop()).toEqual(Uint8Array.of(42));
    // A push while nobody sleeps does not notify.
    producer.tryPush(Uint8Array.of(1));
    expect(producer.notifies).toBe(1);
  });
});

// ─────────────────────────────────── concurrency (real threads) ───────────────────────────────

interface WorkerResult {
  [k: string]: unknown;
}

function startWorker(script: string, workerData: unknown): { worker: Worker; result: Promise<WorkerResult> } {
  const worker = new Worker(new URL(`./workers/${script}`, import.meta.url), { workerData });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    worker.once('message', (m: WorkerResult) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before reporting`)));
  });
  return { worker, result };
}

describe('Ring: concurrency (worker_threads)', () => {
  const count = 200_000;

  it('worker producer -> worker consumer, 200k random-length records, small ring', async () => {
    const capacity = 4096;
    const { sab } = makeRing(capacity, 64);
    const maxPayload = Ring.maxRecordLengthFor(capacity) - 8 - 13;
    const data = { sab, byteOffset: 64, count, seed: 12345, maxPayload };
    const c = startWorker('ring-consumer.mjs', data);
    const p = startWorker('ring-producer.mjs', data);
    try {
      const [prod, cons] = await Promise.all([p.result, c.result]);
      if (process.env.RING_STATS) console.log({ prod, cons });
      expect(cons.error).toBeNull();
      expect(cons.received).toBe(count);
      expect(cons.leftover).toBe(0);
      expect(prod.done).toBe(true);
      // A 4 KiB ring with records up to ~2 KiB must have filled up and been waited on.
      expect(prod.fullWaits as number).toBeGreaterThan(0);
    } finally {
      await Promise.all([p.worker.terminate(), c.worker.terminate()]);
    }
  }, 10_000);

  it('worker producer -> main-thread async consumer (waitForDataAsync), 200k records', async () => {
    const capacity = 1 << 16;
    const { sab, ring } = makeRing(capacity);
    const maxPayload = 1000;
    const seed = 777;
    const p = startWorker('ring-producer.mjs', { sab, byteOffset: 0, count, seed, maxPayload });
    const v = makeVerifier(seed, maxPayload);
    const check = (buf: Uint8Array, off: number, len: number): void => v.check(buf, off, len);
    let failed: unknown = null;
    p.result.catch((e) => {
      failed = e;
    });
    try {
      while (v.next < count && !v.error && !failed) {
        ring.drain(check, 1000);
        if (v.next < count && !(await ring.waitForDataAsync(5_000))) {
          throw new Error(`timed out at record ${v.next}`);
        }
      }
      expect(failed).toBeNull();
      expect(v.error).toBeNull();
      expect(v.next).toBe(count);
      expect((await p.result).done).toBe(true);
      expect(ring.isEmpty()).toBe(true);
    } finally {
      await p.worker.terminate();
    }
  }, 10_000);
});
