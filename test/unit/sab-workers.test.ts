import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { Shard, type ShardHandle } from '../../src/shard/shard.js';

const NOW = 1_700_000_000_000;
const enc = (s: string) => Buffer.from(s, 'latin1');

interface Msg {
  done?: boolean;
  error?: string;
  [k: string]: unknown;
}

/** Start workers on the same shard behind a start barrier; resolve with their final messages. */
async function runWorkers(
  handle: ShardHandle,
  specs: { mode: string; iterations: number; extra?: Record<string, unknown> }[],
  timeoutMs: number,
): Promise<Msg[]> {
  const go = new SharedArrayBuffer(16); // [0] go flag, [1] workers ready, [2] writers done
  const gate = new Int32Array(go);
  const workers = specs.map(
    (s, id) =>
      new Worker(new URL('./workers/shard-ops.mjs', import.meta.url), {
        workerData: { handle, id, iterations: s.iterations, mode: s.mode, go, ...s.extra },
      }),
  );
  const results = workers.map(
    (w) =>
      new Promise<Msg>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    // Everyone at the barrier, then go.
    const deadline = Date.now() + 10_000;
    while (Atomics.load(gate, 1) < workers.length) {
      if (Date.now() > deadline) throw new Error('workers did not start');
      await new Promise((r) => setTimeout(r, 5));
    }
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`workers still running after ${timeoutMs} ms (deadlock?)`)), timeoutMs);
    });
    const msgs = await Promise.race([Promise.all(results), timeout]);
    for (const m of msgs) if (m.error) throw new Error(`worker failed: ${m.error}`);
    return msgs;
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function get(s: Shard, key: string): Buffer | null {
  const kb = enc(key);
  const r = s.lookup(0, kb, 0, kb.length, NOW);
  return r === 0 ? null : s.valueBuffer(r);
}

describe('Shard across worker_threads', () => {
  it('4 workers × 20k locked read-modify-writes: no lost INCR, every key intact', async () => {
    const handle = Shard.create(0, 256 * 1024);
    const iterations = 20_000;
    const msgs = await runWorkers(
      handle,
      Array.from({ length: 4 }, () => ({ mode: 'mixed', iterations })),
      14_000,
    );
    const s = new Shard(handle);
    s.acquire();
    try {
      expect(s.lock.isLocked()).toBe(true);
      expect(get(s, 'counter')?.toString()).toBe(String(4 * iterations));
      expect(msgs.reduce((a, m) => a + (m.incrs as number), 0)).toBe(4 * iterations);
      // Every private key holds what its worker last wrote.
      let privateKeys = 0;
      for (const m of msgs) {
        for (const [k, v] of m.mine as [string, string][]) {
          const got = get(s, k);
          if (got === null || got.toString('latin1') !== v) throw new Error(`${k} lost or changed`);
          privateKeys++;
        }
      }
      // Every shared key is well formed.
      let shared = 0;
      for (let i = 0; i < 100; i++) {
        const v = get(s, `shared:${i}`);
        if (v === null) continue;
        const t = v.toString('latin1');
        expect(t.startsWith(`shared:${i}|`)).toBe(true);
        expect(t.endsWith('!')).toBe(true);
        shared++;
      }
      expect(shared).toBeGreaterThan(90);
      expect(s.dbSize(0)).toBe(1 + shared + privateKeys);
      expect(handle.heap.byteLength).toBeGreaterThan(256 * 1024); // the heap grew under contention
    } finally {
      s.release();
    }
    expect(s.lock.isLocked()).toBe(false);
  }, 20_000);

  it('writers of 50 KiB values grow the heap while readers check every byte', async () => {
    const handle = Shard.create(0, 64 * 1024);
    const len0 = handle.heap.byteLength;
    const writers = 2, readers = 2, bigKeys = 40;
    const msgs = await runWorkers(
      handle,
      [
        ...Array.from({ length: writers }, () => ({ mode: 'grow-writer', iterations: 600, extra: { bigKeys } })),
        ...Array.from({ length: readers }, () => ({ mode: 'grow-reader', iterations: 1500, extra: { writers, bigKeys } })),
      ],
      14_000,
    );
    expect(handle.heap.byteLength).toBeGreaterThan(len0 + 4 * 1024 * 1024); // 80 live 50 KiB values at least
    const readerMsgs = msgs.slice(writers);
    const checked = readerMsgs.reduce((a, m) => a + (m.checked as number), 0);
    expect(checked, `reader results: ${JSON.stringify(readerMsgs)}`).toBeGreaterThan(0);
    // The main thread (another "thread" with stale views) sees the final state after acquire().
    const s = new Shard(handle);
    s.acquire();
    try {
      for (let w = 0; w < writers; w++) {
        const versions = new Map(msgs[w].versions as [string, number][]);
        expect(versions.size).toBe(bigKeys);
        for (const [key, version] of versions) {
          const v = get(s, key);
          expect(v, key).not.toBeNull();
          const head = v!.toString('latin1', 0, 64);
          expect(head.startsWith(`${key}#${version}#`)).toBe(true);
          const seed = (version * 31 + key.length * 7) & 0xff;
          for (let i = 64; i < v!.length; i++) {
            if (v![i] !== ((seed + i) & 0xff)) throw new Error(`${key}: byte ${i}`);
          }
        }
      }
      expect(s.dbSize(0)).toBe(writers * bigKeys);
      expect(s.heap.u8.length).toBe(handle.heap.byteLength);
    } finally {
      s.release();
    }
  }, 20_000);

  it('a Shard made before another thread grew the heap sees the growth after acquire()', async () => {
    const handle = Shard.create(0, 64 * 1024);
    const early = new Shard(handle); // views cover 64 KiB
    const len0 = early.heap.u8.length;
    await runWorkers(handle, [{ mode: 'grow-writer', iterations: 100, extra: { bigKeys: 20 } }], 14_000);
    expect(handle.heap.byteLength).toBeGreaterThan(len0);
    expect(early.heap.u8.length).toBe(len0); // fixed-length views until the next acquire()
    early.acquire();
    try {
      expect(early.heap.u8.length).toBe(handle.heap.byteLength);
      expect(early.dbSize(0)).toBe(20);
      const v = get(early, 'big:0:19');
      expect(v?.toString('latin1', 0, 12)).toBe('big:0:19#99#');
    } finally {
      early.release();
    }
  }, 20_000);
});
