/**
 * MULTI/EXEC on one front-end thread (Redis 7.0 multi.c semantics, atomic across shards).
 *
 * Queueing. A client in MULTI has a TxState. Engine.execute hands every command of such a
 * client to intercept() first, which does Redis's processCommand checks (unknown command or
 * subcommand, arity, auth, no-multi) and, for anything but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET,
 * copies the arguments into the state's byte buffer and replies +QUEUED. A check that fails
 * replies the error at once and flags the transaction, so EXEC replies EXECABORT; an EXEC that
 * itself fails a check discards the transaction with "EXECABORT ... because of: <error>".
 *
 * Locking. Each command is routed when it is queued (its key shards kept with its arguments),
 * so EXEC knows the union of the shards its commands need, plus the shards of the keys the
 * client watches, and takes it with the engine's acquire() (ascending order, try-lock; a busy
 * shard parks the connection and EXEC is retried from the start, nothing having run). The
 * EXEC handler then checks the watches and runs each queued command's handler as
 * Engine.execute would, without releasing or re-taking anything, so no client on any thread
 * sees part of a transaction.
 *
 * Inside EXEC: one clock reading for every command (Redis freezes time in EXEC, so no key
 * expires half-way); blocking commands cannot block (Client.unblock is null while EXEC runs, so
 * BLPOP & co. reply as on timeout); clients blocked on keys the transaction fills are served
 * once, after EXEC (the engine serves ready keys after the EXEC command, not after each
 * queued one).
 *
 * WATCH state lives in the same TxState (a client may watch without being in MULTI); the
 * shared-memory side is server/watch.ts.
 */
import type { Ctx } from '../commands/context.js';
import { F, lookupSub, type Command } from '../commands/registry.js';
import { E, ET } from '../errors.js';
import type { Client } from './client.js';
import type { Engine } from './engine.js';
import { unknownCommandText } from './engine.js';
import type { WatchEntry, WatchTable } from './watch.js';
import { copyBytes } from '../sab/bytes.js';
import { handOver } from './offload-exec.js';

/** Per-client transaction state: the queue (MULTI) and the watched keys (WATCH). */
export class TxState {
  multi = false;
  /** An error while queueing: EXEC replies EXECABORT. */
  aborted = false;
  /** Queued commands: cmds[0, count) (the array is reused, not shrunk). */
  cmds: Command[] = [];
  count = 0;
  /** Per queued command: index of its first argument in offs/lens, its argc, its shard mask. */
  first = new Int32Array(16);
  argc = new Int32Array(16);
  masks = new Int32Array(16);
  /** Union of the queued commands' shard masks: what EXEC locks (with the watched keys' shards). */
  lockMask = 0;
  buf: Buffer = Buffer.allocUnsafe(1024);
  used = 0;
  /** Per queued argument: offset and length in buf, and its shard when it is a key (keyShard). */
  offs = new Int32Array(64);
  lens = new Int32Array(64);
  shards = new Int32Array(64);
  nargs = 0;
  watched: WatchEntry[] = [];
  /** Queued commands that run Lua (Registration.offload): EXEC then runs in the script worker. */
  offloads = 0;

  /** Queue the command in c, routed (c.keyShard filled) to the shards of `mask`. */
  queue(c: Ctx, cmd: Command, mask: number): void {
    let bytes = 0;
    for (let i = 0; i < c.argc; i++) bytes += c.lens[i];
    if (this.used + bytes > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + bytes));
      this.buf.copy(nb, 0, 0, this.used);
      this.buf = nb;
    }
    if (this.nargs + c.argc > this.offs.length) {
      const n = Math.max(this.offs.length * 2, this.nargs + c.argc);
      const o = new Int32Array(n), l = new Int32Array(n), sh = new Int32Array(n);
      o.set(this.offs);
      l.set(this.lens);
      sh.set(this.shards);
      this.offs = o;
      this.lens = l;
      this.shards = sh;
    }
    const k = this.count++;
    if (k === this.first.length) {
      const f = new Int32Array(k * 2), a = new Int32Array(k * 2), m = new Int32Array(k * 2);
      f.set(this.first);
      a.set(this.argc);
      m.set(this.masks);
      this.first = f;
      this.argc = a;
      this.masks = m;
    }
    this.cmds[k] = cmd;
    if (cmd.offload) this.offloads++;
    this.first[k] = this.nargs;
    this.argc[k] = c.argc;
    this.masks[k] = mask;
    this.lockMask |= mask;
    const ks = c.keyShard, nks = ks.length;
    for (let i = 0; i < c.argc; i++) {
      const n = c.lens[i];
      copyBytes(this.buf, this.used, c.buf, c.offs[i], n);
      this.offs[this.nargs] = this.used;
      this.shards[this.nargs] = i < nks ? ks[i] : 0;
      this.lens[this.nargs++] = n;
      this.used += n;
    }
  }

  /** Forget the queue (not the watches). */
  clearQueue(): void {
    this.multi = false;
    this.aborted = false;
    this.count = 0;
    this.lockMask = 0;
    this.offloads = 0;
    if (this.cmds.length > 1024) this.cmds = [];
    this.used = 0;
    this.nargs = 0;
    if (this.buf.length > 1 << 20) this.buf = Buffer.allocUnsafe(1024);
    if (this.first.length > 1024 || this.offs.length > 4096) {
      this.first = new Int32Array(16);
      this.argc = new Int32Array(16);
      this.masks = new Int32Array(16);
      this.offs = new Int32Array(64);
      this.lens = new Int32Array(64);
      this.shards = new Int32Array(64);
    }
  }
}

export class Transactions {
  private readonly pool: TxState[] = [];
  private readonly exec: Command;
  private readonly reset: Command;
  private readonly discard: Command;
  private readonly multi: Command;
  private readonly watchCmd: Command;
  private readonly quit: Command;
  /** Queued commands that may touch keys they do not declare (scripts): EXEC locks every shard. */
  private readonly anyKey = new Set<Command>();
  private readonly allMask: number;
  /** Argument views of the queued command being run. */
  private offs = new Int32Array(64);
  private lens = new Int32Array(64);

  constructor(private readonly engine: Engine, readonly watch: WatchTable) {
    const get = (n: string) => {
      const cmd = engine.registry.get(n);
      if (cmd === undefined) throw new Error(`transactions: command '${n}' is not registered`);
      return cmd;
    };
    this.exec = get('exec');
    this.reset = get('reset');
    this.discard = get('discard');
    this.multi = get('multi');
    this.watchCmd = get('watch');
    this.quit = get('quit');
    this.allMask = (1 << engine.shards.length) - 1;
    for (const n of ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']) {
      const cmd = engine.registry.get(n);
      if (cmd !== undefined) this.anyKey.add(cmd);
    }
  }

  /** The client's state, created on first use (MULTI, WATCH). */
  state(client: Client): TxState {
    let tx = client.tx;
    if (tx === null) tx = client.tx = this.pool.pop() ?? new TxState();
    return tx;
  }

  /** Drop the queue and the watches; the client leaves transaction mode. */
  release(client: Client): void {
    const tx = client.tx;
    if (tx === null) return;
    tx.clearQueue();
    this.watch.unwatchAll(tx.watched);
    client.tx = null;
    if (this.pool.length < 64) this.pool.push(tx);
  }

  /** UNWATCH: forget watched keys, keep the queue. */
  unwatch(client: Client): void {
    const tx = client.tx;
    if (tx === null) return;
    this.watch.unwatchAll(tx.watched);
    if (!tx.multi) this.release(client);
  }

  /**
   * Called by Engine.execute for a client with a TxState. Returns true when the command was
   * handled here (queued, or refused with an error), false when EXEC could not take its locks
   * (park and retry), undefined to let execute() run it normally (EXEC then holds its locks).
   */
  intercept(c: Ctx, blocking: boolean): boolean | undefined {
    const engine = this.engine, client = c.client, tx = client.tx!;
    const b = c.buf, offs = c.offs, lens = c.lens, argc = c.argc;
    let cmd = engine.registry.lookup(b, offs[0], lens[0]);
    if (!tx.multi) {
      if (cmd === this.reset) this.release(client);
      return undefined;
    }
    if (cmd === undefined) return this.refuse(c, unknownCommandText(c));
    if (cmd.subcommands !== null && argc >= 2) {
      const sub = lookupSub(cmd, b, offs[1], lens[1]);
      if (sub === undefined) {
        const name = c.bin(1);
        return this.refuse(c, E.unknownSubcommand(name.length > 128 ? name.slice(0, 128) : name, cmd.name.toUpperCase()).replace(/[\r\n]/g, ' '));
      }
      cmd = sub;
    }
    if ((cmd.arity > 0 && argc !== cmd.arity) || argc < -cmd.arity) {
      return this.refuse(c, E.wrongArity(cmd.name), cmd === this.exec);
    }
    if (!client.authenticated && (cmd.flags & F.NoAuth) === 0) return this.refuse(c, E.noAuth, cmd === this.exec);
    if ((cmd.flags & F.NoMulti) !== 0) return this.refuse(c, ET.notInMulti);
    if (cmd === this.exec) {
      if (tx.aborted) return undefined;
      const off = engine.offload;
      if (tx.offloads > 0 && off !== null && client.offloadDone !== null) {
        handOver(off, client, tx); // the script worker runs it and replies (server/offload-exec.ts)
        this.release(client);
        engine.processed++;
        cmd.calls++;
        return true;
      }
      const mask = tx.lockMask | this.watch.mask(tx.watched);
      if (mask !== 0 && !engine.acquire(mask, blocking)) return false;
      return undefined;
    }
    // Never queued (Redis's processCommand): they run now.
    if (cmd === this.discard || cmd === this.multi || cmd === this.watchCmd || cmd === this.quit) return undefined;
    if (cmd === this.reset) {
      this.release(client);
      return undefined;
    }
    // Routed now, so EXEC knows its locks at once and runs without routing again.
    tx.queue(c, cmd, this.anyKey.has(cmd) ? this.allMask : engine.routeKeys(c, cmd));
    client.lastCommand = cmd.name; // CLIENT LIST's cmd= shows the last queued command, as Redis
    c.reply.simple('QUEUED');
    return true;
  }

  /**
   * Redis's rejectCommand inside MULTI: reply the error and flag the transaction; a refused
   * EXEC discards it ("EXECABORT Transaction discarded because of: <error without ERR>").
   */
  private refuse(c: Ctx, err: string, isExec = false): true {
    if (isExec) {
      this.release(c.client);
      c.reply.error(ET.execAbortBecause(err.startsWith('ERR ') ? err.slice(4) : err));
    } else {
      c.client.tx!.aborted = true;
      c.reply.error(err);
    }
    return true;
  }

  /** Point ctx's argument views and key shards (as routed when queued) at queued command j. */
  private point(c: Ctx, tx: TxState, j: number): void {
    const n = tx.argc[j], f = tx.first[j];
    if (this.offs.length < n) {
      this.offs = new Int32Array(n * 2);
      this.lens = new Int32Array(n * 2);
    }
    if (c.keyShard.length < n) c.keyShard = new Int32Array(n * 2);
    const ks = c.keyShard;
    for (let i = 0; i < n; i++) {
      this.offs[i] = tx.offs[f + i];
      this.lens[i] = tx.lens[f + i];
      ks[i] = tx.shards[f + i];
    }
    c.buf = tx.buf;
    c.offs = this.offs;
    c.lens = this.lens;
    c.argc = n;
  }

  /** EXEC (the handler): intercept() already holds every lock the transaction needs. */
  run(c: Ctx): void {
    const client = c.client, tx = client.tx;
    if (tx === null || !tx.multi) return c.reply.error(ET.execWithoutMulti);
    if (tx.aborted) {
      this.release(client);
      return c.reply.error(ET.execAbort);
    }
    const engine = this.engine, watch = this.watch;
    if (tx.watched.length > 0) {
      if (watch.dirty(tx.watched, c.now)) {
        this.release(client);
        return c.reply.nullArray();
      }
      watch.unwatchAll(tx.watched); // unwatch before running, as Redis (our own writes don't count)
    }
    const n = tx.count;
    const buf = c.buf, offs = c.offs, lens = c.lens, argc = c.argc;
    const unblock = client.unblock;
    client.unblock = null; // blocking commands reply as on timeout
    c.reply.array(n);
    try {
      for (let j = 0; j < n && client.tx === tx; j++) { // (a command may close the client: CLIENT KILL)
        const cmd = tx.cmds[j];
        this.point(c, tx, j);
        const mask = tx.masks[j];
        if (!engine.holds(mask)) throw new Error(`EXEC: ${cmd.name} needs shards not locked`);
        engine.processed++;
        if ((cmd.flags & F.Write) !== 0 && watch.active(mask)) watch.runWrite(c, cmd);
        else cmd.handler(c);
        cmd.calls++;
      }
    } finally {
      client.unblock = unblock;
      c.buf = buf;
      c.offs = offs;
      c.lens = lens;
      c.argc = argc;
      if (client.tx === tx) this.release(client);
    }
  }
}
