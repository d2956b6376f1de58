/**
 * Entry point of the script worker: the coordinator thread that runs every Lua script and
 * function sent by the front ends (DESIGN.md §1, "long work runs off the front end").
 *
 * It holds an Engine of its own on the store's shared memory and serves the channels of
 * sab/channels.ts: for each request it takes the shard locks the command needs, sleeping in
 * Atomics.wait when one is busy (this thread serves nobody else, so it may block), executes the
 * command through the same Engine.execute path as a front end, releases the locks, and writes
 * the reply bytes back on the requester's channel. SCRIPT KILL and busy-reply-threshold work
 * through the shared flag words (scripting/state.ts) that the Lua VM's instruction hook checks.
 *
 * Requests of one channel are served in order; channels are taken round robin, a batch at a
 * time. When every ring is empty it sleeps on the channels' doorbell, and it yields to its own
 * event loop at least every kYieldMs so control messages and timers still run.
 */
import { workerData } from 'node:worker_threads';
import { Ctx } from '../commands/context.js';
import { RespWriter } from '../protocol/resp-writer.js';
import { Client } from '../server/client.js';
import type { StoreHandle } from '../server/engine.js';
import { engineFor } from '../server/server.js';
import { WorkerChannels } from '../sab/channels.js';
import { Req } from '../server/offload.js';
import { runHandedExec } from '../server/offload-exec.js';
import { Scripting } from './runtime.js';

const { handle } = workerData as { handle: StoreHandle };
const engine = engineFor(handle, []);
const channels = new WorkerChannels(handle.global.channels!);
const writer = new RespWriter();
/** The requester, as seen by the command: its protocol and db travel with each request. */
const client = new Client(0, 'script-worker', '', -1, false);
const ctx = new Ctx(engine, client, writer);
Scripting.onHook = () => channels.wakeAll(); // responses before a long script leave now
const kYieldMs = 20;
const kIdleWaitMs = 50;

let offs = new Int32Array(16);
let lens = new Int32Array(16);

/** Point offs/lens at the argument vector that starts at byte `at` of msg; returns the end. */
function readArgv(msg: Buffer, at: number): { argc: number; end: number; offs: Int32Array; lens: Int32Array } {
  const argc = msg.readUInt32LE(at);
  at += 4;
  if (offs.length < argc) {
    offs = new Int32Array(argc * 2);
    lens = new Int32Array(argc * 2);
  }
  for (let i = 0; i < argc; i++) {
    const n = msg.readUInt32LE(at);
    offs[i] = at + 4;
    lens[i] = n;
    at += 4 + n;
  }
  return { argc, end: at, offs, lens };
}

function header(msg: Buffer): void {
  client.resp = writer.resp = msg[1] === 3 ? 3 : 2;
  client.db = msg[2];
}

/** Serve one request; msg is a view of the request ring, valid during this call only. */
function serve(t: number, msg: Buffer): void {
  const kind = msg[0];
  if (kind === Req.Config) {
    try {
      readArgv(msg, 8);
      const name = msg.toString('latin1', offs[0], offs[0] + lens[0]);
      const value = msg.toString('utf8', offs[1], offs[1] + lens[1]);
      engine.config.set(name, value, true);
    } catch (err) {
      console.error('spindle: script worker: bad config message', err);
    }
    return;
  }
  header(msg);
  try {
    if (kind === Req.Exec) runHandedExec(engine, ctx, writer, msg, readArgv);
    else {
      const { argc } = readArgv(msg, 8);
      ctx.buf = msg;
      ctx.offs = offs;
      ctx.lens = lens;
      ctx.argc = argc;
      engine.execute(ctx, true);
    }
  } catch (err) {
    writer.error(`ERR internal error: ${(err as Error).message}`);
    console.error('spindle: script worker error', err);
  } finally {
    engine.releaseLocks();
  }
  const errors = writer.errors;
  writer.errorCodes.length = 0;
  channels.respondParts(t, errors, writer.flushParts());
}

/** Serve until every ring is empty or kYieldMs has passed; then let the event loop run. */
function round(): void {
  const until = Date.now() + kYieldMs;
  for (;;) {
    let served = 0;
    const n = channels.count();
    for (let t = 0; t < n; t++) served += channels.poll(t, (m) => serve(t, m));
    if (Date.now() >= until) break;
    if (served === 0 && !channels.sleep(kIdleWaitMs)) break;
  }
  setImmediate(round);
}

round();
