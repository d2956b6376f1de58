/**
 * A Lua VM's script cache (EVAL, EVALSHA, SCRIPT LOAD/EXISTS/FLUSH): SHA1 → the compiled
 * function, kept in step with the store's shared log of script bodies (state.ts). A script
 * another thread loaded is compiled here on first use; SCRIPT FLUSH on any thread bumps the
 * shared flush generation, and every cache drops its functions at its next lookup.
 */
import { createHash } from 'node:crypto';
import { ELua } from '../errors.js';
import { oneLine } from './convert.js';
import type { ScriptShared } from './state.js';
import type { LuaVM } from './vm.js';

export interface ScriptEntry {
  sha: string;
  body: Buffer;
  ref: number;
  /** Seen touching a key that was not declared in KEYS: lock every shard from now on. */
  undeclared: boolean;
  /** A function (FCALL): called with the KEYS and ARGV tables as its two arguments; `sha` is its name. */
  fn?: boolean;
}

export function sha1hex(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

export class ScriptCache {
  readonly entries = new Map<string, ScriptEntry>();
  /** The shared flush generation the entries belong to. */
  private gen: number;

  /** envRef: the registry ref of the sandbox environment every script runs in. */
  constructor(private readonly vm: LuaVM, private readonly envRef: number, readonly shared: ScriptShared) {
    this.gen = shared.flushGen();
  }

  /** Drop the local cache when another thread ran SCRIPT FLUSH. */
  private sync(): void {
    const g = this.shared.flushGen();
    if (g !== this.gen) {
      this.flushLocal();
      this.gen = g;
    }
  }

  /** The script with this sha (40 hex digits, any case), compiled here if another thread loaded it. */
  lookup(sha: string): ScriptEntry | undefined {
    this.sync();
    sha = sha.toLowerCase();
    const hit = this.entries.get(sha);
    if (hit !== undefined) return hit;
    const body = this.shared.find(sha);
    if (body === null) return undefined;
    const e = this.load(body, false);
    return typeof e === 'string' ? undefined : e;
  }

  /** The last EVALSHA's sha bytes and entry: a repeated EVALSHA skips making a string. */
  private readonly lastSha = new Uint8Array(40);
  private lastEntry: ScriptEntry | undefined = undefined;

  /** lookup() for a sha given as 40 bytes of b at off. */
  lookupBytes(b: Uint8Array, off: number): ScriptEntry | undefined {
    this.sync();
    const last = this.lastSha;
    if (this.lastEntry !== undefined) {
      let k = 0;
      while (k < 40 && b[off + k] === last[k]) k++;
      if (k === 40) return this.lastEntry;
    }
    let s = '';
    for (let k = 0; k < 40; k++) s += String.fromCharCode(b[off + k]);
    const e = this.lookup(s);
    if (e !== undefined) {
      last.set(b.subarray(off, off + 40));
      this.lastEntry = e;
    }
    return e;
  }

  exists(sha: string): boolean {
    this.sync();
    sha = sha.toLowerCase();
    return this.entries.has(sha) || this.shared.find(sha) !== null;
  }

  /** Compile (or find) a script. Returns the entry, or the error text. */
  load(body: Uint8Array, share = true): ScriptEntry | string {
    this.sync();
    const sha = sha1hex(body);
    const hit = this.entries.get(sha);
    if (hit !== undefined) return hit;
    const vm = this.vm;
    if (vm.load(body, '@user_script') !== 0) {
      const msg = vm.toUtf8(-1);
      vm.pop();
      return oneLine(ELua.compile(msg));
    }
    vm.pushRef(this.envRef);
    vm.setUpvalue(-2, 1);
    const entry = { sha, body: Buffer.from(body), ref: vm.ref(), undeclared: false };
    this.entries.set(sha, entry);
    if (share) this.shared.add(sha, body);
    return entry;
  }

  /** SCRIPT FLUSH: every thread's cache. */
  flush(): void {
    this.shared.flush();
    this.gen = this.shared.flushGen();
    this.flushLocal();
  }

  private flushLocal(): void {
    this.lastEntry = undefined;
    for (const e of this.entries.values()) this.vm.unref(e.ref);
    this.entries.clear();
    // A full collection frees the dropped functions now (collectgarbage is a global of G).
    this.vm.getGlobal('collectgarbage');
    this.vm.pcall(0, 0, 0);
  }
}
