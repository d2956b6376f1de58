/**
 * Generic family, the commands that walk the whole keyspace: KEYS, SCAN and RANDOMKEY
 * (Redis's db.c). They are registered with allShards: the dispatcher holds every shard's lock.
 * Parse → op → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { kTypeNames } from '../../sab/record.js';
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
  let count = 10, pattern: string | null = null, type: string | null = null;
  for (let i = 2; i < c.argc; i++) {
    const more = i + 1 < c.argc;
    if (c.is(i, 'COUNT') && more) {
      const v = c.long(++i);
      if (v === null) return c.reply.error(E.notInteger);
      if (v < 1) return c.reply.error(E.syntax);
      count = v;
    } else if (c.is(i, 'MATCH') && more) {
      pattern = c.bin(++i);
      if (pattern === '*') pattern = null;
    } else if (c.is(i, 'TYPE') && more) {
      type = c.str(++i).toLowerCase();
    } else return c.reply.error(E.syntax);
  }
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
