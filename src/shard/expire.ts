/**
 * Active expiry, run by a shard's owner worker (Redis's activeExpireCycle, adapted to one
 * open-addressing table per db with no separate expires dict):
 * - each round walks the table from a persistent cursor, sampling up to kKeysPerLoop keys
 *   that carry a TTL (and at most kSlotsPerLoop slots), deleting those already expired;
 * - rounds repeat while more than kAcceptableStale percent of the sampled keys were expired,
 *   within a time budget per cycle (25% of the cycle period, as Redis's slow cycle).
 * Runs with the shard lock held, one round at a time, so front ends wait at most one round.
 */
import { Stat, kAvgTtlBase, type Shard } from './shard.js';

export const kKeysPerLoop = 20;
export const kSlotsPerLoop = 400;
export const kAcceptableStale = 10;

/** One round over one db. Returns [sampled, expired]. Caller holds the shard lock. */
export function expireRound(shard: Shard, db: number, now: number): [number, number] {
  const t = shard.tables[db];
  let sampled = 0, expired = 0, ttlSum = 0, ttlSamples = 0;
  t.sweep(kSlotsPerLoop, (rec) => {
    const at = shard.expireAt(rec);
    if (at === 0) return true;
    sampled++;
    if (now > at) {
      shard.notifyExpired(db, rec); // keyspace notification, when on (server/notify.ts)
      shard.deleteFound(db, rec);
      expired++;
    } else {
      ttlSum += at - now;
      ttlSamples++;
    }
    return sampled < kKeysPerLoop;
  });
  shard.stats[Stat.Expired] += expired;
  if (ttlSamples > 0) {
    // Redis's running estimate of the average TTL (INFO keyspace avg_ttl).
    const avg = Math.floor(ttlSum / ttlSamples);
    const prev = shard.stats[kAvgTtlBase + db];
    shard.stats[kAvgTtlBase + db] = prev === 0 ? avg : Math.floor(prev / 50) * 49 + Math.floor(avg / 50);
  }
  return [sampled, expired];
}

/**
 * One active-expire cycle over every db of the shard, taking and releasing the lock per round.
 * `lock`/`unlock` are the shard lock's blocking operations.
 */
export function activeExpireCycle(shard: Shard, budgetMs: number): number {
  const start = Date.now();
  let total = 0;
  for (let db = 0; db < shard.tables.length; db++) {
    for (;;) {
      shard.acquire();
      let sampled = 0, expired = 0;
      try {
        if (shard.volatileCount(db) === 0) {
          shard.stats[kAvgTtlBase + db] = 0;
          break;
        }
        [sampled, expired] = expireRound(shard, db, Date.now());
      } finally {
        shard.release();
      }
      total += expired;
      if (sampled === 0 || expired * 100 <= sampled * kAcceptableStale) break;
      if (Date.now() - start > budgetMs) return total;
    }
  }
  shard.stats[Stat.ActiveExpireCycles]++;
  return total;
}

/** Background table upkeep: advance incremental rehashes, shrink sparse tables. */
export function rehashCycle(shard: Shard, budgetMs: number): void {
  const start = Date.now();
  for (const t of shard.tables) {
    shard.acquire();
    try {
      if (!t.isRehashing()) t.maybeShrink();
    } finally {
      shard.release();
    }
    while (t.isRehashing() && Date.now() - start < budgetMs) {
      shard.acquire();
      try {
        t.rehashStep(1024);
      } finally {
        shard.release();
      }
    }
  }
}
