/**
 * Counts RESP replies in a byte stream without decoding them.
 *
 * It walks only type bytes, lengths and line ends: a bulk string's payload is skipped by
 * arithmetic, an array is a counter on a small stack. A top-level reply is counted as an
 * error when it is an error reply or when its type is not the one the request calls for
 * (e.g. SET must answer +, GET must answer $). The first error's text is kept for the report.
 * State survives across chunks, so replies may be split anywhere.
 */
import { kArray, kBulk, kError, kInteger, kSimple } from './commands.js';

const S_TYPE = 0, S_NUM = 1, S_LINE = 2, S_BULK = 3;

export class ReplyScanner {
  /** Top-level replies completed so far. */
  replies = 0;
  /** Of those, error replies and replies of the wrong type. */
  errors = 0;
  firstError: string | null = null;
  /** Expected type of each top-level reply of the current batch; null skips the type check. */
  expect: Uint8Array | null = null;
  private pos = 0;
  private state = S_TYPE;
  private numType = 0;
  private num = 0;
  private neg = false;
  private skip = 0;
  private readonly stack: number[] = [];
  private depth = 0;
  private topBad = false;
  private capturing = false;
  private captured = '';

  /** Start checking a new batch against expect[0..]. */
  resetBatch(): void {
    this.pos = 0;
  }

  feed(b: Buffer): void {
    const len = b.length;
    let i = 0;
    while (i < len) {
      switch (this.state) {
        case S_TYPE: {
          const t = b[i++]!;
          if (this.depth === 0) this.checkTop(t);
          if (t === kSimple || t === kError || t === 0x5f /* _ */ || t === 0x2c /* , */ ||
              t === 0x23 /* # */ || t === 0x28 /* ( */) {
            this.state = S_LINE;
          } else if (t === kInteger || t === kBulk || t === kArray || t === 0x25 /* % */ ||
                     t === 0x7e /* ~ */ || t === 0x3e /* > */ || t === 0x21 /* ! */ || t === 0x3d /* = */) {
            this.state = S_NUM;
            this.numType = t;
            this.num = 0;
            this.neg = false;
          } else {
            // Not RESP: count it as a bad reply and resynchronise at the next line end.
            this.topBad = true;
            this.noteError(`not a RESP reply (byte 0x${t.toString(16)})`);
            this.state = S_LINE;
          }
          break;
        }
        case S_NUM: {
          const c = b[i++]!;
          if (c >= 0x30 && c <= 0x39) this.num = this.num * 10 + (c - 0x30);
          else if (c === 0x2d) this.neg = true;
          else if (c === 0x0a) this.endNumber();
          break;
        }
        case S_LINE: {
          const start = i;
          while (i < len && b[i] !== 0x0a) i++;
          if (this.capturing) this.captured += b.toString('latin1', start, i);
          if (i < len) {
            i++;
            if (this.capturing) {
              this.capturing = false;
              this.firstError = this.captured.replace(/\r$/, '');
            }
            this.complete();
          }
          break;
        }
        case S_BULK: {
          const n = Math.min(this.skip, len - i);
          i += n;
          this.skip -= n;
          if (this.skip === 0) this.complete();
          break;
        }
      }
    }
  }

  private checkTop(t: number): void {
    const want = this.expect ? this.expect[this.pos] : undefined;
    if (t === kError) {
      this.topBad = true;
      if (this.firstError === null && !this.capturing) {
        this.capturing = true;
        this.captured = '';
      }
    } else if (want !== undefined && t !== want) {
      this.topBad = true;
      this.noteError(`reply type '${String.fromCharCode(t)}' where '${String.fromCharCode(want)}' was expected`);
    }
  }

  private noteError(text: string): void {
    if (this.firstError === null && !this.capturing) this.firstError = text;
  }

  private endNumber(): void {
    const t = this.numType;
    if (t === kInteger) return this.complete();
    if (t === kBulk || t === 0x21 || t === 0x3d) {
      if (this.neg) return this.complete(); // null bulk
      this.skip = this.num + 2;
      this.state = S_BULK;
      return;
    }
    // Aggregates: *, ~, > count elements; % counts pairs.
    const n = t === 0x25 ? this.num * 2 : this.num;
    if (this.neg || n === 0) return this.complete();
    this.stack[this.depth++] = n;
    this.state = S_TYPE;
  }

  private complete(): void {
    this.state = S_TYPE;
    for (;;) {
      if (this.depth === 0) {
        this.replies++;
        if (this.topBad) {
          this.errors++;
          this.topBad = false;
        }
        this.pos++;
        return;
      }
      if (--this.stack[this.depth - 1]! > 0) return;
      this.depth--;
    }
  }
}
