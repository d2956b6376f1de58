/**
 * Per-key FIFO queues of blocked clients, in the shard heap: which clients wait on which key
 * of this shard, in arrival order. The clients themselves are wait slots (sab/wait-slots.ts).
 *
 *   heap root kWaitersRoot → Dict header (sab/hashtable.ts), entries keyed by [db byte][key]:
 *   queue entry block:  [keyLen u32][head u32][tail u32][pad u32][db byte + key bytes ...]
 *   queue node block:   [next u32][slot u32][gen u32][pad u32]            (16 bytes)
 *
 *   control i32[kWaitersIndex]: number of queue nodes in this shard (0 = nobody blocked here,
 *   which is what every push checks first)
 *
 * Invariants:
 * - Touched only under the shard lock. A queue entry exists only while it has nodes.
 * - Nodes are appended at the tail, served from the head: FIFO per key.
 * - A node may be stale (its client was served through another key, timed out or went
 *   away): its (slot, gen) is then no longer Waiting. Stale nodes are dropped when met.
 */
import { Dict } from '../sab/hashtable.js';
import { hashBytes } from '../sab/hash.js';
import { copyBytes } from '../sab/bytes.js';
import type { Shard } from './shard.js';

export const kWaitersRoot = 16;
export const kWaitersIndex = 2;
const kEntryKey = 16;
const kNodeBytes = 16;

export class WaiterQueues {
  private readonly dict: Dict;
  private scratch = new Uint8Array(256);
  private scratchLen = 0;
  private scratchHash = 0;

  constructor(readonly shard: Shard) {
    this.dict = new Dict(shard.heap, 0, kEntryKey);
  }

  static create(heap: Shard['heap']): number {
    return Dict.create(heap);
  }

  /** Anyone blocked on a key of this shard? (One load; checked on every push.) */
  any(): boolean {
    return Atomics.load(this.shard.control, kWaitersIndex) !== 0;
  }

  private key(db: number, kb: Uint8Array, koff: number, klen: number): void {
    if (this.scratch.length < klen + 1) this.scratch = new Uint8Array(klen + 64);
    this.scratch[0] = db;
    copyBytes(this.scratch, 1, kb, koff, klen);
    this.scratchLen = klen + 1;
    this.scratchHash = hashBytes(this.scratch, 0, klen + 1);
  }

  /** The queue entry of (db, key), or 0. */
  find(db: number, kb: Uint8Array, koff: number, klen: number): number {
    this.key(db, kb, koff, klen);
    return this.dict.at(this.shard.heap.root(kWaitersRoot)).find(this.scratch, 0, this.scratchLen, this.scratchHash);
  }

  /** Append (slot, gen) to the queue of (db, key), dropping stale nodes on the way. */
  add(db: number, kb: Uint8Array, koff: number, klen: number, slot: number, gen: number, live: (slot: number, gen: number) => boolean): void {
    const heap = this.shard.heap;
    let e = this.find(db, kb, koff, klen);
    if (e === 0) {
      const bytes = kEntryKey + this.scratchLen;
      e = heap.alloc(bytes);
      const u32 = heap.u32;
      u32[e * 2] = this.scratchLen;
      u32[e * 2 + 1] = 0;
      u32[e * 2 + 2] = 0;
      heap.u8.set(this.scratch.subarray(0, this.scratchLen), e * 8 + kEntryKey);
      this.dict.at(heap.root(kWaitersRoot)).insert(this.scratchHash, e);
    } else {
      this.pruneNodes(e, live);
    }
    const n = heap.alloc(kNodeBytes);
    const u32 = heap.u32;
    u32[n * 2] = 0;
    u32[n * 2 + 1] = slot;
    u32[n * 2 + 2] = gen;
    const tail = u32[e * 2 + 2];
    if (tail === 0) u32[e * 2 + 1] = n;
    else u32[tail * 2] = n;
    u32[e * 2 + 2] = n;
    Atomics.add(this.shard.control, kWaitersIndex, 1);
  }

  /** Call visit(db, key) for every key of this shard that has a queue (SWAPDB). */
  eachKey(visit: (db: number, key: Buffer) => void): void {
    const heap = this.shard.heap;
    const found: [number, Buffer][] = [];
    this.dict.at(heap.root(kWaitersRoot)).each((e) => {
      const len = heap.u32[e * 2], o = e * 8 + kEntryKey;
      found.push([heap.u8[o], Buffer.from(heap.u8.subarray(o + 1, o + len))]);
    });
    for (const [db, key] of found) visit(db, key);
  }

  /** Head node of a queue entry (0 if empty). */
  head(e: number): number {
    return this.shard.heap.u32[e * 2 + 1];
  }

  nodeSlot(n: number): number {
    return this.shard.heap.u32[n * 2 + 1];
  }

  nodeGen(n: number): number {
    return this.shard.heap.u32[n * 2 + 2];
  }

  /** Remove the head node of the queue of (db, key) = entry e; drops the entry when empty. */
  shift(db: number, kb: Uint8Array, koff: number, klen: number, e: number): void {
    const heap = this.shard.heap, u32 = heap.u32;
    const n = u32[e * 2 + 1];
    if (n === 0) return;
    const next = u32[n * 2];
    u32[e * 2 + 1] = next;
    if (next === 0) u32[e * 2 + 2] = 0;
    heap.free(n, kNodeBytes);
    Atomics.sub(this.shard.control, kWaitersIndex, 1);
    if (next === 0) this.drop(db, kb, koff, klen, e);
  }

  private drop(db: number, kb: Uint8Array, koff: number, klen: number, e: number): void {
    const heap = this.shard.heap;
    if (this.find(db, kb, koff, klen) !== e) return;
    this.dict.deleteFound();
    heap.free(e, kEntryKey + heap.u32[e * 2]);
  }

  /** Remove every stale node of the queue of (db, key) = entry e; drops the entry when empty. */
  prune(db: number, kb: Uint8Array, koff: number, klen: number, e: number, live: (slot: number, gen: number) => boolean): void {
    this.pruneNodes(e, live);
    if (this.shard.heap.u32[e * 2 + 1] === 0) this.drop(db, kb, koff, klen, e);
  }

  private pruneNodes(e: number, live: (slot: number, gen: number) => boolean): void {
    const heap = this.shard.heap;
    let prev = 0;
    let n = heap.u32[e * 2 + 1];
    while (n !== 0) {
      const u32 = heap.u32;
      const next = u32[n * 2];
      if (!live(u32[n * 2 + 1], u32[n * 2 + 2])) {
        if (prev === 0) u32[e * 2 + 1] = next;
        else u32[prev * 2] = next;
        if (u32[e * 2 + 2] === n) u32[e * 2 + 2] = prev;
        heap.free(n, kNodeBytes);
        Atomics.sub(this.shard.control, kWaitersIndex, 1);
      } else {
        prev = n;
      }
      n = next;
    }
  }
}
