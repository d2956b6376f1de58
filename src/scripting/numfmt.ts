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
  if (Number.isInteger(d) && Math.abs(d) < 1e21) return intExp(d);
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

/** An integer of 15..21 digits as %.14g: 14 significant digits, ties to even (exact, like glibc). */
function intExp(d: number): string {
  const neg = d < 0;
  const all = BigInt(Math.abs(d)).toString();
  let head = BigInt(all.slice(0, 14));
  const rest = all.slice(14);
  const half = '5' + '0'.repeat(rest.length - 1);
  if (rest > half || (rest === half && (head & 1n) === 1n)) head += 1n;
  let x = all.length - 1;
  let digits = head.toString();
  if (digits.length > 14) {
    digits = digits.slice(0, 14);
    x += 1;
  }
  const mant = (digits[0] + '.' + digits.slice(1)).replace(/0+$/, '').replace(/\.$/, '');
  return `${neg ? '-' : ''}${mant}e+${x < 10 ? '0' : ''}${x}`;
}
