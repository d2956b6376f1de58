/**
 * RESP encoder writing straight into an arena buffer. Each flush() hands out the bytes written
 * since the last flush as one Buffer (a view into the arena, never reused afterwards), so one
 * socket.write() per connection per turn carries every reply of that turn.
 */
import { formatDouble, type Reply } from './reply.js';
import { copyBytes } from '../sab/bytes.js';

const kArenaSize = 256 * 1024;
/** Bulk values above this size are not copied into the arena. */
const kBigBulk = 64 * 1024;

export class RespWriter implements Reply {
  resp: 2 | 3 = 2;
  /** Codes of the error replies written since the caller last cleared it (INFO errorstats). */
  errorCodes: string[] = [];

  /** Error replies written since errorCodes was last cleared (INFO total_error_replies). */
  get errors(): number {
    return this.errorCodes.length;
  }
  private buf: Buffer = Buffer.allocUnsafe(kArenaSize);
  private start = 0;
  private off = 0;

  /** Bytes written and not yet flushed. */
  size(): number {
    let n = this.off - this.start;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /** Finished pieces waiting for flush(): arena segments and big bulk values of their own. */
  private chunks: Buffer[] = [];

  /** Take everything written since the last flush as one Buffer, or null if nothing. */
  flush(): Buffer | null {
    const parts = this.flushParts();
    if (parts === null) return null;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Take everything written since the last flush, in order, without concatenating. */
  flushParts(): Buffer[] | null {
    this.cut();
    if (this.chunks.length === 0) return null;
    const out = this.chunks;
    this.chunks = [];
    return out;
  }

  /**
   * Copy everything written since the last flush into d at `at` (the caller made room for
   * size() bytes) and forget it. The copied arena bytes are written over next time.
   */
  drainInto(d: Uint8Array, at: number): number {
    const from = at;
    if (this.chunks.length !== 0) {
      for (const c of this.chunks) {
        d.set(c, at);
        at += c.length;
      }
      this.chunks = [];
    }
    const s = this.start, n = this.off - s;
    copyBytes(d, at, this.buf, s, n);
    this.off = s; // nobody holds a view of [start, off): reuse it
    return at + n - from;
  }

  /** Close the current arena segment into chunks. */
  private cut(): void {
    if (this.off === this.start) return;
    this.chunks.push(this.buf.subarray(this.start, this.off));
    this.start = this.off;
    if (this.buf.length - this.off < 1024) {
      this.buf = Buffer.allocUnsafe(kArenaSize);
      this.start = this.off = 0;
    }
  }

  /** Drop unflushed bytes (used by RESET-like paths and on protocol errors). */
  discard(): void {
    this.off = this.start;
    this.chunks = [];
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const pending = this.off - this.start;
    const nb = Buffer.allocUnsafe(Math.max(kArenaSize, (pending + n) * 2));
    this.buf.copy(nb, 0, this.start, this.off);
    this.buf = nb;
    this.start = 0;
    this.off = pending;
  }

  private crlf2(): void {
    this.ensure(2);
    this.crlf();
  }

  private crlf(): void {
    this.buf[this.off++] = 0x0d;
    this.buf[this.off++] = 0x0a;
  }

  private header(prefix: number, n: number): void {
    this.ensure(24);
    const b = this.buf;
    b[this.off++] = prefix;
    if (n >= 0 && n < 10) {
      b[this.off++] = 48 + n;
    } else {
      this.off += b.write(String(n), this.off, "latin1");
    }
    b[this.off++] = 0x0d;
    b[this.off++] = 0x0a;
  }

  private line(prefix: number, s: string): void {
    this.ensure(s.length * 3 + 3);
    this.buf[this.off++] = prefix;
    this.off += this.buf.write(s, this.off, 'utf8');
    this.crlf();
  }

  /**
   * Status and error lines are built from argument bytes as binary strings (one char per
   * byte, Ctx.bin), so they go out as latin1: the client gets the bytes it sent.
   */
  private binLine(prefix: number, s: string): void {
    const n = s.length;
    this.ensure(n + 3);
    const b = this.buf;
    b[this.off++] = prefix;
    if (n <= 32) {
      // Short lines (+QUEUED, +PONG) byte by byte: Buffer.write costs ~60 ns a call.
      let o = this.off;
      for (let i = 0; i < n; i++) b[o++] = s.charCodeAt(i); // latin1: the low byte, as write()
      this.off = o;
    } else {
      this.off += b.write(s, this.off, 'latin1');
    }
    this.crlf();
  }

  ok(): void {
    this.ensure(5);
    const b = this.buf, o = this.off;
    b[o] = 0x2b; // +
    b[o + 1] = 0x4f; // O
    b[o + 2] = 0x4b; // K
    b[o + 3] = 0x0d;
    b[o + 4] = 0x0a;
    this.off = o + 5;
  }

  simple(s: string): void {
    this.binLine(0x2b, s);
  }

  error(s: string): void {
    const sp = s.indexOf(' ');
    this.errorCodes.push(sp < 0 ? s : s.slice(0, sp));
    this.binLine(0x2d, s);
  }

  int(n: number | bigint): void {
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) return this.line(0x3a, String(n));
    this.ensure(24);
    const b = this.buf;
    b[this.off++] = 0x3a;
    if (n < 0) {
      b[this.off++] = 0x2d;
      n = -n;
    }
    // Digits straight into the buffer: count them, then fill from the right.
    let len = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) len++;
    let o = this.off + len;
    this.off = o;
    do {
      b[--o] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    this.crlf();
  }

  intDigits(src: Uint8Array, off: number, len: number): void {
    this.ensure(len + 3);
    this.buf[this.off++] = 0x3a;
    copyBytes(this.buf, this.off, src, off, len);
    this.off += len;
    this.crlf();
  }

  bulk(src: Uint8Array, off: number, len: number): void {
    this.header(0x24, len);
    if (len > kBigBulk) {
      // A big value gets a buffer of its own (a copy: shared memory may change once the
      // shard lock is released), so the arena never balloons to its size.
      this.cut();
      this.chunks.push(Buffer.from(src.subarray(off, off + len)));
      this.crlf2();
      return;
    }
    this.ensure(len + 2);
    copyBytes(this.buf, this.off, src, off, len);
    this.off += len;
    this.crlf();
  }

  bulkString(s: string): void {
    const len = Buffer.byteLength(s);
    this.header(0x24, len);
    this.ensure(len + 2);
    this.off += this.buf.write(s, this.off, "utf8");
    this.crlf();
  }

  nullBulk(): void {
    if (this.resp === 3) this.raw3(0x5f);
    else this.header(0x24, -1);
  }

  nullArray(): void {
    if (this.resp === 3) this.raw3(0x5f);
    else this.header(0x2a, -1);
  }

  private raw3(c: number): void {
    this.ensure(3);
    this.buf[this.off++] = c;
    this.crlf();
  }

  array(n: number): void {
    this.header(0x2a, n);
  }

  map(n: number): void {
    if (this.resp === 3) this.header(0x25, n);
    else this.header(0x2a, n * 2);
  }

  set(n: number): void {
    this.header(this.resp === 3 ? 0x7e : 0x2a, n);
  }

  push(n: number): void {
    this.header(this.resp === 3 ? 0x3e : 0x2a, n);
  }

  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.line(0x2c, s);
    else this.bulkString(s);
  }

  bool(v: boolean): void {
    if (this.resp === 3) this.line(0x23, v ? 't' : 'f');
    else this.int(v ? 1 : 0);
  }

  bigNumber(digits: string): void {
    if (this.resp === 3) this.line(0x28, digits);
    else this.bulkString(digits);
  }

  verbatim(format: string, text: string): void {
    if (this.resp === 2) return this.bulkString(text);
    const body = `${format}:${text}`;
    const len = Buffer.byteLength(body);
    this.header(0x3d, len);
    this.ensure(len + 2);
    this.off += this.buf.write(body, this.off, "utf8");
    this.crlf();
  }

  /**
   * Append bytes that are already RESP (pub/sub frames encoded once for many subscribers). A
   * piece over kBigBulk is kept by reference as a chunk of its own: the caller must never change
   * those bytes afterwards.
   */
  raw(src: Uint8Array, off: number, len: number): void {
    if (len > kBigBulk) {
      this.cut();
      this.chunks.push(Buffer.from(src.buffer, src.byteOffset + off, len));
      return;
    }
    this.ensure(len);
    // A whole array is copied without making a view of it (subarray costs more than the copy).
    if (off === 0 && len === src.length) this.buf.set(src, this.off);
    else copyBytes(this.buf, this.off, src, off, len);
    this.off += len;
  }

  /** RESP3 attribute map header (dropped entirely in RESP2 by the caller). */
  attribute(n: number): void {
    this.header(0x7c, n);
  }
}
