/**
 * Transaction command specs (Redis 7.0 facts from COMMAND INFO / COMMAND DOCS of a real
 * redis-server 7.0.15). Summaries and complexity notes are our own wording.
 */
import type { CommandSpec } from '../spec.js';

export const TRANSACTION_SPECS: CommandSpec[] = [
  {
    name: 'multi',
    summary: 'Starts a transaction: later commands are queued until EXEC or DISCARD.',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
  },
  {
    name: 'exec',
    summary: 'Runs every command queued since MULTI, as one atomic step.',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'The sum of the queued commands',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['slow', 'transaction'],
  },
  {
    name: 'discard',
    summary: 'Drops the commands queued since MULTI and leaves the transaction.',
    since: '2.0.0',
    group: 'transactions',
    complexity: 'O(N), N = queued commands',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
  },
  {
    name: 'watch',
    summary: 'Makes the next EXEC fail if any of these keys changes before it.',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1) per key',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
    key_specs: [
      { flags: ['RO'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey: -1, step: 1, limit: 0 } } },
    ],
    arguments: [
      { name: 'key', type: 'key', multiple: true, key_spec_index: 0 },
    ],
  },
  {
    name: 'unwatch',
    summary: 'Forgets every key watched by this connection.',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['fast', 'transaction'],
  },
];
