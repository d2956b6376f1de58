/**
 * COMMAND family: COMMAND, COMMAND COUNT / LIST / INFO / DOCS / GETKEYS / GETKEYSANDFLAGS / HELP.
 * Everything is answered from the spec data (specs/) of the commands that have handlers
 * (the Registry), in Redis 7.0's reply shapes for RESP2 and RESP3.
 * Parse → op → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { lookupSub, type Command } from '../registry.js';
import type { ArgSpec, CommandFlag, CommandSpec, KeySpec, KeySpecFlag } from '../spec.js';
import { forEachKey } from '../keys.js';
import { eqUpper, parseLong } from '../args.js';
import { globMatch } from '../../server/glob.js';
import type { Reply } from '../../protocol/reply.js';
import { E } from '../../errors.js';

// ------------------------------------------------------------------ spec extras

/**
 * Optional COMMAND DOCS / key-spec facts Redis shows when a command has them. The spec type
 * does not declare them (yet); when a spec carries them they are shown, else left out.
 */
interface CommandDocExtras {
  doc_flags?: string[];
  deprecated_since?: string;
  replaced_by?: string;
  history?: [string, string][];
}
interface KeySpecExtras {
  notes?: string;
}
interface ArgExtras {
  summary?: string;
  deprecated_since?: string;
}

// ------------------------------------------------------------------ derived facts

/** Command flags in the order Redis 7.0 replies them; hidden flags are left out. */
const kFlagOrder: CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading',
  'stale', 'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
];

/** ACL categories in Redis's table order (acl.c ACLCommandCategories). */
const kAclOrder = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap',
  'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous',
  'connection', 'transaction', 'scripting',
];

/** Key-spec flags in Redis's reply order. */
const kKeyFlagOrder: KeySpecFlag[] = [
  'RW', 'RO', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete',
  'variable_flags',
];

/** Doc flags in Redis's reply order. */
const kDocFlagOrder = ['deprecated', 'syscmd'];

function ordered<T extends string>(have: Iterable<T>, order: readonly T[]): T[] {
  const s = new Set(have);
  return order.filter((x) => s.has(x));
}

interface Derived {
  flags: string[];
  /** ACL categories with implicit ones added, in reply order, without '@'. */
  acl: string[];
  aclSet: Set<string>;
  first: number;
  last: number;
  step: number;
}

const kDerived = new WeakMap<CommandSpec, Derived>();

function isIndexRange(ks: KeySpec): boolean {
  return 'index' in ks.begin_search && 'range' in ks.find_keys;
}

/** Redis's populateCommandLegacyRangeSpec, turned into COMMAND INFO's (first, last, step). */
export function legacyRange(specs: KeySpec[] | undefined): [number, number, number] {
  if (!specs || specs.length === 0) return [0, 0, 0];
  if (specs.length === 1 && isIndexRange(specs[0])) {
    const bs = specs[0].begin_search as { index: { pos: number } };
    const fk = specs[0].find_keys as { range: { lastkey: number; step: number } };
    const pos = bs.index.pos, lastkey = fk.range.lastkey;
    return [pos, lastkey >= 0 ? lastkey + pos : lastkey, fk.range.step];
  }
  let first = Number.MAX_SAFE_INTEGER, last = 0;
  for (const ks of specs) {
    if (!isIndexRange(ks)) continue;
    const pos = (ks.begin_search as { index: { pos: number } }).index.pos;
    const fk = (ks.find_keys as { range: { lastkey: number; step: number } }).range;
    if (fk.step !== 1) return [0, 0, 0];
    first = Math.min(first, pos);
    const abs = fk.lastkey >= 0 ? fk.lastkey + pos : fk.lastkey;
    // Redis compares as unsigned, so a negative (relative-to-end) lastkey wins.
    if (abs >>> 0 > last >>> 0) last = abs;
  }
  if (first === Number.MAX_SAFE_INTEGER) return [0, 0, 0];
  return [first, last, 1];
}

function derive(spec: CommandSpec): Derived {
  let d = kDerived.get(spec);
  if (d) return d;
  const flags = new Set<string>(spec.flags);
  if (spec.key_specs?.some((ks) => !isIndexRange(ks))) flags.add('movablekeys');
  const acl = new Set(spec.acl);
  if (flags.has('write')) acl.add('write');
  if (flags.has('readonly')) acl.add('read');
  if (flags.has('admin')) { acl.add('admin'); acl.add('dangerous'); }
  if (flags.has('pubsub')) acl.add('pubsub');
  if (flags.has('fast')) acl.add('fast');
  if (flags.has('blocking')) acl.add('blocking');
  if (!acl.has('fast')) acl.add('slow');
  const [first, last, step] = legacyRange(spec.key_specs);
  const aclList = ordered(acl, kAclOrder);
  d = {
    flags: ordered(flags as Set<CommandFlag>, kFlagOrder),
    acl: aclList,
    aclSet: new Set(aclList),
    first, last, step,
  };
  kDerived.set(spec, d);
  return d;
}

// ------------------------------------------------------------------ lookups

/** Implemented subcommands of cmd, in spec order. */
function subsOf(cmd: Command): Command[] {
  return cmd.subcommands === null ? [] : [...cmd.subcommands.values()];
}

/**
 * Redis's lookupCommandBySds: "name" or "container|sub", case-insensitive, strict
 * (a name with '|' must name an implemented subcommand of a container).
 */
function lookupByFullName(c: Ctx, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = c.engine.registry.get(parts[0]);
  if (base === undefined || parts.length === 1) return base;
  if (base.subcommands === null) return undefined;
  return base.subcommands.get(parts[1].toLowerCase());
}

// ------------------------------------------------------------------ reply builders

function replyFlagSet(r: Reply, flags: readonly string[]): void {
  r.set(flags.length);
  for (const f of flags) r.simple(f);
}

function replyKeySpec(r: Reply, ks: KeySpec): void {
  const notes = (ks as KeySpec & KeySpecExtras).notes;
  r.map(notes !== undefined ? 4 : 3);
  if (notes !== undefined) {
    r.bulkString('notes');
    r.bulkString(notes);
  }
  r.bulkString('flags');
  replyFlagSet(r, ordered(ks.flags, kKeyFlagOrder));

  r.bulkString('begin_search');
  r.map(2);
  r.bulkString('type');
  const bs = ks.begin_search;
  if ('index' in bs) {
    r.bulkString('index');
    r.bulkString('spec');
    r.map(1);
    r.bulkString('index'); r.int(bs.index.pos);
  } else if ('keyword' in bs) {
    r.bulkString('keyword');
    r.bulkString('spec');
    r.map(2);
    r.bulkString('keyword'); r.bulkString(bs.keyword.keyword);
    r.bulkString('startfrom'); r.int(bs.keyword.startfrom);
  } else {
    r.bulkString('unknown');
    r.bulkString('spec');
    r.map(0);
  }

  r.bulkString('find_keys');
  r.map(2);
  r.bulkString('type');
  const fk = ks.find_keys;
  if ('range' in fk) {
    r.bulkString('range');
    r.bulkString('spec');
    r.map(3);
    r.bulkString('lastkey'); r.int(fk.range.lastkey);
    r.bulkString('keystep'); r.int(fk.range.step);
    r.bulkString('limit'); r.int(fk.range.limit);
  } else if ('keynum' in fk) {
    r.bulkString('keynum');
    r.bulkString('spec');
    r.map(3);
    r.bulkString('keynumidx'); r.int(fk.keynum.keynumidx);
    r.bulkString('firstkey'); r.int(fk.keynum.firstkey);
    r.bulkString('keystep'); r.int(fk.keynum.step);
  } else {
    r.bulkString('unknown');
    r.bulkString('spec');
    r.map(0);
  }
}

/** One COMMAND INFO entry (Redis's addReplyCommandInfo); undefined → null entry. */
function replyCommandInfo(r: Reply, cmd: Command | undefined): void {
  if (cmd === undefined) return r.nullBulk();
  const spec = cmd.spec;
  const d = derive(spec);
  r.array(10);
  r.bulkString(cmd.name);
  r.int(cmd.arity);
  replyFlagSet(r, d.flags);
  r.int(d.first);
  r.int(d.last);
  r.int(d.step);
  r.set(d.acl.length);
  for (const a of d.acl) r.simple(`@${a}`);
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulkString(t);
  const ks = spec.key_specs ?? [];
  r.set(ks.length);
  for (const k of ks) replyKeySpec(r, k);
  if (cmd.subcommands === null) {
    r.set(0);
  } else {
    const subs = subsOf(cmd);
    r.array(subs.length);
    for (const s of subs) replyCommandInfo(r, s);
  }
}

function replyArgs(r: Reply, args: ArgSpec[]): void {
  r.array(args.length);
  for (const a of args) {
    const x = a as ArgSpec & ArgExtras;
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multiple_token) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block';
    let n = 2;
    if (a.key_spec_index !== undefined) n++;
    if (a.token !== undefined) n++;
    if (x.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (x.deprecated_since !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested) n++;
    r.map(n);
    r.bulkString('name'); r.bulkString(a.name);
    r.bulkString('type'); r.bulkString(a.type);
    if (a.key_spec_index !== undefined) { r.bulkString('key_spec_index'); r.int(a.key_spec_index); }
    if (a.token !== undefined) { r.bulkString('token'); r.bulkString(a.token); }
    if (x.summary !== undefined) { r.bulkString('summary'); r.bulkString(x.summary); }
    if (a.since !== undefined) { r.bulkString('since'); r.bulkString(a.since); }
    if (x.deprecated_since !== undefined) {
      r.bulkString('deprecated_since'); r.bulkString(x.deprecated_since);
    }
    if (flags.length > 0) { r.bulkString('flags'); replyFlagSet(r, flags); }
    if (nested) { r.bulkString('arguments'); replyArgs(r, a.arguments ?? []); }
  }
}

/** One COMMAND DOCS value (Redis's addReplyCommandDocs): a map of the documented fields. */
function replyCommandDocs(r: Reply, cmd: Command): void {
  const s = cmd.spec as CommandSpec & CommandDocExtras;
  const docFlags = s.doc_flags && s.doc_flags.length > 0 ? ordered(s.doc_flags, kDocFlagOrder) : null;
  let n = 1;
  if (s.summary) n++;
  if (s.since) n++;
  if (s.complexity) n++;
  if (docFlags) n++;
  if (s.deprecated_since) n++;
  if (s.replaced_by) n++;
  if (s.history) n++;
  if (s.arguments) n++;
  if (cmd.subcommands !== null) n++;
  r.map(n);
  if (s.summary) { r.bulkString('summary'); r.bulkString(s.summary); }
  if (s.since) { r.bulkString('since'); r.bulkString(s.since); }
  r.bulkString('group'); r.bulkString(s.group);
  if (s.complexity) { r.bulkString('complexity'); r.bulkString(s.complexity); }
  if (docFlags) { r.bulkString('doc_flags'); replyFlagSet(r, docFlags); }
  if (s.deprecated_since) { r.bulkString('deprecated_since'); r.bulkString(s.deprecated_since); }
  if (s.replaced_by) { r.bulkString('replaced_by'); r.bulkString(s.replaced_by); }
  if (s.history) {
    r.bulkString('history');
    r.set(s.history.length);
    for (const [since, change] of s.history) {
      r.array(2);
      r.bulkString(since);
      r.bulkString(change);
    }
  }
  if (s.arguments) { r.bulkString('arguments'); replyArgs(r, s.arguments); }
  if (cmd.subcommands !== null) {
    r.bulkString('subcommands');
    const subs = subsOf(cmd);
    r.map(subs.length);
    for (const sub of subs) {
      r.bulkString(sub.name);
      replyCommandDocs(r, sub);
    }
  }
}

// ------------------------------------------------------------------ key extraction

/**
 * Key flags for specs marked variable_flags: Redis computes them with the command's own
 * getkeys function (setGetKeys, bitfieldGetKeys). `base` is the index of the command name.
 */
const kVariableKeyFlags: Record<string, (c: Ctx, base: number, argc: number) => KeySpecFlag[]> = {
  set(c, base, argc) {
    for (let i = 3; i < argc; i++) {
      if (c.is(base + i, 'GET')) return ['RW', 'access', 'update'];
    }
    return ['OW', 'update'];
  },
  bitfield(c, base, argc) {
    for (let i = 2; i < argc; i++) {
      const more = argc - i - 1;
      if (c.is(base + i, 'GET') && more >= 2) i += 2;
      else if ((c.is(base + i, 'SET') || c.is(base + i, 'INCRBY')) && more >= 3) return ['RW', 'access', 'update'];
      else if (c.is(base + i, 'OVERFLOW') && more >= 1) i += 1;
      else return ['RW', 'access', 'update'];
    }
    return ['RO', 'access'];
  },
};

interface FoundKey {
  pos: number;
  flags: readonly KeySpecFlag[];
}

/**
 * The keys of the command line that starts at argument `base`, by key spec, with each spec's
 * flags. Returns null when the arguments do not fit the specs (Redis's invalid_spec): a spec
 * whose args are out of range, or an index-started spec that finds no key.
 */
function findKeys(c: Ctx, cmd: Command, base: number): FoundKey[] | null {
  const argc = c.argc - base;
  const b = c.buf, offs = c.offs, lens = c.lens;
  const out: FoundKey[] = [];
  const varFlags = kVariableKeyFlags[cmd.name];
  for (const ks of cmd.spec.key_specs ?? []) {
    if (ks.flags.includes('not_key')) continue;
    const bs = ks.begin_search;
    const fromKeyword = 'keyword' in bs;
    // Redis searches a keyword from `startfrom` up to, not including, the last argument.
    const kwEnd = fromKeyword && bs.keyword.startfrom > 0 ? argc - 1 : argc;
    const flags = ks.flags.includes('variable_flags') && varFlags ? varFlags(c, base, argc) : ks.flags;
    let found = 0;
    const ok = forEachKey([ks], argc,
      (i) => (i < argc ? parseLong(b, offs[base + i], lens[base + i]) : null),
      (i, kw) => i < kwEnd && eqUpper(b, offs[base + i], lens[base + i], kw.toUpperCase()),
      (i) => {
        found++;
        out.push({ pos: base + i, flags });
      });
    if (!ok) return null;
    if (found === 0 && !fromKeyword) return null;
  }
  return out;
}

// ------------------------------------------------------------------ commands

function commandCommand(c: Ctx): void {
  const all = c.engine.registry.all();
  c.reply.array(all.length);
  for (const cmd of all) replyCommandInfo(c.reply, cmd);
}

function commandCountCommand(c: Ctx): void {
  c.reply.int(c.engine.registry.all().length);
}

function commandListCommand(c: Ctx): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < c.argc; i++) {
    const more = c.argc - 1 - i;
    if (!(c.is(i, 'FILTERBY') && more === 2)) return c.reply.error(E.syntax);
    const arg = c.bin(i + 2);
    if (c.is(i + 1, 'MODULE')) {
      filter = () => false; // no modules
    } else if (c.is(i + 1, 'ACLCAT')) {
      const cat = arg.toLowerCase();
      filter = (cmd) => derive(cmd.spec).aclSet.has(cat);
    } else if (c.is(i + 1, 'PATTERN')) {
      filter = (cmd) => globMatch(arg, cmd.name, true);
    } else {
      return c.reply.error(E.syntax);
    }
    i += 2;
  }
  const names: string[] = [];
  const walk = (cmds: Iterable<Command>): void => {
    for (const cmd of cmds) {
      if (filter === null || filter(cmd)) names.push(cmd.name);
      if (cmd.subcommands !== null) walk(cmd.subcommands.values());
    }
  };
  walk(c.engine.registry.all());
  c.reply.array(names.length);
  for (const n of names) c.reply.bulkString(n);
}

function commandInfoCommand(c: Ctx): void {
  if (c.argc === 2) return commandCommand(c);
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) replyCommandInfo(c.reply, lookupByFullName(c, c.bin(i)));
}

function commandDocsCommand(c: Ctx): void {
  let cmds: Command[];
  if (c.argc === 2) {
    cmds = c.engine.registry.all();
  } else {
    cmds = [];
    for (let i = 2; i < c.argc; i++) {
      const cmd = lookupByFullName(c, c.bin(i));
      if (cmd !== undefined) cmds.push(cmd);
    }
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) {
    c.reply.bulkString(cmd.name);
    replyCommandDocs(c.reply, cmd);
  }
}

function getKeysGeneric(c: Ctx, withFlags: boolean): void {
  // Redis's lookupCommand on argv+2: a container takes its subcommand from the next argument.
  let cmd = c.engine.registry.lookup(c.buf, c.offs[2], c.lens[2]);
  if (cmd !== undefined && cmd.subcommands !== null && c.argc - 2 > 1) {
    cmd = lookupSub(cmd, c.buf, c.offs[3], c.lens[3]);
  }
  if (cmd === undefined) return c.reply.error(E.getkeysInvalidCommand);
  if (!(cmd.spec.key_specs ?? []).some((ks) => !ks.flags.includes('not_key'))) {
    return c.reply.error(E.getkeysNoKeys);
  }
  const n = c.argc - 2;
  if ((cmd.arity > 0 && cmd.arity !== n) || n < -cmd.arity) {
    return c.reply.error(E.getkeysInvalidArgCount);
  }
  const keys = findKeys(c, cmd, 2);
  const r = c.reply;
  if (keys === null || keys.length === 0) {
    if (cmd.spec.flags.includes('no_mandatory_keys')) return r.array(0);
    return r.error(E.getkeysInvalidArgs);
  }
  r.array(keys.length);
  for (const k of keys) {
    if (withFlags) {
      r.array(2);
      r.bulk(c.buf, c.offs[k.pos], c.lens[k.pos]);
      replyFlagSet(r, ordered(k.flags, kKeyFlagOrder));
    } else {
      r.bulk(c.buf, c.offs[k.pos], c.lens[k.pos]);
    }
  }
}

const kHelp = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

function commandHelpCommand(c: Ctx): void {
  c.replyLines(kHelp);
}

// ------------------------------------------------------------------ registration

export const commandCommands: FamilyTable = {
  command: {
    handler: commandCommand,
    subcommands: {
      count: { handler: commandCountCommand },
      list: { handler: commandListCommand },
      info: { handler: commandInfoCommand },
      docs: { handler: commandDocsCommand },
      getkeys: { handler: (c) => getKeysGeneric(c, false) },
      getkeysandflags: { handler: (c) => getKeysGeneric(c, true) },
      help: { handler: commandHelpCommand },
    },
  },
};
