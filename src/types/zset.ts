/** Placeholder until the zset type lands: no value of this type can exist yet. */
import type { ValueOps } from './value-ops.js';

export const zsetValueOps: ValueOps = {
  free() {
    throw new Error('zset values are not implemented');
  },
  copy() {
    throw new Error('zset values are not implemented');
  },
};
