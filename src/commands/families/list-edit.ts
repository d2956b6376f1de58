/**
 * List family, the commands that search or edit inside a list (t_list.c): LINSERT, LREM, LTRIM,
 * LPOS. Push/pop/range/move are in list.ts, which merges this registration table into its own.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { E, EL } from '../../errors.js';
import { T } from '../../sab/record.js';
import {
  curEq, curPos, listDelRange, listDeleteAtCursor, listEnc, listGrow, listInsertAtCursor, listLength,
  listSeek, listShrink, listStep,
} from '../../types/list.js';
import { EV, Nc, notify } from '../../server/notify.js';

const fillOf = (c: Ctx): number => c.engine.config.limits.listMaxListpackSize;

/** LINSERT key BEFORE|AFTER pivot element */
function linsertCommand(c: Ctx): void {
  let after: boolean;
  if (c.is(2, 'AFTER')) after = true;
  else if (c.is(2, 'BEFORE')) after = false;
  else return c.reply.error(E.syntax);
  const rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1), heap = s.heap;
  // As Redis 7.2: convert for the new element before looking for the pivot.
  let vp = listGrow(heap, s.valuePtr(rec), s.encoding(rec), c.lens[4], 1, fillOf(c));
  const enc = listEnc;
  const b = c.buf, po = c.offs[3], pl = c.lens[3];
  let found = listSeek(heap, vp, enc, 0);
  while (found && !curEq(heap, b, po, pl)) found = listStep(heap, true);
  if (!found) {
    s.setValue(rec, vp, enc);
    return c.reply.int(-1);
  }
  vp = listInsertAtCursor(heap, vp, enc, after, b, c.offs[4], c.lens[4]);
  s.setValue(rec, vp, enc);
  notify(c, Nc.List, EV.linsert, 1);
  c.reply.int(listLength(heap, vp, enc));
  c.signalReady(1);
}

/** LREM key count element */
function lremCommand(c: Ctx): void {
  const toRemove = c.long(2);
  if (toRemove === null) return c.reply.error(E.notInteger);
  const rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.int(0);
  const s = c.shard(1), heap = s.heap;
  let vp = s.valuePtr(rec);
  const enc = s.encoding(rec);
  const forward = toRemove >= 0;
  const limit = Math.abs(toRemove);
  const b = c.buf, eo = c.offs[3], el = c.lens[3];
  let removed = 0;
  listSeek(heap, vp, enc, forward ? 0 : -1);
  while (curPos !== -1) {
    if (curEq(heap, b, eo, el)) {
      vp = listDeleteAtCursor(heap, vp, enc, forward);
      removed++;
      if (limit !== 0 && removed === limit) break;
    } else listStep(heap, forward);
  }
  s.setValue(rec, vp, enc);
  if (removed !== 0) notify(c, Nc.List, EV.lrem, 1);
  if (listLength(heap, vp, enc) === 0) {
    c.deleteKey(1);
    notify(c, Nc.Generic, EV.del, 1);
  } else if (removed !== 0) s.setValue(rec, listShrink(heap, vp, enc, fillOf(c)), listEnc);
  c.reply.int(removed);
}

/** LTRIM key start stop */
function ltrimCommand(c: Ctx): void {
  let start = c.long(2), end = c.long(3);
  if (start === null || end === null) return c.reply.error(E.notInteger);
  const rec = c.lookupTypeOrReply(1, T.List, true);
  if (rec < 0) return;
  if (rec === 0) return c.reply.ok();
  const s = c.shard(1), heap = s.heap;
  let vp = s.valuePtr(rec);
  const enc = s.encoding(rec);
  const llen = listLength(heap, vp, enc);
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  let ltrim: number, rtrim: number;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  vp = listDelRange(heap, vp, enc, 0, ltrim);
  vp = listDelRange(heap, vp, enc, llen - ltrim - rtrim, rtrim);
  s.setValue(rec, vp, enc);
  notify(c, Nc.List, EV.ltrim, 1);
  if (llen - ltrim - rtrim === 0) {
    c.deleteKey(1);
    notify(c, Nc.Generic, EV.del, 1);
  } else s.setValue(rec, listShrink(heap, vp, enc, fillOf(c)), listEnc);
  c.reply.ok();
}

const kLongMin = -(2n ** 63n);
const matches: number[] = [];

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lposCommand(c: Ctx): void {
  let rank = 1, count = -1, maxlen = 0;
  // Redis 7.0 takes RANK as any long; -2^63 cannot be negated and then matches everything.
  let rankMin = false;
  for (let j = 3; j < c.argc; j++) {
    const more = j < c.argc - 1;
    if (more && c.is(j, 'RANK')) {
      const n = c.int64(++j);
      if (n === null) return c.reply.error(E.notInteger);
      if (n === 0) return c.reply.error(EL.rankZero);
      rankMin = n === kLongMin;
      rank = Number(n);
    } else if (more && c.is(j, 'COUNT')) {
      const n = c.int64(++j);
      if (n === null || n < 0) return c.reply.error(EL.countNegative);
      count = Number(n);
    } else if (more && c.is(j, 'MAXLEN')) {
      const n = c.int64(++j);
      if (n === null || n < 0) return c.reply.error(EL.maxlenNegative);
      maxlen = Number(n);
    } else return c.reply.error(E.syntax);
  }
  const forward = rank > 0;
  if (rank < 0) rank = -rank;
  if (rankMin) rank = 1;
  const rec = c.lookupTypeOrReply(1, T.List, false);
  if (rec < 0) return;
  if (rec === 0) return count !== -1 ? c.reply.array(0) : c.reply.nullBulk();
  const s = c.shard(1), heap = s.heap;
  const vp = s.valuePtr(rec), enc = s.encoding(rec);
  const llen = listLength(heap, vp, enc);
  const b = c.buf, eo = c.offs[2], el = c.lens[2];
  matches.length = 0;
  let seen = 0, index = 0, found = -1;
  listSeek(heap, vp, enc, forward ? 0 : -1);
  while (curPos !== -1 && (maxlen === 0 || index < maxlen)) {
    if (curEq(heap, b, eo, el)) {
      seen++;
      if (seen >= rank) {
        const at = forward ? index : llen - index - 1;
        if (count === -1) {
          found = at;
          break;
        }
        matches.push(at);
        if (count !== 0 && !rankMin && seen - rank + 1 >= count) break;
      }
    }
    index++;
    listStep(heap, forward);
  }
  if (count === -1) return found === -1 ? c.reply.nullBulk() : c.reply.int(found);
  c.reply.array(matches.length);
  for (let i = 0; i < matches.length; i++) c.reply.int(matches[i]);
  matches.length = 0;
}

export const listEditCommands: FamilyTable = {
  linsert: { handler: linsertCommand },
  lrem: { handler: lremCommand },
  ltrim: { handler: ltrimCommand },
  lpos: { handler: lposCommand },
};
