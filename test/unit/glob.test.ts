import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Worker } from 'node:worker_threads';
import { globMatch } from '../../src/server/glob.js';
import { startRedis, rawClient, redisAvailable, type RawClient, type RunningTestServer } from '../helpers/server.js';
import { prng } from '../helpers/prng.js';


/**
 * A line-by-line port of Redis 7.0's stringmatchlen_impl (util.c, with the skipLongerMatches
 * pruning of 7.0.9+), used as the oracle. Strings are binary (one char per byte); a read past
 * the end of the pattern sees the C string's NUL terminator. ASCII tolower, as in the C locale.
 */
function redisMatch(pattern: string, str: string, nocase: boolean): boolean {
  const skip = { v: false };
  return impl(pattern, 0, str, 0, nocase, skip);
}

function impl(P: string, pi: number, S: string, si: number, nocase: boolean, skip: { v: boolean }): boolean {
  const pc = (i: number) => (i < P.length ? P.charCodeAt(i) : 0);
  const sc = (i: number) => (i < S.length ? S.charCodeAt(i) : 0);
  const tl = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
  let plen = P.length - pi, slen = S.length - si;
  while (plen && slen) {
    switch (pc(pi)) {
      case 42: { // '*'
        while (plen && pc(pi + 1) === 42) {
          pi++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen) {
          if (impl(P, pi + 1, S, si, nocase, skip)) return true; // pi + plen === P.length throughout
          if (skip.v) return false;
          si++;
          slen--;
        }
        skip.v = true;
        return false;
      }
      case 63: // '?'
        si++;
        slen--;
        break;
      case 91: { // '['
        pi++;
        plen--;
        const not = pc(pi) === 94;
        if (not) {
          pi++;
          plen--;
        }
        let match = false;
        for (;;) {
          if (pc(pi) === 92 && plen >= 2) {
            pi++;
            plen--;
            if (pc(pi) === sc(si)) match = true;
          } else if (pc(pi) === 93) {
            break;
          } else if (plen === 0) {
            pi--;
            plen++;
            break;
          } else if (plen >= 3 && pc(pi + 1) === 45) {
            let start = pc(pi), end = pc(pi + 2), c = sc(si);
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = tl(start);
              end = tl(end);
              c = tl(c);
            }
            pi += 2;
            plen -= 2;
            if (c >= start && c <= end) match = true;
          } else if (!nocase) {
            if (pc(pi) === sc(si)) match = true;
          } else if (tl(pc(pi)) === tl(sc(si))) match = true;
          pi++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        slen--;
        break;
      }
      case 92: // '\\'
        if (plen >= 2) {
          pi++;
          plen--;
        }
      // fall through
      default:
        if (!nocase) {
          if (pc(pi) !== sc(si)) return false;
        } else if (tl(pc(pi)) !== tl(sc(si))) return false;
        si++;
        slen--;
        break;
    }
    pi++;
    plen--;
    if (slen === 0) {
      while (pc(pi) === 42 && plen > 0) {
        pi++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

const m = (p: string, s: string, nocase = false) => globMatch(p, s, nocase);

describe('globMatch: Redis stringmatchlen semantics', () => {
  it('literals', () => {
    expect(m('hello', 'hello')).toBe(true);
    expect(m('hello', 'hell')).toBe(false);
    expect(m('hello', 'helloo')).toBe(false);
    expect(m('', '')).toBe(true);
    expect(m('', 'a')).toBe(false);
    expect(m('a', '')).toBe(false);
  });

  it('? matches exactly one byte', () => {
    expect(m('h?llo', 'hello')).toBe(true);
    expect(m('h?llo', 'hallo')).toBe(true);
    expect(m('h?llo', 'hllo')).toBe(false);
    expect(m('h?llo', 'heello')).toBe(false);
    expect(m('???', 'abc')).toBe(true);
    expect(m('???', 'ab')).toBe(false);
    expect(m('?', '\x00')).toBe(true);
  });

  it('* matches any run, including an empty one', () => {
    expect(m('h*llo', 'hllo')).toBe(true);
    expect(m('h*llo', 'heeeello')).toBe(true);
    expect(m('h*llo', 'hello world')).toBe(false);
    expect(m('*', 'anything')).toBe(true);
    expect(m('a*', 'a')).toBe(true);
    expect(m('a**', 'a')).toBe(true);
    expect(m('*a', 'a')).toBe(true);
    expect(m('*a*', 'bab')).toBe(true);
    expect(m('*a*b*c*', 'xxaxxbxxcxx')).toBe(true);
    expect(m('*a*b*c*', 'xxaxxcxxbxx')).toBe(false);
    expect(m('user:*:name', 'user:42:name')).toBe(true);
    expect(m('user:*:name', 'user:42:age')).toBe(false);
  });

  it('[abc], [^a], [a-z], reversed ranges [z-a]', () => {
    expect(m('h[ae]llo', 'hello')).toBe(true);
    expect(m('h[ae]llo', 'hallo')).toBe(true);
    expect(m('h[ae]llo', 'hillo')).toBe(false);
    expect(m('h[^e]llo', 'hallo')).toBe(true);
    expect(m('h[^e]llo', 'hello')).toBe(false);
    expect(m('h[a-b]llo', 'hallo')).toBe(true);
    expect(m('h[a-b]llo', 'hbllo')).toBe(true);
    expect(m('h[a-b]llo', 'hcllo')).toBe(false);
    expect(m('[z-a]', 'm')).toBe(true);
    expect(m('[z-a]', 'A')).toBe(false);
    expect(m('[0-9][0-9]', '42')).toBe(true);
    expect(m('[^0-9]', '4')).toBe(false);
    expect(m('[a-cx-z]', 'y')).toBe(true);
    expect(m('[a-cx-z]', 'd')).toBe(false);
    expect(m('[]', 'a')).toBe(false);
  });

  it('escapes: \\* \\? \\[ match literally, also inside classes', () => {
    expect(m('a\\*b', 'a*b')).toBe(true);
    expect(m('a\\*b', 'axb')).toBe(false);
    expect(m('\\?', '?')).toBe(true);
    expect(m('\\?', 'a')).toBe(false);
    expect(m('\\[a]', '[a]')).toBe(true);
    expect(m('[\\]]', ']')).toBe(true);
    expect(m('[\\^a]', '^')).toBe(true);
    expect(m('[\\-]', '-')).toBe(true);
    expect(m('\\\\', '\\')).toBe(true);
    expect(m('\\', '\\')).toBe(true); // a trailing backslash is literal
    expect(m('a\\', 'a\\')).toBe(true);
  });

  it('odd class forms: "-" at the ends, "]" as a range end, unterminated "["', () => {
    expect(m('[a-]', '-')).toBe(false); // "a-]" is a range a..']' (swapped: ']'..'a')
    expect(m('[a-]', '_')).toBe(true);
    expect(m('[-a]', '-')).toBe(true);
    expect(m('[abc', 'a')).toBe(true); // unterminated: the class runs to the end
    expect(m('[abc', 'c')).toBe(true);
    expect(m('[abc', 'd')).toBe(false);
    expect(m('[abc', 'ab')).toBe(false);
    expect(m('[', 'a')).toBe(false);
    expect(m('[', '[')).toBe(false);
    expect(m('[^', 'a')).toBe(true);
    expect(m('x[', 'x')).toBe(false);
    expect(m('[a-', 'a')).toBe(true);
  });

  it('nocase (ASCII)', () => {
    expect(m('HeLLo', 'hello', true)).toBe(true);
    expect(m('HeLLo', 'hello', false)).toBe(false);
    expect(m('h[A-C]llo', 'hbllo', true)).toBe(true);
    expect(m('h[a-c]llo', 'hBllo', true)).toBe(true);
    expect(m('h[AE]llo', 'hello', true)).toBe(true);
    expect(m('h[^E]llo', 'hello', true)).toBe(false);
    expect(m('config-*', 'CONFIG-GET', true)).toBe(true);
    // An escaped char inside a class is compared exactly, even with nocase.
    expect(m('[\\A]', 'a', true)).toBe(false);
  });

  it('binary strings: one char per byte, NUL and high bytes', () => {
    expect(m('a?c', 'a\x00c')).toBe(true);
    expect(m('a\x00*', 'a\x00xyz')).toBe(true);
    expect(m('[\x80-\x90]', '\x85')).toBe(true);
    expect(m('\xff*', '\xff\xfe')).toBe(true);
  });

  // stringmatchlen's main loop runs only while both pattern and string are non-empty, so an
  // all-'*' pattern does not match the empty string (KEYS and SCAN special-case the lone "*"
  // pattern before calling it). redis-server 7.0.15: SET "" 1; KEYS "**" → (empty array).
  it('an all-* pattern does not match the empty string', () => {
    expect(m('**', '')).toBe(false);
    expect(m('***', '')).toBe(false);
    expect(m('*', '')).toBe(false);
  });

  it('agrees with the stringmatchlen port on 30k random patterns and strings', () => {
    const rnd = prng(11);
    const pAlpha = ['a', 'b', 'c', 'A', '*', '?', '[', ']', '^', '-', '\\', 'z'];
    const sAlpha = ['a', 'b', 'c', 'A', 'B', '-', ']', '^', '[', '\\', '*', 'z'];
    const bad: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      let p = '';
      const pl = Math.floor(rnd() * 9);
      for (let k = 0; k < pl; k++) p += pAlpha[Math.floor(rnd() * pAlpha.length)];
      let s = '';
      const sl = 1 + Math.floor(rnd() * 8);
      for (let k = 0; k < sl; k++) s += sAlpha[Math.floor(rnd() * sAlpha.length)];
      const nocase = rnd() < 0.3;
      const want = redisMatch(p, s, nocase);
      const got = globMatch(p, s, nocase);
      if (got !== want && bad.length < 10) bad.push(`${JSON.stringify(p)} ~ ${JSON.stringify(s)} nocase=${nocase}: ${got}, redis ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('the port itself: known answers', () => {
    expect(redisMatch('h*llo', 'heeello', false)).toBe(true);
    expect(redisMatch('[abc', 'a', false)).toBe(true);
    expect(redisMatch('**', '', false)).toBe(false);
    expect(redisMatch('*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60), false)).toBe(false);
  });
});

describe('globMatch: pathological patterns', () => {
  async function runInWorker(pattern: string, str: string, ms: number) {
    const w = new Worker(new URL('./workers/glob-match.mjs', import.meta.url), {
      workerData: { pattern, str, nocase: false },
    });
    try {
      return await new Promise<{ result?: boolean; ms?: number; timedOut?: boolean }>((resolve, reject) => {
        const to = setTimeout(() => resolve({ timedOut: true }), ms);
        w.once('message', (msg) => {
          clearTimeout(to);
          resolve(msg);
        });
        w.once('error', (e) => {
          clearTimeout(to);
          reject(e);
        });
      });
    } finally {
      await w.terminate();
    }
  }

  it('a long pattern of literal runs is fine', () => {
    const p = 'a'.repeat(5000) + '*';
    expect(m(p, 'a'.repeat(6000))).toBe(true);
    expect(m('*' + 'b'.repeat(100), 'a'.repeat(5000) + 'b'.repeat(100))).toBe(true);
  });

  // Redis 7.0.9 (CVE-2022-36021) added skipLongerMatches: once the rest of the pattern failed
  // at every position after a '*', earlier '*'s need not try longer runs. Without it, KEYS or
  // SCAN MATCH with a pattern like this one takes exponential time and blocks the thread that
  // holds the shard lock.
  it('"*a*a*...*b" against a long run of a\'s returns promptly (no exponential backtracking)', async () => {
    const pattern = '*a'.repeat(12) + '*b';
    const r = await runInWorker(pattern, 'a'.repeat(60), 3000);
    expect(r.timedOut, 'globMatch still running after 3 s').toBeFalsy();
    expect(r.result).toBe(false);
  });

  // Redis recurses once per '*' with no depth cap; a pattern with more than 1000 '*'s is
  // unusual but valid, and must not turn into a silent "no match". (In a worker: a depth cap
  // that answers false makes the callers above it backtrack, which can take exponential time.)
  it('a pattern with 1500 stars still matches', async () => {
    const p = '*a'.repeat(1500);
    expect(redisMatch(p, 'a'.repeat(1500), false)).toBe(true);
    expect(redisMatch(p, 'a'.repeat(1499), false)).toBe(false);
    const r = await runInWorker(p, 'a'.repeat(1500), 3000);
    expect(r.timedOut, 'globMatch still running after 3 s').toBeFalsy();
    expect(r.result).toBe(true);
    const r2 = await runInWorker(p, 'a'.repeat(1499), 3000);
    expect(r2.timedOut, 'globMatch still running after 3 s').toBeFalsy();
    expect(r2.result).toBe(false);
  });
});

describe.skipIf(!redisAvailable())('globMatch vs redis-server KEYS', () => {
  let server: RunningTestServer | null = null;
  let c: RawClient;

  beforeAll(async () => {
    server = await startRedis();
    c = await rawClient(server!.port);
  });

  afterAll(async () => {
    await c?.close();
    await server?.close();
  });

  /** Parse a RESP2 array of bulk strings. */
  function bulks(reply: Buffer): string[] {
    const s = reply.toString('latin1');
    const out: string[] = [];
    let p = s.indexOf('\r\n') + 2;
    const n = Number(s.slice(1, p - 2));
    for (let i = 0; i < n; i++) {
      const nl = s.indexOf('\r\n', p);
      const len = Number(s.slice(p + 1, nl));
      out.push(s.slice(nl + 2, nl + 2 + len));
      p = nl + 2 + len + 2;
    }
    return out;
  }

  const keys = [
    '', 'a', 'b', 'ab', 'abc', 'hello', 'hallo', 'hillo', 'hllo', 'heeello', 'h*llo', 'h?llo',
    'a*b', 'axb', '[a]', ']', '[', '-', '^', '_', '`', '\\', 'A', 'Z', 'z', 'm', 'a-b', '*', '?',
    'user:1:name', 'user:22:name', 'user::name', 'x\x00y', '\xff', '\x80', 'A\xffB',
  ];
  const patterns = [
    '*', '**', '***', '?', '??', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', '[z-a]',
    '[a-]', '[-a]', '[]', '[', '[^', '[abc', 'x[', '[a-', '\\', '\\*', 'a\\*b', '\\[a]', '[\\]]',
    '[\\^a]', '[^]', '[]]', '[]a]', 'user:*:name', 'user:?:name', '*:*', 'x?y', '[\x80-\xff]',
    '[\xff-\x80]', '*\xff*', '[A-z]', '[a-Z]', '*[', '*\\', 'a*b*', '*a*', '[!a]', '[[]',
  ];

  it('every pattern selects the same keys as KEYS', async () => {
    await c.send('FLUSHALL');
    for (const k of keys) await c.send('SET', Buffer.from(k, 'latin1'), '1');
    const diffs: string[] = [];
    for (const p of patterns) {
      const want = bulks(await c.send('KEYS', Buffer.from(p, 'latin1'))).sort();
      // Redis special-cases the lone "*" (every key, without calling stringmatchlen).
      const got = keys.filter((k) => p === '*' || globMatch(p, k, false)).sort();
      const port = keys.filter((k) => p === '*' || redisMatch(p, k, false)).sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`KEYS ${JSON.stringify(p)}: redis ${JSON.stringify(want)}, globMatch ${JSON.stringify(got)}`);
      expect(port, `the oracle port for ${JSON.stringify(p)}`).toEqual(want);
    }
    expect(diffs).toEqual([]);
  });
});
