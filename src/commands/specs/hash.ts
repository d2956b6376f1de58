/**
 * Hash command specs (Redis 7.0.15 facts from scripts/spec-facts.mjs: arity, flags, ACL
 * categories, key specs, arguments, tips). Summaries and complexity notes are our own words.
 * HMSET and HSET also carry the COMMAND DOCS extras Redis shows for them (deprecation, history),
 * which command-reply.ts prints when present.
 */
import type { CommandSpec } from '../spec.js';

export const HASH_SPECS: CommandSpec[] = [
  {
    name: 'hdel',
    summary: 'Removes fields from a hash; the key goes away with its last field.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the number of fields named',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'delete'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string', multiple: true },
    ],
  },
  {
    name: 'hexists',
    summary: 'Tells whether a field exists in a hash.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    key_specs: [
      { flags: ['RO'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hget',
    summary: 'Returns the value of one hash field.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hgetall',
    summary: 'Returns every field and value of a hash.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the size of the hash',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    tips: ['nondeterministic_output_order'],
  },
  {
    name: 'hincrby',
    summary: 'Adds an integer to the integer value of a hash field, creating it at 0 if needed.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'access', 'update'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'integer' },
    ],
  },
  {
    name: 'hincrbyfloat',
    summary: 'Adds a floating-point number to the value of a hash field, creating it at 0 if needed.',
    since: '2.6.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'access', 'update'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'increment', type: 'double' },
    ],
  },
  {
    name: 'hkeys',
    summary: 'Returns every field name of a hash.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the size of the hash',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    tips: ['nondeterministic_output_order'],
  },
  {
    name: 'hlen',
    summary: 'Returns how many fields a hash has.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    key_specs: [
      { flags: ['RO'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
  },
  {
    name: 'hmget',
    summary: 'Returns the values of several hash fields (nil for missing ones).',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the number of fields named',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string', multiple: true },
    ],
  },
  {
    name: 'hmset',
    summary: 'Sets several hash fields at once (superseded by HSET with several pairs).',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the number of pairs given',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'update'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
    doc_flags: ['deprecated'],
    deprecated_since: '4.0.0',
    replaced_by: '`HSET` with multiple field-value pairs',
  } as CommandSpec,
  {
    name: 'hrandfield',
    summary: 'Returns one or more random fields of a hash, optionally with their values.',
    since: '6.2.0',
    group: 'hash',
    complexity: 'O(N) in the number of fields returned',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'options', type: 'block', optional: true, arguments: [
        { name: 'count', type: 'integer' },
        { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true },
      ] },
    ],
    tips: ['nondeterministic_output'],
  },
  {
    name: 'hscan',
    summary: 'Walks the fields and values of a hash incrementally with a cursor.',
    since: '2.8.0',
    group: 'hash',
    complexity: 'O(1) per call; a full iteration is O(N)',
    arity: -3,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    tips: ['nondeterministic_output'],
  },
  {
    name: 'hset',
    summary: 'Sets one or more fields of a hash, creating the hash if needed.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1) per pair given',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'update'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field_value', type: 'block', multiple: true, arguments: [
        { name: 'field', type: 'string' },
        { name: 'value', type: 'string' },
      ] },
    ],
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
  } as CommandSpec,
  {
    name: 'hsetnx',
    summary: 'Sets a hash field only when it does not exist yet.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['write', 'hash', 'fast'],
    key_specs: [
      { flags: ['RW', 'insert'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
      { name: 'value', type: 'string' },
    ],
  },
  {
    name: 'hstrlen',
    summary: 'Returns the byte length of the value of a hash field.',
    since: '3.2.0',
    group: 'hash',
    complexity: 'O(1)',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['read', 'hash', 'fast'],
    key_specs: [
      { flags: ['RO'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'field', type: 'string' },
    ],
  },
  {
    name: 'hvals',
    summary: 'Returns every value of a hash.',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) in the size of the hash',
    arity: 2,
    flags: ['readonly'],
    acl: ['read', 'hash', 'slow'],
    key_specs: [
      { flags: ['RO', 'access'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: 0, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    tips: ['nondeterministic_output_order'],
  },
];
