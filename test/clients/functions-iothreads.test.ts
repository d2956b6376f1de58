/**
 * Functions across io-threads (Node ≥ 22.12): a library loaded through a connection of one
 * thread is called through connections of every thread (shared registry,
 * scripting/functions-registry.ts); REPLACE, DELETE and FLUSH on one thread reach all; a
 * function called from many connections on several threads updates keys in two shards without
 * losing an update. (On older Node the option is refused and this file is skipped; the same
 * sharing is tested with worker threads in test/families/functions-threads.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { supportsReusePort } from '../../src/server/server.js';
import { keysInShards } from '../helpers/types-kit.js';

const serverJs = fileURLToPath(new URL('../../dist/cli/server.js', import.meta.url));
const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
});

function start(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [serverJs, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(proc);
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Ready to accept connections tcp on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const lib = (name: string, body: string) => `#!lua name=${name}\n${body}`;

describe.runIf(supportsReusePort())(`functions across io-threads on Node ${process.versions.node}`, () => {
  it('FUNCTION LOAD/REPLACE/DELETE/FLUSH on one thread, FCALL on all of them', async () => {
    const port = await start(['--shards', '2', '--io-threads', '3']);
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
