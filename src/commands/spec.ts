/**
 * Command specs are data. Each spec is the facts of one Redis 7 command, in the shape of
 * Redis's `src/commands/*.json`: arity (negative = "at least |arity|"), flags, ACL categories
 * and key specs. Handlers live in `families/*.ts` and are joined to specs by name in
 * `registry.ts`; a spec without a handler is not an implemented command and is not shown by
 * COMMAND.
 *
 * Arity and key extraction are checked once, in `registry.ts` / `keys.ts`; handlers never
 * re-check arity.
 */

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript'
  | 'blocking' | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast'
  | 'no_auth' | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys'
  | 'protected' | 'module_owned' | 'no_multi' | 'no_async_loading' | 'allow_busy'
  | 'touches_arbitrary_keys' | 'movablekeys';

/** Redis key-spec flags (see Redis's "key specs" docs). */
export type KeySpecFlag =
  | 'RW' | 'RO' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete'
  | 'not_key' | 'incomplete' | 'variable_flags';

export type BeginSearch =
  | { index: { pos: number } }
  | { keyword: { keyword: string; startfrom: number } }
  | { unknown: null };

export type FindKeys =
  | { range: { lastkey: number; step: number; limit: number } }
  | { keynum: { keynumidx: number; firstkey: number; step: number } }
  | { unknown: null };

export interface KeySpec {
  flags: KeySpecFlag[];
  begin_search: BeginSearch;
  find_keys: FindKeys;
}

/** One argument of a command, as in COMMAND DOCS (used for docs only, never for parsing). */
export interface ArgSpec {
  name: string;
  type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  token?: string;
  optional?: boolean;
  multiple?: boolean;
  multiple_token?: boolean;
  key_spec_index?: number;
  display?: string;
  since?: string;
  arguments?: ArgSpec[];
}

export interface CommandSpec {
  /** Lower-case name; for subcommands the full "container|sub" name, e.g. "client|list". */
  name: string;
  summary: string;
  since: string;
  /** Redis group: string, generic, connection, server, hash, list, set, sorted-set, ... */
  group: string;
  complexity?: string;
  arity: number;
  flags: CommandFlag[];
  /** ACL categories without the leading '@', e.g. ['write', 'string', 'slow']. */
  acl: string[];
  key_specs?: KeySpec[];
  arguments?: ArgSpec[];
  /** Command tips, e.g. 'request_policy:multi_shard', 'nondeterministic_output'. */
  tips?: string[];
  subcommands?: CommandSpec[];
}
