/**
 * The full command spec table. Top-level specs only; subcommands hang off their container's
 * `subcommands` array with "container|sub" names.
 */
import type { CommandSpec } from '../spec.js';
import { CONNECTION_SPECS } from './connection.js';
import { GENERIC_SPECS } from './generic.js';
import { SERVER_SPECS } from './server.js';
import { STRING_SPECS } from './string.js';
import { HASH_SPECS } from './hash.js';
import { LIST_SPECS } from './list.js';
import { SET_SPECS } from './set.js';
import { ZSET_SPECS } from './zset.js';
import { PUBSUB_SPECS } from './pubsub.js';
import { SCRIPTING_SPECS } from './scripting.js';
import { TRANSACTION_SPECS } from './transactions.js';
import { FUNCTION_SPECS } from './functions.js';

export { CONNECTION_SPECS, GENERIC_SPECS, SERVER_SPECS, STRING_SPECS, HASH_SPECS, LIST_SPECS, SET_SPECS, ZSET_SPECS };

export const ALL_SPECS: CommandSpec[] = [
  ...STRING_SPECS,
  ...GENERIC_SPECS,
  ...CONNECTION_SPECS,
  ...SERVER_SPECS,
  ...HASH_SPECS,
  ...LIST_SPECS,
  ...SET_SPECS,
  ...ZSET_SPECS,
  ...PUBSUB_SPECS,
  ...SCRIPTING_SPECS,
  ...TRANSACTION_SPECS,
  ...FUNCTION_SPECS,
];

const BY_NAME = new Map<string, CommandSpec>(ALL_SPECS.map((s) => [s.name, s]));

/** Looks up a top-level command spec by name, case-insensitively. */
export function findSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}
