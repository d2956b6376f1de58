/** SPSC ring round trip (push then pop/drain on one thread) from dist/sab/ring.js. */
import type { Bench } from 'tinybench';
import { addOps } from '../micro.js';
import { loadDist } from './dist.js';

interface Ring {
  tryPush(b: Uint8Array, off?: number, len?: number): boolean;
  pop(): Uint8Array | null;
  drain(cb: (buf: Uint8Array, off: number, len: number) => void, max?: number): number;
}
interface RingClass { new (sab: SharedArrayBuffer, off?: number): Ring; bytesFor(c: number): number; initialize(s: SharedArrayBuffer, o: number, c: number): void }

export default async function setup(bench: Bench): Promise<string | void> {
  const m = await loadDist<{ Ring: RingClass }>('sab/ring.js');
  if (!m) return 'dist/sab/ring.js not built';
  const cap = 1 << 16;
  const sab = new SharedArrayBuffer(m.Ring.bytesFor(cap));
  m.Ring.initialize(sab, 0, cap);
  const ring = new m.Ring(sab, 0);
  const msg = new Uint8Array(64).fill(7);
  addOps(bench, 'push + pop one 64 B record', 100, () => {
    for (let i = 0; i < 100; i++) if (!ring.tryPush(msg) || !ring.pop()) throw new Error('ring round trip failed');
  });
  let seen = 0;
  const sink = (_b: Uint8Array, _o: number, len: number): void => { seen += len; };
  addOps(bench, 'push 32 × 64 B, drain in place (per record)', 32, () => {
    for (let i = 0; i < 32; i++) if (!ring.tryPush(msg)) throw new Error('ring full');
    if (ring.drain(sink) !== 32) throw new Error('drain lost records');
  });
  if (seen < 0) throw new Error('unreachable');
}
