/**
 * Library code as Redis 7.0 reads it: the `#!<engine> name=<lib>` metadata line, the name
 * rules, the function flags, the Lua environment a library loads in, and
 * `redis.register_function` (positional and named-table forms) with Redis's checks and texts.
 *
 * The environment (kFunctionsPrelude, run once in the functions VM after the eval prelude):
 * every library chunk gets the same `_ENV` table, which holds nothing and whose metatable's
 * __index is switched, as Redis switches its globals:
 *  - while a library loads: only `redis` is visible, and it has only register_function, log,
 *    the LOG_* levels, REDIS_VERSION and REDIS_VERSION_NUM; reading anything else raises
 *    "Script attempted to access nonexistent global variable".
 *  - when functions run: the normal sandbox (string, math, redis.call, ...). KEYS and ARGV do
 *    not exist there: a function gets them as its two arguments.
 * Writing a global raises "Attempt to modify a readonly table" in both modes.
 */
import { splitArgs } from '../protocol/parser.js';
import { EFn } from '../errors.js';
import { fmt14g } from './numfmt.js';
import { LT, type LuaVM } from './vm.js';

/** Function flags, in Redis's order (the order FUNCTION LIST prints them in). */
export const kFlagNames = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;
export const kNoWrites = 1;

export interface LibMeta {
  engine: string;
  name: string;
  /** The code Lua compiles: from the newline that ends the metadata line (so line numbers count it). */
  body: Buffer;
}

/** Letters, digits and underscores, at least one (Redis's functionsVerifyName). */
export function validName(s: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(s);
}

/** Parse the metadata line; the error text, or the metadata. Checks in Redis's order. */
export function parseMeta(code: Buffer): LibMeta | string {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) return EFn.missingMeta;
  let nl = -1;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === 0x0a) {
      nl = i;
      break;
    }
    if (code[i] === 0) break; // Redis looks for the newline in a C string
  }
  if (nl < 0) return EFn.invalidMeta;
  const parts = splitArgs(code, 0, nl);
  if (parts === null || parts.length === 0) return EFn.invalidMeta;
  const engine = parts[0].toString('latin1').slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i].toString('latin1');
    if (p.length >= 5 && p.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return EFn.metaNameTwice;
      name = p.slice(5);
      continue;
    }
    return oneLineText(EFn.metaValue(p));
  }
  if (name === null) return EFn.noLibName;
  if (!validName(name)) return EFn.badName;
  if (engine.toUpperCase() !== 'LUA') return oneLineText(EFn.engineNotFound(engine));
  return { engine, name, body: code.subarray(nl) };
}

function oneLineText(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** A function as register_function left it (the callback is a registry ref in the VM). */
export interface RegisteredFn {
  name: string;
  ref: number;
  flags: number;
  desc: Buffer | null;
}

/** Lua 5.1's lua_isstring + lua_tostring: strings and numbers (numbers as %.14g), else null. */
function luaString(vm: LuaVM, i: number): Buffer | null {
  const t = vm.type(i);
  if (t === LT.String) return Buffer.from(vm.toBytesView(i));
  if (t === LT.Number) return Buffer.from(vm.isInteger(i) ? String(vm.toInteger(i)) : fmt14g(vm.toNumber(i)), 'latin1');
  return null;
}

/** The flags array (1..n up to the first nil), or null for an unknown flag. */
function readFlags(vm: LuaVM, t: number): number | null {
  let flags = 0;
  for (let j = 1; ; j++) {
    const ty = vm.rawGetI(t, j);
    if (ty === LT.Nil) {
      vm.pop();
      return flags;
    }
    const s = luaString(vm, -1);
    vm.pop();
    if (s === null) return null;
    const k = kFlagNames.indexOf(s.toString('latin1').toLowerCase() as (typeof kFlagNames)[number]);
    if (k < 0) return null;
    flags |= 1 << k;
  }
}

/**
 * redis.register_function's body: reads the arguments at stack 1..top, and returns the new
 * function (its callback ref'd) or an error text (the caller raises it). `fns` is what the
 * library registered so far.
 */
export function registerFunction(vm: LuaVM, fns: RegisteredFn[]): RegisteredFn | string {
  const argc = vm.top();
  if (argc < 1 || argc > 2) return EFn.regArgs;
  let name: Buffer | null = null, desc: Buffer | null = null, flags = 0, cb = 0;
  if (argc === 1) {
    if (vm.type(1) !== LT.Table) return EFn.regSingle;
    vm.pushNil();
    while (vm.next(1) !== 0) {
      const key = luaString(vm, -2);
      if (key === null) return EFn.regKey;
      const k = key.toString('latin1').toLowerCase();
      if (k === 'function_name') {
        if ((name = luaString(vm, -1)) === null) return EFn.regName;
      } else if (k === 'description') {
        if ((desc = luaString(vm, -1)) === null) return EFn.regDesc;
      } else if (k === 'callback') {
        if (vm.type(-1) !== LT.Function) return EFn.regCallback;
        // Keep the callback where it is and push a copy of the key for the traversal.
        cb = vm.top();
        vm.pushValue(-2);
        continue;
      } else if (k === 'flags') {
        if (vm.type(-1) !== LT.Table) return EFn.regFlags;
        const f = readFlags(vm, vm.top());
        if (f === null) return EFn.regUnknownFlag;
        flags = f;
      } else return EFn.regUnknownArg;
      vm.pop();
    }
    if (name === null) return EFn.regNoName;
    if (cb === 0) return EFn.regNoCallback;
  } else {
    if ((name = luaString(vm, 1)) === null) return EFn.regFirst;
    if (vm.type(2) !== LT.Function) return EFn.regSecond;
    cb = 2;
  }
  const n = name.toString('latin1');
  if (!validName(n)) return EFn.badName;
  const lower = n.toLowerCase();
  // Redis 7.0 compares case-sensitively here but case-insensitively across libraries, and then
  // crashes on DELETE of a library holding 'f' and 'F': Spindle refuses such a pair at once.
  if (fns.some((f) => f.name.toLowerCase() === lower)) return EFn.regDup;
  vm.pushValue(cb);
  return { name: n, ref: vm.ref(), flags, desc };
}

/**
 * Builds the library environment in the functions VM. Called as a chunk with the
 * register_function JS function as its argument; returns the library _ENV table and the
 * mode switch (true while a library loads).
 */
export const kFunctionsPrelude = String.raw`
local regfn = ...
local G = _ENV
local env = G._G
local rawerror, setmt, rawtostring = error, setmetatable, tostring
local R = G.redis
local function readonly() rawerror('Attempt to modify a readonly table', 2) end

local loadRedisT = {
  register_function = regfn, log = R.log,
  LOG_DEBUG = R.LOG_DEBUG, LOG_VERBOSE = R.LOG_VERBOSE, LOG_NOTICE = R.LOG_NOTICE, LOG_WARNING = R.LOG_WARNING,
  REDIS_VERSION = R.REDIS_VERSION, REDIS_VERSION_NUM = R.REDIS_VERSION_NUM,
}
local loadRedis = setmt({}, {
  __index = function(_, k)
    local v = loadRedisT[k]
    if v == nil then rawerror("Script attempted to access nonexistent global variable '" .. rawtostring(k) .. "'", 2) end
    return v
  end,
  __newindex = readonly, __metatable = false,
  __pairs = function() return next, loadRedisT, nil end,
})
local function loadIndex(_, k)
  if k == 'redis' then return loadRedis end
  rawerror("Script attempted to access nonexistent global variable '" .. rawtostring(k) .. "'", 2)
end

local meta = { __index = env, __newindex = readonly, __metatable = false }
local libEnv = setmt({}, meta)
local function setLoading(on)
  if on then meta.__index = loadIndex else meta.__index = env end
end
return libEnv, setLoading
`;
