/**
 * Functions family: FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL/HELP, FCALL and
 * FCALL_RO. Parse → the thread's Functions (scripting/functions.ts, in step with the store's
 * shared registry) → reply, then the registration table. FCALL runs the function through the
 * scripting runtime (its shard locks, redis.call, conversions, SCRIPT KILL machinery).
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EFn, ELua } from '../../errors.js';
import { Functions, type RestorePolicy } from '../../scripting/functions.js';
import { dumpPayload, parsePayload } from '../../scripting/functions-dump.js';
import { kFlagNames, kNoWrites } from '../../scripting/functions-lib.js';
import { SW, functionFlags, scriptFlags } from '../../scripting/state.js';
import { killMustWait } from './scripting.js';
import { FunctionRegistry, createFunctionRegistry } from '../../scripting/functions-registry.js';
import { globMatch } from '../../server/glob.js';
import { loadLuaModule } from '../../scripting/vm.js';

await loadLuaModule();

const registries = new WeakMap<object, FunctionRegistry>();

/**
 * The shared function registry, read without a Lua VM: FUNCTION STATS and KILL answer on the
 * front end (they are allowed while a function is busy), everything else runs in the script
 * worker (Registration.offload).
 */
function registryOf(c: Ctx): FunctionRegistry {
  let r = registries.get(c.engine);
  if (r === undefined) {
    r = new FunctionRegistry(c.engine.handle.global.functions ?? createFunctionRegistry());
    registries.set(c.engine, r);
  }
  return r;
}

function fns(c: Ctx): Functions | null {
  const f = Functions.of(c.engine);
  if (f === null) c.reply.error(ELua.vmLoading);
  else f.sync();
  return f;
}

function fcall(c: Ctx, ro: boolean): void {
  const f = fns(c);
  if (f === null) return;
  const def = f.lookup(c.bin(1));
  if (def === undefined) return c.reply.error(EFn.notFound);
  const n = c.long(2);
  if (n === null) return c.reply.error(EFn.badNumKeys);
  if (n > c.argc - 3) return c.reply.error(ELua.tooManyKeys);
  if (n < 0) return c.reply.error(ELua.negativeKeys);
  const noWrites = (def.flags & kNoWrites) !== 0;
  if (ro && !noWrites) return c.reply.error(EFn.writeWithRo);
  try {
    f.s.exec(c, def.entry, n, ro || noWrites);
  } finally {
    f.endRun();
  }
}

function functionLoad(c: Ctx): void {
  let i = 2, replace = false;
  for (; i < c.argc - 1; i++) {
    if (c.is(i, 'REPLACE')) replace = true;
    else return c.reply.error(EFn.unknownOption(c.bin(i)).replace(/[\r\n]/g, ' '));
  }
  const f = fns(c);
  if (f === null) return;
  const r = f.load(c.arg(i), replace);
  if ('error' in r) return c.reply.error(r.error);
  c.reply.bulkString(r.name);
}

function functionList(c: Ctx): void {
  let withCode = false, pattern: string | null = null;
  for (let i = 2; i < c.argc; i++) {
    if (!withCode && c.is(i, 'WITHCODE')) withCode = true;
    else if (pattern === null && c.is(i, 'LIBRARYNAME')) {
      if (i >= c.argc - 1) return c.reply.error(EFn.listNoName);
      pattern = c.bin(++i);
    } else return c.reply.error(EFn.listUnknown(c.bin(i)).replace(/[\r\n]/g, ' '));
  }
  const f = fns(c);
  if (f === null) return;
  const libs = [...f.libs.values()].filter((l) => pattern === null || globMatch(pattern, l.name, true));
  const r = c.reply;
  r.array(libs.length);
  for (const l of libs) {
    r.map(withCode ? 4 : 3);
    r.bulkString('library_name');
    r.bulkString(l.name);
    r.bulkString('engine');
    r.bulkString('LUA');
    r.bulkString('functions');
    r.array(l.fns.length);
    for (const fn of l.fns) {
      r.map(3);
      r.bulkString('name');
      r.bulkString(fn.name);
      r.bulkString('description');
      if (fn.desc === null) r.nullBulk();
      else r.bulk(fn.desc, 0, fn.desc.length);
      r.bulkString('flags');
      let n = 0;
      for (let k = 0; k < kFlagNames.length; k++) if (fn.flags & (1 << k)) n++;
      r.set(n);
      for (let k = 0; k < kFlagNames.length; k++) if (fn.flags & (1 << k)) r.simple(kFlagNames[k]);
    }
    if (withCode) {
      r.bulkString('library_code');
      r.bulk(l.code, 0, l.code.length);
    }
  }
}

function functionDelete(c: Ctx): void {
  const f = fns(c);
  if (f === null) return;
  const err = f.delete(c.bin(2));
  if (err !== null) return c.reply.error(err);
  c.reply.ok();
}

function functionFlush(c: Ctx): void {
  if (c.argc > 3) return c.reply.error(E.subcommandSyntax(c.bin(1), 'FUNCTION'));
  if (c.argc === 3 && !c.is(2, 'ASYNC') && !c.is(2, 'SYNC')) return c.reply.error(EFn.flushOption);
  const f = fns(c);
  if (f === null) return;
  f.flush();
  c.reply.ok();
}

function functionDump(c: Ctx): void {
  const f = fns(c);
  if (f === null) return;
  const p = dumpPayload(f.codes());
  c.reply.bulk(p, 0, p.length);
}

function functionRestore(c: Ctx): void {
  if (c.argc > 4) return c.reply.error(E.subcommandSyntax(c.bin(1), 'FUNCTION'));
  let policy: RestorePolicy = 'APPEND';
  if (c.argc === 4) {
    if (c.is(3, 'FLUSH')) policy = 'FLUSH';
    else if (c.is(3, 'APPEND')) policy = 'APPEND';
    else if (c.is(3, 'REPLACE')) policy = 'REPLACE';
    else return c.reply.error(EFn.restorePolicy);
  }
  const codes = parsePayload(c.buf.subarray(c.offs[2], c.offs[2] + c.lens[2]));
  if (typeof codes === 'string') return c.reply.error(codes);
  const f = fns(c);
  if (f === null) return;
  const err = f.restore(codes, policy);
  if (err !== null) return c.reply.error(err);
  c.reply.ok();
}

/**
 * FUNCTION STATS: the running function is one that another thread published when it passed
 * busy-reply-threshold (a thread running a function serves nobody else meanwhile).
 */
function functionStats(c: Ctx): void {
  const reg = registryOf(c);
  const ev = scriptFlags(c);
  const running = reg.running();
  if (running === null && Atomics.load(ev, SW.Busy) > 0) return c.reply.error(ELua.busy);
  const r = c.reply;
  r.map(2);
  r.bulkString('running_script');
  if (running === null) r.nullBulk();
  else {
    r.map(3);
    r.bulkString('name');
    const [name, ...cmd] = running.args;
    r.bulk(name, 0, name.length);
    r.bulkString('command');
    r.array(cmd.length);
    for (const a of cmd) r.bulk(a, 0, a.length);
    r.bulkString('duration_ms');
    r.int(Math.max(0, Math.floor(Date.now() - running.start)));
  }
  r.bulkString('engines');
  r.map(1);
  r.bulkString('LUA');
  r.map(2);
  r.bulkString('libraries_count');
  r.int(reg.read().libs.length);
  r.bulkString('functions_count');
  r.int(reg.functionCount());
}

/** FUNCTION KILL: stops a running function on any thread through the shared flag words. */
function functionKill(c: Ctx): void {
  const ev = scriptFlags(c), fn = functionFlags(ev);
  if (killMustWait(c, fn) || killMustWait(c, ev)) return;
  if (Atomics.load(fn, SW.Running) > 0) {
    if (Atomics.load(fn, SW.BusyWrote) > 0) return c.reply.error(ELua.unkillable);
    Atomics.add(fn, SW.KillGen, 1);
    return c.reply.ok();
  }
  if (Atomics.load(ev, SW.Running) > 0) {
    if (Atomics.load(ev, SW.BusyWrote) > 0) return c.reply.error(ELua.unkillable);
    return c.reply.error(ELua.busy);
  }
  c.reply.error(ELua.notBusy);
}

const kFunctionHelp = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

export const functionCommands: FamilyTable = {
  fcall: { handler: (c) => fcall(c, false), offload: true },
  fcall_ro: { handler: (c) => fcall(c, true), offload: true },
  function: {
    subcommands: {
      load: { handler: functionLoad, offload: true },
      list: { handler: functionList, offload: true },
      delete: { handler: functionDelete, offload: true },
      flush: { handler: functionFlush, offload: true },
      dump: { handler: functionDump, offload: true },
      restore: { handler: functionRestore, offload: true },
      stats: { handler: functionStats },
      kill: { handler: functionKill },
      help: { handler: (c) => c.replyLines(kFunctionHelp) },
    },
  },
};
