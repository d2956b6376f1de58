import { describe, it, expect } from 'vitest';
import { Shard } from '../../src/shard/shard.js';
import { Heap } from '../../src/sab/alloc.js';
import { Enc, T } from '../../src/sab/record.js';
import { hashBytes } from '../../src/sab/hash.js';
import { parseScore, strtod, strtodOut } from '../../src/commands/families/zset-args.js';
import {
  zlpFind, zlpFirstInLex, zlpFirstInRange, zlpIndex, zlpInsert, zlpLastInLex, zlpLastInRange, zlpMemberLen,
  zlpMemberOff, zlpNew, zlpNext, zlpScore, zlpDelete, zlpFirst,
} from '../../src/types/zset-lp.js';
import {
  ZBuilder, ZIter, kZOutAdded, kZOutNop, kZOutUpdated, kZaddGT, zres, zsetAdd, zsetDel, zsetLength, zsetPop,
  zsetRank, zsetScore, zsetValueOps,
} from '../../src/types/zset.js';
import { lpCount } from '../../src/sab/listpack.js';
import { prng } from '../helpers/prng.js';

const enc = (s: string) => Buffer.from(s, 'latin1');
const NOW = 1_700_000_000_000;

describe('score parsing (getDoubleFromObject over strtod)', () => {
  const ok: [string, number][] = [
    ['1', 1], ['-1', -1], ['+1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-3', 0.001],
    ['0x10', 16], ['0x1p-2', 0.25], ['0X1.8P1', 3], ['inf', Infinity], ['-INF', -Infinity], ['+Infinity', Infinity],
    ['1e-310', 1e-310], ['0.1', 0.1], ['123456789012345678', 123456789012345678], ['-0', -0],
    ['1.7976931348623157e308', 1.7976931348623157e308], ['000012', 12], ['1e', NaN], ['0x', NaN],
  ];
  for (const [text, want] of ok) {
    it(`'${text}'`, () => {
      const b = enc(text);
      const v = parseScore(b, 0, b.length);
      if (Number.isNaN(want)) expect(v).toBe(null); // "1e" / "0x": strtod stops early, not a full parse
      else expect(Object.is(v, want)).toBe(true);
    });
  }
  it('rejects what Redis rejects', () => {
    for (const text of ['', ' 1', '1 ', 'nan', '-nan', '1e400', '-1e400', '1e-400', 'abc', '(1', '1\x002', '--1', '0x1p99999']) {
      const b = enc(text);
      expect(parseScore(b, 0, b.length), text).toBe(null);
    }
  });
  it('strtod reports what it consumed', () => {
    const b = enc('  -12.5e1xyz');
    strtod(b, 0, b.length);
    expect(strtodOut.value).toBe(-125);
    expect(strtodOut.used).toBe(9);
    const n = enc('nan(123)x');
    strtod(n, 0, n.length);
    expect(strtodOut.used).toBe(8);
    const z = enc('0xg');
    strtod(z, 0, z.length);
    expect(strtodOut.used).toBe(1);
  });
});

describe('zset listpack encoding', () => {
  it('randomized against a sorted model', () => {
    const heap = new Heap(Heap.create(1 << 16));
    let p = zlpNew(heap);
    const model = new Map<string, number>();
    const rnd = prng(3);
    const sorted = () => [...model].sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : Buffer.compare(enc(a[0]), enc(b[0]))));
    for (let step = 0; step < 5000; step++) {
      const m = `m${Math.floor(rnd() * 90)}`, b = enc(m);
      const pos = zlpFind(heap, p, b, 0, b.length);
      expect(pos >= 0).toBe(model.has(m));
      if (rnd() < 0.6) {
        if (pos >= 0) p = zlpDelete(heap, p, pos);
        const s = Math.floor(rnd() * 10) - 3;
        p = zlpInsert(heap, p, s, b, 0, b.length);
        model.set(m, s);
      } else if (pos >= 0) {
        expect(zlpScore(heap, p, pos)).toBe(model.get(m));
        expect(zlpIndex(heap, p, pos)).toBe(sorted().findIndex(([x]) => x === m));
        if (rnd() < 0.5) {
          p = zlpDelete(heap, p, pos);
          model.delete(m);
        }
      }
      if (step % 250 === 0) {
        const got: [string, number][] = [];
        for (let q = zlpFirst(heap, p); q >= 0; q = zlpNext(heap, p, q)) {
          const o = zlpMemberOff(heap, p, q);
          got.push([Buffer.from(heap.u8.subarray(o, o + zlpMemberLen(heap, p, q))).toString('latin1'), zlpScore(heap, p, q)]);
        }
        expect(got).toEqual(sorted());
        expect(lpCount(heap, p)).toBe(model.size);
        const r = { min: -1, max: 2, minex: rnd() < 0.5, maxex: rnd() < 0.5 };
        const inR = sorted().filter(([, s]) => (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max));
        const f = zlpFirstInRange(heap, p, r), l = zlpLastInRange(heap, p, r);
        const idx = (m: string) => sorted().findIndex(([x]) => x === m);
        expect(f < 0 ? null : zlpIndex(heap, p, f)).toBe(inR.length ? idx(inR[0][0]) : null);
        expect(l < 0 ? null : zlpIndex(heap, p, l)).toBe(inR.length ? idx(inR[inR.length - 1][0]) : null);
      }
    }
  });

  it('lex bounds', () => {
    const heap = new Heap(Heap.create(1 << 16));
    let p = zlpNew(heap);
    for (const m of ['a', 'b', 'c', 'd']) p = zlpInsert(heap, p, 0, enc(m), 0, 1);
    const r = { minKind: 3, min: enc('a'), maxKind: 2, max: enc('c') };
    expect(zlpIndex(heap, p, zlpFirstInLex(heap, p, r))).toBe(1);
    expect(zlpIndex(heap, p, zlpLastInLex(heap, p, r))).toBe(2);
    expect(zlpFirstInLex(heap, p, { minKind: 1, min: enc(''), maxKind: 1, max: enc('') })).toBe(-1);
  });
});

describe('zset values in a shard', () => {
  function newZset(s: Shard, key: string, enc0: Enc): number {
    const kb = enc(key);
    s.lookup(0, kb, 0, kb.length, NOW);
    const vp = enc0 === Enc.Listpack ? zlpNew(s.heap) : zsetValueOps.copy(s.heap, ZBuilderEmpty(s.heap), Enc.Skiplist, s.heap);
    return s.insertValue(0, kb, 0, kb.length, T.ZSet, enc0, vp, NOW);
  }
  /** An empty skiplist root, made through ZBuilder (the skiplist branch of build()). */
  function ZBuilderEmpty(heap: Heap): number {
    const [root] = new ZBuilder().build(heap, -1, 0);
    return root;
  }

  for (const e of [Enc.Listpack, Enc.Skiplist]) {
    it(`add, update, rank, pop, copy and free (${e === Enc.Listpack ? 'listpack' : 'skiplist'})`, () => {
      const s = new Shard(Shard.create(0, 1 << 20));
      s.acquire();
      const before = s.heap.usedBytes();
      const rec = newZset(s, 'z', e);
      const add = (score: number, m: string, flags = 0) => zsetAdd(s, rec, score, enc(m), 0, m.length, flags, 128, 64);
      expect(add(1, 'a')).toBe(kZOutAdded);
      expect(add(2, 'b')).toBe(kZOutAdded);
      expect(add(3, 'a')).toBe(kZOutUpdated);
      expect(add(1, 'a', kZaddGT)).toBe(kZOutNop);
      expect(add(2, 'b')).toBe(0);
      expect(zres.score).toBe(2);
      const heap = s.heap;
      expect(zsetScore(heap, s.valuePtr(rec), s.encoding(rec), enc('a'), 0, 1)).toBe(3);
      expect(zsetRank(heap, s.valuePtr(rec), s.encoding(rec), enc('a'), 0, 1, false)).toBe(1);
      expect(zsetRank(heap, s.valuePtr(rec), s.encoding(rec), enc('a'), 0, 1, true)).toBe(0);
      for (let i = 0; i < 300; i++) add(i % 13, `k${i}`);
      expect(s.encoding(rec)).toBe(Enc.Skiplist); // 302 > 128 members
      expect(zsetDel(s, rec, enc('k5'), 0, 2)).toBe(true);
      expect(zsetDel(s, rec, enc('k5'), 0, 2)).toBe(false);
      // Copy into another heap and compare member by member.
      const other = new Heap(Heap.create(1 << 16));
      const cp = zsetValueOps.copy(heap, s.valuePtr(rec), s.encoding(rec), other);
      const a = new ZIter(heap, s.valuePtr(rec), s.encoding(rec)), b = new ZIter(other, cp, s.encoding(rec));
      let n = 0;
      for (let ok = a.first(), ok2 = b.first(); ok || ok2; ok = a.next(), ok2 = b.next(), n++) {
        expect(ok && ok2).toBe(true);
        expect(b.score()).toBe(a.score());
        expect(Buffer.from(other.u8.subarray(b.off(), b.off() + b.len()))).toEqual(Buffer.from(heap.u8.subarray(a.off(), a.off() + a.len())));
      }
      expect(n).toBe(zsetLength(heap, s.valuePtr(rec), s.encoding(rec)));
      const otherBase = new Heap(Heap.create(1 << 16)).usedBytes();
      zsetValueOps.free(other, cp, s.encoding(rec));
      expect(other.usedBytes()).toBe(otherBase);
      // Pop everything: the key goes away and every block is returned.
      const popped: number[] = [];
      const total = zsetLength(heap, s.valuePtr(rec), s.encoding(rec));
      expect(zsetPop(s, 0, rec, false, 10, (_u, _o, _l, sc) => popped.push(sc))).toBe(10);
      expect(popped).toEqual([...popped].sort((x, y) => x - y));
      expect(zsetPop(s, 0, rec, true, 1e9, () => {})).toBe(total - 10);
      const kb = enc('z');
      expect(s.tables[0].find(kb, 0, 1, hashBytes(kb, 0, 1))).toBe(0);
      expect(s.heap.usedBytes()).toBeLessThanOrEqual(before + 4096); // the keyspace table may have grown
    });
  }
});
