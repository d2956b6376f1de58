/**
 * The Lua VM layer and the conversions without a server: binary-safe strings through the raw
 * C API, %.14g number text, LuaReply (RESP → Lua) for nested shapes in RESP2 and RESP3,
 * luaToReply (Lua → RESP) bytes, and round trips through cmsgpack, cjson and struct.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LT, LuaVM, loadLuaModule } from '../../src/scripting/vm.js';
import { LuaReply, luaToReply } from '../../src/scripting/convert.js';
import { fmt14g } from '../../src/scripting/numfmt.js';
import { installBit, installStruct } from '../../src/scripting/lib-bit-struct.js';
import { installCjson, installCmsgpack } from '../../src/scripting/lib-cjson-msgpack.js';
import { RespWriter } from '../../src/protocol/resp-writer.js';

let vm: LuaVM;
const bulk = (t: string) => `$${Buffer.byteLength(t)}\r\n${t}\r\n`;
beforeAll(async () => {
  await loadLuaModule();
  vm = new LuaVM();
  installBit(vm);
  installStruct(vm);
  installCjson(vm);
  installCmsgpack(vm);
});

/** Run a chunk; its single result written with luaToReply, as RESP bytes. */
function evalBytes(code: string, resp: 2 | 3 = 2, scriptResp: 2 | 3 = 2): string {
  expect(vm.load(Buffer.from(code), '=t')).toBe(0);
  expect(vm.pcall(0, 1, 0), vm.type(-1) === LT.String ? vm.toUtf8(-1) : '').toBe(0);
  const w = new RespWriter();
  w.resp = resp;
  luaToReply(vm, vm.top(), w, scriptResp);
  vm.pop();
  return w.flush()!.toString('latin1');
}

describe('LuaVM', () => {
  it('strings are bytes, NULs and high bytes included', () => {
    const b = Buffer.from([0, 1, 0xff, 0x80, 13, 10, 0]);
    vm.pushBytes(b);
    expect(vm.type(-1)).toBe(LT.String);
    expect(Buffer.compare(vm.toBuffer(-1), b)).toBe(0);
    vm.setGlobal('bin');
    expect(evalBytes('return #bin .. ":" .. bin:byte(3)')).toBe('$5\r\n7:255\r\n');
  });

  it('%.14g number text', () => {
    expect(fmt14g(5)).toBe('5');
    expect(fmt14g(10 / 3)).toBe('3.3333333333333');
    expect(fmt14g(1e15)).toBe('1e+15');
    expect(fmt14g(2 ** 53)).toBe('9.007199254741e+15');
    expect(fmt14g(0.0001)).toBe('0.0001');
    expect(fmt14g(0.00001)).toBe('1e-05');
    expect(fmt14g(-0)).toBe('-0');
    expect(fmt14g(Infinity)).toBe('inf');
    expect(fmt14g(123456789012345)).toBe('1.2345678901234e+14');
  });
});

describe('Lua → RESP', () => {
  it('RESP2 and RESP3 clients', () => {
    expect(evalBytes('return {1, "a", {2, {ok="s"}}, nil, 9}')).toBe('*3\r\n:1\r\n$1\r\na\r\n*2\r\n:2\r\n+s\r\n');
    expect(evalBytes('return {map={k={1}}}', 2)).toBe('*2\r\n$1\r\nk\r\n*1\r\n:1\r\n');
    expect(evalBytes('return {map={k={1}}}', 3)).toBe('%1\r\n$1\r\nk\r\n*1\r\n:1\r\n');
    expect(evalBytes('return true', 3, 2)).toBe(':1\r\n');
    expect(evalBytes('return false', 3, 3)).toBe('#f\r\n');
    expect(evalBytes('return -3.99')).toBe(':-3\r\n');
    expect(evalBytes('return {err="E1\\r\\nx"}')).toBe('-E1  x\r\n');
  });
});

describe('RESP → Lua (LuaReply)', () => {
  /** Write with `fill` into a LuaReply, then describe the Lua value with a chunk. */
  function convert(resp: 2 | 3, fill: (r: LuaReply) => void, describe: string): string {
    const r = new LuaReply(vm);
    r.reset(resp);
    fill(r);
    vm.setGlobal('v');
    return evalBytes(describe);
  }
  it('nested arrays, maps, sets, nulls, doubles', () => {
    const nested = (r: LuaReply) => {
      r.array(3);
      r.int(1);
      r.map(2);
      r.bulkString('a');
      r.array(2);
      r.nullBulk();
      r.int(7);
      r.bulkString('b');
      r.double(1.5);
      r.set(1);
      r.bulkString('m');
    };
    expect(convert(2, nested, 'return {#v, v[1], #v[2], v[2][1], tostring(v[2][2][1]), v[2][2][2], v[2][4], v[3][1]}'))
      .toBe('*8\r\n:3\r\n:1\r\n:4\r\n$1\r\na\r\n$5\r\nfalse\r\n:7\r\n$3\r\n1.5\r\n$1\r\nm\r\n');
    expect(convert(3, nested, 'return {#v, v[2].map.a[2], tostring(v[2].map.a[1]), v[2].map.b.double, tostring(v[3].set.m)}'))
      .toBe('*5\r\n:3\r\n:7\r\n$3\r\nnil\r\n:1\r\n$4\r\ntrue\r\n');
    expect(convert(2, (r) => r.error('ERR x'), 'return v.err')).toBe('$5\r\nERR x\r\n');
    expect(convert(2, (r) => r.simple('OK'), 'return v.ok')).toBe('$2\r\nOK\r\n');
    expect(convert(3, (r) => r.bool(true), 'return tostring(v)')).toBe('$4\r\ntrue\r\n');
    expect(convert(2, (r) => r.bool(false), 'return tostring(v)')).toBe('$5\r\nfalse\r\n');
    expect(convert(3, (r) => r.array(0), 'return #v')).toBe(':0\r\n');
  });
});

describe('libraries', () => {
  it('cmsgpack round trips nested values', () => {
    expect(evalBytes(`local t = {1, -1, 200, 70000, 2^40, -2^40, 1.5, 0.1, "s", true, false, {a = {1, 2}}}
      local u = cmsgpack.unpack(cmsgpack.pack(t))
      return cjson.encode(u)`)).toBe(bulk('[1,-1,200,70000,1099511627776,-1099511627776,1.5,0.1,"s",true,false,{"a":[1,2]}]'));
  });
  it('cjson round trip and errors', () => {
    expect(evalBytes('return cjson.encode(cjson.decode(\'{"a":[1,2.5,"x",true,null]}\'))')).toBe('$27\r\n{"a":[1,2.5,"x",true,null]}\r\n');
    expect(vm.load(Buffer.from('return cjson.encode({[{}] = 1})'), '=t')).toBe(0);
    expect(vm.pcall(0, 1, 0)).not.toBe(0);
    expect(vm.toUtf8(-1)).toContain('table key must be a number or string');
    vm.pop();
  });
  it('struct round trip', () => {
    expect(evalBytes('local s = struct.pack("<i8>H!4d s c2", -5, 513, 2.5, "zz", "ab") return {struct.unpack("<i8>H!4d s c2", s)}'))
      .toBe('*6\r\n:-5\r\n:513\r\n:2\r\n$2\r\nzz\r\n$2\r\nab\r\n:26\r\n');
    expect(evalBytes('return struct.size(">i2 i8 d")')).toBe(':18\r\n');
  });
  it('bit', () => {
    expect(evalBytes('return {bit.tobit(0xffffffff), bit.band(-1, 0x7fffffff), bit.tohex(bit.bnot(0)), bit.lshift(1, 32)}'))
      .toBe('*4\r\n:-1\r\n:2147483647\r\n$8\r\nffffffff\r\n:1\r\n');
  });
});
