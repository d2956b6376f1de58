// A host worker thread attached to the store through the embedded API, running scripts.
// role 'declared':   EVAL incrementing x and y (both declared, in different shards)
// role 'undeclared': EVAL incrementing u and v named only in ARGV (undeclared keys)
// role 'reader':     MGET x y and MGET u v must always agree
import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../dist/index.js';

const { handle, role, iterations, x, y, u, v } = workerData;
const db = attach(handle);
const both = 'redis.call("INCR", KEYS[1]) redis.call("INCR", KEYS[2]) return 1';
const hidden = 'redis.call("INCR", ARGV[1]) redis.call("INCR", ARGV[2]) return 1';
let violations = 0, ops = 0;
for (let i = 0; i < iterations; i++) {
  if (role === 'declared') db.callSync('eval', both, '2', x, y);
  else if (role === 'undeclared') db.callSync('eval', hidden, '0', u, v);
  else {
    const [a, b] = db.callSync('mget', x, y);
    if (a !== b) violations++;
    const [c, d] = db.callSync('mget', u, v);
    if (c !== d) violations++;
  }
  ops++;
}
parentPort.postMessage({ violations, ops });
