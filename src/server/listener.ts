/**
 * TCP listener of one front-end thread: accepts connections and gives each a Connection on this
 * thread's Engine. With io-threads, every io-thread runs one of these on the same port
 * (reusePort), and the kernel spreads connections across them.
 */
import net from 'node:net';
import { Connection } from './connection.js';
import { Offloader } from './offload.js';
import type { Engine } from './engine.js';

export interface ListenOptions {
  port: number;
  host: string;
  reusePort?: boolean;
}

/** `timeout` (seconds, 0 = never): close clients idle for longer, as Redis's clientsCron. */
function closeIdleClients(engine: Engine): void {
  const limit = engine.config.num('timeout') * 1000;
  if (limit <= 0) return;
  const now = Date.now();
  // Redis never times out subscribers (clientsCronHandleTimeout skips CLIENT_PUBSUB).
  for (const cl of [...engine.clients.values()]) if (now - cl.lastInteraction > limit && cl.subCount === 0) cl.kill();
}

export function listen(engine: Engine, opts: ListenOptions): Promise<net.Server> {
  // Connections hand Lua to the store's script worker (server/offload.ts).
  const channels = engine.handle.global.channels;
  if (engine.offload === null && channels !== undefined) engine.offload = new Offloader(engine, channels);
  const server = net.createServer({ noDelay: true }, (socket) => {
    const max = engine.config.num('maxclients');
    if (Atomics.load(engine.gi32, 1) >= max) {
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    new Connection(engine, socket);
  });
  server.maxConnections = 100000;
  let ticks = 0;
  const sampler = setInterval(() => {
    engine.sampleMetrics();
    if (++ticks % 10 === 0) closeIdleClients(engine);
  }, 100);
  sampler.unref();
  server.on('close', () => clearInterval(sampler));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const lo: net.ListenOptions & { reusePort?: boolean } = { port: opts.port, host: opts.host, backlog: 4096 };
    if (opts.reusePort) lo.reusePort = true;
    server.listen(lo, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
