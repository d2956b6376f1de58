import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';

const h = createHarness();
const c = h.client();
const c3 = h.client(3);
const call = (...a: (string | Buffer)[]) => h.call(c, ...a);
const callBuf = (...a: (string | Buffer)[]) => h.callBuf(c, ...a);
const bin = (...bytes: number[]) => Buffer.from(bytes);
const err = (error: string) => ({ error });
const kList = 1; // T.List

afterAll(() => h.close());
beforeEach(() => {
  call('FLUSHALL');
  h.config.set('proto-max-bulk-len', String(512 * 1024 * 1024));
});

// ---------------------------------------------------------------- reference model (Redis semantics, bit by bit)

function bitOf(b: Buffer, p: number): number {
  const byte = Math.floor(p / 8);
  return byte < b.length ? (b[byte] >> (7 - (p % 8))) & 1 : 0;
}

function clamp(start: number, end: number, total: number): [number, number] {
  if (start < 0) start = Math.max(0, start + total);
  if (end < 0) end = Math.max(0, end + total);
  return [start, Math.min(end, total - 1)];
}

function refBitcount(b: Buffer, start: number, end: number, isbit: boolean): number {
  if (start < 0 && end < 0 && start > end) return 0;
  const [s, e] = clamp(start, end, isbit ? b.length * 8 : b.length);
  let n = 0;
  for (let p = isbit ? s : s * 8; p <= (isbit ? e : e * 8 + 7); p++) n += bitOf(b, p);
  return n;
}

function refBitpos(b: Buffer, bit: number, start: number, end: number | null, isbit: boolean): number {
  const [s, e] = clamp(start, end ?? b.length - 1, isbit ? b.length * 8 : b.length);
  if (s > e) return -1;
  const to = isbit ? e : e * 8 + 7;
  for (let p = isbit ? s : s * 8; p <= to; p++) if (bitOf(b, p) === bit) return p;
  return bit === 1 || end !== null ? -1 : (e + 1) * 8;
}

/** Deterministic pseudo-random bytes, mostly runs of 0x00/0xff so searches go far. */
function randomBytes(seed: number, n: number): Buffer {
  let x = seed;
  const r = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out = Buffer.alloc(n);
  let fill = 0;
  for (let i = 0; i < n; i++) {
    if (r() < 0.05) fill = r() < 0.5 ? 0 : 0xff;
    out[i] = r() < 0.02 ? Math.floor(r() * 256) : fill;
  }
  return out;
}

// ---------------------------------------------------------------- SETBIT / GETBIT

describe('SETBIT / GETBIT', () => {
  it('sets, clears and returns the previous bit', () => {
    expect(call('SETBIT', 'k', '7', '1')).toBe(0);
    expect(call('SETBIT', 'k', '7', '1')).toBe(1);
    expect(call('SETBIT', 'k', '7', '0')).toBe(1);
    expect(call('GETBIT', 'k', '7')).toBe(0);
    expect(call('SETBIT', 'k', '1', '1')).toBe(0);
    expect(callBuf('GET', 'k')).toEqual(bin(0x40));
  });

  it('grows the string zero-filled, and reads past the end as 0', () => {
    expect(call('SETBIT', 'k', '100', '1')).toBe(0);
    expect(call('STRLEN', 'k')).toBe(13);
    expect(callBuf('GET', 'k')).toEqual(Buffer.concat([Buffer.alloc(12), bin(0x08)]));
    expect(call('GETBIT', 'k', '100')).toBe(1);
    expect(call('GETBIT', 'k', '10000')).toBe(0);
    expect(call('GETBIT', 'nokey', '0')).toBe(0);
    expect(call('EXISTS', 'nokey')).toBe(0);
  });

  it('creates long strings out of line and keeps the TTL', () => {
    call('SET', 'k', 'ab', 'EX', '100');
    expect(call('SETBIT', 'k', '80000', '1')).toBe(0);
    expect(call('STRLEN', 'k')).toBe(10001);
    expect(callBuf('GETRANGE', 'k', '0', '1')).toEqual(Buffer.from('ab'));
    expect(call('GETBIT', 'k', '80000')).toBe(1);
    expect(call('TTL', 'k')).toBeGreaterThan(90);
    expect(call('SETBIT', 'big', '90000', '1')).toBe(0);
    expect(call('BITCOUNT', 'big')).toBe(1);
  });

  it('edits integer-looking strings as bytes', () => {
    call('SET', 'n', '1234');
    expect(call('SETBIT', 'n', '0', '1')).toBe(0);
    expect(callBuf('GET', 'n')).toEqual(Buffer.from([0xb1, 0x32, 0x33, 0x34]));
    call('SET', 'n', '12');
    expect(call('GETBIT', 'n', '2')).toBe(1); // '1' = 0x31
  });

  it('rejects bad offsets and bit values with Redis texts', () => {
    for (const off of ['-1', 'x', '', '01', '1.5', '4294967296', '99999999999999999999']) {
      expect(call('SETBIT', 'k', off, '1')).toEqual(err('ERR bit offset is not an integer or out of range'));
      expect(call('GETBIT', 'k', off)).toEqual(err('ERR bit offset is not an integer or out of range'));
    }
    for (const v of ['2', '-1', 'x', '']) {
      expect(call('SETBIT', 'k', '0', v)).toEqual(err('ERR bit is not an integer or out of range'));
    }
    expect(call('EXISTS', 'k')).toBe(0);
    expect(call('SETBIT', 'k', '0')).toEqual(err("ERR wrong number of arguments for 'setbit' command"));
  });

  it('limits offsets to proto-max-bulk-len bytes', () => {
    h.config.set('proto-max-bulk-len', '1mb');
    expect(call('SETBIT', 'k', String(8 * 1024 * 1024), '1')).toEqual(err('ERR bit offset is not an integer or out of range'));
    expect(call('SETBIT', 'k', String(8 * 1024 * 1024 - 1), '1')).toBe(0);
    expect(call('STRLEN', 'k')).toBe(1024 * 1024);
  });

  it('checks the arguments before the type', () => {
    call('SET', 'l', 'x');
    h.retype(c, 'l', kList);
    expect(call('SETBIT', 'l', 'x', '1')).toEqual(err('ERR bit offset is not an integer or out of range'));
    expect(call('SETBIT', 'l', '0', '5')).toEqual(err('ERR bit is not an integer or out of range'));
    expect(call('SETBIT', 'l', '0', '1')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(call('GETBIT', 'l', '0')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
  });
});

describe('encodings after bit edits', () => {
  it('leaves edited strings raw, as Redis unshares them, and reads alone', () => {
    const enc = (k: string) => call('OBJECT', 'ENCODING', k);
    call('SET', 'a', '12');
    expect(call('BITOP', 'OR', 'd', 'a')).toBe(2);
    expect(enc('d')).toBe('raw');
    call('SETBIT', 'nb', '1', '1');
    expect(enc('nb')).toBe('raw');
    call('SET', 'x', '12');
    call('GETBIT', 'x', '1');
    call('BITFIELD', 'x', 'GET', 'u8', '0');
    call('BITFIELD_RO', 'x', 'GET', 'u8', '0');
    expect(enc('x')).toBe('int');
    call('BITFIELD', 'x', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '999');
    expect(enc('x')).toBe('raw');
    call('SET', 'z', 'abc');
    call('SETBIT', 'z', '1', '1');
    expect(enc('z')).toBe('raw');
  });
});

// ---------------------------------------------------------------- BITCOUNT

describe('BITCOUNT', () => {
  it('counts whole strings and BYTE / BIT ranges (Redis docs examples)', () => {
    call('SET', 'mykey', 'foobar');
    expect(call('BITCOUNT', 'mykey')).toBe(26);
    expect(call('BITCOUNT', 'mykey', '0', '0')).toBe(4);
    expect(call('BITCOUNT', 'mykey', '1', '1')).toBe(6);
    expect(call('BITCOUNT', 'mykey', '1', '1', 'BYTE')).toBe(6);
    expect(call('BITCOUNT', 'mykey', '5', '30', 'BIT')).toBe(17);
    expect(call('BITCOUNT', 'mykey', '5', '30', 'bit')).toBe(17);
    expect(call('BITCOUNT', 'mykey', '-2', '-1')).toBe(7);
    expect(call('BITCOUNT', 'mykey', '-100', '100')).toBe(26);
    expect(call('BITCOUNT', 'mykey', '100', '200')).toBe(0);
    expect(call('BITCOUNT', 'mykey', '-9', '-1', 'BIT')).toBe(5);
  });

  it('replies like Redis 7.0 on odd arguments', () => {
    call('SET', 's', 'foobar');
    expect(call('BITCOUNT', 's', '1')).toEqual(err('ERR syntax error'));
    expect(call('BITCOUNT', 's', '1', '2', '3')).toEqual(err('ERR syntax error'));
    expect(call('BITCOUNT', 's', '1', '2', 'foo')).toEqual(err('ERR syntax error'));
    // 7.0 returns 0 for an inverted negative range before looking at the unit.
    expect(call('BITCOUNT', 's', '-1', '-2', 'foo')).toBe(0);
    expect(call('BITCOUNT', 's', 'a', '1')).toEqual(err('ERR value is not an integer or out of range'));
    // 7.0 looks the key up first: a missing key is 0 whatever the arguments.
    expect(call('BITCOUNT', 'nokey')).toBe(0);
    expect(call('BITCOUNT', 'nokey', '1')).toBe(0);
    expect(call('BITCOUNT', 'nokey', 'x', 'y', 'z')).toBe(0);
    call('SET', 'e', '');
    expect(call('BITCOUNT', 'e', '0', '-1', 'BIT')).toBe(0);
    h.retype(c, 's', kList);
    expect(call('BITCOUNT', 's')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
  });

  it('matches a bit-by-bit model on long strings at every alignment', () => {
    for (const [seed, n, key] of [[1, 300, 'a'], [2, 1000, 'bb'], [3, 4099, 'ccc'], [4, 200, 'dddd'], [5, 37, 'e']] as const) {
      const v = randomBytes(seed, n);
      call('SET', key, v);
      expect(call('BITCOUNT', key)).toBe(refBitcount(v, 0, -1, false));
      for (let i = 0; i < 40; i++) {
        const a = ((i * 7919 + seed) % (n * 2)) - n, b = ((i * 104729 + seed * 31) % (n * 2)) - Math.floor(n / 2);
        expect(call('BITCOUNT', key, String(a), String(b)), `${key} ${a} ${b}`).toBe(refBitcount(v, a, b, false));
        const ab = a * 8 + (i % 8), bb = b * 8 - (i % 5);
        expect(call('BITCOUNT', key, String(ab), String(bb), 'BIT'), `${key} ${ab} ${bb} BIT`).toBe(refBitcount(v, ab, bb, true));
      }
    }
  });
});

// ---------------------------------------------------------------- BITPOS

describe('BITPOS', () => {
  it('finds bits (Redis docs examples)', () => {
    call('SET', 'mykey', bin(0xff, 0xf0, 0x00));
    expect(call('BITPOS', 'mykey', '0')).toBe(12);
    call('SET', 'mykey', bin(0x00, 0xff, 0xf0));
    expect(call('BITPOS', 'mykey', '1', '0')).toBe(8);
    expect(call('BITPOS', 'mykey', '1', '2')).toBe(16);
    expect(call('BITPOS', 'mykey', '1', '2', '-1', 'BYTE')).toBe(16);
    expect(call('BITPOS', 'mykey', '1', '7', '15', 'BIT')).toBe(8);
    call('SET', 'mykey', bin(0, 0, 0));
    expect(call('BITPOS', 'mykey', '1')).toBe(-1);
    expect(call('BITPOS', 'mykey', '1', '7', '-3', 'BIT')).toBe(-1);
  });

  it('treats the right side as zero-padded only without an explicit end', () => {
    call('SET', 'full', bin(0xff, 0xff, 0xff));
    expect(call('BITPOS', 'full', '0')).toBe(24);
    expect(call('BITPOS', 'full', '0', '1')).toBe(24);
    expect(call('BITPOS', 'full', '0', '1', '-1')).toBe(-1);
    expect(call('BITPOS', 'full', '0', '0', '23', 'BIT')).toBe(-1);
    expect(call('BITPOS', 'nokey', '0')).toBe(0);
    expect(call('BITPOS', 'nokey', '1')).toBe(-1);
    call('SET', 'e', '');
    expect(call('BITPOS', 'e', '0')).toBe(-1);
    expect(call('BITPOS', 'e', '1')).toBe(-1);
  });

  it('replies like Redis 7.0 on bad arguments', () => {
    call('SET', 's', 'foobar');
    expect(call('BITPOS', 's', '2')).toEqual(err('ERR The bit argument must be 1 or 0.'));
    expect(call('BITPOS', 's', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('BITPOS', 'nokey', '2')).toEqual(err('ERR The bit argument must be 1 or 0.'));
    expect(call('BITPOS', 'nokey', '1', 'a', 'b', 'c')).toBe(-1);
    expect(call('BITPOS', 's', '1', 'a', 'b', 'c')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('BITPOS', 's', '1', '0', '1', 'BIT', 'x')).toEqual(err('ERR syntax error'));
    expect(call('BITPOS', 's', '1', '0', 'x', 'foo')).toEqual(err('ERR syntax error'));
    expect(call('BITPOS', 's', '1', '0', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    h.retype(c, 's', kList);
    expect(call('BITPOS', 's', '1')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
  });

  it('matches a bit-by-bit model on long strings at every alignment', () => {
    for (const [seed, n, key] of [[11, 2000, 'a'], [12, 700, 'bb'], [13, 5000, 'ccc'], [14, 64, 'dddd']] as const) {
      const v = randomBytes(seed, n);
      call('SET', key, v);
      for (const bit of [0, 1]) {
        expect(call('BITPOS', key, String(bit))).toBe(refBitpos(v, bit, 0, null, false));
        for (let i = 0; i < 30; i++) {
          const a = ((i * 7919 + seed) % (n + 10)) - 5, b = ((i * 104729 + seed) % (n * 2)) - Math.floor(n / 2);
          expect(call('BITPOS', key, String(bit), String(a))).toBe(refBitpos(v, bit, a, null, false));
          expect(call('BITPOS', key, String(bit), String(a), String(b))).toBe(refBitpos(v, bit, a, b, false));
          const ab = a * 8 + (i % 8), bb = (b + n) * 8 - (i % 3);
          expect(call('BITPOS', key, String(bit), String(ab), String(bb), 'BIT'), `${key} ${bit} ${ab} ${bb}`)
            .toBe(refBitpos(v, bit, ab, bb, true));
        }
      }
    }
  });
});

// ---------------------------------------------------------------- BITOP

describe('BITOP', () => {
  it('combines strings of different lengths, zero-padding the shorter ones', () => {
    call('SET', 'a', bin(0x0f, 0xf0, 0xaa));
    call('SET', 'b', bin(0xff));
    expect(call('BITOP', 'AND', 'd', 'a', 'b')).toBe(3);
    expect(callBuf('GET', 'd')).toEqual(bin(0x0f, 0, 0));
    expect(call('BITOP', 'or', 'd', 'a', 'b')).toBe(3);
    expect(callBuf('GET', 'd')).toEqual(bin(0xff, 0xf0, 0xaa));
    expect(call('BITOP', 'XOR', 'd', 'a', 'b')).toBe(3);
    expect(callBuf('GET', 'd')).toEqual(bin(0xf0, 0xf0, 0xaa));
    expect(call('BITOP', 'NOT', 'd', 'a')).toBe(3);
    expect(callBuf('GET', 'd')).toEqual(bin(0xf0, 0x0f, 0x55));
    expect(call('BITOP', 'AND', 'd', 'a', 'b', 'nokey')).toBe(3);
    expect(callBuf('GET', 'd')).toEqual(bin(0, 0, 0));
    expect(call('BITOP', 'XOR', 'a', 'a', 'b')).toBe(3); // destination among the sources
    expect(callBuf('GET', 'a')).toEqual(bin(0xf0, 0xf0, 0xaa));
  });

  it('works across shards', () => {
    const keys = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7'];
    const s0 = keys.filter((k) => h.shardOf(k) === 0), s1 = keys.filter((k) => h.shardOf(k) === 1);
    expect(s0.length).toBeGreaterThan(0);
    expect(s1.length).toBeGreaterThan(0);
    call('SET', s0[0], bin(0x01, 0x02));
    call('SET', s1[0], bin(0x10));
    expect(call('BITOP', 'OR', s1[1] ?? s1[0], s0[0], s1[0])).toBe(2);
    expect(callBuf('GET', s1[1] ?? s1[0])).toEqual(bin(0x11, 0x02));
    expect(call('BITOP', 'NOT', s0[1] ?? s0[0], s1[0])).toBe(1);
    expect(callBuf('GET', s0[1] ?? s0[0])).toEqual(bin(0xef));
  });

  it('deletes the destination when every source is empty, and drops its TTL otherwise', () => {
    call('SET', 'd', 'x');
    expect(call('BITOP', 'AND', 'd', 'nokey', 'nokey2')).toBe(0);
    expect(call('EXISTS', 'd')).toBe(0);
    call('SET', 'b', 'ab');
    call('SET', 'd', 'x', 'EX', '100');
    expect(call('BITOP', 'OR', 'd', 'b')).toBe(2);
    expect(call('TTL', 'd')).toBe(-1);
    call('SET', 'l', 'x');
    h.retype(c, 'l', kList);
    expect(call('BITOP', 'OR', 'l', 'b')).toBe(2); // the destination may hold any type
    expect(call('GET', 'l')).toBe('ab');
  });

  it('replies like Redis 7.0 on errors', () => {
    call('SET', 'l', 'x');
    h.retype(c, 'l', kList);
    expect(call('BITOP', 'foo', 'd', 's')).toEqual(err('ERR syntax error'));
    expect(call('BITOP', 'NOT', 'd', 's', 's')).toEqual(err('ERR BITOP NOT must be called with a single source key.'));
    expect(call('BITOP', 'NOT', 'd', 'l')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(call('BITOP', 'AND', 'd')).toEqual(err("ERR wrong number of arguments for 'bitop' command"));
  });

  it('matches a byte-by-byte model on long, unaligned strings', () => {
    const srcs = [randomBytes(21, 1000), randomBytes(22, 333), randomBytes(23, 2049)];
    const keys = ['{p}a', '{p}bbbbb', '{p}cc'];
    srcs.forEach((v, i) => call('SET', keys[i], v));
    const max = 2049;
    const at = (v: Buffer, k: number) => (k < v.length ? v[k] : 0);
    const want = (f: (x: number, y: number) => number) =>
      Buffer.from(Array.from({ length: max }, (_, k) => srcs.map((v) => at(v, k)).reduce(f) & 0xff));
    expect(call('BITOP', 'AND', '{p}d', ...keys)).toBe(max);
    expect(callBuf('GET', '{p}d')).toEqual(want((x, y) => x & y));
    expect(call('BITOP', 'OR', '{p}d', ...keys)).toBe(max);
    expect(callBuf('GET', '{p}d')).toEqual(want((x, y) => x | y));
    expect(call('BITOP', 'XOR', '{p}d', ...keys)).toBe(max);
    expect(callBuf('GET', '{p}d')).toEqual(want((x, y) => x ^ y));
    expect(call('BITOP', 'NOT', '{p}d', keys[2])).toBe(max);
    expect(callBuf('GET', '{p}d')).toEqual(Buffer.from(srcs[2].map((x) => ~x & 0xff)));
  });
});

// ---------------------------------------------------------------- BITFIELD

describe('BITFIELD', () => {
  it('runs the Redis docs examples', () => {
    expect(call('BITFIELD', 'mykey', 'INCRBY', 'i5', '100', '1', 'GET', 'u4', '0')).toEqual([1, 0]);
    expect(call('BITFIELD', 'mykey', 'incrby', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'incrby', 'u2', '102', '1')).toEqual([1, 1]);
    expect(call('BITFIELD', 'mykey', 'incrby', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'incrby', 'u2', '102', '1')).toEqual([2, 2]);
    expect(call('BITFIELD', 'mykey', 'incrby', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'incrby', 'u2', '102', '1')).toEqual([3, 3]);
    expect(call('BITFIELD', 'mykey', 'incrby', 'u2', '100', '1', 'OVERFLOW', 'SAT', 'incrby', 'u2', '102', '1')).toEqual([0, 3]);
    expect(call('BITFIELD', 'mykey', 'OVERFLOW', 'FAIL', 'incrby', 'u2', '102', '1')).toEqual([null]);
  });

  it('gets and sets fields at any offset, with # offsets', () => {
    call('SET', 's', 'foobar');
    expect(call('BITFIELD', 's', 'GET', 'u8', '0', 'GET', 'i8', '0', 'GET', 'u4', '4', 'GET', 'i16', '40', 'GET', 'u8', '#1'))
      .toEqual([102, 102, 6, 29184, 111]);
    expect(call('BITFIELD', 's', 'GET', 'i64', '0', 'GET', 'u63', '1', 'GET', 'i64', '#1')).toEqual([
      7381240782615871488n, 7381240782615871488n, 0,
    ]);
    expect(call('BITFIELD', 's', 'SET', 'u4', '#3', '7', 'GET', 'u8', '1', 'SET', 'i16', '#1', '-2')).toEqual([15, 204, 28514]);
    expect(callBuf('GET', 's')).toEqual(Buffer.from([0x66, 0x67, 0xff, 0xfe, 0x61, 0x72]));
    // GET never grows the string; reads past the end are zeros.
    expect(call('BITFIELD', 's', 'GET', 'u32', '40')).toEqual([0x72000000]);
    expect(call('STRLEN', 's')).toBe(6);
  });

  it('grows the string to the highest written bit', () => {
    expect(call('BITFIELD', 'g', 'SET', 'i64', '#100', '1', 'GET', 'i64', '#100')).toEqual([0, 1]);
    expect(call('STRLEN', 'g')).toBe(808);
    expect(call('BITFIELD', 'g2', 'SET', 'u1', '7', '1')).toEqual([0]);
    expect(callBuf('GET', 'g2')).toEqual(bin(1));
  });

  it('handles overflow: WRAP, SAT and FAIL, signed and unsigned', () => {
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'FAIL', 'SET', 'i8', '0', '128', 'SET', 'i8', '0', '-129', 'SET', 'i8', '0', '127',
      'INCRBY', 'i8', '0', '1', 'SET', 'i8', '0', '-128', 'INCRBY', 'i8', '0', '-1')).toEqual([null, null, 0, null, 127, null]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'SAT', 'SET', 'i8', '0', '128', 'SET', 'i8', '0', '-129', 'SET', 'i8', '0', '127',
      'INCRBY', 'i8', '0', '1', 'SET', 'i8', '0', '-128', 'INCRBY', 'i8', '0', '-1')).toEqual([-128, 127, -128, 127, 127, -128]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'WRAP', 'SET', 'i8', '0', '128', 'SET', 'i8', '0', '-129', 'INCRBY', 'i8', '0', '1',
      'SET', 'i8', '0', '1000')).toEqual([-128, -128, -128, -128]);
    // Unsigned SET reads its value as a uint64, like C: -1 is huge and saturates to the max.
    expect(call('BITFIELD', 'u', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1', 'GET', 'u8', '0')).toEqual([0, 255]);
    expect(call('BITFIELD', 'u', 'OVERFLOW', 'WRAP', 'SET', 'u8', '0', '257', 'GET', 'u8', '0')).toEqual([255, 1]);
    expect(call('BITFIELD', 'u', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '0', '-5', 'INCRBY', 'u8', '0', '300')).toEqual([0, 255]);
    expect(call('BITFIELD', 'u', 'OVERFLOW', 'WRAP', 'SET', 'u1', '3', '3', 'INCRBY', 'u1', '3', '1')).toEqual([1, 0]);
    expect(call('BITFIELD', 'u', 'SET', 'i1', '3', '1', 'INCRBY', 'i1', '3', '1')).toEqual([0, 0]);
  });

  it('keeps i64 and u63 arithmetic exact', () => {
    const max = '9223372036854775807', min = '-9223372036854775808';
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'WRAP', 'SET', 'i64', '0', max, 'INCRBY', 'i64', '0', '1', 'INCRBY', 'i64', '0', '-1',
      'INCRBY', 'i64', '0', min)).toEqual([0, -(2n ** 63n), 2n ** 63n - 1n, -1]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'SAT', 'SET', 'i64', '0', min, 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'i64', '0', max,
      'INCRBY', 'i64', '0', max)).toEqual([-1, -(2n ** 63n), -1, 2n ** 63n - 2n]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', '0', max, 'INCRBY', 'i64', '0', '1', 'GET', 'i64', '0'))
      .toEqual([null, 2n ** 63n - 1n, 2n ** 63n - 1n]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'SAT', 'SET', 'u63', '0', '-1', 'INCRBY', 'u63', '0', '1', 'INCRBY', 'u63', '0', min))
      .toEqual([4611686018427387903n, 2n ** 63n - 1n, 0]);
    expect(call('BITFIELD', 'n', 'OVERFLOW', 'WRAP', 'SET', 'u63', '0', max, 'INCRBY', 'u63', '0', '1', 'INCRBY', 'u63', '0', '-1'))
      .toEqual([0, 0, 2n ** 63n - 1n]);
    // C's wrap-around in Redis's limits: SET i34 INT64_MIN saturates to the maximum.
    expect(call('BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i34', '0', min, 'GET', 'i34', '0')).toEqual([0, 2 ** 33 - 1]);
    expect(call('BITFIELD', 'q', 'OVERFLOW', 'SAT', 'SET', 'i34', '0', '-8589934593', 'GET', 'i34', '0')).toEqual([2 ** 33 - 1, -(2 ** 33)]);
  });

  it('creates the key even when every write fails, and replies RESP3 nulls', () => {
    expect(call('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '256')).toEqual([null]);
    expect(callBuf('GET', 'f')).toEqual(bin(0));
    expect(h.run(c3, 'BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '256', 'GET', 'u8', '0')).toBe('*2\r\n_\r\n:0\r\n');
    expect(h.run(c, 'BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '256')).toBe('*1\r\n$-1\r\n');
    expect(call('BITFIELD', 'nokey')).toEqual([]);
    expect(call('BITFIELD', 'nokey', 'GET', 'i64', '0')).toEqual([0]);
    expect(call('EXISTS', 'nokey')).toBe(0);
  });

  it('replies like Redis 7.0 on errors', () => {
    const typeErr = err('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.');
    const offErr = err('ERR bit offset is not an integer or out of range');
    call('SET', 's', 'foobar');
    for (const t of ['i65', 'u64', 'I8', 'U8', 'u0', 'i0', 'i', 'u08', 'x8', '', 'i-1']) {
      expect(call('BITFIELD', 's', 'GET', t, '0'), t).toEqual(typeErr);
    }
    for (const o of ['-1', 'x', '#', '##1', '#-1', '4294967296', '#536870912']) {
      expect(call('BITFIELD', 's', 'GET', 'u8', o), o).toEqual(offErr);
    }
    expect(call('BITFIELD', 's', 'GET', 'u8', '#536870911')).toEqual([0]);
    expect(call('BITFIELD', 's', 'GET', 'i64', '#67108864')).toEqual(offErr);
    expect(call('BITFIELD', 's', 'GET', 'i64', '#67108863')).toEqual([0]);
    // "#n" is multiplied in 64 bits with C's wrap-around: 2^61 * 8 wraps to offset 0.
    expect(call('BITFIELD', 's', 'GET', 'u8', '#2305843009213693952')).toEqual([102]);
    expect(call('BITFIELD', 's', 'OVERFLOW', 'foo')).toEqual(err('ERR Invalid OVERFLOW type specified'));
    for (const args of [['OVERFLOW'], ['foo'], ['GET', 'u8'], ['SET', 'u8', '0'], ['INCRBY', 'u8', '0'], ['GET', 'u8', '0', 'foo']]) {
      expect(call('BITFIELD', 's', ...args), args.join(' ')).toEqual(err('ERR syntax error'));
    }
    expect(call('BITFIELD', 's', 'SET', 'u8', '0', 'x')).toEqual(err('ERR value is not an integer or out of range'));
    expect(call('BITFIELD', 's', 'SET', 'u8', '0', '9223372036854775808')).toEqual(err('ERR value is not an integer or out of range'));
    h.retype(c, 's', kList);
    expect(call('BITFIELD', 's', 'GET', 'u8', '0')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(call('BITFIELD', 's')).toEqual(err('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(call('BITFIELD', 's', 'GET', 'i8', '0', 'SET', 'u8')).toEqual(err('ERR syntax error'));
  });
});

describe('BITFIELD_RO', () => {
  it('runs GETs and refuses writes', () => {
    call('SET', 's', 'foobar');
    expect(call('BITFIELD_RO', 's', 'GET', 'u8', '0', 'GET', 'i4', '4')).toEqual([102, 6]);
    expect(call('BITFIELD_RO', 'nokey', 'GET', 'u8', '0')).toEqual([0]);
    expect(call('BITFIELD_RO', 's')).toEqual([]);
    expect(call('BITFIELD_RO', 's', 'SET', 'u8', '0', '1')).toEqual(err('ERR BITFIELD_RO only supports the GET subcommand'));
    expect(call('BITFIELD_RO', 's', 'INCRBY', 'u8', '0', '1')).toEqual(err('ERR BITFIELD_RO only supports the GET subcommand'));
    expect(call('BITFIELD_RO', 'nokey', 'GET', 'u8', '0', 'SET', 'u8', '0', '1')).toEqual(err('ERR BITFIELD_RO only supports the GET subcommand'));
    expect(call('BITFIELD_RO', 's', 'GET', 'u8', '0', 'OVERFLOW', 'SAT')).toEqual([102]);
    expect(call('BITFIELD_RO', 's', 'GET', 'u8', '0', 'foo')).toEqual(err('ERR syntax error'));
    expect(call('EXISTS', 'nokey')).toBe(0);
  });
});
