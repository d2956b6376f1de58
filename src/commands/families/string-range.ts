/**
 * String ranges and LCS (t_string.c): GETRANGE, SUBSTR, SETRANGE, LCS.
 *
 * Layout of this file: argument parsing, then ops on the shard, then command handlers (reply),
 * then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { Enc, T } from '../../sab/record.js';
import { newZeroString } from './bitmap.js';
import { EV, Nc, notify } from '../../server/notify.js';

// ------------------------------------------------------------------ parse

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

/** LCS options from argument 3 on; null after replying an error. */
function parseLcsOptionsOrReply(c: Ctx): LcsOptions | null {
  const o: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < c.argc; j++) {
    const more = c.argc - 1 - j;
    if (c.is(j, 'IDX')) o.idx = true;
    else if (c.is(j, 'LEN')) o.len = true;
    else if (c.is(j, 'WITHMATCHLEN')) o.withMatchLen = true;
    else if (c.is(j, 'MINMATCHLEN') && more > 0) {
      const v = c.long(++j);
      if (v === null) {
        c.reply.error(E.notInteger);
        return null;
      }
      o.minMatchLen = Math.max(0, v);
    } else {
      c.reply.error(E.syntax);
      return null;
    }
  }
  if (o.idx && o.len) {
    c.reply.error(E.lcsIdxAndLen);
    return null;
  }
  return o;
}

// ------------------------------------------------------------------ ops

/** Look up key arg i; returns the record, 0 if absent, -1 after replying WRONGTYPE. */
function lookupStringOrReply(c: Ctx, i: number, write: boolean): number {
  return c.lookupTypeOrReply(i, T.String, write);
}

/**
 * A string value as [bytes, offset, length] (an absent key reads as the empty string), through
 * a fixed-length view: indexing the heap's length-tracking view is much slower in long loops.
 */
function valueView(c: Ctx, i: number, rec: number): [Uint8Array, number, number] {
  if (rec === 0) return [c.buf, 0, 0];
  const s = c.shard(i), u8 = s.heap.u8, len = s.valLen(rec);
  return [new Uint8Array(u8.buffer, u8.byteOffset + s.valOffset(rec), len), 0, len];
}

/** One IDX match: ranges in a and b (inclusive). */
type Match = [number, number, number, number];

interface LcsResult {
  len: number;
  /** The LCS itself (when computed). */
  text: Uint8Array | null;
  matches: Match[];
}

/**
 * The dynamic-programming LCS of a and b, walked back exactly as Redis does, so that IDX
 * reports the same ranges in the same order (from the end of the strings). Returns null when
 * the table cannot be allocated.
 */
function lcs(
  a: Uint8Array, ao: number, alen: number, b: Uint8Array, bo: number, blen: number,
  compute: boolean, ranges: boolean, minMatchLen: number,
): LcsResult | null {
  const w = blen + 1;
  let dp: Uint32Array;
  try {
    dp = new Uint32Array((alen + 1) * w);
  } catch {
    return null;
  }
  for (let i = 1; i <= alen; i++) {
    const ai = a[ao + i - 1], row = i * w, prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[bo + j - 1]) dp[row + j] = dp[prev + j - 1] + 1;
      else {
        const l1 = dp[prev + j], l2 = dp[row + j - 1];
        dp[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = dp[alen * w + blen];
  const out: LcsResult = { len: total, text: null, matches: [] };
  if (!compute) return out;
  const text = new Uint8Array(total);
  let idx = total, i = alen, j = blen;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no range open
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[ao + i - 1] === b[bo + j - 1]) {
      text[idx - 1] = a[ao + i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (ranges && (minMatchLen === 0 || matchLen >= minMatchLen)) out.matches.push([aStart, aEnd, bStart, bEnd]);
      aStart = alen;
    }
  }
  out.text = text;
  return out;
}

// ------------------------------------------------------------------ commands

function getrangeCommand(c: Ctx): void {
  let start = c.long(2);
  if (start === null) return c.reply.error(E.notInteger);
  let end = c.long(3);
  if (end === null) return c.reply.error(E.notInteger);
  const rec = lookupStringOrReply(c, 1, false);
  if (rec < 0) return;
  if (rec === 0) return c.reply.bulkString('');
  const s = c.shard(1), strlen = s.valLen(rec);
  if (start < 0 && end < 0 && start > end) return c.reply.bulkString('');
  if (start < 0) start += strlen;
  if (end < 0) end += strlen;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= strlen) end = strlen - 1;
  if (start > end || strlen === 0) return c.reply.bulkString('');
  c.reply.bulk(s.heap.u8, s.valOffset(rec) + start, end - start + 1);
}

function setrangeCommand(c: Ctx): void {
  const offset = c.long(2);
  if (offset === null) return c.reply.error(E.notInteger);
  if (offset < 0) return c.reply.error(E.offsetOutOfRange);
  const vlen = c.lens[3];
  let rec = lookupStringOrReply(c, 1, true);
  if (rec < 0) return;
  const s = c.shard(1);
  if (vlen === 0) return c.reply.int(rec === 0 ? 0 : s.valLen(rec));
  const need = offset + vlen;
  if (need > c.engine.config.num('proto-max-bulk-len')) return c.reply.error(E.stringTooLong);
  if (rec === 0) rec = newZeroString(c, 1, need);
  else if (s.valLen(rec) < need) rec = s.resizeString(c.db, rec, need, c.now);
  s.heap.u8.set(c.buf.subarray(c.offs[3], c.offs[3] + vlen), s.valOffset(rec) + offset);
  s.setEncoding(rec, Enc.Raw); // Redis unshares the value: an edited string is always raw
  notify(c, Nc.String, EV.setrange, 1);
  c.reply.int(s.valLen(rec));
}

function lcsCommand(c: Ctx): void {
  const ra = c.lookupRead(1), rb = c.lookupRead(2);
  if ((ra !== 0 && c.shard(1).type(ra) !== T.String) || (rb !== 0 && c.shard(2).type(rb) !== T.String)) {
    return c.reply.error(E.lcsNotString);
  }
  const o = parseLcsOptionsOrReply(c);
  if (o === null) return;
  const [a, ao, alen] = valueView(c, 1, ra);
  const [b, bo, blen] = valueView(c, 2, rb);
  if (alen >= 2 ** 32 - 2 || blen >= 2 ** 32 - 2) return c.reply.error(E.lcsTooLong);
  if ((alen + 1) * (blen + 1) * 4 > c.engine.config.num('proto-max-bulk-len')) return c.reply.error(E.lcsOverLimit);
  const r = lcs(a, ao, alen, b, bo, blen, o.idx || !o.len, o.idx, o.minMatchLen);
  if (r === null) return c.reply.error(E.lcsNoMemory);
  if (o.idx) {
    c.reply.map(2);
    c.reply.bulkString('matches');
    c.reply.array(r.matches.length);
    for (const [as, ae, bs, be] of r.matches) {
      c.reply.array(o.withMatchLen ? 3 : 2);
      c.reply.array(2);
      c.reply.int(as);
      c.reply.int(ae);
      c.reply.array(2);
      c.reply.int(bs);
      c.reply.int(be);
      if (o.withMatchLen) c.reply.int(ae - as + 1);
    }
    c.reply.bulkString('len');
    c.reply.int(r.len);
  } else if (o.len) c.reply.int(r.len);
  else c.reply.bulk(r.text!, 0, r.len);
}

// ------------------------------------------------------------------ registration

export const stringRangeCommands: FamilyTable = {
  getrange: { handler: getrangeCommand },
  substr: { handler: getrangeCommand },
  setrange: { handler: setrangeCommand },
  lcs: { handler: lcsCommand },
};
