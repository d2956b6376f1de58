/**
 * The embedded store: open() in process, typed methods, the sync fast path, typed errors,
 * listen() serving the same memory over RESP, and close().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import { ClosedError, ReplyError, open, type Spindle } from '../../src/index.js';

let db: Spindle;
beforeAll(async () => {
  db = await open({ shards: 2 });
});
afterAll(async () => {
  await db.close();
});

describe('embedded open()', () => {
  it('set/get through the fast path and through the command path agree', async () => {
    expect(await db.set('k', 'v')).toBe('OK');
    expect(await db.get('k')).toBe('v');
    expect(await db.set('k2', 'w', 'EX', 100)).toBe('OK'); // options: command path
    expect(await db.ttl('k2')).toBe(100);
    expect(await db.get('missing')).toBeNull();
    expect(db.setSync('s', 'ü-unicode')).toBe('OK');
    expect(db.getSync('s')).toBe('ü-unicode');
    expect(await db.call('GET', 's')).toBe('ü-unicode');
    expect(await db.mget('k', 's', 'missing')).toEqual(['v', 'ü-unicode', null]);
  });

  it('binary values round-trip through callBufferSync', async () => {
    const bin = Buffer.from([0, 13, 10, 255, 0]);
    await db.set('bin', bin);
    expect(db.callBufferSync('GET', 'bin')).toEqual(bin);
  });

  it('typed methods exist for every implemented command and return RESP3 shapes', async () => {
    await db.mset('a', '1', 'b', '2');
    expect(await db.incrby('a', 5)).toBe(6);
    expect(await db.exists('a', 'b', 'nope')).toBe(2);
    const hello = (await db.call('HELLO')) as Record<string, unknown>;
    expect(hello.version).toBe('7.0.15');
    expect(typeof db.bitcount).toBe('function');
    expect(typeof db.object).toBe('function');
  });

  it('errors are typed, with a stable code', async () => {
    const e1 = await db.call('NOPE').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ReplyError);
    expect((e1 as ReplyError).code).toBe('ERR');
    expect((e1 as ReplyError).message).toBe("ERR unknown command 'NOPE', with args beginning with: ");
    await db.set('str', 'x');
    const e2 = await db.incr('str').catch((e: unknown) => e);
    expect((e2 as ReplyError).message).toBe('ERR value is not an integer or out of range');
  });

  it('listen() serves the same store to a network client', async () => {
    await db.set('shared', 'from-embedded');
    const srv = await db.listen(0);
    const client = new Redis({ port: srv.port, host: '127.0.0.1' });
    expect(await client.get('shared')).toBe('from-embedded');
    await client.set('back', 'from-network');
    expect(db.getSync('back')).toBe('from-network');
    client.disconnect();
    await srv.close();
  });

  it('a closed store refuses calls with ClosedError', async () => {
    const other = await open({ shards: 1 });
    await other.close();
    expect(() => other.getSync('k')).toThrow(ClosedError);
    await expect(other.call('PING')).rejects.toBeInstanceOf(ClosedError);
  });
});
