/** Size-class allocator on a SharedArrayBuffer heap (dist/sab/alloc.js). */
import type { Bench } from 'tinybench';
import { addOps } from '../micro.js';
import { loadDist } from './dist.js';

interface Heap { alloc(n: number): number; free(p: number, n: number): void }
interface HeapClass { new (sab: SharedArrayBuffer): Heap; create(initial?: number, max?: number): SharedArrayBuffer }

export default async function setup(bench: Bench): Promise<string | void> {
  const m = await loadDist<{ Heap: HeapClass }>('sab/alloc.js');
  if (!m) return 'dist/sab/alloc.js not built';
  const heap = new m.Heap(m.Heap.create(64 << 20, 256 << 20));
  const sizes = [24, 48, 64, 100, 200, 500, 1000, 4000];
  const ptrs = new Int32Array(sizes.length * 16);
  addOps(bench, 'alloc + free, 128 blocks of 24 B .. 4 KB (per block)', 128, () => {
    let k = 0;
    for (let r = 0; r < 16; r++) for (const s of sizes) ptrs[k++] = heap.alloc(s);
    k = 0;
    for (let r = 0; r < 16; r++) for (const s of sizes) heap.free(ptrs[k++]!, s);
  });
  addOps(bench, 'alloc + free one 40 B block', 100, () => {
    for (let i = 0; i < 100; i++) heap.free(heap.alloc(40), 40);
  });
}
