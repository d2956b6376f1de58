/**
 * A store: the shard memory plus one owner worker per shard. Shared by the server and the
 * embedded API. Threads that serve commands (front ends, embedded callers) build an Engine on
 * top of `handle`; the owner workers only do upkeep.
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Shard } from './shard/shard.js';
import { createGlobal, type StoreHandle } from './server/engine.js';
import { nodeEndpoint } from './shard/comlink-node.js';
import { workerUrl } from './worker-url.js';
import type { OwnerApi } from './shard/owner-worker.js';
import { requestStop } from './sab/channels.js';

export interface StoreOptions {
  shards?: number;
  hz?: number;
  initialHeapBytes?: number;
}

/** How long close() waits for the script worker to end by itself before terminating it. */
const kStopWaitMs = 2000;

export class Store {
  readonly handle: StoreHandle;
  private readonly workers: Worker[] = [];
  /** The script worker (scripting/script-worker.ts); stopped first, and gently, by close(). */
  private scriptWorker: Worker | null = null;
  readonly owners: Comlink.Remote<OwnerApi>[] = [];

  private constructor(handle: StoreHandle) {
    this.handle = handle;
  }

  static create(opts: StoreOptions = {}): Store {
    const n = Math.max(1, opts.shards ?? 1);
    const shards = [];
    for (let i = 0; i < n; i++) shards.push(Shard.create(i, opts.initialHeapBytes));
    const store = new Store({ shards, global: createGlobal() });
    for (const h of shards) {
      const w = new Worker(workerUrl('./shard/owner-worker.js', import.meta.url), {
        // pubsub: active expiry publishes "expired" keyspace notifications (server/notify.ts).
        workerData: { handle: h, hz: opts.hz ?? 10, pubsub: store.handle.global.pubsub },
      });
      w.unref();
      // An upkeep failure must not take the store down: lazy expiry still works without it.
      w.on('error', (err) => console.error(`spindle: owner worker of shard ${h.id} stopped:`, err));
      store.workers.push(w);
      store.owners.push(Comlink.wrap<OwnerApi>(nodeEndpoint(w)));
    }
    // The script worker runs every Lua script and function sent by a connection (DESIGN.md §1).
    const sw = new Worker(workerUrl('./scripting/script-worker.js', import.meta.url), { workerData: { handle: store.handle } });
    sw.unref();
    sw.on('error', (err) => console.error('spindle: script worker stopped:', err));
    store.scriptWorker = sw;
    return store;
  }

  setHz(hz: number): void {
    for (const o of this.owners) void o.setHz(hz);
  }

  async close(): Promise<void> {
    const sw = this.scriptWorker;
    this.scriptWorker = null;
    if (sw !== null) {
      // Let it end on its own (channels stop word); terminate only one that does not (a script
      // that never ends).
      const exited = new Promise<void>((resolve) => sw.once('exit', () => resolve()));
      requestStop(this.handle.global.channels!);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), kStopWaitMs)));
      if (await Promise.race([exited.then(() => false), late])) await sw.terminate();
      clearTimeout(timer);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
