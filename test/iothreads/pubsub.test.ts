/**
 * Pub/sub across io-threads (Node ≥ 22.12): subscribers and publishers spread over three
 * front-end threads. Messages for another thread's subscribers go through that thread's inbox
 * ring in shared memory; PUBLISH counts the receivers on every thread exactly; each publisher's
 * messages reach every subscriber in order; PUBSUB sees every thread's subscriptions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { supportsReusePort } from '../../src/server/server.js';
import { waitUntil } from '../helpers/server.js';

const serverJs = fileURLToPath(new URL('../../dist/cli/server.js', import.meta.url));

function start(args: string[]): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [serverJs, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Ready to accept connections tcp on [\d.]+:(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

const procs: ChildProcess[] = [];
const conns: Redis[] = [];
afterAll(() => {
  for (const c of conns) c.disconnect();
  for (const p of procs) p.kill('SIGKILL');
});

describe.runIf(supportsReusePort())(`pub/sub across io-threads on Node ${process.versions.node}`, () => {
  it('counts and delivers across threads, in each publisher\'s order, big messages included', async () => {
    const { proc, port } = await start(['--shards', '2', '--io-threads', '3']);
    procs.push(proc);
    const connect = async (protocol: 2 | 3 = 3) => {
      const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, protocol, maxRetriesPerRequest: 1 });
      await c.connect();
      conns.push(c);
      return c;
    };
    // 9 subscribers: 3 on the channel, 3 on a pattern, 3 on the shard channel.
    const subs = await Promise.all(Array.from({ length: 9 }, (_, i) => connect(i % 2 === 0 ? 2 : 3)));
    const pubs = await Promise.all(Array.from({ length: 4 }, () => connect()));
    const publishers = pubs.length, perPublisher = 2500;
    const state = subs.map(() => ({ next: new Array(publishers).fill(0), count: 0, big: 0, errors: [] as string[] }));
    subs.forEach((s, i) => {
      const on = (m: string) => {
        const st = state[i];
        if (m.startsWith('big:')) {
          st.big++;
          if (m.length !== 700_000) st.errors.push(`big message of ${m.length} bytes`);
          return;
        }
        const [p, n] = m.split(':').map(Number);
        if (n !== st.next[p] && st.errors.length < 5) st.errors.push(`sub ${i}: publisher ${p} sent ${n} after ${st.next[p] - 1}`);
        st.next[p] = n + 1;
        st.count++;
      };
      s.on('message', (_c: string, m: string) => on(m));
      s.on('pmessage', (_p: string, _c: string, m: string) => on(m));
      s.on('smessage', (_c: string, m: string) => on(m));
    });
    for (let i = 0; i < 9; i++) {
      if (i < 3) await subs[i].subscribe('it:ch');
      else if (i < 6) await subs[i].psubscribe('it:*');
      else await subs[i].ssubscribe('it:sh');
    }
    // The connections really are on more than one thread: CLIENT LIST shows one thread's.
    const lists = await Promise.all(pubs.map(async (p) => String(await p.client('LIST')).trim().split('\n').length));
    expect(Math.min(...lists)).toBeLessThan(13);
    // Every thread sees every subscription.
    for (const p of pubs) {
      expect(await p.pubsub('NUMSUB', 'it:ch')).toEqual(['it:ch', 3]);
      expect(await p.pubsub('NUMPAT')).toBe(1);
      expect(await p.pubsub('SHARDNUMSUB', 'it:sh')).toEqual(['it:sh', 3]);
      expect(await p.pubsub('CHANNELS', 'it:*')).toEqual(['it:ch']);
    }
    await Promise.all(pubs.map(async (pub, p) => {
      for (let start = 0; start < perPublisher; start += 250) {
        const pl = pub.pipeline();
        for (let n = start; n < start + 250; n++) {
          pl.publish('it:ch', `${p}:${n}`);
          pl.spublish('it:sh', `${p}:${n}`);
        }
        const res = (await pl.exec())!;
        for (let k = 0; k < res.length; k++) {
          expect(res[k][0]).toBeNull();
          // Exact across threads: 3 channel + 3 pattern subscribers; 3 shard subscribers.
          expect(res[k][1]).toBe(k % 2 === 0 ? 6 : 3);
        }
        if (p === 0 && start === 1000) {
          expect(await pub.publish('it:ch', `big:${'b'.repeat(700_000 - 4)}`)).toBe(6);
        }
      }
    }));
    await waitUntil(() => state.every((s) => s.count === publishers * perPublisher && (s.big === 1 || s.big === 0)), 30000);
    for (const [i, s] of state.entries()) {
      expect(s.errors).toEqual([]);
      expect(s.next).toEqual(new Array(publishers).fill(perPublisher));
      expect(s.big).toBe(i < 6 ? 1 : 0);
    }
    // Disconnects on one thread are seen by the others' counts.
    await Promise.all(subs.slice(0, 3).map((s) => s.quit()));
    await waitUntil(async () => (await pubs[1].publish('it:ch', 'after')) === 3, 5000);
    expect(await pubs[2].pubsub('NUMSUB', 'it:ch')).toEqual(['it:ch', 0]);
  });
});
