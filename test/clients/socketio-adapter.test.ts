/**
 * Socket.IO across two servers through Spindle: two Socket.IO servers, each with the Redis
 * adapter (@socket.io/redis-adapter) on its own pub/sub client pair, and one client on each.
 * A broadcast to a room from server A reaches the client on server B, binary attachments
 * included; fetchSockets() and serverSideEmit() go through the adapter's request/response
 * channels (and its PUBSUB NUMSUB / SHARDNUMSUB server count). Both the classic adapter
 * (PUBLISH/PSUBSCRIBE) and the sharded one (SPUBLISH/SSUBSCRIBE), with ioredis and node-redis.
 * TEST_AGAINST_REDIS=1 runs the same file against redis-server.
 */
import http from 'node:http';
import type net from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOST, startRedis, startSpindle, waitUntil, type RunningTestServer } from '../helpers/server.js';

const againstRedis = process.env.TEST_AGAINST_REDIS === '1';
let srv: RunningTestServer;
let cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  srv = againstRedis ? (await startRedis())! : await startSpindle({ shards: 2 });
}, 60000);

afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

afterAll(async () => {
  await srv?.close();
});

type Lib = 'ioredis' | 'node-redis';
type Kind = 'classic' | 'sharded';

/** A pub/sub client pair of one library, closed after the test. */
async function pair(lib: Lib): Promise<[unknown, unknown]> {
  if (lib === 'ioredis') {
    const pub = new Redis({ host: HOST, port: srv.port });
    const sub = pub.duplicate();
    cleanup.push(() => pub.disconnect(), () => sub.disconnect());
    return [pub, sub];
  }
  const pub = createClient({ socket: { host: HOST, port: srv.port } });
  const sub = pub.duplicate();
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  await Promise.all([pub.connect(), sub.connect()]);
  cleanup.push(() => pub.close(), () => sub.close());
  return [pub, sub];
}

/** A Socket.IO server with the adapter, listening on a free port. */
async function ioServer(lib: Lib, kind: Kind): Promise<{ io: Server; port: number }> {
  const [pub, sub] = await pair(lib);
  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    adapter: kind === 'classic' ? createAdapter(pub, sub, { requestsTimeout: 3000 }) : createShardedAdapter(pub, sub),
  });
  io.on('connection', (socket: ServerSocket) => {
    void socket.join('room1');
    socket.on('whoami', (cb: (id: string) => void) => cb(socket.id));
  });
  await new Promise<void>((res) => httpServer.listen(0, HOST, () => res()));
  cleanup.push(() => new Promise<void>((res) => io.close(() => res())));
  return { io, port: (httpServer.address() as net.AddressInfo).port };
}

async function client(port: number): Promise<Socket> {
  const c = ioClient(`http://${HOST}:${port}`, { transports: ['websocket'], reconnection: false });
  cleanup.push(() => c.disconnect());
  await new Promise<void>((res, rej) => {
    c.once('connect', () => res());
    c.once('connect_error', rej);
  });
  return c;
}

const cases: [Kind, Lib][] = [['classic', 'ioredis'], ['classic', 'node-redis'], ['sharded', 'node-redis'], ['sharded', 'ioredis']];

describe.each(cases)('Socket.IO %s adapter with %s', (kind, lib) => {
  it('a room broadcast from server A reaches the client on server B, binary included', async () => {
    const a = await ioServer(lib, kind), b = await ioServer(lib, kind);
    const ca = await client(a.port), cb = await client(b.port);
    // Both sockets are in room1 once the servers have handled their connections.
    await waitUntil(async () => (await a.io.in('room1').fetchSockets()).length === 2, 10000);

    const got: { who: string; text: string; bin: Buffer }[] = [];
    for (const [who, c] of [['A', ca], ['B', cb]] as const) {
      c.on('news', (text: string, bin: ArrayBuffer | Buffer) => got.push({ who, text, bin: Buffer.from(bin as ArrayBuffer) }));
    }
    const bin = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff));
    a.io.to('room1').emit('news', 'from A', bin);
    await waitUntil(() => got.length === 2, 10000);
    expect(got.map((g) => g.who).sort()).toEqual(['A', 'B']);
    for (const g of got) {
      expect(g.text).toBe('from A');
      expect(g.bin.equals(bin)).toBe(true);
    }

    // And the other way round, to a room only server A's client is in.
    const idA = await new Promise<string>((res) => ca.emit('whoami', res));
    const direct: string[] = [];
    ca.on('direct', (m: string) => direct.push(m));
    cb.on('direct', (m: string) => direct.push(`wrong: ${m}`));
    b.io.to(idA).emit('direct', 'from B');
    await waitUntil(() => direct.length === 1, 10000);
    expect(direct).toEqual(['from B']);

    // Request/response through the adapter: both servers answer.
    const sockets = await b.io.fetchSockets();
    expect(sockets.length).toBe(2);
    const heard: string[] = [];
    a.io.on('ping-servers', (m: string) => heard.push(`A ${m}`));
    b.io.on('ping-servers', (m: string) => heard.push(`B ${m}`));
    b.io.serverSideEmit('ping-servers', 'hi');
    await waitUntil(() => heard.length === 1, 10000);
    expect(heard).toEqual(['A hi']);
  });
});
