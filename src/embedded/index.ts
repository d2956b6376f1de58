/**
 * The embedded store: `open()` creates shard memory and owner workers inside this process and
 * returns a client that runs the very same Engine.execute() path as a network front end,
 * inline on the caller's thread — no socket, no hop. Worker threads of the host process get
 * the same store with `attach(db.handle)`.
 *
 *   const db = await open({ shards: 2 });
 *   await db.set('k', 'v');            // promise API (tries the lock, never blocks the loop)
 *   db.getSync('k');                    // synchronous fast path (may wait on the shard lock)
 *   const srv = await db.listen(6379);  // serve the same store over RESP
 *   await db.close();
 */
import type net from 'node:net';
import { Ctx } from '../commands/context.js';
import { ALL_FAMILIES } from '../commands/families/index.js';
import type { Command } from '../commands/registry.js';
import { ClosedError, ReplyError, WrongTypeError } from '../errors.js';
import { T } from '../sab/record.js';
import type { Shard } from '../shard/shard.js';
import { ValueWriter, type Value } from '../protocol/value-writer.js';
import { Client } from '../server/client.js';
import { Config } from '../server/config.js';
import { Engine, type StoreHandle } from '../server/engine.js';
import { listen } from '../server/listener.js';
import { Store } from '../store.js';
import { commandMethods, type CommandMethods } from './methods.js';
import { EV, Nc, notifyKey } from '../server/notify.js';

export type Arg = string | Buffer | Uint8Array | number | bigint;

export interface OpenOptions {
  /** Number of shards (default 1). */
  shards?: number;
  /** Active-expiry frequency per second (default 10). */
  hz?: number;
  /** Other settings, by their redis.conf names. */
  config?: Record<string, string | number>;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

class SpindleBase {
  readonly engine: Engine;
  private readonly ctx: Ctx;
  private readonly getCmd: Command;
  private readonly setCmd: Command;
  private readonly writer = new ValueWriter();
  private closed = false;
  private readonly servers = new Set<net.Server>();

  constructor(readonly handle: StoreHandle, config: Config, private readonly store: Store | null) {
    this.engine = new Engine(handle, config, ALL_FAMILIES);
    this.getCmd = this.engine.registry.get('get')!;
    this.setCmd = this.engine.registry.get('set')!;
    const client = new Client(this.engine.nextClientId(), 'embedded', 'embedded', -1, false);
    client.resp = 3;
    this.ctx = new Ctx(this.engine, client, this.writer);
  }

  /** Argument bytes of the current call, laid out back to back (reused between calls). */
  private argBuf: Buffer = Buffer.allocUnsafe(4096);
  private argOffs = new Int32Array(16);
  private argLens = new Int32Array(16);

  private load(name: string, args: Arg[]): void {
    const n = args.length + 1;
    if (this.argOffs.length < n) {
      this.argOffs = new Int32Array(n * 2);
      this.argLens = new Int32Array(n * 2);
    }
    let o = this.put(name, 0, 0);
    for (let i = 0; i < args.length; i++) o = this.put(args[i], o, i + 1);
    const c = this.ctx;
    c.buf = this.argBuf;
    c.offs = this.argOffs;
    c.lens = this.argLens;
    c.argc = n;
  }

  /** Append one argument at byte o; returns the next free byte. */
  private put(a: Arg, o: number, i: number): number {
    let b = this.argBuf;
    if (typeof a === 'string') {
      const n = a.length;
      if (b.length - o < n * 3) b = this.grow(o, n * 3);
      this.argOffs[i] = o;
      // Short ASCII (keys, small values) by hand: Buffer#write costs ~60 ns a call.
      let j = 0;
      if (n < 64) {
        for (; j < n; j++) {
          const ch = a.charCodeAt(j);
          if (ch > 0x7f) break;
          b[o + j] = ch;
        }
      }
      const len = j === n ? n : b.write(a, o, 'utf8');
      this.argLens[i] = len;
      return o + len;
    }
    if (typeof a === 'number' || typeof a === 'bigint') return this.put(String(a), o, i);
    if (b.length - o < a.length) b = this.grow(o, a.length);
    b.set(a, o);
    this.argOffs[i] = o;
    this.argLens[i] = a.length;
    return o + a.length;
  }

  private grow(used: number, more: number): Buffer {
    const nb: Buffer = Buffer.allocUnsafe(Math.max(this.argBuf.length * 2, used + more));
    this.argBuf.copy(nb, 0, 0, used);
    this.argBuf = nb;
    return nb;
  }

  private finish(): Value {
    const v = this.writer.take();
    if (v instanceof ReplyError) throw v;
    return v === undefined ? null : v;
  }

  /** Run any command synchronously (waits on a busy shard lock with Atomics.wait). */
  callSync(name: string, ...args: Arg[]): Value {
    if (this.closed) throw new ClosedError();
    if (args.length === 0 && name.includes(' ')) return this.callSync(...(name.split(' ') as [string, ...string[]]));
    this.writer.buffers = false;
    this.load(name, args);
    try {
      this.engine.execute(this.ctx, true);
    } finally {
      this.engine.releaseLocks();
    }
    return this.finish();
  }

  /** callSync, returning bulk strings as Buffers. */
  callBufferSync(name: string, ...args: Arg[]): Value {
    if (this.closed) throw new ClosedError();
    this.writer.buffers = true;
    this.load(name, args);
    try {
      this.engine.execute(this.ctx, true);
    } finally {
      this.engine.releaseLocks();
      this.writer.buffers = false;
    }
    return this.finish();
  }

  /** Run any command. Never blocks the event loop: a busy shard is awaited asynchronously. */
  async call(name: string, ...args: Arg[]): Promise<Value> {
    if (this.closed) throw new ClosedError();
    this.writer.buffers = false;
    for (;;) {
      this.load(name, args);
      let ran: boolean;
      try {
        ran = this.engine.execute(this.ctx, false);
      } finally {
        this.engine.releaseLocks();
      }
      if (ran) return this.finish();
      await this.engine.waitForShard();
    }
  }

  /** Serve this same store over RESP on TCP (for redis-cli, or other processes). */
  async listen(port = 6379, host = '127.0.0.1'): Promise<Listening> {
    const server = await listen(this.engine, { port, host });
    this.servers.add(server);
    return {
      port: (server.address() as net.AddressInfo).port,
      close: () => new Promise<void>((r) => {
        this.servers.delete(server);
        server.close(() => r());
      }),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cl of this.engine.clients.values()) cl.kill();
    await Promise.all([...this.servers].map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (this.store) await this.store.close();
  }

  /**
   * The fast paths' prologue: lay out the arguments (key at 1), and take the key's shard lock.
   * Returns the locked shard, or undefined when `blocking` is false and the shard is busy.
   */
  private lockKeyShard(name: string, args: Arg[], blocking: boolean): Shard | undefined {
    if (this.closed) throw new ClosedError();
    this.load(name, args);
    const c = this.ctx;
    const shard = this.engine.shards[this.engine.shardOfKey(c.buf, c.offs[1], c.lens[1])];
    if (blocking) shard.acquire();
    else if (!shard.tryAcquire()) return undefined;
    return shard;
  }

  /**
   * GET without the command machinery: read the value straight out of shared memory, with
   * GET's semantics (lazy expiry, stats, WRONGTYPE). Undefined when not blocking and busy.
   */
  private fastGet(key: Arg, blocking: boolean): string | null | undefined {
    const shard = this.lockKeyShard('get', [key], blocking);
    if (shard === undefined) return undefined;
    const c = this.ctx;
    try {
      this.engine.countCall(this.getCmd);
      const rec = shard.lookupRead(c.client.db, c.buf, c.offs[1], c.lens[1], Date.now(), !c.client.noTouch);
      if (rec === 0) return null;
      if (shard.type(rec) !== T.String) throw new WrongTypeError();
      return Buffer.from(shard.heap.u8.buffer, shard.valOffset(rec), shard.valLen(rec)).toString('utf8');
    } finally {
      shard.release();
    }
  }

  /** SET key value (no options) written straight into shared memory; undefined if busy. */
  private fastSet(key: Arg, value: Arg, blocking: boolean): 'OK' | undefined {
    const shard = this.lockKeyShard('set', [key, value], blocking);
    if (shard === undefined) return undefined;
    const c = this.ctx, b = c.buf, off = c.offs[1], len = c.lens[1];
    try {
      this.engine.countCall(this.setCmd);
      const now = Date.now();
      const rec = shard.lookup(c.client.db, b, off, len, now);
      shard.setString(c.client.db, rec, b, off, len, b, c.offs[2], c.lens[2], 0, false, now);
      notifyKey(shard, Nc.String, EV.set, b, off, len, c.client.db); // keyspace notification, if on
      this.engine.watch.touch(shard.id, c.client.db, b, off, len); // WATCHers on any thread
      return 'OK';
    } finally {
      shard.release();
    }
  }

  getSync(key: Arg): string | null {
    return this.fastGet(key, true) as string | null;
  }

  setSync(key: Arg, value: Arg, ...options: Arg[]): string | null {
    if (options.length > 0) return this.callSync('set', key, value, ...options) as string | null;
    return this.fastSet(key, value, true)!;
  }

  /** GET: the fast path when the shard is free, else the full command path (which waits). */
  async get(key: Arg): Promise<string | null> {
    const v = this.fastGet(key, false);
    return v !== undefined ? v : ((await this.call('get', key)) as string | null);
  }

  async set(key: Arg, value: Arg, ...options: Arg[]): Promise<string | null> {
    if (options.length === 0) {
      const v = this.fastSet(key, value, false);
      if (v !== undefined) return v;
    }
    return (await this.call('set', key, value, ...options)) as string | null;
  }

  delSync(...keys: Arg[]): number {
    return this.callSync('del', ...keys) as number;
  }

  incrSync(key: Arg): number {
    return this.callSync('incr', key) as number;
  }
}

export type Spindle = SpindleBase & Omit<CommandMethods, 'get' | 'set'>;

function makeConfig(opts: OpenOptions): Config {
  const config = new Config();
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    const err = config.set(k, String(v), true);
    if (err) throw new ReplyError(err);
  }
  config.set('shards', String(opts.shards ?? 1), true);
  return config;
}

function withMethods(base: SpindleBase): Spindle {
  const methods = commandMethods(base.engine.registry, (name, args) => base.call(name, ...args));
  // get and set have fast paths on the class itself.
  delete methods.get;
  delete methods.set;
  Object.assign(base, methods);
  return base as Spindle;
}

/** Create a store in this process. */
export async function open(opts: OpenOptions = {}): Promise<Spindle> {
  const config = makeConfig(opts);
  const store = Store.create({ shards: opts.shards ?? 1, hz: opts.hz ?? 10 });
  return withMethods(new SpindleBase(store.handle, config, store));
}

/** Attach to a store created elsewhere in this process (e.g. from a worker thread). */
export function attach(handle: StoreHandle, opts: Omit<OpenOptions, 'shards'> = {}): Spindle {
  const config = makeConfig({ ...opts, shards: handle.shards.length });
  return withMethods(new SpindleBase(handle, config, null));
}

export type { Value };
