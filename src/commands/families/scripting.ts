/**
 * Scripting family: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD/EXISTS/FLUSH/KILL/HELP.
 * Parse → compile or find the script (scripting/runtime.ts) → run it under its shards' locks →
 * reply, then the registration table. The Lua VM (wasm) is compiled when this module loads.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EFn, ELua } from '../../errors.js';
import { Scripting, type ScriptEntry } from '../../scripting/runtime.js';
import { SW, functionFlags, scriptFlags } from '../../scripting/state.js';
import { loadLuaModule } from '../../scripting/vm.js';

await loadLuaModule();

function runtime(c: Ctx): Scripting | null {
  const s = Scripting.of(c.engine);
  if (s === null) c.reply.error(ELua.vmLoading);
  return s;
}

/** numkeys (argument 2), checked as Redis checks it; null after replying an error. */
function numKeys(c: Ctx): number | null {
  const n = c.long(2);
  if (n === null) {
    c.reply.error(E.notInteger);
    return null;
  }
  if (n > c.argc - 3) {
    c.reply.error(ELua.tooManyKeys);
    return null;
  }
  if (n < 0) {
    c.reply.error(ELua.negativeKeys);
    return null;
  }
  return n;
}

function evalGeneric(c: Ctx, bySha: boolean, readOnly: boolean): void {
  const n = numKeys(c);
  if (n === null) return;
  const s = runtime(c);
  if (s === null) return;
  let entry: ScriptEntry | string | undefined;
  if (bySha) {
    entry = c.lens[1] === 40 ? s.scripts.lookupBytes(c.buf, c.offs[1]) : undefined;
    if (entry === undefined) return c.reply.error(ELua.noScript);
  } else {
    entry = s.scripts.load(c.buf.subarray(c.offs[1], c.offs[1] + c.lens[1]));
    if (typeof entry === 'string') return c.reply.error(entry);
  }
  s.exec(c, entry, n, readOnly);
}

function scriptLoad(c: Ctx): void {
  const s = runtime(c);
  if (s === null) return;
  const entry = s.scripts.load(c.buf.subarray(c.offs[2], c.offs[2] + c.lens[2]));
  if (typeof entry === 'string') return c.reply.error(entry);
  c.reply.bulkString(entry.sha);
}

function scriptExists(c: Ctx): void {
  const s = runtime(c);
  if (s === null) return;
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) c.reply.int(c.lens[i] === 40 && s.scripts.exists(c.bin(i)) ? 1 : 0);
}

function scriptFlush(c: Ctx): void {
  if (c.argc > 3 || (c.argc === 3 && !c.is(2, 'SYNC') && !c.is(2, 'ASYNC'))) return c.reply.error(ELua.flushOption);
  const s = runtime(c);
  if (s === null) return;
  s.scripts.flush();
  c.reply.ok();
}

/**
 * Redis handles SCRIPT KILL and FUNCTION KILL only once the script is past busy-reply-threshold
 * (before that it serves nobody). A connection's KILL sent earlier waits the same way: it is
 * retried until the script ends (NOTBUSY) or turns busy. True when it must wait.
 */
export function killMustWait(c: Ctx, w: Int32Array): boolean {
  if (Atomics.load(w, SW.Running) === 0 || Atomics.load(w, SW.Busy) > 0 || c.client.offloadDone === null) return false;
  c.engine.retryLater();
  return true;
}

/** SCRIPT KILL: stops running scripts on any thread through the shared flags (scripting/state.ts). */
function scriptKill(c: Ctx): void {
  const f = scriptFlags(c);
  if (Atomics.load(f, SW.Running) === 0) {
    // Only a function runs (FCALL): Redis points at FUNCTION KILL.
    const fn = functionFlags(f);
    if (Atomics.load(fn, SW.Running) === 0) return c.reply.error(ELua.notBusy);
    if (killMustWait(c, fn)) return;
    return c.reply.error(Atomics.load(fn, SW.BusyWrote) > 0 ? ELua.unkillable : EFn.busyFunction);
  }
  if (killMustWait(c, f)) return;
  if (Atomics.load(f, SW.BusyWrote) > 0) return c.reply.error(ELua.unkillable);
  Atomics.add(f, SW.KillGen, 1);
  c.reply.ok();
}

const kScriptHelp = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

export const scriptingCommands: FamilyTable = {
  eval: { handler: (c) => evalGeneric(c, false, false), offload: true },
  evalsha: { handler: (c) => evalGeneric(c, true, false), offload: true },
  eval_ro: { handler: (c) => evalGeneric(c, false, true), offload: true },
  evalsha_ro: { handler: (c) => evalGeneric(c, true, true), offload: true },
  script: {
    subcommands: {
      load: { handler: scriptLoad, offload: true },
      exists: { handler: scriptExists, offload: true },
      flush: { handler: scriptFlush, offload: true },
      kill: { handler: scriptKill },
      help: { handler: (c) => c.replyLines(kScriptHelp) },
    },
  },
};
