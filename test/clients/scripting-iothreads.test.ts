/**
 * Scripts across io-threads (Node ≥ 22.12): a script loaded through a connection of one thread
 * is found by EVALSHA on every other thread (shared script log, scripting/state.ts), SCRIPT
 * FLUSH on one thread empties every thread's cache, and scripts from many connections on
 * several threads increment the same keys in two shards without losing an update.
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

describe.runIf(supportsReusePort())(`scripts across io-threads on Node ${process.versions.node}`, () => {
  it('EVALSHA finds scripts loaded on other threads; SCRIPT FLUSH reaches every thread', async () => {
    const port = await start(['--shards', '2', '--io-threads', '3']);
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
