/**
 * Command line: `spindle-server [path/to/redis.conf] [--name value ...]`, like redis-server.
 * Every --name is a setting from server/config.ts; the config file uses the same names.
 */
import { readFileSync } from 'node:fs';
import { splitArgs } from '../protocol/parser.js';
import type { Config } from '../server/config.js';

export function applyArgs(config: Config, argv: string[]): string[] {
  const errors: string[] = [];
  let i = 0;
  if (argv[0] && !argv[0].startsWith('--')) {
    const text = readFileSync(argv[0], 'utf8');
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const parts = splitArgs(Buffer.from(t), 0, Buffer.byteLength(t));
      if (!parts || parts.length < 1) continue;
      const err = config.set(parts[0].toString(), parts.slice(1).map((p) => p.toString()).join(' '), true);
      if (err) errors.push(`${argv[0]}: ${err}`);
    }
    i = 1;
  }
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      errors.push(`unexpected argument '${a}'`);
      continue;
    }
    const name = a.slice(2);
    const vals: string[] = [];
    while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) vals.push(argv[++i]);
    const err = config.set(name, vals.join(' '), true);
    if (err) errors.push(err.replace(/^ERR /, ''));
  }
  return errors;
}
