/**
 * Entry point of a shard's owner worker thread. It never serves commands; it runs the shard's
 * upkeep at `hz` times a second: active expiry and incremental rehash/shrink. Its control plane
 * (stats, hz, stop) is a comlink endpoint — never used per command.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './comlink-node.js';
import { Shard, type ShardHandle } from './shard.js';
import { activeExpireCycle, rehashCycle } from './expire.js';
import { PubsubHub } from '../pubsub/hub.js';
import type { PubsubHandle } from '../pubsub/registry.js';
import { Notifier } from '../server/notify.js';

const shard = new Shard((workerData as { handle: ShardHandle }).handle);
// Keys deleted by active expiry are published as "expired" keyspace notifications when that
// class is on: this thread has no subscribers, so its hub only sends to other threads' inboxes.
const pubsub = (workerData as { pubsub?: PubsubHandle }).pubsub;
if (pubsub !== undefined) shard.notifier = new Notifier(new PubsubHub(pubsub));
let hz = (workerData as { hz?: number }).hz ?? 10;
let timer: NodeJS.Timeout | null = null;
let expiredTotal = 0;

function cycle(): void {
  const period = 1000 / hz;
  expiredTotal += activeExpireCycle(shard, period / 4);
  rehashCycle(shard, period / 4);
}

function start(): void {
  if (timer) clearInterval(timer);
  timer = setInterval(cycle, 1000 / hz);
}

const api = {
  setHz(n: number): void {
    hz = n;
    start();
  },
  stats(): { expired: number; heapUsed: number; heapCommitted: number } {
    return { expired: expiredTotal, heapUsed: shard.heap.usedBytes(), heapCommitted: shard.heap.committedBytes() };
  },
  stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
  },
};
export type OwnerApi = typeof api;

start();
Comlink.expose(api, nodeEndpoint(parentPort!));
