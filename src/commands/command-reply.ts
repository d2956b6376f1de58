/**
 * COMMAND INFO and COMMAND DOCS replies built from the spec data: the derived legacy facts
 * (first/last/step, flag and ACL order as Redis prints them) and the reply encoders for both
 * protocols. Used by the COMMAND family (families/command.ts).
 */
import type { Command } from './registry.js';
import type { ArgSpec, CommandFlag, CommandSpec, KeySpec, KeySpecFlag } from './spec.js';
import type { Ctx } from './context.js';
import type { Reply } from '../protocol/reply.js';

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
export const kKeyFlagOrder: KeySpecFlag[] = [
  'RW', 'RO', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete',
  'variable_flags',
];

/** Doc flags in Redis's reply order. */
const kDocFlagOrder = ['deprecated', 'syscmd'];

export function ordered<T extends string>(have: Iterable<T>, order: readonly T[]): T[] {
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

export function derive(spec: CommandSpec): Derived {
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
export function lookupByFullName(c: Ctx, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = c.engine.registry.get(parts[0]);
  if (base === undefined || parts.length === 1) return base;
  if (base.subcommands === null) return undefined;
  return base.subcommands.get(parts[1].toLowerCase());
}

// ------------------------------------------------------------------ reply builders

export function replyFlagSet(r: Reply, flags: readonly string[]): void {
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
export function replyCommandInfo(r: Reply, cmd: Command | undefined): void {
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
export function replyCommandDocs(r: Reply, cmd: Command): void {
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
