/** Parser bugs found outside the unit suite, kept as regressions. */
import { describe, expect, it } from 'vitest';
import { RequestParser, kReady } from '../../src/protocol/parser.js';

function args(p: RequestParser): string[] {
  const b = p.argBuf();
  return Array.from({ length: p.argc }, (_, i) => b.subarray(p.offs[i], p.offs[i] + p.lens[i]).toString('latin1'));
}

describe('parser regressions', () => {
  it('a multibulk command after an empty inline line reads its own buffer (redis-cli --pipe)', () => {
    const p = new RequestParser();
    p.feed(Buffer.from('PING\r\n\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n'));
    expect(p.next()).toBe(kReady);
    expect(args(p)).toEqual(['PING']);
    p.done();
    expect(p.next()).toBe(kReady);
    expect(args(p)).toEqual(['ECHO', 'abc']);
  });

  it('an inline command followed by a multibulk one without done() in between', () => {
    const p = new RequestParser();
    p.feed(Buffer.from('SET a b\r\n*1\r\n$4\r\nPING\r\n'));
    expect(p.next()).toBe(kReady);
    expect(args(p)).toEqual(['SET', 'a', 'b']);
    expect(p.next()).toBe(kReady);
    expect(args(p)).toEqual(['PING']);
  });
});
