import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { WaitOp, WaitSlots, WaitState, createWaitSlots, kDestMax } from '../../src/sab/wait-slots.js';
import { Shard } from '../../src/shard/shard.js';
import { WaiterQueues } from '../../src/shard/waiters.js';

describe('WaitSlots', () => {
  it('reserves, publishes, claims once and frees, bumping gen on reuse', () => {
    const ws = new WaitSlots(createWaitSlots());
    const dest = Buffer.from('dst');
    const s = ws.reserve(42, 3, WaitOp.Move, 5, 3, dest, 0, dest.length);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(ws.state(s)).toBe(WaitState.Reserved);
    const gen = ws.gen(s);
    expect(ws.claim(s, gen)).toBe(false); // not published yet
    ws.publish(s);
    expect(ws.isWaiting(s, gen)).toBe(true);
    expect([ws.clientId(s), ws.resp(s), ws.op(s), ws.db(s), ws.count(s)]).toEqual([42, 3, WaitOp.Move, 5, 3]);
    expect(Buffer.from(ws.dest(s)).toString()).toBe('dst');
    expect(ws.ownerThread(s)).toBe(ws.thread);
    expect(ws.claim(s, gen + 1)).toBe(false); // stale generation
    expect(ws.claim(s, gen)).toBe(true);
    expect(ws.claim(s, gen)).toBe(false);
    expect(ws.cancel(s)).toBe(false); // claimed: too late to cancel
    ws.unclaim(s);
    expect(ws.cancel(s)).toBe(true);
    expect(ws.state(s)).toBe(WaitState.Free);
    let again = -1;
    for (let i = 0; i < 20000 && again !== s; i++) {
      again = ws.reserve(43, 2, WaitOp.Pop, 0, 0, null);
      if (again !== s) ws.free(again);
    }
    expect(again).toBe(s);
    expect(ws.gen(again)).toBe(gen + 1); // a stale queue node for the old wait no longer matches
    expect(ws.dest(again).length).toBe(0);
    expect(kDestMax).toBeGreaterThan(100);
  });

  it('parks a remote reply and rings the owner doorbell', () => {
    const sab = createWaitSlots();
    const owner = new WaitSlots(sab);
    const writer = new WaitSlots(sab);
    expect(writer.thread).not.toBe(owner.thread);
    const s = owner.reserve(1, 2, WaitOp.Pop, 0, 0, null);
    owner.publish(s);
    const bell = owner.doorbell();
    expect(writer.claim(s, writer.gen(s))).toBe(true);
    writer.serveRemote(s, 1, 777, 12);
    expect(owner.state(s)).toBe(WaitState.Served);
    expect(owner.reply(s)).toEqual({ shard: 1, ptr: 777, len: 12 });
    expect(owner.doorbell().value).toBe(bell.value + 1);
  });

  it('4 claimer workers and 1 canceller race for 2000 waits: each is won exactly once', async () => {
    const sab = createWaitSlots();
    const ws = new WaitSlots(sab);
    const slots: [number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const s = ws.reserve(i, 2, WaitOp.Pop, 0, 0, null);
      ws.publish(s);
      slots.push([s, ws.gen(s)]);
    }
    const go = new SharedArrayBuffer(8);
    const gate = new Int32Array(go);
    const roles = ['claim', 'claim', 'claim', 'claim', 'cancel'];
    const workers = roles.map((role) => new Worker(new URL('./workers/wait-claimer.mjs', import.meta.url), {
      workerData: { sab, go, slots, role },
    }));
    const done = workers.map((w) => new Promise<{ won: number[] }>((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    }));
    while (Atomics.load(gate, 1) < workers.length) await new Promise((r) => setTimeout(r, 2));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    const results = await Promise.all(done);
    await Promise.all(workers.map((w) => w.terminate()));
    const wins = new Map<number, number>();
    for (const r of results) for (const s of r.won) wins.set(s, (wins.get(s) ?? 0) + 1);
    expect(wins.size).toBe(2000);
    expect([...wins.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('WaiterQueues', () => {
  it('keeps FIFO order per (db, key) and drops stale nodes and empty queues', () => {
    const shard = new Shard(Shard.create(0));
    shard.acquire();
    try {
      const q = new WaiterQueues(shard);
      const k = Buffer.from('queue');
      const dead = new Set<number>();
      const live = (s: number) => !dead.has(s);
      expect(q.any()).toBe(false);
      for (let s = 1; s <= 5; s++) q.add(0, k, 0, k.length, s, 100 + s, live);
      q.add(1, k, 0, k.length, 9, 109, live); // same key, other db: its own queue
      expect(q.any()).toBe(true);
      const e = q.find(0, k, 0, k.length);
      const order: number[] = [];
      for (let n = q.head(e); n !== 0; n = shard.heap.u32[n * 2]) order.push(q.nodeSlot(n));
      expect(order).toEqual([1, 2, 3, 4, 5]);
      expect(q.nodeGen(q.head(e))).toBe(101);
      q.shift(0, k, 0, k.length, e);
      expect(q.nodeSlot(q.head(q.find(0, k, 0, k.length)))).toBe(2);
      dead.add(2); dead.add(4);
      q.add(0, k, 0, k.length, 6, 106, live); // prunes 2 and 4 on the way
      const e2 = q.find(0, k, 0, k.length);
      const order2: number[] = [];
      for (let n = q.head(e2); n !== 0; n = shard.heap.u32[n * 2]) order2.push(q.nodeSlot(n));
      expect(order2).toEqual([3, 5, 6]);
      dead.add(3); dead.add(5); dead.add(6);
      q.prune(0, k, 0, k.length, e2, live);
      expect(q.find(0, k, 0, k.length)).toBe(0);
      const e1 = q.find(1, k, 0, k.length);
      q.shift(1, k, 0, k.length, e1);
      expect(q.find(1, k, 0, k.length)).toBe(0);
      expect(q.any()).toBe(false);
    } finally {
      shard.release();
    }
  });
});
