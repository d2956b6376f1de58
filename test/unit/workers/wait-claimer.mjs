// Wait-slot race worker: after the start barrier, tries to claim every (slot, gen) in the list
// (as a writer serving a ready key would), or, for the 'cancel' role, to cancel them (as a
// timeout would). Posts the slots it won.
import { workerData, parentPort } from 'node:worker_threads';
import { WaitSlots } from '../../../dist/sab/wait-slots.js';

const { sab, go, slots, role } = workerData;
const ws = new WaitSlots(sab);
const gate = new Int32Array(go);
Atomics.add(gate, 1, 1);
Atomics.wait(gate, 0, 0);
const won = [];
for (const [slot, gen] of slots) {
  if (role === 'cancel' ? ws.cancel(slot) : ws.claim(slot, gen)) won.push(slot);
}
parentPort.postMessage({ won });
