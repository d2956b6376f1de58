/**
 * Test helpers: start Spindle (in process, or as a child process), start a real redis-server
 * for comparison, and a raw RESP socket client that returns each reply's exact bytes.
 *
 * Everything here talks to 127.0.0.1 only, and every wait is bounded by a timeout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { Store } from '../../src/store.js';
import { keySlot, kSlots } from '../../src/sab/hash.js';
import { Config } from '../../src/server/config.js';

export const HOST = '127.0.0.1';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningTestServer {
  port: number;
  close(): Promise<void>;
}

export interface SpindleOptions {
  shards?: number;
  requirepass?: string;
  /** Any other settings, by Redis's name (e.g. { maxclients: '20000' }). */
  config?: Record<string, string>;
}

function spindleSettings(opts: SpindleOptions): [string, string][] {
  const s: [string, string][] = [['shards', String(opts.shards ?? 2)]];
  if (opts.requirepass !== undefined) s.push(['requirepass', opts.requirepass]);
  for (const [k, v] of Object.entries(opts.config ?? {})) s.push([k, v]);
  return s;
}

/** Spindle in this process (owner workers load from dist/: `npx tsc -p .` must have run). */
export async function startSpindle(opts: SpindleOptions = {}): Promise<RunningTestServer> {
  const cfg = new Config();
  const set = (k: string, v: string) => {
    const err = cfg.set(k, v, true);
    if (err !== null) throw new Error(`startSpindle: ${k}=${v}: ${err}`);
  };
  set('port', '0');
  set('bind', HOST);
  for (const [k, v] of spindleSettings(opts)) set(k, v);
  const srv = await startServer(cfg);
  let closed = false;
  return {
    port: srv.port,
    async close() {
      if (closed) return;
      closed = true;
      await srv.close();
    },
  };
}

/** A free TCP port on 127.0.0.1 (bound and released; small race, fine for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, re: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: not ready after ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onOut = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onErr = (d: Buffer) => {
      err += d.toString();
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

function killChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Spindle as a child process (`node dist/cli/server.js`): its own file-descriptor budget, for
 * tests that open thousands of sockets.
 */
export async function startSpindleProcess(opts: SpindleOptions = {}): Promise<RunningTestServer> {
  const script = path.join(repoRoot, 'dist', 'cli', 'server.js');
  if (!existsSync(script)) throw new Error(`${script} missing: run npx tsc -p . first`);
  const args = [script, '--port', '0', '--bind', HOST];
  for (const [k, v] of spindleSettings(opts)) args.push(`--${k}`, v);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.resume();
  const m = await waitForLine(child, /Ready to accept connections.*:(\d+)/, 'spindle-server', 20000).catch(async (e) => {
    await killChild(child);
    throw e;
  });
  child.stdout?.resume();
  return {
    port: Number(m[1]),
    close: () => killChild(child),
  };
}

/** The redis-server binary: $REDIS_SERVER when set (a missing path means "not installed"), else from PATH. */
function redisBinary(): string | null {
  const env = process.env.REDIS_SERVER;
  if (env !== undefined) return env !== '' && existsSync(env) ? env : null;
  if (existsSync('/usr/bin/redis-server')) return '/usr/bin/redis-server';
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return r.status === 0 ? 'redis-server' : null;
}

export function redisAvailable(): boolean {
  return redisBinary() !== null;
}

/**
 * A real redis-server on a free port (no persistence), ready once it answers PING.
 * Returns null when redis-server is not installed.
 */
export async function startRedis(extraArgs: string[] = []): Promise<RunningTestServer | null> {
  const bin = redisBinary();
  if (bin === null) return null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(bin, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.resume();
    child.stderr?.resume();
    let exited = false;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 10000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      ready = await pingOnce(port);
      if (ready) break;
      await sleep(50);
    }
    if (ready) {
      return { port, close: () => killChild(child) };
    }
    await killChild(child);
  }
  throw new Error('redis-server did not start');
}

async function pingOnce(port: number): Promise<boolean> {
  let c: RawClient | null = null;
  try {
    c = await rawClient(port, { connectTimeoutMs: 500 });
    const r = await c.send('PING');
    // +PONG, or -NOAUTH when requirepass is set: either way it is serving.
    return r.length > 0 && (r[0] === 0x2b || r[0] === 0x2d);
  } catch {
    return false;
  } finally {
    c?.destroy();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `fn` until it returns true, or fail after timeoutMs. */
export async function waitUntil(fn: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

// ------------------------------------------------------------------ RESP encoding

export type Arg = string | Buffer | number;

/** One command as a RESP multibulk. */
export function encodeCommand(args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------ RESP framing

/** Result of looking for the end of one reply: its end offset, or how many bytes are needed. */
export const kIncomplete = -1;

function findCRLF(b: Buffer, from: number, end: number): number {
  const i = b.indexOf('\r\n', from, 'latin1');
  return i < 0 || i + 2 > end ? -1 : i;
}

/**
 * Where the reply that starts at `pos` ends (exclusive), or -1 when buf[pos, end) does not
 * hold all of it yet. `need` (when given) receives a lower bound of the total bytes needed
 * from `pos`, so a caller waiting for a large bulk need not re-scan on every chunk.
 * Understands RESP2 and RESP3: simple types, bulk/verbatim/blob-error, nulls, aggregates
 * (* ~ > %), attributes (| — the attribute and the value it decorates form one reply) and
 * streamed strings/aggregates ($? / *? ... with ; chunks and '.' end).
 */
export function replyEnd(b: Buffer, pos: number, end: number, need?: { bytes: number }): number {
  if (pos >= end) return -1;
  const t = b[pos];
  const nl = findCRLF(b, pos + 1, end);
  if (nl < 0) return -1;
  const head = b.toString('latin1', pos + 1, nl);
  const after = nl + 2;
  switch (t) {
    case 0x2b: // + simple string
    case 0x2d: // - error
    case 0x3a: // : integer
    case 0x5f: // _ null
    case 0x23: // # boolean
    case 0x2c: // , double
    case 0x28: // ( big number
    case 0x2e: // . end of streamed aggregate
      return after;
    case 0x24: // $ bulk
    case 0x3d: // = verbatim
    case 0x21: { // ! blob error
      if (head === '?') return streamedString(b, after, end);
      const len = Number(head);
      if (!Number.isInteger(len)) throw new Error(`bad RESP length ${JSON.stringify(head)}`);
      if (len < 0) return after; // $-1 null
      const stop = after + len + 2;
      if (stop > end) {
        if (need) need.bytes = stop - pos;
        return -1;
      }
      return stop;
    }
    case 0x2a: // * array
    case 0x7e: // ~ set
    case 0x3e: // > push
    case 0x25: // % map
    case 0x7c: { // | attribute
      if (head === '?') return streamedAggregate(b, after, end, t === 0x25 ? 2 : 1);
      const n = Number(head);
      if (!Number.isInteger(n)) throw new Error(`bad RESP count ${JSON.stringify(head)}`);
      let p = after;
      const items = n < 0 ? 0 : t === 0x25 || t === 0x7c ? 2 * n : n;
      for (let i = 0; i < items; i++) {
        p = replyEnd(b, p, end);
        if (p < 0) return -1;
      }
      if (t === 0x7c) return replyEnd(b, p, end); // the attributed value follows
      return p;
    }
    default:
      throw new Error(`unknown RESP type byte 0x${t.toString(16)} (${JSON.stringify(String.fromCharCode(t))}) at ${pos}`);
  }
}

function streamedString(b: Buffer, p: number, end: number): number {
  for (;;) {
    if (p >= end) return -1;
    if (b[p] !== 0x3b) throw new Error('bad streamed string chunk');
    const nl = findCRLF(b, p + 1, end);
    if (nl < 0) return -1;
    const len = Number(b.toString('latin1', p + 1, nl));
    if (len === 0) return nl + 2;
    p = nl + 2 + len + 2;
    if (p > end) return -1;
  }
}

function streamedAggregate(b: Buffer, p: number, end: number, per: number): number {
  for (;;) {
    if (p >= end) return -1;
    if (b[p] === 0x2e) {
      const nl = findCRLF(b, p + 1, end);
      return nl < 0 ? -1 : nl + 2;
    }
    for (let i = 0; i < per; i++) {
      p = replyEnd(b, p, end);
      if (p < 0) return -1;
    }
  }
}

// ------------------------------------------------------------------ raw client

export interface RawClient {
  readonly socket: net.Socket;
  /** Push frames (RESP3 '>') received out of band, in order. */
  readonly pushes: Buffer[];
  /** Write one command as a multibulk; resolves with exactly one complete reply. */
  send(...args: Arg[]): Promise<Buffer>;
  /** Write bytes as they are; resolves with the next `replies` complete replies, concatenated. */
  sendRaw(bytes: Buffer | string, replies?: number): Promise<Buffer>;
  /** Write bytes without waiting for anything. */
  write(bytes: Buffer | string): void;
  /** The next n replies, one Buffer each. */
  readReplies(n: number, timeoutMs?: number): Promise<Buffer[]>;
  /** The next reply. */
  readReply(timeoutMs?: number): Promise<Buffer>;
  /** Send many commands in one write, and read all their replies. */
  pipeline(cmds: Arg[][], timeoutMs?: number): Promise<Buffer[]>;
  /** Count of complete replies received so far (pushes excluded). */
  repliesReceived(): number;
  /** Bytes received but not yet part of a complete reply. */
  pendingBytes(): Buffer;
  /** Resolves when the server closes the connection (or it errors) — with any unread bytes. */
  closed(timeoutMs?: number): Promise<Buffer>;
  isClosed(): boolean;
  close(): Promise<void>;
  destroy(): void;
}

export interface RawClientOptions {
  connectTimeoutMs?: number;
  /** Default timeout for one reply. */
  replyTimeoutMs?: number;
}

interface Waiter {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

export function rawClient(port: number, opts: RawClientOptions = {}): Promise<RawClient> {
  const replyTimeout = opts.replyTimeoutMs ?? 10000;
  return new Promise((resolveConn, rejectConn) => {
    const socket = net.connect({ port, host: HOST });
    socket.setNoDelay(true);
    const connTimer = setTimeout(() => {
      socket.destroy();
      rejectConn(new Error(`connect to ${HOST}:${port} timed out`));
    }, opts.connectTimeoutMs ?? 5000);

    // Received bytes live in buf[start, len); buf grows geometrically.
    let buf = Buffer.allocUnsafe(64 * 1024);
    let start = 0;
    let len = 0;
    let needTotal = 0; // don't re-scan until at least this many bytes are buffered
    const replies: Buffer[] = [];
    const pushes: Buffer[] = [];
    const waiters: Waiter[] = [];
    let received = 0;
    let isClosed = false;
    let closeError: Error | null = null;
    const closeWaiters: (() => void)[] = [];

    const append = (chunk: Buffer) => {
      if (len + chunk.length > buf.length) {
        const live = len - start;
        if (start > 0 && live + chunk.length <= buf.length) {
          buf.copy(buf, 0, start, len);
        } else {
          const nb = Buffer.allocUnsafe(Math.max(buf.length * 2, live + chunk.length));
          buf.copy(nb, 0, start, len);
          buf = nb;
        }
        len = live;
        start = 0;
      }
      chunk.copy(buf, len);
      len += chunk.length;
    };

    const drain = () => {
      while (start < len) {
        if (len - start < needTotal) return;
        const need = { bytes: 0 };
        const e = replyEnd(buf.subarray(0, len), start, len, need);
        if (e < 0) {
          needTotal = need.bytes;
          return;
        }
        needTotal = 0;
        const frame = Buffer.from(buf.subarray(start, e));
        start = e;
        if (frame[0] === 0x3e) {
          pushes.push(frame);
          continue;
        }
        received++;
        const w = waiters.shift();
        if (w) w.resolve(frame);
        else replies.push(frame);
      }
      if (start === len) {
        start = 0;
        len = 0;
      }
    };

    socket.on('data', (chunk: Buffer) => {
      append(chunk);
      try {
        drain();
      } catch (e) {
        closeError = e as Error;
        for (const w of waiters.splice(0)) w.reject(closeError);
        socket.destroy();
      }
    });
    const onClose = (err?: Error) => {
      if (isClosed) return;
      isClosed = true;
      closeError ??= err ?? new Error('connection closed by server');
      for (const w of waiters.splice(0)) w.reject(closeError);
      for (const f of closeWaiters.splice(0)) f();
    };
    socket.on('error', (err) => onClose(err));
    socket.on('close', () => onClose());

    const next = (timeoutMs = replyTimeout): Promise<Buffer> => {
      const r = replies.shift();
      if (r) return Promise.resolve(r);
      if (isClosed) return Promise.reject(closeError ?? new Error('closed'));
      return new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no reply within ${timeoutMs} ms; pending bytes: ${JSON.stringify(buf.toString('latin1', start, Math.min(len, start + 200)))}`));
        }, timeoutMs);
        const w: Waiter = {
          resolve: (b) => {
            clearTimeout(timer);
            resolve(b);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        waiters.push(w);
      });
    };

    const readReplies = async (n: number, timeoutMs = replyTimeout): Promise<Buffer[]> => {
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++) out.push(await next(timeoutMs));
      return out;
    };

    const client: RawClient = {
      socket,
      pushes,
      send(...args: Arg[]) {
        const p = next();
        socket.write(encodeCommand(args));
        return p;
      },
      async sendRaw(bytes: Buffer | string, n = 1) {
        const p = readReplies(n);
        socket.write(bytes);
        return Buffer.concat(await p);
      },
      write(bytes: Buffer | string) {
        socket.write(bytes);
      },
      readReplies,
      readReply: (t?: number) => next(t),
      pipeline(cmds: Arg[][], timeoutMs = 60000) {
        const p = readReplies(cmds.length, timeoutMs);
        const chunks: Buffer[] = [];
        let size = 0;
        for (const c of cmds) {
          const e = encodeCommand(c);
          chunks.push(e);
          size += e.length;
          if (size > 1 << 20) {
            socket.write(Buffer.concat(chunks.splice(0)));
            size = 0;
          }
        }
        if (chunks.length) socket.write(Buffer.concat(chunks));
        return p;
      },
      repliesReceived: () => received,
      pendingBytes: () => Buffer.from(buf.subarray(start, len)),
      closed(timeoutMs = 5000) {
        const rest = () => Buffer.concat([...replies.splice(0), Buffer.from(buf.subarray(start, len))]);
        if (isClosed) return Promise.resolve(rest());
        return new Promise<Buffer>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
          closeWaiters.push(() => {
            clearTimeout(timer);
            resolve(rest());
          });
        });
      },
      isClosed: () => isClosed,
      close() {
        return new Promise<void>((resolve) => {
          if (isClosed) return resolve();
          closeWaiters.push(resolve);
          socket.end();
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 2000).unref();
        });
      },
      destroy() {
        socket.destroy();
      },
    };

    socket.once('connect', () => {
      clearTimeout(connTimer);
      resolveConn(client);
    });
    socket.once('error', (err) => {
      clearTimeout(connTimer);
      rejectConn(err);
    });
  });
}

// ------------------------------------------------------------------ RESP decoding (for comparisons)

export type RespValue =
  | { t: string; v: string } // simple types: + - : _ # , ( and bulk-ish $ = !
  | { t: string; v: null } // null bulk / null array
  | { t: string; items: RespValue[]; attrs?: RespValue[] }; // * ~ > % (map items flat: k, v, ...)

/** Decode one complete reply into a tree (the text of strings as latin1, so bytes survive). */
export function decodeReply(b: Buffer): RespValue {
  const [v, p] = decodeAt(b, 0);
  if (p !== b.length) throw new Error(`trailing bytes after reply: ${JSON.stringify(b.toString('latin1', p))}`);
  return v;
}

function decodeAt(b: Buffer, pos: number): [RespValue, number] {
  const t = String.fromCharCode(b[pos]);
  const nl = b.indexOf('\r\n', pos + 1, 'latin1');
  if (nl < 0) throw new Error('incomplete reply');
  const head = b.toString('latin1', pos + 1, nl);
  const after = nl + 2;
  switch (t) {
    case '$':
    case '=':
    case '!': {
      const n = Number(head);
      if (n < 0) return [{ t, v: null }, after];
      return [{ t, v: b.toString('latin1', after, after + n) }, after + n + 2];
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(head);
      if (n < 0) return [{ t, v: null }, after];
      const count = t === '%' || t === '|' ? 2 * n : n;
      const items: RespValue[] = [];
      let p = after;
      for (let i = 0; i < count; i++) {
        const [item, q] = decodeAt(b, p);
        items.push(item);
        p = q;
      }
      if (t === '|') {
        const [val, q] = decodeAt(b, p);
        return [{ ...(val as object), attrs: items } as RespValue, q];
      }
      return [{ t, items }, p];
    }
    default:
      return [{ t, v: head }, after];
  }
}

/** Re-encode a tree (after sorting, say) to RESP bytes. */
export function encodeReply(v: RespValue): Buffer {
  const parts: Buffer[] = [];
  const walk = (x: RespValue) => {
    if ('attrs' in x && x.attrs) {
      parts.push(Buffer.from(`|${x.attrs.length / 2}\r\n`));
      x.attrs.forEach(walk);
    }
    if ('items' in x) {
      const n = x.t === '%' ? x.items.length / 2 : x.items.length;
      parts.push(Buffer.from(`${x.t}${n}\r\n`));
      x.items.forEach(walk);
    } else if (x.v === null) {
      parts.push(Buffer.from(`${x.t}-1\r\n`));
    } else if (x.t === '$' || x.t === '=' || x.t === '!') {
      const data = Buffer.from(x.v, 'latin1');
      parts.push(Buffer.from(`${x.t}${data.length}\r\n`), data, Buffer.from('\r\n'));
    } else {
      parts.push(Buffer.from(`${x.t}${x.v}\r\n`, 'latin1'));
    }
  };
  walk(v);
  return Buffer.concat(parts);
}

/** Printable form of raw bytes for assertion messages. */
export function show(b: Buffer | string): string {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  return JSON.stringify(s.length > 400 ? s.slice(0, 400) + `…(${s.length} bytes)` : s);
}

/** The shard of key k in a store of n shards (Spindle's slot map: shard = slot · n / 16384). */
export function shardOfKey(k: string, n: number): number {
  return Math.floor((keySlot(Buffer.from(k), 0, Buffer.byteLength(k)) * n) / kSlots);
}

/** `per` keys in each of n shards, named `${prefix}${i}`, in the order they are found. */
export function keysPerShard(prefix: string, n: number, per: number): string[] {
  const out: string[] = [];
  const got = new Array<number>(n).fill(0);
  for (let i = 0; out.length < per * n; i++) {
    const k = `${prefix}${i}`;
    const s = shardOfKey(k, n);
    if (got[s] < per) {
      got[s]++;
      out.push(k);
    }
  }
  return out;
}

/** A Store of n shards with a server listening on it (port 0), for tests that need both. */
export async function startStoreServer(n: number): Promise<{ store: Store; srv: RunningServer; close(): Promise<void> }> {
  const store = Store.create({ shards: n });
  const cfg = new Config();
  for (const [k, v] of [['port', '0'], ['bind', HOST], ['shards', String(n)]]) cfg.set(k, v, true);
  const srv = await startServer(cfg, store);
  return { store, srv, close: async () => { await srv.close(); await store.close(); } };
}
