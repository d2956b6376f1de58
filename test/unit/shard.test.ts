import { describe, it, expect } from 'vitest';
import { Shard, kDatabases, stringEncoding, lruClock } from '../../src/shard/shard.js';
import { Heap } from '../../src/sab/alloc.js';
import { hashBytes } from '../../src/sab/hash.js';
import { kInlineMax, kRecordHeader, kValueHeader, kEncNames, kTypeNames } from '../../src/sab/record.js';

const NOW = 1_700_000_000_000;
// Stat indexes in shard.stats (Stat is a const enum in src/shard/shard.ts).
const kHits = 8, kMisses = 9, kExpired = 10;

const enc = (s: string) => Buffer.from(s, 'latin1');

function newShard(heapBytes = 1 << 20): Shard {
  const s = new Shard(Shard.create(0, heapBytes));
  s.acquire();
  return s;
}

interface SetOpts { expireAt?: number; keepTtl?: boolean; now?: number }

/** SET-like: lookup, then setString with the record found (0 if absent). */
function set(s: Shard, db: number, key: string | Buffer, val: string | Buffer, o: SetOpts = {}): number {
  const kb = typeof key === 'string' ? enc(key) : key;
  const vb = typeof val === 'string' ? enc(val) : val;
  const now = o.now ?? NOW;
  const rec = s.lookup(db, kb, 0, kb.length, now);
  return s.setString(db, rec, kb, 0, kb.length, vb, 0, vb.length, o.expireAt ?? 0, o.keepTtl ?? false, now);
}

function lookup(s: Shard, db: number, key: string | Buffer, now = NOW): number {
  const kb = typeof key === 'string' ? enc(key) : key;
  return s.lookup(db, kb, 0, kb.length, now);
}

function get(s: Shard, db: number, key: string | Buffer, now = NOW): Buffer | null {
  const r = lookup(s, db, key, now);
  return r === 0 ? null : s.valueBuffer(r);
}

function encName(s: Shard, rec: number): string {
  return kEncNames[s.encoding(rec)];
}

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('Shard: creation', () => {
  it('creates 16 empty dbs reachable from any Shard on the handle', () => {
    const h = Shard.create(3, 64 * 1024);
    const a = new Shard(h), b = new Shard(h);
    expect(a.id).toBe(3);
    expect(a.tables.length).toBe(kDatabases);
    for (let db = 0; db < kDatabases; db++) {
      expect(a.dbSize(db)).toBe(0);
      expect(a.volatileCount(db)).toBe(0);
    }
    a.acquire();
    set(a, 5, 'k', 'v');
    a.release();
    b.acquire();
    expect(get(b, 5, 'k')?.toString()).toBe('v');
    expect(get(b, 4, 'k')).toBeNull();
    b.release();
  });

  it('the handle is structured-cloneable (postMessage / workerData)', () => {
    const h = Shard.create(1);
    const c = structuredClone(h);
    expect(c.heap).toBeInstanceOf(SharedArrayBuffer); // shared memory, not copied
    expect(c.id).toBe(1);
    const a = new Shard(h);
    a.acquire();
    set(a, 0, 'x', 'y');
    a.release();
    const b = new Shard(c);
    b.acquire();
    expect(get(b, 0, 'x')?.toString()).toBe('y');
  });

  it('acquire()/release() take the futex lock; tryAcquire fails while held', () => {
    const h = Shard.create(0);
    const a = new Shard(h), b = new Shard(h);
    a.acquire();
    expect(b.tryAcquire()).toBe(false);
    a.release();
    expect(b.tryAcquire()).toBe(true);
    b.release();
  });
});

describe('Shard: setString layout', () => {
  it('values up to kInlineMax live inline in the key record', () => {
    const s = newShard();
    for (const n of [0, 1, 44, 45, 100, kInlineMax]) {
      const key = `inline:${n}`;
      const v = bytes(n, n);
      const used0 = s.heap.usedBytes();
      const rec = set(s, 0, key, v);
      expect(s.heap.u32[rec * 2 + 3], `valPtr for ${n}`).toBe(0);
      expect(s.valOffset(rec)).toBe(rec * 8 + kRecordHeader + key.length);
      expect(s.valLen(rec)).toBe(n);
      expect(s.keyLen(rec)).toBe(key.length);
      expect(s.keyBuffer(rec).toString('latin1')).toBe(key);
      expect(s.valueBuffer(rec).equals(v)).toBe(true);
      expect(kTypeNames[s.type(rec)]).toBe('string');
      expect(s.expireAt(rec)).toBe(0);
      // One block of exactly header + key + value (plus whatever the table grew by).
      const grew = s.heap.usedBytes() - used0;
      expect(grew === Heap.usable(kRecordHeader + key.length + n) || grew > 1000).toBe(true);
    }
  });

  it('values above kInlineMax get their own block [capacity][pad][bytes]', () => {
    const s = newShard();
    for (const n of [kInlineMax + 1, 1000, 40000, 100000]) {
      const key = `ool:${n}`;
      const v = bytes(n, n);
      const rec = set(s, 0, key, v);
      const vp = s.heap.u32[rec * 2 + 3];
      expect(vp, `valPtr for ${n}`).not.toBe(0);
      expect(s.valOffset(rec)).toBe(vp * 8 + kValueHeader);
      expect(s.heap.u32[vp * 2]).toBe(Heap.usable(kValueHeader + n) - kValueHeader); // capacity
      expect(s.heap.u32[vp * 2]).toBeGreaterThanOrEqual(n);
      expect(s.valueBuffer(rec).equals(v)).toBe(true);
      expect(s.keyBuffer(rec).toString()).toBe(key);
    }
  });

  it('heap use is exactly the records (+ value blocks) and returns to the empty state', () => {
    const s = newShard();
    // Get the table past its growth first.
    const base = s.heap.usedBytes();
    const rec1 = set(s, 0, 'a', 'x'.repeat(10));
    expect(s.heap.usedBytes() - base).toBe(Heap.usable(kRecordHeader + 1 + 10));
    set(s, 0, 'b', 'y'.repeat(1000));
    expect(s.heap.usedBytes() - base).toBe(
      Heap.usable(kRecordHeader + 1 + 10) + Heap.usable(kRecordHeader + 1) + Heap.usable(kValueHeader + 1000),
    );
    expect(rec1).toBeGreaterThan(0);
    for (const k of ['a', 'b']) {
      const r = lookup(s, 0, k);
      s.deleteFound(0, r);
    }
    expect(s.heap.usedBytes()).toBe(base);
    expect(s.dbSize(0)).toBe(0);
  });

  it('keys and values are binary safe', () => {
    const s = newShard();
    const k = Buffer.from([0, 0xff, 0x0d, 0x0a, 0]);
    const v = Buffer.from([0, 1, 2, 0, 0xfe]);
    set(s, 0, k, v);
    expect(get(s, 0, k)?.equals(v)).toBe(true);
    expect(get(s, 0, Buffer.from([0, 0xff, 0x0d, 0x0a]))).toBeNull();
    set(s, 0, '', 'empty key');
    expect(get(s, 0, '')?.toString()).toBe('empty key');
  });
});

describe('Shard: overwrite', () => {
  it('a same-size-class inline value is overwritten in place (same record)', () => {
    const s = newShard();
    const r1 = set(s, 0, 'key', 'abcdefgh');
    const used = s.heap.usedBytes();
    const r2 = set(s, 0, 'key', '12345678');
    expect(r2).toBe(r1);
    expect(get(s, 0, 'key')?.toString()).toBe('12345678');
    expect(encName(s, r2)).toBe('int');
    const r3 = set(s, 0, 'key', 'abcdefg'); // 7 bytes: 24+3+7 = 34 → same class as 35
    expect(Heap.usable(kRecordHeader + 3 + 7)).toBe(Heap.usable(kRecordHeader + 3 + 8));
    expect(r3).toBe(r1);
    expect(s.valLen(r3)).toBe(7);
    expect(get(s, 0, 'key')?.toString()).toBe('abcdefg');
    expect(s.heap.usedBytes()).toBe(used);
    expect(s.dbSize(0)).toBe(1);
  });

  it('a value of another size class gets a new record; the old one is freed', () => {
    const s = newShard();
    set(s, 0, 'key', 'short');
    const used0 = s.heap.usedBytes();
    const r1 = lookup(s, 0, 'key');
    const r2 = set(s, 0, 'key', 'a much longer value than before, 50 bytes or so....');
    expect(r2).not.toBe(r1);
    expect(s.dbSize(0)).toBe(1);
    expect(lookup(s, 0, 'key')).toBe(r2);
    expect(s.heap.usedBytes() - used0).toBe(
      Heap.usable(kRecordHeader + 3 + 51) - Heap.usable(kRecordHeader + 3 + 5),
    );
    // inline → out-of-line → inline → out-of-line: no leaks.
    const before = s.heap.usedBytes();
    for (let i = 0; i < 100; i++) {
      set(s, 0, 'key', bytes(i % 2 ? 5000 : 10, i));
      set(s, 0, 'key', 'a much longer value than before, 50 bytes or so....');
    }
    expect(s.heap.usedBytes()).toBe(before);
    expect(s.dbSize(0)).toBe(1);
  });

  it('an overwrite sets the TTL (0 clears it) unless keepTtl, with volatile counting', () => {
    const s = newShard();
    set(s, 0, 'k', 'v1', { expireAt: NOW + 10_000 });
    expect(s.volatileCount(0)).toBe(1);
    let r = set(s, 0, 'k', 'v2', { keepTtl: true }); // in place
    expect(s.expireAt(r)).toBe(NOW + 10_000);
    expect(s.volatileCount(0)).toBe(1);
    r = set(s, 0, 'k', 'x'.repeat(300), { keepTtl: true }); // new record
    expect(s.expireAt(r)).toBe(NOW + 10_000);
    expect(s.volatileCount(0)).toBe(1);
    r = set(s, 0, 'k', 'v3', { expireAt: NOW + 5 }); // new TTL
    expect(s.expireAt(r)).toBe(NOW + 5);
    expect(s.volatileCount(0)).toBe(1);
    r = set(s, 0, 'k', 'v4'); // plain SET clears it (in place)
    expect(s.expireAt(r)).toBe(0);
    expect(s.volatileCount(0)).toBe(0);
    r = set(s, 0, 'k', 'x'.repeat(400), { expireAt: NOW + 7 });
    expect(s.volatileCount(0)).toBe(1);
    r = set(s, 0, 'k', 'y'.repeat(500)); // new record, clears it
    expect(s.expireAt(r)).toBe(0);
    expect(s.volatileCount(0)).toBe(0);
    r = set(s, 0, 'k', 'z', { keepTtl: true }); // keepTtl of no TTL
    expect(s.expireAt(r)).toBe(0);
    expect(s.volatileCount(0)).toBe(0);
    // keepTtl on a new key: expireAt applies (there is nothing to keep).
    r = set(s, 0, 'fresh', 'v', { keepTtl: true, expireAt: 0 });
    expect(s.expireAt(r)).toBe(0);
  });
});

describe('Shard: resizeString', () => {
  function resize(s: Shard, key: string, newLen: number): number {
    const r = lookup(s, 0, key);
    expect(r).not.toBe(0);
    return s.resizeString(0, r, newLen, NOW);
  }

  it('grows inline, zero-filling the new bytes and keeping the old ones', () => {
    const s = newShard();
    set(s, 0, 'k', 'hello');
    const r = resize(s, 'k', 20);
    expect(get(s, 0, 'k')).toEqual(Buffer.concat([enc('hello'), Buffer.alloc(15)]));
    expect(s.valLen(r)).toBe(20);
    expect(s.dbSize(0)).toBe(1);
  });

  it('grows within the size class in place', () => {
    const s = newShard();
    const r0 = set(s, 0, 'k', 'abc'); // 24+1+3 = 28 → 32-byte class: room for 4 more
    // Dirty the slack bytes so the zero fill is observable.
    s.heap.u8.fill(0xee, s.valOffset(r0) + 3, r0 * 8 + 32);
    const r1 = resize(s, 'k', 7);
    expect(r1).toBe(r0);
    expect(get(s, 0, 'k')).toEqual(Buffer.from([97, 98, 99, 0, 0, 0, 0]));
  });

  it('grows past kInlineMax into an out-of-line block with geometric capacity, then in place', () => {
    const s = newShard();
    const v = bytes(200, 1);
    set(s, 0, 'k', v);
    let r = resize(s, 'k', 300);
    const vp = s.heap.u32[r * 2 + 3];
    expect(vp).not.toBe(0);
    const cap = s.heap.u32[vp * 2];
    expect(cap).toBeGreaterThanOrEqual(400); // max(newLen, min(2*oldLen, ...)) = 400
    const got = get(s, 0, 'k')!;
    expect(got.subarray(0, 200).equals(v)).toBe(true);
    expect(got.subarray(200).equals(Buffer.alloc(100))).toBe(true);
    // Within capacity: same record, same value block.
    s.heap.u8.fill(0xaa, s.valOffset(r) + 300, s.valOffset(r) + cap);
    const r2 = resize(s, 'k', cap);
    expect(r2).toBe(r);
    expect(s.heap.u32[r2 * 2 + 3]).toBe(vp);
    const got2 = get(s, 0, 'k')!;
    expect(got2.length).toBe(cap);
    expect(got2.subarray(0, 200).equals(v)).toBe(true);
    expect(got2.subarray(200).every((b) => b === 0)).toBe(true);
    // Past capacity: new blocks, bytes kept.
    r = resize(s, 'k', 1 << 20);
    expect(get(s, 0, 'k')!.subarray(0, 200).equals(v)).toBe(true);
    expect(get(s, 0, 'k')!.subarray(200).every((b) => b === 0)).toBe(true);
    expect(s.dbSize(0)).toBe(1);
  });

  it('shrinks, keeping the first newLen bytes (out-of-line stays in place)', () => {
    const s = newShard();
    const v = bytes(5000, 2);
    const r0 = set(s, 0, 'k', v);
    const r1 = resize(s, 'k', 100);
    expect(r1).toBe(r0);
    expect(get(s, 0, 'k')!.equals(v.subarray(0, 100))).toBe(true);
    const r2 = resize(s, 'k', 0);
    expect(get(s, 0, 'k')!.length).toBe(0);
    expect(r2).toBe(r0);
    // Inline shrink to another class: new record, bytes kept.
    const w = bytes(200, 3);
    set(s, 0, 'i', w);
    resize(s, 'i', 10);
    expect(get(s, 0, 'i')!.equals(w.subarray(0, 10))).toBe(true);
  });

  it('keeps TTL, type and volatile count; marks the string raw after reallocation', () => {
    const s = newShard();
    set(s, 0, 'k', '12345', { expireAt: NOW + 1000 });
    expect(encName(s, lookup(s, 0, 'k'))).toBe('int');
    expect(s.volatileCount(0)).toBe(1);
    const r = resize(s, 'k', 1000);
    expect(s.expireAt(r)).toBe(NOW + 1000);
    expect(s.volatileCount(0)).toBe(1);
    expect(kTypeNames[s.type(r)]).toBe('string');
    expect(encName(s, r)).toBe('raw');
    expect(lookup(s, 0, 'k')).toBe(r);
    expect(s.keyBuffer(r).toString()).toBe('k');
  });

  it('a resize that reallocates frees the old record (no leak over many resizes)', () => {
    const s = newShard();
    set(s, 0, 'k', 'x');
    const base = s.heap.usedBytes() - Heap.usable(kRecordHeader + 1 + 1);
    for (let n = 1; n < 3000; n += 37) resize(s, 'k', n);
    resize(s, 'k', 1);
    const r = lookup(s, 0, 'k');
    const vp = s.heap.u32[r * 2 + 3];
    const expected = vp === 0
      ? Heap.usable(kRecordHeader + 1 + 1)
      : Heap.usable(kRecordHeader + 1) + Heap.usable(kValueHeader + s.heap.u32[vp * 2]);
    expect(s.heap.usedBytes() - base).toBe(expected);
  });

});

describe('Shard: expiry', () => {
  it('lookup deletes an expired key on the spot and counts it', () => {
    const s = newShard();
    const base = s.heap.usedBytes();
    set(s, 0, 'gone', 'v', { expireAt: NOW - 1 });
    set(s, 0, 'edge', 'v', { expireAt: NOW - 1000 });
    set(s, 0, 'live', 'v', { expireAt: NOW + 1 });
    set(s, 0, 'forever', 'v');
    expect(s.dbSize(0)).toBe(4);
    expect(s.volatileCount(0)).toBe(3);
    const expired0 = s.stats[kExpired];
    expect(lookup(s, 0, 'gone')).toBe(0);
    expect(lookup(s, 0, 'edge')).toBe(0);
    expect(lookup(s, 0, 'live')).not.toBe(0);
    expect(lookup(s, 0, 'forever')).not.toBe(0);
    expect(s.stats[kExpired] - expired0).toBe(2);
    expect(s.dbSize(0)).toBe(2);
    expect(s.volatileCount(0)).toBe(1);
    // At its expiry time the key still exists (Redis: expired once now > when); just after, it is gone.
    expect(lookup(s, 0, 'live', NOW + 1)).not.toBe(0);
    expect(lookup(s, 0, 'live', NOW + 2)).toBe(0);
    expect(s.volatileCount(0)).toBe(0);
    expect(s.dbSize(0)).toBe(1);
    const r = lookup(s, 0, 'forever');
    s.deleteFound(0, r);
    expect(s.heap.usedBytes()).toBe(base);
  });

  it('an expired key can be set again (lookup then insert)', () => {
    const s = newShard();
    set(s, 0, 'k', 'old', { expireAt: NOW - 1 });
    set(s, 0, 'k', 'new');
    expect(s.dbSize(0)).toBe(1);
    expect(get(s, 0, 'k')?.toString()).toBe('new');
    expect(s.volatileCount(0)).toBe(0);
  });

  it('setExpire counts volatile keys: 0→t +1, t→t no change, t→0 -1', () => {
    const s = newShard();
    const r = set(s, 3, 'k', 'v');
    expect(s.volatileCount(3)).toBe(0);
    s.setExpire(3, r, NOW + 100);
    expect(s.volatileCount(3)).toBe(1);
    s.setExpire(3, r, NOW + 200);
    expect(s.volatileCount(3)).toBe(1);
    expect(s.expireAt(r)).toBe(NOW + 200);
    s.setExpire(3, r, 0);
    expect(s.volatileCount(3)).toBe(0);
    s.setExpire(3, r, 0);
    expect(s.volatileCount(3)).toBe(0);
    s.setExpire(3, r, NOW + 1);
    // deleteFound of a volatile key decrements too.
    expect(lookup(s, 3, 'k')).toBe(r);
    s.deleteFound(3, r);
    expect(s.volatileCount(3)).toBe(0);
    expect(s.volatileCount(0)).toBe(0);
  });

  it('volatile count equals the number of keys with a TTL after random operations', () => {
    const s = newShard();
    let x = 7;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 20000; i++) {
      const k = `k${Math.floor(rnd() * 500)}`;
      const op = rnd();
      const now = NOW + i;
      if (op < 0.4) {
        const size = rnd() < 0.8 ? Math.floor(rnd() * 60) : 200 + Math.floor(rnd() * 2000);
        const ttl = rnd() < 0.5 ? now + Math.floor(rnd() * 3000) - 500 : 0;
        set(s, 0, k, bytes(size, i), { expireAt: ttl, keepTtl: rnd() < 0.2, now });
      } else if (op < 0.6) {
        const r = lookup(s, 0, k, now);
        if (r) s.deleteFound(0, r);
      } else if (op < 0.8) {
        const r = lookup(s, 0, k, now);
        if (r) s.setExpire(0, r, rnd() < 0.5 ? 0 : now + 1000);
      } else {
        const r = lookup(s, 0, k, now);
        if (r) s.resizeString(0, r, Math.floor(rnd() * 1000), now);
      }
    }
    let withTtl = 0, count = 0;
    for (let i = 0; i < 500; i++) {
      const kb = enc(`k${i}`);
      const r = s.tables[0].find(kb, 0, kb.length, hashOf(kb)); // no lazy expiry here
      if (r !== 0) {
        count++;
        if (s.expireAt(r) !== 0) withTtl++;
      }
    }
    expect(count).toBe(s.dbSize(0));
    expect(s.volatileCount(0)).toBe(withTtl);
  });
});

function hashOf(b: Buffer): number {
  return hashBytes(b, 0, b.length);
}

describe('Shard: reads', () => {
  it('lookupRead counts hits and misses and refreshes the LRU clock', () => {
    const s = newShard();
    set(s, 0, 'k', 'v', { now: NOW });
    const h0 = s.stats[kHits], m0 = s.stats[kMisses];
    const kb = enc('k');
    const r = s.lookupRead(0, kb, 0, 1, NOW + 5000);
    expect(r).not.toBe(0);
    expect(s.lru(r)).toBe(lruClock(NOW + 5000));
    expect(s.lookupRead(0, enc('nope'), 0, 4, NOW)).toBe(0);
    s.lookupRead(0, kb, 0, 1, NOW + 9000, false); // no touch
    expect(s.lru(r)).toBe(lruClock(NOW + 5000));
    expect(s.stats[kHits] - h0).toBe(2);
    expect(s.stats[kMisses] - m0).toBe(1);
    expect(lruClock(NOW)).toBe(Math.floor(NOW / 1000) & 0xffffff);
  });

  it('touch keeps type and encoding bits', () => {
    const s = newShard();
    const r = set(s, 0, 'k', '42');
    s.touch(r, NOW + 123_000);
    expect(encName(s, r)).toBe('int');
    expect(kTypeNames[s.type(r)]).toBe('string');
    expect(s.lru(r)).toBe(lruClock(NOW + 123_000));
  });
});

describe('Shard: dbs', () => {
  it('dbs are independent keyspaces', () => {
    const s = newShard();
    for (let db = 0; db < kDatabases; db++) set(s, db, 'k', `v${db}`);
    for (let db = 0; db < kDatabases; db++) {
      expect(get(s, db, 'k')?.toString()).toBe(`v${db}`);
      expect(s.dbSize(db)).toBe(1);
    }
  });

  it('swapDb swaps keys, sizes and volatile counts, for every Shard on the handle', () => {
    const h = Shard.create(0);
    const s = new Shard(h), other = new Shard(h);
    s.acquire();
    for (let i = 0; i < 100; i++) set(s, 0, `a${i}`, `A${i}`, { expireAt: i < 10 ? NOW + 1000 : 0 });
    for (let i = 0; i < 30; i++) set(s, 1, `b${i}`, `B${i}`);
    s.swapDb(0, 1);
    expect(s.dbSize(0)).toBe(30);
    expect(s.dbSize(1)).toBe(100);
    expect(s.volatileCount(0)).toBe(0);
    expect(s.volatileCount(1)).toBe(10);
    expect(get(s, 0, 'b3')?.toString()).toBe('B3');
    expect(get(s, 1, 'a3')?.toString()).toBe('A3');
    expect(get(s, 0, 'a3')).toBeNull();
    s.release();
    other.acquire();
    expect(get(other, 1, 'a99')?.toString()).toBe('A99');
    expect(get(other, 0, 'b29')?.toString()).toBe('B29');
    // Writes after the swap land in the swapped tables.
    set(other, 0, 'new', 'x');
    other.swapDb(0, 1);
    expect(get(other, 1, 'new')?.toString()).toBe('x');
    expect(get(other, 0, 'a0')?.toString()).toBe('A0');
    other.release();
  });

  it('flushDb empties one db and frees its memory', () => {
    const s = newShard();
    const base = s.heap.usedBytes();
    for (let i = 0; i < 5000; i++) set(s, 2, `k${i}`, bytes(i % 700, i), { expireAt: i % 3 ? 0 : NOW + 1e6 });
    set(s, 3, 'keep', 'me');
    const keepUse = Heap.usable(kRecordHeader + 4 + 2);
    expect(s.volatileCount(2)).toBeGreaterThan(0);
    s.flushDb(2);
    expect(s.dbSize(2)).toBe(0);
    expect(s.volatileCount(2)).toBe(0);
    expect(get(s, 2, 'k1')).toBeNull();
    expect(get(s, 3, 'keep')?.toString()).toBe('me');
    expect(s.heap.usedBytes()).toBe(base + keepUse);
    set(s, 2, 'again', '1');
    expect(s.dbSize(2)).toBe(1);
  });

  it('insertCopy copies a string (and optionally its TTL) within and across shards', () => {
    const a = newShard(), b = newShard();
    set(a, 0, 'src', bytes(1000, 9), { expireAt: NOW + 50 });
    const r = lookup(a, 0, 'src');
    const kb = enc('dst');
    const c1 = a.insertCopy(1, a, r, kb, 0, 3, true, NOW);
    expect(a.valueBuffer(c1).equals(bytes(1000, 9))).toBe(true);
    expect(a.expireAt(c1)).toBe(NOW + 50);
    expect(a.volatileCount(1)).toBe(1);
    const c2 = b.insertCopy(0, a, r, kb, 0, 3, false, NOW);
    expect(b.valueBuffer(c2).equals(bytes(1000, 9))).toBe(true);
    expect(b.expireAt(c2)).toBe(0);
    expect(get(b, 0, 'dst')!.equals(bytes(1000, 9))).toBe(true);
    // Same-shard copy of a short value into the same db.
    set(a, 0, 's', 'short');
    const rs = lookup(a, 0, 's');
    a.insertCopy(0, a, rs, enc('s2'), 0, 2, false, NOW);
    expect(get(a, 0, 's2')?.toString()).toBe('short');
  });
});

describe('Shard: heap growth', () => {
  it('a small heap grows under many writes; every value stays intact, also via another Shard', () => {
    const h = Shard.create(0, 64 * 1024);
    const s = new Shard(h), other = new Shard(h);
    s.acquire();
    const len0 = h.heap.byteLength;
    for (let i = 0; i < 3000; i++) set(s, i % 4, `k${i}`, bytes(i % 3 === 0 ? 3000 : 40, i));
    expect(h.heap.byteLength).toBeGreaterThan(len0);
    for (let i = 0; i < 3000; i++) {
      const v = get(s, i % 4, `k${i}`);
      if (!v || !v.equals(bytes(i % 3 === 0 ? 3000 : 40, i))) throw new Error(`k${i} corrupted`);
    }
    s.release();
    other.acquire(); // syncs the views
    for (let i = 0; i < 3000; i += 7) expect(get(other, i % 4, `k${i}`)!.equals(bytes(i % 3 === 0 ? 3000 : 40, i))).toBe(true);
    other.release();
  });
});

describe('stringEncoding', () => {
  const e = (s: string) => kEncNames[stringEncoding(enc(s), 0, s.length)];

  it('canonical 64-bit integers are int', () => {
    for (const s of ['0', '1', '-1', '42', '9223372036854775807', '-9223372036854775808', '1234567890123456789', '-100']) {
      expect(e(s), s).toBe('int');
    }
  });

  it('non-canonical or out-of-range numbers are strings', () => {
    for (const s of ['-0', '01', '00', '-01', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', '-', '',
      '9223372036854775808', '-9223372036854775809', '12345678901234567890', '99999999999999999999', '-99999999999999999999']) {
      expect(e(s), JSON.stringify(s)).toBe('embstr');
    }
  });

  it('embstr up to 44 bytes, raw above', () => {
    expect(e('a'.repeat(44))).toBe('embstr');
    expect(e('a'.repeat(45))).toBe('raw');
    expect(e('1'.repeat(21))).toBe('embstr'); // too long for an int
    expect(e('1'.repeat(45))).toBe('raw');
  });

  it('reads at an offset inside a bigger buffer', () => {
    const b = enc('xx123yy');
    expect(kEncNames[stringEncoding(b, 2, 3)]).toBe('int');
    expect(kEncNames[stringEncoding(b, 1, 3)]).toBe('embstr');
    const c = enc('--5');
    expect(kEncNames[stringEncoding(c, 1, 2)]).toBe('int');
  });

  it('setString records the encoding', () => {
    const s = newShard();
    expect(encName(s, set(s, 0, 'a', '123'))).toBe('int');
    expect(encName(s, set(s, 0, 'b', '-0'))).toBe('embstr');
    expect(encName(s, set(s, 0, 'c', 'x'.repeat(45)))).toBe('raw');
    expect(encName(s, set(s, 0, 'd', '12345678901234567890'))).toBe('embstr');
    expect(encName(s, set(s, 0, 'a', 'abc'))).toBe('embstr'); // in-place overwrite updates it
  });
});
