// Producer worker: pushes `count` deterministic records into the ring, rotating between the
// three producer APIs (tryPush, tryPushParts, reserve/commit) and sleeping in waitForSpace when
// the ring is full.
import { workerData, parentPort } from 'node:worker_threads';
import { Ring } from '../../../dist/sab/ring.js';
import { kRecHeader, payloadLength, fillPayload, fnv1a, writeU32 } from './ring-records.mjs';

const { sab, byteOffset, count, seed, maxPayload } = workerData;
const ring = new Ring(sab, byteOffset);
const rec = new Uint8Array(kRecHeader + maxPayload);
const head = new Uint8Array(kRecHeader);
let fullWaits = 0;

for (let seq = 0; seq < count; seq++) {
  const plen = payloadLength(seed, seq, maxPayload);
  const len = kRecHeader + plen;
  fillPayload(seed, seq, rec, kRecHeader, plen);
  const sum = fnv1a(rec, kRecHeader, plen);
  writeU32(rec, 0, seq);
  writeU32(rec, 4, sum);
  const mode = seq % 3;
  // Reserve more than needed in mode 2, then commit the real length (exercises commit(n < max)).
  const need = mode === 2 ? Math.min(ring.maxRecordLength, len + 13) : len;
  for (;;) {
    let ok;
    if (mode === 0) {
      ok = ring.tryPush(rec, 0, len);
    } else if (mode === 1) {
      head.set(rec.subarray(0, kRecHeader));
      ok = ring.tryPushParts(head, rec.subarray(kRecHeader, len));
    } else {
      const off = ring.reserve(need);
      ok = off >= 0;
      if (ok) {
        ring.data.set(rec.subarray(0, len), off);
        ring.commit(len);
      }
    }
    if (ok) break;
    fullWaits++;
    ring.waitForSpace(need, 5000);
  }
}

parentPort.postMessage({ done: true, fullWaits, sleeps: ring.sleeps, notifies: ring.notifies });
