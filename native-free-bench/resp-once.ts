/** Send one command and wait for its whole reply: used for readiness probes and INFO. */
import { connect } from 'node:net';
import { ReplyScanner } from './reply-scanner.js';

export function encodeCommand(args: readonly string[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(s);
}

/** Resolves with the raw reply bytes; rejects on connection error or timeout. */
export function commandOnce(host: string, port: number, args: readonly string[], timeoutMs = 1000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const scanner = new ReplyScanner();
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => fail(new Error(`no reply from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    sock.on('connect', () => sock.write(encodeCommand(args)));
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      scanner.feed(c);
      if (scanner.replies > 0) {
        clearTimeout(timer);
        sock.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    sock.on('error', fail);
    sock.on('close', () => fail(new Error(`connection to ${host}:${port} closed`)));
  });
}

/** Pull `field:value` out of an INFO reply. */
export function infoField(reply: Buffer, field: string): string | null {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(reply.toString('latin1'));
  return m ? m[1]!.trim() : null;
}
