/**
 * What the keyspace needs to know about a non-string value: how to free it and how to copy it
 * (RENAME, COPY, MOVE, RESTORE-like paths), possibly into another shard's heap.
 *
 * A non-string key record (sab/record.ts) has valPtr ≠ 0 pointing at the root block of its
 * type's structure; the record's encoding field says which structure it is. Each type module
 * in this folder exports one ValueOps; index.ts lists them by type.
 */
import type { Heap } from '../sab/alloc.js';

export interface ValueOps {
  /** Release every block of the value whose root is `vp` in encoding `enc`. */
  free(heap: Heap, vp: number, enc: number): void;
  /**
   * Deep-copy the value rooted at `vp` in `src` into `dst` (which may be the same heap) and
   * return the new root. Both heaps' shard locks are held by the caller.
   */
  copy(src: Heap, vp: number, enc: number, dst: Heap): number;
}
