/**
 * The function libraries of a store, in one growable SharedArrayBuffer shared by every
 * front-end thread (GlobalHandle.functions). Each thread compiles the libraries into its own
 * Lua VM; this buffer is the single source of truth those VMs follow (functions.ts).
 *
 *   Int32 words, little-endian
 *   ┌──────────────────────────── header, 64 bytes ────────────────────────────┐
 *   │ [0] seq   [1] body bytes   [2] next library id   [3] functions count    │
 *   │ [4..15] reserved                                                         │
 *   ├──────────────── running functions: kSlots slots × kSlotBytes ────────────┤
 *   │ [0] state (0 free, 1 claimed, 2 published)  [1] version  [2] argc stored │
 *   │ [3] data bytes  [4..5] start ms (f64)  [6..] data: [len u32][bytes, pad] │
 *   ├──────────────────────────────── body ────────────────────────────────────┤
 *   │ [count] then per library: [id][name bytes][code bytes] name, code, pad4  │
 *   └──────────────────────────────────────────────────────────────────────────┘
 *
 * Invariants:
 * - seq is even while the body is stable and odd while one writer rewrites it. A writer moves
 *   it from the even value its change was computed against to odd with a compare-and-swap
 *   (so a change computed against a stale body is refused and redone), writes the body, then
 *   stores seq + 2. Writers never wait for each other: a lost CAS means "sync and retry".
 * - Readers never take a lock: they copy the body between two loads of seq and keep the copy
 *   only if both loads saw the same even value (a seqlock). Body words are read and written
 *   with Atomics only, so a copy that overlapped a write is always detected by the second load.
 * - The body only grows the buffer (SharedArrayBuffer.grow, by the writer inside its odd
 *   window); readers re-create their view when byteLength changed.
 * - A library id is unique for the life of the store (word [2], Atomics.add): a thread keeps
 *   its compiled copy of a library exactly as long as the id is unchanged, so a REPLACE with
 *   the same code still gives every thread a fresh library.
 * - The functions count is stored by the thread that compiled the libraries of the current
 *   body (FUNCTION STATS reads it without a Lua VM).
 * - A running-function slot belongs to the thread that claimed it (CAS 0 → 1) until it stores
 *   0 again; readers accept a copy only if state was 2 and version unchanged around it.
 *   Only functions that ran past busy-reply-threshold are published (what FUNCTION STATS
 *   shows: in Redis nobody can ask earlier either).
 */

const kHeader = 64;
const kSlots = 16;
const kSlotBytes = 1024;
const kSlotData = 24;
const kBody = kHeader + kSlots * kSlotBytes;
const kInitial = kBody + 64 * 1024;
const kMax = kBody + 1024 * 1024 * 1024;

const enum H {
  Seq = 0,
  BodyBytes = 1,
  NextId = 2,
  FnCount = 3,
}

export interface LibRecord {
  id: number;
  /** Library name (ASCII: letters, digits, underscore). */
  name: string;
  /** The whole library code, shebang line included. */
  code: Buffer;
}

export interface RunningInfo {
  args: Buffer[];
  start: number;
}

export function createFunctionRegistry(): SharedArrayBuffer {
  const Sab = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
  return new Sab(kInitial, { maxByteLength: kMax });
}

export class FunctionRegistry {
  private i32: Int32Array;

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
  }

  private view(): Int32Array {
    if (this.i32.byteLength !== this.sab.byteLength) this.i32 = new Int32Array(this.sab);
    return this.i32;
  }

  /** The body's sequence number (even when stable). One atomic load: the per-FCALL check. */
  seq(): number {
    return Atomics.load(this.i32, H.Seq);
  }

  /** Functions registered by the current libraries (FUNCTION STATS). */
  functionCount(): number {
    return Atomics.load(this.i32, H.FnCount);
  }

  setFunctionCount(n: number): void {
    Atomics.store(this.i32, H.FnCount, n);
  }

  nextId(): number {
    return Atomics.add(this.i32, H.NextId, 1) + 1;
  }

  /** A consistent copy of the libraries and the seq it belongs to. */
  read(): { seq: number; libs: LibRecord[] } {
    for (let spins = 0; ; spins++) {
      const s1 = Atomics.load(this.i32, H.Seq);
      if ((s1 & 1) === 0) {
        const n = Atomics.load(this.i32, H.BodyBytes);
        const a = this.view();
        const words = new Int32Array(n >> 2);
        const base = kBody >> 2;
        for (let i = 0; i < words.length; i++) words[i] = Atomics.load(a, base + i);
        if (Atomics.load(this.i32, H.Seq) === s1) return { seq: s1, libs: decodeBody(Buffer.from(words.buffer)) };
      }
      if (spins > 1000) {
        // A writer is between its two stores (a memory copy): give it the CPU.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }

  /**
   * Replace the body with `libs` if seq is still `expect`. Returns the new seq, -1 when
   * another writer got there first (sync and compute the change again), or -2 when the
   * libraries do not fit in the buffer's maximum size (nothing changed).
   */
  commit(expect: number, libs: LibRecord[]): number {
    const body = encodeBody(libs);
    const need = kBody + body.length;
    if (need > kMax) return -2;
    if (Atomics.compareExchange(this.i32, H.Seq, expect, expect + 1) !== expect) return -1;
    if (need > this.sab.byteLength) {
      const grow = (this.sab as unknown as { grow(n: number): void }).grow.bind(this.sab);
      grow(Math.min(kMax, Math.max(need, this.sab.byteLength * 2)));
    }
    const a = this.view();
    const src = new Int32Array(body.buffer, body.byteOffset, body.length >> 2);
    const base = kBody >> 2;
    for (let i = 0; i < src.length; i++) Atomics.store(a, base + i, src[i]);
    Atomics.store(a, H.BodyBytes, body.length);
    Atomics.store(a, H.Seq, expect + 2);
    return expect + 2;
  }

  /** Publish this thread's running function (name first, then the command's arguments). -1 if no slot is free. */
  publishRunning(args: Uint8Array[], start: number): number {
    const a = this.i32;
    for (let s = 0; s < kSlots; s++) {
      const w = (kHeader + s * kSlotBytes) >> 2;
      if (Atomics.compareExchange(a, w, 0, 1) !== 0) continue;
      const data = Buffer.alloc(kSlotBytes - kSlotData);
      let at = 0, n = 0;
      for (const arg of args) {
        const room = 4 + ((arg.length + 3) & ~3);
        if (at + room > data.length) break;
        data.writeUInt32LE(arg.length, at);
        data.set(arg, at + 4);
        at += room;
        n++;
      }
      const f64 = new Float64Array(1);
      f64[0] = start;
      const t = new Int32Array(f64.buffer);
      Atomics.store(a, w + 4, t[0]);
      Atomics.store(a, w + 5, t[1]);
      Atomics.store(a, w + 2, n);
      Atomics.store(a, w + 3, at);
      const src = new Int32Array(data.buffer, data.byteOffset, at >> 2);
      for (let i = 0; i < src.length; i++) Atomics.store(a, w + (kSlotData >> 2) + i, src[i]);
      Atomics.add(a, w + 1, 1);
      Atomics.store(a, w, 2);
      return s;
    }
    return -1;
  }

  clearRunning(slot: number): void {
    if (slot >= 0) Atomics.store(this.i32, (kHeader + slot * kSlotBytes) >> 2, 0);
  }

  /** The published running function that started first, or null. */
  running(): RunningInfo | null {
    const a = this.i32;
    let best: RunningInfo | null = null;
    for (let s = 0; s < kSlots; s++) {
      const w = (kHeader + s * kSlotBytes) >> 2;
      if (Atomics.load(a, w) !== 2) continue;
      const v = Atomics.load(a, w + 1);
      const t = new Int32Array([Atomics.load(a, w + 4), Atomics.load(a, w + 5)]);
      const n = Atomics.load(a, w + 2), bytes = Atomics.load(a, w + 3);
      const words = new Int32Array(Math.max(0, Math.min(bytes, kSlotBytes - kSlotData)) >> 2);
      for (let i = 0; i < words.length; i++) words[i] = Atomics.load(a, w + (kSlotData >> 2) + i);
      if (Atomics.load(a, w + 1) !== v || Atomics.load(a, w) !== 2) continue;
      const data = Buffer.from(words.buffer);
      const args: Buffer[] = [];
      for (let i = 0, at = 0; i < n && at + 4 <= data.length; i++) {
        const len = data.readUInt32LE(at);
        args.push(Buffer.from(data.subarray(at + 4, at + 4 + len)));
        at += 4 + ((len + 3) & ~3);
      }
      const start = new Float64Array(t.buffer)[0];
      if (best === null || start < best.start) best = { args, start };
    }
    return best;
  }
}

function encodeBody(libs: LibRecord[]): Buffer {
  let n = 4;
  for (const l of libs) n += 12 + ((l.name.length + l.code.length + 3) & ~3);
  const b = Buffer.alloc(n);
  b.writeUInt32LE(libs.length, 0);
  let at = 4;
  for (const l of libs) {
    b.writeUInt32LE(l.id, at);
    b.writeUInt32LE(l.name.length, at + 4);
    b.writeUInt32LE(l.code.length, at + 8);
    b.write(l.name, at + 12, 'latin1');
    b.set(l.code, at + 12 + l.name.length);
    at += 12 + ((l.name.length + l.code.length + 3) & ~3);
  }
  return b;
}

function decodeBody(b: Buffer): LibRecord[] {
  if (b.length < 4) return [];
  const count = b.readUInt32LE(0);
  const out: LibRecord[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const id = b.readUInt32LE(at), nl = b.readUInt32LE(at + 4), cl = b.readUInt32LE(at + 8);
    const name = b.toString('latin1', at + 12, at + 12 + nl);
    const code = Buffer.from(b.subarray(at + 12 + nl, at + 12 + nl + cl));
    out.push({ id, name, code });
    at += 12 + ((nl + cl + 3) & ~3);
  }
  return out;
}
