/**
 * Sorted-set property test: 12k random commands per encoding setting against a plain JS model
 * (a Map of member → score per key, sorted on demand). Settings: zset-max-listpack-entries
 * 128 (listpacks that convert to skiplists as keys grow past 128 members or get a member over
 * 64 bytes) and 0 (skiplists only). Keys live on both shards, so the *STORE commands cross
 * shards. Replies are compared in RESP2 form.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness, type RespValue } from './harness.js';
import { keysOnBothShards } from './family-kit.js';
import { formatDouble } from '../../src/protocol/reply.js';
import { prng } from '../helpers/prng.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

type Z = Map<string, number>;
const fmt = (d: number) => formatDouble(d === 0 ? 0 : d); // a listpack stores -0 as 0

function cmpMember(a: string, b: string): number {
  const x = Buffer.from(a, 'latin1'), y = Buffer.from(b, 'latin1');
  return Buffer.compare(x, y);
}

function sorted(z: Z | undefined): [string, number][] {
  if (!z) return [];
  return [...z].sort((p, q) => (p[1] !== q[1] ? (p[1] < q[1] ? -1 : 1) : cmpMember(p[0], q[0])));
}

/** Normalise a reply: '-0' reads as '0' (the two encodings differ there, as in Redis). */
function norm(v: RespValue): RespValue {
  if (v === '-0') return '0';
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

const flat = (pairs: [string, number][], ws: boolean) => pairs.flatMap(([m, s]) => (ws ? [m, fmt(s)] : [m]));

function inScore(s: number, min: number, minex: boolean, max: number, maxex: boolean): boolean {
  return (minex ? s > min : s >= min) && (maxex ? s < max : s <= max);
}

for (const entries of ['128', '0']) {
  describe(`zset model: zset-max-listpack-entries ${entries}`, () => {
    it('12k random commands agree with the model', () => {
      const c = h.client(2);
      let last = '';
      const call = (...a: string[]) => {
        last = a.join(' ');
        return norm(h.call(c, ...a));
      };
      call('FLUSHALL');
      call('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
      call('CONFIG', 'SET', 'zset-max-listpack-value', '64');
      const rnd = prng(entries === '0' ? 11 : 12);
      const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
      const [ka, kb] = keysOnBothShards(h, 'za');
      const [kc, kd] = keysOnBothShards(h, 'zc');
      const keys = [ka, kb, kc, kd];
      const model = new Map<string, Z>();
      const encodings = new Set<string>();
      const member = () => (rnd() < 0.03 ? `long-${'x'.repeat(60 + Math.floor(rnd() * 10))}` : `m${Math.floor(rnd() * 220)}`);
      const score = () => {
        const r = rnd();
        if (r < 0.02) return pick(['inf', '-inf']);
        if (r < 0.5) return String(Math.floor(rnd() * 20) - 5);
        return String(Math.floor(rnd() * 4000) / 8 - 100);
      };
      const num = (s: string) => (s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s));
      const get = (k: string) => model.get(k);
      const drop = (k: string) => { if (model.get(k)?.size === 0) model.delete(k); };

      for (let step = 0; step < 12000; step++) {
        const k = pick(keys);
        const z = get(k);
        const op = rnd();
        let got: RespValue, want: RespValue;
        const label = () => `step ${step}: ${last}`;
        if (op < 0.3) {
          // ZADD with random flags, several pairs.
          const n = 1 + Math.floor(rnd() * 4);
          const flags: string[] = [];
          const f = rnd();
          if (f < 0.1) flags.push('NX');
          else if (f < 0.2) flags.push('XX');
          if (f > 0.8 && !flags.includes('NX')) flags.push(pick(['GT', 'LT']));
          const ch = rnd() < 0.3;
          if (ch) flags.push('CH');
          const pairs: [string, string][] = [];
          for (let i = 0; i < n; i++) pairs.push([score(), member()]);
          got = call('ZADD', k, ...flags, ...pairs.flat());
          let added = 0, changed = 0;
          if (!(flags.includes('XX') && !z)) {
            const t = z ?? new Map();
            for (const [s, m] of pairs) {
              const v = num(s), cur = t.get(m);
              if (cur === undefined) {
                if (flags.includes('XX')) continue;
                t.set(m, v);
                added++;
              } else {
                if (flags.includes('NX')) continue;
                if ((flags.includes('GT') && v <= cur) || (flags.includes('LT') && v >= cur)) continue;
                if (v !== cur) { t.set(m, v); changed++; }
              }
            }
            if (t.size > 0) model.set(k, t);
          }
          want = ch ? added + changed : added;
        } else if (op < 0.36) {
          const m = member(), by = score();
          got = call('ZINCRBY', k, by, m);
          const t = z ?? new Map();
          const nv = (t.get(m) ?? 0) + num(by);
          if (Number.isNaN(nv)) want = { error: 'ERR resulting score is not a number (NaN)' };
          else {
            t.set(m, nv);
            model.set(k, t);
            want = fmt(nv);
          }
        } else if (op < 0.44) {
          const ms = [member(), member(), member()];
          got = call('ZREM', k, ...ms);
          let n = 0;
          for (const m of ms) if (z?.delete(m)) n++;
          drop(k);
          want = n;
        } else if (op < 0.5) {
          const m = rnd() < 0.7 && z && z.size ? pick([...z.keys()]) : member();
          const rev = rnd() < 0.5;
          got = call(rev ? 'ZREVRANK' : 'ZRANK', k, m, 'WITHSCORE');
          const list = sorted(z);
          const i = list.findIndex(([x]) => x === m);
          want = i < 0 ? null : [rev ? list.length - 1 - i : i, fmt(list[i][1])];
        } else if (op < 0.54) {
          const ms = [member(), z && z.size ? pick([...z.keys()]) : member()];
          got = call('ZMSCORE', k, ...ms);
          want = ms.map((m) => (z?.has(m) ? fmt(z.get(m)!) : null));
        } else if (op < 0.6) {
          const a = Math.floor(rnd() * 40) - 20, b = Math.floor(rnd() * 40) - 20;
          const rev = rnd() < 0.5, ws = rnd() < 0.5;
          got = call('ZRANGE', k, String(a), String(b), ...(rev ? ['REV'] : []), ...(ws ? ['WITHSCORES'] : []));
          let list = sorted(z);
          if (rev) list = list.reverse();
          const len = list.length;
          let s = a < 0 ? a + len : a, e = b < 0 ? b + len : b;
          if (s < 0) s = 0;
          want = s > e || s >= len ? [] : flat(list.slice(s, Math.min(e, len - 1) + 1), ws);
        } else if (op < 0.67) {
          const x = num(score()), y = num(score());
          const [min, max] = x <= y ? [x, y] : [y, x];
          const minex = rnd() < 0.3, maxex = rnd() < 0.3;
          const lo = `${minex ? '(' : ''}${fmt(min)}`, hi = `${maxex ? '(' : ''}${fmt(max)}`;
          const rev = rnd() < 0.5, ws = rnd() < 0.5;
          const lim = rnd() < 0.4 ? [Math.floor(rnd() * 5), Math.floor(rnd() * 8) - 1] : null;
          const args = rev ? ['ZREVRANGEBYSCORE', k, hi, lo] : ['ZRANGEBYSCORE', k, lo, hi];
          if (ws) args.push('WITHSCORES');
          if (lim) args.push('LIMIT', String(lim[0]), String(lim[1]));
          got = call(...args);
          let list = sorted(z).filter(([, s]) => inScore(s, min, minex, max, maxex));
          if (rev) list = list.reverse();
          if (lim) list = list.slice(lim[0], lim[1] < 0 ? undefined : lim[0] + lim[1]);
          want = flat(list, ws);
          if (rnd() < 0.3) {
            const cnt = call('ZCOUNT', k, lo, hi);
            expect(cnt, label()).toBe(sorted(z).filter(([, s]) => inScore(s, min, minex, max, maxex)).length);
          }
        } else if (op < 0.7) {
          const x = num(score()), y = num(score());
          const [min, max] = x <= y ? [x, y] : [y, x];
          got = call('ZREMRANGEBYSCORE', k, fmt(min), fmt(max));
          let n = 0;
          for (const [m, s] of sorted(z)) if (s >= min && s <= max) { z!.delete(m); n++; }
          drop(k);
          want = n;
        } else if (op < 0.73) {
          const a = Math.floor(rnd() * 10) - 5, b = a + Math.floor(rnd() * 6);
          got = call('ZREMRANGEBYRANK', k, String(a), String(b));
          const list = sorted(z), len = list.length;
          let s = a < 0 ? a + len : a, e = b < 0 ? b + len : b;
          if (s < 0) s = 0;
          let n = 0;
          if (!(s > e || s >= len)) for (const [m] of list.slice(s, Math.min(e, len - 1) + 1)) { z!.delete(m); n++; }
          drop(k);
          want = n;
        } else if (op < 0.77) {
          const max = rnd() < 0.5, cnt = Math.floor(rnd() * 4);
          got = call(max ? 'ZPOPMAX' : 'ZPOPMIN', k, String(cnt));
          let list = sorted(z);
          if (max) list = list.reverse();
          list = list.slice(0, cnt);
          for (const [m] of list) z!.delete(m);
          drop(k);
          want = flat(list, true);
        } else if (op < 0.79) {
          const k2 = pick(keys), cnt = 1 + Math.floor(rnd() * 3);
          got = call('ZMPOP', '2', k, k2, 'MIN', 'COUNT', String(cnt));
          const src = z && z.size ? k : get(k2) ? k2 : null;
          if (src === null) want = null;
          else {
            const t = get(src)!;
            const list = sorted(t).slice(0, cnt);
            for (const [m] of list) t.delete(m);
            drop(src);
            want = [src, list.map(([m, s]) => [m, fmt(s)])];
          }
        } else if (op < 0.87) {
          // ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE into a random key, maybe one of the inputs.
          const kind = pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
          const ins = [pick(keys), pick(keys)];
          const dst = pick(keys);
          const weights = kind !== 'ZDIFFSTORE' && rnd() < 0.4 ? [pick([1, 2, -1, 0.5]), pick([1, 3, -2])] : null;
          const agg = kind !== 'ZDIFFSTORE' && rnd() < 0.4 ? pick(['SUM', 'MIN', 'MAX']) : 'SUM';
          const args = [kind, dst, '2', ...ins];
          if (weights) args.push('WEIGHTS', ...weights.map(String));
          if (kind !== 'ZDIFFSTORE' && agg !== 'SUM') args.push('AGGREGATE', agg);
          got = call(...args);
          const srcs = ins.map((key, i) => ({ z: get(key) ?? new Map<string, number>(), w: weights ? weights[i] : 1 }));
          const res = new Map<string, number>();
          const aggf = (t: number, v: number) => {
            if (agg === 'SUM') { const r = t + v; return Number.isNaN(r) ? 0 : r; }
            return agg === 'MIN' ? (v < t ? v : t) : (v > t ? v : t);
          };
          const wmul = (w: number, s: number) => { const r = w * s; return Number.isNaN(r) ? 0 : r; };
          if (kind === 'ZDIFFSTORE') {
            for (const [m, s] of srcs[0].z) if (!srcs[1].z.has(m)) res.set(m, s);
          } else {
            const order = [...srcs].sort((a, b) => a.z.size - b.z.size);
            if (kind === 'ZINTERSTORE') {
              if (order[0].z.size > 0) {
                for (const [m, s] of order[0].z) {
                  let sc = wmul(order[0].w, s), ok = true;
                  for (const o of order.slice(1)) {
                    if (!o.z.has(m)) { ok = false; break; }
                    sc = aggf(sc, o.z.get(m)! * o.w);
                  }
                  if (ok) res.set(m, sc);
                }
              }
            } else {
              for (const o of order) for (const [m, s] of o.z) {
                const v = wmul(o.w, s);
                res.set(m, res.has(m) ? aggf(res.get(m)!, v) : v);
              }
            }
          }
          if (res.size) model.set(dst, res);
          else model.delete(dst);
          want = res.size;
        } else if (op < 0.9) {
          const src = pick(keys), dst = pick(keys);
          const a = Math.floor(rnd() * 10), b = a + Math.floor(rnd() * 10) - 2;
          got = call('ZRANGESTORE', dst, src, String(a), String(b));
          const list = sorted(get(src)), len = list.length;
          const e = b < 0 ? b + len : b;
          const part = a > e || a >= len ? [] : list.slice(a, Math.min(e, len - 1) + 1);
          if (part.length) model.set(dst, new Map(part));
          else model.delete(dst);
          want = part.length;
        } else if (op < 0.95) {
          got = call('ZCARD', k);
          want = z?.size ?? 0;
        } else {
          // Lex ranges on a key whose scores are all 0.
          const lk = pick([ka, kb]) + ':lex';
          const lz = get(lk);
          if (rnd() < 0.5) {
            const ms = [member(), member()];
            got = call('ZADD', lk, '0', ms[0], '0', ms[1]);
            const t = lz ?? new Map();
            let n = 0;
            for (const m of new Set(ms)) if (!t.has(m)) { t.set(m, 0); n++; }
            model.set(lk, t);
            want = n;
          } else {
            const a = member(), b = member();
            const [lo, hi] = cmpMember(a, b) <= 0 ? [a, b] : [b, a];
            const loEx = rnd() < 0.5, hiEx = rnd() < 0.5;
            const inR = (m: string) => (loEx ? cmpMember(m, lo) > 0 : cmpMember(m, lo) >= 0) && (hiEx ? cmpMember(m, hi) < 0 : cmpMember(m, hi) <= 0);
            const lo2 = (loEx ? '(' : '[') + lo, hi2 = (hiEx ? '(' : '[') + hi;
            const which = rnd();
            const list = sorted(lz).map(([m]) => m).filter(inR);
            if (which < 0.4) {
              got = call('ZRANGEBYLEX', lk, lo2, hi2);
              want = list;
            } else if (which < 0.7) {
              got = call('ZLEXCOUNT', lk, lo2, hi2);
              want = list.length;
            } else {
              got = call('ZREMRANGEBYLEX', lk, lo2, hi2);
              for (const m of list) lz!.delete(m);
              drop(lk);
              want = list.length;
            }
          }
        }
        expect(got, label()).toEqual(want);
        if (step % 500 === 0) {
          for (const key of keys) {
            expect(call('ZRANGE', key, '0', '-1', 'WITHSCORES'), `${label()} ${key}`).toEqual(flat(sorted(get(key)), true));
            if (get(key)) encodings.add(String(call('OBJECT', 'ENCODING', key)));
          }
        }
      }
      for (const key of keys) expect(call('ZRANGE', key, '0', '-1', 'WITHSCORES')).toEqual(flat(sorted(get(key)), true));
      // Both encodings (and conversions) were exercised under 128; only skiplists under 0.
      expect([...encodings].sort()).toEqual(entries === '0' ? ['skiplist'] : ['listpack', 'skiplist']);
    });
  });
}
