/**
 * Generic family, the commands that walk the whole keyspace: KEYS, SCAN and RANDOMKEY
 * (Redis's db.c). They are registered with allShards: the dispatcher holds every shard's lock.
 * Parse → op → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { kTypeNames, type T } from '../../sab/record.js';
import type { Shard } from '../../shard/shard.js';
import { globMatch } from '../../server/glob.js';

// ------------------------------------------------------------------ ops

/** Visit every live key of a db across shards (caller holds every shard lock). */
function forEachKey(c: Ctx, db: number, visit: (s: Shard, rec: number) => void): void {
  for (const s of c.engine.shards) {
    const t = s.tables[db];
    let cur = 0;
    do {
      cur = t.scan(cur, (rec) => {
        if (!s.isExpired(rec, c.now)) visit(s, rec);
      });
    } while (cur !== 0);
  }
}

function keyString(s: Shard, rec: number): string {
  const o = s.keyOffset(rec);
  return Buffer.from(s.heap.u8.buffer, o, s.keyLen(rec)).toString('latin1');
}

function replyKey(c: Ctx, s: Shard, rec: number): void {
  c.reply.bulk(s.heap.u8, s.keyOffset(rec), s.keyLen(rec));
}

// ------------------------------------------------------------------ commands

function keysCommand(c: Ctx): void {
  const pattern = c.bin(1);
  const all = pattern === '*';
  const hits: [Shard, number][] = [];
  forEachKey(c, c.db, (s, rec) => {
    if (all || globMatch(pattern, keyString(s, rec), false)) hits.push([s, rec]);
  });
  c.reply.array(hits.length);
  for (const [s, rec] of hits) replyKey(c, s, rec);
}

/** A cursor as C's strtoul reads it (Redis 7.0): optional sign, digits, wrapping mod 2^64. */
export function parseScanCursor(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const neg = s[0] === '-';
  const v = BigInt(s.replace(/^[+-]/, ''));
  if (v > 0xffffffffffffffffn) return null;
  return neg ? (0x10000000000000000n - v) % 0x10000000000000000n : v;
}

export interface ScanOptions {
  count: number;
  /** null = match everything ('*' included). */
  pattern: string | null;
  /** Lower-cased TYPE filter (SCAN only), or null. */
  type: string | null;
}

/**
 * SCAN's COUNT / MATCH (/ TYPE) options from argument `from` on, as Redis parses them.
 * Replies the error and returns null on a bad option.
 */
export function parseScanOptions(c: Ctx, from: number, withType: boolean): ScanOptions | null {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < c.argc; i++) {
    const more = i + 1 < c.argc;
    if (c.is(i, 'COUNT') && more) {
      const v = c.long(++i);
      if (v === null) {
        c.reply.error(E.notInteger);
        return null;
      }
      if (v < 1) {
        c.reply.error(E.syntax);
        return null;
      }
      o.count = v;
    } else if (c.is(i, 'MATCH') && more) {
      o.pattern = c.bin(++i);
      if (o.pattern === '*') o.pattern = null;
    } else if (withType && c.is(i, 'TYPE') && more) {
      o.type = c.str(++i).toLowerCase();
    } else {
      c.reply.error(E.syntax);
      return null;
    }
  }
  return o;
}

/**
 * The start HSCAN, SSCAN and ZSCAN share, in Redis's order: the cursor (argument 2), then the
 * key (a missing key is the empty scan, whatever the options), then the options. Returns null
 * once it has replied.
 */
export function beginValueScan(c: Ctx, type: T): (ScanOptions & { cursor: number; rec: number }) | null {
  const raw = parseScanCursor(c.bin(2));
  if (raw === null) {
    c.reply.error(E.invalidCursor);
    return null;
  }
  const rec = c.lookupTypeOrReply(1, type, false);
  if (rec < 0) return null;
  if (rec === 0) {
    c.reply.array(2);
    c.reply.bulkString('0');
    c.reply.array(0);
    return null;
  }
  const o = parseScanOptions(c, 3, false);
  if (o === null) return null;
  return { ...o, cursor: Number(raw & 0xffffffffn), rec };
}

/**
 * SCAN cursor layout: cursor = tableCursor * nShards + shard. Each shard's table is walked with
 * Redis's reverse-binary cursor; when it wraps to 0 the scan moves on to the next shard.
 */
function scanCommand(c: Ctx): void {
  const n = c.engine.shards.length;
  const raw = parseScanCursor(c.bin(1));
  if (raw === null) return c.reply.error(E.invalidCursor);
  // Cursors we never hand out (beyond tableCursor·n + shard) are folded into range.
  let cursor = raw < BigInt(2 ** 32 * n) ? Number(raw) : Number(raw % BigInt(n)) + n * Number((raw / BigInt(n)) & 0xffffffffn);
  const opts = parseScanOptions(c, 2, true);
  if (opts === null) return;
  const { count, pattern, type } = opts;
  let shardIdx = cursor % n;
  let tc = Math.floor(cursor / n);
  const found: [Shard, number][] = [];
  let budget = count * 10;
  for (;;) {
    const s = c.engine.shards[shardIdx];
    tc = s.tables[c.db].scan(tc, (rec) => found.push([s, rec]));
    if (tc === 0) {
      shardIdx++;
      if (shardIdx >= n) { cursor = 0; break; }
    }
    cursor = tc * n + shardIdx;
    if (found.length >= count || --budget <= 0) break;
  }
  const keep = found.filter(([s, rec]) => {
    if (s.isExpired(rec, c.now)) return false;
    if (type !== null && kTypeNames[s.type(rec)] !== type) return false;
    return pattern === null || globMatch(pattern, keyString(s, rec), false);
  });
  c.reply.array(2);
  c.reply.bulkString(String(cursor));
  c.reply.array(keep.length);
  for (const [s, rec] of keep) replyKey(c, s, rec);
}

function randomkeyCommand(c: Ctx): void {
  const shards = c.engine.shards;
  for (let tries = 0; tries < 100; tries++) {
    let total = 0;
    for (const s of shards) total += s.dbSize(c.db);
    if (total === 0) return c.reply.nullBulk();
    let pick = Math.floor(Math.random() * total);
    let s = shards[0];
    for (const sh of shards) {
      const sz = sh.dbSize(c.db);
      if (pick < sz) { s = sh; break; }
      pick -= sz;
    }
    const rec = s.tables[c.db].random();
    if (rec === 0) continue;
    if (s.isExpired(rec, c.now)) {
      // Expired: delete it through a lookup (lazy expiry) and try again.
      const key = s.keyBuffer(rec);
      s.lookup(c.db, key, 0, key.length, c.now);
      continue;
    }
    return replyKey(c, s, rec);
  }
  c.reply.nullBulk();
}

// ------------------------------------------------------------------ registration

export const genericScanCommands: FamilyTable = {
  keys: { handler: keysCommand, allShards: true },
  scan: { handler: scanCommand, allShards: true },
  randomkey: { handler: randomkeyCommand, allShards: true },
};
