/**
 * Small helpers shared by the string/generic/connection/server family tests (on top of
 * harness.ts, which they do not change).
 */
import type { Harness } from './harness.js';
import { Client } from '../../src/server/client.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `cond` every `stepMs` until it is true or `timeoutMs` passed; returns its last value. */
export async function waitUntil(cond: () => boolean, timeoutMs = 5000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
}

const toBuf = (k: string | Buffer) => (typeof k === 'string' ? Buffer.from(k) : k);

/** Index of the shard that owns key `k`. */
export function shardOf(h: Harness, k: string | Buffer): number {
  const b = toBuf(k);
  return h.engine.shardOfKey(b, 0, b.length);
}

/** Two keys `${prefix}N` owned by different shards (the harness has 2 shards by default). */
export function keysOnBothShards(h: Harness, prefix: string): [string, string] {
  let a = '', b = '';
  for (let i = 0; !a || !b; i++) {
    const k = `${prefix}${i}`;
    const s = shardOf(h, k);
    if (s === 0 && !a) a = k;
    if (s !== 0 && !b) b = k;
  }
  return [a, b];
}

/** Two hash tags ({t}) whose keys live in different shards. */
export function tagsOnBothShards(h: Harness): [string, string] {
  const [a, b] = keysOnBothShards(h, 't');
  return [`{${a}}`, `{${b}}`];
}

/**
 * Spindle only has string commands so far; the WRONGTYPE paths are exercised by flipping an
 * existing string key's type bits to another type (as if `LPUSH key x` had created it).
 * Type codes: 1 list, 2 set, 3 zset, 4 hash, 5 stream.
 */
export function forceType(h: Harness, key: string | Buffer, type = 1, db = 0): void {
  const kb = toBuf(key);
  const s = h.engine.shards[shardOf(h, kb)];
  h.engine.withAllShards(() => {
    const rec = s.lookup(db, kb, 0, kb.length, Date.now());
    if (rec === 0) throw new Error(`forceType: no key ${kb.toString('latin1')}`);
    const u32 = s.heap.u32;
    u32[rec * 2] = (u32[rec * 2] & ~0xf) | type;
  });
}

let nextOwnId = 100000;

/** A client that has not authenticated yet (a fresh connection when requirepass is set). */
export function unauthenticatedClient(resp: 2 | 3 = 2): Client {
  const c = new Client(nextOwnId++, '10.0.0.1:5000', '127.0.0.1:6379', -1, true);
  c.resp = resp;
  return c;
}

/** Register a client in the engine's client table (what a connection does on accept). */
export function registerClient(h: Harness, c: Client): Client {
  h.engine.clients.set(c.id, c);
  return c;
}

/** RESP2 bulk string bytes. */
export const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
export const err = (s: string) => `-${s}\r\n`;
export const int = (n: number | bigint | string) => `:${n}\r\n`;
export const OK = '+OK\r\n';
export const NIL = '$-1\r\n';
