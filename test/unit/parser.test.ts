import { describe, it, expect } from 'vitest';
import { RequestParser, ProtocolError, kReady, kNeedMore, kInlineMax, splitArgs } from '../../src/protocol/parser.js';
import { prng } from '../helpers/prng.js';


const b = (s: string) => Buffer.from(s, 'latin1');

/** RESP multibulk encoding of argv. */
function mb(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [b(`*${args.length}\r\n`)];
  for (const a of args) {
    const x = typeof a === 'string' ? b(a) : a;
    parts.push(b(`$${x.length}\r\n`), x, b('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Copy out the current command's args (views are only valid until the next feed()). */
function argv(p: RequestParser): Buffer[] {
  const buf = p.argBuf();
  const out: Buffer[] = [];
  for (let i = 0; i < p.argc; i++) out.push(Buffer.from(buf.subarray(p.offs[i], p.offs[i] + p.lens[i])));
  return out;
}

const strs = (cmds: Buffer[][]) => cmds.map((c) => c.map((x) => x.toString('latin1')));

interface Result { cmds: Buffer[][]; error?: string }

/** Feed chunks the way a connection does: feed, then next() until kNeedMore, done() after each. */
function parseChunks(chunks: Buffer[], setup?: (p: RequestParser) => void): Result {
  const p = new RequestParser();
  setup?.(p);
  const cmds: Buffer[][] = [];
  try {
    for (const c of chunks) {
      p.feed(c);
      while (p.next() === kReady) {
        cmds.push(argv(p));
        p.done();
      }
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { cmds, error: e.detail };
  }
  return { cmds };
}

function parseOne(data: Buffer | string, setup?: (p: RequestParser) => void): Result {
  return parseChunks([typeof data === 'string' ? b(data) : data], setup);
}

function errorOf(data: Buffer | string, setup?: (p: RequestParser) => void): string | undefined {
  return parseOne(data, setup).error;
}

function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let last = 0;
  for (const c of cuts) {
    out.push(data.subarray(last, c));
    last = c;
  }
  out.push(data.subarray(last));
  return out;
}

/** A pipeline exercising every request form. */
const kBinary = Buffer.from([0, 0x0d, 0x0a, 0xff, 0x0d, 0x0a, 0x24, 0x2a, 0]);
const kPipeline = Buffer.concat([
  mb('SET', 'key', 'value'),
  b('PING\r\n'),
  mb('SET', kBinary, kBinary),
  b('\r\n'), // empty inline line
  b('*0\r\n'),
  b('  \r\n'),
  mb('GET', ''),
  b('SET "a b" \'c d\' "\\x41\\n"\r\n'),
  b('*-1\r\n'),
  mb('MSET', 'k1', 'v1', 'k2', 'v2', 'k3', 'v3'),
  b('ECHO x\n'), // LF only
  mb('ECHO', 'x'.repeat(300)),
]);
const kPipelineArgs = [
  ['SET', 'key', 'value'],
  ['PING'],
  ['SET', kBinary.toString('latin1'), kBinary.toString('latin1')],
  ['GET', ''],
  ['SET', 'a b', 'c d', 'A\n'],
  ['MSET', 'k1', 'v1', 'k2', 'v2', 'k3', 'v3'],
  ['ECHO', 'x'],
  ['ECHO', 'x'.repeat(300)],
];

describe('RequestParser: whole requests', () => {
  it('parses a multibulk command; args are views into argBuf()', () => {
    const p = new RequestParser();
    p.feed(mb('SET', 'k', 'hello'));
    expect(p.next()).toBe(kReady);
    expect(p.argc).toBe(3);
    expect(strs([argv(p)])).toEqual([['SET', 'k', 'hello']]);
    expect(p.argBuf()).toBe(p.buf);
    expect(p.pending()).toBe(0);
    p.done();
    expect(p.next()).toBe(kNeedMore);
  });

  it('parses an inline command into its own buffer', () => {
    const p = new RequestParser();
    p.feed(b('SET k  hello\r\n'));
    expect(p.next()).toBe(kReady);
    expect(strs([argv(p)])).toEqual([['SET', 'k', 'hello']]);
    expect(p.argBuf()).toBe(p.inlineBuf);
    p.done();
    expect(p.inlineBuf).toBeNull();
  });

  it('parses the whole pipeline in one chunk', () => {
    const r = parseOne(kPipeline);
    expect(r.error).toBeUndefined();
    expect(strs(r.cmds)).toEqual(kPipelineArgs);
  });

  it('binary bulks carry \\r\\n, \\0 and $/* bytes untouched', () => {
    const v = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) v[i] = i;
    const crlf = b('\r\n\r\n$3\r\n*1\r\n');
    const r = parseOne(mb('SET', crlf, v));
    expect(r.cmds.length).toBe(1);
    expect(r.cmds[0][1].equals(crlf)).toBe(true);
    expect(r.cmds[0][2].equals(v)).toBe(true);
  });

  it('empty bulk strings and many arguments', () => {
    const args = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? '' : `a${i}`));
    const r = parseOne(mb(...args));
    expect(r.cmds.length).toBe(1);
    expect(strs(r.cmds)[0]).toEqual(args);
  });

  it('*0, *-1 and other non-positive counts are skipped, as are empty and blank lines', () => {
    expect(strs(parseOne('*0\r\n*-1\r\n*-5\r\n\r\n\n   \r\n\t\r\nPING\r\n').cmds)).toEqual([['PING']]);
    expect(parseOne('*0\r\n').cmds).toEqual([]);
    expect(parseOne('\r\n\r\n').cmds).toEqual([]);
  });

  it('a multibulk command right after an empty line reads the multibulk buffer', () => {
    const p = new RequestParser();
    p.feed(b('\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n'));
    expect(p.next()).toBe(kReady);
    expect(strs([argv(p)])).toEqual([['ECHO', 'hi']]);
  });

  it('commands before a protocol error are still returned', () => {
    const r = parseOne('PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n');
    expect(strs(r.cmds)).toEqual([['PING'], ['PING']]);
    expect(r.error).toBe('invalid bulk length');
  });

  it('pending() counts bytes buffered but not yet parsed', () => {
    const p = new RequestParser();
    p.feed(b('*1\r\n$4\r\nPI'));
    expect(p.next()).toBe(kNeedMore);
    expect(p.pending()).toBeGreaterThan(0);
    p.feed(b('NG\r\n*1'));
    expect(p.next()).toBe(kReady);
    expect(p.pending()).toBe(2);
  });
});

describe('RequestParser: split points', () => {
  const expected = strs(parseOne(kPipeline).cmds);

  it('every single split point gives the one-shot result', () => {
    for (let i = 0; i <= kPipeline.length; i++) {
      const r = parseChunks(splitAt(kPipeline, [i]));
      if (r.error) throw new Error(`split at ${i}: ${r.error}`);
      expect(strs(r.cmds), `split at ${i}`).toEqual(expected);
    }
  });

  it('every pair of split points gives the one-shot result', () => {
    const n = kPipeline.length;
    for (let i = 0; i <= n; i += 1) {
      for (let j = i; j <= n; j += 3) {
        const r = parseChunks(splitAt(kPipeline, [i, j]));
        const got = JSON.stringify(strs(r.cmds));
        if (r.error || got !== JSON.stringify(expected)) throw new Error(`splits ${i},${j}: ${r.error ?? got}`);
      }
    }
  });

  it('one byte at a time', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < kPipeline.length; i++) chunks.push(kPipeline.subarray(i, i + 1));
    const r = parseChunks(chunks);
    expect(r.error).toBeUndefined();
    expect(strs(r.cmds)).toEqual(expected);
  });

  it('one byte at a time in fresh Buffers (no shared backing store)', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < kPipeline.length; i++) chunks.push(Buffer.from([kPipeline[i]]));
    expect(strs(parseChunks(chunks).cmds)).toEqual(expected);
  });

  it('600 random chunkings of a random pipeline', () => {
    const rnd = prng(7);
    const cmds: Buffer[] = [];
    const want: string[][] = [];
    for (let i = 0; i < 200; i++) {
      if (rnd() < 0.2) {
        const a = `INLINE${i}`;
        cmds.push(b(`${a} arg${i}\r\n`));
        want.push([a, `arg${i}`]);
      } else {
        const n = 1 + Math.floor(rnd() * 5);
        const args: Buffer[] = [];
        for (let k = 0; k < n; k++) {
          const len = rnd() < 0.1 ? Math.floor(rnd() * 5000) : Math.floor(rnd() * 20);
          const x = Buffer.alloc(len);
          for (let q = 0; q < len; q++) x[q] = Math.floor(rnd() * 256);
          args.push(x);
        }
        cmds.push(mb(...args));
        want.push(args.map((x) => x.toString('latin1')));
      }
    }
    const data = Buffer.concat(cmds);
    for (let trial = 0; trial < 600; trial++) {
      const cuts: number[] = [];
      let pos = 0;
      const maxStep = trial % 3 === 0 ? 40 : trial % 3 === 1 ? 700 : 20000;
      for (;;) {
        pos += 1 + Math.floor(rnd() * maxStep);
        if (pos >= data.length) break;
        cuts.push(pos);
      }
      const r = parseChunks(splitAt(data, cuts));
      if (r.error) throw new Error(`trial ${trial}: ${r.error}`);
      if (r.cmds.length !== want.length) throw new Error(`trial ${trial}: ${r.cmds.length} commands`);
      for (let i = 0; i < want.length; i++) {
        const got = r.cmds[i].map((x) => x.toString('latin1'));
        if (JSON.stringify(got) !== JSON.stringify(want[i])) throw new Error(`trial ${trial}: command ${i} differs`);
      }
    }
  });

  it('views of a command stay valid until the next feed()', () => {
    const p = new RequestParser();
    p.feed(Buffer.concat([mb('A', 'one'), mb('B', 'two')]));
    expect(p.next()).toBe(kReady);
    const first = { buf: p.argBuf(), off: p.offs[1], len: p.lens[1] };
    expect(p.next()).toBe(kReady);
    expect(first.buf.subarray(first.off, first.off + first.len).toString()).toBe('one');
  });

  it('several feed() calls before next() lose nothing', () => {
    const p = new RequestParser();
    p.feed(Buffer.concat([mb('PING'), mb('PING')]));
    expect(p.next()).toBe(kReady);
    expect(p.next()).toBe(kReady);
    expect(p.next()).toBe(kNeedMore);
    // Two chunks arrive before the connection gets to parse them.
    p.feed(b('*2\r\n$4\r\nECHO\r\n$5\r\nhel'));
    p.feed(b('lo\r\n'));
    expect(p.next()).toBe(kReady);
    expect(strs([argv(p)])).toEqual([['ECHO', 'hello']]);
  });

  it('several feed() calls before next(): a short chunk after a long consumed one', () => {
    const p = new RequestParser();
    p.feed(Buffer.concat([mb('PING'), mb('PING')]));
    while (p.next() === kReady);
    p.feed(b('*1\r\n$4\r\nPI')); // shorter than the consumed buffer
    p.feed(b('NG\r\n'));
    expect(p.next()).toBe(kReady);
    expect(strs([argv(p)])).toEqual([['PING']]);
  });
});

describe('RequestParser: big bulks', () => {
  it('a 10 MB bulk in 64 KiB chunks: right bytes, buffer grown a bounded number of times', () => {
    const size = 10 * 1024 * 1024;
    const value = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i += 4096) value.fill(i / 4096, i, Math.min(size, i + 4096));
    const data = Buffer.concat([mb('SET', 'big', value), mb('GET', 'big')]);
    const p = new RequestParser();
    const buffers = new Set<Buffer>();
    const cmds: Buffer[][] = [];
    let feeds = 0;
    for (let o = 0; o < data.length; o += 65536) {
      p.feed(data.subarray(o, o + 65536));
      feeds++;
      buffers.add(p.buf);
      while (p.next() === kReady) {
        cmds.push(argv(p));
        p.done();
      }
    }
    expect(feeds).toBeGreaterThan(150);
    expect(cmds.length).toBe(2);
    expect(cmds[0][0].toString()).toBe('SET');
    expect(cmds[0][2].equals(value)).toBe(true);
    expect(strs([cmds[1]])).toEqual([['GET', 'big']]);
    // The bulk length is known from the header: one allocation for the whole bulk (plus the
    // first chunk, which is used in place, and the chunk after the bulk).
    expect(buffers.size).toBeLessThanOrEqual(4);
  });

  it('a bulk whose header arrives before its length is known still grows geometrically', () => {
    // Header split from data, data in 1 KiB pieces.
    const value = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const data = mb('SET', 'k', value);
    const p = new RequestParser();
    const buffers = new Set<Buffer>();
    let got: Buffer[] | null = null;
    for (let o = 0; o < data.length; o += 1024) {
      p.feed(data.subarray(o, o + 1024));
      buffers.add(p.buf);
      if (p.next() === kReady) got = argv(p);
    }
    expect(got?.[2].equals(value)).toBe(true);
    expect(buffers.size).toBeLessThanOrEqual(20);
  });
});

describe('RequestParser: limits and error texts (Redis 7.0)', () => {
  it('invalid multibulk length', () => {
    expect(errorOf('*3000000000\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*2147483648\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*abc\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*1x\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*1 \r\n')).toBe('invalid multibulk length');
    expect(errorOf('*99999999999999999999999\r\n')).toBe('invalid multibulk length');
    // INT_MAX itself is a valid count (the parser then waits for the args).
    expect(errorOf('*2147483647\r\n')).toBeUndefined();
  });

  it('invalid bulk length', () => {
    expect(errorOf('*1\r\n$-1\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$600000000\r\n')).toBe('invalid bulk length'); // > 512 MB
    expect(errorOf('*1\r\n$536870913\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$536870912\r\n')).toBeUndefined(); // exactly proto-max-bulk-len
    expect(errorOf('*1\r\n$abc\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$4 \r\nPING\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$11\r\n', (p) => (p.maxBulkLen = 10))).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$10\r\n0123456789\r\n', (p) => (p.maxBulkLen = 10))).toBeUndefined();
  });

  it("expected '$', got 'x'", () => {
    expect(errorOf('*2\r\nfoo\r\n')).toBe("expected '$', got 'f'");
    expect(errorOf('*1\r\n:1\r\n')).toBe("expected '$', got ':'");
    expect(errorOf('*1\r\n\r\n')).toBe("expected '$', got '\r'");
    // The check waits for the line's CRLF, as Redis does.
    expect(errorOf('*2\r\nfoo')).toBeUndefined();
  });

  it('unauthenticated multibulk / bulk length', () => {
    const auth = (p: RequestParser) => (p.authRequired = true);
    expect(errorOf('*11\r\n', auth)).toBe('unauthenticated multibulk length');
    expect(errorOf('*10\r\n', auth)).toBeUndefined();
    expect(errorOf('*11\r\n')).toBeUndefined();
    expect(errorOf('*1\r\n$16385\r\n', auth)).toBe('unauthenticated bulk length');
    expect(errorOf('*1\r\n$16384\r\n', auth)).toBeUndefined();
    expect(errorOf('*1\r\n$16385\r\n')).toBeUndefined();
    // The invalid-length checks come first.
    expect(errorOf('*1\r\n$600000000\r\n', auth)).toBe('invalid bulk length');
    expect(errorOf('*3000000000\r\n', auth)).toBe('invalid multibulk length');
  });

  it('too big inline request (> 64 KiB without a newline)', () => {
    expect(kInlineMax).toBe(64 * 1024);
    expect(errorOf('a'.repeat(kInlineMax))).toBeUndefined();
    expect(errorOf('a'.repeat(kInlineMax + 1))).toBe('too big inline request');
    // Arriving in pieces.
    const r = parseChunks([b('a'.repeat(40000)), b('a'.repeat(40000))]);
    expect(r.error).toBe('too big inline request');
    // A long line that does end in a newline is fine.
    const long = parseOne(`ECHO ${'x'.repeat(100_000)}\r\n`);
    expect(long.error).toBeUndefined();
    expect(long.cmds[0][1].length).toBe(100_000);
  });

  it('too big mbulk count string / too big bulk count string', () => {
    expect(errorOf('*' + '1'.repeat(kInlineMax + 1))).toBe('too big mbulk count string');
    expect(errorOf('*' + '1'.repeat(kInlineMax - 1))).toBeUndefined();
    expect(errorOf('*1\r\n$' + '1'.repeat(kInlineMax + 1))).toBe('too big bulk count string');
    expect(errorOf('*1\r\n$' + '1'.repeat(kInlineMax - 1))).toBeUndefined();
    const r = parseChunks([b('*1\r\n$'), b('1'.repeat(40000)), b('1'.repeat(40000))]);
    expect(r.error).toBe('too big bulk count string');
  });

  it('unbalanced quotes in request', () => {
    expect(errorOf('SET "abc\r\n')).toBe('unbalanced quotes in request');
    expect(errorOf("SET 'abc\r\n")).toBe('unbalanced quotes in request');
    expect(errorOf('SET "a"b\r\n')).toBe('unbalanced quotes in request');
    expect(errorOf("SET 'a'b\r\n")).toBe('unbalanced quotes in request');
    expect(errorOf('SET "abc\\"\r\n')).toBe('unbalanced quotes in request');
  });

  it('ProtocolError carries the detail and a Redis-style message', () => {
    try {
      const p = new RequestParser();
      p.feed(b('*1\r\n$-1\r\n'));
      p.next();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as ProtocolError).detail).toBe('invalid bulk length');
      expect((e as ProtocolError).message).toBe('Protocol error: invalid bulk length');
    }
  });

  // Redis parses counts with string2ll, which rejects leading zeros, "-0" and "+": verified
  // against redis-server 7.0.15 ("*03" → invalid multibulk length, "$04" / "$-0" → invalid
  // bulk length, "*-0" → invalid multibulk length).
  it('counts with leading zeros or "-0" are invalid, as in Redis (string2ll)', () => {
    expect(errorOf('*03\r\n$4\r\nECHO\r\n$1\r\na\r\n$1\r\nb\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*-0\r\nPING\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*+1\r\n$4\r\nPING\r\n')).toBe('invalid multibulk length');
    expect(errorOf('*2\r\n$04\r\nECHO\r\n$1\r\na\r\n')).toBe('invalid bulk length');
    expect(errorOf('*2\r\n$4\r\nECHO\r\n$-0\r\n\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$00\r\n\r\n')).toBe('invalid bulk length');
    expect(errorOf('*1\r\n$0\r\n\r\n')).toBeUndefined();
  });
});

describe('splitArgs (sdssplitargs)', () => {
  const split = (s: string) => {
    const r = splitArgs(b(s), 0, s.length);
    return r === null ? null : r.map((x) => x.toString('latin1'));
  };

  it('splits on blanks', () => {
    expect(split('')).toEqual([]);
    expect(split('   ')).toEqual([]);
    expect(split('a')).toEqual(['a']);
    expect(split('  set  k\tv  ')).toEqual(['set', 'k', 'v']);
    expect(split('a\r\nb')).toEqual(['a', 'b']);
  });

  it('double quotes group words and process escapes', () => {
    expect(split('set "a b" c')).toEqual(['set', 'a b', 'c']);
    expect(split('"\\x41\\x42\\x4a\\x4A"')).toEqual(['ABJJ']);
    expect(split('"\\x00\\xff"')).toEqual(['\x00\xff']);
    expect(split('"\\n\\r\\t\\b\\a"')).toEqual(['\n\r\t\b\x07']);
    expect(split('"\\"q\\""')).toEqual(['"q"']);
    expect(split('"\\\\"')).toEqual(['\\']);
    expect(split('"\\z"')).toEqual(['z']); // unknown escape: the char itself
    expect(split('"\\xZZ"')).toEqual(['xZZ']); // not hex: "\x" is just "x"
    expect(split('"\\x4"')).toEqual(['x4']); // too short for \xHH
    expect(split('""')).toEqual(['']);
    expect(split('"" ""')).toEqual(['', '']);
    expect(split('"a\'b"')).toEqual(["a'b"]);
  });

  it("single quotes are literal except \\'", () => {
    expect(split("'c d'")).toEqual(['c d']);
    expect(split("'it\\'s'")).toEqual(["it's"]);
    expect(split("'a\\nb'")).toEqual(['a\\nb']);
    expect(split("'\\x41'")).toEqual(['\\x41']);
    expect(split("''")).toEqual(['']);
    expect(split("'a\"b'")).toEqual(['a"b']);
  });

  it('quotes may start mid-token; a closing quote must be followed by a blank or the end', () => {
    expect(split('a"b c" d')).toEqual(['ab c', 'd']);
    expect(split("x'y z'")).toEqual(['xy z']);
    expect(split('"a"b')).toBeNull();
    expect(split("'a'b")).toBeNull();
    expect(split('"a"\tb')).toEqual(['a', 'b']);
  });

  it('unterminated quotes are an error', () => {
    expect(split('"abc')).toBeNull();
    expect(split("'abc")).toBeNull();
    expect(split('"abc\\')).toBeNull();
    expect(split('"abc\\"')).toBeNull();
  });

  it('reads the range it is given', () => {
    const buf = b('XXset a bYY');
    expect(splitArgs(buf, 2, 9)!.map((x) => x.toString())).toEqual(['set', 'a', 'b']);
  });

  // sdssplitargs skips leading blanks with isspace() but ends an unquoted token only at
  // ' ', '\n', '\r', '\t' or '\0': a vertical tab or form feed inside a word is part of it
  // (redis-server 7.0.15: "ECHO a\vb" replies "a\vb").
  it('\\v and \\f inside an unquoted word do not split it', () => {
    expect(split('ECHO a\x0bb')).toEqual(['ECHO', 'a\x0bb']);
    expect(split('ECHO a\x0cb')).toEqual(['ECHO', 'a\x0cb']);
    expect(split('\x0b ECHO')).toEqual(['ECHO']); // leading: skipped
  });
});
