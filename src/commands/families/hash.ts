/** hash commands: parse → op on the value in shared memory → reply; registration table last. */
import type { FamilyTable } from '../context.js';

export const hashCommands: FamilyTable = {};
