// Command-driven lock worker for ordering tests. Messages: 'lock' (blocking lock(), then
// replies 'locked'), 'announce-lock' (replies 'locking', then like 'lock'), 'unlock' (replies
// 'unlocked'), 'trylock' (replies 'trylock:true|false').
import { workerData, parentPort } from 'node:worker_threads';
import { FutexLock } from '../../../dist/sab/lock.js';

const { sab, lockIndex } = workerData;
const lock = new FutexLock(new Int32Array(sab), lockIndex);

parentPort.on('message', (cmd) => {
  switch (cmd) {
    case 'announce-lock':
      parentPort.postMessage('locking');
    // fall through
    case 'lock':
      lock.lock();
      parentPort.postMessage('locked');
      break;
    case 'unlock':
      lock.unlock();
      parentPort.postMessage('unlocked');
      break;
    case 'trylock':
      parentPort.postMessage(`trylock:${lock.tryLock()}`);
      break;
    case 'exit':
      process.exit(0);
  }
});
parentPort.postMessage('ready');
