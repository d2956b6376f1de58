// A host thread attached to the store's shared memory (embedded API). By default it reads every account
// with MGET (which holds all the shard locks it needs at once) until the deadline: the sum must
// never differ from the total while network clients run MULTI/EXEC transfers on another thread.
import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../dist/index.js';

const { handle, accounts, total, ms, role, cmds } = workerData;
const db = attach(handle);
if (role === 'run') {
  // role 'run': execute `cmds` once ('fastset' = the embedded SET fast path) and report.
  for (const [name, ...args] of cmds) {
    if (name === 'fastset') db.setSync(args[0], args[1]);
    else db.callSync(name, ...args);
  }
  parentPort.postMessage({ role });
  process.exit(0);
}
const deadline = Date.now() + ms;
const res = { role: 'embedded', violations: 0, checks: 0, problems: [] };
// Bursts of reads with short sleeps: a host thread that loops on blocking lock() would starve
// the front end, which only try-locks.
const nap = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < deadline) {
  if (res.checks % 16 === 15) Atomics.wait(nap, 0, 0, 1);
  const vals = db.callSync('mget', ...accounts);
  const s = vals.reduce((n, v) => n + Number(v), 0);
  if (s !== total) {
    res.violations++;
    if (res.problems.length < 5) res.problems.push(vals.join(','));
  }
  res.checks++;
}
parentPort.postMessage(res);
