/**
 * Conversions between Redis replies and Lua values, both ways, with Redis 7.0's rules.
 *
 * RESP → Lua (what redis.call / redis.pcall return): `LuaReply` is a Reply sink that pushes
 * the value straight onto the Lua stack, so a command called from a script runs through the
 * same handler as from a socket. Under the script's protocol (redis.setresp, 2 by default):
 *   integer → number · bulk → string · null bulk / null array → false (RESP2) or nil (RESP3) ·
 *   array → table · status → {ok = s} · error → {err = s} · RESP2 downgrades: map → flat
 *   array, set → array, double → bulk string, boolean → 1/nil, big number / verbatim → string ·
 *   RESP3: map → {map = {k = v}}, set → {set = {m = true}}, double → {double = n},
 *   boolean → boolean, big number → {big_number = s}, verbatim → {verbatim_string = {format, string}}.
 *
 * Lua → RESP (the script's result, and redis.*_reply): `luaToReply` writes the value at a stack
 * index into any Reply sink:
 *   number → integer (truncated) · string → bulk · true → 1 (RESP3 client: #t) · false/nil →
 *   null (RESP3 client: false for false) · table with err → error · ok → status ·
 *   double / map / set / big_number / verbatim_string → RESP3 types (downgraded by the sink
 *   for RESP2 clients) · other table → array of t[1..n] up to the first nil.
 */
import { formatDouble, type Reply } from '../protocol/reply.js';
import { LT, type LuaVM } from './vm.js';

interface Frame {
  /** Items still to come; for maps counted in keys and values. */
  left: number;
  /** Next array index (arrays, flat maps) or 0 for RESP3 maps and sets. */
  idx: number;
  kind: 0 | 1 | 2; // 0 array, 1 RESP3 map, 2 RESP3 set
  /** RESP3 map: a key is on the stack waiting for its value. */
  keyPending: boolean;
}

/** Entries of the table at stack index t (pairs(), not just the array part). */
function countEntries(vm: LuaVM, t: number): number {
  let n = 0;
  vm.pushNil();
  while (vm.next(t) !== 0) {
    n++;
    vm.pop();
  }
  return n;
}

/** Builds the Lua value of one reply on the VM's stack. */
export class LuaReply implements Reply {
  resp: 2 | 3 = 2;
  private stack: Frame[] = [];
  /** The top-level reply was an error; its text. */
  errorText: string | null = null;

  constructor(private readonly vm: LuaVM) {}

  reset(resp: 2 | 3): void {
    this.resp = resp;
    if (this.stack.length !== 0) this.stack.length = 0;
    this.errorText = null;
  }

  /** A value was pushed: store it into the enclosing table, closing finished tables. */
  private put(): void {
    const vm = this.vm, stack = this.stack;
    for (;;) {
      if (stack.length === 0) return; // (never read past the end: a slow path in V8)
      const f = stack[stack.length - 1];
      const isNil = vm.type(-1) === LT.Nil;
      if (f.kind === 0) {
        if (isNil) {
          vm.pop();
          f.idx++;
        } else vm.rawSetI(-2, f.idx++);
      } else if (f.kind === 2) {
        if (isNil) vm.pop();
        else {
          vm.pushBoolean(true);
          vm.rawSet(-3);
        }
      } else if (!f.keyPending) {
        f.keyPending = true;
        f.left--;
        return;
      } else {
        if (vm.type(-2) === LT.Nil) vm.pop(2);
        else vm.rawSet(-3);
        f.keyPending = false;
      }
      if (--f.left > 0) return;
      this.stack.pop();
      // A RESP3 map or set sits in its wrapper {map = t}: close the wrapper too.
      if (f.kind !== 0) vm.setField(-2, f.kind === 1 ? 'map' : 'set');
    }
  }

  private open(n: number, kind: 0 | 1 | 2): void {
    const vm = this.vm;
    vm.checkStack(8);
    if (kind !== 0) vm.newTable(0, 1);
    vm.newTable(kind === 0 ? n : 0, kind === 0 ? 0 : n);
    if (n === 0) {
      if (kind !== 0) vm.setField(-2, kind === 1 ? 'map' : 'set');
      return this.put();
    }
    this.stack.push({ left: kind === 1 ? n * 2 : n, idx: 1, kind, keyPending: false });
  }

  ok(): void { this.simple('OK'); }
  simple(s: string): void {
    const vm = this.vm;
    vm.newTable(0, 1);
    vm.pushString(s);
    vm.setField(-2, 'ok');
    this.put();
  }
  error(s: string): void {
    if (this.stack.length === 0) this.errorText = s;
    const vm = this.vm;
    vm.newTable(0, 1);
    vm.pushString(s, true);
    vm.setField(-2, 'err');
    this.put();
  }
  int(n: number | bigint): void {
    this.vm.pushInteger(n);
    this.put();
  }
  intDigits(b: Uint8Array, off: number, len: number): void {
    if (len <= 15) {
      // Up to 15 digits (and a sign) is exact as a double: no string on the way.
      let i = off, neg = false, v = 0;
      if (b[i] === 0x2d) {
        neg = true;
        i++;
      }
      for (; i < off + len; i++) v = v * 10 + (b[i] - 0x30);
      this.vm.pushInteger(neg ? -v : v);
    } else {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(b[off + i]);
      this.vm.pushInteger(BigInt(s));
    }
    this.put();
  }
  bulk(b: Uint8Array, off: number, len: number): void {
    this.vm.pushBytes(b, off, len);
    this.put();
  }
  bulkString(s: string): void {
    this.vm.pushString(s, true);
    this.put();
  }
  nullBulk(): void {
    if (this.resp === 2) this.vm.pushBoolean(false);
    else this.vm.pushNil();
    this.put();
  }
  nullArray(): void { this.nullBulk(); }
  array(n: number): void { this.open(n, 0); }
  push(n: number): void { this.open(n, 0); }
  map(n: number): void {
    if (this.resp === 2) this.open(n * 2, 0);
    else this.open(n, 1);
  }
  set(n: number): void { this.open(n, this.resp === 2 ? 0 : 2); }
  double(d: number): void {
    if (this.resp === 2) {
      this.vm.pushString(formatDouble(d));
    } else {
      this.vm.newTable(0, 1);
      this.vm.pushNumber(d);
      this.vm.setField(-2, 'double');
    }
    this.put();
  }
  bool(b: boolean): void {
    if (this.resp === 2) {
      if (b) this.vm.pushInteger(1);
      else this.vm.pushBoolean(false);
    } else this.vm.pushBoolean(b);
    this.put();
  }
  bigNumber(digits: string): void {
    if (this.resp === 3) {
      this.vm.newTable(0, 1);
      this.vm.pushString(digits);
      this.vm.setField(-2, 'big_number');
    } else this.vm.pushString(digits);
    this.put();
  }
  verbatim(format: string, text: string): void {
    const vm = this.vm;
    if (this.resp === 2) vm.pushString(text, true);
    else {
      vm.newTable(0, 1);
      vm.newTable(0, 2);
      vm.pushString(format);
      vm.setField(-2, 'format');
      vm.pushString(text, true);
      vm.setField(-2, 'string');
      vm.setField(-2, 'verbatim_string');
    }
    this.put();
  }
}

/** Redis replaces CR and LF with spaces in status and error lines. */
export function oneLine(s: string): string {
  return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace(/[\r\n]/g, ' ');
}

/**
 * Write the Lua value at stack index `i` (an absolute index) to `r`. `depth` guards against
 * self-referencing tables (Redis stops nesting at the C stack limit; we reply an error).
 */
export function luaToReply(vm: LuaVM, i: number, r: Reply, resp: 2 | 3 = 2, depth = 0): void {
  switch (vm.type(i)) {
    case LT.String: {
      const v = vm.toBytesView(i);
      r.bulk(v, 0, v.length);
      return;
    }
    case LT.Number:
      // Redis's Lua numbers are doubles: a 5.4 integer goes through a double too.
      r.int(truncate(vm.isInteger(i) ? Number(vm.toInteger(i)) : vm.toNumber(i)));
      return;
    case LT.Boolean:
      // A RESP3 boolean only when the script chose RESP3 (redis.setresp(3)).
      if (resp === 3) r.bool(vm.toBoolean(i));
      else if (vm.toBoolean(i)) r.int(1);
      else r.nullBulk();
      return;
    case LT.Table:
      return tableToReply(vm, i, r, resp, depth);
    default:
      r.nullBulk();
  }
}

/** A Lua 5.1 number (double) cast to long long, as Redis does: truncation; out of range saturates. */
function truncate(d: number): number | bigint {
  if (Number.isNaN(d)) return -9223372036854775808n;
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t;
  if (t >= 9223372036854775807) return -9223372036854775808n; // x86 cvttsd2si overflow value
  if (t <= -9223372036854775808) return -9223372036854775808n;
  return BigInt(t);
}

function tableToReply(vm: LuaVM, i: number, r: Reply, resp: 2 | 3, depth: number): void {
  if (depth > 200) {
    r.error('ERR reached lua stack limit');
    return;
  }
  vm.checkStack(8);
  // err, then ok, then the RESP3 shapes, as Redis checks them.
  if (vm.getField(i, 'err') === LT.String) {
    r.error(oneLine(vm.toUtf8(-1)));
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'ok') === LT.String) {
    r.simple(oneLine(vm.toBin(-1)));
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'double') === LT.Number) {
    r.double(vm.toNumber(-1));
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'big_number') === LT.String) {
    r.bigNumber(vm.toBin(-1).replace(/[\r\n]/g, ' '));
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'map') === LT.Table) {
    const t = vm.top();
    const n = countEntries(vm, t);
    r.map(n);
    vm.pushNil();
    while (vm.next(t) !== 0) {
      const top = vm.top();
      luaToReply(vm, top - 1, r, resp, depth + 1);
      luaToReply(vm, top, r, resp, depth + 1);
      vm.pop();
    }
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'set') === LT.Table) {
    const t = vm.top();
    const n = countEntries(vm, t);
    r.set(n);
    vm.pushNil();
    while (vm.next(t) !== 0) {
      luaToReply(vm, vm.top() - 1, r, resp, depth + 1);
      vm.pop();
    }
    vm.pop();
    return;
  }
  vm.pop();
  if (vm.getField(i, 'verbatim_string') === LT.Table) {
    const t = vm.top();
    const hasFmt = vm.getField(t, 'format') === LT.String;
    const fmt = hasFmt ? vm.toBin(-1) : '';
    vm.pop();
    const hasStr = vm.getField(t, 'string') === LT.String;
    const str = hasStr ? vm.toUtf8(-1) : '';
    vm.pop();
    vm.pop();
    if (hasFmt && hasStr) {
      r.verbatim(fmt, str);
      return;
    }
  } else vm.pop();
  // An array: t[1], t[2], ... up to the first nil.
  let n = 0;
  while (vm.rawGetI(i, n + 1) !== LT.Nil) {
    vm.pop();
    n++;
  }
  vm.pop();
  r.array(n);
  for (let k = 1; k <= n; k++) {
    vm.rawGetI(i, k);
    luaToReply(vm, vm.top(), r, resp, depth + 1);
    vm.pop();
  }
}
