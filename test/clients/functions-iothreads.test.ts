/**
 * Functions across io-threads (Node ≥ 22.12): a library loaded through a connection of one
 * thread is called through connections of every thread (shared registry,
 * scripting/functions-registry.ts); REPLACE, DELETE and FLUSH on one thread reach all; a
 * function called from many connections on several threads updates keys in two shards without
 * losing an update. (On older Node the option is refused and this file is skipped; the same
 * sharing is tested with worker threads in test/families/functions-threads.test.ts.)
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

const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;

describe.runIf(supportsReusePort())(`functions across io-threads on Node ${process.versions.node}`, () => {
  it('FUNCTION LOAD/REPLACE/DELETE/FLUSH on one thread, FCALL on all of them', async () => {
    const port = await start(2);
    const conns = Array.from({ length: 12 }, () => new Redis({ port, host: '127.0.0.1' }));
    try {
      expect(await conns[0].call('FUNCTION', 'LOAD', lib('t', "redis.register_function('echo', function(k, a) return 'v1:' .. a[1] end)"))).toBe('t');
      expect(await Promise.all(conns.map((c, i) => c.fcall('echo', 0, `c${i}`)))).toEqual(conns.map((_, i) => `v1:c${i}`));
      await conns[7].call('FUNCTION', 'LOAD', 'REPLACE', lib('t', "redis.register_function('echo', function(k, a) return 'v2:' .. a[1] end)"));
      expect(await Promise.all(conns.map((c) => c.fcall('echo', 0, 'x')))).toEqual(conns.map(() => 'v2:x'));
      const counts = await Promise.all(conns.map((c) => c.call('FUNCTION', 'STATS')));
      for (const s of counts) expect(s).toEqual(['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 1]]]);
      await conns[3].call('FUNCTION', 'DELETE', 't');
      const gone = await Promise.all(conns.map((c) => c.fcall('echo', 0, 'x').then(() => 'ok', (e: Error) => e.message)));
      expect(gone).toEqual(conns.map(() => 'ERR Function not found'));

      const [a, b] = keysInShards('fiot', 2);
      await Promise.all(conns.map((c, i) => c.call('FUNCTION', 'LOAD', lib(`l${i}`, `redis.register_function('f${i}', function() return ${i} end)`))));
      expect((await conns[11].call('FUNCTION', 'LIST')) as unknown[]).toHaveLength(12);
      await conns[2].call('FUNCTION', 'LOAD', lib('inc', "redis.register_function('both', function(k, a) redis.call('INCR', k[1]) redis.call('INCR', a[1]) return 1 end)"));
      await Promise.all(conns.map(async (c) => {
        for (let i = 0; i < 200; i++) await c.fcall('both', 1, a, b);
      }));
      expect(await conns[0].mget(a, b)).toEqual(['2400', '2400']);
      await conns[9].call('FUNCTION', 'FLUSH');
      expect(await Promise.all(conns.map((c) => c.call('FUNCTION', 'LIST')))).toEqual(conns.map(() => []));
    } finally {
      for (const c of conns) c.disconnect();
    }
  }, 30000);
});
