/**
 * Lua 5.1's number text: C's "%.14g" (what Redis's Lua prints for tostring, string arguments
 * of redis.call, and cjson). Infinities are "inf"/"-inf", NaN "nan" or "-nan" by its sign bit.
 */
export function fmt14g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) < 1e14) return String(d);
  const ex = d.toExponential(13);
  const e = ex.indexOf('e');
  const x = Number(ex.slice(e + 1));
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (x < -4 || x >= 14) {
    const ax = Math.abs(x);
    return `${trim(ex.slice(0, e))}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  return trim(d.toFixed(13 - x));
}
