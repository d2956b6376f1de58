/**
 * COMMAND family: COMMAND, COMMAND COUNT / LIST / INFO / DOCS / GETKEYS / GETKEYSANDFLAGS / HELP.
 * Everything is answered from the spec data (specs/) of the commands that have handlers
 * (the Registry), in Redis 7.0's reply shapes for RESP2 and RESP3.
 * Parse → op → reply, then the registration table.
 */
import type { Ctx, FamilyTable } from '../context.js';
import { lookupSub, type Command } from '../registry.js';
import type { KeySpecFlag } from '../spec.js';
import { derive, kKeyFlagOrder, lookupByFullName, ordered, replyCommandDocs, replyCommandInfo, replyFlagSet } from '../command-reply.js';
import { forEachKey } from '../keys.js';
import { eqUpper, parseLong } from '../args.js';
import { globMatch } from '../../server/glob.js';
import { E } from '../../errors.js';

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
  if (cmd.name === 'sort') return sortKeys(c, base);
  const argc = c.argc - base;
  const b = c.buf, offs = c.offs, lens = c.lens;
  const out: FoundKey[] = [];
  const varFlags = kVariableKeyFlags[cmd.name];
  for (const ks of cmd.spec.key_specs ?? []) {
    if (ks.flags.includes('not_key')) continue;
    const bs = ks.begin_search;
    if ('unknown' in bs) continue; // Redis skips specs it cannot follow (SORT_RO's BY/GET keys)
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

/**
 * SORT's keys, as Redis's sortGetKeys finds them (its STORE key spec is "incomplete"): the
 * source, then the key after the last STORE. LIMIT, GET and BY skip their arguments while
 * looking; the word after STORE is itself looked at as an option, as in Redis.
 */
function sortKeys(c: Ctx, base: number): FoundKey[] {
  const argc = c.argc - base;
  const out: FoundKey[] = [{ pos: base + 1, flags: ['RO', 'access'] }];
  let store = -1;
  for (let i = 2; i < argc; i++) {
    if (c.is(base + i, 'LIMIT')) i += 2;
    else if (c.is(base + i, 'GET') || c.is(base + i, 'BY')) i += 1;
    else if (c.is(base + i, 'STORE') && i + 1 < argc) store = base + i + 1;
  }
  if (store >= 0) out.push({ pos: store, flags: ['OW', 'update'] });
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
