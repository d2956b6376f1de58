/**
 * The command table: specs (data, from specs/) joined with handlers (from families/) by name.
 * A spec with no handler is not implemented and COMMAND does not list it.
 *
 * Central checks live here and in the dispatcher, never in handlers: lookup of the command and
 * subcommand, arity, and key positions.
 */
import type { CommandFlag, CommandSpec } from './spec.js';
import type { FamilyTable, Handler, Registration } from './context.js';
import { ALL_SPECS } from './specs/index.js';

export const enum F {
  Write = 1 << 0,
  Readonly = 1 << 1,
  Denyoom = 1 << 2,
  Admin = 1 << 3,
  Pubsub = 1 << 4,
  Noscript = 1 << 5,
  Blocking = 1 << 6,
  Loading = 1 << 7,
  Stale = 1 << 8,
  Fast = 1 << 9,
  NoAuth = 1 << 10,
  NoMulti = 1 << 11,
  AllowBusy = 1 << 12,
}

const kFlagBits: Partial<Record<CommandFlag, number>> = {
  write: F.Write, readonly: F.Readonly, denyoom: F.Denyoom, admin: F.Admin, pubsub: F.Pubsub,
  noscript: F.Noscript, blocking: F.Blocking, loading: F.Loading, stale: F.Stale, fast: F.Fast,
  no_auth: F.NoAuth, no_multi: F.NoMulti, allow_busy: F.AllowBusy,
};

export interface Command {
  /** Full lower-case name ("get", "client|list"). */
  name: string;
  spec: CommandSpec;
  arity: number;
  flags: number;
  handler: Handler;
  allShards: boolean;
  /** Registration.offload: executed by the script worker when a connection sends it. */
  offload: boolean;
  hasKeys: boolean;
  /** Fast path for the common key layout: keys from first to (argc + last) or last, by step. */
  simpleKeys: { first: number; last: number; step: number } | null;
  /** Fast path for one keynum spec (EVAL, FCALL, ZUNIONSTORE, ...): the count at `num`, keys from `first` by step. */
  numKeys: { num: number; first: number; step: number } | null;
  subcommands: Map<string, Command> | null;
  /** Calls since start (INFO commandstats). */
  calls: number;
}

function build(spec: CommandSpec, reg: Registration): Command | null {
  const subs = new Map<string, Command>();
  if (spec.subcommands && reg.subcommands) {
    for (const sub of spec.subcommands) {
      const subName = sub.name.split('|')[1];
      const r = reg.subcommands[subName];
      if (!r) continue;
      const c = build(sub, r);
      if (c) subs.set(subName, c);
    }
  }
  if (!reg.handler && subs.size === 0) return null;
  let flags = 0;
  for (const f of spec.flags) flags |= kFlagBits[f] ?? 0;
  let simpleKeys: Command['simpleKeys'] = null;
  let numKeys: Command['numKeys'] = null;
  const ks = spec.key_specs;
  if (ks && ks.length === 1 && !ks[0].flags.includes('not_key')) {
    const bs = ks[0].begin_search, fk = ks[0].find_keys;
    if ('index' in bs && 'keynum' in fk) {
      const p = bs.index.pos;
      numKeys = { num: p + fk.keynum.keynumidx, first: p + fk.keynum.firstkey, step: fk.keynum.step };
    }
    if ('index' in bs && 'range' in fk && (fk.range.lastkey >= 0 || fk.range.limit <= 1)) {
      const first = bs.index.pos;
      simpleKeys = {
        first,
        last: fk.range.lastkey >= 0 ? first + fk.range.lastkey : fk.range.lastkey,
        step: fk.range.step,
      };
    }
  }
  return {
    name: spec.name,
    spec,
    arity: spec.arity,
    flags,
    handler: reg.handler ?? (() => undefined),
    allShards: reg.allShards ?? false,
    offload: reg.offload ?? false,
    hasKeys: !!ks && ks.length > 0,
    simpleKeys,
    numKeys,
    subcommands: subs.size > 0 ? subs : null,
    calls: 0,
  };
}

export class Registry {
  private readonly byName = new Map<string, Command>();
  /** nameCode(name) → command; built so that codes never collide (checked at start-up). */
  private readonly byCode = new Map<number, Command>();
  readonly commands: Command[] = [];

  constructor(families: FamilyTable[]) {
    const specs = new Map(ALL_SPECS.map((s) => [s.name, s]));
    for (const fam of families) {
      for (const [name, reg] of Object.entries(fam)) {
        const spec = specs.get(name);
        if (!spec) throw new Error(`handler registered for '${name}' has no command spec`);
        const cmd = build(spec, reg);
        if (!cmd) continue;
        this.commands.push(cmd);
        this.byName.set(name, cmd);
        const nb = Buffer.from(name);
        const code = nameCode(nb, 0, nb.length);
        if (this.byCode.has(code)) throw new Error(`command name code collision: ${name}`);
        this.byCode.set(code, cmd);
      }
    }
  }

  /** Look a command up by its name bytes, case-insensitively, without making a string. */
  lookup(b: Uint8Array, off: number, len: number): Command | undefined {
    if (len > 32) return undefined;
    const cand = this.byCode.get(nameCode(b, off, len));
    if (cand === undefined) return undefined;
    const name = cand.name;
    if (name.length !== len) return undefined;
    for (let i = 0; i < len; i++) {
      let ch = b[off + i];
      if (ch >= 65 && ch <= 90) ch += 32;
      if (ch !== name.charCodeAt(i)) return undefined;
    }
    return cand;
  }

  get(name: string): Command | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Every implemented command and subcommand (for COMMAND COUNT/LIST). */
  all(): Command[] {
    return this.commands;
  }
}

/** A case-insensitive 32-bit code of a command name's bytes (lower-cased FNV-1a). */
function nameCode(b: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) {
    let ch = b[off + i];
    if (ch >= 65 && ch <= 90) ch += 32;
    h = Math.imul(h ^ ch, 0x01000193);
  }
  return h >>> 0;
}

/** Look up a subcommand by its name bytes. */
export function lookupSub(cmd: Command, b: Uint8Array, off: number, len: number): Command | undefined {
  if (len > 64) return undefined;
  return cmd.subcommands!.get(Buffer.from(b.subarray(off, off + len)).toString('latin1').toLowerCase());
}
