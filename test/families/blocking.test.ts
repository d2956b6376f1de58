/**
 * Blocking pops in process: clients whose `unblock` records what they are sent, so blocking,
 * serving (FIFO, exactly once across shards), timeouts and cancels can be checked without
 * sockets. Replies are Redis 7.0.15's bytes, checked against a live redis-server.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { createHarness } from './harness.js';
import { keysOnBothShards, sleep, waitUntil } from './family-kit.js';
import type { Client } from '../../src/server/client.js';

const h = createHarness();
afterAll(() => h.close());

/** A client that can block; its deliveries are collected as raw latin1 strings ('RETRY' for re-runs). */
function blocker(resp: 2 | 3 = 2): Client & { got: string[] } {
  const c = h.client(resp) as Client & { got: string[] };
  c.got = [];
  c.unblock = (reply) => c.got.push(reply === null ? 'RETRY' : reply.toString('latin1'));
  return c;
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;

describe('blocking pops: serve now', () => {
  const c = h.client();
  const c3 = h.client(3);

  it('pops at once when a key has elements, like the non-blocking commands', () => {
    h.call(c, 'FLUSHALL');
    h.call(c, 'RPUSH', 'l', 'a', 'b', 'c', 'd');
    expect(h.run(c, 'BLPOP', 'missing', 'l', '0')).toBe(arr(bulk('l'), bulk('a')));
    expect(h.run(c, 'BRPOP', 'l', '0')).toBe(arr(bulk('l'), bulk('d')));
    expect(h.run(c, 'BLMPOP', '0', '2', 'x', 'l', 'RIGHT', 'COUNT', '5')).toBe(arr(bulk('l'), arr(bulk('c'), bulk('b'))));
    expect(h.call(c, 'EXISTS', 'l')).toBe(0);
    h.call(c, 'ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c');
    expect(h.run(c3, 'BZPOPMIN', 'z', '0')).toBe('*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n');
    expect(h.run(c, 'BZPOPMAX', 'z', '0')).toBe('*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n');
    expect(h.run(c3, 'BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5')).toBe('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    h.call(c, 'RPUSH', 's', 'x', 'y');
    expect(h.run(c, 'BRPOPLPUSH', 's', 'd', '0')).toBe(bulk('y'));
    expect(h.run(c, 'BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0')).toBe(bulk('x'));
    expect(h.call(c, 'LRANGE', 'd', '0', '-1')).toEqual(['y', 'x']);
  });

  it('answers WRONGTYPE at the first key of the wrong type, before blocking', () => {
    h.call(c, 'SET', 'str', 'v');
    const w = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
    expect(h.run(c, 'BLPOP', 'nope', 'str', '0')).toBe(w);
    expect(h.run(c, 'BZPOPMIN', 'str', '0')).toBe(w);
    expect(h.run(c, 'BLMOVE', 'str', 'x', 'LEFT', 'LEFT', '0')).toBe(w);
    expect(h.run(c, 'BLMPOP', '0', '1', 'str', 'LEFT')).toBe(w);
    h.call(c, 'RPUSH', 'src', 'e');
    expect(h.run(c, 'BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0')).toBe(w);
  });

  it('replies Redis 7.0 errors for bad timeouts and arguments', () => {
    const notFloat = '-ERR timeout is not a float or out of range\r\n';
    const negative = '-ERR timeout is negative\r\n';
    for (const t of ['abc', 'nan', '', ' 1', '1 ']) expect(h.run(c, 'BLPOP', 'k', t)).toBe(notFloat);
    for (const t of ['-1', '-0.5', 'inf', '1e300']) expect(h.run(c, 'BLPOP', 'k', t)).toBe(negative);
    expect(h.run(c, 'BLMPOP', '0', '0', 'k', 'LEFT')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(h.run(c, 'BLMPOP', '0', 'x', 'k', 'LEFT')).toBe('-ERR numkeys should be greater than 0\r\n');
    expect(h.run(c, 'BLMPOP', '0', '1', 'k', 'MIDDLE')).toBe('-ERR syntax error\r\n');
    expect(h.run(c, 'BLMPOP', '0', '2', 'k', 'LEFT')).toBe('-ERR syntax error\r\n');
    expect(h.run(c, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '0')).toBe('-ERR count should be greater than 0\r\n');
    expect(h.run(c, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '2', 'COUNT', '3')).toBe('-ERR syntax error\r\n');
    expect(h.run(c, 'BZMPOP', '0', '1', 'k', 'MAXX')).toBe('-ERR syntax error\r\n');
    expect(h.run(c, 'BLMOVE', 'a', 'b', 'LEFT', 'UP', '0')).toBe('-ERR syntax error\r\n');
    expect(h.run(c, 'BLMPOP', 'x', '1', 'k', 'LEFT')).toBe(notFloat);
  });

  it('gives a caller that cannot block (embedded) the timeout reply at once', () => {
    expect(h.run(c, 'BLPOP', 'empty', '0')).toBe('*-1\r\n');
    expect(h.run(c3, 'BLPOP', 'empty', '0')).toBe('_\r\n');
    expect(h.run(c, 'BLMOVE', 'empty', 'x', 'LEFT', 'LEFT', '0')).toBe('$-1\r\n');
    expect(h.run(c, 'BZMPOP', '0', '1', 'empty', 'MIN')).toBe('*-1\r\n');
  });
});

describe('blocking pops: wait and be served', () => {
  const w = h.client();

  it('serves blocked clients in FIFO order, one element each', () => {
    h.call(w, 'FLUSHALL');
    const cs = [blocker(), blocker(), blocker()];
    for (const c of cs) expect(h.run(c, 'BLPOP', 'q', '0')).toBe('');
    expect(cs.every((c) => c.blocked)).toBe(true);
    h.call(w, 'RPUSH', 'q', 'one');
    h.call(w, 'RPUSH', 'q', 'two');
    h.call(w, 'RPUSH', 'q', 'three');
    expect(cs.map((c) => c.got)).toEqual([[arr(bulk('q'), bulk('one'))], [arr(bulk('q'), bulk('two'))], [arr(bulk('q'), bulk('three'))]]);
    expect(cs.some((c) => c.blocked)).toBe(false);
    expect(h.call(w, 'EXISTS', 'q')).toBe(0);
  });

  it('serves as many waiters as one push brings elements, in order, and keeps the rest', () => {
    const a = blocker(), b = blocker();
    h.run(a, 'BLPOP', 'q2', '0');
    h.run(b, 'BRPOP', 'q2', '0');
    h.call(w, 'RPUSH', 'q2', 'x', 'y', 'z');
    expect(a.got).toEqual([arr(bulk('q2'), bulk('x'))]);
    expect(b.got).toEqual([arr(bulk('q2'), bulk('z'))]);
    expect(h.call(w, 'LRANGE', 'q2', '0', '-1')).toEqual(['y']);
  });

  it('serves a client blocked on keys in two shards exactly once', () => {
    const [k1, k2] = keysOnBothShards(h, 'two');
    const a = blocker();
    h.run(a, 'BLPOP', k1, k2, '0');
    h.call(w, 'RPUSH', k2, 'from2');
    h.call(w, 'RPUSH', k1, 'from1');
    expect(a.got).toEqual([arr(bulk(k2), bulk('from2'))]);
    expect(h.call(w, 'LRANGE', k1, '0', '-1')).toEqual(['from1']);
    // And the stale registration on k1 never serves anyone later.
    const b = blocker();
    h.call(w, 'DEL', k1);
    h.run(b, 'BLPOP', k1, '0');
    h.call(w, 'RPUSH', k1, 'next');
    expect(b.got).toEqual([arr(bulk(k1), bulk('next'))]);
    expect(a.got.length).toBe(1);
  });

  it('moves across shards for BLMOVE, and the destination can serve the next waiter', () => {
    const [src, dst] = keysOnBothShards(h, 'mv');
    const mover = blocker(), tail = blocker();
    h.run(mover, 'BLMOVE', src, dst, 'LEFT', 'RIGHT', '0');
    h.run(tail, 'BLPOP', dst, '0');
    h.call(w, 'RPUSH', src, 'item');
    expect(mover.got).toEqual([bulk('item')]);
    expect(tail.got).toEqual([arr(bulk(dst), bulk('item'))]);
    expect(h.call(w, 'EXISTS', src, dst)).toBe(0);
  });

  it('serves BLMPOP with a count and BZPOPMIN / BZMPOP on ZADD, in RESP3 too', () => {
    const m = blocker(), z = blocker(3), zm = blocker(3);
    h.run(m, 'BLMPOP', '0', '1', 'ml', 'RIGHT', 'COUNT', '2');
    h.call(w, 'RPUSH', 'ml', 'a', 'b', 'c');
    expect(m.got).toEqual([arr(bulk('ml'), arr(bulk('c'), bulk('b')))]);
    h.run(z, 'BZPOPMIN', 'zz', '0');
    h.run(zm, 'BZMPOP', '0', '1', 'zz', 'MAX', 'COUNT', '10');
    h.call(w, 'ZADD', 'zz', '1', 'lo', '2', 'mid', '3', 'hi');
    expect(z.got).toEqual(['*3\r\n$2\r\nzz\r\n$2\r\nlo\r\n,1\r\n']);
    expect(zm.got).toEqual(['*2\r\n$2\r\nzz\r\n*2\r\n*2\r\n$2\r\nhi\r\n,3\r\n*2\r\n$3\r\nmid\r\n,2\r\n']);
    expect(h.call(w, 'EXISTS', 'zz')).toBe(0);
  });

  it('does not serve a list waiter from a key that became another type', () => {
    const a = blocker();
    h.run(a, 'BLPOP', 'typed', '0');
    h.call(w, 'ZADD', 'typed', '1', 'm'); // a sorted set: ready, but nothing for a list pop
    expect(a.got).toEqual([]);
    h.call(w, 'DEL', 'typed');
    h.call(w, 'LPUSH', 'typed', 'v');
    expect(a.got).toEqual([arr(bulk('typed'), bulk('v'))]);
  });

  it('times out with a null reply, and a timeout of 0 waits forever', async () => {
    const t = blocker(), t3 = blocker(3), mv = blocker(), never = blocker();
    h.run(t, 'BLPOP', 'tq', '0.05');
    h.run(t3, 'BZPOPMAX', 'tq', '0.05');
    h.run(mv, 'BLMOVE', 'tq', 'x', 'LEFT', 'LEFT', '0.05');
    h.run(never, 'BLPOP', 'tq2', '0');
    expect(await waitUntil(() => t.got.length > 0 && t3.got.length > 0 && mv.got.length > 0, 2000)).toBe(true);
    expect(t.got).toEqual(['*-1\r\n']);
    expect(t3.got).toEqual(['_\r\n']);
    expect(mv.got).toEqual(['*-1\r\n']); // a null array even for BLMOVE, as Redis 7.0
    await sleep(100);
    expect(never.got).toEqual([]);
    h.call(w, 'RPUSH', 'tq2', 'late');
    expect(never.got).toEqual([arr(bulk('tq2'), bulk('late'))]);
    // A timed-out client's registration is gone: the next push stays in the list.
    h.call(w, 'RPUSH', 'tq', 'kept');
    expect(h.call(w, 'LRANGE', 'tq', '0', '-1')).toEqual(['kept']);
  });

  it('cancels the wait when the client goes away; nothing pushed afterwards is lost', () => {
    const gone = blocker(), next = blocker();
    h.run(gone, 'BLPOP', 'cq', '0');
    h.run(next, 'BLPOP', 'cq', '0');
    h.engine.blocking.cancel(gone.id);
    h.call(w, 'RPUSH', 'cq', 'v1', 'v2');
    expect(gone.got).toEqual([]);
    expect(next.got).toEqual([arr(bulk('cq'), bulk('v1'))]);
    expect(h.call(w, 'LRANGE', 'cq', '0', '-1')).toEqual(['v2']);
  });

  it('leaves no queue nodes behind once every waiter is served, timed out or cancelled', async () => {
    await sleep(20); // stale nodes are pruned outside a turn
    const queues = h.engine.blocking.queues;
    expect(await waitUntil(() => queues.every((q) => !q.any()), 2000)).toBe(true);
    expect(h.engine.blocking.blockedCount).toBe(0);
  });
});
