import { describe, expect, it } from 'vitest';
import { kArray, kBulk, kInteger, kSimple } from '../../native-free-bench/commands.js';
import { ReplyScanner } from '../../native-free-bench/reply-scanner.js';

const stream = Buffer.from(
  '+OK\r\n' + ':42\r\n' + '$5\r\nhello\r\n' + '$-1\r\n' + '*0\r\n' + '*-1\r\n' +
  '*3\r\n$1\r\na\r\n*2\r\n:1\r\n$2\r\n\r\n\r\n+x\r\n' + '$12\r\nline\r\nbreak!\r\n' + '-ERR wrong kind\r\n' + ':7\r\n',
);
const kCount = 10;

describe('reply scanner', () => {
  it('counts every top-level reply, nested arrays and nulls included', () => {
    const s = new ReplyScanner();
    s.feed(stream);
    expect(s.replies).toBe(kCount);
    expect(s.errors).toBe(1);
    expect(s.firstError).toBe('ERR wrong kind');
  });

  it('gives the same counts wherever the stream is cut', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const s = new ReplyScanner();
      s.feed(stream.subarray(0, cut));
      s.feed(stream.subarray(cut));
      expect([cut, s.replies, s.errors, s.firstError]).toEqual([cut, kCount, 1, 'ERR wrong kind']);
    }
    const s = new ReplyScanner();
    for (let i = 0; i < stream.length; i++) s.feed(stream.subarray(i, i + 1));
    expect([s.replies, s.errors, s.firstError]).toEqual([kCount, 1, 'ERR wrong kind']);
  });

  it('counts a reply of the wrong type as an error', () => {
    const s = new ReplyScanner();
    s.expect = Uint8Array.of(kSimple, kBulk, kInteger, kArray);
    s.resetBatch();
    s.feed(Buffer.from('+OK\r\n:1\r\n:2\r\n*1\r\n$1\r\nz\r\n'));
    expect(s.replies).toBe(4);
    expect(s.errors).toBe(1);
    expect(s.firstError).toMatch(/':' where '\$' was expected/);
    s.resetBatch();
    s.feed(Buffer.from('+OK\r\n$-1\r\n'));
    expect([s.replies, s.errors]).toEqual([6, 1]);
  });

  it('does not count a partial reply', () => {
    const s = new ReplyScanner();
    s.feed(Buffer.from('*2\r\n$3\r\nabc\r\n$3\r\nab'));
    expect(s.replies).toBe(0);
    s.feed(Buffer.from('c\r\n'));
    expect(s.replies).toBe(1);
  });
});
