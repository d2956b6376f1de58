// A host worker thread attached to the store's shared memory through the embedded API.
// role 'writer': MSET x y to the same value over and over, and RENAME a key back and forth.
// role 'reader': MGET x y must always agree; EXISTS r1 r2 must always be exactly 1.
import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../dist/index.js';

const { handle, role, id, iterations, x, y, r1, r2 } = workerData;
const db = attach(handle);
let violations = 0, ops = 0;
for (let i = 0; i < iterations; i++) {
  if (role === 'writer') {
    const v = `w${id}:${i}`;
    db.callSync('mset', x, v, y, v);
    // Another writer may have moved it first: then the key is at the other name.
    for (const [from, to] of [[r1, r2], [r2, r1]]) {
      try {
        db.callSync('rename', from, to);
        break;
      } catch (e) {
        if (e.code !== 'ERR') throw e;
      }
    }
  } else {
    const [a, b] = db.callSync('mget', x, y);
    if (a !== b) violations++;
    const n = db.callSync('exists', r1, r2);
    if (n !== 1) violations++;
  }
  ops++;
}
parentPort.postMessage({ violations, ops });
