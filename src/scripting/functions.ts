/**
 * Functions on one front-end thread: the libraries compiled into this thread's functions VM
 * (Scripting.forFunctions), kept in step with the store's shared registry
 * (functions-registry.ts), and the operations behind FUNCTION LOAD/DELETE/FLUSH/RESTORE.
 *
 * Sharing across threads. The registry holds each library's name, code and id; it is the truth.
 * A thread compares the registry's seq with the seq its VM was built from (one atomic load per
 * FCALL or FUNCTION command) and, when they differ, copies the registry (lock-free seqlock
 * read) and reconciles: libraries whose id it already has are kept, new ids are compiled here,
 * dropped ones are freed. No message crosses threads.
 *
 * A change (LOAD, DELETE, FLUSH, RESTORE) is computed on this thread against the registry as of
 * seq S: sync to S, compile and check here (so errors are this thread's VM's errors), then
 * commit with a compare-and-swap on S. If another thread committed first, the change is thrown
 * away (its new libraries freed) and computed again against the new registry. So every change
 * is checked against exactly the libraries it replaces, and two threads never both "win" a
 * library name or a function name.
 *
 * Library state: top-level locals of a library (upvalues of its functions) live in the VM that
 * compiled it, so each thread has its own copy; a fresh one whenever the library's id changes
 * (LOAD REPLACE, RESTORE), as in Redis where a reload starts from scratch.
 */
import type { Engine } from '../server/engine.js';
import { EFn } from '../errors.js';
import { oneLine } from './convert.js';
import { FunctionRegistry, createFunctionRegistry, type LibRecord } from './functions-registry.js';
import { kFunctionsPrelude, parseMeta, registerFunction, type LibMeta, type RegisteredFn } from './functions-lib.js';
import { Scripting, type RunState, type ScriptEntry } from './runtime.js';
import { LT } from './vm.js';

export interface FnDef {
  name: string;
  lib: Library;
  /** What Scripting.exec runs: sha is the function name (error texts say "script: <name>"). */
  entry: ScriptEntry;
  flags: number;
  desc: Buffer | null;
}

export interface Library {
  id: number;
  name: string;
  code: Buffer;
  fns: FnDef[];
}

export type RestorePolicy = 'FLUSH' | 'APPEND' | 'REPLACE';

const kLoadTimeoutMs = 500;
const byEngine = new WeakMap<Engine, Functions>();
const kNoBody = Buffer.alloc(0);

export class Functions {
  /** This engine's functions, created on first use; null while the Lua module is still loading. */
  static of(engine: Engine): Functions | null {
    let f = byEngine.get(engine);
    if (f === undefined) {
      const s = Scripting.forFunctions(engine);
      if (s === null) return null;
      f = new Functions(engine, s);
      byEngine.set(engine, f);
    }
    return f;
  }

  readonly reg: FunctionRegistry;
  /** Libraries in registry order, by exact name. */
  libs = new Map<string, Library>();
  /** Functions by lower-case name (FCALL is case-insensitive, as in Redis). */
  private byName = new Map<string, FnDef>();
  /** The registry seq the VM was built from (-1: never synced). */
  private seq = -1;
  private readonly envRef: number;
  private readonly modeRef: number;
  /** Functions registered by the library being loaded (null when none loads). */
  private loading: RegisteredFn[] | null = null;
  /** The FUNCTION STATS slot of the running function, or -1. */
  private slot = -1;

  private constructor(engine: Engine, readonly s: Scripting) {
    const g = engine.handle.global as { functions?: SharedArrayBuffer };
    this.reg = new FunctionRegistry(g.functions ?? createFunctionRegistry());
    const vm = s.vm;
    if (vm.load(Buffer.from(kFunctionsPrelude), '=prelude') !== 0) throw new Error(`functions prelude: ${vm.toUtf8(-1)}`);
    vm.pushFn((v) => {
      const fns = this.loading;
      if (fns === null) return s.raiseErr('ERR redis.register_function can only be called on FUNCTION LOAD command');
      const r = registerFunction(v, fns);
      if (typeof r === 'string') return s.raiseErr(r);
      fns.push(r);
      return 0;
    });
    if (vm.pcall(1, 2, 0) !== 0) throw new Error(`functions prelude: ${vm.toUtf8(-1)}`);
    this.modeRef = vm.ref();
    this.envRef = vm.ref();
    s.onBusy = (run) => this.publishRunning(run);
  }

  /** Bring this thread's VM up to the shared registry. */
  sync(): void {
    if (this.reg.seq() === this.seq) return;
    const snap = this.reg.read();
    const next = new Map<string, Library>();
    for (const rec of snap.libs) {
      const cur = this.libs.get(rec.name);
      if (cur !== undefined && cur.id === rec.id) {
        next.set(rec.name, cur);
        continue;
      }
      const meta = parseMeta(rec.code);
      const lib = typeof meta === 'string' ? meta : this.compile(meta, rec.code, false);
      if (typeof lib === 'string') {
        // Checked by the thread that committed it; only a VM out of memory gets here.
        console.error(`spindle: library ${rec.name} did not load on this thread: ${lib}`);
        continue;
      }
      lib.id = rec.id;
      next.set(rec.name, lib);
    }
    this.install(next, snap.seq);
  }

  lookup(name: string): FnDef | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  functionCount(): number {
    return this.byName.size;
  }

  /** FUNCTION LOAD: the library name, or an error text. */
  load(code: Buffer, replace: boolean): { name: string } | { error: string } {
    const meta = parseMeta(code);
    if (typeof meta === 'string') return { error: meta };
    const err = this.change((cur) => {
      const old = cur.get(meta.name);
      if (old !== undefined && !replace) return EFn.libExists(meta.name);
      const lib = this.compile(meta, code, true);
      if (typeof lib === 'string') return lib;
      for (const f of lib.fns) {
        const other = this.byName.get(f.name.toLowerCase());
        if (other !== undefined && other.lib !== old) {
          this.free(lib);
          return EFn.fnExists(f.name);
        }
      }
      const next = new Map(cur);
      next.set(meta.name, lib);
      return { next, created: [lib] };
    });
    return err === null ? { name: meta.name } : { error: err };
  }

  /** FUNCTION DELETE: null, or the error text. */
  delete(name: string): string | null {
    return this.change((cur) => {
      if (!cur.has(name)) return EFn.libNotFound;
      const next = new Map(cur);
      next.delete(name);
      return { next, created: [] };
    });
  }

  flush(): void {
    this.change(() => ({ next: new Map(), created: [] }));
  }

  /** The code of every library, in registry order (FUNCTION DUMP). */
  codes(): Buffer[] {
    this.sync();
    return [...this.libs.values()].map((l) => l.code);
  }

  /** FUNCTION RESTORE of parsed payload codes: null, or the error text. */
  restore(codes: Buffer[], policy: RestorePolicy): string | null {
    return this.change((cur) => {
      const created: Library[] = [];
      const fail = (e: string) => {
        for (const l of created) this.free(l);
        return e;
      };
      const incoming = new Map<string, Library>();
      const inFns = new Set<string>();
      for (const code of codes) {
        const meta = parseMeta(code);
        if (typeof meta === 'string') return fail(meta);
        if (incoming.has(meta.name)) return fail(EFn.libExists(meta.name));
        const lib = this.compile(meta, code, false);
        if (typeof lib === 'string') return fail(lib);
        created.push(lib);
        for (const f of lib.fns) if (inFns.has(f.name.toLowerCase())) return fail(EFn.fnExists(f.name));
        for (const f of lib.fns) inFns.add(f.name.toLowerCase());
        incoming.set(meta.name, lib);
      }
      if (policy === 'FLUSH') return { next: incoming, created };
      const replaced = new Set<string>();
      for (const n of incoming.keys()) {
        if (!cur.has(n)) continue;
        if (policy !== 'REPLACE') return fail(EFn.libExistsJoin(n));
        replaced.add(n);
      }
      for (const lib of incoming.values()) {
        for (const f of lib.fns) {
          const o = this.byName.get(f.name.toLowerCase());
          if (o !== undefined && !replaced.has(o.lib.name)) return fail(EFn.fnExists(f.name));
        }
      }
      const next = new Map(cur);
      for (const [n, lib] of incoming) next.set(n, lib);
      return { next, created };
    });
  }

  /** Called by FCALL after the function returned (or failed): its FUNCTION STATS slot is freed. */
  endRun(): void {
    if (this.slot >= 0) {
      this.reg.clearRunning(this.slot);
      this.slot = -1;
    }
  }

  private publishRunning(run: RunState): void {
    const c = run.c;
    const args: Uint8Array[] = [Buffer.from(run.entry.sha, 'latin1')];
    for (let i = 0; i < c.argc; i++) args.push(c.buf.subarray(c.offs[i], c.offs[i] + c.lens[i]));
    this.slot = this.reg.publishRunning(args, run.start);
  }

  /**
   * Compute a change against the current libraries and publish it (see the file comment).
   * `op` returns the new library map and the libraries it compiled, or an error text (after
   * freeing what it compiled).
   */
  private change(op: (cur: Map<string, Library>) => { next: Map<string, Library>; created: Library[] } | string): string | null {
    for (;;) {
      this.sync();
      const seq = this.seq;
      const r = op(this.libs);
      if (typeof r === 'string') return oneLine(r);
      for (const l of r.created) l.id = this.reg.nextId();
      const records: LibRecord[] = [];
      for (const l of r.next.values()) records.push({ id: l.id, name: l.name, code: l.code });
      const ns = this.reg.commit(seq, records);
      if (ns >= 0) {
        this.install(r.next, ns);
        return null;
      }
      for (const l of r.created) this.free(l);
      if (ns === -2) return EFn.registryFull;
    }
  }

  /** Make `next` this thread's libraries (freeing the ones it no longer has). */
  private install(next: Map<string, Library>, seq: number): void {
    for (const [n, l] of this.libs) if (next.get(n) !== l) this.free(l);
    this.libs = next;
    this.byName = new Map();
    for (const l of next.values()) for (const f of l.fns) this.byName.set(f.name.toLowerCase(), f);
    this.seq = seq;
    this.reg.setFunctionCount(this.byName.size);
  }

  private free(lib: Library): void {
    for (const f of lib.fns) this.s.vm.unref(f.entry.ref);
    lib.fns = [];
  }

  private setLoading(on: boolean): void {
    const vm = this.s.vm;
    vm.pushRef(this.modeRef);
    vm.pushBoolean(on);
    vm.pcall(1, 0, 0);
  }

  /**
   * Compile a library and run its top level in the load environment (with FUNCTION LOAD's
   * 500 ms limit when `timeout`). The library (id 0), or Redis's error text.
   */
  private compile(meta: LibMeta, code: Buffer, timeout: boolean): Library | string {
    const vm = this.s.vm;
    const base = vm.top();
    if (vm.load(meta.body, '@user_function') !== 0) {
      const msg = vm.toUtf8(-1);
      vm.setTop(base);
      return oneLine(EFn.compile(msg));
    }
    vm.pushRef(this.envRef);
    vm.setUpvalue(-2, 1);
    const fns: RegisteredFn[] = [];
    this.setLoading(true);
    this.loading = fns;
    this.s.loadDeadline = timeout ? Date.now() + kLoadTimeoutMs : 0;
    let rc: number;
    try {
      rc = vm.pcall(0, 0, 0);
    } finally {
      this.loading = null;
      this.s.loadDeadline = 0;
      this.setLoading(false);
    }
    if (rc !== 0) {
      let msg: string;
      if (vm.type(-1) === LT.Table) {
        msg = vm.getField(-1, 'err') === LT.String ? vm.toUtf8(-1) : 'ERR unknown error';
      } else msg = vm.type(-1) === LT.String ? `ERR ${vm.toUtf8(-1)}` : 'ERR unknown error';
      vm.setTop(base);
      for (const f of fns) vm.unref(f.ref);
      return oneLine(EFn.register(msg));
    }
    vm.setTop(base);
    if (fns.length === 0) return EFn.noFunctions;
    const lib: Library = { id: 0, name: meta.name, code: Buffer.from(code), fns: [] };
    for (const f of fns) {
      const entry: ScriptEntry = { sha: f.name, body: kNoBody, ref: f.ref, undeclared: false, fn: true };
      lib.fns.push({ name: f.name, lib, entry, flags: f.flags, desc: f.desc });
    }
    return lib;
  }
}
