/** CRC16 hash slots as Redis Cluster computes them (values from redis-server 7.0 CLUSTER KEYSLOT). */
import { describe, expect, it } from 'vitest';
import { crc16, keySlot } from '../../src/sab/hash.js';

const slot = (k: string) => keySlot(Buffer.from(k, 'latin1'), 0, Buffer.byteLength(k, 'latin1'));

describe('hash slots', () => {
  it('CRC16-XMODEM check value', () => {
    const b = Buffer.from('123456789');
    expect(crc16(b, 0, b.length)).toBe(0x31c3);
  });

  it('matches CLUSTER KEYSLOT, hash tags included', () => {
    const want: Record<string, number> = {
      foo: 12182, bar: 5061, '{user1000}.following': 3443, 'key:__rand_int__': 13782, a: 15495,
      '{}x': 10595, 'a{b': 13340, '{a}{b}': 15495, 'ab{c}d': 7365, 'abc{': 3048,
    };
    for (const [k, v] of Object.entries(want)) expect(slot(k), k).toBe(v);
  });

  it('keys sharing a tag share a slot; odd and even lengths agree with crc16', () => {
    expect(slot('{user1000}.followers')).toBe(slot('{user1000}.following'));
    for (const k of ['x', 'xy', 'xyz', 'key:000000000001', 'key:0000000000012']) {
      const b = Buffer.from(k);
      expect(slot(k)).toBe(crc16(b, 0, b.length) & 16383);
    }
  });
});
