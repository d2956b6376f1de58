/** Futex lock on a SharedArrayBuffer word, uncontended (dist/sab/lock.js). */
import type { Bench } from 'tinybench';
import { addOps } from '../micro.js';
import { loadDist } from './dist.js';

interface Lock { tryLock(): boolean; lock(): void; unlock(): void }
interface LockClass { new (i32: Int32Array, index: number): Lock; initialize(i32: Int32Array, index: number): void }

export default async function setup(bench: Bench): Promise<string | void> {
  const m = await loadDist<{ FutexLock: LockClass }>('sab/lock.js');
  if (!m) return 'dist/sab/lock.js not built';
  const i32 = new Int32Array(new SharedArrayBuffer(64));
  m.FutexLock.initialize(i32, 0);
  const l = new m.FutexLock(i32, 0);
  addOps(bench, 'tryLock + unlock, uncontended', 1000, () => {
    for (let i = 0; i < 1000; i++) {
      if (!l.tryLock()) throw new Error('lock taken');
      l.unlock();
    }
  });
  addOps(bench, 'lock + unlock, uncontended', 1000, () => {
    for (let i = 0; i < 1000; i++) {
      l.lock();
      l.unlock();
    }
  });
}
