/** Placeholder until the set type lands: no value of this type can exist yet. */
import type { ValueOps } from './value-ops.js';

export const setValueOps: ValueOps = {
  free() {
    throw new Error('set values are not implemented');
  },
  copy() {
    throw new Error('set values are not implemented');
  },
};
