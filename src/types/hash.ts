/** Placeholder until the hash type lands: no value of this type can exist yet. */
import type { ValueOps } from './value-ops.js';

export const hashValueOps: ValueOps = {
  free() {
    throw new Error('hash values are not implemented');
  },
  copy() {
    throw new Error('hash values are not implemented');
  },
};
