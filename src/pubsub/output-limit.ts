/**
 * `client-output-buffer-limit`: Redis's syntax and checks, for the classes Spindle has (normal
 * and pubsub; the replica class is kept and shown for compatibility, there are no replicas).
 *
 *   client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [<class> ...]
 *
 * A client is closed when the bytes waiting to be sent to it reach the hard limit, or stay at or
 * over the soft limit for more than soft-seconds (Redis's checkClientOutputBufferLimits). The
 * bytes counted are Node's socket write queue plus what was encoded and not yet handed to it.
 */

/** Redis's memory units (the same table as config.ts; kept here so config.ts can import this). */
const kUnit: Record<string, number> = {
  b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 ** 3, gb: 1024 ** 3,
};

export const kDefaultOutputLimits = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

const kClasses = ['normal', 'slave', 'pubsub'];
const kClassNames: Record<string, number> = { normal: 0, slave: 1, replica: 1, pubsub: 2 };

export const kObufErrors = {
  args: 'Wrong number of arguments in buffer limit configuration.',
  klass: 'Invalid client class specified in buffer limit configuration.',
  values: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
} as const;

/** Redis's memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb); null if invalid. */
function memToBytes(s: string): number | null {
  const m = /^(\d+)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const unit = m[2].toLowerCase();
  if (unit !== '' && !(unit in kUnit)) return null;
  return Number(m[1]) * (unit === '' ? 1 : kUnit[unit]);
}

/**
 * Validate a CONFIG SET value against the current one: returns the new full value (every class,
 * Redis's formatting) or one of kObufErrors. Classes not named keep their settings.
 */
export function parseOutputLimits(raw: string, current: string): { value: string } | { error: string } {
  const args = raw.split(' ').filter((a) => a !== '');
  if (args.length % 4 !== 0) return { error: kObufErrors.args };
  const cur = current.split(' ');
  const vals: string[][] = kClasses.map((_, i) => cur.slice(i * 4 + 1, i * 4 + 4));
  for (let i = 0; i < args.length; i += 4) {
    const cls = kClassNames[args[i].toLowerCase()];
    if (cls === undefined) return { error: kObufErrors.klass };
    const hard = memToBytes(args[i + 1]), soft = memToBytes(args[i + 2]);
    const secs = args[i + 3];
    if (hard === null || soft === null || !/^\d+$/.test(secs)) return { error: kObufErrors.values };
    // Redis keeps the seconds in a C int.
    vals[cls] = [String(hard), String(soft), String(Number(BigInt.asIntN(32, BigInt(secs))))];
  }
  return { value: kClasses.map((c, i) => `${c} ${vals[i].join(' ')}`).join(' ') };
}

/** One class's limits, in bytes and milliseconds. */
export interface ClassLimit {
  hard: number;
  soft: number;
  softMs: number;
}

/** The parsed setting, re-parsed only when the setting's text changes. */
export class OutputLimits {
  private text = '';
  readonly normal: ClassLimit = { hard: 0, soft: 0, softMs: 0 };
  readonly pubsub: ClassLimit = { hard: 0, soft: 0, softMs: 0 };

  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    const p = text.split(' ');
    const set = (l: ClassLimit, at: number) => {
      l.hard = Number(p[at + 1]);
      l.soft = Number(p[at + 2]);
      l.softMs = Number(p[at + 3]) * 1000;
    };
    set(this.normal, 0);
    set(this.pubsub, 8);
  }
}

/** Per-client soft-limit clock (0 = under the soft limit). */
export interface SoftClock {
  obufSoftSince: number;
}

/**
 * True if a client with `bytes` pending must be closed under `l` (Redis: hard reached, or soft
 * reached for longer than the soft seconds). Keeps the client's soft-limit clock.
 */
export function overLimit(l: ClassLimit, bytes: number, c: SoftClock, now: number): boolean {
  if (l.hard !== 0 && bytes >= l.hard) return true;
  if (l.soft !== 0 && bytes >= l.soft) {
    if (c.obufSoftSince === 0) {
      c.obufSoftSince = now;
      return false;
    }
    return now - c.obufSoftSince > l.softMs;
  }
  c.obufSoftSince = 0;
  return false;
}
