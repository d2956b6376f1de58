/**
 * Glob-style matching exactly as Redis's stringmatchlen: '*', '?', '[...]' with ranges and '^'
 * negation, and '\' escapes. Works on binary strings (one char per byte).
 */
export function globMatch(pattern: string, str: string, nocase: boolean): boolean {
  return matchAt(pattern, 0, str, 0, nocase, 0);
}

function lower(c: string, nocase: boolean): string {
  return nocase ? c.toLowerCase() : c;
}

function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > 1000) return false;
  while (pi < p.length && si <= s.length) {
    const c = p[pi];
    if (c === '*') {
      while (pi + 1 < p.length && p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      si++;
    } else if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let match = false;
      for (;;) {
        if (pi >= p.length) { pi--; break; }
        if (p[pi] === '\\' && pi + 1 < p.length) {
          pi++;
          if (p[pi] === s[si]) match = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi), end = p.charCodeAt(pi + 2);
          let ch = s.charCodeAt(si);
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(String.fromCharCode(start), true).charCodeAt(0);
            end = lower(String.fromCharCode(end), true).charCodeAt(0);
            ch = lower(String.fromCharCode(ch), true).charCodeAt(0);
          }
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (lower(p[pi], nocase) === lower(s[si], nocase)) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      let pc = c;
      if (c === '\\' && pi + 1 < p.length) { pi++; pc = p[pi]; }
      if (lower(pc, nocase) !== lower(s[si], nocase)) return false;
      si++;
    }
    pi++;
    if (si >= s.length) {
      while (pi < p.length && p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= p.length && si >= s.length;
}
