/** Placeholder until the list type lands: no value of this type can exist yet. */
import type { ValueOps } from './value-ops.js';

export const listValueOps: ValueOps = {
  free() {
    throw new Error('list values are not implemented');
  },
  copy() {
    throw new Error('list values are not implemented');
  },
};
