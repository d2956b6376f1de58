/**
 * The Lua VM behind one small interface, so the engine can be swapped (docs/lua-vm.md says why
 * it is wasmoon: Lua 5.4 compiled to WebAssembly, ~3× fengari per call and ~10× on loops).
 *
 * Only the raw C API of the wasm module is used (no wasmoon JS proxies): strings cross as bytes
 * through a scratch block in wasm memory, so every Lua string is binary-safe. Integers are
 * 64-bit in Lua 5.4; the wasm exports take and return them as bigint.
 *
 * The wasm module is compiled once per thread (async: WebAssembly instantiation), by
 * loadLuaModule(). A LuaVM is one lua_State in it; the engine keeps one per thread.
 */
import { createRequire } from 'node:module';
import { copyBytes } from '../sab/bytes.js';

/** The raw exports of the wasm module we use (wasm32: pointers are numbers). */
interface Mod {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  addFunction(fn: (...a: number[]) => number | void, sig: string): number;
  _luaL_newstate(): number;
  _luaL_openlibs(L: number): void;
  _lua_close(L: number): void;
  _lua_gettop(L: number): number;
  _lua_settop(L: number, i: number): void;
  _lua_type(L: number, i: number): number;
  _lua_isinteger(L: number, i: number): number;
  _lua_tolstring(L: number, i: number, lenPtr: number): number;
  _lua_tonumberx(L: number, i: number, isnum: number): number;
  _lua_tointegerx(L: number, i: number, isnum: number): bigint;
  _lua_toboolean(L: number, i: number): number;
  _lua_pushnil(L: number): void;
  _lua_pushnumber(L: number, n: number): void;
  _lua_pushinteger(L: number, n: bigint): void;
  _lua_pushlstring(L: number, p: number, n: number): number;
  _lua_pushboolean(L: number, b: number): void;
  _lua_pushcclosure(L: number, fn: number, n: number): void;
  _lua_pushvalue(L: number, i: number): void;
  _lua_createtable(L: number, na: number, nh: number): void;
  _lua_rawseti(L: number, i: number, n: bigint): void;
  _lua_rawgeti(L: number, i: number, n: bigint): number;
  _lua_rawset(L: number, i: number): void;
  _lua_rawget(L: number, i: number): number;
  _lua_rawlen(L: number, i: number): bigint | number;
  _lua_getfield(L: number, i: number, k: number): number;
  _lua_setfield(L: number, i: number, k: number): void;
  _lua_setglobal(L: number, k: number): void;
  _lua_getglobal(L: number, k: number): number;
  _lua_next(L: number, i: number): number;
  _lua_error(L: number): number;
  _lua_pcallk(L: number, nargs: number, nres: number, msgh: number, ctx: number, k: number): number;
  _luaL_loadbufferx(L: number, p: number, n: number, name: number, mode: number): number;
  _luaL_ref(L: number, t: number): number;
  _luaL_unref(L: number, t: number, r: number): void;
  _lua_sethook(L: number, fn: number, mask: number, count: number): void;
  _lua_rotate(L: number, i: number, n: number): void;
  _lua_checkstack(L: number, n: number): number;
  _lua_pushlightuserdata(L: number, p: number): void;
  _lua_setupvalue(L: number, f: number, n: number): number;
}

export const enum LT {
  None = -1, Nil = 0, Boolean = 1, LightUserdata = 2, Number = 3, String = 4, Table = 5, Function = 6,
  Userdata = 7, Thread = 8,
}

export const REGISTRY = -1001000;
const kMaskCount = 8;

let mod: Mod | null = null;
let loading: Promise<void> | null = null;

/**
 * Compile the wasm module for this thread (once). Resolve it before creating a LuaVM.
 *
 * wasmoon's build wraps every export in an assertion wrapper (`function () { assert(...);
 * return fn.apply(null, arguments) }`), which costs more than most of the Lua API calls
 * themselves. The raw WebAssembly exports are captured while the module instantiates and
 * used directly wherever the wasm exports the same function (same arguments, same results).
 */
export function loadLuaModule(): Promise<void> {
  if (loading === null) {
    const require = createRequire(import.meta.url);
    const { LuaWasm } = require('wasmoon') as { LuaWasm: { initialize(): Promise<{ module: Mod }> } };
    const wa = WebAssembly as unknown as { instantiate: (...a: unknown[]) => Promise<unknown> };
    const orig = wa.instantiate;
    let raw: Record<string, unknown> | null = null;
    wa.instantiate = async function (this: unknown, ...args: unknown[]) {
      const r = (await orig.apply(this, args)) as { instance?: WebAssembly.Instance } & WebAssembly.Instance;
      const inst = r.instance ?? r;
      raw ??= inst.exports as Record<string, unknown>;
      return r;
    };
    loading = LuaWasm.initialize().then((w) => {
      wa.instantiate = orig;
      const m = w.module as unknown as Record<string, unknown>;
      if (raw !== null) {
        for (const k of Object.keys(m)) {
          if (k[0] !== '_' || typeof m[k] !== 'function') continue;
          const f = raw[k.slice(1)];
          if (typeof f === 'function') m[k] = f;
        }
      }
      mod = w.module;
    }, (err) => {
      wa.instantiate = orig;
      throw err;
    });
  }
  return loading;
}

export function luaModuleReady(): boolean {
  return mod !== null;
}

/** lua_Integer arguments are BigInts: the small ones (indexes, refs, counts) made once. */
const kSmallInts = Array.from({ length: 4096 }, (_, i) => BigInt(i));
function big(n: number): bigint {
  return n >= 0 && n < 4096 && Number.isInteger(n) ? kSmallInts[n] : BigInt(n);
}

/** A JS function callable from Lua: reads its arguments from the stack, returns how many results it pushed. */
export type LuaFn = (vm: LuaVM) => number;

/**
 * One lua_State. Stack indices follow the C API (1.. from the bottom, -1 the top).
 * Functions registered with fn() may raise a Lua error with vm.raise() (which does not return).
 */
export class LuaVM {
  readonly m: Mod;
  /** The running thread (the main state, or a coroutine while one calls a JS function). */
  L: number;
  private readonly main: number;
  private scratch: number;
  private scratchLen = 4096;
  private readonly lenPtr: number;
  private readonly names = new Map<string, number>();
  private readonly dec = new TextDecoder('latin1');

  constructor() {
    if (mod === null) throw new Error('Lua module not loaded (await loadLuaModule())');
    this.m = mod;
    this.L = mod._luaL_newstate();
    this.main = this.L;
    mod._luaL_openlibs(this.L);
    this.scratch = mod._malloc(this.scratchLen);
    this.lenPtr = mod._malloc(8);
  }

  /** A NUL-terminated C string for a constant name (kept for the life of the VM). */
  cname(s: string): number {
    let p = this.names.get(s);
    if (p === undefined) {
      const b = Buffer.from(s + '\0', 'latin1');
      p = this.m._malloc(b.length);
      this.m.HEAPU8.set(b, p);
      this.names.set(s, p);
    }
    return p;
  }

  private room(n: number): number {
    if (n > this.scratchLen) {
      this.m._free(this.scratch);
      while (this.scratchLen < n) this.scratchLen *= 2;
      this.scratch = this.m._malloc(this.scratchLen);
    }
    return this.scratch;
  }

  top(): number { return this.m._lua_gettop(this.L); }
  setTop(i: number): void { this.m._lua_settop(this.L, i); }
  pop(n = 1): void { this.m._lua_settop(this.L, -n - 1); }
  type(i: number): LT { return this.m._lua_type(this.L, i); }
  isInteger(i: number): boolean { return this.m._lua_isinteger(this.L, i) !== 0; }
  toNumber(i: number): number { return this.m._lua_tonumberx(this.L, i, 0); }
  toInteger(i: number): bigint { return this.m._lua_tointegerx(this.L, i, 0); }
  toBoolean(i: number): boolean { return this.m._lua_toboolean(this.L, i) !== 0; }

  /** The bytes of the string (or number, converted in place by Lua) at i; a view, valid until the next Lua call. */
  toBytesView(i: number): Uint8Array {
    const p = this.m._lua_tolstring(this.L, i, this.lenPtr);
    if (p === 0) return new Uint8Array(0);
    const n = this.m.HEAPU32[this.lenPtr >> 2];
    return this.m.HEAPU8.subarray(p, p + n);
  }
  /**
   * Copy the string at i into dst at `at` when it fits, and return its length either way (a
   * short one byte by byte: cheaper than making a view of the wasm memory).
   */
  copyString(i: number, dst: Uint8Array, at: number): number {
    const p = this.m._lua_tolstring(this.L, i, this.lenPtr);
    if (p === 0) return 0;
    const n = this.m.HEAPU32[this.lenPtr >> 2];
    if (at + n > dst.length) return n;
    copyBytes(dst, at, this.m.HEAPU8, p, n);
    return n;
  }
  toBuffer(i: number): Buffer { return Buffer.from(this.toBytesView(i)); }
  /** The string at i as a binary string (one char per byte). */
  toBin(i: number): string { return this.dec.decode(this.toBytesView(i)); }
  toUtf8(i: number): string { return Buffer.from(this.toBytesView(i)).toString('utf8'); }

  /** Make room for n more stack slots (the C API does not check in release builds). */
  checkStack(n: number): void {
    if (this.m._lua_checkstack(this.L, n) === 0) throw new Error('Lua stack overflow');
  }
  pushNil(): void { this.m._lua_pushnil(this.L); }
  pushNumber(n: number): void { this.m._lua_pushnumber(this.L, n); }
  pushInteger(n: number | bigint): void { this.m._lua_pushinteger(this.L, typeof n === 'bigint' ? n : big(n)); }
  pushBoolean(b: boolean): void { this.m._lua_pushboolean(this.L, b ? 1 : 0); }
  pushBytes(b: Uint8Array, off = 0, len = b.length - off): void {
    const p = this.room(len);
    copyBytes(this.m.HEAPU8, p, b, off, len);
    this.m._lua_pushlstring(this.L, p, len);
  }
  /** Push a JS string: latin1 (binary) by default, or UTF-8. */
  pushString(s: string, utf8 = false): void {
    if (!utf8) {
      const n = s.length, p = this.room(n), h = this.m.HEAPU8;
      for (let i = 0; i < n; i++) h[p + i] = s.charCodeAt(i);
      this.m._lua_pushlstring(this.L, p, n);
    } else this.pushBytes(Buffer.from(s, 'utf8'));
  }
  pushValue(i: number): void { this.m._lua_pushvalue(this.L, i); }
  newTable(narr = 0, nrec = 0): void { this.m._lua_createtable(this.L, narr, nrec); }
  rawSetI(t: number, n: number): void { this.m._lua_rawseti(this.L, t, big(n)); }
  rawGetI(t: number, n: number): LT { return this.m._lua_rawgeti(this.L, t, big(n)); }
  rawSet(t: number): void { this.m._lua_rawset(this.L, t); }
  rawGet(t: number): LT { return this.m._lua_rawget(this.L, t); }
  rawLen(t: number): number { return Number(this.m._lua_rawlen(this.L, t)); }
  getField(t: number, k: string): LT { return this.m._lua_getfield(this.L, t, this.cname(k)); }
  setField(t: number, k: string): void { this.m._lua_setfield(this.L, t, this.cname(k)); }
  getGlobal(k: string): LT { return this.m._lua_getglobal(this.L, this.cname(k)); }
  setGlobal(k: string): void { this.m._lua_setglobal(this.L, this.cname(k)); }
  /** Table traversal: push a key first (nil to start); 0 when done. */
  next(t: number): number { return this.m._lua_next(this.L, t); }
  ref(): number { return this.m._luaL_ref(this.L, REGISTRY); }
  unref(r: number): void { this.m._luaL_unref(this.L, REGISTRY, r); }
  pushRef(r: number): void { this.m._lua_rawgeti(this.L, REGISTRY, big(r)); }

  /** Register a JS function; push it as a Lua function (no upvalues). */
  pushFn(fn: LuaFn): void {
    const p = this.m.addFunction((L: number) => {
      const prev = this.L;
      this.L = L;
      try {
        return fn(this);
      } finally {
        this.L = prev;
      }
    }, 'ii');
    this.m._lua_pushcclosure(this.L, p, 0);
  }

  /** Raise a Lua error with the value on top of the stack. Never returns. */
  raise(): never {
    this.m._lua_error(this.L);
    throw new Error('unreachable: lua_error returned');
  }

  /** Pop the top value into upvalue n of the function at index f. */
  setUpvalue(f: number, n: number): void { this.m._lua_setupvalue(this.L, f, n); }

  /** Compile a chunk; 0 and the function pushed, or an error code and the message pushed. */
  load(code: Uint8Array, chunkName: string): number {
    const p = this.room(code.length);
    this.m.HEAPU8.set(code, p);
    return this.m._luaL_loadbufferx(this.L, p, code.length, this.cname(chunkName), this.cname('t'));
  }

  /** lua_pcall with a message handler at stack index msgh (0 = none). */
  pcall(nargs: number, nres: number, msgh: number): number {
    return this.m._lua_pcallk(this.L, nargs, nres, msgh, 0, 0);
  }

  /** Count hook every `count` VM instructions (fn may vm.raise()); null removes it. */
  setHook(fn: (() => void) | null, count: number): void {
    if (fn === null) return this.m._lua_sethook(this.L, 0, 0, 0);
    const p = this.m.addFunction((L: number) => {
      const prev = this.L;
      this.L = L;
      try {
        fn();
      } finally {
        this.L = prev;
      }
    }, 'vii');
    this.m._lua_sethook(this.L, p, kMaskCount, count);
  }

  close(): void { this.m._lua_close(this.main); }
}
