/** ValueOps of every non-string type, indexed by T (sab/record.ts). */
import type { ValueOps } from './value-ops.js';
import { hashValueOps } from './hash.js';
import { listValueOps } from './list.js';
import { setValueOps } from './set.js';
import { zsetValueOps } from './zset.js';

/** Index = T: String (0, handled by the shard itself), List, Set, ZSet, Hash, Stream. */
export const VALUE_OPS: (ValueOps | null)[] = [null, listValueOps, setValueOps, zsetValueOps, hashValueOps, null];
