// KeyTable scenarios that may loop forever inside insert() (a probe run with no empty slot), so
// the test runs them here, under a timeout, instead of in the vitest thread.
//
// scenario 'shrink':     3000 keys, delete all but 10, maybeShrink() (a rehash into a small t1
//                        starts), then insert new keys while that rehash is still running.
// scenario 'tombstones': the same 3000 keys cut down to 10, no maybeShrink(); then churn (insert a
//                        new key, delete it): the tombstones fill t0 up to 3/4, so an insert
//                        starts a rehash sized for the ~10 live keys while most of them are
//                        still in t0.
// Posts { ok: true, state } when done, where state lists the table header fields.
import { workerData, parentPort } from 'node:worker_threads';
import { Heap } from '../../../dist/sab/alloc.js';
import { KeyTable } from '../../../dist/sab/hashtable.js';
import { hashBytes } from '../../../dist/sab/hash.js';

const { scenario, inserts } = workerData;
const heap = new Heap(Heap.create());
heap.setRoot(0, KeyTable.create(heap));
const t = new KeyTable(heap, 0);

function rec(key) {
  const p = heap.alloc(24 + key.length);
  const u32 = heap.u32;
  u32[p * 2] = 0;
  u32[p * 2 + 1] = key.length;
  u32[p * 2 + 2] = 0;
  u32[p * 2 + 3] = 0;
  heap.f64[p + 2] = 0;
  heap.u8.set(key, p * 8 + 24);
  return p;
}
function ins(s) {
  const b = Buffer.from(s);
  const h = hashBytes(b, 0, b.length);
  if (t.find(b, 0, b.length, h) !== 0) return;
  t.insert(h, rec(b));
}
function del(s) {
  const b = Buffer.from(s);
  const h = hashBytes(b, 0, b.length);
  const r = t.find(b, 0, b.length, h);
  if (r === 0) return false;
  t.deleteFound();
  heap.free(r, 24 + b.length);
  return true;
}
function has(s) {
  const b = Buffer.from(s);
  return t.find(b, 0, b.length, hashBytes(b, 0, b.length)) !== 0;
}
const state = () => Array.from({ length: 8 }, (_, f) => t.getField(f));

const live = new Set();
if (scenario === 'shrink') {
  for (let i = 0; i < 3000; i++) { ins('k' + i); live.add('k' + i); }
  while (t.rehashStep(1 << 30));
  for (let i = 0; i < 3000; i++) if (i % 300 !== 0) { del('k' + i); live.delete('k' + i); }
  const started = t.maybeShrink();
  parentPort.postMessage({ progress: 'shrink started', started, state: state() });
  for (let i = 0; i < inserts; i++) { ins('n' + i); live.add('n' + i); }
} else {
  for (let i = 0; i < 3000; i++) ins('k' + i);
  while (t.rehashStep(1 << 30));
  for (let i = 0; i < 3000; i++) if (i % 300 !== 0) del('k' + i); else live.add('k' + i);
  parentPort.postMessage({ progress: 'deleted', state: state() });
  for (let i = 0; i < inserts; i++) {
    ins('c' + i);
    del('c' + i);
  }
}
for (const k of live) if (!has(k)) throw new Error(`lost key ${k}`);
parentPort.postMessage({ ok: true, count: t.count(), live: live.size, state: state() });
