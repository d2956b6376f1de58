/**
 * Pub/sub family in process: the exact reply bytes of Redis 7.0.15 (taken from redis-server)
 * for (un)subscriptions, messages, subscribed-mode rules, PUBSUB, RESET and
 * client-output-buffer-limit. Each test client here writes its replies and its pushes to one
 * writer, as a connection does, so the order of a push and a reply is visible.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { Ctx } from '../../src/commands/context.js';
import { RespWriter } from '../../src/protocol/resp-writer.js';
import type { Client } from '../../src/server/client.js';

const h = createHarness();
afterAll(() => h.close());

const ctxs = new WeakMap<Client, Ctx>();
const sent = new WeakMap<Client, Buffer[]>();

/**
 * A client wired like a connection: replies, and pushes that arrive during its own turn, go to
 * its writer; pushes from other clients' turns are queued and sent before its next output.
 */
function client(resp: 2 | 3 = 2): Client {
  const c = h.client(resp);
  const w = new RespWriter();
  w.resp = resp;
  c.out = w;
  const parts: Buffer[] = [];
  sent.set(c, parts);
  c.sendRaw = (p) => parts.push(...p.map((b) => Buffer.from(b)));
  ctxs.set(c, new Ctx(h.engine, c, w));
  h.engine.clients.set(c.id, c); // for CLIENT LIST
  return c;
}

/** Run one command; everything the client received since its last call (latin1). */
function run(c: Client, ...args: (string | Buffer)[]): string {
  const ctx = ctxs.get(c)!;
  const parts = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
  ctx.buf = Buffer.concat(parts);
  ctx.offs = new Int32Array(parts.length);
  ctx.lens = new Int32Array(parts.length);
  let o = 0;
  parts.forEach((p, i) => {
    ctx.offs[i] = o;
    ctx.lens[i] = p.length;
    o += p.length;
  });
  ctx.argc = parts.length;
  c.inTurn = true;
  try {
    h.engine.execute(ctx, true);
  } finally {
    h.engine.releaseLocks();
    c.inTurn = false;
  }
  return received(c);
}

/** Everything sent to a client so far: queued pushes first, then its writer (as a connection). */
function received(c: Client): string {
  h.engine.pubsub.flushClient(c);
  const parts = sent.get(c)!;
  const queued = Buffer.concat(parts.splice(0)).toString('latin1');
  const out = (c.out as RespWriter).flush();
  return queued + (out === null ? '' : out.toString('latin1'));
}

const sub = (word: string, name: string | null, n: number, t = '*') =>
  `${t}3\r\n$${word.length}\r\n${word}\r\n${name === null ? (t === '>' ? '_' : '$-1') : `$${name.length}\r\n${name}`}\r\n:${n}\r\n`;
const msg = (ch: string, p: string, t = '*') => `${t}3\r\n$7\r\nmessage\r\n$${ch.length}\r\n${ch}\r\n$${p.length}\r\n${p}\r\n`;
const pmsg = (pat: string, ch: string, p: string, t = '*') =>
  `${t}4\r\n$8\r\npmessage\r\n$${pat.length}\r\n${pat}\r\n$${ch.length}\r\n${ch}\r\n$${p.length}\r\n${p}\r\n`;
const smsg = (ch: string, p: string, t = '*') => `${t}3\r\n$8\r\nsmessage\r\n$${ch.length}\r\n${ch}\r\n$${p.length}\r\n${p}\r\n`;
const ctxErr = (cmd: string) =>
  `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

describe('SUBSCRIBE / UNSUBSCRIBE / PSUBSCRIBE / PUNSUBSCRIBE', () => {
  it('confirms each name with the client\'s channel + pattern count (RESP2 arrays)', () => {
    const c = client();
    expect(run(c, 'SUBSCRIBE', 'a', 'a', 'b')).toBe(sub('subscribe', 'a', 1) + sub('subscribe', 'a', 1) + sub('subscribe', 'b', 2));
    expect(run(c, 'PSUBSCRIBE', 'x', 'x')).toBe(sub('psubscribe', 'x', 3) + sub('psubscribe', 'x', 3));
    expect(run(c, 'UNSUBSCRIBE', 'zz', 'a')).toBe(sub('unsubscribe', 'zz', 3) + sub('unsubscribe', 'a', 2));
    expect(run(c, 'PUNSUBSCRIBE')).toBe(sub('punsubscribe', 'x', 1));
    expect(run(c, 'UNSUBSCRIBE')).toBe(sub('unsubscribe', 'b', 0));
    expect(run(c, 'UNSUBSCRIBE')).toBe(sub('unsubscribe', null, 0));
    expect(run(c, 'PUNSUBSCRIBE')).toBe(sub('punsubscribe', null, 0));
    expect(run(c, 'GET', 'k')).toBe('$-1\r\n'); // left subscribed mode
  });

  it('uses push frames and a RESP3 null under RESP3', () => {
    const c = client(3);
    expect(run(c, 'SUBSCRIBE', 'a')).toBe(sub('subscribe', 'a', 1, '>'));
    expect(run(c, 'GET', 'x')).toBe('_\r\n'); // no restrictions in RESP3
    expect(run(c, 'PING')).toBe('+PONG\r\n');
    expect(run(c, 'UNSUBSCRIBE')).toBe(sub('unsubscribe', 'a', 0, '>'));
    expect(run(c, 'UNSUBSCRIBE')).toBe(sub('unsubscribe', null, 0, '>'));
  });

  it('counts shard channels apart from channels and patterns', () => {
    const c = client();
    run(c, 'PSUBSCRIBE', 'p*');
    expect(run(c, 'SSUBSCRIBE', 's1', 's2')).toBe(sub('ssubscribe', 's1', 1) + sub('ssubscribe', 's2', 2));
    expect(run(c, 'PUNSUBSCRIBE')).toBe(sub('punsubscribe', 'p*', 0));
    // Still subscribed (shard channels): still restricted.
    expect(run(c, 'GET', 'x')).toBe(ctxErr('get'));
    expect(run(c, 'SUNSUBSCRIBE', 's1', 'zz')).toBe(sub('sunsubscribe', 's1', 1) + sub('sunsubscribe', 'zz', 1));
    expect(run(c, 'SUNSUBSCRIBE')).toBe(sub('sunsubscribe', 's2', 0));
    expect(run(c, 'SUNSUBSCRIBE')).toBe(sub('sunsubscribe', null, 0));
    expect(run(c, 'GET', 'x')).toBe('$-1\r\n');
  });

  it('restricts a subscribed RESP2 client to (P|S)(UN)SUBSCRIBE, PING, QUIT and RESET', () => {
    const c = client();
    run(c, 'SUBSCRIBE', 'a');
    expect(run(c, 'GET', 'x')).toBe(ctxErr('get'));
    expect(run(c, 'CLIENT', 'ID')).toBe(ctxErr('client|id'));
    expect(run(c, 'HELLO', '3')).toBe(ctxErr('hello'));
    expect(run(c, 'PUBLISH', 'a', 'b')).toBe(ctxErr('publish'));
    // Unknown commands and arity errors come first, as in Redis.
    expect(run(c, 'NOPE')).toMatch(/^-ERR unknown command 'NOPE'/);
    expect(run(c, 'GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(run(c, 'PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(run(c, 'PING', 'hi')).toBe('*2\r\n$4\r\npong\r\n$2\r\nhi\r\n');
    expect(run(c, 'RESET')).toBe('+RESET\r\n');
    expect(run(c, 'PING')).toBe('+PONG\r\n');
    expect(run(c, 'QUIT')).toBe('+OK\r\n');
  });

  it('refuses clients that cannot receive pushes (the embedded API)', () => {
    const c = h.client();
    expect(h.run(c, 'SUBSCRIBE', 'a')).toBe("-ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
    expect(h.run(c, 'SSUBSCRIBE', 'a')).toBe("-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
    expect(h.run(c, 'UNSUBSCRIBE')).toBe(sub('unsubscribe', null, 0));
  });
});

describe('PUBLISH / SPUBLISH', () => {
  it('delivers message and pmessage frames and returns every receiving subscription', () => {
    const s1 = client(), s2 = client(), s3 = client(3), p = client();
    run(s1, 'SUBSCRIBE', 'news');
    run(s1, 'PSUBSCRIBE', 'n*', '*');
    run(s2, 'PSUBSCRIBE', 'n*');
    run(s3, 'SUBSCRIBE', 'news');
    expect(run(p, 'PUBLISH', 'news', 'hello')).toBe(':5\r\n');
    expect(received(s1)).toBe(msg('news', 'hello') + pmsg('n*', 'news', 'hello') + pmsg('*', 'news', 'hello'));
    expect(received(s2)).toBe(pmsg('n*', 'news', 'hello'));
    expect(received(s3)).toBe(msg('news', 'hello', '>'));
    expect(run(p, 'PUBLISH', 'other', 'x')).toBe(':1\r\n');
    expect(received(s1)).toBe(pmsg('*', 'other', 'x'));
    expect(run(p, 'PUBLISH', 'x-nobody', 'x')).toBe(':1\r\n'); // only '*'
    for (const c of [s1, s2, s3]) run(c, 'RESET');
    received(s1);
    expect(run(p, 'PUBLISH', 'news', 'x')).toBe(':0\r\n');
  });

  it('puts a push to the publisher itself before its PUBLISH reply', () => {
    const c = client(3);
    run(c, 'SUBSCRIBE', 'self');
    expect(run(c, 'PUBLISH', 'self', 'hi')).toBe(msg('self', 'hi', '>') + ':1\r\n');
    run(c, 'RESET');
  });

  it('keeps shard channels apart: SPUBLISH reaches SSUBSCRIBE only, patterns never match', () => {
    const s = client(), p = client();
    run(s, 'SSUBSCRIBE', 'ch');
    run(s, 'PSUBSCRIBE', '*');
    expect(run(p, 'SPUBLISH', 'ch', 'x')).toBe(':1\r\n');
    expect(received(s)).toBe(smsg('ch', 'x'));
    expect(run(p, 'PUBLISH', 'ch', 'y')).toBe(':1\r\n');
    expect(received(s)).toBe(pmsg('*', 'ch', 'y'));
    run(s, 'RESET');
  });

  it('is binary safe in channels, patterns and payloads', () => {
    const s = client(), p = client();
    const ch = Buffer.from([0, 1, 13, 10, 255, 32]);
    const payload = Buffer.concat([Buffer.from('\r\n$3\r\n'), Buffer.alloc(70_000, 0xfe)]);
    run(s, 'SUBSCRIBE', ch);
    run(s, 'PSUBSCRIBE', Buffer.from([0, 0x2a]));
    expect(run(p, 'PUBLISH', ch, payload)).toBe(':2\r\n');
    const c = ch.toString('latin1'), pl = payload.toString('latin1');
    expect(received(s)).toBe(msg(c, pl) + pmsg('\x00*', c, pl));
    run(s, 'RESET');
  });

  it('wrong arity', () => {
    const p = client();
    expect(run(p, 'PUBLISH', 'a')).toBe("-ERR wrong number of arguments for 'publish' command\r\n");
    expect(run(p, 'SPUBLISH', 'a', 'b', 'c')).toBe("-ERR wrong number of arguments for 'spublish' command\r\n");
    expect(run(p, 'SUBSCRIBE')).toBe("-ERR wrong number of arguments for 'subscribe' command\r\n");
  });
});

describe('PUBSUB', () => {
  it('CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB', () => {
    const a = client(), b = client(), p = client();
    expect(run(p, 'PUBSUB', 'CHANNELS')).toBe('*0\r\n');
    expect(run(p, 'PUBSUB', 'NUMSUB')).toBe('*0\r\n');
    expect(run(p, 'PUBSUB', 'NUMPAT')).toBe(':0\r\n');
    run(a, 'SUBSCRIBE', 'b1', 'b2');
    run(b, 'SUBSCRIBE', 'b1');
    run(a, 'PSUBSCRIBE', 'x*', 'y*');
    run(b, 'PSUBSCRIBE', 'x*');
    run(a, 'SSUBSCRIBE', 's1');
    expect(run(p, 'PUBSUB', 'NUMSUB', 'b1', 'b2', 'zz', 'b1')).toBe('*8\r\n$2\r\nb1\r\n:2\r\n$2\r\nb2\r\n:1\r\n$2\r\nzz\r\n:0\r\n$2\r\nb1\r\n:2\r\n');
    expect(run(p, 'PUBSUB', 'NUMPAT')).toBe(':2\r\n'); // distinct patterns
    expect(run(p, 'PUBSUB', 'CHANNELS', '*2').toString()).toBe('*1\r\n$2\r\nb2\r\n');
    expect(run(p, 'PUBSUB', 'CHANNELS', '[')).toBe('*0\r\n');
    expect(new Set(run(p, 'PUBSUB', 'CHANNELS').split('\r\n'))).toEqual(new Set(['*2', '$2', 'b1', 'b2', '']));
    expect(run(p, 'PUBSUB', 'SHARDCHANNELS')).toBe('*1\r\n$2\r\ns1\r\n');
    expect(run(p, 'PUBSUB', 'SHARDNUMSUB', 's1', 'b1')).toBe('*4\r\n$2\r\ns1\r\n:1\r\n$2\r\nb1\r\n:0\r\n');
    const r3 = client(3);
    expect(run(r3, 'PUBSUB', 'NUMSUB', 'b2')).toBe('*2\r\n$2\r\nb2\r\n:1\r\n'); // an array in RESP3 too
    run(a, 'RESET');
    run(b, 'RESET');
    expect(run(p, 'PUBSUB', 'NUMPAT')).toBe(':0\r\n');
    expect(run(p, 'PUBSUB', 'SHARDCHANNELS')).toBe('*0\r\n');
  });

  it('errors and HELP', () => {
    const p = client();
    expect(run(p, 'PUBSUB')).toBe("-ERR wrong number of arguments for 'pubsub' command\r\n");
    expect(run(p, 'PUBSUB', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
    expect(run(p, 'PUBSUB', 'NUMPAT', 'x')).toBe("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
    expect(run(p, 'PUBSUB', 'CHANNELS', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n");
    expect(run(p, 'pubsub', 'shardchannels', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB HELP.\r\n");
    const help = run(p, 'PUBSUB', 'HELP');
    expect(help.startsWith('*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
  });
});

describe('introspection', () => {
  it('CLIENT LIST shows sub/psub/ssub and the P flag; INFO counts channels and patterns', () => {
    const a = client();
    run(a, 'SUBSCRIBE', 'i1', 'i2');
    run(a, 'PSUBSCRIBE', 'i*');
    run(a, 'SSUBSCRIBE', 'i3');
    const line = h.call(h.client(), 'CLIENT', 'LIST') as string;
    expect(line).toMatch(/ flags=P db=0 sub=2 psub=1 ssub=1 /);
    const info = h.call(h.client(), 'INFO', 'stats') as string;
    expect(info).toContain('pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:1\r\n');
    run(a, 'RESET');
    expect(h.call(h.client(), 'INFO', 'stats') as string).toContain('pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n');
  });
});

describe('client-output-buffer-limit', () => {
  it('CONFIG SET validates and merges classes as Redis does', () => {
    const c = h.client();
    const get = () => (h.call(c, 'CONFIG', 'GET', 'client-output-buffer-limit') as string[])[1];
    expect(get()).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 2kb 3')).toBe('+OK\r\n');
    expect(get()).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2048 3');
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1 2 3 PUBSUB 4k 5 99999999999999')).toBe('+OK\r\n');
    expect(get()).toBe('normal 0 0 0 slave 1 2 3 pubsub 4000 5 276447231');
    const pre = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 2')).toBe(`${pre}Wrong number of arguments in buffer limit configuration.\r\n`);
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 2 3 master 1 2 3')).toBe(`${pre}Invalid client class specified in buffer limit configuration.\r\n`);
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1.5 2 3')).toBe(`${pre}Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n`);
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub -1 2 3')).toBe(`${pre}Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n`);
    expect(get()).toBe('normal 0 0 0 slave 1 2 3 pubsub 4000 5 276447231');
    expect(h.run(c, 'CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60')).toBe('+OK\r\n');
    expect(get()).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
  });

  it('closes a subscriber whose pending output reaches the hard limit', async () => {
    const s = client(), p = client();
    let killed = 0;
    s.kill = () => {
      killed++;
      h.engine.pubsub.unsubscribeAll(s);
    };
    run(s, 'SUBSCRIBE', 'flood');
    h.run(p, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 100kb 0 0');
    try {
      const chunk = Buffer.alloc(10_000, 'x');
      let receivers = 0;
      for (let i = 0; i < 20; i++) receivers += Number(run(p, 'PUBLISH', 'flood', chunk).slice(1, -2));
      // Counted as a receiver until it is gone, but nothing more is written once over the limit.
      expect(receivers).toBe(20);
      // The write that crosses the limit still lands (Redis checks after adding a reply).
      expect(received(s).length).toBeLessThan(100 * 1024 + 10_100);
      await new Promise((r) => setImmediate(r));
      expect(killed).toBe(1);
      expect(run(p, 'PUBLISH', 'flood', 'x')).toBe(':0\r\n');
    } finally {
      h.run(p, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    }
  });
});
