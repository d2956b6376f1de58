/**
 * The hash value structure (src/types/hash.ts) on a bare shard: listpack and hashtable
 * encodings, conversion at the limits, in-place and reallocating value updates, free/copy
 * (same heap and across heaps) without leaks, and a randomized run against a JS Map.
 */
import { describe, expect, it } from 'vitest';
import { Shard } from '../../src/shard/shard.js';
import { TypeLimits } from '../../src/server/config.js';
import { prng } from '../helpers/prng.js';
import { hashBytes } from '../../src/sab/hash.js';
import {
  entryBytes, hashConvert, hashCreate, hashDelete, hashDict, hashEntries, hashGet, hashLen, hashSet, hashValueOps, hv,
} from '../../src/types/hash.js';

const NOW = 1_700_000_000_000;
const kHash = 4, kListpack = 3, kHashtable = 4; // T.Hash, Enc.Listpack, Enc.Hashtable

function newShard(): Shard {
  const s = new Shard(Shard.create(0, 1 << 20));
  s.acquire();
  return s;
}

const b = (x: string | Buffer) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : x);

function limits(entries = 128, value = 64): TypeLimits {
  const l = new TypeLimits();
  l.hashMaxListpackEntries = entries;
  l.hashMaxListpackValue = value;
  return l;
}

/** Create an empty hash key the way the HSET path does. */
function newHash(s: Shard, key: string): number {
  const kb = b(key);
  expect(s.lookup(0, kb, 0, kb.length, NOW)).toBe(0);
  return s.insertValue(0, kb, 0, kb.length, kHash, kListpack, hashCreate(s.heap), NOW);
}

function hset(s: Shard, rec: number, lim: TypeLimits, f: string | Buffer, v: string | Buffer): number {
  const fb = b(f), vb = b(v);
  return hashSet(s, rec, lim, fb, 0, fb.length, vb, 0, vb.length);
}

function hget(s: Shard, rec: number, f: string | Buffer): string | null {
  const fb = b(f);
  if (!hashGet(s.heap, s.valuePtr(rec), s.encoding(rec), fb, 0, fb.length)) return null;
  return Buffer.from(s.heap.u8.subarray(hv.off, hv.off + hv.len)).toString('latin1');
}

function hdel(s: Shard, rec: number, f: string): boolean {
  const fb = b(f);
  return hashDelete(s, rec, fb, 0, fb.length);
}

function contents(s: Shard, rec: number): Map<string, string> {
  const e = hashEntries(s.heap, s.valuePtr(rec), s.encoding(rec));
  const m = new Map<string, string>();
  const str = (o: number, l: number) => Buffer.from(s.heap.u8.subarray(o, o + l)).toString('latin1');
  for (let i = 0; i < e.length; i += 4) {
    const f = str(e[i], e[i + 1]);
    expect(m.has(f)).toBe(false);
    m.set(f, str(e[i + 2], e[i + 3]));
  }
  return m;
}

function len(s: Shard, rec: number): number {
  return hashLen(s.heap, s.valuePtr(rec), s.encoding(rec));
}

describe('hash structure', () => {
  it('listpack: set, update, get, delete keep insertion order', () => {
    const s = newShard(), lim = limits();
    const rec = newHash(s, 'h');
    expect(hset(s, rec, lim, 'a', '1')).toBe(1);
    expect(hset(s, rec, lim, 'b', '2')).toBe(1);
    expect(hset(s, rec, lim, 'c', '3')).toBe(1);
    expect(hset(s, rec, lim, 'b', 'two')).toBe(0);
    expect(s.encoding(rec)).toBe(kListpack);
    expect([...contents(s, rec)]).toEqual([['a', '1'], ['b', 'two'], ['c', '3']]);
    expect(hget(s, rec, 'b')).toBe('two');
    expect(hget(s, rec, 'zz')).toBe(null);
    expect(hdel(s, rec, 'a')).toBe(true);
    expect(hdel(s, rec, 'a')).toBe(false);
    expect([...contents(s, rec)]).toEqual([['b', 'two'], ['c', '3']]);
    expect(len(s, rec)).toBe(2);
  });

  it('a field name equal to some value is not found through the value', () => {
    const s = newShard(), lim = limits();
    const rec = newHash(s, 'h');
    hset(s, rec, lim, 'f', 'g');
    expect(hget(s, rec, 'g')).toBe(null);
    hset(s, rec, lim, 'g', 'x');
    expect(hget(s, rec, 'g')).toBe('x');
    expect(hdel(s, rec, 'x')).toBe(false);
  });

  it('converts when the entry count passes the limit, and stays a hashtable', () => {
    const s = newShard(), lim = limits(4, 64);
    const rec = newHash(s, 'h');
    for (let i = 0; i < 4; i++) hset(s, rec, lim, `f${i}`, `v${i}`);
    expect(s.encoding(rec)).toBe(kListpack);
    hset(s, rec, lim, 'f0', 'again'); // an update does not count
    expect(s.encoding(rec)).toBe(kListpack);
    hset(s, rec, lim, 'f4', 'v4');
    expect(s.encoding(rec)).toBe(kHashtable);
    expect(len(s, rec)).toBe(5);
    expect(hget(s, rec, 'f0')).toBe('again');
    for (let i = 0; i < 5; i++) hdel(s, rec, `f${i}`);
    expect(len(s, rec)).toBe(0);
    expect(s.encoding(rec)).toBe(kHashtable);
  });

  it('converts for a field or value longer than the value limit (not at the limit)', () => {
    const s = newShard(), lim = limits(128, 8);
    const r1 = newHash(s, 'a');
    hset(s, r1, lim, 'f', 'x'.repeat(8));
    hset(s, r1, lim, 'x'.repeat(8), 'v');
    expect(s.encoding(r1)).toBe(kListpack);
    hset(s, r1, lim, 'f', 'x'.repeat(9));
    expect(s.encoding(r1)).toBe(kHashtable);
    expect(hget(s, r1, 'f')).toBe('x'.repeat(9));
    const r2 = newHash(s, 'b');
    hset(s, r2, lim, 'y'.repeat(9), '1');
    expect(s.encoding(r2)).toBe(kHashtable);
  });

  it('entry limit 0: the first field converts', () => {
    const s = newShard(), lim = limits(0, 64);
    const rec = newHash(s, 'h');
    hset(s, rec, lim, 'f', 'v');
    expect(s.encoding(rec)).toBe(kHashtable);
    expect(hget(s, rec, 'f')).toBe('v');
  });

  it('hashtable: values change in place within a size class and move across classes', () => {
    const s = newShard(), lim = limits(0, 1 << 20);
    const rec = newHash(s, 'h');
    hset(s, rec, lim, 'field', 'v');
    const d = hashDict(s.heap, s.valuePtr(rec));
    const f = b('field');
    const hashOf = () => { d.at(s.valuePtr(rec)); return d.find(f, 0, f.length, hashBytes(f, 0, f.length)); };
    const e1 = hashOf();
    hset(s, rec, lim, 'field', 'v2'); // 8+5+2 = 15 → same 16-byte class as 8+5+1
    expect(hashOf()).toBe(e1);
    hset(s, rec, lim, 'field', 'x'.repeat(300));
    const e2 = hashOf();
    expect(e2).not.toBe(e1);
    expect(entryBytes(s.heap, e2)).toBe(8 + 5 + 300);
    expect(hget(s, rec, 'field')).toBe('x'.repeat(300));
    hset(s, rec, lim, 'field', '');
    expect(hget(s, rec, 'field')).toBe('');
  });

  it('binary fields and values, empty field and empty value', () => {
    for (const entries of [128, 0]) {
      const s = newShard(), lim = limits(entries, 64);
      const rec = newHash(s, 'h');
      const f = Buffer.from([0, 255, 13, 10, 0]);
      hset(s, rec, lim, f, Buffer.from([1, 0, 2]));
      hset(s, rec, lim, '', '');
      expect(hget(s, rec, f)).toBe('\x01\x00\x02');
      expect(hget(s, rec, '')).toBe('');
      expect(len(s, rec)).toBe(2);
    }
  });

  it('free releases every block (both encodings)', () => {
    for (const entries of [128, 0]) {
      const s = newShard(), lim = limits(entries, 64);
      const base = s.heap.usedBytes();
      const rec = newHash(s, 'h');
      for (let i = 0; i < 300; i++) hset(s, rec, lim, `field:${i}`, 'v'.repeat(i % 70));
      for (let i = 0; i < 300; i += 3) hdel(s, rec, `field:${i}`);
      const kb = b('h');
      expect(s.lookup(0, kb, 0, kb.length, NOW)).toBe(rec);
      s.deleteFound(0, rec);
      expect(s.heap.usedBytes()).toBe(base);
    }
  });

  it('copy into the same heap and into another heap; the copies are independent and freeable', () => {
    for (const entries of [128, 0]) {
      const s = newShard(), t = newShard(), lim = limits(entries, 64);
      const rec = newHash(s, 'h');
      for (let i = 0; i < 200; i++) hset(s, rec, lim, `f${i}`, `value-${i}`);
      const want = contents(s, rec);
      const enc = s.encoding(rec);
      const tBase = t.heap.usedBytes();
      const kb = b('copy');
      for (const dst of [s, t]) {
        expect(dst.lookup(0, kb, 0, kb.length, NOW)).toBe(0);
        const nrec = dst.insertCopy(0, s, rec, kb, 0, kb.length, false, NOW);
        expect(dst.encoding(nrec)).toBe(enc);
        expect(contents(dst, nrec)).toEqual(want);
        hset(dst, nrec, lim, 'f0', 'changed');
        expect(hget(s, rec, 'f0')).toBe('value-0');
      }
      expect(t.lookup(0, kb, 0, kb.length, NOW)).not.toBe(0);
      t.deleteFound(0, t.lookup(0, kb, 0, kb.length, NOW));
      expect(t.heap.usedBytes()).toBe(tBase);
    }
  });

  it('hashtable grows and shrinks back after mass deletes', () => {
    const s = newShard(), lim = limits(0, 64);
    const rec = newHash(s, 'h');
    for (let i = 0; i < 5000; i++) hset(s, rec, lim, `f${i}`, `${i}`);
    const big = hashDict(s.heap, s.valuePtr(rec)).capacity();
    expect(big).toBeGreaterThanOrEqual(8192);
    for (let i = 0; i < 4950; i++) expect(hdel(s, rec, `f${i}`)).toBe(true);
    // deletes keep stepping the shrink along
    const d = hashDict(s.heap, s.valuePtr(rec));
    expect(d.capacity()).toBeLessThan(big / 4);
    expect(len(s, rec)).toBe(50);
    for (let i = 4950; i < 5000; i++) expect(hget(s, rec, `f${i}`)).toBe(`${i}`);
    for (let i = 0; i < 100; i++) hset(s, rec, lim, `g${i}`, 'x');
    expect(len(s, rec)).toBe(150);
  });

  it('hashConvert keeps every pair', () => {
    const s = newShard(), lim = limits();
    const rec = newHash(s, 'h');
    for (let i = 0; i < 100; i++) hset(s, rec, lim, `k${i}`, `${i * 7}`);
    const before = contents(s, rec);
    hashConvert(s, rec);
    expect(s.encoding(rec)).toBe(kHashtable);
    expect(contents(s, rec)).toEqual(before);
  });

  it('ValueOps are the ones in hash.ts', () => {
    expect(typeof hashValueOps.free).toBe('function');
    expect(typeof hashValueOps.copy).toBe('function');
  });

  for (const [name, entries, value] of [['listpack-heavy', 64, 16], ['hashtable', 0, 64], ['mixed', 16, 24]] as const) {
    it(`randomized against a Map (${name})`, () => {
      const rnd = prng(0x5eed + entries * 31 + value);
      const s = newShard(), lim = limits(entries, value);
      const base = s.heap.usedBytes();
      const keys = ['a', 'b', 'c', 'd'];
      const recs = new Map<string, number>();
      const model = new Map<string, Map<string, string>>();
      const kb = (k: string) => b(k);
      const field = () => {
        const r = rnd();
        if (r < 0.05) return 'long-field-' + 'x'.repeat(Math.floor(rnd() * 40));
        return `f${Math.floor(rnd() * 120)}`;
      };
      const value_ = () => {
        const r = rnd();
        const n = r < 0.8 ? Math.floor(rnd() * 12) : Math.floor(rnd() * 200);
        let out = '';
        for (let i = 0; i < n; i++) out += String.fromCharCode(Math.floor(rnd() * 256));
        return out;
      };
      for (let step = 0; step < 20000; step++) {
        const k = keys[Math.floor(rnd() * keys.length)];
        let rec = recs.get(k) ?? 0;
        let m = model.get(k);
        const op = rnd();
        if (op < 0.5) {
          if (rec === 0) {
            rec = newHash(s, k);
            recs.set(k, rec);
            m = new Map();
            model.set(k, m);
          }
          const f = field(), v = value_();
          expect(hset(s, rec, lim, f, v)).toBe(m!.has(f) ? 0 : 1);
          m!.set(f, v);
        } else if (op < 0.8) {
          if (rec === 0) continue;
          const f = rnd() < 0.7 && m!.size > 0 ? [...m!.keys()][Math.floor(rnd() * m!.size)] : field();
          expect(hdel(s, rec, f)).toBe(m!.delete(f));
          if (m!.size === 0) {
            const kk = kb(k);
            expect(s.lookup(0, kk, 0, kk.length, NOW)).toBe(rec);
            s.deleteFound(0, rec);
            recs.delete(k);
            model.delete(k);
          }
        } else if (op < 0.97) {
          if (rec === 0) continue;
          const f = field();
          expect(hget(s, rec, f)).toBe(m!.get(f) ?? null);
          expect(len(s, rec)).toBe(m!.size);
        } else {
          if (rec === 0) continue;
          expect(contents(s, rec)).toEqual(m);
          if (s.encoding(rec) === kListpack) {
            expect(m!.size).toBeLessThanOrEqual(entries);
            for (const [f, v] of m!) expect(f.length <= value && v.length <= value).toBe(true);
          }
        }
      }
      for (const [k, rec] of recs) {
        expect(contents(s, rec)).toEqual(model.get(k));
        const kk = kb(k);
        expect(s.lookup(0, kk, 0, kk.length, NOW)).toBe(rec);
        s.deleteFound(0, rec);
      }
      expect(s.heap.usedBytes()).toBe(base);
    });
  }
});
