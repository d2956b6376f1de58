/**
 * Key extraction from key specs: the one place that knows where a command's keys are.
 * Used by routing (which shards a command touches) and by COMMAND GETKEYS.
 */
import type { KeySpec } from './spec.js';

/**
 * Call visit(argIndex) for every key argument of a command with `argc` args, following
 * Redis's key-spec rules (begin_search index/keyword, find_keys range/keynum).
 * `numAt(i)` parses argument i as an integer (for keynum), or returns null.
 * Returns false if the args do not fit the spec (Redis then reports "Invalid arguments").
 */
export function forEachKey(
  specs: KeySpec[] | undefined, argc: number, numAt: (i: number) => number | null,
  kwAt: (i: number, kw: string) => boolean, visit: (i: number) => void,
): boolean {
  if (!specs) return true;
  for (const ks of specs) {
    if (ks.flags.includes('not_key')) continue;
    let first: number;
    const bs = ks.begin_search;
    if ('index' in bs) first = bs.index.pos;
    else if ('keyword' in bs) {
      const { keyword, startfrom } = bs.keyword;
      first = -1;
      if (startfrom >= 0) {
        for (let i = startfrom; i < argc - 1; i++) if (kwAt(i, keyword)) { first = i + 1; break; }
      } else {
        for (let i = argc + startfrom; i > 0; i--) if (kwAt(i, keyword)) { first = i + 1; break; }
      }
      if (first < 0) continue;
    } else continue;
    const fk = ks.find_keys;
    if ('range' in fk) {
      const { lastkey, step, limit } = fk.range;
      let last: number;
      if (lastkey >= 0) last = first + lastkey;
      else if (limit <= 1) last = argc + lastkey;
      else last = first + Math.floor((argc - first) / limit) - 1;
      if (last >= argc) return false;
      for (let i = first; i <= last; i += step) visit(i);
    } else if ('keynum' in fk) {
      const { keynumidx, firstkey, step } = fk.keynum;
      const n = numAt(first + keynumidx);
      if (n === null || n < 0) return false;
      const start = first + firstkey;
      if (start + (n - 1) * step >= argc && n > 0) return false;
      for (let k = 0; k < n; k++) visit(start + k * step);
    }
  }
  return true;
}
