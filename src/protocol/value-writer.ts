/**
 * A Reply sink that builds JavaScript values instead of bytes (for the embedded API).
 * RESP3 shapes map onto JS as: bulk → string (or Buffer in buffer mode), integer → number
 * (bigint beyond 2^53), null → null, array/set/push → array, map → plain object,
 * double → number, boolean → boolean, verbatim → string, error → ReplyError (thrown by the
 * caller when it is the top-level reply, kept in place inside arrays).
 */
import { replyErrorFor, type ReplyError } from '../errors.js';
import type { Reply } from './reply.js';

export type Value = string | Buffer | number | bigint | boolean | null | ReplyError | Value[] | { [k: string]: Value };

interface Frame {
  items: Value[];
  left: number;
  kind: 'array' | 'map';
}

export class ValueWriter implements Reply {
  resp: 2 | 3 = 3;
  buffers = false;
  private stack: Frame[] = [];
  private result: Value | undefined;
  private done = false;

  /** Take the finished top-level value (undefined if nothing was written). */
  take(): Value | undefined {
    const r = this.result;
    this.result = undefined;
    this.done = false;
    if (this.stack.length !== 0) this.stack.length = 0;
    return r;
  }

  private put(v: Value): void {
    let top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      if (!this.done) {
        this.result = v;
        this.done = true;
      }
      return;
    }
    top.items.push(v);
    top.left--;
    while (top !== undefined && top.left === 0) {
      this.stack.pop();
      let done: Value;
      if (top.kind === 'map') {
        const o: { [k: string]: Value } = {};
        for (let i = 0; i < top.items.length; i += 2) o[String(top.items[i])] = top.items[i + 1];
        done = o;
      } else done = top.items;
      const parent = this.stack[this.stack.length - 1];
      if (parent === undefined) {
        this.result = done;
        this.done = true;
        return;
      }
      parent.items.push(done);
      parent.left--;
      top = parent;
    }
  }

  private open(n: number, kind: 'array' | 'map'): void {
    if (n === 0) return this.put(kind === 'map' ? {} : []);
    this.stack.push({ items: [], left: kind === 'map' ? n * 2 : n, kind });
  }

  ok(): void { this.put('OK'); }
  simple(s: string): void { this.put(s); }
  error(s: string): void { this.put(replyErrorFor(s)); }
  int(n: number | bigint): void { this.put(n); }
  intDigits(b: Uint8Array, off: number, len: number): void {
    const n = Number(Buffer.from(b.subarray(off, off + len)).toString('latin1'));
    this.put(Number.isSafeInteger(n) ? n : BigInt(Buffer.from(b.subarray(off, off + len)).toString('latin1')));
  }
  bulk(b: Uint8Array, off: number, len: number): void {
    if (this.buffers) return this.put(Buffer.from(b.subarray(off, off + len)));
    // A view, not a copy: toString makes the one copy (works for shared memory too).
    this.put(Buffer.from(b.buffer, b.byteOffset + off, len).toString('utf8'));
  }
  bulkString(s: string): void { this.put(this.buffers ? Buffer.from(s) : s); }
  nullBulk(): void { this.put(null); }
  nullArray(): void { this.put(null); }
  array(n: number): void { this.open(n, 'array'); }
  map(n: number): void { this.open(n, 'map'); }
  set(n: number): void { this.open(n, 'array'); }
  push(n: number): void { this.open(n, 'array'); }
  double(d: number): void { this.put(d); }
  bool(b: boolean): void { this.put(b); }
  bigNumber(digits: string): void { this.put(BigInt(digits)); }
  verbatim(_format: string, text: string): void { this.put(text); }
}
