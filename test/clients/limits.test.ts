/**
 * Settings that bound clients: `timeout` closes idle clients, `client-query-buffer-limit`
 * closes a client whose unparsed input passes the limit, `maxclients` refuses extra clients.
 * Each is checked on a live server, and the server keeps serving afterwards.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST, startSpindle, waitUntil, type RunningTestServer } from '../helpers/server.js';

let srv: RunningTestServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, HOST, () => resolve(s));
    s.once('error', reject);
  });
}

function roundTrip(s: net.Socket, req: string): Promise<string> {
  return new Promise((resolve) => {
    s.once('data', (d) => resolve(d.toString('latin1')));
    s.write(req);
  });
}

describe('client limits', () => {
  it('timeout: an idle client is closed, an active one is not', async () => {
    srv = await startSpindle({ config: { timeout: '1' } });
    const idle = await connect(srv.port);
    const busy = await connect(srv.port);
    let idleClosed = false;
    idle.on('close', () => (idleClosed = true));
    const t0 = Date.now();
    while (Date.now() - t0 < 2500) {
      expect(await roundTrip(busy, 'PING\r\n')).toBe('+PONG\r\n');
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitUntil(() => idleClosed, 3000);
    expect(busy.destroyed).toBe(false);
    busy.destroy();
  });

  it('client-query-buffer-limit: a client sending an endless bulk is closed', async () => {
    srv = await startSpindle({ config: { 'client-query-buffer-limit': '1mb' } });
    const s = await connect(srv.port);
    let closed = false;
    s.on('close', () => (closed = true));
    s.on('error', () => undefined);
    s.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000000\r\n');
    const chunk = Buffer.alloc(64 * 1024, 120);
    for (let i = 0; i < 40 && !closed; i++) {
      s.write(chunk);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitUntil(() => closed, 3000);
    const other = await connect(srv.port);
    expect(await roundTrip(other, 'PING\r\n')).toBe('+PONG\r\n');
    other.destroy();
  });

  it('maxclients: the extra client gets Redis\'s error and the others keep working', async () => {
    srv = await startSpindle({ config: { maxclients: '2' } });
    const a = await connect(srv.port);
    const b = await connect(srv.port);
    expect(await roundTrip(a, 'PING\r\n')).toBe('+PONG\r\n');
    const c = await connect(srv.port);
    const reply = await new Promise<string>((resolve) => c.once('data', (d) => resolve(d.toString())));
    expect(reply).toBe('-ERR max number of clients reached\r\n');
    expect(await roundTrip(b, 'PING\r\n')).toBe('+PONG\r\n');
    for (const s of [a, b, c]) s.destroy();
  });
});
