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

describe.runIf(supportsReusePort())(`blocking pops across io-threads on Node ${process.versions.node}`, () => {
  it('serves clients blocked on other threads exactly once (replies parked in shared memory)', async () => {
    const { proc, port } = await start(['--shards', '2', '--io-threads', '3']);
    procs.push(proc);
    const connect = async () => {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
      await c.connect();
      return c;
    };
    const blockers = await Promise.all(Array.from({ length: 9 }, connect));
    const pusher = await connect();
    const ids = await Promise.all(blockers.map((c) => c.client('ID')));
    const local = String(await pusher.client('LIST'));
    const remote = ids.filter((id) => !new RegExp(`(^|\\n)id=${id} `).test(local));
    expect(remote.length).toBeGreaterThan(0); // some blockers live on another thread than the pusher

    const got = blockers.map((c) => c.blpop('jobs', 'other', 10));
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 9; i++) await pusher.rpush('jobs', `item${i}`);
    const replies = await Promise.all(got);
    expect(replies.every((r) => r !== null && r[0] === 'jobs')).toBe(true);
    expect(replies.map((r) => r![1]).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `item${i}`).sort());
    expect(await pusher.llen('jobs')).toBe(0);

    // A BLMOVE served from another thread, and a timeout on every thread.
    const moved = blockers[0].blmove('src', 'dst', 'LEFT', 'RIGHT', 10);
    const timeouts = blockers.slice(1).map((c) => c.blpop('never', 0.2));
    await new Promise((r) => setTimeout(r, 200));
    await pusher.rpush('src', 'm');
    expect(await moved).toBe('m');
    expect(await pusher.lrange('dst', 0, -1)).toEqual(['m']);
    expect(await Promise.all(timeouts)).toEqual(Array(8).fill(null));
    await Promise.all([...blockers, pusher].map((c) => c.quit()));
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
