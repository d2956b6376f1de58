// Producer for the inbox-ring stress test: pushes `count` records tagged (producer id, sequence)
// with a payload of pseudo-random length whose bytes are derived from (id, seq), sleeping in
// Atomics.wait while the ring is full.
import { parentPort, workerData } from 'node:worker_threads';
import { InboxRing } from '../../../dist/pubsub/inbox-ring.js';

const { sab, offset, id, count, maxLen } = workerData;
const ring = new InboxRing(sab, offset);
let x = id * 7919 + 1;
const rnd = () => {
  x = (x * 1103515245 + 12345) & 0x7fffffff;
  return x;
};
let fulls = 0;
for (let seq = 0; seq < count; seq++) {
  const len = 8 + (rnd() % maxLen);
  let at;
  while ((at = ring.reserve(len)) < 0) {
    fulls++;
    ring.waitForSpace(len, 20);
  }
  const d = ring.data;
  d[at] = id;
  d[at + 1] = seq & 0xff;
  d[at + 2] = (seq >>> 8) & 0xff;
  d[at + 3] = (seq >>> 16) & 0xff;
  for (let i = 4; i < len; i++) d[at + i] = (id + seq + i) & 0xff;
  ring.commit(len);
}
parentPort.postMessage({ id, fulls });
