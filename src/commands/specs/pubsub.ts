/**
 * Pub/sub command specs (Redis 7.0 facts from scripts/spec-facts.mjs against redis-server
 * 7.0.15: arity, flags, ACL categories, key specs, arguments). Summaries and complexity notes
 * are our own wording. The shard-channel commands declare their channel as a `not_key` key
 * spec, as Redis does, so the engine routes SPUBLISH/SSUBSCRIBE to the channel's shard.
 */
import type { CommandSpec } from '../spec.js';

const shardChannelKeys = (lastkey: number): CommandSpec['key_specs'] => [
  { flags: ['not_key'], begin_search: { index: { pos: 1 } }, find_keys: { range: { lastkey, step: 1, limit: 0 } } },
];

export const PUBSUB_SPECS: CommandSpec[] = [
  {
    name: 'subscribe',
    summary: 'Starts receiving the messages published to the given channels.',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = channels given',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    arguments: [
      { name: 'channel', type: 'string', multiple: true },
    ],
  },
  {
    name: 'unsubscribe',
    summary: 'Stops receiving messages from the given channels, or from every channel when none is given.',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = channels of the client',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    arguments: [
      { name: 'channel', type: 'string', optional: true, multiple: true },
    ],
  },
  {
    name: 'psubscribe',
    summary: 'Starts receiving the messages published to every channel that matches one of the given glob patterns.',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = patterns the client already has',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    arguments: [
      { name: 'pattern', type: 'block', multiple: true, arguments: [
        { name: 'pattern', type: 'pattern' },
      ] },
    ],
  },
  {
    name: 'punsubscribe',
    summary: 'Stops receiving messages through the given patterns, or through every pattern when none is given.',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N + M), N = patterns of the client, M = patterns of the server',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    arguments: [
      { name: 'pattern', type: 'pattern', optional: true, multiple: true },
    ],
  },
  {
    name: 'publish',
    summary: 'Sends a message to a channel; replies how many subscriptions received it.',
    since: '2.0.0',
    group: 'pubsub',
    complexity: 'O(N + M), N = subscribers of the channel, M = patterns subscribed anywhere',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    acl: ['pubsub', 'fast'],
    arguments: [
      { name: 'channel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
  },
  {
    name: 'ssubscribe',
    summary: 'Starts receiving the messages published to the given shard channels.',
    since: '7.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = shard channels given',
    arity: -2,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    key_specs: shardChannelKeys(-1),
    arguments: [
      { name: 'shardchannel', type: 'string', multiple: true },
    ],
  },
  {
    name: 'sunsubscribe',
    summary: 'Stops receiving messages from the given shard channels, or from all of them when none is given.',
    since: '7.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = shard channels of the client',
    arity: -1,
    flags: ['pubsub', 'noscript', 'loading', 'stale'],
    acl: ['pubsub', 'slow'],
    key_specs: shardChannelKeys(-1),
    arguments: [
      { name: 'shardchannel', type: 'string', optional: true, multiple: true },
    ],
  },
  {
    name: 'spublish',
    summary: 'Sends a message to a shard channel; replies how many subscribers received it.',
    since: '7.0.0',
    group: 'pubsub',
    complexity: 'O(N), N = subscribers of the shard channel',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast'],
    acl: ['pubsub', 'fast'],
    key_specs: shardChannelKeys(0),
    arguments: [
      { name: 'shardchannel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
  },
  {
    name: 'pubsub',
    summary: 'Container for the commands that inspect pub/sub state.',
    since: '2.8.0',
    group: 'pubsub',
    complexity: 'Varies by subcommand',
    arity: -2,
    flags: [],
    acl: ['slow'],
    subcommands: [
      {
        name: 'pubsub|channels',
        summary: 'Lists the channels that have subscribers, optionally only those matching a pattern.',
        since: '2.8.0',
        group: 'pubsub',
        complexity: 'O(N), N = channels with subscribers',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: ['pubsub', 'slow'],
        arguments: [
          { name: 'pattern', type: 'pattern', optional: true },
        ],
      },
      {
        name: 'pubsub|help',
        summary: 'Describes the PUBSUB subcommands.',
        since: '6.2.0',
        group: 'pubsub',
        complexity: 'O(1)',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['slow'],
      },
      {
        name: 'pubsub|numpat',
        summary: 'Counts the distinct patterns that have subscribers.',
        since: '2.8.0',
        group: 'pubsub',
        complexity: 'O(1)',
        arity: 2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: ['pubsub', 'slow'],
      },
      {
        name: 'pubsub|numsub',
        summary: 'Counts the subscribers of each given channel (pattern subscriptions not included).',
        since: '2.8.0',
        group: 'pubsub',
        complexity: 'O(N), N = channels given',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: ['pubsub', 'slow'],
        arguments: [
          { name: 'channel', type: 'string', optional: true, multiple: true },
        ],
      },
      {
        name: 'pubsub|shardchannels',
        summary: 'Lists the shard channels that have subscribers, optionally only those matching a pattern.',
        since: '7.0.0',
        group: 'pubsub',
        complexity: 'O(N), N = shard channels with subscribers',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: ['pubsub', 'slow'],
        arguments: [
          { name: 'pattern', type: 'pattern', optional: true },
        ],
      },
      {
        name: 'pubsub|shardnumsub',
        summary: 'Counts the subscribers of each given shard channel.',
        since: '7.0.0',
        group: 'pubsub',
        complexity: 'O(N), N = shard channels given',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: ['pubsub', 'slow'],
        arguments: [
          { name: 'shardchannel', type: 'string', optional: true, multiple: true },
        ],
      },
    ],
  },
];
