/**
 * Pub/sub byte for byte against redis-server 7.0: the same script of commands on several raw
 * connections runs against both servers, and every connection must receive the same bytes
 * after every step (replies and pushes alike). Steps whose output follows Redis's hash-table
 * order (UNSUBSCRIBE of all channels, PUBSUB CHANNELS, one message matching several patterns)
 * are compared as sets of frames.
 * Skipped when redis-server is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, replyEnd, sleep, startRedis, startSpindle, type RawClient, type RunningTestServer } from '../helpers/server.js';

type Arg = string | Buffer;
interface Step {
  conn: number;
  args: Arg[];
  /** Compare the frames as a set (Redis's dict order). */
  unordered?: boolean;
  /** Compare the items of an array reply as a set (PUBSUB CHANNELS lists in dict order). */
  items?: boolean;
  /**
   * (UN)SUBSCRIBE of every name, in dict order: the confirmations' counts must match in order,
   * the names as a set.
   */
  all?: boolean;
}

const bin = Buffer.from([0, 1, 2, 13, 10, 36, 42, 255]);
const big = Buffer.alloc(200_000, 'q');

const S = (conn: number, ...args: Arg[]): Step => ({ conn, args });
const U = (conn: number, ...args: Arg[]): Step => ({ conn, args, unordered: true });
const I = (conn: number, ...args: Arg[]): Step => ({ conn, args, items: true });
const A = (conn: number, ...args: Arg[]): Step => ({ conn, args, all: true });

const script: Step[] = [
  S(1, 'SUBSCRIBE', 'a', 'a', 'b'),
  S(1, 'PSUBSCRIBE', 'a*', '*', 'x'),
  U(2, 'PUBLISH', 'a', 'hello'),
  U(2, 'PUBLISH', 'zz', 'x'),
  S(1, 'SSUBSCRIBE', 'a', 's2'),
  S(2, 'SPUBLISH', 'a', 'sh'),
  S(2, 'PUBSUB', 'NUMPAT'),
  S(2, 'PUBSUB', 'NUMSUB', 'a', 'b', 'c'),
  S(2, 'PUBSUB', 'SHARDNUMSUB', 'a', 'c'),
  I(2, 'PUBSUB', 'SHARDCHANNELS'),
  S(2, 'PUBSUB', 'CHANNELS', 'b*'),
  S(1, 'GET', 'x'),
  S(1, 'CLIENT', 'INFO'),
  S(1, 'PING'),
  S(1, 'PING', 'payload'),
  S(1, 'HELLO', '3'),
  S(1, 'UNSUBSCRIBE', 'nope', 'a'),
  S(1, 'PUNSUBSCRIBE', 'x', 'a*'),
  A(1, 'SUNSUBSCRIBE'),
  S(1, 'SUNSUBSCRIBE'),
  S(1, 'GET', 'x'),
  S(1, 'PUNSUBSCRIBE'),
  S(1, 'UNSUBSCRIBE'),
  S(1, 'UNSUBSCRIBE'),
  S(1, 'GET', 'x'),
  // RESP3 subscriber: push frames, no restrictions, self-publish order.
  S(3, 'HELLO', '3'),
  S(3, 'SUBSCRIBE', 'r3'),
  S(3, 'PSUBSCRIBE', 'r*'),
  S(3, 'SET', 'k', 'v'),
  S(3, 'PUBLISH', 'r3', 'self'),
  S(2, 'PUBLISH', 'r3', 'other'),
  S(3, 'SSUBSCRIBE', 'r3'),
  S(2, 'SPUBLISH', 'r3', 'sharded'),
  S(3, 'UNSUBSCRIBE'),
  S(3, 'UNSUBSCRIBE'),
  S(3, 'PUNSUBSCRIBE', 'r*'),
  S(3, 'SUNSUBSCRIBE', 'r3'),
  // Binary channels, patterns and payloads; a big payload.
  S(4, 'SUBSCRIBE', bin),
  S(4, 'PSUBSCRIBE', Buffer.from([0, 0x2a])),
  S(2, 'PUBLISH', bin, bin),
  S(2, 'PUBLISH', bin, big),
  // RESET leaves subscribed mode; QUIT while subscribed.
  S(4, 'RESET'),
  S(4, 'GET', 'x'),
  S(5, 'SUBSCRIBE', 'q'),
  S(5, 'QUIT'),
  S(2, 'PUBSUB', 'NUMSUB', 'q'),
  // Errors.
  S(2, 'SUBSCRIBE'),
  S(2, 'PUBLISH', 'a'),
  S(2, 'PUBSUB'),
  S(2, 'PUBSUB', 'NOPE'),
  S(2, 'PUBSUB', 'NUMPAT', 'x'),
  S(2, 'PUBSUB', 'CHANNELS', 'a', 'b'),
  S(2, 'PUBSUB', 'HELP'),
  S(2, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 2'),
  S(2, 'CONFIG', 'SET', 'client-output-buffer-limit', 'nope 1 2 3'),
  S(2, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1x 2 3'),
  S(2, 'CONFIG', 'SET', 'client-output-buffer-limit', 'replica 1mb 2kb 3 pubsub 64mb 16mb 90'),
  S(2, 'CONFIG', 'GET', 'client-output-buffer-limit'),
  S(2, 'CONFIG', 'SET', 'client-output-buffer-limit', 'slave 256mb 64mb 60 pubsub 32mb 8mb 60'),
];

/** Split bytes into complete RESP frames. */
function frames(b: Buffer): string[] {
  const out: string[] = [];
  for (let p = 0; p < b.length;) {
    const e = replyEnd(b, p, b.length);
    if (e < 0) throw new Error(`incomplete frame: ${b.toString('latin1', p, p + 80)}`);
    out.push(b.toString('latin1', p, e));
    p = e;
  }
  return out;
}

/** An array reply with its items sorted (other replies as they are). */
function sortItems(f: string): string {
  if (f[0] !== '*') return f;
  const b = Buffer.from(f, 'latin1');
  const head = b.indexOf('\r\n') + 2;
  return f.slice(0, head) + frames(b.subarray(head)).sort().join('');
}

/** Confirmation frames with the name taken out, then the names sorted. */
function namesApart(fs: string[]): string[] {
  const names: string[] = [];
  const rest = fs.map((f) => {
    const at = f.indexOf('\r\n') + 2;
    const [word, name, count] = frames(Buffer.from(f.slice(at), 'latin1'));
    names.push(name);
    return `${f.slice(0, at)}${word}<name>${count}`;
  });
  return [...rest, ...names.sort()];
}

/**
 * Wait until the issuing connection has received something (every step answers it) and then
 * no connection has received anything for 40 ms (pushes to the others), 5 s at most.
 */
async function settle(got: Map<number, Buffer[]>, conn: number): Promise<void> {
  const size = () => [...got.values()].reduce((n, cs) => n + cs.reduce((m, c) => m + c.length, 0), 0);
  const deadline = Date.now() + 5000;
  while (got.get(conn)!.length === 0 && Date.now() < deadline) await sleep(5);
  let last = size(), quietSince = Date.now();
  while (Date.now() - quietSince < 40 && Date.now() < deadline) {
    await sleep(10);
    const now = size();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
}

/** Runs the script on one server; after each step, every connection's new bytes. */
async function record(port: number): Promise<string[][][]> {
  const conns = new Map<number, RawClient>();
  const got = new Map<number, Buffer[]>();
  const out: string[][][] = [];
  const ids = [...new Set(script.map((s) => s.conn))];
  for (const id of ids) {
    const c = await rawClient(port);
    const chunks: Buffer[] = [];
    c.socket.removeAllListeners('data');
    c.socket.on('data', (d: Buffer) => chunks.push(d));
    conns.set(id, c);
    got.set(id, chunks);
  }
  for (const step of script) {
    const c = conns.get(step.conn)!;
    const parts: Buffer[] = [Buffer.from(`*${step.args.length}\r\n`)];
    for (const a of step.args) {
      const b = typeof a === 'string' ? Buffer.from(a) : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    c.socket.write(Buffer.concat(parts));
    await settle(got, step.conn);
    const row: string[][] = [];
    for (const id of ids) {
      const fs = frames(Buffer.concat(got.get(id)!.splice(0)));
      row.push(step.unordered ? fs.sort() : step.items ? fs.map(sortItems) : step.all ? namesApart(fs) : fs);
    }
    out.push(row);
  }
  for (const c of conns.values()) c.destroy();
  return out;
}

/** Connection ids and client-specific text differ between servers: mask them. */
function normalize(s: string): string {
  return s
    .replace(/id=\d+ addr=\S+ laddr=\S+ fd=\d+/g, 'id=N addr=A laddr=L fd=F')
    .replace(/(\$2\r\nid\r\n:)\d+/g, '$1N')
    .replace(/qbuf=.*? events=/g, 'qbuf=... events=')
    .replace(/ lib-name=\S* lib-ver=\S*/g, '')
    .replace(/^=(\d+)\r\n/, '=LEN\r\n')
    .replace(/^\$(\d+)\r\n(txt:)?id=N/, '$$LEN\r\n$2id=N');
}

let redis: RunningTestServer | null = null;
let spindle: RunningTestServer;

beforeAll(async () => {
  redis = await startRedis();
  spindle = await startSpindle({ shards: 2 });
}, 60000);

afterAll(async () => {
  await redis?.close();
  await spindle?.close();
});

describe('pub/sub bytes against redis-server', () => {
  it('every connection receives the same bytes after every step', async (ctx) => {
    if (redis === null) return ctx.skip();
    const want = await record(redis.port);
    const got = await record(spindle.port);
    for (let i = 0; i < script.length; i++) {
      const label = `step ${i}: [${script[i].conn}] ${script[i].args.map((a) => (typeof a === 'string' ? a : `<${a.length} bytes>`)).join(' ')}`;
      expect(got[i].map((fs) => fs.map(normalize)), label).toEqual(want[i].map((fs) => fs.map(normalize)));
    }
  });
});
