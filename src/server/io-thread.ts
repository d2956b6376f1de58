/**
 * An io-thread (Node ≥ 22.12): a complete front end in a worker thread. It attaches to the
 * store's shared memory, builds its own Engine and listens on the shared port with reusePort.
 * It reports its bound port once (control plane), then serves sockets with no messages at all.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type net from 'node:net';
import { engineFor } from './server.js';
import { listen } from './listener.js';
import type { StoreHandle } from './engine.js';

const data = workerData as { handle: StoreHandle; settings: [string, string][]; port: number; host: string };
const engine = engineFor(data.handle, data.settings);
listen(engine, { port: data.port, host: data.host, reusePort: true }).then(
  (server) => parentPort!.postMessage({ port: (server.address() as net.AddressInfo).port }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
