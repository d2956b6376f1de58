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
import { getU32 } from '../sab/bytes.js';
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

/** Point offs/lens at the argument vector that starts at byte `at` of d; returns the end. */
function readArgv(d: Uint8Array, at: number): { argc: number; end: number; offs: Int32Array; lens: Int32Array } {
  const argc = getU32(d, at);
  at += 4;
  if (offs.length < argc) {
    offs = new Int32Array(argc * 2);
    lens = new Int32Array(argc * 2);
  }
  for (let i = 0; i < argc; i++) {
    const n = getU32(d, at);
    offs[i] = at + 4;
    lens[i] = n;
    at += 4 + n;
    if (at > d.length) throw new RangeError('script worker: truncated request');
  }
  return { argc, end: at, offs, lens };
}

function text(d: Uint8Array, i: number, enc: BufferEncoding): string {
  return Buffer.from(d.buffer, d.byteOffset + offs[i], lens[i]).toString(enc);
}

/** Serve one request: bytes [at, at + len) of d, in the request ring (valid during this call only). */
function serve(t: number, d: Uint8Array, at: number, len: number): void {
  const kind = d[at];
  if (kind === Req.Config) {
    try {
      readArgv(d, at + 8);
      engine.config.set(text(d, 0, 'latin1'), text(d, 1, 'utf8'), true);
    } catch (err) {
      console.error('spindle: script worker: bad config message', err);
    }
    return;
  }
  client.resp = writer.resp = d[at + 1] === 3 ? 3 : 2;
  client.db = d[at + 2];
  try {
    if (kind === Req.Exec) runHandedExec(engine, ctx, writer, Buffer.from(d.subarray(at, at + len)), readArgv);
    else {
      const { argc } = readArgv(d, at + 8);
      ctx.buf = d;
      ctx.offs = offs;
      ctx.lens = lens;
      ctx.argc = argc;
      engine.execute(ctx, true);
    }
  } catch (err) {
    // A bug must not take the worker down or leave half a reply: the requester gets an error.
    writer.discard();
    writer.error(`ERR internal error: ${(err as Error).message}`);
    console.error('spindle: script worker error', err);
  } finally {
    engine.releaseLocks();
    if (client.tx !== null) engine.tx.release(client); // a failed hand-over leaves no MULTI behind
  }
  const errors = writer.errors;
  writer.errorCodes.length = 0;
  channels.respondFrom(t, errors, writer);
}

const servers: ((d: Uint8Array, at: number, len: number) => void)[] = [];
function serverOf(t: number): (d: Uint8Array, at: number, len: number) => void {
  return (servers[t] ??= (d, at, len) => serve(t, d, at, len));
}

/**
 * Serve until every ring is empty or kYieldMs has passed; then let the event loop run. When the
 * store asks it to stop, it schedules nothing more, so the thread ends on its own (Node 24's V8
 * can abort the process when a thread that ran wasm is terminated while it tiers code up).
 */
function round(): void {
  if (channels.stopping()) return;
  const until = Date.now() + kYieldMs;
  for (;;) {
    if (channels.stopping()) return;
    let served = 0;
    const n = channels.count();
    for (let t = 0; t < n; t++) served += channels.pollRaw(t, serverOf(t));
    if (Date.now() >= until) break;
    if (served === 0 && !channels.sleep(kIdleWaitMs)) break;
  }
  setImmediate(round);
}

round();
