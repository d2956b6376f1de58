/** Keyspace table get/set at 1M keys (dist/sab/hashtable.js over a dist/sab/alloc.js heap). */
import type { Bench } from 'tinybench';
import { kKeyDigits, writeDigits } from '../commands.js';
import { prng } from '../keys.js';
import { addOps } from '../micro.js';
import { loadDist } from './dist.js';

interface Heap {
  u32: Uint32Array; u8: Uint8Array; alloc(n: number): number; free(p: number, n: number): void;
  setRoot(i: number, v: number): void;
}
interface HeapClass { new (sab: SharedArrayBuffer): Heap; create(initial?: number, max?: number): SharedArrayBuffer }
interface Table { find(b: Uint8Array, off: number, len: number, h: number): number; insert(h: number, rec: number): void; replaceFound(rec: number): void; count(): number }
interface TableClass { new (heap: Heap, root: number): Table; create(heap: Heap, capacity?: number): number }

const kKeys = 1_000_000;

export default async function setup(bench: Bench): Promise<string | void> {
  const a = await loadDist<{ Heap: HeapClass }>('sab/alloc.js');
  const t = await loadDist<{ KeyTable: TableClass }>('sab/hashtable.js');
  const h = await loadDist<{ hashBytes(b: Uint8Array, off: number, len: number): number }>('sab/hash.js');
  const r = await loadDist<{ kRecordHeader: number }>('sab/record.js');
  if (!a || !t || !h || !r) return 'dist/sab/alloc.js, hashtable.js, hash.js or record.js not built';
  const heap = new a.Heap(a.Heap.create(128 << 20, 1 << 30));
  heap.setRoot(0, t.KeyTable.create(heap));
  const table = new t.KeyTable(heap, 0);
  const key = Buffer.from('key:' + '0'.repeat(kKeyDigits));
  const klen = key.length, digitsAt = klen - kKeyDigits;
  const recBytes = r.kRecordHeader + klen + 8;
  const makeRecord = (): number => {
    const rec = heap.alloc(recBytes);
    heap.u32[rec * 2 + 1] = klen;
    heap.u8.set(key, rec * 8 + r.kRecordHeader);
    return rec;
  };
  for (let i = 0; i < kKeys; i++) {
    writeDigits(key, digitsAt, i);
    table.insert(h.hashBytes(key, 0, klen), makeRecord());
  }
  if (table.count() !== kKeys) return `table holds ${table.count()} keys after ${kKeys} inserts`;
  const rnd = prng(42);
  addOps(bench, 'get (hash + find) a random key of 1M', 16, () => {
    for (let i = 0; i < 16; i++) {
      writeDigits(key, digitsAt, Math.floor(rnd() * kKeys));
      if (table.find(key, 0, klen, h.hashBytes(key, 0, klen)) === 0) throw new Error('key not found');
    }
  });
  addOps(bench, 'set (hash + find, new record, replace, free old) a random key of 1M', 16, () => {
    for (let i = 0; i < 16; i++) {
      writeDigits(key, digitsAt, Math.floor(rnd() * kKeys));
      const old = table.find(key, 0, klen, h.hashBytes(key, 0, klen));
      if (old === 0) throw new Error('key not found');
      table.replaceFound(makeRecord());
      heap.free(old, recBytes);
    }
  });
}
