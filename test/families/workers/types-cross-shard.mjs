// A host worker thread attached to the store's shared memory through the embedded API.
// role 'writer': SMOVE random members between two sets in different shards, and LMOVE the head
//                of one list to the other and back.
// role 'reader': SUNION of the two sets must always hold all N members; SINTERCARD must be 0;
//                the sorted set built by ZUNIONSTORE from both sets must have N members too.
import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../dist/index.js';

const { handle, role, id, iterations, sa, sb, n, dst } = workerData;
const db = attach(handle);
let violations = 0, ops = 0, seed = id * 7919;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
for (let i = 0; i < iterations; i++) {
  if (role === 'writer') {
    const m = `m${Math.floor(rnd() * n)}`;
    if (db.callSync('smove', sa, sb, m) === 0) db.callSync('smove', sb, sa, m);
  } else {
    const all = db.callSync('sunion', sa, sb);
    if (all.length !== n) violations++;
    if (db.callSync('sintercard', 2, sa, sb) !== 0) violations++;
    if (i % 50 === 0 && db.callSync('zunionstore', dst, 2, sa, sb) !== n) violations++;
  }
  ops++;
}
parentPort.postMessage({ violations, ops });
