/**
 * Incremental RESP request parser: multibulk (`*N\r\n$len\r\narg\r\n...`) and inline
 * (`SET k v\r\n`) requests, binary safe, across arbitrary TCP split points.
 *
 * Arguments are not copied out: after next() returns kReady, argument i is
 * buf[offs[i], offs[i] + lens[i]). The views stay valid until the next feed() call.
 *
 * Limits and texts follow Redis 7.0 (networking.c, processMultibulkBuffer/processInlineBuffer):
 * - multibulk count > INT_MAX              → "invalid multibulk length"
 * - bulk length < 0 or > proto-max-bulk-len → "invalid bulk length"
 * - unauthenticated: count > 10            → "unauthenticated multibulk length"
 *                    bulk > 16384          → "unauthenticated bulk length"
 * - a count line or inline request longer than 64 KiB without CRLF
 *                                          → "too big mbulk count string" / "too big bulk
 *                                            count string" / "too big inline request"
 * - anything but '$' where a bulk header belongs → "expected '$', got 'x'"
 * - unbalanced quotes in an inline request → "unbalanced quotes in request"
 * Imports nothing from the rest of Spindle.
 */

export const kReady = 1;
export const kNeedMore = 0;
export const kInlineMax = 64 * 1024;
const kIntMax = 2147483647;

export class ProtocolError extends Error {
  constructor(readonly detail: string) {
    super(`Protocol error: ${detail}`);
  }
}

export class RequestParser {
  buf: Buffer = Buffer.alloc(0);
  /** Start of unconsumed data in buf, and its end. */
  private pos = 0;
  private end = 0;
  /** True when buf is our own allocation (safe to append into). */
  private owned = false;

  offs = new Int32Array(16);
  lens = new Int32Array(16);
  argc = 0;

  /** In-progress multibulk: how many args expected (-1 = none started), and where we are. */
  private want = -1;
  private argi = 0;
  private bulkLen = -1;
  private cmdStart = 0;
  private scan = 0;

  maxBulkLen = 512 * 1024 * 1024;
  /** When true, the stricter limits for unauthenticated clients apply. */
  authRequired = false;

  /** Bytes buffered but not yet parsed into a complete command. */
  pending(): number {
    return this.end - this.pos;
  }

  feed(chunk: Buffer): void {
    if (this.pos === this.end && this.want < 0) {
      this.buf = chunk;
      this.pos = this.cmdStart = 0;
      this.end = chunk.length;
      this.owned = false;
      this.scan = 0;
      return;
    }
    const need = this.end + chunk.length;
    if (this.owned && need <= this.buf.length) {
      chunk.copy(this.buf, this.end);
      this.end = need;
      return;
    }
    // Compact: keep from the start of the command in progress (or of the unparsed bytes when
    // none is in progress), grow geometrically.
    if (this.want < 0) this.cmdStart = this.pos;
    const keep = this.end - this.cmdStart;
    let cap = Math.max(4096, (keep + chunk.length) * 2);
    if (this.bulkLen >= 0) cap = Math.max(cap, this.pos - this.cmdStart + this.bulkLen + 2 + chunk.length);
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, this.cmdStart, this.end);
    chunk.copy(nb, keep);
    const shift = this.cmdStart;
    for (let i = 0; i < this.argi; i++) this.offs[i] -= shift;
    this.pos -= shift;
    this.scan = Math.max(0, this.scan - shift);
    this.cmdStart = 0;
    this.end = keep + chunk.length;
    this.buf = nb;
    this.owned = true;
  }

  /** Parse the next command. Returns kReady (argv filled) or kNeedMore; throws ProtocolError. */
  next(): number {
    for (;;) {
      if (this.want < 0) {
        if (this.pos >= this.end) return kNeedMore;
        this.cmdStart = this.pos;
        this.inlineBuf = null;
        if (this.buf[this.pos] !== 0x2a /* * */) {
          const r = this.parseInline();
          if (r === kReady && this.argc === 0) continue; // empty line
          return r;
        }
        const nl = this.findCRLF(this.pos);
        if (nl < 0) {
          if (this.end - this.pos > kInlineMax) throw new ProtocolError('too big mbulk count string');
          return kNeedMore;
        }
        const n = this.parseInt(this.pos + 1, nl);
        if (n === null || n > kIntMax) throw new ProtocolError('invalid multibulk length');
        if (n > 10 && this.authRequired) throw new ProtocolError('unauthenticated multibulk length');
        this.pos = nl + 2;
        if (n <= 0) continue; // "*0" and negative counts are skipped, as Redis does
        this.want = n;
        this.argi = 0;
        this.bulkLen = -1;
        if (this.offs.length < Math.min(n, 1024)) this.growArgv(Math.min(n, 1024));
      }
      // Read bulk args.
      while (this.argi < this.want) {
        if (this.bulkLen < 0) {
          if (this.pos >= this.end) return kNeedMore;
          // Fast path: "$<digits>\r" fully buffered and within limits.
          const b = this.buf, p0 = this.pos;
          if (b[p0] === 0x24) {
            const lim = Math.min(this.end - 1, p0 + 11);
            let i = p0 + 1, v = 0;
            for (; i < lim; i++) {
              const d = b[i] - 48;
              if (d < 0 || d > 9) break;
              v = v * 10 + d;
            }
            if (i > p0 + 1 && i < lim && b[i] === 0x0d && (b[p0 + 1] !== 0x30 || i === p0 + 2) &&
                v <= this.maxBulkLen && (v <= 16384 || !this.authRequired)) {
              this.bulkLen = v;
              this.pos = i + 2;
            }
          }
        }
        if (this.bulkLen < 0) {
          const nl = this.findCRLF(this.pos);
          if (nl < 0) {
            if (this.end - this.pos > kInlineMax) throw new ProtocolError('too big bulk count string');
            return kNeedMore;
          }
          const c = this.buf[this.pos];
          if (c !== 0x24 /* $ */) throw new ProtocolError(`expected '$', got '${String.fromCharCode(c)}'`);
          const l = this.parseInt(this.pos + 1, nl);
          if (l === null || l < 0 || l > this.maxBulkLen) throw new ProtocolError('invalid bulk length');
          if (l > 16384 && this.authRequired) throw new ProtocolError('unauthenticated bulk length');
          this.bulkLen = l;
          this.pos = nl + 2;
        }
        if (this.end - this.pos < this.bulkLen + 2) return kNeedMore;
        if (this.argi >= this.offs.length) this.growArgv(this.argi + 1);
        this.offs[this.argi] = this.pos;
        this.lens[this.argi] = this.bulkLen;
        this.argi++;
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
      }
      this.argc = this.want;
      this.want = -1;
      return kReady;
    }
  }

  private growArgv(n: number): void {
    let cap = this.offs.length;
    while (cap < n) cap *= 2;
    const o = new Int32Array(cap), l = new Int32Array(cap);
    o.set(this.offs);
    l.set(this.lens);
    this.offs = o;
    this.lens = l;
  }

  private findCRLF(from: number): number {
    const b = this.buf, end = this.end;
    let i = Math.max(from, this.scan);
    // Header lines are short: a plain loop beats indexOf's call overhead.
    const stop = Math.min(end, i + 32);
    while (i < stop && b[i] !== 0x0d) i++;
    if (i === stop && stop < end) {
      i = b.indexOf(0x0d, stop);
      if (i < 0 || i >= end) i = end;
    }
    if (i >= end) {
      this.scan = end;
      return -1;
    }
    if (i + 1 >= end) {
      this.scan = i;
      return -1;
    }
    this.scan = 0;
    return i; // Redis only looks for '\r' and assumes '\n' follows
  }

  /** Redis's string2ll: optional '-', then "0" alone or digits without a leading zero. */
  private parseInt(from: number, to: number): number | null {
    const b = this.buf;
    let i = from, neg = false;
    if (i < to && b[i] === 0x2d) { neg = true; i++; }
    if (i >= to || to - i > 18) return null;
    if (b[i] === 0x30 && (to - from !== 1)) return null;
    let v = 0;
    for (; i < to; i++) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  /** Inline request: one line, split like sdssplitargs (quotes and escapes). */
  private parseInline(): number {
    const b = this.buf;
    let nl = b.indexOf(0x0a, this.pos);
    if (nl >= this.end) nl = -1;
    if (nl < 0) {
      if (this.end - this.pos > kInlineMax) throw new ProtocolError('too big inline request');
      return kNeedMore;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && b[lineEnd - 1] === 0x0d) lineEnd--;
    const args = splitArgs(b, this.pos, lineEnd);
    this.pos = nl + 1;
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    // Lay the args out in a fresh buffer so offsets work the same as for multibulk.
    let total = 0;
    for (const a of args) total += a.length;
    const nb = Buffer.allocUnsafe(total);
    if (this.offs.length < args.length) this.growArgv(args.length);
    let o = 0;
    for (let i = 0; i < args.length; i++) {
      args[i].copy(nb, o);
      this.offs[i] = o;
      this.lens[i] = args[i].length;
      o += args[i].length;
    }
    this.inlineBuf = nb;
    this.argc = args.length;
    return kReady;
  }

  /** Set when the last command was inline: its args live here instead of in buf. */
  inlineBuf: Buffer | null = null;

  /** The buffer holding the current command's args. */
  argBuf(): Buffer {
    const ib = this.inlineBuf;
    if (ib !== null) return ib;
    return this.buf;
  }

  /** Must be called after each command is executed (drops inline storage). */
  done(): void {
    this.inlineBuf = null;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0b || c === 0x0c;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** sdssplitargs: returns null on unbalanced quotes. */
export function splitArgs(b: Uint8Array, from: number, to: number): Buffer[] | null {
  const out: Buffer[] = [];
  let p = from;
  for (;;) {
    while (p < to && isSpace(b[p])) p++;
    if (p >= to) return out;
    const cur: number[] = [];
    let inq = false, insq = false;
    for (;;) {
      if (inq) {
        if (p >= to) return null;
        const c = b[p];
        if (c === 0x5c && p + 3 < to && b[p + 1] === 0x78 && hexVal(b[p + 2]) >= 0 && hexVal(b[p + 3]) >= 0) {
          cur.push(hexVal(b[p + 2]) * 16 + hexVal(b[p + 3]));
          p += 3;
        } else if (c === 0x5c && p + 1 < to) {
          p++;
          const e = b[p];
          cur.push(e === 0x6e ? 10 : e === 0x72 ? 13 : e === 0x74 ? 9 : e === 0x62 ? 8 : e === 0x61 ? 7 : e);
        } else if (c === 0x22) {
          if (p + 1 < to && !isSpace(b[p + 1])) return null;
          inq = false;
          p++;
          break;
        } else cur.push(c);
      } else if (insq) {
        if (p >= to) return null;
        const c = b[p];
        if (c === 0x5c && p + 1 < to && b[p + 1] === 0x27) {
          p++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (p + 1 < to && !isSpace(b[p + 1])) return null;
          insq = false;
          p++;
          break;
        } else cur.push(c);
      } else {
        if (p >= to) break;
        const c = b[p];
        // sdssplitargs ends a word only at ' ', '\n', '\r', '\t' or NUL (not \v or \f).
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) break;
        if (c === 0x22) inq = true;
        else if (c === 0x27) insq = true;
        else cur.push(c);
      }
      p++;
    }
    out.push(Buffer.from(cur));
  }
}
