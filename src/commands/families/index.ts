/** Every family's registration table, in one list for the Registry. */
import type { FamilyTable } from '../context.js';
import { bitmapCommands } from './bitmap.js';
import { commandCommands } from './command.js';
import { connectionCommands } from './connection.js';
import { genericCommands } from './generic.js';
import { genericScanCommands } from './generic-scan.js';
import { serverCommands } from './server.js';
import { stringCommands } from './string.js';
import { stringRangeCommands } from './string-range.js';
import { hashCommands } from './hash.js';
import { listCommands } from './list.js';
import { setCommands } from './set.js';
import { zsetCommands } from './zset.js';
import { blockingCommands } from './blocking.js';
import { sortCommands } from './sort.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { transactionCommands } from './transactions.js';
import { functionCommands } from './functions.js';

export const ALL_FAMILIES: FamilyTable[] = [
  stringCommands,
  stringRangeCommands,
  bitmapCommands,
  connectionCommands,
  genericCommands,
  genericScanCommands,
  serverCommands,
  commandCommands,
  hashCommands,
  listCommands,
  setCommands,
  zsetCommands,
  blockingCommands,
  sortCommands,
  pubsubCommands,
  scriptingCommands,
  transactionCommands,
  functionCommands,
];
