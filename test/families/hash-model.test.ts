/**
 * Property test of the hash family: ≥10k random hash commands against a JS model (a Map of
 * Maps), every reply compared, under both encodings. In the listpack pass the model also
 * predicts the encoding (listpack until a field count passes hash-max-listpack-entries or a
 * field/value passes hash-max-listpack-value, never back), and whole-hash replies must come in
 * the model's insertion order, as a listpack keeps it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness, type RespValue } from './harness.js';
import { prng } from '../helpers/prng.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

const kMaxEntries = 16, kMaxValue = 24;
const KEYS = ['h:a', 'h:b', 'h:c', '{x}h', '{y}h'];

interface Model {
  fields: Map<string, string>;
  listpack: boolean;
}

const ERR_TYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };

for (const enc of ['listpack', 'hashtable'] as const) {
  describe(`hash model (${enc})`, () => {
    it('12k random commands agree with the model', () => {
      const c = h.client(2), c3 = h.client(3);
      const call = (...a: string[]) => h.call(c, ...a);
      call('FLUSHALL');
      call('CONFIG', 'SET', 'hash-max-listpack-entries', enc === 'listpack' ? String(kMaxEntries) : '0');
      call('CONFIG', 'SET', 'hash-max-listpack-value', String(kMaxValue));
      const rnd = prng(enc === 'listpack' ? 1234 : 5678);
      const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
      const db = new Map<string, Model>();
      call('SET', 'str', 'x');

      const field = (m?: Model) => {
        if (m && m.fields.size > 0 && rnd() < 0.6) return pick([...m.fields.keys()]);
        const r = rnd();
        if (r < 0.03) return 'long-field-' + 'x'.repeat(kMaxValue);
        return `f${Math.floor(rnd() * 40)}`;
      };
      const value = () => {
        const r = rnd();
        if (r < 0.3) return String(Math.floor(rnd() * 2000) - 1000);
        if (r < 0.33) return 'v'.repeat(kMaxValue + 1 + Math.floor(rnd() * 40));
        let s = '';
        const n = Math.floor(rnd() * 10);
        for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rnd() * 26));
        return s;
      };
      const model = (k: string, create: boolean): Model | undefined => {
        let m = db.get(k);
        if (!m && create) {
          m = { fields: new Map(), listpack: enc === 'listpack' };
          db.set(k, m);
        }
        return m;
      };
      /** The model's HSET of one pair (the conversion rule of hashTypeSet). */
      const mset = (m: Model, f: string, v: string): number => {
        if (f.length > kMaxValue || v.length > kMaxValue) m.listpack = false;
        const isNew = !m.fields.has(f);
        m.fields.set(f, v);
        if (m.fields.size > kMaxEntries) m.listpack = false;
        return isNew ? 1 : 0;
      };
      const dropIfEmpty = (k: string) => {
        if (db.get(k)?.fields.size === 0) db.delete(k);
      };
      const flat = (m: Model | undefined, what: 'all' | 'keys' | 'vals'): string[] => {
        const out: string[] = [];
        for (const [f, v] of m?.fields ?? []) {
          if (what !== 'vals') out.push(f);
          if (what !== 'keys') out.push(v);
        }
        return out;
      };
      const sortPairs = (a: string[]) => {
        const p: string[][] = [];
        for (let i = 0; i < a.length; i += 2) p.push([a[i], a[i + 1]]);
        return p.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
      };
      const ordered = (k: string) => db.get(k)?.listpack === true;

      let steps = 0;
      for (; steps < 12000; steps++) {
        const k = rnd() < 0.02 ? 'str' : pick(KEYS);
        const isStr = k === 'str';
        const m = isStr ? undefined : db.get(k);
        const op = rnd();
        const ctx = `step ${steps} key ${k}`;
        let got: RespValue, want: RespValue;
        if (op < 0.25) {
          const n = 1 + Math.floor(rnd() * 3);
          const args: string[] = [];
          for (let i = 0; i < n; i++) args.push(field(m), value());
          const cmd = rnd() < 0.9 ? 'HSET' : 'HMSET';
          got = call(cmd, k, ...args);
          if (isStr) want = ERR_TYPE;
          else {
            const mm = model(k, true)!;
            let added = 0;
            for (let i = 0; i < args.length; i += 2) added += mset(mm, args[i], args[i + 1]);
            want = cmd === 'HMSET' ? 'OK' : added;
          }
        } else if (op < 0.3) {
          const f = field(m), v = value();
          got = call('HSETNX', k, f, v);
          if (isStr) want = ERR_TYPE;
          else if (m?.fields.has(f)) want = 0;
          else want = mset(model(k, true)!, f, v);
        } else if (op < 0.42) {
          const n = 1 + Math.floor(rnd() * 3);
          const fs: string[] = [];
          for (let i = 0; i < n; i++) fs.push(field(m));
          got = call('HDEL', k, ...fs);
          if (isStr) want = ERR_TYPE;
          else {
            let d = 0;
            for (const f of fs) if (m?.fields.delete(f)) d++;
            dropIfEmpty(k);
            want = d;
          }
        } else if (op < 0.55) {
          const f = field(m);
          got = call('HGET', k, f);
          want = isStr ? ERR_TYPE : m?.fields.get(f) ?? null;
        } else if (op < 0.6) {
          const fs = [field(m), field(m), field(m)];
          got = call('HMGET', k, ...fs);
          want = isStr ? ERR_TYPE : fs.map((f) => m?.fields.get(f) ?? null);
        } else if (op < 0.64) {
          got = call('HLEN', k);
          want = isStr ? ERR_TYPE : m?.fields.size ?? 0;
        } else if (op < 0.68) {
          const f = field(m);
          got = call('HEXISTS', k, f);
          want = isStr ? ERR_TYPE : m?.fields.has(f) ? 1 : 0;
        } else if (op < 0.71) {
          const f = field(m);
          got = call('HSTRLEN', k, f);
          want = isStr ? ERR_TYPE : Buffer.byteLength(m?.fields.get(f) ?? '');
        } else if (op < 0.79) {
          const f = field(m);
          const by = Math.floor(rnd() * 200) - 100;
          got = call('HINCRBY', k, f, String(by));
          if (isStr) want = ERR_TYPE;
          else {
            const cur = m?.fields.get(f);
            if (cur !== undefined && !/^(0|-?[1-9]\d*)$/.test(cur)) want = { error: 'ERR hash value is not an integer' };
            else {
              // HINCRBY creates the key even when it fails later (it cannot fail on a new key)
              const next = String(Number(cur ?? '0') + by);
              mset(model(k, true)!, f, next);
              want = Number(next);
            }
          }
        } else if (op < 0.82) {
          const f = field(m);
          const by = (Math.floor(rnd() * 40) - 20) / 4; // exact in binary: the model can use doubles
          got = call('HINCRBYFLOAT', k, f, String(by));
          if (isStr) want = ERR_TYPE;
          else {
            const cur = m?.fields.get(f);
            const curN = cur === undefined ? 0 : cur === '' ? NaN : Number(cur);
            if (cur !== undefined && /^[+-]?inf(inity)?$/i.test(cur)) want = { error: 'ERR increment would produce NaN or Infinity' };
            else if (!Number.isFinite(curN)) want = { error: 'ERR hash value is not a float' };
            else {
              const next = String(curN + by === 0 ? 0 : curN + by);
              mset(model(k, true)!, f, next);
              want = next;
            }
          }
        } else if (op < 0.88) {
          const what = pick(['all', 'keys', 'vals'] as const);
          const cmd = what === 'all' ? 'HGETALL' : what === 'keys' ? 'HKEYS' : 'HVALS';
          if (what === 'all' && rnd() < 0.3) {
            got = h.call(c3, cmd, k);
            want = isStr ? ERR_TYPE : new Map(m?.fields ?? []);
            if (!isStr) {
              expect([...(got as Map<string, string>)].sort(), ctx).toEqual([...(want as Map<string, string>)].sort());
              if (ordered(k)) expect([...(got as Map<string, string>)], ctx).toEqual([...(want as Map<string, string>)]);
              continue;
            }
          } else {
            got = call(cmd, k);
            want = isStr ? ERR_TYPE : flat(m, what);
            if (!isStr && !ordered(k)) {
              if (what === 'all') {
                expect(sortPairs(got as string[]), ctx).toEqual(sortPairs(want as string[]));
              } else expect([...(got as string[])].sort(), ctx).toEqual([...(want as string[])].sort());
              continue;
            }
          }
        } else if (op < 0.92) {
          const n = Math.floor(rnd() * 30) - 10;
          const wv = rnd() < 0.5;
          got = call('HRANDFIELD', k, String(n), ...(wv ? ['WITHVALUES'] : []));
          if (isStr) want = ERR_TYPE;
          else {
            const a = got as string[];
            const size = m?.fields.size ?? 0;
            const expectN = n >= 0 ? Math.min(n, size) : size === 0 ? 0 : -n;
            expect(a.length, ctx).toBe(expectN * (wv ? 2 : 1));
            const step = wv ? 2 : 1;
            const names: string[] = [];
            for (let i = 0; i < a.length; i += step) {
              expect(m!.fields.has(a[i]), ctx).toBe(true);
              if (wv) expect(a[i + 1], ctx).toBe(m!.fields.get(a[i]));
              names.push(a[i]);
            }
            if (n > 0) expect(new Set(names).size, ctx).toBe(names.length);
            continue;
          }
        } else if (op < 0.95) {
          got = call('HSCAN', k, '0');
          if (isStr) want = ERR_TYPE;
          else {
            const all: string[] = [];
            let cur = '0';
            do {
              const [next, items] = call('HSCAN', k, cur, 'COUNT', String(1 + Math.floor(rnd() * 8))) as [string, string[]];
              all.push(...items);
              cur = next;
            } while (cur !== '0');
            expect(sortPairs(all), ctx).toEqual(sortPairs(flat(m, 'all')));
            continue;
          }
        } else if (op < 0.96) {
          got = call('DEL', k);
          want = isStr ? 1 : db.delete(k) ? 1 : 0;
          if (isStr) call('SET', 'str', 'x');
        } else {
          got = call('OBJECT', 'ENCODING', k);
          want = isStr ? 'embstr' : m === undefined ? null : m.listpack ? 'listpack' : 'hashtable';
        }
        expect(got, ctx).toEqual(want);
      }
      expect(steps).toBe(12000);
      // a final sweep over every key
      for (const k of KEYS) {
        const m = db.get(k);
        expect(call('HLEN', k)).toBe(m?.fields.size ?? 0);
        expect(sortPairs(call('HGETALL', k) as string[])).toEqual(sortPairs(flat(m, 'all')));
      }
      call('CONFIG', 'SET', 'hash-max-listpack-entries', '128');
      call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
    });
  });
}
