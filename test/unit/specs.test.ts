import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../src/commands/spec.js';
import { ALL_SPECS, findSpec } from '../../src/commands/specs/index.js';

function allWithSubs(): CommandSpec[] {
  const out: CommandSpec[] = [];
  for (const s of ALL_SPECS) {
    out.push(s);
    for (const sub of s.subcommands ?? []) out.push(sub);
  }
  return out;
}

describe('command spec table', () => {
  const every = allWithSubs();

  it('covers the expected top-level commands and subcommands', () => {
    expect(ALL_SPECS.length).toBeGreaterThanOrEqual(68 + 16 + 22 + 17 + 35);
    expect(every.length - ALL_SPECS.length).toBe(26 + 5 + 6 + 9); // + SCRIPT's five, PUBSUB's six, FUNCTION's nine
    for (const n of [
      'append', 'bitfield_ro', 'substr', 'lcs', 'copy', 'unlink', 'hello', 'reset', 'swapdb', 'time',
      'hset', 'hrandfield', 'hscan', 'lpush', 'lmpop', 'blpop', 'blmove', 'brpoplpush', 'blmpop', 'sadd',
      'sintercard', 'sscan', 'zadd', 'zrangestore', 'zintercard', 'bzpopmin', 'bzmpop', 'zscan',
    ]) {
      expect(findSpec(n), n).toBeDefined();
    }
    const subs = (c: string) => findSpec(c)?.subcommands?.map((s) => s.name.split('|')[1]).sort();
    expect(subs('object')).toEqual(['encoding', 'freq', 'help', 'idletime', 'refcount']);
    expect(subs('client')).toEqual(
      ['getname', 'help', 'id', 'info', 'kill', 'list', 'no-evict', 'no-touch', 'setinfo', 'setname'],
    );
    expect(subs('command')).toEqual(['count', 'docs', 'getkeys', 'getkeysandflags', 'help', 'info', 'list']);
    expect(subs('config')).toEqual(['get', 'help', 'resetstat', 'set']);
    expect(subs('pubsub')).toEqual(['channels', 'help', 'numpat', 'numsub', 'shardchannels', 'shardnumsub']);
  });

  it('every spec has a nonzero arity', () => {
    for (const s of every) expect(s.arity, s.name).not.toBe(0);
  });

  it('names are lower-case and unique', () => {
    const seen = new Set<string>();
    for (const s of every) {
      expect(s.name, s.name).toBe(s.name.toLowerCase());
      expect(seen.has(s.name), `duplicate ${s.name}`).toBe(false);
      seen.add(s.name);
    }
  });

  it('top-level names have no "|"; subcommands are "container|sub"', () => {
    for (const s of ALL_SPECS) {
      expect(s.name).not.toContain('|');
      for (const sub of s.subcommands ?? []) {
        const parts = sub.name.split('|');
        expect(parts.length, sub.name).toBe(2);
        expect(parts[0]).toBe(s.name);
        expect(parts[1]!.length).toBeGreaterThan(0);
        expect(sub.subcommands).toBeUndefined();
      }
    }
  });

  it('key spec indices fall within arity for fixed-arity commands', () => {
    for (const s of every) {
      for (const ks of s.key_specs ?? []) {
        if (!('index' in ks.begin_search)) continue;
        const pos = ks.begin_search.index.pos;
        expect(pos, s.name).toBeGreaterThan(0);
        if (s.arity > 0) {
          expect(pos, s.name).toBeLessThan(s.arity);
          if ('range' in ks.find_keys && ks.find_keys.range.lastkey >= 0) {
            expect(pos + ks.find_keys.range.lastkey, s.name).toBeLessThan(s.arity);
          }
        }
      }
    }
  });

  it('key_spec_index references in arguments point at existing key specs', () => {
    const check = (s: CommandSpec, args: CommandSpec['arguments']) => {
      for (const a of args ?? []) {
        if (a.key_spec_index !== undefined) {
          expect(a.key_spec_index, s.name).toBeLessThan(s.key_specs?.length ?? 0);
        }
        check(s, a.arguments);
      }
    };
    for (const s of every) check(s, s.arguments);
  });

  it('findSpec is case-insensitive and top-level only', () => {
    expect(findSpec('GET')?.name).toBe('get');
    expect(findSpec('get')).toBe(findSpec('Get'));
    expect(findSpec('client|list')).toBeUndefined();
    expect(findSpec('nosuchcommand')).toBeUndefined();
  });

  it('spot facts match Redis 7.0', () => {
    const get = findSpec('get')!;
    expect(get.arity).toBe(2);
    expect(get.flags).toEqual(['readonly', 'fast']);
    expect(get.acl).toEqual(['read', 'string', 'fast']);

    const set = findSpec('set')!;
    expect(set.arity).toBe(-3);
    expect(set.acl).toEqual(['write', 'string', 'slow']);
    expect(set.key_specs?.[0]?.begin_search).toEqual({ index: { pos: 1 } });
    expect(set.key_specs?.[0]?.find_keys).toEqual({ range: { lastkey: 0, step: 1, limit: 0 } });

    const mset = findSpec('mset')!;
    expect(mset.key_specs?.[0]?.find_keys).toEqual({ range: { lastkey: -1, step: 2, limit: 0 } });

    expect(findSpec('setbit')?.group).toBe('bitmap');
    expect(findSpec('swapdb')?.group).toBe('server');

    const client = findSpec('client')!;
    const list = client.subcommands?.find((s) => s.name === 'client|list');
    expect(list).toBeDefined();
    expect(list!.arity).toBe(-2);

    const configGet = findSpec('config')?.subcommands?.find((s) => s.name === 'config|get');
    expect(configGet?.arity).toBe(-3);

    const objEnc = findSpec('object')?.subcommands?.find((s) => s.name === 'object|encoding');
    expect(objEnc?.key_specs?.[0]?.begin_search).toEqual({ index: { pos: 2 } });
  });
});
