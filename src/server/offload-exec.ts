/**
 * EXEC of a transaction that queued a script (EVAL*, FCALL*): the whole transaction runs in the
 * script worker, so the script inside it does not run on a front end either.
 *
 * The front end (handOver) sends, instead of taking locks: the client's WATCH entries, whose
 * shared references (server/watch.ts refs) pass to the worker with them, and every queued
 * command's arguments. The worker (runHandedExec) queues the commands on a MULTI of its own
 * client, gives it the watch entries and runs EXEC through Engine.execute: the same lock union
 * (every shard, as for any transaction holding a script), the same WATCH check under those
 * locks, and the same EXEC reply as a front end would give.
 *
 *   [u8 kind = 3][u8 resp][u8 db][u8 0][u32 client id][u32 watched]
 *   watched × [u32 shard][u32 db][u32 a][u32 b][u32 countA][u32 countB][u32 flushEpoch]
 *             [u32 swapEpoch][u32 existed][f64 expireAt][u32 len][key]
 *   [u32 commands] commands × ([u32 argc] ([u32 len][bytes])*)
 *
 * Known difference: a SELECT queued in such a transaction changes the db of the worker's copy
 * of the client only; the connection keeps its db after EXEC (Redis would switch it).
 */
import { Ctx } from '../commands/context.js';
import type { Engine } from './engine.js';
import type { Offloader } from './offload.js';
import { Req } from './offload.js';
import type { TxState } from './transaction.js';
import type { WatchEntry } from './watch.js';
import type { Client } from './client.js';
import type { RespWriter } from '../protocol/resp-writer.js';

/** Front end: send the client's transaction to the script worker; the worker replies EXEC. */
export function handOver(off: Offloader, client: Client, tx: TxState): void {
  off.begin(Req.Exec, client);
  off.word(tx.watched.length);
  const f64 = Buffer.allocUnsafe(8);
  for (const e of tx.watched) {
    for (const v of [e.shard, e.db, e.a, e.b, e.countA, e.countB, e.flushEpoch, e.swapEpoch, e.existed ? 1 : 0]) off.word(v);
    f64.writeDoubleLE(e.expireAt, 0);
    off.word(f64.readUInt32LE(0));
    off.word(f64.readUInt32LE(4));
    off.blob(e.key, 0, e.key.length);
  }
  off.word(tx.count);
  for (let j = 0; j < tx.count; j++) off.argv(tx.buf, tx.offs, tx.lens, tx.first[j], tx.argc[j]);
  tx.watched = []; // the worker now owns these references and unwatches them
  off.end(client);
}

export type ReadArgv = (msg: Uint8Array, at: number) => { argc: number; end: number; offs: Int32Array; lens: Int32Array };

const kMulti = Buffer.from('MULTI');
const kExec = Buffer.from('EXEC');

/** Run one command (a single argument) through execute on the worker's ctx. */
function runWord(engine: Engine, c: Ctx, word: Buffer): void {
  c.buf = word;
  c.offs = Int32Array.of(0);
  c.lens = Int32Array.of(word.length);
  c.argc = 1;
  engine.execute(c, true);
}

/** Worker: run a transaction sent by handOver; the EXEC reply goes to c.reply. */
export function runHandedExec(engine: Engine, c: Ctx, out: RespWriter, msg: Buffer, readArgv: ReadArgv): void {
  let at = 8;
  const nw = msg.readUInt32LE(at);
  at += 4;
  const watched: WatchEntry[] = [];
  for (let i = 0; i < nw; i++) {
    const w = (k: number) => msg.readUInt32LE(at + 4 * k);
    const e = {
      shard: w(0), db: w(1), a: w(2), b: w(3), countA: w(4), countB: w(5), flushEpoch: w(6), swapEpoch: w(7),
      existed: w(8) === 1, expireAt: msg.readDoubleLE(at + 36), key: Buffer.alloc(0),
    };
    at += 44;
    const klen = msg.readUInt32LE(at);
    e.key = Buffer.from(msg.subarray(at + 4, at + 4 + klen));
    at += 4 + klen;
    watched.push(e);
  }
  const n = msg.readUInt32LE(at);
  at += 4;
  const client = c.client;
  runWord(engine, c, kMulti);
  for (let j = 0; j < n; j++) {
    const { argc, end, offs, lens } = readArgv(msg, at);
    c.buf = msg;
    c.offs = offs;
    c.lens = lens;
    c.argc = argc;
    engine.execute(c, true); // queued: +QUEUED, dropped below
    at = end;
  }
  out.discard();
  if (client.tx === null) throw new Error('EXEC hand-over: no transaction');
  client.tx.watched = watched;
  runWord(engine, c, kExec);
}
