/**
 * io-threads: several worker threads each run a full front end on the same port (reusePort,
 * Node ≥ 22.12) over the same shard memory. Connections spread over the threads write and read
 * the same keys; every increment must land and every thread must see every write.
 * On Node 20 the option is refused with a clear message, which is tested instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { supportsReusePort } from '../../src/server/server.js';

const serverJs = fileURLToPath(new URL('../../dist/cli/server.js', import.meta.url));

function start(args: string[]): Promise<{ proc: ChildProcess; port: number; out: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [serverJs, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const onData = (d: Buffer) => {
      out.push(d.toString());
      const m = /Ready to accept connections tcp on [\d.]+:(\d+)/.exec(out.join(''));
      if (m) resolve({ proc, port: Number(m[1]), out });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out.join('')}`)));
  });
}

const procs: ChildProcess[] = [];
afterAll(() => {
  for (const p of procs) p.kill('SIGKILL');
});

describe.runIf(supportsReusePort())(`io-threads on Node ${process.versions.node}`, () => {
  it('spreads connections over threads that share every key', async () => {
    const { proc, port } = await start(['--shards', '2', '--io-threads', '3']);
    procs.push(proc);
    const conns = Array.from({ length: 12 }, () => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
    await Promise.all(conns.map((c) => c.connect()));
    // Each connection sees only its own thread's clients in CLIENT LIST: fewer than 12
    // for at least one connection proves more than one thread serves them.
    const seen = await Promise.all(conns.map(async (c) => String(await c.client('LIST')).trim().split('\n').length));
    expect(Math.min(...seen)).toBeLessThan(12);
    const ids = await Promise.all(conns.map((c) => c.client('ID')));
    expect(new Set(ids).size).toBe(12);

    const rounds = 500;
    await Promise.all(conns.map(async (c, i) => {
      for (let r = 0; r < rounds; r++) {
        const p = c.pipeline();
        p.incr('shared:counter');
        p.set(`k:${i}:${r}`, `v:${i}:${r}`);
        p.mset(`{a}:${r % 7}`, `x${i}`, `{b}:${r % 7}`, `x${i}`);
        await p.exec();
      }
    }));
    for (const c of conns) expect(await c.get('shared:counter')).toBe(String(12 * rounds));
    // Every thread reads every other thread's writes.
    for (let i = 0; i < conns.length; i++) {
      const other = conns[(i + 5) % conns.length];
      expect(await other.get(`k:${i}:${rounds - 1}`)).toBe(`v:${i}:${rounds - 1}`);
    }
    expect(await conns[0].dbsize()).toBe(1 + 12 * rounds + 14);
    await Promise.all(conns.map((c) => c.quit()));
  });
});

describe.runIf(!supportsReusePort())(`io-threads on Node ${process.versions.node}`, () => {
  it('refuses --io-threads with a clear message', async () => {
    await expect(start(['--io-threads', '2'])).rejects.toThrow(/needs Node\.js 22\.12 or later/);
  });

  it('serves normally with one io-thread', async () => {
    const { proc, port } = await start(['--shards', '2']);
    procs.push(proc);
    const sock = net.connect(port, '127.0.0.1');
    const reply = await new Promise<string>((r) => {
      sock.once('data', (d) => r(d.toString()));
      sock.write('PING\r\n');
    });
    expect(reply).toBe('+PONG\r\n');
    sock.destroy();
  });
});
