/**
 * The `bit` (LuaBitOp API) and `struct` (pack/unpack/size) libraries of Redis's Lua, written
 * here in JS over the VM's stack API. Numbers follow LuaBitOp: arguments are reduced to 32 bits
 * by rounding (the 2^52+2^51 trick), results are signed 32-bit integers.
 */
import { LT, type LuaVM } from './vm.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function argError(vm: LuaVM, n: number, fname: string, expected: string): never {
  const got = ['no value', 'nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][vm.type(n) + 1];
  vm.pushString(`bad argument #${n} to '${fname}' (${expected} expected, got ${got})`);
  return vm.raise();
}

function num(vm: LuaVM, n: number, fname: string): number {
  const t = vm.type(n);
  if (t === LT.Number) return vm.isInteger(n) ? Number(vm.toInteger(n)) : vm.toNumber(n);
  if (t === LT.String) {
    const v = Number(vm.toBin(n).trim());
    if (!Number.isNaN(v)) return v;
  }
  return argError(vm, n, fname, 'number');
}

/** LuaBitOp's barg: round to the nearest integer and keep the low 32 bits, signed. */
function tobit(d: number): number {
  f64[0] = d + 6755399441055744.0;
  return u32[0] | 0;
}

function bitArg(vm: LuaVM, n: number, fname: string): number {
  return tobit(num(vm, n, fname));
}

function ret(vm: LuaVM, v: number): number {
  vm.pushInteger(v | 0);
  return 1;
}

export function installBit(vm: LuaVM): void {
  vm.newTable(0, 12);
  const def = (name: string, fn: (vm: LuaVM) => number) => {
    vm.pushFn(fn);
    vm.setField(-2, name);
  };
  def('tobit', (v) => ret(v, bitArg(v, 1, 'tobit')));
  def('bnot', (v) => ret(v, ~bitArg(v, 1, 'bnot')));
  const fold = (name: string, op: (a: number, b: number) => number) =>
    def(name, (v) => {
      let r = bitArg(v, 1, name);
      const n = v.top();
      for (let i = 2; i <= n; i++) r = op(r, bitArg(v, i, name));
      return ret(v, r);
    });
  fold('band', (a, b) => a & b);
  fold('bor', (a, b) => a | b);
  fold('bxor', (a, b) => a ^ b);
  const shift = (name: string, op: (a: number, s: number) => number) =>
    def(name, (v) => ret(v, op(bitArg(v, 1, name), bitArg(v, 2, name) & 31)));
  shift('lshift', (a, s) => a << s);
  shift('rshift', (a, s) => a >>> s);
  shift('arshift', (a, s) => a >> s);
  shift('rol', (a, s) => (a << s) | (a >>> ((32 - s) & 31)));
  shift('ror', (a, s) => (a >>> s) | (a << ((32 - s) & 31)));
  def('bswap', (v) => {
    const a = bitArg(v, 1, 'bswap');
    return ret(v, ((a >>> 24) | ((a >>> 8) & 0xff00) | ((a & 0xff00) << 8) | (a << 24)));
  });
  def('tohex', (v) => {
    let x = bitArg(v, 1, 'tohex');
    let n = v.type(2) <= LT.Nil ? 8 : bitArg(v, 2, 'tohex');
    let digits = '0123456789abcdef';
    if (n < 0) {
      n = -n;
      digits = '0123456789ABCDEF';
    }
    if (n > 8) n = 8;
    let s = '';
    for (let i = 0; i < n; i++) {
      s = digits[x & 15] + s;
      x >>>= 4;
    }
    v.pushString(s);
    return 1;
  });
  vm.setGlobal('bit');
}

// ---- struct ----------------------------------------------------------------------------

interface Opt {
  ch: string;
  size: number;
}

/** Walk a struct format: yields each option with its size; handles endianness and alignment. */
class Fmt {
  pos = 0;
  little = true;
  align = 1;
  constructor(readonly f: string, private readonly vm: LuaVM) {}

  private num(def: number): number {
    const m = /^\d+/.exec(this.f.slice(this.pos));
    if (m === null) return def;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  next(): Opt | null {
    while (this.pos < this.f.length) {
      const ch = this.f[this.pos++];
      switch (ch) {
        case ' ': continue;
        case '>': this.little = false; continue;
        case '<': case '=': this.little = true; continue;
        case '!': this.align = this.num(8); continue;
        case 'x': case 'b': case 'B': return { ch, size: 1 };
        case 'h': case 'H': return { ch, size: 2 };
        case 'l': case 'L': case 'T': return { ch, size: 8 };
        case 'f': return { ch, size: 4 };
        case 'd': return { ch, size: 8 };
        case 's': return { ch, size: 0 };
        case 'c': return { ch, size: this.num(1) };
        case 'i': case 'I': {
          const n = this.num(4);
          if (n > 8) {
            this.vm.pushString(`integral size ${n} is larger than limit of 8`);
            this.vm.raise();
          }
          return { ch, size: n };
        }
        default:
          this.vm.pushString(`invalid format option '${ch}'`);
          return this.vm.raise();
      }
    }
    return null;
  }

  /** Padding before an option of this size at `total` bytes. */
  pad(o: Opt, total: number): number {
    if (o.ch === 'c' || o.ch === 's' || o.ch === 'x' || o.size <= 1) return 0;
    const a = Math.min(o.size, this.align);
    if ((a & (a - 1)) !== 0) {
      this.vm.pushString('alignment must be power of 2');
      this.vm.raise();
    }
    return (a - (total & (a - 1))) & (a - 1);
  }
}

function putInt(out: number[], v: bigint, size: number, little: boolean): void {
  const bytes: number[] = [];
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < size; i++) {
    bytes.push(Number(x & 0xffn));
    x >>= 8n;
  }
  if (!little) bytes.reverse();
  out.push(...bytes);
}

function getInt(b: Uint8Array, at: number, size: number, little: boolean, signed: boolean): bigint {
  let x = 0n;
  for (let i = 0; i < size; i++) x = (x << 8n) | BigInt(b[little ? at + size - 1 - i : at + i]);
  return signed ? BigInt.asIntN(size * 8, x) : x;
}

function pushNum(vm: LuaVM, x: bigint): void {
  // struct returns Lua 5.1 numbers (doubles); integral values stay integers here.
  if (x >= -(2n ** 53n) && x <= 2n ** 53n) vm.pushInteger(x);
  else vm.pushNumber(Number(x));
}

export function installStruct(vm: LuaVM): void {
  vm.newTable(0, 3);
  vm.pushFn((v) => {
    const f = new Fmt(v.type(1) === LT.String ? v.toBin(1) : argError(v, 1, 'pack', 'string'), v);
    const out: number[] = [];
    let arg = 2;
    for (let o = f.next(); o !== null; o = f.next()) {
      for (let p = f.pad(o, out.length); p > 0; p--) out.push(0);
      switch (o.ch) {
        case 'x': out.push(0); break;
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
          const d = num(v, arg++, 'pack');
          putInt(out, BigInt(Math.trunc(d)), o.size, f.little);
          break;
        }
        case 'f': case 'd': {
          const d = num(v, arg++, 'pack');
          const dv = new DataView(new ArrayBuffer(8));
          if (o.ch === 'f') dv.setFloat32(0, d, f.little);
          else dv.setFloat64(0, d, f.little);
          for (let i = 0; i < o.size; i++) out.push(dv.getUint8(i));
          break;
        }
        case 'c': case 's': {
          if (v.type(arg) !== LT.String && v.type(arg) !== LT.Number) argError(v, arg, 'pack', 'string');
          const s = v.toBytesView(arg++);
          let n = o.ch === 's' ? s.length : o.size === 0 ? s.length : o.size;
          if (o.ch === 'c' && s.length < n) {
            v.pushString(`bad argument #${arg - 1} to 'pack' (string too short)`);
            v.raise();
          }
          for (let i = 0; i < n; i++) out.push(s[i]);
          if (o.ch === 's') out.push(0);
          n = 0;
          break;
        }
      }
    }
    v.pushBytes(Uint8Array.from(out));
    return 1;
  });
  vm.setField(-2, 'pack');
  vm.pushFn((v) => {
    const f = new Fmt(v.type(1) === LT.String ? v.toBin(1) : argError(v, 1, 'unpack', 'string'), v);
    if (v.type(2) !== LT.String) argError(v, 2, 'unpack', 'string');
    const data = Uint8Array.from(v.toBytesView(2));
    let pos = v.type(3) === LT.Number ? Number(v.toInteger(3)) - 1 : 0;
    if (pos < 0) pos = 0;
    let pushed = 0;
    let lastNum = -1n;
    const need = (n: number) => {
      if (pos + n > data.length) {
        v.pushString("bad argument #2 to 'unpack' (data string too short)");
        v.raise();
      }
    };
    for (let o = f.next(); o !== null; o = f.next()) {
      pos += f.pad(o, pos);
      switch (o.ch) {
        case 'x': pos += 1; break;
        case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
          need(o.size);
          const signed = o.ch === 'b' || o.ch === 'h' || o.ch === 'l' || o.ch === 'i';
          lastNum = getInt(data, pos, o.size, f.little, signed);
          pushNum(v, lastNum);
          pushed++;
          pos += o.size;
          break;
        }
        case 'f': case 'd': {
          need(o.size);
          const dv = new DataView(data.buffer, data.byteOffset + pos, o.size);
          v.pushNumber(o.ch === 'f' ? dv.getFloat32(0, f.little) : dv.getFloat64(0, f.little));
          pushed++;
          pos += o.size;
          break;
        }
        case 'c': {
          let n = o.size;
          if (n === 0) {
            if (pushed === 0 || lastNum < 0n) {
              v.pushString('format \'c0\' needs a previous size');
              v.raise();
            }
            n = Number(lastNum);
            v.pop();
            pushed--;
          }
          need(n);
          v.pushBytes(data, pos, n);
          pushed++;
          pos += n;
          break;
        }
        case 's': {
          let e = pos;
          while (e < data.length && data[e] !== 0) e++;
          if (e >= data.length) {
            v.pushString("unfinished string in data");
            v.raise();
          }
          v.pushBytes(data, pos, e - pos);
          pushed++;
          pos = e + 1;
          break;
        }
      }
    }
    v.pushInteger(pos + 1);
    return pushed + 1;
  });
  vm.setField(-2, 'unpack');
  vm.pushFn((v) => {
    const f = new Fmt(v.type(1) === LT.String ? v.toBin(1) : argError(v, 1, 'size', 'string'), v);
    let total = 0;
    for (let o = f.next(); o !== null; o = f.next()) {
      if (o.ch === 's' || (o.ch === 'c' && o.size === 0)) {
        v.pushString("bad argument #1 to 'size' (options 'c0' - 's' have undefined sizes)");
        v.raise();
      }
      total += f.pad(o, total) + o.size;
    }
    v.pushInteger(total);
    return 1;
  });
  vm.setField(-2, 'size');
  vm.setGlobal('struct');
}
