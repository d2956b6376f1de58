/**
 * The `redis` table scripts see: call, pcall, error_reply, status_reply, sha1hex, log, setresp,
 * set_repl, replicate_commands, breakpoint, debug, acl_check_cmd and the LOG_* / REPL_* /
 * REDIS_VERSION constants, with Redis 7.0's argument checks and error texts.
 */
import { kRedisVersion } from '../commands/families/connection.js';
import { ELua } from '../errors.js';
import type { Scripting } from './runtime.js';
import { sha1hex } from './runtime.js';
import { LT, type LuaVM } from './vm.js';

function versionNum(v: string): number {
  const [a, b, c] = v.split('.').map(Number);
  return (a << 16) | (b << 8) | c;
}

/** Push {err = text} or {ok = text}. */
function pushShaped(vm: LuaVM, field: 'err' | 'ok', text: Uint8Array | string): void {
  vm.newTable(0, 1);
  if (typeof text === 'string') vm.pushString(text, true);
  else vm.pushBytes(text);
  vm.setField(-2, field);
}

export function installRedis(vm: LuaVM, s: Scripting): void {
  vm.newTable(0, 24);
  const def = (name: string, fn: (vm: LuaVM) => number) => {
    vm.pushFn(fn);
    vm.setField(-2, name);
  };
  def('call', () => s.call(true));
  def('pcall', () => s.call(false));
  def('error_reply', (v) => {
    if (v.top() !== 1 || v.type(1) !== LT.String) {
      pushShaped(v, 'err', ELua.wrongNumberOrType);
      return 1;
    }
    let msg = v.toUtf8(1);
    if (msg.startsWith('-')) msg = msg.slice(1);
    else if (!msg.includes(' ')) msg = `ERR ${msg}`;
    pushShaped(v, 'err', msg);
    return 1;
  });
  def('status_reply', (v) => {
    if (v.top() !== 1 || v.type(1) !== LT.String) {
      pushShaped(v, 'err', ELua.wrongNumberOrType);
      return 1;
    }
    pushShaped(v, 'ok', Buffer.from(v.toBytesView(1)));
    return 1;
  });
  def('sha1hex', (v) => {
    if (v.top() !== 1) return s.raiseErr(ELua.sha1hexArgs);
    const b = v.type(1) === LT.String || v.type(1) === LT.Number ? Buffer.from(v.toBytesView(1)) : Buffer.alloc(0);
    v.pushString(sha1hex(b));
    return 1;
  });
  def('log', (v) => {
    if (v.top() < 2) return s.raiseErr(ELua.logArgs);
    if (v.type(1) !== LT.Number) return s.raiseErr(ELua.logFirstArg);
    const level = v.toNumber(1);
    if (!(level >= 0 && level <= 3)) return s.raiseErr(ELua.logLevel);
    return 0; // Spindle keeps no server log file yet.
  });
  def('setresp', (v) => {
    if (v.top() !== 1) return s.raiseErr(ELua.setrespArgs);
    const n = v.toNumber(1);
    if (n !== 2 && n !== 3) return s.raiseErr(ELua.setrespVersion);
    if (s.run !== null) s.run.resp = n;
    return 0;
  });
  def('set_repl', (v) => {
    if (v.top() !== 1) return s.raiseErr(ELua.setReplArgs);
    const n = v.toNumber(1);
    if (!(n >= 0 && n <= 3) || !Number.isInteger(n)) return s.raiseErr(ELua.setReplFlags);
    return 0;
  });
  def('replicate_commands', (v) => {
    v.pushBoolean(true);
    return 1;
  });
  def('breakpoint', (v) => {
    v.pushBoolean(false);
    return 1;
  });
  def('debug', () => 0);
  def('acl_check_cmd', (v) => {
    if (v.top() < 1) return s.raiseErr(ELua.noArgs);
    const name = v.toBin(1);
    if (s.engine.registry.get(name) === undefined) return s.raiseErr(ELua.aclCheckCmd);
    v.pushBoolean(true); // no ACL users yet: the default user may run everything
    return 1;
  });
  const consts: [string, number][] = [
    ['LOG_DEBUG', 0], ['LOG_VERBOSE', 1], ['LOG_NOTICE', 2], ['LOG_WARNING', 3],
    ['REPL_NONE', 0], ['REPL_AOF', 1], ['REPL_SLAVE', 2], ['REPL_REPLICA', 2], ['REPL_ALL', 3],
    ['REDIS_VERSION_NUM', versionNum(kRedisVersion)],
  ];
  for (const [k, n] of consts) {
    vm.pushInteger(n);
    vm.setField(-2, k);
  }
  vm.pushString(kRedisVersion);
  vm.setField(-2, 'REDIS_VERSION');
  vm.setGlobal('redis');
}
