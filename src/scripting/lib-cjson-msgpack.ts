/**
 * The `cjson` and `cmsgpack` libraries of Redis's Lua, written here in JS over the VM's stack.
 *
 * cjson, as Redis's lua-cjson behaves: numbers as "%.14g"; '/' escaped as "\/"; a table whose
 * keys are exactly 1..n is an array, any other table an object (so an empty table is "{}");
 * cjson.null (a NULL light userdata) is JSON null both ways; nesting deeper than 1000 fails.
 * cmsgpack, as lua-cmsgpack: integral numbers as the smallest msgpack integer, others as
 * float32 when that is exact, else float64; a table with keys 1..n is an array (empty → array);
 * pack(...) concatenates its arguments; unpack returns every object in the string.
 */
import { LT, type LuaVM } from './vm.js';
import { fmt14g } from './numfmt.js';

const kMaxDepth = 1000;

function raiseMsg(vm: LuaVM, msg: string): never {
  vm.pushString(msg);
  return vm.raise();
}

/** 1..n keys only → n; otherwise -1 (object). */
function arrayLength(vm: LuaVM, t: number): number {
  let max = 0, count = 0;
  vm.pushNil();
  while (vm.next(t) !== 0) {
    vm.pop();
    if (vm.type(-1) !== LT.Number) {
      vm.pop();
      return -1;
    }
    const k = vm.toNumber(-1);
    if (!Number.isInteger(k) || k < 1) {
      vm.pop();
      return -1;
    }
    if (k > max) max = k;
    count++;
  }
  if (max > count * 2 && max > 10) return -2; // excessively sparse (cjson's default ratio)
  return max;
}

function jsonString(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    switch (c) {
      case 0x22: s += '\\"'; break;
      case 0x5c: s += '\\\\'; break;
      case 0x2f: s += '\\/'; break;
      case 0x08: s += '\\b'; break;
      case 0x0c: s += '\\f'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      default:
        if (c < 0x20 || c === 0x7f) s += '\\u' + c.toString(16).padStart(4, '0');
        else s += String.fromCharCode(c);
    }
  }
  return s + '"';
}

function encode(vm: LuaVM, i: number, depth: number): string {
  switch (vm.type(i)) {
    case LT.String: return jsonString(vm.toBytesView(i));
    case LT.Number: {
      const d = vm.isInteger(i) ? Number(vm.toInteger(i)) : vm.toNumber(i);
      if (!Number.isFinite(d)) return raiseMsg(vm, 'Cannot serialise number: must not be NaN or Inf');
      return fmt14g(d);
    }
    case LT.Boolean: return vm.toBoolean(i) ? 'true' : 'false';
    case LT.Nil: return 'null';
    case LT.LightUserdata: return 'null';
    case LT.Table: {
      if (depth >= kMaxDepth) return raiseMsg(vm, `Cannot serialise, excessive nesting (${depth + 1})`);
      const n = arrayLength(vm, i);
      if (n === -2) return raiseMsg(vm, 'Cannot serialise table: excessively sparse array');
      if (n > 0) {
        const parts: string[] = [];
        for (let k = 1; k <= n; k++) {
          vm.rawGetI(i, k);
          parts.push(encode(vm, vm.top(), depth + 1));
          vm.pop();
        }
        return '[' + parts.join(',') + ']';
      }
      const parts: string[] = [];
      vm.pushNil();
      while (vm.next(i) !== 0) {
        const top = vm.top();
        const kt = vm.type(top - 1);
        if (kt !== LT.String && kt !== LT.Number) return raiseMsg(vm, 'Cannot serialise table: table key must be a number or string');
        const key = kt === LT.String ? jsonString(vm.toBytesView(top - 1))
          : '"' + fmt14g(vm.isInteger(top - 1) ? Number(vm.toInteger(top - 1)) : vm.toNumber(top - 1)) + '"';
        parts.push(key + ':' + encode(vm, top, depth + 1));
        vm.pop();
      }
      return '{' + parts.join(',') + '}';
    }
    default: {
      const names = ['', '', '', '', '', '', 'function', 'userdata', 'thread'];
      return raiseMsg(vm, `Cannot serialise ${names[vm.type(i)] || 'value'}: type not supported`);
    }
  }
}

function pushJs(vm: LuaVM, v: unknown, depth: number): void {
  if (depth > kMaxDepth) raiseMsg(vm, `Found too many nested data structures (${depth}) at character 1`);
  if (v === null) vm.m._lua_pushlightuserdata(vm.L, 0);
  else if (typeof v === 'string') vm.pushString(v, true);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) vm.pushInteger(v);
    else vm.pushNumber(v);
  } else if (typeof v === 'boolean') vm.pushBoolean(v);
  else if (Array.isArray(v)) {
    vm.newTable(v.length, 0);
    for (let k = 0; k < v.length; k++) {
      pushJs(vm, v[k], depth + 1);
      vm.rawSetI(-2, k + 1);
    }
  } else {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    vm.newTable(0, keys.length);
    for (const k of keys) {
      vm.pushString(k, true);
      pushJs(vm, o[k], depth + 1);
      vm.rawSet(-3);
    }
  }
}

export function installCjson(vm: LuaVM): void {
  vm.newTable(0, 8);
  vm.pushFn((v) => {
    if (v.top() !== 1) raiseMsg(v, 'bad argument #1 to \'encode\' (expected 1 argument)');
    v.pushString(encode(v, 1, 0), true);
    return 1;
  });
  vm.setField(-2, 'encode');
  vm.pushFn((v) => {
    if (v.top() !== 1) raiseMsg(v, 'bad argument #1 to \'decode\' (expected 1 argument)');
    if (v.type(1) !== LT.String) raiseMsg(v, 'bad argument #1 to \'decode\' (string expected)');
    let parsed: unknown;
    try {
      parsed = JSON.parse(v.toUtf8(1));
    } catch {
      return raiseMsg(v, 'Expected value but found invalid token at character 1');
    }
    pushJs(v, parsed, 0);
    return 1;
  });
  vm.setField(-2, 'decode');
  vm.m._lua_pushlightuserdata(vm.L, 0);
  vm.setField(-2, 'null');
  vm.pushString('cjson');
  vm.setField(-2, '_NAME');
  vm.pushString('2.1.0');
  vm.setField(-2, '_VERSION');
  vm.setGlobal('cjson');
}

// ---- cmsgpack ----------------------------------------------------------------------------

function mpInt(out: number[], n: bigint): void {
  const put = (v: bigint, size: number) => {
    for (let s = size - 1; s >= 0; s--) out.push(Number((BigInt.asUintN(64, v) >> BigInt(8 * s)) & 0xffn));
  };
  if (n >= 0n) {
    if (n <= 127n) out.push(Number(n));
    else if (n <= 0xffn) { out.push(0xcc); put(n, 1); }
    else if (n <= 0xffffn) { out.push(0xcd); put(n, 2); }
    else if (n <= 0xffffffffn) { out.push(0xce); put(n, 4); }
    else { out.push(0xcf); put(n, 8); }
  } else if (n >= -32n) out.push(Number(n) & 0xff);
  else if (n >= -128n) { out.push(0xd0); put(n, 1); }
  else if (n >= -32768n) { out.push(0xd1); put(n, 2); }
  else if (n >= -2147483648n) { out.push(0xd2); put(n, 4); }
  else { out.push(0xd3); put(n, 8); }
}

function mpLen(out: number[], n: number, fix: number, fixMax: number, c16: number, c32: number, c8 = -1): void {
  if (n <= fixMax) out.push(fix | n);
  else if (c8 >= 0 && n <= 0xff) out.push(c8, n);
  else if (n <= 0xffff) out.push(c16, n >> 8, n & 0xff);
  else out.push(c32, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

function mpEncode(vm: LuaVM, i: number, out: number[], depth: number): void {
  switch (vm.type(i)) {
    case LT.String: {
      const b = vm.toBytesView(i);
      mpLen(out, b.length, 0xa0, 31, 0xda, 0xdb, 0xd9);
      for (let k = 0; k < b.length; k++) out.push(b[k]);
      return;
    }
    case LT.Number: {
      if (vm.isInteger(i)) return mpInt(out, vm.toInteger(i));
      const d = vm.toNumber(i);
      if (Number.isInteger(d) && Math.abs(d) < 2 ** 63) return mpInt(out, BigInt(d));
      const dv = new DataView(new ArrayBuffer(8));
      if (Math.fround(d) === d || Number.isNaN(d)) {
        dv.setFloat32(0, d);
        out.push(0xca);
        for (let k = 0; k < 4; k++) out.push(dv.getUint8(k));
      } else {
        dv.setFloat64(0, d);
        out.push(0xcb);
        for (let k = 0; k < 8; k++) out.push(dv.getUint8(k));
      }
      return;
    }
    case LT.Boolean: out.push(vm.toBoolean(i) ? 0xc3 : 0xc2); return;
    case LT.Table: {
      if (depth >= 16) { out.push(0xc0); return; }
      const n = arrayLength(vm, i);
      if (n >= 0) {
        mpLen(out, n, 0x90, 15, 0xdc, 0xdd);
        for (let k = 1; k <= n; k++) {
          vm.rawGetI(i, k);
          mpEncode(vm, vm.top(), out, depth + 1);
          vm.pop();
        }
        return;
      }
      let count = 0;
      vm.pushNil();
      while (vm.next(i) !== 0) { count++; vm.pop(); }
      mpLen(out, count, 0x80, 15, 0xde, 0xdf);
      vm.pushNil();
      while (vm.next(i) !== 0) {
        const top = vm.top();
        mpEncode(vm, top - 1, out, depth + 1);
        mpEncode(vm, top, out, depth + 1);
        vm.pop();
      }
      return;
    }
    default: out.push(0xc0);
  }
}

/** Decode one msgpack object at b[pos] onto the Lua stack; returns the next position. */
function mpDecode(vm: LuaVM, b: Uint8Array, pos: number): number {
  const need = (n: number) => {
    if (pos + n > b.length) raiseMsg(vm, 'Missing bytes in input.');
  };
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  need(1);
  const c = b[pos++];
  const str = (n: number) => { need(n); vm.pushBytes(b, pos, n); return pos + n; };
  const arr = (n: number) => {
    vm.newTable(n, 0);
    for (let k = 1; k <= n; k++) { pos = mpDecode(vm, b, pos); vm.rawSetI(-2, k); }
    return pos;
  };
  const map = (n: number) => {
    vm.newTable(0, n);
    for (let k = 0; k < n; k++) {
      pos = mpDecode(vm, b, pos);
      pos = mpDecode(vm, b, pos);
      if (vm.type(-2) === LT.Nil) vm.pop(2);
      else vm.rawSet(-3);
    }
    return pos;
  };
  const int = (v: bigint) => {
    if (v >= -(2n ** 53n) && v <= 2n ** 53n) vm.pushInteger(v);
    else vm.pushNumber(Number(v));
  };
  if (c <= 0x7f) { vm.pushInteger(c); return pos; }
  if (c >= 0xe0) { vm.pushInteger(c - 256); return pos; }
  if ((c & 0xe0) === 0xa0) return str(c & 0x1f);
  if ((c & 0xf0) === 0x90) return arr(c & 0x0f);
  if ((c & 0xf0) === 0x80) return map(c & 0x0f);
  switch (c) {
    case 0xc0: vm.pushNil(); return pos;
    case 0xc2: vm.pushBoolean(false); return pos;
    case 0xc3: vm.pushBoolean(true); return pos;
    case 0xca: need(4); vm.pushNumber(dv.getFloat32(pos)); return pos + 4;
    case 0xcb: need(8); vm.pushNumber(dv.getFloat64(pos)); return pos + 8;
    case 0xcc: need(1); vm.pushInteger(b[pos]); return pos + 1;
    case 0xcd: need(2); vm.pushInteger(dv.getUint16(pos)); return pos + 2;
    case 0xce: need(4); vm.pushInteger(dv.getUint32(pos)); return pos + 4;
    case 0xcf: need(8); int(dv.getBigUint64(pos)); return pos + 8;
    case 0xd0: need(1); vm.pushInteger(dv.getInt8(pos)); return pos + 1;
    case 0xd1: need(2); vm.pushInteger(dv.getInt16(pos)); return pos + 2;
    case 0xd2: need(4); vm.pushInteger(dv.getInt32(pos)); return pos + 4;
    case 0xd3: need(8); int(dv.getBigInt64(pos)); return pos + 8;
    case 0xc4: case 0xd9: need(1); pos += 1; return str(b[pos - 1]);
    case 0xc5: case 0xda: need(2); pos += 2; return str(dv.getUint16(pos - 2));
    case 0xc6: case 0xdb: need(4); pos += 4; return str(dv.getUint32(pos - 4));
    case 0xdc: need(2); pos += 2; return arr(dv.getUint16(pos - 2));
    case 0xdd: need(4); pos += 4; return arr(dv.getUint32(pos - 4));
    case 0xde: need(2); pos += 2; return map(dv.getUint16(pos - 2));
    case 0xdf: need(4); pos += 4; return map(dv.getUint32(pos - 4));
    default: return raiseMsg(vm, 'Bad data format in input.');
  }
}

export function installCmsgpack(vm: LuaVM): void {
  vm.newTable(0, 8);
  vm.pushFn((v) => {
    const n = v.top();
    if (n === 0) raiseMsg(v, 'MessagePack pack needs input.');
    const out: number[] = [];
    for (let i = 1; i <= n; i++) mpEncode(v, i, out, 0);
    v.pushBytes(Uint8Array.from(out));
    return 1;
  });
  vm.setField(-2, 'pack');
  const unpack = (limit: (v: LuaVM) => number, withOffset: boolean) => (v: LuaVM) => {
    if (v.type(1) !== LT.String) raiseMsg(v, 'MessagePack decoding needs a string as input.');
    const b = Uint8Array.from(v.toBytesView(1));
    let pos = withOffset && v.type(3) === LT.Number ? Number(v.toInteger(3)) : 0;
    const max = limit(v);
    const base = v.top();
    let count = 0;
    while (pos < b.length && (max <= 0 || count < max)) {
      pos = mpDecode(v, b, pos);
      count++;
    }
    if (!withOffset) return v.top() - base;
    v.pushInteger(pos >= b.length ? -1 : pos);
    v.m._lua_rotate(v.L, base + 1, 1);
    return count + 1;
  };
  vm.pushFn(unpack(() => 0, false));
  vm.setField(-2, 'unpack');
  vm.pushFn(unpack(() => 1, true));
  vm.setField(-2, 'unpack_one');
  vm.pushFn(unpack((v) => (v.type(2) === LT.Number ? Number(v.toInteger(2)) : 0), true));
  vm.setField(-2, 'unpack_limit');
  vm.pushString('cmsgpack');
  vm.setField(-2, '_NAME');
  vm.pushString('lua-cmsgpack 0.4.0');
  vm.setField(-2, '_VERSION');
  vm.setGlobal('cmsgpack');
}
