/**
 * Server assembly: Store (shards + owner workers) + this thread's Engine + listener, and, with
 * io-threads on Node ≥ 22.12, N worker threads that each run the same front end on the same
 * port with reusePort.
 */
import type net from 'node:net';
import { Worker } from 'node:worker_threads';
import { ALL_FAMILIES } from '../commands/families/index.js';
import { kRedisVersion } from '../commands/families/connection.js';
import { Store } from '../store.js';
import { Config } from './config.js';
import { Engine, type StoreHandle } from './engine.js';
import { listen } from './listener.js';
import { workerUrl } from '../worker-url.js';

export const kVersion = '0.1.0';

export interface RunningServer {
  port: number;
  version: string;
  redisVersion: string;
  ioThreads: number;
  engine: Engine | null;
  close(): Promise<void>;
}

/** reusePort for net.Server.listen arrived in Node 22.12 / 23.1. */
export function supportsReusePort(version = process.versions.node): boolean {
  const [maj, min] = version.split('.').map(Number);
  return maj > 23 || (maj === 23 && min >= 1) || (maj === 22 && min >= 12);
}

export async function startServer(config: Config, store?: Store): Promise<RunningServer> {
  const ioThreads = config.num('io-threads');
  if (ioThreads > 1 && !supportsReusePort()) {
    throw new Error(`--io-threads ${ioThreads} needs Node.js 22.12 or later (SO_REUSEPORT listening); ` +
      `this is Node.js ${process.versions.node}. Run with --io-threads 1, or upgrade Node.js.`);
  }
  const own = store === undefined;
  const st = store ?? Store.create({ shards: config.num('shards') || 1, hz: config.num('hz') });
  const port = config.num('port'), host = config.str('bind');
  if (ioThreads > 1) {
    const workers: Worker[] = [];
    let boundPort = port;
    for (let i = 0; i < ioThreads; i++) {
      const w = new Worker(workerUrl('./io-thread.js', import.meta.url), {
        workerData: { handle: st.handle, settings: configEntries(config), port: boundPort, host },
      });
      boundPort = await new Promise<number>((resolve, reject) => {
        w.once('message', (m: { port?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve(m.port!)));
        w.once('error', reject);
      });
      workers.push(w);
    }
    return {
      port: boundPort, version: kVersion, redisVersion: kRedisVersion, ioThreads, engine: null,
      async close() {
        await Promise.all(workers.map((w) => w.terminate()));
        if (own) await st.close();
      },
    };
  }
  const engine = new Engine(st.handle, config, ALL_FAMILIES);
  config.onChange = (name, value) => {
    if (name === 'hz') st.setHz(Number(value));
  };
  const server = await listen(engine, { port, host });
  return {
    port: (server.address() as net.AddressInfo).port, version: kVersion, redisVersion: kRedisVersion,
    ioThreads: 1, engine,
    async close() {
      for (const cl of engine.clients.values()) cl.kill();
      await new Promise<void>((r) => server.close(() => r()));
      if (own) await st.close();
    },
  };
}

export function configEntries(config: Config): [string, string][] {
  return config.names().map((n) => [n, String(config.get(n))]);
}

export function engineFor(handle: StoreHandle, settings: [string, string][]): Engine {
  const config = new Config();
  for (const [k, v] of settings) config.set(k, v, true);
  return new Engine(handle, config, ALL_FAMILIES);
}
