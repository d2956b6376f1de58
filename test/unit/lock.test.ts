import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { FutexLock, kFree, kLocked, kContended } from '../../src/sab/lock.js';

function makeLock(): { i32: Int32Array; lock: FutexLock } {
  const i32 = new Int32Array(new SharedArrayBuffer(64));
  i32[3] = 12345; // garbage that initialize() must overwrite
  FutexLock.initialize(i32, 3);
  return { i32, lock: new FutexLock(i32, 3) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the next message of `w` (rejects on error/exit). */
function nextMessage(w: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: unknown) => {
      cleanup();
      resolve(m);
    };
    const onErr = (e: unknown) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    const cleanup = () => {
      w.off('message', onMsg);
      w.off('error', onErr);
      w.off('exit', onExit);
    };
    w.on('message', onMsg);
    w.on('error', onErr);
    w.on('exit', onExit);
  });
}

/** Resolves with the next message, or with `timedOut` if none arrives within `ms`. */
async function nextMessageWithin(w: Worker, ms: number, timedOut: string): Promise<unknown> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise((r) => (t = setTimeout(() => r(timedOut), ms)));
  try {
    return await Promise.race([nextMessage(w), timer]);
  } finally {
    clearTimeout(t);
  }
}

async function startHolder(sab: SharedArrayBuffer, lockIndex: number): Promise<Worker> {
  const w = new Worker(new URL('./workers/lock-holder.mjs', import.meta.url), {
    workerData: { sab, lockIndex },
  });
  const first = nextMessage(w);
  expect(await first).toBe('ready');
  return w;
}

async function command(w: Worker, cmd: string): Promise<unknown> {
  const reply = nextMessage(w);
  w.postMessage(cmd);
  return reply;
}

describe('FutexLock: single thread', () => {
  it('initialize sets the word free', () => {
    const { i32, lock } = makeLock();
    expect(i32[3]).toBe(kFree);
    expect(lock.isLocked()).toBe(false);
    // Neighbouring words are untouched.
    expect(i32[2]).toBe(0);
    expect(i32[4]).toBe(0);
  });

  it('tryLock / unlock move the word 0 -> 1 -> 0 and count', () => {
    const { i32, lock } = makeLock();
    expect(lock.tryLock()).toBe(true);
    expect(i32[3]).toBe(kLocked);
    expect(lock.isLocked()).toBe(true);
    expect(lock.tryLock()).toBe(false); // not re-entrant
    expect(i32[3]).toBe(kLocked); // a failed tryLock does not mark contention
    expect(lock.contended).toBe(1);
    lock.unlock();
    expect(i32[3]).toBe(kFree);
    expect(lock.isLocked()).toBe(false);
    expect(lock.tryLock()).toBe(true);
    lock.unlock();
    expect(lock.acquired).toBe(2);
  });

  it('a second handle on the same word sees the same state', () => {
    const { i32, lock } = makeLock();
    const other = new FutexLock(i32, 3);
    expect(lock.tryLock()).toBe(true);
    expect(other.tryLock()).toBe(false);
    expect(other.isLocked()).toBe(true);
    lock.unlock();
    expect(other.tryLock()).toBe(true);
    expect(lock.isLocked()).toBe(true);
    other.unlock();
  });

  it('lock() on a free word takes the fast path', () => {
    const { i32, lock } = makeLock();
    lock.lock();
    expect(i32[3]).toBe(kLocked);
    expect(lock.contended).toBe(0);
    expect(lock.acquired).toBe(1);
    lock.unlock();
    expect(i32[3]).toBe(kFree);
  });

  it('unlock from the contended state frees the word (and notifies)', () => {
    const { i32, lock } = makeLock();
    lock.lock();
    Atomics.store(i32, 3, kContended); // as if a waiter had marked it
    lock.unlock();
    expect(i32[3]).toBe(kFree);
    lock.lock();
    expect(i32[3]).toBe(kLocked);
    lock.unlock();
  });

  it('waitUnlockedAsync resolves at once when free, marks contention when held', async () => {
    const { i32, lock } = makeLock();
    await lock.waitUnlockedAsync(1000);
    expect(i32[3]).toBe(kFree);
    lock.lock();
    const t0 = Date.now();
    await lock.waitUnlockedAsync(30); // times out: still held
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(i32[3]).toBe(kContended); // so that unlock() will notify
    lock.unlock();
    expect(i32[3]).toBe(kFree);
  });
});

describe('FutexLock: concurrency (worker_threads)', () => {
  it('4 workers x 50k lock/RMW/unlock give exactly 200k', async () => {
    const workers = 4, iterations = 50_000;
    // Lock, counter and start flag on separate cache lines.
    const sab = new SharedArrayBuffer(256);
    const i32 = new Int32Array(sab);
    const lockIndex = 0, counterIndex = 16, goIndex = 32;
    FutexLock.initialize(i32, lockIndex);
    const ws: Worker[] = [];
    try {
      const results: Promise<unknown>[] = [];
      for (let k = 0; k < workers; k++) {
        const w = new Worker(new URL('./workers/lock-counter.mjs', import.meta.url), {
          workerData: { sab, lockIndex, counterIndex, goIndex, iterations },
        });
        ws.push(w);
        results.push(nextMessage(w));
      }
      // Wait until every worker is at the barrier, then release them together.
      const t0 = Date.now();
      while (Atomics.load(i32, goIndex + 1) < workers) {
        if (Date.now() - t0 > 5000) throw new Error('workers did not start');
        await sleep(1);
      }
      Atomics.store(i32, goIndex, 1);
      Atomics.notify(i32, goIndex);
      const stats = (await Promise.all(results)) as { acquired: number; contended: number }[];
      expect(i32[counterIndex]).toBe(workers * iterations);
      expect(stats.reduce((s, r) => s + r.acquired, 0)).toBe(workers * iterations);
      expect(i32[lockIndex]).toBe(kFree);
      if (process.env.LOCK_STATS) console.log(stats);
    } finally {
      await Promise.all(ws.map((w) => w.terminate()));
    }
  }, 10_000);

  it('waitUnlockedAsync resolves after another worker unlocks', async () => {
    const sab = new SharedArrayBuffer(64);
    const i32 = new Int32Array(sab);
    FutexLock.initialize(i32, 0);
    const main = new FutexLock(i32, 0);
    const w = await startHolder(sab, 0);
    try {
      expect(await command(w, 'lock')).toBe('locked');
      expect(main.tryLock()).toBe(false);

      let resolved = false;
      const p = main.waitUnlockedAsync(10_000).then(() => {
        resolved = true;
      });
      expect(i32[0]).toBe(kContended);
      await sleep(50);
      expect(resolved).toBe(false); // still held

      const t0 = Date.now();
      expect(await command(w, 'unlock')).toBe('unlocked');
      await p;
      expect(Date.now() - t0).toBeLessThan(2_000); // woken by notify, not by the 10 s timeout
      expect(main.tryLock()).toBe(true);
      expect(await command(w, 'trylock')).toBe('trylock:false');
      main.unlock();
      expect(await command(w, 'trylock')).toBe('trylock:true');
      expect(await command(w, 'unlock')).toBe('unlocked');
    } finally {
      await w.terminate();
    }
  });

  it('a worker blocked in lock() wakes when the main thread unlocks', async () => {
    const sab = new SharedArrayBuffer(64);
    const i32 = new Int32Array(sab);
    FutexLock.initialize(i32, 0);
    const main = new FutexLock(i32, 0);
    const w = await startHolder(sab, 0);
    try {
      expect(main.tryLock()).toBe(true);
      const reply = nextMessage(w);
      w.postMessage('lock');
      // The worker spins, marks the word contended, and sleeps in Atomics.wait.
      const t0 = Date.now();
      while (Atomics.load(i32, 0) !== kContended) {
        if (Date.now() - t0 > 5000) throw new Error('worker never marked contention');
        await sleep(1);
      }
      await sleep(20);
      main.unlock();
      expect(await reply).toBe('locked');
      expect(main.tryLock()).toBe(false);
      expect(await command(w, 'unlock')).toBe('unlocked');
      expect(main.tryLock()).toBe(true);
      main.unlock();
    } finally {
      await w.terminate();
    }
  });

  /**
   * Regression: an async waiter must not swallow the single wake-up meant for a thread
   * sleeping in lock() (waitUnlockedAsync passes the notify on).
   *
   *   W1 holds the lock. Main: waitUnlockedAsync() (word -> 2, async waiter queued first).
   *   W2: lock() -> sleeps in Atomics.wait (queued second). W1: unlock() -> word 0,
   *   notify(1) wakes only main. Main: tryLock() 0 -> 1 (the "maybe waiters" mark is lost),
   *   unlock() 1 -> 0 without notify. W2 sleeps forever although the lock is free.
   *
   */
  it('a thread in lock() is not stranded when an async waiter takes the wake-up', async () => {
    const sab = new SharedArrayBuffer(64);
    const i32 = new Int32Array(sab);
    FutexLock.initialize(i32, 0);
    const main = new FutexLock(i32, 0);
    const w1 = await startHolder(sab, 0);
    const w2 = await startHolder(sab, 0);
    try {
      expect(await command(w1, 'lock')).toBe('locked');
      const woken = main.waitUnlockedAsync(10_000); // first in the waiter queue
      const w2Locking = nextMessage(w2);
      w2.postMessage('announce-lock'); // second in the waiter queue
      expect(await w2Locking).toBe('locking');
      const w2Locked = nextMessageWithin(w2, 1_500, 'stranded');
      await sleep(200); // W2 is about to call lock(): let it spin out and enter Atomics.wait
      expect(await command(w1, 'unlock')).toBe('unlocked');
      await woken;
      if (main.tryLock()) main.unlock();
      // Whatever the interleaving, the lock is free now, so W2 must get it.
      expect(await w2Locked).toBe('locked');
    } finally {
      await Promise.all([w1.terminate(), w2.terminate()]);
    }
  }, 10_000);
});
