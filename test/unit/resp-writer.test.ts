import { describe, it, expect } from 'vitest';
import { RespWriter } from '../../src/protocol/resp-writer.js';
import { formatDouble, type Reply } from '../../src/protocol/reply.js';
import { prng } from '../helpers/prng.js';


function w(resp: 2 | 3 = 2): RespWriter {
  const x = new RespWriter();
  x.resp = resp;
  return x;
}

/** Write with `f` in RESP2 and RESP3; return both outputs as latin1 strings. */
function both(f: (r: Reply) => void): [string, string] {
  const out: string[] = [];
  for (const resp of [2, 3] as const) {
    const x = w(resp);
    f(x);
    out.push(x.flush()?.toString('latin1') ?? '');
  }
  return out as [string, string];
}

/**
 * Reference for C's printf("%.17g", d) (glibc: exact decimal value, round half to even),
 * built on BigInt so it shares no code with formatDouble.
 */
let lastWasTie = false;
function printfG17(d: number): string {
  lastWasTie = false;
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Math.abs(d));
  const bits = dv.getBigUint64(0);
  const bexp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // value = D * 10^q exactly
  let D: bigint, q: number;
  if (e2 >= 0) {
    D = mant << BigInt(e2);
    q = 0;
  } else {
    D = mant * 5n ** BigInt(-e2);
    q = e2;
  }
  let s = D.toString();
  // Strip trailing zeros of the exact expansion into the exponent.
  let X = s.length - 1 + q; // decimal exponent of the leading digit
  const P = 17;
  let digits: string;
  if (s.length > P) {
    const keep = BigInt(s.slice(0, P));
    const rest = s.slice(P);
    const half = '5' + '0'.repeat(rest.length - 1);
    let up = false;
    if (rest > half) up = true;
    else if (rest === half) {
      up = (keep & 1n) === 1n;
      lastWasTie = true;
    }
    let k = up ? keep + 1n : keep;
    if (k.toString().length > P) {
      k /= 10n;
      X++;
    }
    digits = k.toString();
  } else {
    digits = s.padEnd(P, '0');
  }
  s = digits; // exactly P significant digits, leading digit at 10^X
  let out: string;
  if (X < -4 || X >= P) {
    let m = s[0] + '.' + s.slice(1);
    m = m.replace(/0+$/, '').replace(/\.$/, '');
    const ax = Math.abs(X);
    out = `${m}e${X < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  } else if (X >= 0) {
    let m = s.slice(0, X + 1) + '.' + s.slice(X + 1);
    m = m.replace(/0+$/, '').replace(/\.$/, '');
    out = m;
  } else {
    let m = '0.' + '0'.repeat(-X - 1) + s;
    m = m.replace(/0+$/, '').replace(/\.$/, '');
    out = m;
  }
  return neg ? '-' + out : out;
}

describe('RESP2 / RESP3 encodings', () => {
  it('ok, simple, error', () => {
    expect(both((r) => r.ok())).toEqual(['+OK\r\n', '+OK\r\n']);
    expect(both((r) => r.simple('PONG'))).toEqual(['+PONG\r\n', '+PONG\r\n']);
    expect(both((r) => r.error('ERR bad thing'))).toEqual(['-ERR bad thing\r\n', '-ERR bad thing\r\n']);
  });

  it('status and error lines carry binary-string bytes as latin1', () => {
    const x = w();
    x.simple('\xff\x00a');
    x.error('ERR \xe9');
    expect([...x.flush()!]).toEqual([0x2b, 0xff, 0x00, 0x61, 0x0d, 0x0a, 0x2d, 0x45, 0x52, 0x52, 0x20, 0xe9, 0x0d, 0x0a]);
  });

  it('counts error replies', () => {
    const x = w();
    x.error('ERR a');
    x.ok();
    x.error('WRONGTYPE b');
    expect(x.errors).toBe(2);
  });

  it('integers: small, multi-digit, negative, bigint (64-bit range)', () => {
    const x = w();
    for (const n of [0, 7, 9, 10, 42, -1, -10, 1234567890123, Number.MAX_SAFE_INTEGER]) x.int(n);
    x.int(9223372036854775807n);
    x.int(-9223372036854775808n);
    x.int(5n);
    expect(x.flush()!.toString()).toBe(
      ':0\r\n:7\r\n:9\r\n:10\r\n:42\r\n:-1\r\n:-10\r\n:1234567890123\r\n:9007199254740991\r\n' +
        ':9223372036854775807\r\n:-9223372036854775808\r\n:5\r\n',
    );
  });

  it('bulk strings from bytes and from JS strings (UTF-8)', () => {
    const x = w();
    const src = Buffer.from('xxhello\r\n\0yy', 'latin1');
    x.bulk(src, 2, 8);
    x.bulk(src, 0, 0);
    x.bulkString('héllo');
    x.bulkString('');
    x.bulkString('€');
    expect(x.flush()!.toString('latin1')).toBe(
      '$8\r\nhello\r\n\0\r\n$0\r\n\r\n$6\r\nh\xc3\xa9llo\r\n$0\r\n\r\n$3\r\n\xe2\x82\xac\r\n',
    );
  });

  it('nulls: $-1 vs *-1 in RESP2, _ in RESP3', () => {
    expect(both((r) => r.nullBulk())).toEqual(['$-1\r\n', '_\r\n']);
    expect(both((r) => r.nullArray())).toEqual(['*-1\r\n', '_\r\n']);
  });

  it('aggregates: array, map (*2n in RESP2), set, push', () => {
    expect(both((r) => r.array(3))).toEqual(['*3\r\n', '*3\r\n']);
    expect(both((r) => r.array(0))).toEqual(['*0\r\n', '*0\r\n']);
    expect(both((r) => r.array(12345))).toEqual(['*12345\r\n', '*12345\r\n']);
    expect(both((r) => r.map(2))).toEqual(['*4\r\n', '%2\r\n']);
    expect(both((r) => r.map(0))).toEqual(['*0\r\n', '%0\r\n']);
    expect(both((r) => r.map(7))).toEqual(['*14\r\n', '%7\r\n']);
    expect(both((r) => r.set(3))).toEqual(['*3\r\n', '~3\r\n']);
    expect(both((r) => r.push(3))).toEqual(['*3\r\n', '>3\r\n']);
  });

  it('a nested map reply', () => {
    const [r2, r3] = both((r) => {
      r.map(2);
      r.bulkString('a');
      r.int(1);
      r.bulkString('b');
      r.array(2);
      r.nullBulk();
      r.bool(true);
    });
    expect(r2).toBe('*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n$-1\r\n:1\r\n');
    expect(r3).toBe('%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n_\r\n#t\r\n');
  });

  it('booleans: :1/:0 in RESP2, #t/#f in RESP3', () => {
    expect(both((r) => r.bool(true))).toEqual([':1\r\n', '#t\r\n']);
    expect(both((r) => r.bool(false))).toEqual([':0\r\n', '#f\r\n']);
  });

  it('doubles: bulk string in RESP2, , in RESP3', () => {
    expect(both((r) => r.double(1.5))).toEqual(['$3\r\n1.5\r\n', ',1.5\r\n']);
    expect(both((r) => r.double(1.1))).toEqual(['$18\r\n1.1000000000000001\r\n', ',1.1000000000000001\r\n']);
    expect(both((r) => r.double(Infinity))).toEqual(['$3\r\ninf\r\n', ',inf\r\n']);
    expect(both((r) => r.double(-Infinity))).toEqual(['$4\r\n-inf\r\n', ',-inf\r\n']);
    expect(both((r) => r.double(-0))).toEqual(['$2\r\n-0\r\n', ',-0\r\n']);
    expect(both((r) => r.double(0))).toEqual(['$1\r\n0\r\n', ',0\r\n']);
    expect(both((r) => r.double(1e20))).toEqual(['$5\r\n1e+20\r\n', ',1e+20\r\n']);
  });

  it('big numbers: ( in RESP3, bulk string in RESP2', () => {
    const n = '1234567999999999999999999999999999999';
    expect(both((r) => r.bigNumber(n))).toEqual([`$${n.length}\r\n${n}\r\n`, `(${n}\r\n`]);
    expect(both((r) => r.bigNumber('-5'))).toEqual(['$2\r\n-5\r\n', '(-5\r\n']);
  });

  it('verbatim strings: = with a format prefix in RESP3, plain bulk in RESP2', () => {
    expect(both((r) => r.verbatim('txt', 'Some string'))).toEqual([
      '$11\r\nSome string\r\n',
      '=15\r\ntxt:Some string\r\n',
    ]);
    const [r2, r3] = both((r) => r.verbatim('txt', 'a\r\nb é'));
    expect(r2).toBe('$7\r\na\r\nb \xc3\xa9\r\n');
    expect(r3).toBe('=11\r\ntxt:a\r\nb \xc3\xa9\r\n');
  });

  it('attribute header', () => {
    const x = w(3);
    x.attribute(1);
    expect(x.flush()!.toString()).toBe('|1\r\n');
  });
});

describe('formatDouble (%.17g)', () => {
  it('the documented cases', () => {
    expect(formatDouble(1.1)).toBe('1.1000000000000001');
    expect(formatDouble(1e20)).toBe('1e+20');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(1e-5)).toBe('1.0000000000000001e-05');
    expect(formatDouble(Infinity)).toBe('inf');
    expect(formatDouble(-Infinity)).toBe('-inf');
    expect(formatDouble(-0)).toBe('-0');
    expect(formatDouble(0)).toBe('0');
    expect(formatDouble(NaN)).toBe('nan');
  });

  it('integers, exponent boundaries and extremes', () => {
    const cases: [number, string][] = [
      [1, '1'],
      [-1, '-1'],
      [3, '3'],
      [100, '100'],
      [0.5, '0.5'],
      [-2.5, '-2.5'],
      [1e16, '10000000000000000'],
      [1e17, '1e+17'],
      [123456789012345678, '1.2345678901234568e+17'],
      [99999999999999999, '1e+17'],
      [0.1, '0.10000000000000001'],
      [0.3, '0.29999999999999999'],
      [2 / 3, '0.66666666666666663'],
      [1 / 3, '0.33333333333333331'],
      [0.00012345, '0.00012344999999999999'],
      [0.000012345, '1.2345e-05'],
      [1e-4, '0.0001'],
      [9.999e-5, '9.9989999999999996e-05'],
      [1e100, '1e+100'],
      [1.5e300, '1.5000000000000001e+300'],
      [Number.MAX_VALUE, '1.7976931348623157e+308'],
      [Number.MIN_VALUE, '4.9406564584124654e-324'],
      [2.2250738585072014e-308, '2.2250738585072014e-308'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [3.14159, '3.1415899999999999'],
      [-1e-300, '-1e-300'],
    ];
    for (const [d, s] of cases) expect(formatDouble(d), String(d)).toBe(s);
  });

  it('the reference printf implementation agrees with the known cases', () => {
    expect(printfG17(1.1)).toBe('1.1000000000000001');
    expect(printfG17(1e20)).toBe('1e+20');
    expect(printfG17(0.0001)).toBe('0.0001');
    expect(printfG17(1e-5)).toBe('1.0000000000000001e-05');
    expect(printfG17(Number.MIN_VALUE)).toBe('4.9406564584124654e-324');
    expect(printfG17(1e16)).toBe('10000000000000000');
    expect(printfG17(1 + 2 ** -17)).toBe('1.0000076293945312'); // glibc printf and redis-server 7.0.15 ZSCORE
  });

  it('matches printf("%.17g") on 100k random doubles (exact ties aside, see below)', () => {
    const rnd = prng(99);
    const dv = new DataView(new ArrayBuffer(8));
    const bad: string[] = [];
    let ties = 0;
    for (let i = 0; i < 100_000; i++) {
      let d: number;
      if (i % 2 === 0) {
        dv.setUint32(0, (rnd() * 2 ** 32) >>> 0);
        dv.setUint32(4, (rnd() * 2 ** 32) >>> 0);
        d = dv.getFloat64(0);
        if (!Number.isFinite(d)) continue;
      } else {
        d = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      }
      const got = formatDouble(d), want = printfG17(d);
      if (lastWasTie) {
        ties++;
        continue;
      }
      if (got !== want && bad.length < 10) bad.push(`${d}: ${got} != ${want}`);
    }
    expect(bad).toEqual([]);
    expect(ties).toBeGreaterThan(0); // about 1 in 200 of these samples is an exact tie
  });

  // A double whose exact value has 18 significant digits ending in 5 sits exactly halfway
  // between two 17-digit results. printf rounds the tie to even (glibc, and so Redis 7.0:
  // `ZADD z 1.00000762939453125 m` then `ZSCORE z m` → "1.0000076293945312"); JS's
  // toExponential/toFixed round ties up.
  it('rounds exact ties to even, as printf does', () => {
    expect(formatDouble(1 + 2 ** -17)).toBe('1.0000076293945312');
    // Ties are common for big numbers with a short binary fraction (x.25, x.125, ...).
    expect(formatDouble(2207572618499398.25)).toBe('2207572618499398.2');
    expect(formatDouble(17882906063459.8125)).toBe('17882906063459.812');
    expect(formatDouble(-37741368962451.8125)).toBe('-37741368962451.812');
    const bad: string[] = [];
    for (let a = 1; a <= 9; a++) {
      for (let k = 1; k < 2 ** 17; k += 2 * 997) {
        const d = a + k / 2 ** 17;
        const got = formatDouble(d), want = printfG17(d);
        if (got !== want) bad.push(`${d}: ${got} != ${want}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe('RespWriter: flush semantics', () => {
  it('flush() returns null when nothing was written, and takes each turn once', () => {
    const x = w();
    expect(x.flush()).toBeNull();
    x.ok();
    expect(x.size()).toBe(5);
    expect(x.flush()!.toString()).toBe('+OK\r\n');
    expect(x.size()).toBe(0);
    expect(x.flush()).toBeNull();
    x.int(1);
    x.int(2);
    expect(x.flush()!.toString()).toBe(':1\r\n:2\r\n');
  });

  it('a flushed Buffer is never overwritten by later writes', () => {
    const rnd = prng(5);
    const x = w();
    const kept: { buf: Buffer; copy: Buffer }[] = [];
    for (let turn = 0; turn < 3000; turn++) {
      const n = 1 + Math.floor(rnd() * 20);
      for (let i = 0; i < n; i++) {
        const r = rnd();
        if (r < 0.3) x.int(Math.floor(rnd() * 1e9));
        else if (r < 0.6) x.bulkString('v'.repeat(Math.floor(rnd() * 200)) + turn);
        else if (r < 0.8) {
          const len = rnd() < 0.05 ? 70_000 + Math.floor(rnd() * 100_000) : Math.floor(rnd() * 3000);
          const src = Buffer.alloc(len, turn & 0xff);
          x.bulk(src, 0, len);
        } else if (r < 0.9) x.simple(`S${turn}`);
        else x.error(`ERR ${turn}`);
      }
      if (rnd() < 0.1) x.discard();
      const out = x.flush();
      if (out !== null) kept.push({ buf: out, copy: Buffer.from(out) });
      if (turn % 500 === 0) {
        for (const k of kept) if (!k.buf.equals(k.copy)) throw new Error(`flushed buffer changed by turn ${turn}`);
      }
    }
    for (const k of kept) expect(k.buf.equals(k.copy)).toBe(true);
  });

  it('discard() drops everything written since the last flush', () => {
    const x = w();
    x.ok();
    expect(x.flush()!.toString()).toBe('+OK\r\n');
    x.int(5);
    x.bulk(Buffer.alloc(100_000, 1), 0, 100_000); // a big bulk goes to its own piece
    x.int(6);
    x.discard();
    expect(x.size()).toBe(0);
    expect(x.flush()).toBeNull();
    x.int(7);
    expect(x.flush()!.toString()).toBe(':7\r\n');
  });

  it('flushParts() keeps order without copying big bulks', () => {
    const x = w();
    const big = Buffer.alloc(200_000, 0x42);
    x.array(3);
    x.int(1);
    x.bulk(big, 0, big.length);
    x.simple('after');
    const parts = x.flushParts()!;
    const all = Buffer.concat(parts);
    expect(all.toString('latin1')).toBe(`*3\r\n:1\r\n$200000\r\n${'B'.repeat(200_000)}\r\n+after\r\n`);
    expect(parts.some((p) => p.length === 200_000)).toBe(true);
    expect(x.flushParts()).toBeNull();
  });

  it('a big bulk is a copy: later changes to the source do not leak into the reply', () => {
    const x = w();
    const src = Buffer.alloc(100_000, 0x61);
    x.bulk(src, 0, src.length);
    src.fill(0x62);
    const out = x.flush()!;
    expect(out.subarray(9, 9 + 100_000).every((c) => c === 0x61)).toBe(true);
  });

  it('size() counts arena bytes and big pieces', () => {
    const x = w();
    x.int(1);
    x.bulk(Buffer.alloc(70_000), 0, 70_000);
    expect(x.size()).toBe(4 + 8 + 70_000 + 2);
  });

  it('many small replies across several arenas come out intact and in order', () => {
    const x = w();
    let want = '';
    for (let i = 0; i < 200_000; i++) {
      x.int(i);
      want += `:${i}\r\n`;
    }
    const out = x.flush()!;
    expect(out.length).toBe(want.length);
    expect(out.toString()).toBe(want);
  });

  it('a bulkString larger than the arena grows it', () => {
    const x = w();
    const s = 'q'.repeat(1 << 20);
    x.int(1);
    x.bulkString(s);
    x.int(2);
    expect(x.flush()!.toString()).toBe(`:1\r\n$${1 << 20}\r\n${s}\r\n:2\r\n`);
  });

  it('a 100 MB bulk', () => {
    const size = 100 * 1024 * 1024;
    const src = Buffer.allocUnsafe(size + 10);
    src.fill(0x7a);
    src.writeUInt32LE(0xdeadbeef, 5);
    src.writeUInt32LE(0xcafebabe, 5 + size - 4);
    const x = w();
    x.bulk(src, 5, size);
    x.int(3);
    const parts = x.flushParts()!;
    const total = parts.reduce((a, p) => a + p.length, 0);
    const header = `$${size}\r\n`;
    expect(total).toBe(header.length + size + 2 + 4);
    const first = parts[0].toString('latin1', 0, header.length);
    expect(first).toBe(header);
    const body = parts.find((p) => p.length === size)!;
    expect(body).toBeDefined();
    expect(body.readUInt32LE(0)).toBe(0xdeadbeef);
    expect(body.readUInt32LE(size - 4)).toBe(0xcafebabe);
    const tail = parts[parts.length - 1].toString('latin1');
    expect(tail.endsWith('\r\n:3\r\n')).toBe(true);
    // The next turn is small again.
    x.ok();
    expect(x.flush()!.length).toBe(5);
  });

  it('drainInto copies exactly what flush() would give, big chunks included, and starts afresh', () => {
    const a = new RespWriter(), b = new RespWriter();
    const big = Buffer.alloc(100 * 1024, 7);
    for (const x of [a, b]) {
      x.ok();
      x.bulk(big, 0, big.length); // over kBigBulk: kept as a chunk of its own
      x.int(42);
    }
    const want = b.flush()!;
    expect(a.size()).toBe(want.length);
    const d = new Uint8Array(want.length + 10);
    expect(a.drainInto(d, 5)).toBe(want.length);
    expect(Buffer.from(d.subarray(5, 5 + want.length)).equals(want)).toBe(true);
    expect(a.size()).toBe(0);
    a.simple('PONG');
    expect(a.flush()!.toString()).toBe('+PONG\r\n');
  });
});
