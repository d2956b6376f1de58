/**
 * Request/response channels between the front ends and the script worker (src/sab/channels.ts).
 * One thread: exact bytes both ways, order, chunking of messages bigger than a record, the
 * request outbox, the channel limit. Real threads (workers/channels-peer.mjs imports dist/, so
 * `npm run build` first): three front ends against one sleeping server thread; ping-pong with
 * 1 MB and 3 MB messages.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ClientChannel, WorkerChannels, createChannels, kMaxChannels, kRequestRingBytes, kResponseRingBytes } from '../../src/sab/channels.js';

/** Largest chunk of one record in each ring: capacity / 2 - 4 (ring) - 4 (chunk header). */
const Q = kRequestRingBytes / 2 - 8, R = kResponseRingBytes / 2 - 8;

/** What the server peer answers: sha1(request) ++ reversed request. */
function answer(req: Buffer): Buffer {
  const rev = Buffer.from(req).reverse();
  return Buffer.concat([createHash('sha1').update(req).digest(), rev]);
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return b;
}

function pair(): { sab: SharedArrayBuffer; client: ClientChannel; worker: WorkerChannels } {
  const sab = createChannels();
  const client = new ClientChannel(sab);
  return { sab, client, worker: new WorkerChannels(sab) };
}

/** The worker polls channel t and the client flushes its outbox until nothing moves. */
function pump(client: ClientChannel, worker: WorkerChannels, t = 0): { msgs: Buffer[]; rounds: number } {
  const msgs: Buffer[] = [];
  let rounds = 0;
  for (;;) {
    const n = worker.poll(t, (m) => msgs.push(Buffer.from(m))); // views of the ring: copy
    client.flush();
    if (n === 0 && client.backlog === 0) return { msgs, rounds };
    rounds++;
  }
}

function same(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((m, i) => m.equals(b[i]));
}

function received(client: ClientChannel): Buffer[] {
  const out: Buffer[] = [];
  client.receive((m) => out.push(Buffer.from(m)));
  return out;
}

describe('channels (one thread)', () => {
  it('delivers exact bytes both ways, at and around the record size of each ring', () => {
    const sizes = [[0, 0], [1, 1], [5, R - 1], [Q - 1, R], [Q, R + 1], [Q + 1, R + 70_000],
      [2 * Q, 3], [kRequestRingBytes, 2 * R - 8], [3 * kRequestRingBytes, 2 * R]]; // one thread: a response must fit the empty ring
    for (const [q, r] of sizes) {
      const { client, worker } = pair(); // fresh rings: respond() must not wait on one thread
      const req = pattern(q, q), res = pattern(r, r + 1);
      client.send(req);
      expect(same(pump(client, worker).msgs, [req])).toBe(true);
      worker.respond(0, res);
      expect(same(received(client), [res])).toBe(true);
    }
  });

  it('keeps the order of 20k requests and responses while both rings wrap many times', () => {
    const { client, worker } = pair();
    const sent: Buffer[] = [], got: Buffer[] = [], answers: Buffer[] = [];
    for (let i = 0; i < 20_000; i += 50) {
      for (let j = i; j < i + 50; j++) {
        const m = pattern((j * 37) % 3000, j);
        sent.push(m);
        client.send(m);
      }
      const batch = pump(client, worker).msgs;
      for (const m of batch) worker.respond(0, Buffer.from(m).reverse());
      got.push(...batch);
      answers.push(...received(client));
    }
    expect(same(got, sent)).toBe(true);
    expect(same(answers, sent.map((m) => Buffer.from(m).reverse()))).toBe(true);
  });

  it('chunks a request 8 times the ring; the worker sees nothing until its last chunk; what queued behind it follows in order', () => {
    const { client, worker } = pair();
    const big = pattern(8 * kRequestRingBytes, 1);
    expect(client.send(big)).toBe(false); // bigger than the request ring
    expect(client.send(Buffer.from('a'))).toBe(false);
    expect(client.send(Buffer.from('b'))).toBe(false);
    expect(client.backlog).toBe(3);
    expect(worker.poll(0, () => expect.unreachable('partial message delivered'))).toBeGreaterThan(0);
    const { msgs, rounds } = pump(client, worker);
    expect(rounds).toBeGreaterThanOrEqual(7); // two chunks of half the ring per round
    expect(same(msgs, [big, Buffer.from('a'), Buffer.from('b')])).toBe(true);
    expect(client.send(Buffer.from('c'))).toBe(true); // outbox empty again: straight into the ring
  });

  it('a full request ring sends to the outbox; nothing leaves it until the worker makes room', () => {
    const { client, worker } = pair();
    const sent: Buffer[] = [];
    let accepted = 0;
    while (client.send(sent[sent.push(pattern(1000, sent.length)) - 1])) accepted++;
    expect(accepted).toBe(Math.floor(kRequestRingBytes / 1008)); // 1008-byte records
    for (let i = 0; i < 100; i++) {
      const m = pattern(1 + i * 13, 1000 + i);
      sent.push(m);
      expect(client.send(m)).toBe(false);
    }
    expect(client.backlog).toBe(101);
    client.flush();
    expect(client.backlog).toBe(101);
    expect(same(pump(client, worker).msgs, sent)).toBe(true);
    expect(client.backlog).toBe(0);
  });

  // offload.ts hands send() a view of its reusable encoding buffer: a message refused by a full
  // ring must be copied into the outbox, not kept by reference.
  it('send() copies the message: reusing the buffer after a refused send changes nothing', () => {
    const { client, worker } = pair();
    const m = pattern(2 * kRequestRingBytes, 5), copy = Buffer.from(m);
    expect(client.send(m)).toBe(false);
    m.fill(0);
    expect(same(pump(client, worker).msgs, [copy])).toBe(true);
  });

  it('claims up to kMaxChannels independent channels; the next constructor throws', () => {
    const sab = createChannels();
    const worker = new WorkerChannels(sab);
    expect(worker.count()).toBe(0);
    const chans = Array.from({ length: kMaxChannels }, () => new ClientChannel(sab));
    expect(chans.map((c) => c.index)).toEqual([...Array(kMaxChannels).keys()]);
    expect(() => new ClientChannel(sab)).toThrow(new RegExp(`more than ${kMaxChannels}`));
    expect(worker.count()).toBe(kMaxChannels);
    chans.forEach((c, t) => c.send(Buffer.from(`to ${t}`)));
    for (let t = kMaxChannels - 1; t >= 0; t--) {
      const got: string[] = [];
      worker.poll(t, (m) => got.push(String(m)));
      expect(got).toEqual([`to ${t}`]);
      worker.respond(t, Buffer.from(`from ${t}`));
    }
    chans.forEach((c, t) => expect(received(c).map(String)).toEqual([`from ${t}`]));
  });

  it('WorkerChannels checks the buffer; sleep() returns at once when a request is pending', () => {
    expect(() => new WorkerChannels(new SharedArrayBuffer(1 << 16))).toThrow(/not initialised/);
    const { client, worker } = pair();
    expect(worker.pending()).toBe(false);
    expect(worker.sleep(1)).toBe(false); // nothing rang: timed out
    client.send(Buffer.from('x'));
    expect(worker.pending()).toBe(true);
    expect(worker.sleep(60_000)).toBe(true); // would hang the test if it waited
  });
});

// ───────────────────────────── real threads ─────────────────────────────

type Report = Record<string, unknown> & { error?: string | null };

function peer(data: Record<string, unknown>): { worker: Worker; result: Promise<Report> } {
  const worker = new Worker(new URL('./workers/channels-peer.mjs', import.meta.url), { workerData: data });
  const result = new Promise<Report>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`channels-peer exited with code ${code} before reporting`)));
  });
  result.catch(() => {}); // a test that failed earlier never awaits it
  return { worker, result };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: not done after ${ms} ms (lost wake-up?)`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('channels (worker threads)', () => {
  it('three front-end threads × 20k requests (some bigger than the ring) against one sleeping server thread', async () => {
    const sab = createChannels();
    const n = 20_000;
    // The server sleeps 30 s at a time: a missed doorbell would blow the deadline below.
    const server = peer({ role: 'server', sab, total: 3 * n, sleepMs: 30_000, deadlineMs: 50_000 });
    const clients = [0, 1, 2].map((id) =>
      peer({ role: 'client', sab, id, count: n, window: 300, pauseEvery: 2500, deadlineMs: 50_000 }),
    );
    try {
      const reps = await within(Promise.all(clients.map((c) => c.result)), 55_000, 'clients');
      for (const r of reps) {
        expect(r.error).toBeNull();
        expect(r.got).toBe(n);
        expect(r.refused as number).toBeGreaterThanOrEqual(19); // every request > the ring was refused
      }
      expect(reps.map((r) => r.index).sort()).toEqual([0, 1, 2]);
      const s = await within(server.result, 5_000, 'server');
      if (process.env.CHANNELS_STATS) console.log({ server: s, clients: reps });
      expect(s).toMatchObject({ done: 3 * n, timeouts: 0 });
    } finally {
      await Promise.all([server, ...clients].map((p) => p.worker.terminate()));
    }
  }, 60_000);

  it('ping-pong from the main thread wakes the sleeping server every time; 1 MB and 3 MB round trips', async () => {
    const sab = createChannels();
    const client = new ClientChannel(sab);
    const msgs = [...Array.from({ length: 500 }, (_, i) => pattern(i % 200, i)), pattern(1 << 20, 1), pattern(3 << 20, 3)];
    const server = peer({ role: 'server', sab, total: msgs.length, sleepMs: 30_000, deadlineMs: 25_000 });
    const deadline = Date.now() + 25_000;
    try {
      for (const m of msgs) {
        client.send(m);
        let got: Buffer | null = null;
        while (got === null) {
          client.receive((r) => (got = Buffer.from(r)));
          if (client.backlog > 0) client.flush();
          if (got === null) await client.waitForResponse(client.backlog > 0 ? 2 : 5_000);
          if (Date.now() > deadline) throw new Error(`no response to a ${m.length}-byte request`);
        }
        expect((got as Buffer).equals(answer(m))).toBe(true);
      }
      const s = await within(server.result, 5_000, 'server');
      expect(s).toMatchObject({ done: msgs.length, timeouts: 0 });
      expect(s.sleeps as number).toBeGreaterThan(0);
    } finally {
      await server.worker.terminate();
    }
  }, 30_000);

  // Once the worker has drained the chunks of a request bigger than the request ring, no
  // response comes until the last chunk is in: waitForResponse() must push the outbox as room
  // frees (it once watched the response ring only, and an EVAL with a 1 MB argument on an idle
  // server took ~15 s with offload.ts's 1000 ms wait).
  it('a 1 MB request gets through promptly when the client flushes on waitForResponse(1000), as offload.ts does', async () => {
    const sab = createChannels();
    const client = new ClientChannel(sab);
    const server = peer({ role: 'server', sab, total: 1, sleepMs: 30_000, deadlineMs: 25_000 });
    const m = pattern(1 << 20, 7);
    let got: Buffer | null = null;
    try {
      client.send(m);
      const until = Date.now() + 3_000;
      while (got === null && Date.now() < until) {
        await client.waitForResponse(1000);
        client.receive((r) => (got = Buffer.from(r)));
        client.flush();
      }
      expect(got).not.toBeNull();
    } finally {
      while (got === null && client.backlog > 0) { // let the server finish before terminating it
        client.flush();
        await client.waitForResponse(2);
        client.receive((r) => (got = Buffer.from(r)));
      }
      await server.worker.terminate();
    }
  }, 30_000);
});
