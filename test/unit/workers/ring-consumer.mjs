// Consumer worker: drains `count` records in place, sleeping in waitForData (Atomics.wait) when
// the ring is empty, and verifies order and content. Alternates between drain() and pop().
import { workerData, parentPort } from 'node:worker_threads';
import { Ring } from '../../../dist/sab/ring.js';
import { makeVerifier } from './ring-records.mjs';

const { sab, byteOffset, count, seed, maxPayload } = workerData;
const ring = new Ring(sab, byteOffset);
const v = makeVerifier(seed, maxPayload);
const check = (buf, off, len) => v.check(buf, off, len);
let emptyWaits = 0;
let round = 0;

while (v.next < count && !v.error) {
  if (round++ % 2 === 0) {
    ring.drain(check, 97);
  } else {
    const r = ring.pop();
    if (r) v.check(r, 0, r.length);
  }
  if (v.next < count && ring.isEmpty()) {
    emptyWaits++;
    if (!ring.waitForData(5000)) {
      v.error = `timed out waiting for record #${v.next}`;
    }
  }
}

parentPort.postMessage({
  received: v.next,
  error: v.error,
  leftover: ring.availableRead(),
  emptyWaits,
  sleeps: ring.sleeps,
  notifies: ring.notifies,
});
