/**
 * In-process harness for family tests: a real Store (shared-memory shards + owner workers,
 * loaded from dist/, so run `npx tsc -p .` first) and an Engine, with commands executed the
 * way a connection executes them (Ctx + RespWriter), but synchronously and without sockets.
 *
 *   const h = createHarness();            // 2 shards by default
 *   const c = h.client();                 // RESP2 client (h.client(3) for RESP3)
 *   h.run(c, 'SET', 'k', 'v')             // raw reply bytes as a latin1 string: '+OK\r\n'
 *   h.call(c, 'GET', 'k')                 // decoded reply: 'v'
 *   h.callBuf(c, 'GET', 'k')              // decoded, bulk strings as Buffers
 *   afterAll(() => h.close());
 *
 * Arguments: strings are sent as UTF-8 (what a client library does), Buffers as they are.
 * Decoded values: simple/bulk/verbatim strings → string (UTF-8) or Buffer (callBuf), errors →
 * { error: text }, integers → number (bigint beyond 2^53), null (RESP2 $-1/*-1, RESP3 _) → null,
 * arrays/sets/pushes → arrays, maps → Map, doubles → number, booleans → boolean, big numbers →
 * bigint. RESP3 attributes are skipped.
 */
import { Store } from '../../src/store.js';
import { Engine } from '../../src/server/engine.js';
import { Config } from '../../src/server/config.js';
import { ALL_FAMILIES } from '../../src/commands/families/index.js';
import { Ctx } from '../../src/commands/context.js';
import { RespWriter } from '../../src/protocol/resp-writer.js';
import { Client } from '../../src/server/client.js';

export type Arg = string | Buffer;
export type RespValue =
  | string | Buffer | number | bigint | boolean | null | { error: string } | RespValue[] | Map<RespValue, RespValue>;

export interface Harness {
  store: Store;
  engine: Engine;
  config: Config;
  /** A new authenticated client speaking RESP2 or RESP3. */
  client(resp?: 2 | 3): Client;
  /** Execute one command; the raw reply bytes, latin1-decoded (one char per byte). */
  run(client: Client, ...args: Arg[]): string;
  /** Execute one command and decode the reply (bulk strings as UTF-8 strings). */
  call(client: Client, ...args: Arg[]): RespValue;
  /** Execute one command and decode the reply (bulk strings as Buffers). */
  callBuf(client: Client, ...args: Arg[]): RespValue;
  /** The shard id owning a key. */
  shardOf(key: Arg): number;
  /**
   * Test-only: relabel an existing key as another type (a T value from src/sab/record.ts), to
   * exercise WRONGTYPE paths. Only for keys that are strings underneath; don't DEL them after.
   */
  retype(client: Client, key: Arg, type: number): void;
  close(): Promise<void>;
}

interface Session {
  ctx: Ctx;
  writer: RespWriter;
}

export function createHarness(opts: { shards?: number; config?: Config } = {}): Harness {
  const store = Store.create({ shards: opts.shards ?? 2 });
  const config = opts.config ?? new Config();
  const engine = new Engine(store.handle, config, ALL_FAMILIES);
  const sessions = new WeakMap<Client, Session>();
  let nextId = 1;

  const runBytes = (client: Client, args: Arg[]): Buffer => {
    let s = sessions.get(client);
    if (s === undefined) {
      const writer = new RespWriter();
      s = { writer, ctx: new Ctx(engine, client, writer) };
      sessions.set(client, s);
    }
    const parts = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : a));
    const buf = Buffer.concat(parts);
    const offs = new Int32Array(parts.length), lens = new Int32Array(parts.length);
    let o = 0;
    parts.forEach((p, i) => {
      offs[i] = o;
      lens[i] = p.length;
      o += p.length;
    });
    const { ctx, writer } = s;
    writer.resp = client.resp;
    ctx.buf = buf;
    ctx.offs = offs;
    ctx.lens = lens;
    ctx.argc = parts.length;
    try {
      if (!engine.execute(ctx, true)) throw new Error('execute() refused to run while blocking');
    } finally {
      engine.releaseLocks();
    }
    const out = writer.flush();
    return out === null ? Buffer.alloc(0) : Buffer.from(out);
  };

  return {
    store,
    engine,
    config,
    client(resp: 2 | 3 = 2): Client {
      const c = new Client(nextId++, 'test:1', 'test:2', -1, false);
      c.resp = resp;
      return c;
    },
    run: (client, ...args) => runBytes(client, args).toString('latin1'),
    call: (client, ...args) => decodeResp(runBytes(client, args), false),
    callBuf: (client, ...args) => decodeResp(runBytes(client, args), true),
    shardOf: (key) => {
      const kb = typeof key === 'string' ? Buffer.from(key) : key;
      return engine.shardOfKey(kb, 0, kb.length);
    },
    retype(client, key, type) {
      const kb = typeof key === 'string' ? Buffer.from(key) : key;
      engine.withAllShards(() => {
        const s = engine.shards[engine.shardOfKey(kb, 0, kb.length)];
        const rec = s.lookup(client.db, kb, 0, kb.length, Date.now());
        if (rec === 0) throw new Error(`retype: no key '${kb.toString()}'`);
        s.heap.u32[rec * 2] = (s.heap.u32[rec * 2] & ~0xf) | type;
      });
    },
    close: () => store.close(),
  };
}

/** Decode exactly one RESP2/RESP3 reply (throws on trailing bytes or truncation). */
export function decodeResp(buf: Buffer, binary = false): RespValue {
  let pos = 0;
  const line = (): string => {
    const end = buf.indexOf('\r\n', pos, 'latin1');
    if (end < 0) throw new Error('truncated RESP reply');
    const s = buf.toString('latin1', pos, end);
    pos = end + 2;
    return s;
  };
  const text = (b: Buffer): string | Buffer => (binary ? Buffer.from(b) : b.toString('utf8'));
  const blob = (n: number): Buffer => {
    if (pos + n + 2 > buf.length) throw new Error('truncated RESP reply');
    const b = buf.subarray(pos, pos + n);
    pos += n + 2;
    return b;
  };
  const int = (s: string): number | bigint => {
    const v = BigInt(s);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const one = (): RespValue => {
    const t = String.fromCharCode(buf[pos++]);
    const l = line();
    switch (t) {
      case '+': return text(Buffer.from(l, 'latin1'));
      case '-': return { error: Buffer.from(l, 'latin1').toString('utf8') };
      case ':': return int(l);
      case '$': {
        const n = Number(l);
        return n < 0 ? null : text(blob(n));
      }
      case '=': {
        const n = Number(l);
        return text(blob(n).subarray(4));
      }
      case '*': case '~': case '>': {
        const n = Number(l);
        if (n < 0) return null;
        const out: RespValue[] = [];
        for (let i = 0; i < n; i++) out.push(one());
        return out;
      }
      case '%': {
        const m = new Map<RespValue, RespValue>();
        const n = Number(l);
        for (let i = 0; i < n; i++) {
          const k = one();
          m.set(k, one());
        }
        return m;
      }
      case '|': {
        const n = Number(l);
        for (let i = 0; i < 2 * n; i++) one();
        return one();
      }
      case '_': return null;
      case '#': return l === 't';
      case ',': return l === 'inf' ? Infinity : l === '-inf' ? -Infinity : Number(l);
      case '(': return BigInt(l);
      default: throw new Error(`unknown RESP type byte '${t}'`);
    }
  };
  const v = one();
  if (pos !== buf.length) throw new Error(`trailing bytes after RESP reply (${buf.length - pos})`);
  return v;
}
