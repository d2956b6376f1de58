/**
 * Bad and hostile input against a live Spindle: malformed frames, absurd lengths, the limits
 * for unauthenticated clients, clients that vanish mid-pipeline, and 10k concurrent clients.
 *
 * Protocol error texts are checked against fixed expectations (Redis 7.0's networking.c) and,
 * when redis-server is installed, the same bytes are sent to it too, so the expectations are
 * themselves checked against the real thing.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOST,
  encodeCommand,
  rawClient,
  redisAvailable,
  show,
  sleep,
  startRedis,
  startSpindle,
  startSpindleProcess,
  waitUntil,
  type RawClient,
  type RunningTestServer,
} from '../helpers/server.js';

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('redis-server not installed: bad-input tests run against Spindle only (no cross-check)');

/** Everything the server sends after `bytes`, until it closes the connection. */
async function replyUntilClose(port: number, bytes: Buffer | string, timeoutMs = 5000): Promise<{ data: string; closed: boolean }> {
  const c = await rawClient(port);
  try {
    c.write(bytes);
    const rest = await c.closed(timeoutMs);
    return { data: rest.toString('latin1'), closed: true };
  } catch {
    const data = c.pendingBytes().toString('latin1');
    return { data, closed: false };
  } finally {
    c.destroy();
  }
}

interface ProtoCase {
  name: string;
  send: string | Buffer;
  /** Exactly what Redis 7.0 answers before closing the connection. */
  expect: string;
}

const PROTOCOL_CASES: ProtoCase[] = [
  {
    name: "bulk header that isn't '$'",
    send: '*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n',
    expect: "-ERR Protocol error: expected '$', got 'f'\r\n",
  },
  {
    name: 'commands before the bad frame still run, in order',
    send: '*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n:4\r\n',
    expect: "+PONG\r\n$2\r\nhi\r\n-ERR Protocol error: expected '$', got ':'\r\n",
  },
  {
    name: 'bulk length above proto-max-bulk-len ($2147483648)',
    send: '*2\r\n$3\r\nGET\r\n$2147483648\r\n',
    expect: '-ERR Protocol error: invalid bulk length\r\n',
  },
  {
    name: 'negative bulk length',
    send: '*2\r\n$3\r\nGET\r\n$-5\r\n',
    expect: '-ERR Protocol error: invalid bulk length\r\n',
  },
  {
    name: 'bulk length that is not a number',
    send: '*2\r\n$3\r\nGET\r\n$abc\r\n',
    expect: '-ERR Protocol error: invalid bulk length\r\n',
  },
  {
    name: 'multibulk count above INT_MAX (*20000000000)',
    send: '*20000000000\r\n',
    expect: '-ERR Protocol error: invalid multibulk length\r\n',
  },
  {
    name: 'multibulk count that is not a number',
    send: '*x1\r\n',
    expect: '-ERR Protocol error: invalid multibulk length\r\n',
  },
  {
    name: 'multibulk count line longer than 64 KiB without CRLF',
    send: '*' + '1'.repeat(70 * 1024),
    expect: '-ERR Protocol error: too big mbulk count string\r\n',
  },
  {
    name: 'bulk count line longer than 64 KiB without CRLF',
    send: '*1\r\n$' + '1'.repeat(70 * 1024),
    expect: '-ERR Protocol error: too big bulk count string\r\n',
  },
  {
    name: 'inline request longer than 64 KiB without a newline',
    send: 'SET k ' + 'v'.repeat(70 * 1024),
    expect: '-ERR Protocol error: too big inline request\r\n',
  },
  {
    name: 'inline request with unbalanced quotes',
    send: 'SET "k v\r\n',
    expect: '-ERR Protocol error: unbalanced quotes in request\r\n',
  },
];

describe('bad input', () => {
  let spindle: RunningTestServer;
  let spindleAuth: RunningTestServer;
  let redis: RunningTestServer | null = null;
  let redisAuth: RunningTestServer | null = null;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    spindle = await startSpindle({ shards: 2 });
    spindleAuth = await startSpindle({ shards: 2, requirepass: 'secret' });
    if (haveRedis) {
      redis = await startRedis();
      redisAuth = await startRedis(['--requirepass', 'secret']);
    }
  }, 60000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await spindle?.close();
    await spindleAuth?.close();
    await redis?.close();
    await redisAuth?.close();
  });

  async function client(port: number): Promise<RawClient> {
    const c = await rawClient(port);
    clients.push(c);
    return c;
  }

  describe('protocol errors: exact text, then the connection closes', () => {
    for (const pc of PROTOCOL_CASES) {
      it(pc.name, async () => {
        if (redis) {
          const r = await replyUntilClose(redis.port, pc.send);
          expect(show(r.data), 'redis-server (checks the expectation itself)').toBe(show(pc.expect));
          expect(r.closed).toBe(true);
        }
        const s = await replyUntilClose(spindle.port, pc.send);
        expect(show(s.data)).toBe(show(pc.expect));
        expect(s.closed, 'spindle closes the connection after a protocol error').toBe(true);
        // and the server is fine
        const c = await client(spindle.port);
        expect((await c.send('PING')).toString()).toBe('+PONG\r\n');
      });
    }

    it('a frame split into 1-byte writes parses the same as one write', async () => {
      const c = await client(spindle.port);
      const bytes = Buffer.concat([encodeCommand(['SET', 'split', 'a\r\nb']), encodeCommand(['GET', 'split'])]);
      const p = c.readReplies(2);
      for (const b of bytes) {
        c.write(Buffer.from([b]));
        await sleep(0);
      }
      const [a, b] = await p;
      expect(a.toString()).toBe('+OK\r\n');
      expect(b.toString('latin1')).toBe('$4\r\na\r\nb\r\n');
    });
  });

  describe('limits for unauthenticated clients (requirepass set)', () => {
    const cases: ProtoCase[] = [
      {
        name: 'multibulk of more than 10 arguments',
        send: encodeCommand(['MSET', ...Array.from({ length: 10 }, (_, i) => `a${i}`)]), // 11 args
        expect: '-ERR Protocol error: unauthenticated multibulk length\r\n',
      },
      {
        name: 'bulk longer than 16384 bytes',
        send: '*2\r\n$4\r\nAUTH\r\n$16385\r\n',
        expect: '-ERR Protocol error: unauthenticated bulk length\r\n',
      },
    ];
    for (const pc of cases) {
      it(pc.name, async () => {
        if (redisAuth) {
          const r = await replyUntilClose(redisAuth.port, pc.send);
          expect(show(r.data), 'redis-server (checks the expectation itself)').toBe(show(pc.expect));
        }
        const s = await replyUntilClose(spindleAuth.port, pc.send);
        expect(show(s.data)).toBe(show(pc.expect));
        expect(s.closed).toBe(true);
      });
    }

    it('exactly 10 arguments and 16384-byte bulks are still allowed (NOAUTH reply, connection kept)', async () => {
      for (const port of [redisAuth?.port, spindleAuth.port]) {
        if (port === undefined) continue;
        const c = await client(port);
        const ten = await c.send('MSET', ...Array.from({ length: 9 }, (_, i) => `a${i}`)); // 10 args
        expect(ten.toString()).toBe('-NOAUTH Authentication required.\r\n');
        const big = await c.send('GET', 'x'.repeat(16384));
        expect(big.toString()).toBe('-NOAUTH Authentication required.\r\n');
        expect((await c.send('AUTH', 'wrong')).toString()).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
        expect(c.isClosed()).toBe(false);
      }
    });

    it('after AUTH the limits are lifted', async () => {
      for (const port of [redisAuth?.port, spindleAuth.port]) {
        if (port === undefined) continue;
        const c = await client(port);
        expect((await c.send('AUTH', 'secret')).toString()).toBe('+OK\r\n');
        const pairs = Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]).flat();
        expect((await c.send('MSET', ...pairs)).toString()).toBe('+OK\r\n');
        const v = 'y'.repeat(100000);
        expect((await c.send('SET', 'big', v)).toString()).toBe('+OK\r\n');
        expect((await c.send('STRLEN', 'big')).toString()).toBe(':100000\r\n');
        expect((await c.send('FLUSHALL')).toString()).toBe('+OK\r\n');
      }
    });
  });

  describe('a client that disconnects halfway through a pipeline', () => {
    it('acknowledged writes are kept, the partial frame is not run, the server keeps serving', async () => {
      const a = await client(spindle.port);
      const idA = (await a.send('CLIENT', 'ID')).toString().slice(1, -2);
      const n = 5000;
      const cmds: Buffer[] = [];
      for (let i = 0; i < n; i++) cmds.push(encodeCommand(['SET', `ack:${i}`, `value-${i}`]));
      const partial = Buffer.from('*3\r\n$3\r\nSET\r\n$7\r\npartial\r\n$5\r\nva');
      a.write(Buffer.concat([...cmds, partial]));
      // disconnect as soon as some (not necessarily all) replies are in
      await waitUntil(() => a.repliesReceived() >= 2, 10000, 1);
      const acked = a.repliesReceived() - 1; // minus the CLIENT ID reply
      a.destroy();
      expect(acked).toBeGreaterThan(0);

      const b = await client(spindle.port);
      expect((await b.send('PING')).toString()).toBe('+PONG\r\n');
      // every acknowledged SET is there with its value
      const keys = Array.from({ length: acked }, (_, i) => `ack:${i}`);
      const reply = (await b.send('MGET', ...keys)).toString();
      const want = `*${acked}\r\n` + keys.map((_, i) => `$${`value-${i}`.length}\r\nvalue-${i}\r\n`).join('');
      expect(reply === want, `MGET of the ${acked} acknowledged keys`).toBe(true);
      // the rest is all-or-nothing per command: present with the right value, or absent
      for (let i = acked; i < n; i += 97) {
        const v = (await b.send('GET', `ack:${i}`)).toString();
        expect([`$-1\r\n`, `$${`value-${i}`.length}\r\nvalue-${i}\r\n`]).toContain(v);
      }
      expect((await b.send('EXISTS', 'partial')).toString()).toBe(':0\r\n');
      // the dead client is gone from CLIENT LIST
      await waitUntil(async () => !(await b.send('CLIENT', 'LIST')).toString().includes(`id=${idA} `), 5000);
      expect((await b.send('FLUSHALL')).toString()).toBe('+OK\r\n');
    });

    it('a client that dies in the middle of a large bulk leaves no key and no stuck server', async () => {
      const a = await client(spindle.port);
      a.write(`*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$${10 * 1024 * 1024}\r\n`);
      a.write(Buffer.alloc(1024 * 1024, 0x61));
      await sleep(50);
      a.destroy();
      const b = await client(spindle.port);
      expect((await b.send('PING')).toString()).toBe('+PONG\r\n');
      expect((await b.send('EXISTS', 'half')).toString()).toBe(':0\r\n');
      expect((await b.send('SET', 'after', 'ok')).toString()).toBe('+OK\r\n');
      expect((await b.send('GET', 'after')).toString()).toBe('$2\r\nok\r\n');
    });
  });

  describe('10k concurrent pipelined clients', () => {
    // Spindle runs as a child process here: 10,000 client sockets plus the server's 10,000
    // accepted sockets would not fit in one process under the 20,000 open-file limit.
    let child: RunningTestServer | null = null;
    const sockets: net.Socket[] = [];

    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await child?.close();
    });

    it('10,000 connected clients each send a pipeline and all get correct replies', async () => {
      const N = 10000;
      const BATCH = 500;
      const t0 = Date.now();
      child = await startSpindleProcess({ shards: 2, config: { maxclients: String(N + 100) } });
      const port = child.port;

      const connectOne = () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({ port, host: HOST });
          const timer = setTimeout(() => {
            s.destroy();
            reject(new Error('connect timeout'));
          }, 20000);
          s.once('connect', () => {
            clearTimeout(timer);
            resolve(s);
          });
          s.once('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
        });
      for (let i = 0; i < N; i += BATCH) {
        const batch = await Promise.all(Array.from({ length: Math.min(BATCH, N - i) }, connectOne));
        sockets.push(...batch);
      }
      expect(sockets).toHaveLength(N);
      const tConnected = Date.now();

      // every client sends its pipeline; all sockets stay open meanwhile
      const counters: number[] = new Array(N).fill(-1);
      const done = sockets.map(
        (s, i) =>
          new Promise<void>((resolve, reject) => {
            const val = `v${i}`;
            const re = new RegExp(`^\\+OK\\r\\n:(\\d+)\\r\\n\\$${val.length}\\r\\n${val}\\r\\n\\+PONG\\r\\n$`);
            let got = '';
            const timer = setTimeout(() => reject(new Error(`client ${i}: incomplete replies ${JSON.stringify(got)}`)), 45000);
            s.on('data', (d: Buffer) => {
              got += d.toString('latin1');
              if (got.endsWith('+PONG\r\n')) {
                clearTimeout(timer);
                const m = re.exec(got);
                if (!m) return reject(new Error(`client ${i}: unexpected replies ${JSON.stringify(got)}`));
                counters[i] = Number(m[1]);
                resolve();
              }
            });
            s.once('close', () => {
              clearTimeout(timer);
              if (counters[i] < 0) reject(new Error(`client ${i}: closed; got ${JSON.stringify(got)}`));
            });
            s.write(
              Buffer.concat([
                encodeCommand(['SET', `key:${i}`, val]),
                encodeCommand(['INCR', 'counter']),
                encodeCommand(['GET', `key:${i}`]),
                encodeCommand(['PING']),
              ]),
            );
          }),
      );
      const results = await Promise.allSettled(done);
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(failed.length, failed.slice(0, 5).map((f) => String(f.reason)).join('\n')).toBe(0);
      // INCR replies are exactly 1..N, each once
      const seen = new Set(counters);
      expect(seen.size).toBe(N);
      expect(Math.min(...counters)).toBe(1);
      expect(Math.max(...counters)).toBe(N);

      // while all 10k are still connected, a fresh client is served too
      const fresh = await client(port);
      expect((await fresh.send('PING')).toString()).toBe('+PONG\r\n');
      expect((await fresh.send('GET', 'counter')).toString()).toBe(`$${String(N).length}\r\n${N}\r\n`);
      expect((await fresh.send('DBSIZE')).toString()).toBe(`:${N + 1}\r\n`);
      expect((await fresh.send('GET', `key:${N - 1}`)).toString()).toBe(`$${`v${N - 1}`.length}\r\nv${N - 1}\r\n`);

      for (const s of sockets) s.destroy();
      sockets.length = 0;
      // after they all leave, the server still answers a new client
      const after = await client(port);
      expect((await after.send('PING')).toString()).toBe('+PONG\r\n');
      await waitUntil(async () => /connected_clients:[12]\r\n/.test((await after.send('INFO', 'clients')).toString()), 20000, 100);
      console.log(`10k clients: connected in ${tConnected - t0} ms, all replies after ${Date.now() - t0} ms`);
    }, 90000);
  });
});
