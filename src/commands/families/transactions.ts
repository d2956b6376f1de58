/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7.0 multi.c).
 *
 * The queueing itself happens before any handler runs (Engine.execute → Transactions.intercept
 * in server/transaction.ts), so these handlers only see what Redis's command procs see: MULTI,
 * DISCARD and WATCH are never queued, EXEC outside MULTI only replies its error, and EXEC in
 * MULTI arrives with every shard lock of its queued commands and watched keys already held.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { ET } from '../../errors.js';

function multiCommand(c: Ctx): void {
  const tx = c.engine.tx.state(c.client);
  if (tx.multi) return c.reply.error(ET.nested);
  tx.multi = true;
  c.reply.ok();
}

function execCommand(c: Ctx): void {
  c.engine.tx.run(c);
}

function discardCommand(c: Ctx): void {
  const tx = c.client.tx;
  if (tx === null || !tx.multi) return c.reply.error(ET.discardWithoutMulti);
  c.engine.tx.release(c.client);
  c.reply.ok();
}

/** WATCH key...: the engine holds the shard locks of every key (WATCH's key spec). */
function watchCommand(c: Ctx): void {
  const tx = c.engine.tx.state(c.client);
  if (tx.multi) return c.reply.error(ET.watchInMulti);
  const watch = c.engine.watch, one = c.engine.shards.length === 1;
  for (let i = 1; i < c.argc; i++) {
    watch.watch(tx.watched, one ? 0 : c.keyShard[i], c.db, c.buf, c.offs[i], c.lens[i], c.now);
  }
  if (tx.watched.length === 0 && !tx.multi) c.engine.tx.release(c.client);
  c.reply.ok();
}

function unwatchCommand(c: Ctx): void {
  c.engine.tx.unwatch(c.client);
  c.reply.ok();
}

export const transactionCommands: FamilyTable = {
  multi: { handler: multiCommand },
  exec: { handler: execCommand },
  discard: { handler: discardCommand },
  watch: { handler: watchCommand },
  unwatch: { handler: unwatchCommand },
};
