/**
 * Property test of the set family: random command sequences against a JS model (a Map of key →
 * Set of members), under each encoding. Random replies (SPOP, SRANDMEMBER) are checked for
 * membership, distinctness and counts, and the model follows what was popped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness, type RespValue } from './harness.js';
import { prng } from '../helpers/prng.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

interface Mode {
  name: string;
  limits: [number, number, number];
  member: (rnd: () => number) => string;
  /** The encoding every set must have in this mode (null: any). */
  enc: string | null;
}

const ints = (rnd: () => number) => (rnd() < 0.05 ? String(BigInt(Math.floor(rnd() * 2 ** 31)) ** 2n * (rnd() < 0.5 ? -1n : 1n)) : String(Math.floor(rnd() * 60) - 30));
const strs = (rnd: () => number) => `m${Math.floor(rnd() * 60)}`;
const modes: Mode[] = [
  { name: 'intset', limits: [512, 128, 64], member: ints, enc: 'intset' },
  { name: 'listpack', limits: [512, 128, 64], member: strs, enc: 'listpack' },
  { name: 'hashtable', limits: [0, 0, 0], member: (r) => (r() < 0.5 ? ints(r) : strs(r)), enc: 'hashtable' },
  {
    name: 'mixed, small thresholds', limits: [8, 6, 5], enc: null,
    member: (r) => { const x = r(); return x < 0.5 ? String(Math.floor(r() * 40) - 20) : x < 0.8 ? `s${Math.floor(r() * 30)}` : 'L'.repeat(1 + Math.floor(r() * 8)); },
  },
];

const KEYS = ['k0', 'k1', 'k2', 'k3', '{t}a', '{t}b'];
const kCommands = 10000;

for (const mode of modes) {
  describe(`set model (${mode.name})`, () => {
    it(`${kCommands} random commands agree with a JS model`, () => {
      const c = h.client(mode.name.length % 2 ? 3 : 2);
      const call = (...a: string[]): RespValue => h.call(c, ...a);
      call('FLUSHALL');
      const used = () => h.engine.withAllShards(() => h.engine.shards.map((sh) => sh.heap.usedBytes()));
      const baseline = used();
      call('CONFIG', 'SET', 'set-max-intset-entries', String(mode.limits[0]));
      call('CONFIG', 'SET', 'set-max-listpack-entries', String(mode.limits[1]));
      call('CONFIG', 'SET', 'set-max-listpack-value', String(mode.limits[2]));
      const rnd = prng(1000 + mode.name.length);
      const model = new Map<string, Set<string>>();
      const get = (k: string) => model.get(k) ?? new Set<string>();
      const put = (k: string, s: Set<string>) => (s.size ? model.set(k, s) : model.delete(k));
      const key = () => KEYS[Math.floor(rnd() * KEYS.length)];
      const mem = () => mode.member(rnd);
      const some = (n: number) => Array.from({ length: n }, mem);
      const keysArg = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, key);
      const sortedOf = (s: Set<string>) => [...s].sort();
      const asSorted = (v: RespValue) => (v as string[]).slice().sort();
      const inter = (ks: string[]) => {
        const sets = ks.map(get);
        return new Set([...sets[0]].filter((m) => sets.every((s) => s.has(m))));
      };
      const union = (ks: string[]) => new Set(ks.flatMap((k) => [...get(k)]));
      const diff = (ks: string[]) => new Set([...get(ks[0])].filter((m) => ks.slice(1).every((k) => !get(k).has(m))));

      for (let step = 0; step < kCommands; step++) {
        const k = key();
        const op = rnd();
        const ctx = `step ${step}`;
        if (op < 0.25) {
          const ms = some(1 + Math.floor(rnd() * 6));
          const s = get(k);
          const added = new Set(ms.filter((m) => !s.has(m))).size;
          expect(call('SADD', k, ...ms), ctx).toBe(added);
          ms.forEach((m) => s.add(m));
          put(k, s);
        } else if (op < 0.35) {
          const ms = some(1 + Math.floor(rnd() * 4));
          const s = get(k);
          let removed = 0;
          for (const m of ms) if (s.delete(m)) removed++;
          expect(call('SREM', k, ...ms), ctx).toBe(removed);
          put(k, s);
        } else if (op < 0.42) {
          const m = mem();
          expect(call('SISMEMBER', k, m), ctx).toBe(get(k).has(m) ? 1 : 0);
          const ms = some(3);
          expect(call('SMISMEMBER', k, ...ms), ctx).toEqual(ms.map((x) => (get(k).has(x) ? 1 : 0)));
        } else if (op < 0.47) {
          expect(call('SCARD', k), ctx).toBe(get(k).size);
          expect(asSorted(call('SMEMBERS', k)), ctx).toEqual(sortedOf(get(k)));
        } else if (op < 0.54) {
          const s = get(k);
          if (rnd() < 0.4) {
            const v = call('SPOP', k);
            if (s.size === 0) expect(v, ctx).toBe(null);
            else {
              expect(s.has(v as string), ctx).toBe(true);
              s.delete(v as string);
            }
          } else {
            const n = Math.floor(rnd() * (s.size + 3));
            const v = call('SPOP', k, String(n)) as string[];
            expect(v.length, ctx).toBe(Math.min(n, s.size));
            expect(new Set(v).size, ctx).toBe(v.length);
            for (const m of v) {
              expect(s.has(m), ctx).toBe(true);
              s.delete(m);
            }
          }
          put(k, s);
        } else if (op < 0.6) {
          const s = get(k);
          const n = (Math.floor(rnd() * (s.size + 4)) * (rnd() < 0.3 ? -1 : 1)) || 0;
          const v = call('SRANDMEMBER', k, String(n)) as string[];
          if (n >= 0) {
            expect(v.length, ctx).toBe(Math.min(n, s.size));
            expect(new Set(v).size, ctx).toBe(v.length);
          } else expect(v.length, ctx).toBe(s.size ? -n : 0);
          for (const m of v) expect(s.has(m), ctx).toBe(true);
          const one = call('SRANDMEMBER', k);
          expect(one === null ? s.size === 0 : s.has(one as string), ctx).toBe(true);
        } else if (op < 0.68) {
          const dst = key();
          const src = get(k);
          const m = rnd() < 0.7 && src.size ? [...src][Math.floor(rnd() * src.size)] : mem();
          const moved = src.has(m) ? 1 : 0;
          expect(call('SMOVE', k, dst, m), ctx).toBe(moved);
          if (moved && dst !== k) {
            src.delete(m);
            put(k, src);
            const d = get(dst);
            d.add(m);
            put(dst, d);
          }
        } else if (op < 0.78) {
          const ks = keysArg();
          const which = Math.floor(rnd() * 4);
          if (which === 0) expect(asSorted(call('SINTER', ...ks)), ctx).toEqual(sortedOf(inter(ks)));
          else if (which === 1) expect(asSorted(call('SUNION', ...ks)), ctx).toEqual(sortedOf(union(ks)));
          else if (which === 2) expect(asSorted(call('SDIFF', ...ks)), ctx).toEqual(sortedOf(diff(ks)));
          else {
            const lim = Math.floor(rnd() * 4);
            const full = inter(ks).size;
            expect(call('SINTERCARD', String(ks.length), ...ks, 'LIMIT', String(lim)), ctx).toBe(lim ? Math.min(lim, full) : full);
          }
        } else if (op < 0.88) {
          const ks = keysArg();
          const dst = key();
          const which = Math.floor(rnd() * 3);
          const res = which === 0 ? inter(ks) : which === 1 ? union(ks) : diff(ks);
          const cmd = ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'][which];
          expect(call(cmd, dst, ...ks), ctx).toBe(res.size);
          put(dst, new Set(res));
        } else if (op < 0.9) {
          const seen = new Set<string>();
          let cur = '0', rounds = 0;
          do {
            const [next, items] = call('SSCAN', k, cur, 'COUNT', String(1 + Math.floor(rnd() * 10))) as [string, string[]];
            items.forEach((m) => seen.add(m));
            cur = next;
          } while (cur !== '0' && ++rounds < 10000);
          expect(sortedOf(seen), ctx).toEqual(sortedOf(get(k)));
        } else if (op < 0.92) {
          expect(call('DEL', k), ctx).toBe(model.has(k) ? 1 : 0);
          model.delete(k);
        } else {
          expect(call('EXISTS', k), ctx).toBe(model.has(k) ? 1 : 0);
          if (model.has(k)) {
            expect(call('TYPE', k), ctx).toBe('set');
            if (mode.enc !== null) expect(call('OBJECT', 'ENCODING', k), ctx).toBe(mode.enc);
          }
        }
      }
      // Final sweep: every key's contents (and, where fixed, its encoding).
      for (const k of KEYS) {
        expect(asSorted(call('SMEMBERS', k))).toEqual(sortedOf(get(k)));
        if (mode.enc !== null && model.has(k)) expect(call('OBJECT', 'ENCODING', k)).toBe(mode.enc);
      }
      // Nothing leaks: after FLUSHALL every shard heap is back to where it started.
      call('FLUSHALL');
      expect(used()).toEqual(baseline);
      call('CONFIG', 'SET', 'set-max-intset-entries', '512');
      call('CONFIG', 'SET', 'set-max-listpack-entries', '128');
      call('CONFIG', 'SET', 'set-max-listpack-value', '64');
    });
  });
}
