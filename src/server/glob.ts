/**
 * Glob-style matching with exactly the semantics of Redis 7.0's stringmatchlen: '*', '?',
 * '[...]' with ranges (reversed ranges allowed) and '^' negation, '\' escapes, and its quirks
 * (an unterminated '[' matches like a set that ends at the pattern's end; "*" does not match
 * the empty string). Like Redis it stops retrying longer '*' matches once the rest of the
 * pattern has failed from every later position, so patterns such as "a*a*a*a*b" stay linear.
 * Works on binary strings (one char per byte).
 */
export function globMatch(pattern: string, str: string, nocase: boolean): boolean {
  const skip = { longer: false };
  return matchImpl(pattern, 0, str, 0, nocase, skip, 0);
}

function eqChar(a: number, b: number, nocase: boolean): boolean {
  if (a === b) return true;
  if (!nocase) return false;
  return lowerCode(a) === lowerCode(b);
}

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchImpl(p: string, pi: number, s: string, si: number, nocase: boolean, skip: { longer: boolean }, nesting: number): boolean {
  // Redis 7.0 recurses without a cap; JS stacks are smaller, so stop far past any real pattern.
  if (nesting > 5000) return false;
  const pl = p.length, sl = s.length;
  // NUL past the end, as the C code reads its terminated pattern.
  const pc = (i: number) => (i < pl ? p.charCodeAt(i) : 0);
  while (pi < pl && si < sl) {
    const c = pc(pi);
    if (c === 0x2a /* * */) {
      while (pi + 1 < pl && pc(pi + 1) === 0x2a) pi++;
      if (pi + 1 === pl) return true;
      while (si < sl) {
        if (matchImpl(p, pi + 1, s, si, nocase, skip, nesting + 1)) return true;
        if (skip.longer) return false;
        si++;
      }
      skip.longer = true;
      return false;
    } else if (c === 0x3f /* ? */) {
      si++;
    } else if (c === 0x5b /* [ */) {
      pi++;
      const not = pc(pi) === 0x5e; /* ^ */
      if (not) pi++;
      let match = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        if (pc(pi) === 0x5c && pl - pi >= 2) {
          pi++;
          if (pc(pi) === sc) match = true;
        } else if (pc(pi) === 0x5d /* ] */) {
          break;
        } else if (pi >= pl) {
          pi--;
          break;
        } else if (pl - pi >= 3 && pc(pi + 1) === 0x2d /* - */) {
          let start = pc(pi), end = pc(pi + 2), ch = sc;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lowerCode(start);
            end = lowerCode(end);
            ch = lowerCode(ch);
          }
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (eqChar(pc(pi), sc, nocase)) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let lit = c;
      if (c === 0x5c /* \ */ && pl - pi >= 2) {
        pi++;
        lit = pc(pi);
      }
      if (!eqChar(lit, s.charCodeAt(si), nocase)) return false;
      si++;
    }
    pi++;
    if (si === sl) {
      while (pc(pi) === 0x2a) pi++;
      break;
    }
  }
  return pi >= pl && si === sl;
}
