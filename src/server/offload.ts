/**
 * The front end's side of running commands in the script worker (DESIGN.md §1: no Lua runs on
 * a front-end thread, so a script that never ends cannot freeze every connection).
 *
 * Commands registered with `offload: true` (EVAL*, FCALL*, SCRIPT LOAD, FUNCTION LOAD/…) are
 * encoded into this thread's request ring (sab/channels.ts) instead of being executed. The
 * connection keeps going with later offloaded commands (they queue behind it, so one turn's
 * scripts travel as one batch) and parks at its first ordinary command until every response
 * has been written, so replies leave in request order. Responses are read at the end of each
 * connection turn and, when the thread is idle, on an Atomics.waitAsync backstop.
 *
 * Request:  [u8 kind = 1][u8 resp][u8 db][u8 0][u32 client id][u32 argc] ([u32 len][bytes])*
 *           [u8 kind = 2] ([u32 len][bytes]) × 2: CONFIG SET name value (no response)
 *           [u8 kind = 3] … EXEC with its locks handed over (server/offload-exec.ts)
 * Response: [u32 error replies][reply bytes, RESP as the client speaks it]
 *
 * BUSY: while a script or function is past busy-reply-threshold, an offloaded command gets
 * Redis's BUSY error at once (the worker is the one running the script), and so does a command
 * whose shard lock the script holds (Engine.execute). Commands of other shards keep running.
 */
import type { Ctx } from '../commands/context.js';
import { ClientChannel } from '../sab/channels.js';
import { copyBytes } from '../sab/bytes.js';
import { EFn, ELua } from '../errors.js';
import { SW, functionFlags } from '../scripting/state.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';

export const enum Req {
  Command = 1,
  Config = 2,
  Exec = 3,
}


export class Offloader {
  private readonly ch: ClientChannel;
  private readonly waiting: (Client | null)[] = [];
  private head = 0;
  private listening = false;
  private enc = Buffer.allocUnsafe(4096);
  private len = 0;
  private readonly flags: Int32Array | null;
  private readonly fnFlags: Int32Array | null;

  constructor(private readonly engine: Engine, sab: SharedArrayBuffer) {
    this.ch = new ClientChannel(sab);
    const scripts = engine.handle.global.scripts;
    this.flags = scripts === undefined ? null : new Int32Array(scripts, 0, 16);
    this.fnFlags = this.flags === null ? null : functionFlags(this.flags);
    // Settings reach the worker in order with this thread's requests; those kept in shared
    // memory (notify-keyspace-events) are not sent: a late copy would overwrite a newer value.
    const cfg = engine.config;
    for (const k of cfg.names()) if (!cfg.isLive(k)) this.sendConfig(k, String(cfg.get(k)));
    cfg.listen((name, value) => {
      if (!cfg.isLive(name)) this.sendConfig(name, String(value));
    });
  }

  /** Redis's BUSY text while a script or a function is past busy-reply-threshold, else null. */
  busyText(): string | null {
    const f = this.flags;
    if (f === null) return null;
    if (Atomics.load(f, SW.Busy) > 0) return ELua.busy;
    if (Atomics.load(this.fnFlags!, SW.Busy) > 0) return EFn.busyFunction;
    return null;
  }

  // ------------------------------------------------------------------ encoding

  private room(n: number): void {
    if (this.len + n <= this.enc.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.enc.length * 2, this.len + n));
    this.enc.copy(nb, 0, 0, this.len);
    this.enc = nb;
  }

  private u8(v: number): void {
    this.room(1);
    this.enc[this.len++] = v;
  }

  private u32(v: number): void {
    this.room(4);
    this.enc.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }

  /** Append [u32 n][bytes]. */
  blob(b: Uint8Array, off: number, n: number): void {
    this.u32(n);
    this.room(n);
    copyBytes(this.enc, this.len, b, off, n);
    this.len += n;
  }

  /** Start a request of this kind for client cl (kind, resp, db, client id). */
  begin(kind: Req, cl: Client | null): void {
    this.len = 0;
    this.u8(kind);
    this.u8(cl?.resp ?? 2);
    this.u8(cl?.db ?? 0);
    this.u8(0);
    this.u32(cl?.id ?? 0);
  }

  /** Append the arguments of c (argc, then each one). */
  args(c: Ctx): void {
    this.u32(c.argc);
    for (let i = 0; i < c.argc; i++) this.blob(c.buf, c.offs[i], c.lens[i]);
  }

  /** Append a whole argument vector from (buf, offs, lens) starting at `first`. */
  argv(buf: Uint8Array, offs: Int32Array, lens: Int32Array, first: number, argc: number): void {
    this.u32(argc);
    for (let i = first; i < first + argc; i++) this.blob(buf, offs[i], lens[i]);
  }

  word(v: number): void {
    this.u32(v);
  }

  /** Send the request built since begin(); its response goes to cl (null: none expected). */
  end(cl: Client | null): void {
    this.ch.send(this.enc, this.len); // copied into the ring (or the outbox)
    if (cl === null) return;
    this.waiting.push(cl);
    cl.outstanding++;
    this.listen();
  }

  /** Run the command in c in the script worker; its reply reaches c.client.offloadDone. */
  submit(c: Ctx): void {
    this.begin(Req.Command, c.client);
    this.args(c);
    this.end(c.client);
  }

  private sendConfig(name: string, value: string): void {
    this.begin(Req.Config, null);
    const n = Buffer.from(name), v = Buffer.from(value);
    this.u32(2);
    this.blob(n, 0, n.length);
    this.blob(v, 0, v.length);
    this.end(null);
  }

  // ------------------------------------------------------------------ responses

  /** Deliver the responses that have arrived (cheap when none is outstanding). */
  poll(): void {
    if (this.head === this.waiting.length) return;
    this.ch.receiveRaw((d, off, len) => {
      const cl = this.waiting[this.head];
      this.waiting[this.head++] = null;
      if (cl === null || cl === undefined) return;
      cl.outstanding--;
      cl.offloadDone?.(d, off, len);
    });
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    if (this.ch.backlog > 0) this.ch.flush();
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    void this.ch.waitForResponse(100).then(() => {
      this.listening = false;
      this.poll();
      if (this.head !== this.waiting.length) this.listen();
    });
  }
}
