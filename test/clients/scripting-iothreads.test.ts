/**
 * Scripts across io-threads (Node ≥ 22.12): a script loaded through a connection of one thread
 * is found by EVALSHA on every other thread (shared script log, scripting/state.ts), SCRIPT
 * FLUSH on one thread empties every thread's cache, and scripts from many connections on
 * several threads increment the same keys in two shards without losing an update.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startSpindleProcess, type RunningTestServer } from '../helpers/server.js';
import { supportsReusePort } from '../../src/server/server.js';
import { keysInShards } from '../helpers/types-kit.js';

const servers: RunningTestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** A spindle-server child process with 3 io-threads; its port. */
async function start(shards: number): Promise<number> {
  const s = await startSpindleProcess({ shards, config: { 'io-threads': '3' } });
  servers.push(s);
  return s.port;
}

describe.runIf(supportsReusePort())(`scripts across io-threads on Node ${process.versions.node}`, () => {
  it('EVALSHA finds scripts loaded on other threads; SCRIPT FLUSH reaches every thread', async () => {
    const port = await start(2);
    const conns = Array.from({ length: 12 }, () => new Redis({ port, host: '127.0.0.1' }));
    try {
      const sha = (await conns[0].script('LOAD', 'return ARGV[1]')) as string;
      const got = await Promise.all(conns.map((c, i) => c.evalsha(sha, 0, `c${i}`)));
      expect(got).toEqual(conns.map((_, i) => `c${i}`));
      expect(await Promise.all(conns.map((c) => c.script('EXISTS', sha)))).toEqual(conns.map(() => [1]));
      await conns[5].script('FLUSH');
      const after = await Promise.all(conns.map((c) => c.evalsha(sha, 0, 'x').then(() => 'ok', (e: Error) => e.message)));
      expect(after).toEqual(conns.map(() => 'NOSCRIPT No matching script. Please use EVAL.'));

      const [a, b] = keysInShards('iot', 2);
      const script = 'redis.call("INCR", KEYS[1]) redis.call("INCR", ARGV[1]) return 1';
      await Promise.all(conns.map(async (c) => {
        for (let i = 0; i < 200; i++) await c.eval(script, 1, a, b);
      }));
      expect(await conns[0].mget(a, b)).toEqual(['2400', '2400']);
    } finally {
      for (const c of conns) c.disconnect();
    }
  }, 30000);
});
