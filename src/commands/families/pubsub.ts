/**
 * Pub/sub family: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
 * PUBLISH, SPUBLISH and PUBSUB (Redis 7.0 pubsub.c). The subscriptions and the delivery live in
 * src/pubsub/hub.ts (one hub per front-end thread, with a registry shared by every thread);
 * this file parses, calls the hub, and replies.
 *
 * Replies: each (un)subscription confirms with a push frame [kind, name, count] (a RESP2
 * array), where count is the client's channels + patterns for the classic commands and its
 * shard channels for the shard ones. Messages are ["message", channel, payload],
 * ["pmessage", pattern, channel, payload] and ["smessage", channel, payload].
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { Kind, type ClientSubs } from '../../pubsub/hub.js';

const kWords = {
  subscribe: Buffer.from('subscribe'),
  unsubscribe: Buffer.from('unsubscribe'),
  psubscribe: Buffer.from('psubscribe'),
  punsubscribe: Buffer.from('punsubscribe'),
  ssubscribe: Buffer.from('ssubscribe'),
  sunsubscribe: Buffer.from('sunsubscribe'),
};

/** The count a confirmation carries: classic subscriptions, or shard ones. */
function countFor(subs: ClientSubs | null, kind: Kind): number {
  if (subs === null) return 0;
  return kind === Kind.Shard ? subs.names[Kind.Shard].size : subs.classic();
}

function confirm(c: Ctx, word: Buffer, name: Uint8Array | null, off: number, len: number, count: number): void {
  const r = c.reply;
  r.push(3);
  r.bulk(word, 0, word.length);
  if (name === null) r.nullBulk();
  else r.bulk(name, off, len);
  r.int(count);
}

// ------------------------------------------------------------------ (un)subscribe

function subscribeGeneric(c: Ctx, kind: Kind, word: Buffer, cmd: string): void {
  // Redis refuses clients that cannot receive pushes (CLIENT_DENY_BLOCKING): here, callers
  // without a connection (the embedded API).
  if (c.client.out === null) return c.reply.error(E.subscribeDenyBlocking(cmd));
  const hub = c.engine.pubsub;
  for (let i = 1; i < c.argc; i++) {
    hub.subscribe(c.client, kind, c.buf, c.offs[i], c.lens[i]);
    confirm(c, word, c.buf, c.offs[i], c.lens[i], countFor(c.client.pubsub, kind));
  }
}

function unsubscribeGeneric(c: Ctx, kind: Kind, word: Buffer): void {
  const hub = c.engine.pubsub, cl = c.client;
  if (c.argc === 1) {
    const mine = cl.pubsub?.names[kind];
    if (mine === undefined || mine.size === 0) return confirm(c, word, null, 0, 0, countFor(cl.pubsub, kind));
    for (const [key, bytes] of [...mine]) {
      hub.unsubscribe(cl, kind, key);
      confirm(c, word, bytes, 0, bytes.length, countFor(cl.pubsub, kind));
    }
    return;
  }
  for (let i = 1; i < c.argc; i++) {
    hub.unsubscribe(cl, kind, c.bin(i));
    confirm(c, word, c.buf, c.offs[i], c.lens[i], countFor(cl.pubsub, kind));
  }
}

function subscribeCommand(c: Ctx): void {
  subscribeGeneric(c, Kind.Channel, kWords.subscribe, 'SUBSCRIBE');
}

function psubscribeCommand(c: Ctx): void {
  subscribeGeneric(c, Kind.Pattern, kWords.psubscribe, 'PSUBSCRIBE');
}

function ssubscribeCommand(c: Ctx): void {
  subscribeGeneric(c, Kind.Shard, kWords.ssubscribe, 'SSUBSCRIBE');
}

function unsubscribeCommand(c: Ctx): void {
  unsubscribeGeneric(c, Kind.Channel, kWords.unsubscribe);
}

function punsubscribeCommand(c: Ctx): void {
  unsubscribeGeneric(c, Kind.Pattern, kWords.punsubscribe);
}

function sunsubscribeCommand(c: Ctx): void {
  unsubscribeGeneric(c, Kind.Shard, kWords.sunsubscribe);
}

// ------------------------------------------------------------------ publish

function publishCommand(c: Ctx): void {
  c.reply.int(c.engine.pubsub.publish(Kind.Channel, c.buf, c.offs[1], c.lens[1], c.buf, c.offs[2], c.lens[2]));
}

function spublishCommand(c: Ctx): void {
  c.reply.int(c.engine.pubsub.publish(Kind.Shard, c.buf, c.offs[1], c.lens[1], c.buf, c.offs[2], c.lens[2]));
}

// ------------------------------------------------------------------ PUBSUB

const kHelp = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

function pubsubHelpCommand(c: Ctx): void {
  c.replyLines(kHelp);
}

function channelsGeneric(c: Ctx, kind: Kind): void {
  if (c.argc > 3) return c.reply.error(E.subcommandSyntax(c.bin(1), 'PUBSUB'));
  const names = c.engine.pubsub.names(kind, c.argc === 3 ? c.bin(2) : null);
  c.reply.array(names.length);
  for (const n of names) c.reply.bulk(n, 0, n.length);
}

function numsubGeneric(c: Ctx, kind: Kind): void {
  const hub = c.engine.pubsub;
  c.reply.array((c.argc - 2) * 2);
  for (let i = 2; i < c.argc; i++) {
    c.reply.bulk(c.buf, c.offs[i], c.lens[i]);
    c.reply.int(hub.subscribers(kind, c.buf, c.offs[i], c.lens[i]));
  }
}

function pubsubChannelsCommand(c: Ctx): void {
  channelsGeneric(c, Kind.Channel);
}

function pubsubShardchannelsCommand(c: Ctx): void {
  channelsGeneric(c, Kind.Shard);
}

function pubsubNumsubCommand(c: Ctx): void {
  numsubGeneric(c, Kind.Channel);
}

function pubsubShardnumsubCommand(c: Ctx): void {
  numsubGeneric(c, Kind.Shard);
}

function pubsubNumpatCommand(c: Ctx): void {
  c.reply.int(c.engine.pubsub.count(Kind.Pattern));
}

export const pubsubCommands: FamilyTable = {
  subscribe: { handler: subscribeCommand },
  unsubscribe: { handler: unsubscribeCommand },
  psubscribe: { handler: psubscribeCommand },
  punsubscribe: { handler: punsubscribeCommand },
  ssubscribe: { handler: ssubscribeCommand },
  sunsubscribe: { handler: sunsubscribeCommand },
  publish: { handler: publishCommand },
  spublish: { handler: spublishCommand },
  pubsub: {
    subcommands: {
      channels: { handler: pubsubChannelsCommand },
      help: { handler: pubsubHelpCommand },
      numpat: { handler: pubsubNumpatCommand },
      numsub: { handler: pubsubNumsubCommand },
      shardchannels: { handler: pubsubShardchannelsCommand },
      shardnumsub: { handler: pubsubShardnumsubCommand },
    },
  },
};
