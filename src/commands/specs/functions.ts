/**
 * Function command specs (Redis 7.0.15 facts from scripts/spec-facts.mjs: arity, flags, ACL
 * categories, key specs, arguments, tips). Summaries and complexity notes are our own words.
 */
import type { CommandSpec } from '../spec.js';

const sub = (s: Omit<CommandSpec, 'since' | 'group'>): CommandSpec => ({ since: '7.0.0', group: 'scripting', ...s });

export const FUNCTION_SPECS: CommandSpec[] = [
  {
    name: 'function',
    summary: 'Container for the function library subcommands.',
    since: '7.0.0',
    group: 'scripting',
    complexity: 'Varies by subcommand',
    arity: -2,
    flags: [],
    acl: ['slow'],
    subcommands: [
      sub({
        name: 'function|load',
        summary: 'Compiles a library and registers its functions (REPLACE: over a library of the same name).',
        complexity: 'O(1), plus the cost of running the library code',
        arity: -3,
        flags: ['write', 'denyoom', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        arguments: [
          { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
          { name: 'function-code', type: 'string' },
        ],
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub({
        name: 'function|list',
        summary: 'Describes the loaded libraries and their functions, optionally with their code.',
        complexity: 'O(N), N = number of functions',
        arity: -2,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
        arguments: [
          { name: 'library-name-pattern', type: 'string', token: 'LIBRARYNAME', optional: true },
          { name: 'withcode', type: 'pure-token', token: 'WITHCODE', optional: true },
        ],
        tips: ['nondeterministic_output_order'],
      }),
      sub({
        name: 'function|delete',
        summary: 'Removes a library and every function it registered.',
        complexity: 'O(1)',
        arity: 3,
        flags: ['write', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        arguments: [{ name: 'library-name', type: 'string' }],
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub({
        name: 'function|flush',
        summary: 'Removes every library.',
        complexity: 'O(N), N = number of functions',
        arity: -2,
        flags: ['write', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        arguments: [
          { name: 'async', type: 'oneof', optional: true, arguments: [
            { name: 'async', type: 'pure-token', token: 'ASYNC' },
            { name: 'sync', type: 'pure-token', token: 'SYNC' },
          ] },
        ],
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub({
        name: 'function|dump',
        summary: 'Serializes every library into one payload for FUNCTION RESTORE.',
        complexity: 'O(N), N = number of functions',
        arity: 2,
        flags: ['noscript'],
        acl: ['slow', 'scripting'],
      }),
      sub({
        name: 'function|restore',
        summary: 'Loads the libraries of a FUNCTION DUMP payload (FLUSH, APPEND or REPLACE).',
        complexity: 'O(N), N = number of functions in the payload',
        arity: -3,
        flags: ['write', 'denyoom', 'noscript'],
        acl: ['write', 'slow', 'scripting'],
        arguments: [
          { name: 'serialized-value', type: 'string' },
          { name: 'policy', type: 'oneof', optional: true, arguments: [
            { name: 'flush', type: 'pure-token', token: 'FLUSH' },
            { name: 'append', type: 'pure-token', token: 'APPEND' },
            { name: 'replace', type: 'pure-token', token: 'REPLACE' },
          ] },
        ],
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      }),
      sub({
        name: 'function|stats',
        summary: 'Shows the function running now (if any) and the library and function counts.',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['slow', 'scripting'],
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      }),
      sub({
        name: 'function|kill',
        summary: 'Stops the function that is running, if it has not written anything yet.',
        complexity: 'O(1)',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['slow', 'scripting'],
        tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      }),
      sub({
        name: 'function|help',
        summary: 'Lists the FUNCTION subcommands.',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow', 'scripting'],
      }),
    ],
  },
  {
    name: 'fcall',
    summary: 'Calls a function of a loaded library with the given keys and arguments.',
    since: '7.0.0',
    group: 'scripting',
    complexity: 'Depends on the function',
    arity: -3,
    flags: ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    acl: ['slow', 'scripting'],
    key_specs: [
      { flags: ['RW', 'access', 'update'], begin_search: { index: { pos: 2 } }, find_keys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } } },
    ],
    arguments: [
      { name: 'function', type: 'string' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', optional: true, multiple: true, key_spec_index: 0 },
      { name: 'arg', type: 'string', optional: true, multiple: true },
    ],
  },
  {
    name: 'fcall_ro',
    summary: 'Calls a read-only (no-writes) function with the given keys and arguments.',
    since: '7.0.0',
    group: 'scripting',
    complexity: 'Depends on the function',
    arity: -3,
    flags: ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'],
    acl: ['slow', 'scripting'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 2 } }, find_keys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } } },
    ],
    arguments: [
      { name: 'function', type: 'string' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', optional: true, multiple: true, key_spec_index: 0 },
      { name: 'arg', type: 'string', optional: true, multiple: true },
    ],
  },
];
