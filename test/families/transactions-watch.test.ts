/**
 * WATCH / UNWATCH in process: what counts as a modification of a watched key (writes by any
 * client or thread, expiry, FLUSHALL/FLUSHDB/SWAPDB, MOVE/COPY into another db, blocking
 * serves), Redis 7.0.15's rules checked against a live redis-server.
 */
import { Worker } from 'node:worker_threads';
import { describe, it, expect, afterAll } from 'vitest';
import { createHarness } from './harness.js';
import { sleep } from './family-kit.js';
import type { Client } from '../../src/server/client.js';

const h = createHarness({ shards: 3 });
afterAll(() => h.close());

const Q = '+QUEUED\r\n';
const OK = '+OK\r\n';

/** Run MULTI, the commands (expecting QUEUED), then EXEC; returns EXEC's raw reply. */
function tx(c: Client, ...cmds: string[][]): string {
  expect(h.run(c, 'MULTI')).toBe(OK);
  for (const cmd of cmds) expect(h.run(c, ...cmd)).toBe(Q);
  return h.run(c, 'EXEC');
}

/** One key per shard: `${prefix}N` names whose shards are all different. */
function keysOnEveryShard(prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < h.engine.shards.length; i++) {
    const k = `${prefix}${i}`;
    if (!out.some((o) => h.shardOf(o) === h.shardOf(k))) out.push(k);
  }
  return out;
}

describe('WATCH', () => {
  const c = h.client();
  const other = h.client();

  it('EXEC runs when no watched key changed, and fails with a null array when one did', () => {
    h.call(c, 'FLUSHALL');
    expect(h.run(c, 'WATCH', 'x', 'y', 'z')).toBe(OK);
    expect(h.run(c, 'WATCH', 'k')).toBe(OK);
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.call(c, 'SET', 'x', '30');
    h.run(c, 'WATCH', 'a', 'b', 'x', 'k', 'z');
    h.call(other, 'SET', 'x', '40');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
    const c3 = h.client(3);
    h.run(c3, 'WATCH', 'x');
    h.call(other, 'SET', 'x', '41');
    expect(tx(c3, ['PING'])).toBe('_\r\n');
  });

  it('after EXEC (successful or not) and after UNWATCH the key is no longer watched', () => {
    h.call(c, 'SET', 'x', '30');
    h.run(c, 'WATCH', 'x');
    tx(c, ['PING']);
    h.call(other, 'SET', 'x', '40');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.run(c, 'WATCH', 'x');
    h.call(other, 'SET', 'x', '41');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
    h.call(other, 'SET', 'x', '42');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.run(c, 'WATCH', 'x');
    h.call(other, 'SET', 'x', '43');
    expect(h.run(c, 'UNWATCH')).toBe(OK);
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    expect(h.run(c, 'UNWATCH')).toBe(OK);
  });

  it('DISCARD clears the dirty flag and unwatches; RESET unwatches', () => {
    h.run(c, 'WATCH', 'x');
    h.call(other, 'SET', 'x', '10');
    h.run(c, 'MULTI');
    h.run(c, 'DISCARD');
    expect(tx(c, ['INCR', 'x'])).toBe('*1\r\n:11\r\n');
    h.run(c, 'WATCH', 'x');
    h.call(other, 'SET', 'x', '10');
    expect(h.run(c, 'RESET')).toBe('+RESET\r\n');
    expect(tx(c, ['INCR', 'x'])).toBe('*1\r\n:11\r\n');
  });

  it('a write of the client itself also aborts its EXEC; its own EXEC does not', () => {
    h.run(c, 'WATCH', 'x');
    h.call(c, 'SET', 'x', '1');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
    h.run(c, 'WATCH', 'x');
    expect(tx(c, ['INCR', 'x'])).toBe('*1\r\n:2\r\n');
  });

  it('watches keys in every shard; a write to any of them aborts', () => {
    const ks = keysOnEveryShard('w');
    for (const target of ks) {
      h.run(c, 'WATCH', ...ks);
      h.call(other, 'INCR', target);
      expect(tx(c, ['GET', ks[0]])).toBe('*-1\r\n');
    }
    h.run(c, 'WATCH', ...ks);
    h.call(other, 'INCR', 'unrelated-key');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
  });

  it('remembers the db a key belongs to', () => {
    h.call(c, 'SELECT', '5');
    h.call(c, 'SET', 'x', '30');
    h.run(c, 'WATCH', 'x');
    h.call(c, 'SELECT', '1');
    h.call(c, 'SET', 'x', '10');
    h.call(c, 'SELECT', '5');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.call(c, 'FLUSHALL');
    h.call(c, 'SELECT', '0');
  });

  it('DEL, RENAME (both names), HSET, LPOP and INCR of a watched key are modifications', () => {
    const cases: [string, string[][]][] = [
      ['x', [['DEL', 'x']]], ['x', [['RENAME', 'x', 'x2']]], ['x2', [['RENAME', 'x', 'x2']]],
      ['h', [['HSET', 'h', 'f', 'v']]], ['l', [['LPOP', 'l']]], ['x', [['INCR', 'x']]], ['x', [['APPEND', 'x', '!']]],
    ];
    for (const [key, writes] of cases) {
      h.call(c, 'FLUSHDB');
      h.call(c, 'SET', 'x', '1');
      h.call(c, 'RPUSH', 'l', 'a', 'b');
      h.run(c, 'WATCH', key);
      for (const w of writes) h.call(other, ...w);
      expect(tx(c, ['PING']), `${key}: ${writes.join(' ')}`).toBe('*-1\r\n');
    }
  });

  it('no-op writes on missing keys and failed writes do not count as modifications', () => {
    h.call(c, 'DEL', 'y');
    h.run(c, 'WATCH', 'y');
    h.call(other, 'DEL', 'y');
    h.call(other, 'SREM', 'y', 'm');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.call(c, 'SET', 'y', '1');
    h.run(c, 'WATCH', 'y');
    expect(h.call(other, 'LPUSH', 'y', '2')).toEqual({ error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
  });

  it('read-only keys of a write command are not modified (SUNIONSTORE sources)', () => {
    h.call(c, 'SADD', '{s}1', 'a');
    h.run(c, 'WATCH', '{s}1');
    h.call(other, 'SUNIONSTORE', '{s}dst', '{s}1');
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
  });

  it('SORT ... STORE that empties the destination is a modification', () => {
    h.call(c, 'DEL', 'foo');
    h.call(c, 'LPUSH', 'foo', 'bar');
    h.run(c, 'WATCH', 'foo');
    h.call(other, 'SORT', 'emptylist', 'STORE', 'foo');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
  });

  it('EXPIRE is a modification; a key that expires after WATCH counts as modified', async () => {
    h.call(c, 'SET', 'x', 'foo');
    h.run(c, 'WATCH', 'x');
    h.call(other, 'EXPIRE', 'x', '10');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
    h.call(c, 'SET', 'x', 'foo', 'PX', '150');
    h.run(c, 'WATCH', 'x');
    await sleep(170);
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
    h.call(c, 'SET', 'x', 'foo', 'PX', '150');
    h.run(c, 'WATCH', 'x');
    await sleep(170);
    expect(h.call(other, 'GET', 'x')).toBe(null); // deleted lazily by another client
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
  });

  it('a key already expired at WATCH does not fail EXEC, even when deleted or flushed', async () => {
    for (const after of [[], ['EXISTS', 'x'], ['DEL', 'x'], ['FLUSHDB']]) {
      h.call(c, 'SET', 'x', 'foo', 'PX', '1');
      await sleep(5);
      h.run(c, 'WATCH', 'x');
      if (after.length > 0) h.call(other, ...after);
      expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    }
  });

  it('FLUSHALL / FLUSHDB touch watched keys that exist, not the others', () => {
    for (const flush of ['FLUSHALL', 'FLUSHDB']) {
      h.call(c, 'SET', 'x', '30');
      h.run(c, 'WATCH', 'x');
      h.call(other, flush);
      expect(tx(c, ['PING'])).toBe('*-1\r\n');
      h.call(c, 'DEL', 'x');
      h.run(c, 'WATCH', 'x');
      h.call(other, flush);
      expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    }
    h.call(c, 'MSET', '{t}a', 'a', '{t}b', 'b');
    h.run(c, 'WATCH', '{t}b', '{t}a');
    h.call(c, 'FLUSHALL');
    expect(h.run(c, 'PING')).toBe('+PONG\r\n');
    h.run(c, 'UNWATCH');
  });

  it('SWAPDB touches watched keys that exist on either side, not stale or missing ones', async () => {
    const run = async (setup: () => Promise<void>, db: string, want: string) => {
      h.call(c, 'FLUSHALL');
      await setup();
      h.call(c, 'SELECT', db);
      h.run(c, 'WATCH', 'x');
      h.call(other, 'SWAPDB', '0', '1');
      expect(tx(c, ['PING'])).toBe(want);
      h.call(c, 'SELECT', '0');
    };
    const inDb = (db: string, ...args: string[]) => async () => {
      h.call(c, 'SELECT', db);
      h.call(c, ...args);
      h.call(c, 'SELECT', '0');
      await sleep(5);
    };
    await run(inDb('0', 'SET', 'x', '30'), '0', '*-1\r\n'); // exists, swapped away
    await run(inDb('1', 'SET', 'x', '30'), '0', '*-1\r\n'); // missing, swapped in
    await run(inDb('1', 'SET', 'x', 'foo', 'PX', '1'), '1', '*1\r\n+PONG\r\n'); // stale replaced by nothing
    await run(inDb('0', 'SET', 'x', 'foo', 'PX', '1'), '1', '*1\r\n+PONG\r\n'); // nothing replaced by stale
    await run(async () => {
      await inDb('1', 'SET', 'x', 'foo', 'PX', '1')();
      await inDb('0', 'SET', 'x', 'bar', 'PX', '1')();
    }, '1', '*1\r\n+PONG\r\n');
    await run(async () => undefined, '0', '*1\r\n+PONG\r\n'); // nothing anywhere
  });

  it('MOVE and COPY ... DB touch the key in the other db', () => {
    h.call(c, 'FLUSHALL');
    h.call(c, 'SET', 'mv', '1');
    h.call(c, 'SELECT', '2');
    h.run(c, 'WATCH', 'mv');
    h.call(other, 'MOVE', 'mv', '2');
    expect(tx(c, ['GET', 'mv'])).toBe('*-1\r\n');
    h.run(c, 'WATCH', 'cp');
    h.call(other, 'COPY', 'mv', 'cp', 'DB', '2'); // other is in db 0, where mv no longer is
    expect(tx(c, ['PING'])).toBe('*1\r\n+PONG\r\n');
    h.call(other, 'SET', 'src', 'v');
    h.run(c, 'WATCH', 'cp');
    h.call(other, 'COPY', 'src', 'cp', 'DB', '2');
    expect(tx(c, ['GET', 'cp'])).toBe('*-1\r\n');
    h.call(c, 'SELECT', '0');
  });

  it('a blocked BLMOVE served by another client touches its destination', () => {
    h.call(c, 'DEL', 'bsrc', 'bdst');
    const b = h.client();
    b.unblock = () => undefined;
    expect(h.run(b, 'BLMOVE', 'bsrc', 'bdst', 'LEFT', 'LEFT', '0')).toBe('');
    h.run(c, 'WATCH', 'bdst');
    h.call(other, 'RPUSH', 'bsrc', 'v');
    expect(tx(c, ['PING'])).toBe('*-1\r\n');
  });

  it('releases its shared-memory entries (UNWATCH, EXEC, DISCARD)', () => {
    const ks = keysOnEveryShard('rel');
    h.run(c, 'WATCH', ...ks, ...ks);
    expect(c.tx!.watched.length).toBe(3);
    h.run(c, 'UNWATCH');
    expect(c.tx).toBe(null);
    // With no entries left, writers skip the counters entirely.
    expect(h.engine.watch.active((1 << h.engine.shards.length) - 1)).toBe(false);
  });
});

describe('WATCH across threads', () => {
  const c = h.client();

  /** Run commands once on a host thread attached to the same shared memory (embedded API). */
  const onOtherThread = (...cmds: string[][]) => new Promise<void>((resolve, reject) => {
    const w = new Worker(new URL('./workers/tx-embedded.mjs', import.meta.url), {
      workerData: { handle: h.store.handle, role: 'run', cmds },
    });
    w.once('message', () => resolve());
    w.once('error', reject);
  });

  it('a write by another thread (command path or the embedded fast SET) aborts EXEC', async () => {
    const ks = keysOnEveryShard('thr');
    h.call(c, 'DEL', ...ks);
    for (const [i, k] of ks.entries()) {
      h.run(c, 'WATCH', ...ks);
      await onOtherThread(i === 0 ? ['fastset', k, 'v'] : ['incr', k]);
      expect(tx(c, ['MGET', ...ks])).toBe('*-1\r\n');
    }
    h.run(c, 'WATCH', ...ks);
    await onOtherThread(['incr', 'thr-unrelated'], ['get', ks[0]]);
    expect(tx(c, ['GET', ks[1]])).toBe('*1\r\n$1\r\n1\r\n');
  });
});
