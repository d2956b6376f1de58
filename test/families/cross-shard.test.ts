/**
 * Cross-shard atomicity (DESIGN.md §4): MSET and RENAME over keys in different shards take
 * both shard locks in ascending order, so concurrent readers on other threads never see half
 * of one. Writers and readers are real worker threads attached to the same shared memory.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, type Spindle } from '../../src/index.js';
import { keySlot } from '../../src/sab/hash.js';

let db: Spindle;
beforeAll(async () => {
  db = await open({ shards: 2 });
});
afterAll(async () => {
  await db.close();
});

/** Two keys whose slots fall in different shards of a 2-shard store. */
function keysOnBothShards(prefix: string): [string, string] {
  const shardOf = (k: string) => (keySlot(Buffer.from(k), 0, Buffer.byteLength(k)) < 8192 ? 0 : 1);
  let a = '', b = '';
  for (let i = 0; !a || !b; i++) {
    const k = `${prefix}${i}`;
    if (shardOf(k) === 0 && !a) a = k;
    if (shardOf(k) === 1 && !b) b = k;
  }
  return [a, b];
}

function run(workerData: object, file = './workers/cross-shard.mjs'): Promise<{ violations: number; ops: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(file, import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('cross-shard atomicity with concurrent threads', () => {
  it('MSET and RENAME across shards are never seen half done', async () => {
    const [x, y] = keysOnBothShards('x');
    const [r1, r2] = keysOnBothShards('r');
    expect(x).not.toBe(y);
    await db.mset(x, 'init', y, 'init');
    await db.set(r1, 'moving');
    const common = { handle: db.handle, x, y, r1, r2 };
    const results = await Promise.all([
      run({ ...common, role: 'writer', id: 1, iterations: 20000 }),
      run({ ...common, role: 'writer', id: 2, iterations: 20000 }),
      run({ ...common, role: 'reader', id: 3, iterations: 40000 }),
      run({ ...common, role: 'reader', id: 4, iterations: 40000 }),
    ]);
    for (const r of results) expect(r.violations).toBe(0);
    expect(results.reduce((n, r) => n + r.ops, 0)).toBe(120000);
    expect(await db.exists(r1, r2)).toBe(1);
    const [a, b] = (await db.mget(x, y)) as string[];
    expect(a).toBe(b);
  });

  it('SMOVE and set algebra across shards are never seen half done', async () => {
    const [sa, sb] = keysOnBothShards('set');
    const n = 50;
    await db.sadd(sa, ...Array.from({ length: n }, (_, i) => `m${i}`));
    const common = { handle: db.handle, sa, sb, n, dst: `${sa}:dst` };
    const file = './workers/types-cross-shard.mjs';
    const results = await Promise.all([
      run({ ...common, role: 'writer', id: 1, iterations: 20000 }, file),
      run({ ...common, role: 'writer', id: 2, iterations: 20000 }, file),
      run({ ...common, role: 'reader', id: 3, iterations: 10000 }, file),
      run({ ...common, role: 'reader', id: 4, iterations: 10000 }, file),
    ]);
    for (const r of results) expect(r.violations).toBe(0);
    expect((await db.sunion(sa, sb)).length).toBe(n);
  });
});
