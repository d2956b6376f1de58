import { describe, it, expect } from 'vitest';
import { Shard } from '../../src/shard/shard.js';
import {
  expireRound,
  activeExpireCycle,
  rehashCycle,
  kKeysPerLoop,
  kSlotsPerLoop,
  kAcceptableStale,
} from '../../src/shard/expire.js';

// Stat indexes in shard.stats (Stat is a const enum in src/shard/shard.ts).
const kExpired = 10, kActiveExpireCycles = 12;

const enc = (s: string) => Buffer.from(s, 'latin1');

function newShard(heapBytes = 1 << 20): Shard {
  return new Shard(Shard.create(0, heapBytes));
}

/** SET key value, then give it expireAt (0 = none) through setExpire. Caller holds the lock. */
function put(s: Shard, db: number, key: string, expireAt: number, now = Date.now()): void {
  const kb = enc(key);
  const rec0 = s.lookup(db, kb, 0, kb.length, now);
  const vb = enc(`value-of-${key}`);
  const rec = s.setString(db, rec0, kb, 0, kb.length, vb, 0, vb.length, 0, false, now);
  if (expireAt !== 0) s.setExpire(db, rec, expireAt);
}

/** Is the key still stored (no lazy expiry: a raw table probe)? */
function stored(s: Shard, db: number, key: string): boolean {
  const kb = enc(key);
  return s.lookup(db, kb, 0, kb.length, 0) !== 0; // now = 0: nothing counts as expired
}

describe('expireRound', () => {
  it('deletes the expired keys it samples and leaves the others', () => {
    const s = newShard();
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 5; i++) put(s, 0, `dead${i}`, now - 1000 - i);
    for (let i = 0; i < 3; i++) put(s, 0, `future${i}`, now + 100_000);
    for (let i = 0; i < 2; i++) put(s, 0, `plain${i}`, 0);
    expect(s.volatileCount(0)).toBe(8);
    const e0 = s.stats[kExpired];
    const [sampled, expired] = expireRound(s, 0, now);
    expect(expired).toBe(5);
    expect(sampled).toBeGreaterThanOrEqual(8); // every key with a TTL (a 16-slot table is walked more than once)
    expect(sampled).toBeLessThanOrEqual(kKeysPerLoop);
    expect(s.stats[kExpired] - e0).toBe(5);
    expect(s.dbSize(0)).toBe(5);
    expect(s.volatileCount(0)).toBe(3);
    for (let i = 0; i < 5; i++) expect(stored(s, 0, `dead${i}`)).toBe(false);
    for (let i = 0; i < 3; i++) expect(stored(s, 0, `future${i}`)).toBe(true);
    for (let i = 0; i < 2; i++) expect(stored(s, 0, `plain${i}`)).toBe(true);
    s.release();
  });

  it('keys without a TTL are not sampled', () => {
    const s = newShard();
    s.acquire();
    for (let i = 0; i < 50; i++) put(s, 0, `p${i}`, 0);
    expect(expireRound(s, 0, Date.now())).toEqual([0, 0]);
    expect(s.dbSize(0)).toBe(50);
    s.release();
  });

  it('samples at most kKeysPerLoop keys per round', () => {
    const s = newShard();
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 200; i++) put(s, 0, `d${i}`, now - 1);
    const [sampled, expired] = expireRound(s, 0, now);
    expect(sampled).toBe(kKeysPerLoop);
    expect(expired).toBe(kKeysPerLoop);
    expect(s.dbSize(0)).toBe(200 - kKeysPerLoop);
    s.release();
  });

  it('walks at most kSlotsPerLoop slots per round', () => {
    const s = newShard();
    s.acquire();
    const now = Date.now();
    // 4096+ slots with a few sparse expired keys: one round cannot see them all.
    for (let i = 0; i < 3000; i++) put(s, 0, `p${i}`, 0);
    for (let i = 0; i < 40; i++) put(s, 0, `d${i}`, now - 1);
    const t = s.tables[0];
    while (t.rehashStep(1 << 30));
    expect(t.capacity()).toBeGreaterThan(kSlotsPerLoop * 4);
    const [sampled] = expireRound(s, 0, now);
    expect(sampled).toBeLessThan(40);
    // Enough rounds to walk the whole table clean it.
    const rounds = Math.ceil(t.capacity() / kSlotsPerLoop);
    for (let r = 0; r < rounds; r++) expireRound(s, 0, now);
    expect(s.volatileCount(0)).toBe(0);
    expect(s.dbSize(0)).toBe(3000);
    s.release();
  });

  it('a round that stops at kKeysPerLoop resumes at the first key it did not sample', () => {
    // Redis's activeExpireCycle keeps its cursor where sampling stopped. Here the sweep walks on
    // to kSlotsPerLoop slots after the 20th sample, skipping every key in between, so in a
    // table where most keys carry a TTL each round only ever looks at the first ~20 keys of a
    // 400-slot window.
    const s = newShard();
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 700; i++) put(s, 0, `d${i}`, now - 1);
    const t = s.tables[0];
    while (t.rehashStep(1 << 30));
    expect(t.capacity()).toBeGreaterThanOrEqual(2 * kSlotsPerLoop);
    const liveSlots = () => {
      const u32 = s.heap.u32, base = t.getField(1) * 2, out: number[] = [];
      for (let i = 0; i < t.capacity(); i++) if (u32[base + i * 2 + 1] > 1) out.push(i);
      return out;
    };
    const before = liveSlots();
    expect(before.length).toBe(700);
    const [, e1] = expireRound(s, 0, now);
    expect(e1).toBe(kKeysPerLoop);
    const [, e2] = expireRound(s, 0, now);
    expect(e2).toBe(kKeysPerLoop);
    // Two rounds from slot 0 should have deleted the first 2 * kKeysPerLoop live slots.
    const after = liveSlots();
    expect(after.length).toBe(700 - 2 * kKeysPerLoop);
    expect(after, 'round 2 did not resume where round 1 stopped sampling').toEqual(before.slice(2 * kKeysPerLoop));
    s.release();
  });
});

describe('activeExpireCycle', () => {
  it('removes expired keys in every db and leaves the rest', () => {
    const s = newShard();
    s.acquire();
    const now = Date.now();
    for (const db of [0, 5, 15]) {
      for (let i = 0; i < 100; i++) put(s, db, `dead${i}`, now - 5000);
      for (let i = 0; i < 100; i++) put(s, db, `live${i}`, now + 600_000);
      for (let i = 0; i < 100; i++) put(s, db, `plain${i}`, 0);
    }
    s.release(); // the cycle takes the lock itself
    const c0 = s.stats[kActiveExpireCycles];
    let total = 0;
    for (let n = 0; n < 200 && total < 300; n++) total += activeExpireCycle(s, 100);
    expect(total).toBe(300);
    expect(s.stats[kActiveExpireCycles]).toBeGreaterThan(c0);
    s.acquire();
    for (const db of [0, 5, 15]) {
      expect(s.dbSize(db)).toBe(200);
      expect(s.volatileCount(db)).toBe(100);
      for (let i = 0; i < 100; i++) {
        expect(stored(s, db, `live${i}`)).toBe(true);
        expect(stored(s, db, `plain${i}`)).toBe(true);
      }
    }
    s.release();
  });

  it('repeats rounds while more than kAcceptableStale% of a sample expired', () => {
    const s = newShard();
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 2000; i++) put(s, 0, `d${i}`, now - 1);
    while (s.tables[0].rehashStep(1 << 30));
    s.release();
    expect(kAcceptableStale).toBe(10);
    const removed = activeExpireCycle(s, 1000);
    // All sampled keys are expired, so it keeps going well past one round.
    expect(removed).toBeGreaterThan(kKeysPerLoop * 10);
  });

  it('does nothing and takes no round for dbs without volatile keys', () => {
    const s = newShard();
    s.acquire();
    for (let i = 0; i < 100; i++) put(s, 0, `p${i}`, 0);
    s.release();
    expect(activeExpireCycle(s, 10)).toBe(0);
    expect(s.dbSize(0)).toBe(100);
    expect(s.lock.isLocked()).toBe(false);
  });

  it('stops at its time budget', () => {
    const s = newShard(64 << 20);
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 200_000; i++) put(s, 0, `d${i}`, now - 1);
    while (s.tables[0].rehashStep(1 << 30));
    s.release();
    const c0 = s.stats[kActiveExpireCycles];
    const t0 = performance.now();
    const removed = activeExpireCycle(s, 1);
    const took = performance.now() - t0;
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(200_000);
    expect(took).toBeLessThan(1000);
    expect(s.stats[kActiveExpireCycles]).toBe(c0); // an interrupted cycle is not counted
    expect(s.lock.isLocked()).toBe(false);
  });

  for (const allVolatile of [false, true]) {
    it(`a 100k-key table with 10% expired is cleaned after enough cycles (${allVolatile ? 'every key has a TTL' : 'only expired keys have a TTL'})`, () => {
      const s = newShard(64 << 20);
      s.acquire();
      const now = Date.now();
      const N = 100_000;
      for (let i = 0; i < N; i++) {
        const dead = i % 10 === 3;
        put(s, 0, `key:${i}`, dead ? now - 1 - (i % 1000) : allVolatile ? now + 3_600_000 : 0);
      }
      while (s.tables[0].rehashStep(1 << 30));
      expect(s.dbSize(0)).toBe(N);
      s.release();
      let cycles = 0;
      const started = performance.now();
      while (s.dbSize(0) > N * 0.9) {
        activeExpireCycle(s, 25);
        cycles++;
        if (cycles > 200_000 || performance.now() - started > 12_000) break;
      }
      s.acquire();
      expect(s.dbSize(0), `after ${cycles} cycles`).toBe(N * 0.9);
      expect(s.volatileCount(0)).toBe(allVolatile ? N * 0.9 : 0);
      for (let i = 0; i < N; i += 1) {
        if (i % 10 === 3) continue;
        if (!stored(s, 0, `key:${i}`)) throw new Error(`live key key:${i} was removed`);
      }
      s.release();
    });
  }
});

describe('rehashCycle', () => {
  it('shrinks a table emptied by expiry and completes the rehash within its budget', () => {
    const s = newShard(16 << 20);
    s.acquire();
    const now = Date.now();
    for (let i = 0; i < 50_000; i++) put(s, 0, `k${i}`, i % 100 === 0 ? 0 : now - 1);
    while (s.tables[0].rehashStep(1 << 30));
    const bigCap = s.tables[0].capacity();
    s.release();
    let n = 0;
    while (s.dbSize(0) > 500 && n++ < 100_000) activeExpireCycle(s, 50);
    expect(s.dbSize(0)).toBe(500);
    rehashCycle(s, 1000);
    const t = s.tables[0];
    expect(t.isRehashing()).toBe(false);
    expect(t.capacity()).toBeLessThan(bigCap / 16);
    s.acquire();
    for (let i = 0; i < 50_000; i += 100) expect(stored(s, 0, `k${i}`)).toBe(true);
    s.release();
    expect(s.lock.isLocked()).toBe(false);
  });
});
