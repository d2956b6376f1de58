/**
 * COMMAND family. Expected byte strings were captured from a real redis-server 7.0.15 (same
 * commands, HELLO 2 / HELLO 3); where our spec data words summaries differently, the expected
 * bytes substitute our summary and nothing else.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';
import { ALL_SPECS, findSpec } from '../../src/commands/specs/index.js';
import { legacyRange } from '../../src/commands/command-reply.js';
import type { KeySpec } from '../../src/commands/spec.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

const c2 = h.client(2);
const c3 = h.client(3);

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

// ---- Redis 7.0.15 replies

const GET_INFO_2 = '*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n';
const MSET_INFO_2 = '*10\r\n$4\r\nmset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n*2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\nresponse_policy:all_succeeded\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n$5\r\nlimit\r\n:0\r\n*0\r\n';
const CLIENT_LIST_INFO_2 = '*10\r\n$11\r\nclient|list\r\n:-2\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n';

const GET_INFO_3 = '*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n';
const MSET_INFO_3 = '*10\r\n$4\r\nmset\r\n:-3\r\n~2\r\n+write\r\n+denyoom\r\n:1\r\n:-1\r\n:2\r\n~3\r\n+@write\r\n+@string\r\n+@slow\r\n~2\r\n$26\r\nrequest_policy:multi_shard\r\n$29\r\nresponse_policy:all_succeeded\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:2\r\n$5\r\nlimit\r\n:0\r\n~0\r\n';
const CLIENT_LIST_INFO_3 = '*10\r\n$11\r\nclient|list\r\n:-2\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n~1\r\n$23\r\nnondeterministic_output\r\n~0\r\n~0\r\n';

const getSummary = findSpec('get')!.summary;
const GET_DOCS_2 = `*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n${bulk(getSummary)}$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n`;
const GET_DOCS_3 = `%1\r\n$3\r\nget\r\n%5\r\n$7\r\nsummary\r\n${bulk(getSummary)}$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n`;

const getexSummary = findSpec('getex')!.summary;
const GETEX_DOCS_2 = `*2\r\n$5\r\ngetex\r\n*10\r\n$7\r\nsummary\r\n${bulk(getexSummary)}$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$10\r\nexpiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$7\r\nseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nEX\r\n*6\r\n$4\r\nname\r\n$12\r\nmilliseconds\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nPX\r\n*6\r\n$4\r\nname\r\n$17\r\nunix-time-seconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nEXAT\r\n*6\r\n$4\r\nname\r\n$22\r\nunix-time-milliseconds\r\n$4\r\ntype\r\n$9\r\nunix-time\r\n$5\r\ntoken\r\n$4\r\nPXAT\r\n*6\r\n$4\r\nname\r\n$7\r\npersist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nPERSIST\r\n`;

const HELP = '*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n+    Return details about all Redis commands.\r\n+COUNT\r\n+    Return the total number of commands in this Redis server.\r\n+LIST\r\n+    Return a list of all commands in this Redis server.\r\n+INFO [<command-name> ...]\r\n+    Return details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+DOCS [<command-name> ...]\r\n+    Return documentation details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+GETKEYS <full-command>\r\n+    Return the keys from a full Redis command.\r\n+GETKEYSANDFLAGS <full-command>\r\n+    Return the keys and the access flags from a full Redis command.\r\n+HELP\r\n+    Prints this help.\r\n';

const run2 = (...a: string[]) => h.run(c2, ...a);
const run3 = (...a: string[]) => h.run(c3, ...a);

describe('COMMAND INFO', () => {
  it('matches Redis 7.0 byte for byte (RESP2)', () => {
    expect(run2('COMMAND', 'INFO', 'get', 'mset', 'client|list', 'nosuch'))
      .toBe(`*4\r\n${GET_INFO_2}${MSET_INFO_2}${CLIENT_LIST_INFO_2}$-1\r\n`);
  });

  it('matches Redis 7.0 byte for byte (RESP3)', () => {
    expect(run3('COMMAND', 'INFO', 'get', 'mset', 'client|list', 'nosuch'))
      .toBe(`*4\r\n${GET_INFO_3}${MSET_INFO_3}${CLIENT_LIST_INFO_3}_\r\n`);
  });

  it('looks names up case-insensitively and strictly', () => {
    expect(run2('COMMAND', 'INFO', 'GeT')).toBe(`*1\r\n${GET_INFO_2}`);
    expect(run2('COMMAND', 'INFO', 'CLIENT|LIST')).toBe(`*1\r\n${CLIENT_LIST_INFO_2}`);
    // a subcommand of a command without subcommands, too many levels, unknown subcommand
    expect(run2('COMMAND', 'INFO', 'get|x', 'client|list|x', 'client|nosuch', '|'))
      .toBe('*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n');
  });

  it('a container lists its implemented subcommands as nested entries', () => {
    const v = h.call(c2, 'COMMAND', 'INFO', 'client') as unknown[][];
    const e = v[0];
    expect(e.slice(0, 8)).toEqual(['client', -2, [], 0, 0, 0, ['@slow'], []]);
    const subs = (e[9] as unknown[][]).map((s) => s[0]);
    expect(subs).toContain('client|list');
    expect(subs.length).toBe(h.engine.registry.get('client')!.subcommands!.size);
  });

  it('with no names, and plain COMMAND, describe every implemented command', () => {
    const n = h.engine.registry.all().length;
    const all = h.call(c2, 'COMMAND') as unknown[][];
    expect(all.length).toBe(n);
    expect(h.call(c2, 'COMMAND', 'INFO')).toEqual(all);
    expect(all.map((e) => e[0])).toEqual(h.engine.registry.all().map((c) => c.name));
  });
});

describe('COMMAND DOCS', () => {
  it('matches Redis 7.0 structure (RESP2 flattened, RESP3 maps)', () => {
    expect(run2('COMMAND', 'DOCS', 'get')).toBe(GET_DOCS_2);
    expect(run3('COMMAND', 'DOCS', 'get')).toBe(GET_DOCS_3);
    expect(run2('COMMAND', 'DOCS', 'getex')).toBe(GETEX_DOCS_2);
  });

  it('skips unknown names', () => {
    expect(run3('COMMAND', 'DOCS', 'nosuch', 'client|nosuch')).toBe('%0\r\n');
    expect(run2('COMMAND', 'DOCS', 'nosuch')).toBe('*0\r\n');
    expect(run3('COMMAND', 'DOCS', 'nosuch', 'GET')).toBe(GET_DOCS_3);
  });

  it('a container has a subcommands map; all commands without names', () => {
    const d = h.call(c3, 'COMMAND', 'DOCS', 'client') as Map<string, Map<string, unknown>>;
    const client = d.get('client')!;
    expect([...client.keys()]).toEqual(['summary', 'since', 'group', 'complexity', 'subcommands']);
    const subs = client.get('subcommands') as Map<string, Map<string, unknown>>;
    expect(subs.get('client|list')!.get('group')).toBe('connection');
    const all = h.call(c3, 'COMMAND', 'DOCS') as Map<string, unknown>;
    expect([...all.keys()]).toEqual(h.engine.registry.all().map((c) => c.name));
  });
});

describe('COMMAND COUNT / LIST', () => {
  it('COUNT is the number of implemented top-level commands', () => {
    expect(h.call(c2, 'COMMAND', 'COUNT')).toBe(h.engine.registry.all().length);
    expect(run2('COMMAND', 'COUNT', 'x')).toBe("-ERR wrong number of arguments for 'command|count' command\r\n");
  });

  it('LIST names every command and subcommand, container first', () => {
    const names = h.call(c2, 'COMMAND', 'LIST') as string[];
    const i = names.indexOf('client');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(names[i + 1].startsWith('client|')).toBe(true);
    expect(names).toContain('command|getkeysandflags');
    // exactly the implemented commands (specs without handlers are not listed)
    const want: string[] = [];
    for (const c of h.engine.registry.all()) {
      want.push(c.name);
      for (const s of c.subcommands?.values() ?? []) want.push(s.name);
    }
    expect(names).toEqual(want);
    const unimplemented = ALL_SPECS.find((s) => h.engine.registry.get(s.name) === undefined);
    if (unimplemented) expect(names).not.toContain(unimplemented.name);
  });

  it('FILTERBY PATTERN / ACLCAT / MODULE', () => {
    expect(run2('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|L*')).toBe('*1\r\n$11\r\nclient|list\r\n');
    expect(run2('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'ge?')).toBe('*1\r\n$3\r\nget\r\n');
    const str = h.call(c2, 'COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'StrinG') as string[];
    expect(str).toContain('get');
    expect(str).toContain('incrbyfloat');
    expect(str).not.toContain('ping');
    // implicit categories: admin flag → @dangerous
    expect(h.call(c2, 'COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'dangerous')).toContain('client|list');
    expect(run2('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch')).toBe('*0\r\n');
    expect(run2('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')).toBe('*0\r\n');
  });

  it('syntax errors as Redis', () => {
    for (const args of [['FILTERBY', 'x', 'y'], ['FILTERBY', 'PATTERN'], ['foo'],
      ['FILTERBY', 'PATTERN', 'x', 'FILTERBY', 'PATTERN', 'y']]) {
      expect(run2('COMMAND', 'LIST', ...args)).toBe('-ERR syntax error\r\n');
    }
  });
});

describe('COMMAND GETKEYS / GETKEYSANDFLAGS', () => {
  it('extracts keys from key specs', () => {
    expect(run2('COMMAND', 'GETKEYS', 'mset', 'a', 'b', 'c', 'd')).toBe('*2\r\n$1\r\na\r\n$1\r\nc\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'mset', 'a', 'b', 'c')).toBe('*2\r\n$1\r\na\r\n$1\r\nc\r\n');
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'MGET', 'x', 'y', 'z')).toEqual(['x', 'y', 'z']);
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'getex', 'k', 'EX', '1')).toEqual(['k']);
  });

  it('finds SORT keys as sortGetKeys does (the last STORE wins; SORT_RO skips its unknown spec)', () => {
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'SORT', 'k')).toEqual(['k']);
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'SORT', 'k', 'LIMIT', '0', '1', 'STORE', 'd', 'GET', '#', 'STORE', 'e')).toEqual(['k', 'e']);
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE', 'limit', 'x', 'y')).toEqual(['k', 'limit']);
    expect(run2('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k', 'STORE', 'd'))
      .toBe('*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n');
    expect(h.call(c2, 'COMMAND', 'GETKEYS', 'SORT_RO', 'k', 'BY', 'w')).toEqual(['k']);
  });

  it('flags, RESP2 and RESP3', () => {
    expect(run2('COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', 'b', 'c', 'd'))
      .toBe('*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nc\r\n*2\r\n+OW\r\n+update\r\n');
    expect(run3('COMMAND', 'GETKEYSANDFLAGS', 'mset', 'a', 'b', 'c', 'd'))
      .toBe('*2\r\n*2\r\n$1\r\na\r\n~2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nc\r\n~2\r\n+OW\r\n+update\r\n');
  });

  it('SET key flags depend on GET (variable_flags), as Redis', () => {
    expect(run2('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'get'))
      .toBe('*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n');
    expect(run2('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'GeT'))
      .toBe('*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n');
    expect(run2('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b'))
      .toBe('*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n');
  });

  it('errors as Redis', () => {
    expect(run2('COMMAND', 'GETKEYS', 'foo', 'a')).toBe('-ERR Invalid command specified\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'client', 'foo', 'x')).toBe('-ERR Invalid command specified\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'get', 'a', 'b')).toBe('-ERR Invalid number of arguments specified for command\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'ping', 'x', 'y')).toBe('-ERR The command has no key arguments\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'client', 'list')).toBe('-ERR The command has no key arguments\r\n');
    expect(run2('COMMAND', 'GETKEYS', 'get')).toBe("-ERR wrong number of arguments for 'command|getkeys' command\r\n");
  });
});

describe('COMMAND HELP and dispatch', () => {
  it('HELP text as Redis 7.0', () => {
    expect(run2('COMMAND', 'HELP')).toBe(HELP);
    expect(run3('command', 'help')).toBe(HELP);
  });

  it('unknown subcommand', () => {
    expect(run2('COMMAND', 'FOO')).toBe("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
  });
});

describe('legacy (first, last, step) range', () => {
  const idx = (pos: number, lastkey: number, step = 1, flags: KeySpec['flags'] = ['RW']): KeySpec =>
    ({ flags, begin_search: { index: { pos } }, find_keys: { range: { lastkey, step, limit: 0 } } });
  const kw: KeySpec = {
    flags: ['RW'], begin_search: { keyword: { keyword: 'KEYS', startfrom: -2 } },
    find_keys: { range: { lastkey: -1, step: 1, limit: 0 } },
  };
  const keynum: KeySpec = {
    flags: ['RO'], begin_search: { index: { pos: 2 } },
    find_keys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
  };

  it('follows populateCommandLegacyRangeSpec', () => {
    expect(legacyRange(undefined)).toEqual([0, 0, 0]);
    expect(legacyRange([idx(1, -1, 2)])).toEqual([1, -1, 2]); // MSET: one spec is copied as is
    expect(legacyRange([idx(1, 0), idx(2, 0)])).toEqual([1, 2, 1]); // RENAME
    expect(legacyRange([idx(2, 0), idx(3, -1)])).toEqual([2, -1, 1]); // BITOP: negative wins
    expect(legacyRange([idx(3, 0), kw])).toEqual([3, 3, 1]); // MIGRATE
    expect(legacyRange([keynum])).toEqual([0, 0, 0]); // EVAL
    expect(legacyRange([idx(1, 0), keynum])).toEqual([1, 1, 1]); // ZUNIONSTORE
    expect(legacyRange([idx(1, 0), idx(2, -1, 2)])).toEqual([0, 0, 0]); // step != 1
  });
});
