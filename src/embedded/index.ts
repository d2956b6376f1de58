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
import { ClosedError, ReplyError } from '../errors.js';
import { ValueWriter, type Value } from '../protocol/value-writer.js';
import { Client } from '../server/client.js';
import { Config } from '../server/config.js';
import { Engine, type StoreHandle } from '../server/engine.js';
import { listen } from '../server/listener.js';
import { Store } from '../store.js';
import { commandMethods, type CommandMethods } from './methods.js';

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
  private readonly writer = new ValueWriter();
  private closed = false;
  private readonly servers = new Set<net.Server>();

  constructor(readonly handle: StoreHandle, config: Config, private readonly store: Store | null) {
    this.engine = new Engine(handle, config, ALL_FAMILIES);
    const client = new Client(this.engine.nextClientId(), 'embedded', 'embedded', -1, false);
    client.resp = 3;
    this.ctx = new Ctx(this.engine, client, this.writer);
  }

  private load(args: Arg[]): void {
    const bufs = args.map((a) => (Buffer.isBuffer(a) ? a : a instanceof Uint8Array ? Buffer.from(a) : Buffer.from(String(a))));
    const total = bufs.reduce((n, b) => n + b.length, 0);
    const all = Buffer.allocUnsafe(total);
    const offs = new Int32Array(bufs.length), lens = new Int32Array(bufs.length);
    let o = 0;
    for (let i = 0; i < bufs.length; i++) {
      bufs[i].copy(all, o);
      offs[i] = o;
      lens[i] = bufs[i].length;
      o += bufs[i].length;
    }
    const c = this.ctx;
    c.buf = all;
    c.offs = offs;
    c.lens = lens;
    c.argc = bufs.length;
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
    this.load([name, ...args]);
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
    this.load([name, ...args]);
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
      this.load([name, ...args]);
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

  getSync(key: Arg): string | null {
    return this.callSync('get', key) as string | null;
  }

  setSync(key: Arg, value: Arg, ...options: Arg[]): string | null {
    return this.callSync('set', key, value, ...options) as string | null;
  }

  delSync(...keys: Arg[]): number {
    return this.callSync('del', ...keys) as number;
  }

  incrSync(key: Arg): number {
    return this.callSync('incr', key) as number;
  }
}

export type Spindle = SpindleBase & CommandMethods;

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
  Object.assign(base, commandMethods(base.engine.registry, (name, args) => base.call(name, ...args)));
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
