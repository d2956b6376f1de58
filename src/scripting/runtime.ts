/**
 * The scripting runtime of one engine (the script worker's, or an in-process caller's): a Lua
 * VM with Redis's API and libraries, its script cache (script-cache.ts), and running a script
 * under its locks.
 *
 * Locks (DESIGN.md §4): the engine has already taken the shards of the declared keys before
 * the handler runs. A script known to touch undeclared keys takes every shard before it starts
 * (try-lock; a busy one asks the engine to run it again with every shard, which a blocking
 * caller such as the script worker does at once, sleeping on the locks). A script that first meets an
 * undeclared key on a shard it does not hold try-locks it; when that shard is busy and the
 * script has not written yet, the script is abandoned and the engine runs it again with every
 * shard held (Engine.requestRerun); after a write it waits for the lock (rare: documented in
 * docs/lua-vm.md). Every lock is held until the script ends, so a script is atomic.
 */
import { Ctx } from '../commands/context.js';
import { forEachKey } from '../commands/keys.js';
import { F, lookupSub, type Command } from '../commands/registry.js';
import { eqUpper, parseLong } from '../commands/args.js';
import { keySlot } from '../sab/hash.js';
import type { Engine } from '../server/engine.js';
import { Client } from '../server/client.js';
import { EFn, ELua } from '../errors.js';
import { LuaReply, luaToReply, oneLine } from './convert.js';
import { installBit, installStruct } from './lib-bit-struct.js';
import { installCjson, installCmsgpack } from './lib-cjson-msgpack.js';
import { installRedis } from './redis-api.js';
import { formatDouble } from '../protocol/reply.js';
import { kPrelude } from './prelude.js';
import { kHookEvery, SW, ScriptShared, createScriptFlags } from './state.js';
import { LT, LuaVM, luaModuleReady } from './vm.js';
import { ScriptCache, type ScriptEntry } from './script-cache.js';

export { sha1hex, type ScriptEntry } from './script-cache.js';

export interface RunState {
  c: Ctx;
  entry: ScriptEntry;
  readOnly: boolean;
  wrote: boolean;
  resp: 2 | 3;
  start: number;
  killGen: number;
  busy: boolean;
  /** Set when the script must be abandoned and run again with every shard held. */
  rerun: boolean;
  /** The busy shard that made it so. */
  rerunShard: number;
  killed: boolean;
  /** False inside EXEC (which calls handlers itself): a busy shard is waited for instead. */
  canRerun: boolean;
  /** Shards of the declared keys (bit s: shard s), from the routed command. */
  declaredMask: number;
}

const byEngine = new WeakMap<Engine, Scripting>();
const fnByEngine = new WeakMap<Engine, Scripting>();

export class Scripting {
  readonly vm: LuaVM;
  readonly flags: Int32Array;
  /** Script bodies and flags shared with the other threads (state.ts). */
  readonly shared: ScriptShared;
  /** SHA1 → compiled script, in step with the shared log (script-cache.ts). */
  readonly scripts: ScriptCache;
  run: RunState | null = null;
  private readonly envRef: number;
  private readonly gRef: number;
  private readonly handlerRef: number;
  readonly reply: LuaReply;
  private readonly inner: Ctx;
  /**
   * The client commands called from scripts run as (Redis's "lua client"): it starts each
   * script in the caller's db (a SELECT inside a script does not reach the caller), never
   * blocks (blocking commands reply as on timeout), and is never in MULTI or subscribed.
   */
  private readonly luaClient = new Client(0, '', '', -1, false);
  private argBuf = new Uint8Array(1024);
  private argOffs = new Int32Array(16);
  private argLens = new Int32Array(16);
  /** Functions VM only: while a library loads, the time (ms) after which it is stopped (0: none). */
  loadDeadline = 0;
  /** Called once when the running script passes busy-reply-threshold (FUNCTION STATS publishes it). */
  onBusy: ((run: RunState) => void) | null = null;

  /**
   * The runtime of this engine's functions (FCALL): a second VM, as Redis keeps functions in a
   * Lua state of their own, with the function flags words (FUNCTION KILL) of the shared state.
   */
  static forFunctions(engine: Engine): Scripting | null {
    let s = fnByEngine.get(engine);
    if (s === undefined) {
      if (!luaModuleReady()) return null;
      s = new Scripting(engine, true);
      fnByEngine.set(engine, s);
    }
    return s;
  }

  /** The engine's runtime, created on first use; null while the wasm module is still loading. */
  static of(engine: Engine): Scripting | null {
    let s = byEngine.get(engine);
    if (s === undefined) {
      if (!luaModuleReady()) return null;
      s = new Scripting(engine);
      byEngine.set(engine, s);
    }
    return s;
  }

  private constructor(readonly engine: Engine, functions = false) {
    const g = engine.handle.global as { scripts?: SharedArrayBuffer };
    this.shared = new ScriptShared(g.scripts ?? createScriptFlags());
    this.flags = functions ? this.shared.fnFlags : this.shared.flags;
    const vm = (this.vm = new LuaVM());
    this.reply = new LuaReply(vm);
    this.inner = new Ctx(engine, this.luaClient, this.reply);
    installBit(vm);
    installStruct(vm);
    installCjson(vm);
    installCmsgpack(vm);
    installRedis(vm, this);
    if (vm.load(Buffer.from(kPrelude), '=prelude') !== 0 || vm.pcall(0, 3, 0) !== 0) {
      throw new Error(`Lua prelude failed: ${vm.toUtf8(-1)}`);
    }
    this.handlerRef = vm.ref();
    this.gRef = vm.ref();
    this.envRef = vm.ref();
    this.scripts = new ScriptCache(vm, this.envRef, this.shared);
    vm.setHook(() => this.hook(), kHookEvery);
  }

  /**
   * Run a script for command ctx c: KEYS are args [3, 3+numkeys), ARGV the rest. Writes the
   * reply to c.reply, or sets engine.rerunAll (nothing written, nothing changed).
   */
  exec(c: Ctx, entry: ScriptEntry, numkeys: number, readOnly: boolean): void {
    const engine = this.engine, vm = this.vm;
    const canRerun = (c.client as { tx?: { multi?: boolean } | null }).tx?.multi !== true;
    if (entry.undeclared) {
      for (let i = 0; i < engine.shards.length; i++) {
        if (engine.tryHold(i)) continue;
        if (canRerun) {
          engine.requestRerun(i);
          return;
        }
        this.spinFor(i);
      }
    }
    const base = vm.top();
    const fn = entry.fn === true;
    if (fn) {
      vm.pushRef(this.handlerRef);
      vm.pushRef(entry.ref);
    } else vm.pushRef(this.gRef);
    vm.newTable(numkeys, 0);
    for (let i = 0; i < numkeys; i++) {
      vm.pushBytes(c.buf, c.offs[3 + i], c.lens[3 + i]);
      vm.rawSetI(-2, i + 1);
    }
    if (!fn) vm.setField(-2, 'KEYS');
    vm.newTable(c.argc - 3 - numkeys, 0);
    for (let i = 3 + numkeys, k = 1; i < c.argc; i++, k++) {
      vm.pushBytes(c.buf, c.offs[i], c.lens[i]);
      vm.rawSetI(-2, k);
    }
    if (!fn) {
      vm.setField(-2, 'ARGV');
      vm.pop();
    }
    const lc = this.luaClient;
    lc.db = c.client.db;
    lc.resp = 2;
    lc.unblock = null;
    const flags = this.flags;
    let declaredMask = 0;
    for (let i = 0; i < numkeys; i++) declaredMask |= 1 << c.keyShard[3 + i];
    const run: RunState = {
      c, entry, readOnly, wrote: false, resp: 2, start: Date.now(), killGen: Atomics.load(flags, SW.KillGen),
      busy: false, rerun: false, rerunShard: 0, killed: false, canRerun, declaredMask,
    };
    this.run = run;
    engine.scriptDepth++;
    Atomics.add(flags, SW.Running, 1);
    let rc: number;
    try {
      if (fn) rc = vm.pcall(2, 1, base + 1);
      else {
        vm.pushRef(this.handlerRef);
        vm.pushRef(entry.ref);
        rc = vm.pcall(0, 1, base + 1);
      }
    } finally {
      this.run = null;
      engine.scriptDepth--;
      Atomics.sub(flags, SW.Running, 1);
      if (run.busy) {
        Atomics.sub(flags, SW.Busy, 1);
        if (run.wrote) Atomics.sub(flags, SW.BusyWrote, 1);
      }
    }
    if (run.rerun) {
      entry.undeclared = true;
      vm.setTop(base);
      engine.requestRerun(run.rerunShard);
      return;
    }
    if (rc === 0) luaToReply(vm, vm.top(), c.reply, run.resp);
    else c.reply.error(this.errorText(entry.sha, vm.top()));
    vm.setTop(base);
  }

  /** The reply text of a failed script (the handler made every error a table with err/source/line). */
  private errorText(sha: string, i: number): string {
    const vm = this.vm;
    if (vm.type(i) !== LT.Table) return oneLine(`ERR ${vm.type(i) === LT.String ? vm.toUtf8(i) : 'unknown error'}`);
    let msg = vm.getField(i, 'err') === LT.String ? vm.toUtf8(-1) : 'ERR unknown error';
    vm.pop();
    if (vm.getField(i, 'source') === LT.String) {
      const src = vm.toUtf8(-1);
      vm.pop();
      vm.getField(i, 'line');
      const line = vm.type(-1) === LT.Number ? String(vm.toInteger(-1)) : '?';
      msg += ` script: ${sha}, on ${src}:${line}.`;
    }
    vm.pop();
    return oneLine(msg);
  }

  /** Called at every instruction-hook check of any script on this thread (the script worker
   *  wakes front ends whose responses wait behind a long script). */
  static onHook: (() => void) | null = null;

  /** The instruction hook: SCRIPT KILL, busy-reply-threshold, and abandoning a rerun. */
  private hook(): void {
    Scripting.onHook?.();
    if (this.loadDeadline !== 0 && Date.now() > this.loadDeadline) {
      this.loadDeadline = 0;
      this.raiseErr(EFn.loadTimeout);
    }
    const run = this.run;
    if (run === null) return;
    if (run.rerun) this.raiseRerun();
    if (!run.busy) {
      const limit = this.engine.config.num('busy-reply-threshold');
      if (limit > 0 && Date.now() - run.start >= limit) {
        run.busy = true;
        Atomics.add(this.flags, SW.Busy, 1);
        if (run.wrote) Atomics.add(this.flags, SW.BusyWrote, 1);
        this.onBusy?.(run);
      }
    }
    if (!run.wrote && Atomics.load(this.flags, SW.KillGen) !== run.killGen) {
      run.killed = true;
      this.raiseErr(ELua.killed);
    }
  }

  /** Raise {err = text} in the running script (the handler adds the position). */
  raiseErr(text: string): never {
    const vm = this.vm;
    vm.newTable(0, 1);
    vm.pushString(text, true);
    vm.setField(-2, 'err');
    return vm.raise();
  }

  private raiseRerun(): never {
    return this.raiseErr('ERR script must run again with every shard locked');
  }

  /** A script's call of a write command: counts for SCRIPT KILL (UNKILLABLE). */
  private markWrote(run: RunState): void {
    if (run.wrote) return;
    run.wrote = true;
    if (run.busy) Atomics.add(this.flags, SW.BusyWrote, 1);
  }

  /**
   * redis.call / redis.pcall: arguments 1..top of the stack. Pushes the reply (a Lua value);
   * for call, an error reply is raised. Returns the number of results (1).
   */
  call(raise: boolean): number {
    const vm = this.vm, run = this.run;
    if (run === null) return this.fail(raise, 'ERR redis.call can only be used from a running script');
    if (run.rerun) this.raiseRerun();
    const argc = vm.top();
    if (argc === 0) return this.fail(raise, ELua.noArgs);
    if (!this.packArgs(argc)) return this.fail(raise, ELua.badArgType);
    const engine = this.engine, b = this.argBuf, offs = this.argOffs, lens = this.argLens;
    let cmd = engine.registry.lookup(b, offs[0], lens[0]);
    if (cmd !== undefined && cmd.subcommands !== null && argc >= 2) cmd = lookupSub(cmd, b, offs[1], lens[1]);
    if (cmd === undefined) return this.fail(raise, ELua.unknownCommand);
    if ((cmd.arity > 0 && argc !== cmd.arity) || argc < -cmd.arity) return this.fail(raise, ELua.wrongArgs);
    if ((cmd.flags & F.Noscript) !== 0) return this.fail(raise, ELua.notAllowed);
    const write = (cmd.flags & F.Write) !== 0;
    if (write && run.readOnly) return this.fail(raise, ELua.writeInRO);
    if (!this.holdShardsOf(cmd, argc, run)) {
      run.rerun = true;
      return this.raiseRerun();
    }
    if (write) this.markWrote(run);
    const ctx = this.inner;
    this.luaClient.resp = run.resp;
    ctx.buf = b;
    ctx.offs = offs;
    ctx.lens = lens;
    ctx.argc = argc;
    const reply = this.reply;
    reply.reset(run.resp);
    const top = vm.top();
    engine.executeCommand(ctx, cmd, true); // looked up and checked above
    if (vm.top() === top) vm.pushBoolean(false); // a handler that replied nothing (never expected)
    if (raise && reply.errorText !== null) return vm.raise();
    return 1;
  }

  private fail(raise: boolean, text: string): number {
    if (raise) return this.raiseErr(text);
    const vm = this.vm;
    vm.newTable(0, 1);
    vm.pushString(text, true);
    vm.setField(-2, 'err');
    return 1;
  }

  /** Copy the Lua arguments into one byte buffer (numbers as Redis 7 prints them: %.17g). */
  private packArgs(argc: number): boolean {
    const vm = this.vm;
    if (this.argOffs.length < argc) {
      this.argOffs = new Int32Array(argc * 2);
      this.argLens = new Int32Array(argc * 2);
    }
    let at = 0;
    for (let i = 1; i <= argc; i++) {
      const t = vm.type(i);
      let v: Uint8Array;
      if (t === LT.String) {
        let n = vm.copyString(i, this.argBuf, at);
        if (at + n > this.argBuf.length) {
          this.growArgs(at, n);
          n = vm.copyString(i, this.argBuf, at);
        }
        this.argOffs[i - 1] = at;
        this.argLens[i - 1] = n;
        at += n;
        continue;
      } else if (t === LT.Number) {
        const d = vm.isInteger(i) ? Number(vm.toInteger(i)) : vm.toNumber(i);
        v = Buffer.from(formatDouble(d), 'latin1'); // Redis 7 formats numbers with %.17g
      } else return false;
      if (at + v.length > this.argBuf.length) this.growArgs(at, v.length);
      this.argBuf.set(v, at);
      this.argOffs[i - 1] = at;
      this.argLens[i - 1] = v.length;
      at += v.length;
    }
    return true;
  }

  /** Grow the argument buffer, keeping its first `used` bytes, to fit `more`. */
  private growArgs(used: number, more: number): void {
    const nb = new Uint8Array(Math.max(this.argBuf.length * 2, used + more + 1024));
    nb.set(this.argBuf.subarray(0, used));
    this.argBuf = nb;
  }

  /**
   * Make sure this thread holds the shard of every key of the command. A shard not held yet is
   * try-locked (never waiting, so taking it out of order cannot deadlock). Returns false when
   * one is busy and the script may still be abandoned (it has not written).
   */
  private holdShardsOf(cmd: Command, argc: number, run: RunState): boolean {
    const engine = this.engine;
    const n = engine.shards.length;
    if (n === 1) return engine.tryHold(0) || this.waitFor(0, run) || ((run.rerunShard = 0), false);
    if (cmd.allShards) {
      for (let i = 0; i < n; i++) {
        if (!engine.tryHold(i) && !this.waitFor(i, run)) {
          run.rerunShard = i;
          return false;
        }
      }
      run.entry.undeclared = true;
      return true;
    }
    if (!cmd.hasKeys) return true;
    const sk = cmd.simpleKeys;
    if (sk !== null) {
      const last = sk.last < 0 ? argc + sk.last : Math.min(sk.last, argc - 1);
      for (let i = sk.first; i <= last; i += sk.step) if (!this.holdKey(i, run)) return false;
      return true;
    }
    const b = this.argBuf, offs = this.argOffs, lens = this.argLens;
    let ok = true;
    forEachKey(cmd.spec.key_specs, argc,
      (i) => (i < argc ? parseLong(b, offs[i], lens[i]) : null),
      (i, kw) => i < argc && eqUpper(b, offs[i], lens[i], kw.toUpperCase()),
      (i) => {
        if (ok && i < argc && !this.holdKey(i, run)) ok = false;
      });
    return ok;
  }

  /** holdShardsOf for key argument i: its shard held (false: busy, run.rerunShard says which). */
  private holdKey(i: number, run: RunState): boolean {
    const engine = this.engine;
    const s = engine.shardOfSlot[keySlot(this.argBuf, this.argOffs[i], this.argLens[i])];
    if ((run.declaredMask & (1 << s)) === 0) run.entry.undeclared = true;
    if (engine.tryHold(s) || this.waitFor(s, run)) return true;
    run.rerunShard = s;
    return false;
  }

  /**
   * A needed shard is busy. Before any write: abandon (false), the engine runs the script again
   * with every shard. After a write (or inside EXEC): wait for it, out of order (docs/lua-vm.md).
   */
  private waitFor(s: number, run: RunState): boolean {
    if (!run.wrote && run.canRerun) return false;
    this.spinFor(s);
    return true;
  }

  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  private spinFor(s: number): void {
    while (!this.engine.tryHold(s)) Atomics.wait(this.sleeper, 0, 0, 1);
  }
}
