/**
 * Three-state futex lock (Drepper, "Futexes Are Tricky", mutex #2) on one Int32 word of a
 * SharedArrayBuffer.
 *
 *   Int32Array view
 *   ┌──────────────────────┐
 *   │ [index] lock word    │  0 = free, 1 = locked (no waiters), 2 = locked, maybe waiters
 *   └──────────────────────┘
 *
 * Invariants:
 * - Only the holder moves the word away from 1/2 to 0 (unlock).
 * - A thread that may have waiters (state 2) always notifies one waiter on unlock.
 * - Uncontended lock and unlock each cost a single atomic read-modify-write.
 *
 * Who may block: owner workers, coordinators and embedded sync callers use `lock()`, which
 * sleeps in `Atomics.wait`. A front-end thread never sleeps on a lock: it uses `tryLock()` and,
 * when that fails, parks the connection and resumes on `waitUnlockedAsync()`.
 *
 * `initialize(i32, index)` is separate from construction so that the creator sets the word
 * once before the buffer is shared, and every other thread only wraps it.
 */

export const kFree = 0;
export const kLocked = 1;
export const kContended = 2;

export class FutexLock {
  /** Contended acquisitions seen by this handle (a sleep in Atomics.wait or a failed tryLock). */
  contended = 0;
  acquired = 0;

  constructor(private readonly i32: Int32Array, private readonly index: number) {}

  static initialize(i32: Int32Array, index: number): void {
    Atomics.store(i32, index, kFree);
  }

  /** Take the lock without waiting. Returns false if another thread holds it. */
  tryLock(): boolean {
    if (Atomics.compareExchange(this.i32, this.index, kFree, kLocked) === kFree) {
      this.acquired++;
      return true;
    }
    this.contended++;
    return false;
  }

  /** Take the lock, sleeping in Atomics.wait while it is held. Not for front-end threads. */
  lock(): void {
    const a = this.i32, i = this.index;
    let c = Atomics.compareExchange(a, i, kFree, kLocked);
    if (c === kFree) {
      this.acquired++;
      return;
    }
    this.contended++;
    // Spin briefly: most critical sections are a few microseconds.
    for (let spin = 0; spin < 100; spin++) {
      c = Atomics.compareExchange(a, i, kFree, kLocked);
      if (c === kFree) {
        this.acquired++;
        return;
      }
    }
    if (c !== kContended) c = Atomics.exchange(a, i, kContended);
    while (c !== kFree) {
      Atomics.wait(a, i, kContended);
      c = Atomics.exchange(a, i, kContended);
    }
    this.acquired++;
  }

  unlock(): void {
    const a = this.i32, i = this.index;
    if (Atomics.sub(a, i, 1) !== kLocked) {
      Atomics.store(a, i, kFree);
      Atomics.notify(a, i, 1);
    }
  }

  /** True while some thread holds the lock (a racy snapshot, for diagnostics and parking). */
  isLocked(): boolean {
    return Atomics.load(this.i32, this.index) !== kFree;
  }

  /**
   * Resolve once the lock word has been seen free (or after `timeoutMs`). Used by front ends to
   * resume a parked connection; the caller must still tryLock() afterwards. It marks the word
   * contended so that the holder's unlock() notifies.
   */
  waitUnlockedAsync(timeoutMs = 50): Promise<void> {
    const a = this.i32, i = this.index;
    let c = Atomics.load(a, i);
    if (c === kFree) return Promise.resolve();
    if (c === kLocked) {
      c = Atomics.compareExchange(a, i, kLocked, kContended);
      if (c === kFree) return Promise.resolve();
    }
    const r = Atomics.waitAsync(a, i, kContended, timeoutMs);
    if (!r.async) return Promise.resolve();
    return r.value.then((v) => {
      // unlock() wakes one waiter; if it was us, a thread asleep in lock() may still need it.
      if (v === 'ok') Atomics.notify(a, i, 1);
    });
  }
}
