/**
 * Functions shared by every front-end thread: worker threads attached to the same store (as
 * io-threads are) load, replace, delete and call libraries through the shared registry
 * (scripting/functions-registry.ts), concurrently; FUNCTION STATS and FUNCTION KILL reach a
 * function running on another thread.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { sleep, waitUntil } from './family-kit.js';

const h = createHarness({ shards: 2 });
const c = h.client();
const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;

interface Peer {
  send(cmd: string[]): Promise<{ ok?: unknown; err?: string }>;
  loop(count: number, cmd: string[]): Promise<{ ok?: unknown; err?: string }[]>;
  worker: Worker;
}

function peer(): Promise<Peer> {
  const worker = new Worker(new URL('./workers/functions-worker.mjs', import.meta.url), { workerData: { handle: h.store.handle } });
  const waiting = new Map<number, (v: never) => void>();
  let next = 0;
  worker.on('message', (m: { id?: number; ready?: boolean }) => {
    if (m.id === undefined) return;
    const { id, ...reply } = m;
    waiting.get(id)?.(reply as never);
    waiting.delete(id);
  });
  const ask = <T>(msg: object) => new Promise<T>((resolve) => {
    const id = next++;
    waiting.set(id, resolve as (v: never) => void);
    worker.postMessage({ id, ...msg });
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve({
      worker,
      send: (cmd) => ask({ cmd }),
      loop: async (count, cmd) => (await ask<{ ok: { ok?: unknown; err?: string }[] }>({ loop: { count, cmd } })).ok,
    }));
  });
}

let peers: Peer[] = [];
beforeAll(async () => {
  peers = await Promise.all([peer(), peer(), peer()]);
}, 20000);
afterAll(async () => {
  await Promise.all(peers.map((p) => p.worker.terminate()));
  await h.close();
});

describe('functions across threads', () => {
  it('LOAD on one thread, FCALL on another, both ways; REPLACE, DELETE and FLUSH reach every thread', async () => {
    const [p] = peers;
    expect(h.call(c, 'FUNCTION', 'LOAD', lib('main', "redis.register_function('fm', function(k, a) return 'main:' .. a[1] end)"))).toBe('main');
    expect(await p.send(['FCALL', 'fm', '0', 'x'])).toEqual({ ok: 'main:x' });
    expect(await p.send(['FUNCTION', 'LOAD', lib('wk', "redis.register_function('fw', function(k) return redis.call('incr', k[1]) end)")])).toEqual({ ok: 'wk' });
    expect(h.call(c, 'FCALL', 'fw', '1', 'ctr')).toBe(1);
    expect(await p.send(['FCALL', 'fw', '1', 'ctr'])).toEqual({ ok: 2 });
    h.call(c, 'FUNCTION', 'LOAD', 'REPLACE', lib('main', "redis.register_function('fm', function(k, a) return 'v2:' .. a[1] end)"));
    expect(await p.send(['FCALL', 'fm', '0', 'y'])).toEqual({ ok: 'v2:y' });
    expect(await p.send(['FUNCTION', 'DELETE', 'wk'])).toEqual({ ok: 'OK' });
    expect(h.call(c, 'FCALL', 'fw', '1', 'ctr')).toEqual({ error: 'ERR Function not found' });
    expect(await p.send(['FUNCTION', 'LOAD', lib('main', "redis.register_function('zz', function() end)")])).toEqual({ err: "ERR Library 'main' already exists" });
    expect(await p.send(['FUNCTION', 'FLUSH'])).toEqual({ ok: 'OK' });
    expect(h.call(c, 'FUNCTION', 'LIST')).toEqual([]);
    expect(h.call(c, 'FUNCTION', 'STATS')).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 0, 'functions_count', 0]]]);
  });

  it('each thread keeps its own copy of a library’s state, fresh after every REPLACE', async () => {
    const [p] = peers;
    const code = lib('st', "local n = 0 redis.register_function('n', function() n = n + 1 return n end)");
    h.call(c, 'FUNCTION', 'LOAD', code);
    expect([h.call(c, 'FCALL', 'n', '0'), h.call(c, 'FCALL', 'n', '0')]).toEqual([1, 2]);
    expect((await p.send(['FCALL', 'n', '0'])).ok).toBe(1);
    expect((await p.send(['FUNCTION', 'LOAD', 'REPLACE', code])).ok).toBe('st');
    expect(h.call(c, 'FCALL', 'n', '0')).toBe(1);
    h.call(c, 'FUNCTION', 'FLUSH');
  });

  it('concurrent loads on four threads: every library lands once, a contested name goes to one thread', async () => {
    const fn = (t: string) => ['FUNCTION', 'LOAD', lib(`${t}_\${i}`, `redis.register_function('${t}_f\${i}', function() return '${t}\${i}' end)`)];
    const runs = peers.map((p, i) => p.loop(40, fn(`w${i}`)));
    const contested = peers.map((p, i) => p.send(['FUNCTION', 'LOAD', lib('same', `redis.register_function('same_f', function() return ${i} end)`)]));
    for (let i = 0; i < 40; i++) {
      expect(h.call(c, 'FUNCTION', 'LOAD', lib(`m_${i}`, `redis.register_function('m_f${i}', function() return 'm${i}' end)`))).toBe(`m_${i}`);
    }
    const results = await Promise.all(runs);
    for (const r of results) expect(r.every((x) => x.err === undefined)).toBe(true);
    const won = (await Promise.all(contested)).filter((r) => r.ok === 'same');
    expect(won.length).toBe(1);
    const list = h.call(c, 'FUNCTION', 'LIST') as unknown[];
    expect(list.length).toBe(4 * 40 + 1);
    expect(h.call(c, 'FCALL', 'w2_f39', '0')).toBe('w239');
    expect(await peers[0].send(['FCALL', 'm_f7', '0'])).toEqual({ ok: 'm7' });
    expect(await peers[1].send(['FCALL', 'w0_f0', '0'])).toEqual({ ok: 'w00' });
    const dump = h.callBuf(c, 'FUNCTION', 'DUMP') as Buffer;
    expect(await peers[2].send(['FUNCTION', 'RESTORE', dump as unknown as string, 'FLUSH'])).toEqual({ ok: 'OK' });
    expect((h.call(c, 'FUNCTION', 'LIST') as unknown[]).length).toBe(161);
    h.call(c, 'FUNCTION', 'FLUSH');
  }, 20000);

  it('FUNCTION STATS shows a busy function of another thread; FUNCTION KILL stops it', async () => {
    const [p] = peers;
    h.call(c, 'FUNCTION', 'LOAD', lib('busy', [
      "redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)",
      "redis.register_function('spinw', function(k) redis.call('set', k[1], 1) local t = redis.call('time') " +
        "while true do local n = redis.call('time') if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 400000 then return 'done' end end end)",
    ].join('\n')));
    expect(await p.send(['CONFIG', 'SET', 'busy-reply-threshold', '50'])).toEqual({ ok: 'OK' });
    const spinning = p.send(['FCALL', 'spin', '1', 'some-key', 'arg1']);
    expect(await waitUntil(() => (h.call(c, 'FUNCTION', 'STATS') as unknown[])[1] !== null)).toBe(true);
    const stats = h.call(c, 'FUNCTION', 'STATS') as unknown[];
    const running = stats[1] as unknown[];
    expect(running.slice(0, 4)).toEqual(['name', 'spin', 'command', ['FCALL', 'spin', '1', 'some-key', 'arg1']]);
    expect(running[4]).toBe('duration_ms');
    expect(running[5]).toBeGreaterThanOrEqual(50);
    expect(h.call(c, 'SCRIPT', 'KILL')).toEqual({ error: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.' });
    expect(h.call(c, 'FUNCTION', 'KILL')).toBe('OK');
    expect(await spinning).toEqual({ err: 'ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.' });
    expect((h.call(c, 'FUNCTION', 'STATS') as unknown[])[1]).toBeNull();
    expect(h.call(c, 'FUNCTION', 'KILL')).toEqual({ error: 'NOTBUSY No scripts in execution right now.' });

    const writing = p.send(['FCALL', 'spinw', '1', 'wkey']);
    expect(await waitUntil(() => (h.call(c, 'FUNCTION', 'STATS') as unknown[])[1] !== null)).toBe(true);
    const unkillable = 'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.';
    expect(h.call(c, 'FUNCTION', 'KILL')).toEqual({ error: unkillable });
    expect(await writing).toEqual({ ok: 'done' });
    await sleep(1);
    expect(h.call(c, 'GET', 'wkey')).toBe('1');

    const evalSpin = p.send(['EVAL', 'local i = 0 while true do i = i + 1 end', '0']);
    // FUNCTION STATS while an EVAL is busy: Redis's BUSY reply pointing at SCRIPT KILL
    expect(await waitUntil(() => JSON.stringify(h.call(c, 'FUNCTION', 'STATS')).includes('SCRIPT KILL'))).toBe(true);
    expect(h.call(c, 'FUNCTION', 'KILL')).toEqual({ error: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.' });
    expect(h.call(c, 'SCRIPT', 'KILL')).toBe('OK');
    expect((await evalSpin).err).toMatch(/^ERR Script killed by user with SCRIPT KILL/);
    h.call(c, 'FUNCTION', 'FLUSH');
  }, 20000);
});
