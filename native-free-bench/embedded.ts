/**
 * Embedded benchmark: the same awaited SET/GET workload against Spindle's in-process
 * open() (from dist/index.js), a plain Map behind async functions (the floor: what an
 * await costs), and ioredis-mock. Every GET's value is checked against the last SET of
 * its key; a wrong value counts as an error. "depth" is how many call chains run at once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EmbeddedRecord } from './results.js';

interface Store {
  set(k: string, v: string): Promise<unknown>;
  get(k: string): Promise<unknown>;
  close(): Promise<void>;
}

export const spindleIndexPath = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function mapStore(): Store {
  const m = new Map<string, string>();
  return {
    set: async (k, v) => { m.set(k, v); return 'OK'; },
    get: async (k) => m.get(k) ?? null,
    close: async () => {},
  };
}

async function mockStore(): Promise<Store> {
  // ioredis-mock ships no types; a variable specifier keeps tsc from asking for them.
  const name = 'ioredis-mock';
  const mod = (await import(name)) as { default: new () => Store & { disconnect(): void } };
  const r = new mod.default();
  return { set: (k, v) => r.set(k, v), get: (k) => r.get(k), close: async () => r.disconnect() };
}

/** Spindle's open(), or the reason it cannot be measured. */
async function spindleStore(shards: number): Promise<Store | string> {
  if (!existsSync(spindleIndexPath)) return 'dist/index.js not found (run npm run build)';
  const mod = (await import(new URL('../dist/index.js', import.meta.url).href)) as Record<string, unknown>;
  const open = mod['open'];
  if (typeof open !== 'function') return 'dist/index.js does not export open() yet';
  const db = (await (open as (o: object) => Promise<Record<string, (...a: string[]) => Promise<unknown>>>)({ shards }));
  return {
    set: (k, v) => db['set']!(k, v),
    get: (k) => db['get']!(k),
    close: async () => { await db['close']?.(); },
  };
}

/** Run `depth` chains of set(k)/get(k) for `seconds`; each chain owns its keys. */
export async function measure(store: Store, seconds: number, depth: number, dataSize: number,
  keys = 10_000): Promise<{ ops: number; errors: number; opsPerSec: number }> {
  const value = 'x'.repeat(Math.max(1, dataSize));
  const names = Array.from({ length: keys }, (_, i) => `key:${String(i).padStart(12, '0')}`);
  let ops = 0, errors = 0;
  const end = performance.now() + seconds * 1000;
  const chain = async (lane: number): Promise<void> => {
    let i = lane;
    for (;;) {
      for (let b = 0; b < 64; b++) {
        const k = names[i]!;
        i += depth;
        if (i >= keys) i = lane;
        const v = `${value}${b}`;
        await store.set(k, v);
        const got = await store.get(k);
        if (got !== v && !(Buffer.isBuffer(got) && got.toString() === v)) errors++;
        ops += 2;
      }
      if (performance.now() >= end) return;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: depth }, (_, lane) => chain(lane)));
  const secs = (performance.now() - t0) / 1000;
  return { ops, errors, opsPerSec: ops / secs };
}

export async function runEmbedded(seconds: number, dataSize: number, shards: number,
  log: (s: string) => void = () => {}): Promise<EmbeddedRecord[]> {
  const out: EmbeddedRecord[] = [];
  const impls: [string, () => Promise<Store | string>][] = [
    ['map', async () => mapStore()],
    ['ioredis-mock', mockStore],
    ['spindle', () => spindleStore(shards)],
  ];
  for (const depth of [1, 32]) {
    for (const [impl, make] of impls) {
      let store: Store | string;
      try {
        store = await make();
      } catch (e) {
        store = `failed to open: ${(e as Error).message}`;
      }
      if (typeof store === 'string') {
        if (depth === 1) log(`embedded: ${impl} skipped: ${store}`);
        out.push({ impl, depth, opsPerSec: 0, ops: 0, errors: 0, note: `skipped: ${store}` });
        continue;
      }
      try {
        await measure(store, Math.min(0.3, seconds / 3), depth, dataSize); // warm-up
        const r = await measure(store, seconds, depth, dataSize);
        out.push({ impl, depth, ...r });
        log(`embedded: ${impl} depth ${depth}: ${Math.round(r.opsPerSec)} ops/s, ${r.errors} errors`);
      } catch (e) {
        out.push({ impl, depth, opsPerSec: 0, ops: 0, errors: 1, note: `failed: ${(e as Error).message}` });
      } finally {
        await store.close();
      }
    }
  }
  return out;
}
