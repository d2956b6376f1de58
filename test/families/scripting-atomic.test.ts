/**
 * Scripts are atomic across threads: a script over keys in two shards (declared, or only named
 * in ARGV like BullMQ's) holds both shards' locks from start to end, so readers on other
 * threads never see one key incremented without the other.
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

function run(workerData: object): Promise<{ violations: number; ops: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./workers/scripting-atomic.mjs', import.meta.url), { workerData });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('scripts across shards with concurrent threads', () => {
  it('declared and undeclared keys: never seen half done', async () => {
    const [x, y] = keysOnBothShards('sx');
    const [u, v] = keysOnBothShards('su');
    await db.call('mset', x, '0', y, '0', u, '0', v, '0');
    const common = { handle: db.handle, x, y, u, v };
    const results = await Promise.all([
      run({ ...common, role: 'declared', iterations: 3000 }),
      run({ ...common, role: 'undeclared', iterations: 3000 }),
      run({ ...common, role: 'reader', iterations: 6000 }),
    ]);
    expect(results.map((r) => r.violations)).toEqual([0, 0, 0]);
    expect(await db.call('mget', x, y, u, v)).toEqual(['3000', '3000', '3000', '3000']);
  }, 30000);
});
