// A second front end in a worker thread, attached to the test's store through the embedded
// API: runs the commands it is sent (test control plane only) and posts each reply back.
//   { id, cmd: [name, ...args] }      → { id, ok } or { id, err }
//   { id, loop: { count, cmd } }      → runs cmd count times with ${i} in args replaced; { id, ok: [replies] }
import { parentPort, workerData } from 'node:worker_threads';
import { attach } from '../../../dist/index.js';

const db = attach(workerData.handle);
const run = (cmd) => {
  try {
    return { ok: db.callSync(...cmd) };
  } catch (e) {
    return { err: e.message };
  }
};
parentPort.on('message', (m) => {
  if (m.loop) {
    const out = [];
    for (let i = 0; i < m.loop.count; i++) out.push(run(m.loop.cmd.map((a) => a.replaceAll('${i}', String(i)))));
    parentPort.postMessage({ id: m.id, ok: out });
    return;
  }
  parentPort.postMessage({ id: m.id, ...run(m.cmd) });
});
parentPort.postMessage({ ready: true });
