// Lock stress worker: `iterations` times lock(); non-atomic read-modify-write of a shared
// counter (plain Int32Array load, some work, plain store); unlock(). Lost updates would show
// up as a final counter below workers * iterations.
import { workerData, parentPort } from 'node:worker_threads';
import { FutexLock } from '../../../dist/sab/lock.js';

const { sab, lockIndex, counterIndex, goIndex, iterations } = workerData;
const i32 = new Int32Array(sab);
const lock = new FutexLock(i32, lockIndex);

// Start barrier so that all workers contend from the first iteration.
Atomics.add(i32, goIndex + 1, 1);
Atomics.notify(i32, goIndex + 1);
while (Atomics.load(i32, goIndex) === 0) Atomics.wait(i32, goIndex, 0, 1000);

let junk = 0;
for (let n = 0; n < iterations; n++) {
  lock.lock();
  const v = i32[counterIndex]; // plain read ...
  for (let k = 0; k < (n & 7); k++) junk = (junk * 31 + k) | 0; // ... widen the race window ...
  i32[counterIndex] = v + 1; // ... plain write
  lock.unlock();
}

parentPort.postMessage({ acquired: lock.acquired, contended: lock.contended, junk });
