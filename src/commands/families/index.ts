/** Every family's registration table, in one list for the Registry. */
import type { FamilyTable } from '../context.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { genericCommands } from './generic.js';
import { serverCommands } from './server.js';
import { stringCommands } from './string.js';

export const ALL_FAMILIES: FamilyTable[] = [
  stringCommands,
  connectionCommands,
  genericCommands,
  serverCommands,
  commandCommands,
];
