/**
 * Tests for the x86-64 long double emulation behind INCRBYFLOAT. The CASES table holds replies
 * recorded from real Redis 7.0.15 (x86-64, glibc) for `SET k start; INCRBYFLOAT k incr`
 * (start null = key absent); 'ERR' = "value is not a valid float", 'NANINF' = "increment would
 * produce NaN or Infinity". The optional live comparison at the bottom runs only when
 * SPINDLE_LD_REDIS_PORT names a running redis-server.
 */
import { describe, it, expect } from 'vitest';
import net from 'node:net';
import {
  parseLongDouble, addLongDouble, isFiniteLD, formatLongDoubleHuman, incrByFloatText, LD_ZERO,
} from '../../src/commands/long-double.js';

function incr(start: string | null, by: string): string {
  const r = incrByFloatText(start, by);
  return r === null ? 'ERR' : r === 'nan-inf' ? 'NANINF' : r;
}

const CASES: [string | null, string, string][] = [
  ['1.1', '2.2', '3.3'],
  ['0.1', '0.2', '0.3'],
  ['1e17', '1', '100000000000000001'],
  ['123456789.123456789', '0', '123456789.12345678899873747'],
  ['1e308', '1e308', '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096'],
  ['1e400', '1', '10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880'],
  ['-5', '5', '0'],
  ['5', '-5', '0'],
  ['3.0e3', '0', '3000'],
  ['5.0e3', '0', '5000'],
  ['10.5', '0.1', '10.6'],
  ['1e-20', '1e-20', '0'],
  ['0x1p3', '0', '8'],
  ['0x1P-3', '0', '0.125'],
  ['0X1.8p1', '0.5', '3.5'],
  ['-0x.8', '0', '-0.5'],
  ['0x1e3', '0', '483'],
  [null, '1.5', '1.5'],
  [null, '-0', '0'],
  [null, '-1e-30', '0'],
  ['-0', '-0', '0'],
  ['-0', '0', '0'],
  ['-0.0', '-0e5', '0'],
  ['-1e-18', '0', '0'],
  ['-0.000000000000000005', '0', '0'],
  ['-0.000000000000000006', '0', '-0.00000000000000001'],
  ['-0.00000000000000001', '0', '-0.00000000000000001'],
  ['0.000000000000000005', '0', '0'],
  ['0.000000000000000015', '0', '0.00000000000000002'],
  ['0.000000000000000025', '0', '0.00000000000000002'],
  ['0.000003814697265625', '0', '0.00000381469726562'],
  ['0.000011444091796875', '0', '0.00001144409179688'],
  ['12345.000003814697265625', '0', '12345.00000381469726562'],
  ['35184372088832.000003814697265625', '0', '35184372088832.00000381469726562'],
  ['99999999999999999.5', '0', '99999999999999999.5'],
  ['0.999999999999999995', '0', '1'],
  ['0.99999999999999999', '0', '0.99999999999999999'],
  ['9223372036854775807', '1', '9223372036854775808'],
  ['18446744073709551615', '0', '18446744073709551615'],
  ['18446744073709551616', '1', '18446744073709551616'],
  ['18446744073709551617', '0', '18446744073709551616'],
  ['36893488147419103231', '0', '36893488147419103232'],
  ['1', '1e-20', '1'],
  ['1e20', '1', '100000000000000000000'],
  ['1e19', '-1', '9999999999999999999'],
  ['3.3', '-3.3', '0'],
  ['0.1', '-0.1', '0'],
  ['1.5', '-0.5', '1'],
  ['.5', '1.', '1.5'],
  ['+.5', '-.25e1', '-2'],
  ['1e-4951', '0', 'ERR'],
  ['1e-4952', '0', 'ERR'],
  ['3.6e-4951', '0', '0'],
  ['1.8e-4951', '0', 'ERR'],
  ['1.9e-4951', '0', '0'],
  ['0x1p-16445', '0x1p-16445', '0'],
  ['0x1p-16446', '0', 'ERR'],
  ['0x1.8p-16446', '0', '0'],
  ['0x1p-16382', '-0x1p-16445', '0'],
  ['1.2e4932', '0', 'ERR'],
  ['1e4932', '1e4932', 'NANINF'],
  ['-1e4932', '-1e4932', 'NANINF'],
  ['0x1.fffffffffffffffep16383', '0x1p16319', 'NANINF'],
  ['0e99999', '1', '1'],
  ['1e99999', '0', 'ERR'],
  ['1e-99999', '0', 'ERR'],
  ['inf', '1', 'NANINF'],
  ['-inf', '1', 'NANINF'],
  ['1', 'inf', 'NANINF'],
  ['Infinity', '-INF', 'NANINF'],
  ['infinit', '0', 'ERR'],
  ['nan', '0', 'ERR'],
  ['0', 'nan', 'ERR'],
  [' 1', '0', 'ERR'],
  ['1 ', '0', 'ERR'],
  ['0', ' 1', 'ERR'],
  ['0', '1 ', 'ERR'],
  ['', '0', 'ERR'],
  ['1e', '0', 'ERR'],
  ['1e+', '0', 'ERR'],
  ['.', '0', 'ERR'],
  ['0x', '0', 'ERR'],
  ['0x1p', '0', 'ERR'],
  ['1..2', '0', 'ERR'],
  ['1e5.5', '0', 'ERR'],
  ['--1', '0', 'ERR'],
  ['abc', '1', 'ERR'],
  ['1', 'abc', 'ERR'],
  ['1,5', '0', 'ERR'],
  ['2.5', 'abc', 'ERR'],
];

describe('INCRBYFLOAT emulation vs recorded Redis 7.0 replies', () => {
  it.each(CASES)('SET k %j; INCRBYFLOAT k %j', (start, by, expected) => {
    expect(incr(start, by)).toBe(expected);
  });

  it('largest finite long double prints all 4933 digits', () => {
    const r = incr('1.18973149535723176502e4932', '0');
    expect(r.length).toBe(4933);
    expect(r.startsWith('1189731495357231765021263853030970205169')).toBe(true);
    expect(r.endsWith('8849149662444156604419552086811989770240')).toBe(true);
  });

  it('string2ld length limit: 5119 bytes ok, 5120 rejected', () => {
    expect(incr('0'.repeat(5118) + '1', '0')).toBe('1');
    expect(incr('0'.repeat(5119) + '1', '0')).toBe('ERR');
    expect(incr('1', '0'.repeat(5118) + '2')).toBe('3');
    expect(incr('1', '0'.repeat(5119) + '2')).toBe('ERR');
  });

  it('rejects embedded NUL and control characters', () => {
    expect(incr('1\u00002', '0')).toBe('ERR');
    expect(incr('0.5', '1\r')).toBe('ERR');
    expect(incr('\t1', '0')).toBe('ERR');
    expect(incr('1\n', '0')).toBe('ERR');
  });
});

describe('long double primitives', () => {
  it('parses into a normalised 64-bit significand', () => {
    const one = parseLongDouble('1')!;
    expect(one).toMatchObject({ kind: 'fin', neg: false, mant: 1n << 63n, exp: -63 });
    const tenth = parseLongDouble('0.1')!;
    // 0.1 = 0xCCCCCCCCCCCCCCCD * 2^-67 (rounded up)
    expect(tenth.mant).toBe(0xcccccccccccccccdn);
    expect(tenth.exp).toBe(-67);
    expect(parseLongDouble('-0')).toMatchObject({ kind: 'fin', neg: true, mant: 0n });
    expect(parseLongDouble('-INFINITY')).toMatchObject({ kind: 'inf', neg: true });
    expect(parseLongDouble('0x1p-16445')).toMatchObject({ mant: 1n, exp: -16445 }); // min subnormal
    expect(parseLongDouble('0x1.fffffffffffffffep16383')).toMatchObject({ mant: (1n << 64n) - 1n, exp: 16320 });
    expect(parseLongDouble('0x1p16384')).toBeNull(); // ERANGE overflow
    expect(parseLongDouble('0x1p-16446')).toBeNull(); // ties-to-even down to zero: ERANGE
    expect(parseLongDouble('nan')).toBeNull();
  });

  it('rounds decimal input to nearest, ties to even', () => {
    // 2^64 + 1 is exactly halfway between 2^64 and 2^64 + 2 -> even (2^64)
    expect(parseLongDouble('18446744073709551617')).toMatchObject({ mant: 1n << 63n, exp: 1 });
    // 2^64 + 3 is halfway between 2^64 + 2 and 2^64 + 4 -> even significand (2^64 + 4)
    expect(parseLongDouble('18446744073709551619')).toMatchObject({ mant: (1n << 63n) + 2n, exp: 1 });
    expect(parseLongDouble('18446744073709551617.000000000000000000001')).toMatchObject({ mant: (1n << 63n) + 1n, exp: 1 });
  });

  it('adds with signed zeros and infinities like IEEE', () => {
    const negZero = parseLongDouble('-0')!;
    expect(addLongDouble(negZero, negZero).neg).toBe(true);
    expect(addLongDouble(negZero, LD_ZERO).neg).toBe(false);
    expect(addLongDouble(parseLongDouble('3.3')!, parseLongDouble('-3.3')!)).toEqual(LD_ZERO);
    expect(isFiniteLD(addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!))).toBe(false);
    expect(addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!).kind).toBe('nan');
    expect(addLongDouble(parseLongDouble('1e4932')!, parseLongDouble('1e4932')!).kind).toBe('inf');
    expect(isFiniteLD(parseLongDouble('1e4932')!)).toBe(true);
  });

  it('formats like "%.17Lf" with stripping', () => {
    expect(formatLongDoubleHuman(parseLongDouble('0.1')!)).toBe('0.1');
    expect(formatLongDoubleHuman(parseLongDouble('-0')!)).toBe('0');
    expect(formatLongDoubleHuman(parseLongDouble('-1e-30')!)).toBe('0');
    expect(formatLongDoubleHuman(parseLongDouble('-2.5')!)).toBe('-2.5');
    expect(formatLongDoubleHuman(parseLongDouble('1e20')!)).toBe('100000000000000000000');
    expect(formatLongDoubleHuman(parseLongDouble('inf')!)).toBe('inf');
    expect(formatLongDoubleHuman(parseLongDouble('-inf')!)).toBe('-inf');
  });
});

// ------------------------------------------------------------------ optional live comparison

const livePort = Number(process.env.SPINDLE_LD_REDIS_PORT ?? 0);

/** Pipeline `SET k a; INCRBYFLOAT k b` for every pair and collect the INCRBYFLOAT replies. */
async function redisIncr(port: number, pairs: [string, string][]): Promise<string[]> {
  const enc = (...a: string[]) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`).join('');
  const sock = net.connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) break;
        const head = buf.toString('latin1', 1, nl);
        if (buf[0] === 36) {
          const n = Number(head);
          if (buf.length < nl + 4 + n) break;
          replies.push(buf.toString('latin1', nl + 2, nl + 2 + n));
          buf = buf.subarray(nl + 4 + n);
        } else {
          replies.push(buf[0] === 45 ? (head.includes('NaN') ? 'NANINF' : 'ERR') : head);
          buf = buf.subarray(nl + 2);
        }
      }
      if (replies.length >= pairs.length * 2) resolve();
    });
    sock.write(Buffer.from(pairs.map(([a, b]) => enc('SET', 'spindle:ld', a) + enc('INCRBYFLOAT', 'spindle:ld', b)).join(''), 'latin1'));
  });
  sock.end();
  return replies.filter((_, i) => i % 2 === 1);
}

describe.skipIf(!livePort)('INCRBYFLOAT emulation vs live redis-server', () => {
  it('matches random pairs byte for byte', async () => {
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * n); };
    const digits = (n: number) => Array.from({ length: n }, () => rnd(10)).join('');
    const val = () => {
      const sign = ['', '-', '+', ''][rnd(4)];
      const k = rnd(5);
      const m = k === 0 ? digits(1 + rnd(20)) : k === 1 ? '.' + digits(1 + rnd(25)) : k === 2 ? '0x' + rnd(1 << 30).toString(16) + 'p' + (rnd(200) - 100)
        : digits(1 + rnd(15)) + '.' + digits(rnd(25));
      const e = k === 2 || rnd(3) ? '' : 'e' + (rnd(2) ? '-' : '') + rnd(k === 4 ? 4960 : 30);
      return sign + m + e;
    };
    const pairs: [string, string][] = Array.from({ length: 3000 }, () => [val(), val()]);
    const got = await redisIncr(livePort, pairs);
    const mismatches = pairs.map(([a, b], i) => [a, b, got[i], incr(a, b)]).filter((r) => r[2] !== r[3]);
    expect(mismatches).toEqual([]);
  });
});
