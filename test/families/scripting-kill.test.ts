/**
 * SCRIPT KILL and busy-reply-threshold through the shared script flags (scripting/state.ts):
 * a script loops on this thread while a worker thread, playing another front end, waits for it
 * to become busy and bumps the kill generation, as SCRIPT KILL on another io-thread does.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { SW } from '../../src/scripting/state.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());
const c = h.client();

/** A worker that waits until a script is busy, then sends SCRIPT KILL's signal. */
function killer(sab: SharedArrayBuffer): Worker {
  return new Worker(
    `const { workerData } = require('node:worker_threads');
     const f = new Int32Array(workerData.sab);
     const end = Date.now() + 10000;
     while (Atomics.load(f, ${SW.Busy}) === 0 && Date.now() < end) Atomics.wait(f, 0, -1, 5);
     Atomics.add(f, ${SW.KillGen}, 1);`,
    { eval: true, workerData: { sab } },
  );
}

describe('SCRIPT KILL', () => {
  const flags = () => h.engine.handle.global.scripts!;

  it('stops a busy script that has not written', async () => {
    h.call(c, 'CONFIG', 'SET', 'busy-reply-threshold', '100');
    const w = killer(flags());
    await new Promise((r) => w.once('online', r));
    const t = Date.now();
    const r = h.call(c, 'EVAL', 'local i = 0 while true do i = i + 1 end', '0');
    expect(r).toEqual({
      error: 'ERR Script killed by user with SCRIPT KILL... script: 3fcf51a9b854b8f66cb8685600b0d7df968f4398, on @user_script:1.',
    });
    expect(Date.now() - t).toBeLessThan(5000);
    await w.terminate();
    const f = new Int32Array(flags());
    expect(Atomics.load(f, SW.Running)).toBe(0);
    expect(Atomics.load(f, SW.Busy)).toBe(0);
    // The VM is fine afterwards.
    expect(h.call(c, 'EVAL', 'return 1', '0')).toBe(1);
  });

  it('a script that already wrote is not killed (UNKILLABLE) and runs to its end', async () => {
    h.call(c, 'CONFIG', 'SET', 'busy-reply-threshold', '50');
    const w = killer(flags());
    await new Promise((r) => w.once('online', r));
    const script = `redis.call('SET', 'wrote', '1')
      local t0 = redis.call('TIME')
      local i = 0
      while true do
        i = i + 1
        if i % 100000 == 0 then
          local t = redis.call('TIME')
          if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 400000 then break end
        end
      end
      return 'done'`;
    expect(h.call(c, 'EVAL', script, '0')).toBe('done');
    await w.terminate();
    expect(h.call(c, 'GET', 'wrote')).toBe('1');
    h.call(c, 'CONFIG', 'SET', 'busy-reply-threshold', '5000');
  });

  it('SCRIPT KILL with nothing running replies NOTBUSY', () => {
    expect(h.call(c, 'SCRIPT', 'KILL')).toEqual({ error: 'NOTBUSY No scripts in execution right now.' });
  });
});
