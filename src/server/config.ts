/**
 * Settings: Redis's names, types and defaults, for the settings Spindle has. CONFIG GET/SET,
 * the command line (--name value) and INFO read and write this one table. A setting that is
 * listed here is honoured; Spindle lists no setting it does not act on.
 */

export type ConfigValue = string | number;

interface Setting {
  name: string;
  kind: 'int' | 'memory' | 'string' | 'enum' | 'bool';
  default: ConfigValue;
  /** Fixed at start-up: CONFIG SET refuses it (Redis's IMMUTABLE_CONFIG). */
  immutable?: boolean;
  values?: string[];
  min?: number;
  /** The range as Redis states it in errors (may exceed what JS numbers hold exactly). */
  max?: number | bigint;
  /** Values outside [lo, hi] are accepted and stored clamped. */
  clamp?: [number, number];
  /** Redis's older name for the same setting (hash-max-ziplist-entries, ...). */
  alias?: string;
  /** Validates a value with its own syntax: the value to store, or the error's reason. */
  custom?: (raw: string, current: string) => { value: string } | { error: string };
}

const kLLMax = 2n ** 63n - 1n;

const SETTINGS: Setting[] = [
  { name: 'port', kind: 'int', default: 6379, immutable: true, min: 0, max: 65535 },
  { name: 'bind', kind: 'string', default: '127.0.0.1', immutable: true },
  { name: 'requirepass', kind: 'string', default: '' },
  { name: 'databases', kind: 'int', default: 16, immutable: true, min: 16, max: 16 },
  { name: 'proto-max-bulk-len', kind: 'memory', default: 512 * 1024 * 1024, min: 1024 * 1024, max: kLLMax },
  { name: 'client-query-buffer-limit', kind: 'memory', default: 1024 * 1024 * 1024, min: 1024 * 1024, max: kLLMax },
  { name: 'maxclients', kind: 'int', default: 10000, min: 1, max: 4294967295 },
  { name: 'timeout', kind: 'int', default: 0, min: 0, max: 2 ** 31 - 1 },
  // Redis accepts 0..INT_MAX and clamps to 1..500.
  { name: 'hz', kind: 'int', default: 10, min: 0, max: 2147483647, clamp: [1, 500] },
  { name: 'maxmemory', kind: 'memory', default: 0, immutable: true },
  { name: 'maxmemory-policy', kind: 'enum', default: 'noeviction', immutable: true, values: ['noeviction'] },
  { name: 'appendonly', kind: 'bool', default: 'no', immutable: true, values: ['no'] },
  { name: 'save', kind: 'string', default: '', immutable: true },
  { name: 'io-threads', kind: 'int', default: 1, immutable: true, min: 1, max: 128 },
  { name: 'shards', kind: 'int', default: 0, immutable: true, min: 0, max: 32 },
  // How long a script runs before it counts as busy (SCRIPT KILL may stop it then).
  { name: 'busy-reply-threshold', alias: 'lua-time-limit', kind: 'int', default: 5000, min: 0, max: kLLMax },
  // Encoding thresholds (Redis 7.2 names and defaults; 7.2 added listpack sets).
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', kind: 'int', default: 128, min: 0, max: kLLMax },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', kind: 'int', default: 64, min: 0, max: kLLMax },
  { name: 'set-max-intset-entries', kind: 'int', default: 512, min: 0, max: kLLMax },
  { name: 'set-max-listpack-entries', kind: 'int', default: 128, min: 0, max: kLLMax },
  { name: 'set-max-listpack-value', kind: 'int', default: 64, min: 0, max: kLLMax },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', kind: 'int', default: 128, min: 0, max: kLLMax },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', kind: 'int', default: 64, min: 0, max: kLLMax },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', kind: 'int', default: -2, min: -2147483648, max: 2147483647 },
  { name: 'client-output-buffer-limit', kind: 'string', default: kDefaultOutputLimits, custom: parseOutputLimits },
  // Keyspace notification classes (server/notify.ts); CONFIG GET shows the shards' live word.
  { name: 'notify-keyspace-events', kind: 'string', default: '', custom: validateNotifyFlags },
];

/**
 * The encoding thresholds as plain numbers, read by the type families on every write (a Map
 * lookup per command would cost more than the check). Kept in step by Config.set().
 */
export class TypeLimits {
  hashMaxListpackEntries = 128;
  hashMaxListpackValue = 64;
  setMaxIntsetEntries = 512;
  setMaxListpackEntries = 128;
  setMaxListpackValue = 64;
  zsetMaxListpackEntries = 128;
  zsetMaxListpackValue = 64;
  listMaxListpackSize = -2;
}

const kLimitFields: Record<string, keyof TypeLimits> = {
  'hash-max-listpack-entries': 'hashMaxListpackEntries',
  'hash-max-listpack-value': 'hashMaxListpackValue',
  'set-max-intset-entries': 'setMaxIntsetEntries',
  'set-max-listpack-entries': 'setMaxListpackEntries',
  'set-max-listpack-value': 'setMaxListpackValue',
  'zset-max-listpack-entries': 'zsetMaxListpackEntries',
  'zset-max-listpack-value': 'zsetMaxListpackValue',
  'list-max-listpack-size': 'listMaxListpackSize',
};

export const kUnit: Record<string, number> = {
  b: 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: 1024 * 1024, g: 1000 ** 3, gb: 1024 ** 3,
};

function parseMemory(s: string): number | null {
  const m = /^(-?\d+)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const unit = m[2].toLowerCase();
  if (unit && !(unit in kUnit)) return null;
  return Number(m[1]) * (unit ? kUnit[unit] : 1);
}

/** Redis's glob-style pattern match (stringmatchlen), used by CONFIG GET, KEYS and SCAN. */
export { globMatch } from './glob.js';
import { globMatch } from './glob.js';
import { kDefaultOutputLimits, parseOutputLimits } from '../pubsub/output-limit.js';
import { validateNotifyFlags } from './notify.js';

export class Config {
  private readonly values = new Map<string, ConfigValue>();
  private readonly byName = new Map<string, Setting>();
  readonly limits = new TypeLimits();
  /** Called after a successful CONFIG SET of a name. */
  onChange: (name: string, value: ConfigValue) => void = () => undefined;
  /** More listeners of successful sets (onChange belongs to the server assembly). */
  private readonly listeners: ((name: string, value: ConfigValue) => void)[] = [];
  /** Settings whose live value is kept elsewhere (shared memory): CONFIG GET asks these. */
  private readonly live = new Map<string, () => string>();

  listen(fn: (name: string, value: ConfigValue) => void): void {
    this.listeners.push(fn);
  }

  bindLive(name: string, get: () => string): void {
    this.live.set(name, get);
  }

  /** True for a setting whose value lives in shared memory (every thread already sees it). */
  isLive(name: string): boolean {
    const s = this.byName.get(name.toLowerCase());
    return s !== undefined && this.live.has(s.name);
  }

  constructor() {
    for (const s of SETTINGS) {
      this.byName.set(s.name, s);
      if (s.alias) this.byName.set(s.alias, s);
      this.values.set(s.name, s.default);
    }
  }

  get(name: string): ConfigValue {
    return this.values.get(name)!;
  }

  num(name: string): number {
    return Number(this.values.get(name));
  }

  str(name: string): string {
    return String(this.values.get(name));
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** Every (name, value) whose name matches one of the glob patterns, as Redis's text. */
  match(patterns: string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const p of patterns) {
      // A name without glob characters is looked up directly and echoed as typed (Redis 7.0).
      if (!/[*?[\\]/.test(p)) {
        const s = this.byName.get(p.toLowerCase());
        if (s && !seen.has(s.name)) {
          seen.add(s.name);
          out.push([p, this.format(s)]);
        }
        continue;
      }
      for (const s of SETTINGS) {
        for (const name of s.alias ? [s.name, s.alias] : [s.name]) {
          if (!seen.has(name) && globMatch(p.toLowerCase(), name, false)) {
            seen.add(name);
            out.push([name, this.format(s)]);
          }
        }
      }
    }
    return out;
  }

  private format(s: Setting): string {
    const live = this.live.get(s.name);
    if (live !== undefined) return live();
    return String(this.values.get(s.name));
  }

  /**
   * Validate and set. Returns null on success or Redis's error text.
   * `startup` allows immutable settings (command line and config file).
   */
  set(name: string, raw: string, startup = false): string | null {
    const s = this.byName.get(name.toLowerCase());
    if (!s) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
    if (s.immutable && !startup) return `ERR CONFIG SET failed (possibly related to argument '${s.name}') - can't set immutable config`;
    const fail = (why: string) => `ERR CONFIG SET failed (possibly related to argument '${s.name}') - ${why}`;
    let v: ConfigValue;
    if (s.custom) {
      const r = s.custom(raw, String(this.values.get(s.name)));
      if ('error' in r) return fail(r.error);
      raw = r.value;
    }
    switch (s.kind) {
      case 'int': {
        if (!/^-?\d+$/.test(raw)) return fail('argument couldn\'t be parsed into an integer');
        v = Number(raw);
        if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > Number(s.max))) {
          return fail(`argument must be between ${s.min} and ${s.max} inclusive`);
        }
        if (s.clamp) v = Math.min(s.clamp[1], Math.max(s.clamp[0], v));
        break;
      }
      case 'memory': {
        const n = parseMemory(raw);
        if (n === null) return fail('argument must be a memory value');
        if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > Number(s.max))) {
          return fail(`argument must be between ${s.min} and ${s.max} inclusive`);
        }
        v = n;
        break;
      }
      case 'enum':
      case 'bool': {
        const low = raw.toLowerCase();
        if (!s.values!.includes(low)) return fail(`argument(s) must be one of the following: ${s.values!.join(', ')}`);
        v = low;
        break;
      }
      default:
        v = raw;
    }
    this.values.set(s.name, v);
    const lf = kLimitFields[s.name];
    if (lf !== undefined) this.limits[lf] = Number(v);
    this.onChange(s.name, v);
    for (const fn of this.listeners) fn(s.name, v);
    return null;
  }

  isImmutable(name: string): boolean {
    return this.byName.get(name.toLowerCase())?.immutable === true;
  }

  names(): string[] {
    return SETTINGS.map((s) => s.name);
  }
}
