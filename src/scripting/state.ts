/**
 * Script state shared by every thread of a store (GlobalHandle.scripts, created once with the
 * store): the SCRIPT KILL / busy-reply-threshold flags, and the bodies of every loaded script,
 * so that EVALSHA on one io-thread finds a script loaded through another.
 *
 *   one growable SharedArrayBuffer (64 KiB at start, up to 256 MiB)
 *   byte 0                                      64
 *   ┌────────────────────────────────────────────┬──────────────────────────────────────────┐
 *   │ Int32 words                                │ script records, appended                  │
 *   │ [0] running    [1] kill gen  [2] busy       │ [u32 bodyLen][40 B sha1 hex][body][pad 4] │
 *   │ [3] busy+wrote [4] log lock  [5] log end    │ [u32 bodyLen][40 B sha1 hex][body][pad 4] │
 *   │ [6] flush gen  [7] unused                   │ ...                                       │
 *   │ [8..11] the same four words as [0..3], for  │                                           │
 *   │ functions (FCALL, FUNCTION KILL/STATS)      │                                           │
 *   │ [12..15] unused                             │                                           │
 *   └────────────────────────────────────────────┴──────────────────────────────────────────┘
 *
 *   running      scripts executing now, on any thread (added at start, subtracted at end)
 *   kill gen     bumped by SCRIPT KILL; a running script that saw another value at its start
 *                stops at its next instruction-hook check (every kHookEvery instructions)
 *   busy         running scripts past busy-reply-threshold
 *   busy+wrote   of those, scripts that already ran a write command (SCRIPT KILL refuses them)
 *   log lock     0 free, 1 held: appending a record, growing, or SCRIPT FLUSH
 *   log end      bytes of records (from byte 64); stored after a record is complete
 *   flush gen    bumped by SCRIPT FLUSH; a thread whose local cache saw another value drops it
 *
 * Invariants: every word is changed only with Atomics; a script adds to [0] before its first
 * instruction and subtracts from [0] (and from [2]/[3] if it added there) on every path. A
 * record below `log end` is complete and never changes until a flush resets `log end` to 64.
 * A sha appears at most once in the log. Readers take fresh views when the buffer has grown.
 */
export const kHookEvery = 100_000;

export const enum SW {
  Running = 0,
  KillGen = 1,
  Busy = 2,
  BusyWrote = 3,
  LogLock = 4,
  LogEnd = 5,
  FlushGen = 6,
}

const kHeader = 64;
const kFunctionFlagsByte = 32;
const kShaLen = 40;
const kInitial = 64 * 1024;
const kMax = 256 * 1024 * 1024;

export function createScriptFlags(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(kInitial, { maxByteLength: kMax });
  new Int32Array(sab, 0, 16)[SW.LogEnd] = kHeader;
  return sab;
}

/** The four function words ([8..11]: running, kill gen, busy, busy+wrote) of the flag words. */
export function functionFlags(flags: Int32Array): Int32Array {
  return flags.subarray(kFunctionFlagsByte / 4, kFunctionFlagsByte / 4 + 4);
}

const flagViews = new WeakMap<object, Int32Array>();

/**
 * The flag words of the store's script state (words 0..15; functions at 8..11), without a Lua
 * VM: SCRIPT KILL and FUNCTION KILL/STATS answer on the front end from these.
 */
export function scriptFlags(c: { engine: { handle: { global: { scripts?: SharedArrayBuffer } } } }): Int32Array {
  let f = flagViews.get(c.engine);
  if (f === undefined) {
    f = new Int32Array(c.engine.handle.global.scripts ?? createScriptFlags(), 0, 16);
    flagViews.set(c.engine, f);
  }
  return f;
}

/** A thread's handle on the shared script state. */
export class ScriptShared {
  /** The flag words (a fixed-length view: fast). */
  readonly flags: Int32Array;
  /** Words [8..11]: running / kill gen / busy / busy+wrote of functions, indexed by SW like `flags`. */
  readonly fnFlags: Int32Array;
  private u8: Uint8Array;
  private readonly growable: boolean;

  constructor(private readonly sab: SharedArrayBuffer) {
    this.flags = new Int32Array(sab, 0, 16);
    this.fnFlags = new Int32Array(sab, kFunctionFlagsByte, 4);
    this.u8 = new Uint8Array(sab, 0, sab.byteLength);
    this.growable = (sab as { growable?: boolean }).growable === true;
    if (Atomics.load(this.flags, SW.LogEnd) === 0) Atomics.store(this.flags, SW.LogEnd, kHeader);
  }

  private view(): Uint8Array {
    if (this.u8.length !== this.sab.byteLength) this.u8 = new Uint8Array(this.sab, 0, this.sab.byteLength);
    return this.u8;
  }

  private lock(): void {
    while (Atomics.compareExchange(this.flags, SW.LogLock, 0, 1) !== 0) Atomics.wait(this.flags, SW.LogLock, 1, 1);
  }

  private unlock(): void {
    Atomics.store(this.flags, SW.LogLock, 0);
    Atomics.notify(this.flags, SW.LogLock, 1);
  }

  flushGen(): number {
    return Atomics.load(this.flags, SW.FlushGen);
  }

  /** The body of the script with this sha (lower-case hex), or null. */
  find(sha: string): Buffer | null {
    const end = Atomics.load(this.flags, SW.LogEnd);
    const u8 = this.view();
    const dv = new DataView(u8.buffer, 0, u8.length);
    for (let at = kHeader; at < end;) {
      const len = dv.getUint32(at, true);
      let same = true;
      for (let i = 0; i < kShaLen; i++) {
        if (u8[at + 4 + i] !== sha.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return Buffer.from(u8.subarray(at + 4 + kShaLen, at + 4 + kShaLen + len));
      at += (4 + kShaLen + len + 3) & ~3;
    }
    return null;
  }

  /** Record a script (no-op if present, or if the log is full: then it stays thread-local). */
  add(sha: string, body: Uint8Array): void {
    this.lock();
    try {
      if (this.find(sha) !== null) return;
      const end = Atomics.load(this.flags, SW.LogEnd);
      const size = (4 + kShaLen + body.length + 3) & ~3;
      if (end + size > this.sab.byteLength) {
        if (!this.growable || end + size > kMax) return;
        (this.sab as unknown as { grow(n: number): void }).grow(Math.min(kMax, Math.max(end + size, this.sab.byteLength * 2)));
      }
      const u8 = this.view();
      new DataView(u8.buffer, 0, u8.length).setUint32(end, body.length, true);
      for (let i = 0; i < kShaLen; i++) u8[end + 4 + i] = sha.charCodeAt(i);
      u8.set(body, end + 4 + kShaLen);
      Atomics.store(this.flags, SW.LogEnd, end + size);
    } finally {
      this.unlock();
    }
  }

  /** SCRIPT FLUSH: empty the log and tell every thread to drop its compiled scripts. */
  flush(): void {
    this.lock();
    Atomics.store(this.flags, SW.LogEnd, kHeader);
    Atomics.add(this.flags, SW.FlushGen, 1);
    this.unlock();
  }
}
