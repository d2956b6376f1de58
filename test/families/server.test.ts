/**
 * Server family: INFO, CONFIG GET/SET/RESETSTAT/HELP, DBSIZE, TIME, LASTSAVE (tests/unit/info.tcl,
 * introspection.tcl style). Expected texts were captured from a real redis-server 7.0.15
 * running the same commands; only settings Spindle has are used.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { OK, bulk, err, int, keysOnBothShards, shardOf } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const r = (...a: Arg[]) => h.run(c, ...a);

const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);
const setFailed = (name: string, why: string) => err(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);

beforeEach(() => {
  c = h.client(2);
  r('FLUSHALL');
  // back to the defaults the tests below change
  h.config.set('hz', '10');
  h.config.set('timeout', '0');
  h.config.set('maxclients', '10000');
  h.config.set('requirepass', '');
});

/** INFO text (RESP2 bulk) → its section headers. */
const headers = (text: string) => text.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
/** INFO text → field map. */
function fields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of text.split('\r\n')) {
    const i = l.indexOf(':');
    if (i > 0 && !l.startsWith('#')) m.set(l.slice(0, i), l.slice(i + 1));
  }
  return m;
}
const info = (...sections: string[]) => h.call(c, 'INFO', ...sections) as string;

describe('INFO', () => {
  it('default sections, in Redis 7.0 order', () => {
    expect(headers(info())).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU',
      'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect(headers(info('default'))).toEqual(headers(info()));
  });

  // Redis 7.0 also adds Latencystats (per-command latency percentiles) after Errorstats.
  // Spindle does not track per-command latency yet (README: not yet), so the section is absent.
  it("'all' and 'everything' add Commandstats", () => {
    const all = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules',
      'Commandstats', 'Errorstats', 'Cluster', 'Keyspace'];
    expect(headers(info('all'))).toEqual(all);
    expect(headers(info('everything'))).toEqual(all);
  });

  it('text layout: sections separated by one blank line, CRLF line ends', () => {
    const text = info();
    expect(text.startsWith('# Server\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.endsWith('\r\n\r\n')).toBe(false);
    expect(text.includes('\r\n\r\n# Clients\r\n')).toBe(true);
    expect(text.includes('\n\n')).toBe(false);
    for (const l of text.split('\r\n')) expect(l === '' || l.startsWith('# ') || /^[a-z0-9_]+:/.test(l), l).toBe(true);
  });

  it('server section: redis_version 7.0.15 and the usual fields', () => {
    const f = fields(info('server'));
    expect(f.get('redis_version')).toBe('7.0.15');
    expect(f.get('redis_mode')).toBe('standalone');
    expect(f.get('arch_bits')).toBe('64');
    expect(f.get('process_id')).toBe(String(process.pid));
    expect(f.get('run_id')).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(f.get('uptime_in_seconds'))).toBeGreaterThanOrEqual(0);
    expect(f.get('hz')).toBe('10');
  });

  it('selected sections only, case-insensitive; unknown sections give an empty reply', () => {
    expect(headers(info('server', 'keyspace'))).toEqual(['Server', 'Keyspace']);
    expect(headers(info('KEYSPACE'))).toEqual(['Keyspace']);
    expect(headers(info('Stats', 'cpu'))).toEqual(['Stats', 'CPU']);
    expect(r('INFO', 'nosuch')).toBe('$0\r\n\r\n');
  });

  it('keyspace: empty, then one line per non-empty db', () => {
    expect(r('INFO', 'keyspace')).toBe(bulk('# Keyspace\r\n'));
    r('SET', 'a', '1');
    r('SET', 'b', '1', 'EX', '100');
    r('SELECT', '3');
    r('SET', 'c', '1');
    r('SELECT', '0');
    const text = info('keyspace');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('# Keyspace');
    expect(lines[1]).toMatch(/^db0:keys=2,expires=1,avg_ttl=\d+$/);
    expect(lines[2]).toBe('db3:keys=1,expires=0,avg_ttl=0');
    expect(lines.slice(3)).toEqual(['']);
  });

  it('keyspace counts keys of both shards', () => {
    const [a, b] = keysOnBothShards(h, 'ks');
    expect(shardOf(h, a)).not.toBe(shardOf(h, b));
    r('MSET', a, '1', b, '2');
    r('EXPIRE', b, '100');
    expect(info('keyspace')).toMatch(/^# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\n$/);
  });

  it('RESP3: a verbatim txt string', () => {
    const c3 = h.client(3);
    h.run(c, 'SET', 'a', '1');
    const raw = h.run(c3, 'INFO', 'keyspace');
    expect(raw).toBe('=48\r\ntxt:# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n');
    expect(h.call(c3, 'INFO', 'keyspace')).toBe('# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n');
  });

  it('stats: keyspace hits and misses, reset by CONFIG RESETSTAT', () => {
    expect(r('CONFIG', 'RESETSTAT')).toBe(OK);
    r('GET', 'nokey');
    r('SET', 'a', '1');
    r('GET', 'a');
    r('GET', 'a');
    let f = fields(info('stats'));
    expect(f.get('keyspace_hits')).toBe('2');
    expect(f.get('keyspace_misses')).toBe('1');
    expect(Number(f.get('total_commands_processed'))).toBeGreaterThanOrEqual(5);
    expect(r('CONFIG', 'RESETSTAT')).toBe(OK);
    f = fields(info('stats'));
    expect(f.get('keyspace_hits')).toBe('0');
    expect(f.get('keyspace_misses')).toBe('0');
    expect(Number(f.get('total_commands_processed'))).toBeLessThanOrEqual(2);
  });

  // Redis counts a command once it has run: after CONFIG RESETSTAT, INFO commandstats shows
  // config|resetstat with calls=1, and not the INFO call that is producing the reply.
  it('commandstats after CONFIG RESETSTAT', () => {
    r('GET', 'a');
    r('CONFIG', 'RESETSTAT');
    const text = info('commandstats');
    const calls = text.split('\r\n').filter((l) => l.startsWith('cmdstat_'))
      .map((l) => `${l.slice(8, l.indexOf(':'))}=${/calls=(\d+)/.exec(l)![1]}`);
    expect(calls).toEqual(['config|resetstat=1']);
    r('GET', 'a');
    r('GET', 'a');
    const again = info('commandstats');
    expect(again).toMatch(/\r\ncmdstat_get:calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0\r\n/);
  });
});

describe('CONFIG GET', () => {
  it('exact names and globs; RESP2 is a flat array', () => {
    expect(r('CONFIG', 'GET', 'hz')).toBe('*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(r('CONFIG', 'GET', 'maxclient*')).toBe('*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n');
    expect(r('CONFIG', 'GET', '*max*bulk*')).toBe('*2\r\n$18\r\nproto-max-bulk-len\r\n$9\r\n536870912\r\n');
    expect(r('CONFIG', 'GET', 'time?ut')).toBe('*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n');
    expect(r('CONFIG', 'GET', 'req*')).toBe('*2\r\n$11\r\nrequirepass\r\n$0\r\n\r\n');
    expect(r('CONFIG', 'GET', 'nosuch')).toBe('*0\r\n');
    expect(r('CONFIG', 'GET', 'databases')).toBe('*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n');
  });

  it('several patterns; a parameter matched twice is listed once', () => {
    const pairs = (v: unknown) => {
      const a = v as string[];
      const m = new Map<string, string>();
      for (let i = 0; i < a.length; i += 2) m.set(a[i], a[i + 1]);
      expect(m.size * 2).toBe(a.length);
      return m;
    };
    expect(pairs(h.call(c, 'CONFIG', 'GET', 'hz', 'timeout'))).toEqual(new Map([['hz', '10'], ['timeout', '0']]));
    expect(pairs(h.call(c, 'CONFIG', 'GET', 'hz', 'h?'))).toEqual(new Map([['hz', '10']]));
    expect(pairs(h.call(c, 'CONFIG', 'GET', 'hz', 'hz'))).toEqual(new Map([['hz', '10']]));
    expect(pairs(h.call(c, 'CONFIG', 'GET', 'time*', 'TIMEOUT'))).toEqual(new Map([['timeout', '0']]));
    const max = pairs(h.call(c, 'CONFIG', 'GET', 'Max*'));
    expect(max.get('maxclients')).toBe('10000');
    for (const k of max.keys()) expect(k.startsWith('max')).toBe(true);
  });

  it('RESP3 is a map', () => {
    const c3 = h.client(3);
    expect(h.run(c3, 'CONFIG', 'GET', 'hz')).toBe('%1\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(h.run(c3, 'CONFIG', 'GET', 'nosuch')).toBe('%0\r\n');
    const m = h.call(c3, 'CONFIG', 'GET', 'hz', 'timeout') as Map<string, string>;
    expect(m).toEqual(new Map([['hz', '10'], ['timeout', '0']]));
  });

  // Redis 7.0 replies with a pattern without glob characters as it was typed.
  it('an exact name is echoed as typed', () => {
    expect(r('CONFIG', 'GET', 'HZ')).toBe('*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n');
    expect(r('CONFIG', 'GET', 'Hz')).toBe('*2\r\n$2\r\nHz\r\n$2\r\n10\r\n');
  });

  it('arity', () => {
    expect(r('CONFIG', 'GET')).toBe(arity('config|get'));
    expect(r('CONFIG')).toBe(arity('config'));
    expect(r('CONFIG', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try CONFIG HELP."));
  });
});

describe('CONFIG SET', () => {
  it('sets values (names are case-insensitive)', () => {
    expect(r('CONFIG', 'SET', 'hz', '20')).toBe(OK);
    expect(r('CONFIG', 'GET', 'hz')).toBe('*2\r\n$2\r\nhz\r\n$2\r\n20\r\n');
    expect(r('CONFIG', 'SET', 'TimeOut', '5')).toBe(OK);
    expect(r('CONFIG', 'GET', 'timeout')).toBe('*2\r\n$7\r\ntimeout\r\n$1\r\n5\r\n');
    expect(r('CONFIG', 'SET', 'hz', '16', 'timeout', '7')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '16']);
    expect(h.call(c, 'CONFIG', 'GET', 'timeout')).toEqual(['timeout', '7']);
    expect(r('CONFIG', 'SET', 'proto-max-bulk-len', '2mb')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'proto-max-bulk-len')).toEqual(['proto-max-bulk-len', '2097152']);
    expect(r('CONFIG', 'SET', 'proto-max-bulk-len', '512mb')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'proto-max-bulk-len')).toEqual(['proto-max-bulk-len', '536870912']);
  });

  it('invalid values', () => {
    expect(r('CONFIG', 'SET', 'hz', 'abc')).toBe(setFailed('hz', "argument couldn't be parsed into an integer"));
    expect(r('CONFIG', 'SET', 'maxclients', 'abc')).toBe(setFailed('maxclients', "argument couldn't be parsed into an integer"));
    expect(r('CONFIG', 'SET', 'timeout', '-1')).toBe(setFailed('timeout', 'argument must be between 0 and 2147483647 inclusive'));
    expect(r('CONFIG', 'SET', 'proto-max-bulk-len', 'abc')).toBe(setFailed('proto-max-bulk-len', 'argument must be a memory value'));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
  });

  // Redis 7.0.15 texts for out-of-range values name its own bounds.
  it('range errors quote Redis bounds', () => {
    expect(r('CONFIG', 'SET', 'maxclients', '0')).toBe(setFailed('maxclients', 'argument must be between 1 and 4294967295 inclusive'));
    expect(r('CONFIG', 'SET', 'proto-max-bulk-len', '1k')).toBe(setFailed('proto-max-bulk-len', 'argument must be between 1048576 and 9223372036854775807 inclusive'));
    expect(r('CONFIG', 'SET', 'client-query-buffer-limit', '1')).toBe(setFailed('client-query-buffer-limit', 'argument must be between 1048576 and 9223372036854775807 inclusive'));
    expect(r('CONFIG', 'SET', 'hz', '-1')).toBe(setFailed('hz', 'argument must be between 0 and 2147483647 inclusive'));
  });

  // Redis: hz accepts 0..INT_MAX and clamps the value it uses (and reports) to 1..500.
  it('hz outside 1..500 is accepted and clamped', () => {
    expect(r('CONFIG', 'SET', 'hz', '0')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '1']);
    expect(r('CONFIG', 'SET', 'hz', '501')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '500']);
  });

  it('unknown option', () => {
    expect(r('CONFIG', 'SET', 'nosuch', '1')).toBe(err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    expect(r('CONFIG', 'SET', 'NoSuch', '1')).toBe(err("ERR Unknown option or number of arguments for CONFIG SET - 'NoSuch'"));
    expect(r('CONFIG', 'SET', 'hz', '15', 'nosuch', '1')).toBe(err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    expect(r('CONFIG', 'SET', 'hz', 'abc', 'nosuch', '1')).toBe(err("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
  });

  it('immutable settings are refused', () => {
    expect(r('CONFIG', 'SET', 'databases', '20')).toBe(setFailed('databases', "can't set immutable config"));
    expect(r('CONFIG', 'SET', 'io-threads', '2')).toBe(setFailed('io-threads', "can't set immutable config"));
    expect(r('CONFIG', 'SET', 'timeout', '10', 'databases', '1')).toBe(setFailed('databases', "can't set immutable config"));
    expect(h.call(c, 'CONFIG', 'GET', 'timeout')).toEqual(['timeout', '0']);
    expect(h.call(c, 'CONFIG', 'GET', 'databases')).toEqual(['databases', '16']);
  });

  // Redis checks every name (unknown, immutable, duplicate) in argument order before it
  // validates any value.
  it('an immutable name is reported before duplicates and bad values', () => {
    expect(r('CONFIG', 'SET', 'databases', '1', 'hz', '10', 'hz', '11')).toBe(setFailed('databases', "can't set immutable config"));
    expect(r('CONFIG', 'SET', 'hz', 'abc', 'databases', '1')).toBe(setFailed('databases', "can't set immutable config"));
  });

  it('duplicate parameters', () => {
    expect(r('CONFIG', 'SET', 'hz', '11', 'hz', '12')).toBe(setFailed('hz', 'duplicate parameter'));
    expect(r('CONFIG', 'SET', 'requirepass', 'a', 'requirepass', 'b')).toBe(setFailed('requirepass', 'duplicate parameter'));
    expect(r('CONFIG', 'SET', 'hz', '11', 'hz', 'abc')).toBe(setFailed('hz', 'duplicate parameter'));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
    expect(h.call(c, 'CONFIG', 'GET', 'requirepass')).toEqual(['requirepass', '']);
  });

  // Redis names the duplicate as it was typed the second time.
  it('duplicate parameter text uses the name as typed', () => {
    expect(r('CONFIG', 'SET', 'hz', '11', 'HZ', '12')).toBe(setFailed('HZ', 'duplicate parameter'));
  });

  it('all or nothing: one bad value rolls the others back', () => {
    expect(r('CONFIG', 'SET', 'hz', '15', 'timeout', 'abc')).toBe(setFailed('timeout', "argument couldn't be parsed into an integer"));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
    expect(r('CONFIG', 'SET', 'timeout', 'abc', 'hz', '15')).toBe(setFailed('timeout', "argument couldn't be parsed into an integer"));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
    expect(r('CONFIG', 'SET', 'timeout', '5', 'maxclients', '50', 'hz', 'abc')).toBe(setFailed('hz', "argument couldn't be parsed into an integer"));
    expect(h.call(c, 'CONFIG', 'GET', 'timeout')).toEqual(['timeout', '0']);
    expect(h.call(c, 'CONFIG', 'GET', 'maxclients')).toEqual(['maxclients', '10000']);
  });

  it('arity: too few arguments', () => {
    expect(r('CONFIG', 'SET', 'hz')).toBe(arity('config|set'));
    expect(r('CONFIG', 'SET')).toBe(arity('config|set'));
  });

  // Redis 7.0: a name without a value after at least one full pair is a syntax error.
  it('an odd number of arguments after the first pair is a syntax error', () => {
    expect(r('CONFIG', 'SET', 'hz', '1', '2')).toBe(err('ERR syntax error'));
    expect(r('CONFIG', 'SET', 'hz', '1', 'timeout')).toBe(err('ERR syntax error'));
    expect(h.call(c, 'CONFIG', 'GET', 'hz')).toEqual(['hz', '10']);
  });

  it('requirepass set by CONFIG SET applies to new connections', () => {
    expect(r('CONFIG', 'SET', 'requirepass', 'pw')).toBe(OK);
    expect(h.call(c, 'CONFIG', 'GET', 'requirepass')).toEqual(['requirepass', 'pw']);
    expect(r('PING')).toBe('+PONG\r\n'); // this connection stays authenticated
    expect(r('CONFIG', 'SET', 'requirepass', '')).toBe(OK);
  });
});

describe('CONFIG RESETSTAT / HELP', () => {
  it('RESETSTAT', () => {
    expect(r('CONFIG', 'RESETSTAT')).toBe(OK);
    expect(r('CONFIG', 'RESETSTAT', 'x')).toBe(arity('config|resetstat'));
  });

  it('HELP', () => {
    const lines = h.call(c, 'CONFIG', 'HELP') as string[];
    expect(lines[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(lines).toContain('GET <pattern>');
    expect(lines).toContain('    Return parameters matching the glob-like <pattern> and their values.');
    expect(lines).toContain('SET <directive> <value>');
    expect(lines).toContain('RESETSTAT');
    expect(lines.slice(-2)).toEqual(['HELP', '    Prints this help.']);
    expect(r('CONFIG', 'HELP')).toMatch(/^\*\d+\r\n\+CONFIG </);
  });
});

describe('DBSIZE / TIME / LASTSAVE', () => {
  it('DBSIZE adds up both shards', () => {
    expect(r('DBSIZE')).toBe(int(0));
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`d${i}`, 'v');
    r('MSET', ...args);
    const perShard = [0, 0];
    for (let i = 0; i < 1000; i++) perShard[shardOf(h, `d${i}`)]++;
    expect(perShard[0]).toBeGreaterThan(0);
    expect(perShard[1]).toBeGreaterThan(0);
    expect(r('DBSIZE')).toBe(int(1000));
    r('DEL', 'd0', 'd1', 'd2');
    expect(r('DBSIZE')).toBe(int(997));
    expect(r('DBSIZE', 'x')).toBe(arity('dbsize'));
  });

  it('TIME: [seconds, microseconds] as bulk strings', () => {
    const before = Date.now();
    const raw = r('TIME');
    const after = Date.now();
    expect(raw).toMatch(/^\*2\r\n\$\d+\r\n\d+\r\n\$\d+\r\n\d+\r\n$/);
    const [s, us] = h.call(c, 'TIME') as [string, string];
    expect(Number(us)).toBeLessThan(1000000);
    const ms = Number(s) * 1000 + Math.floor(Number(us) / 1000);
    expect(ms).toBeGreaterThanOrEqual(before - 1000);
    expect(ms).toBeLessThanOrEqual(after + 1000);
    const c3 = h.client(3);
    expect(h.run(c3, 'TIME')).toMatch(/^\*2\r\n\$\d+\r\n\d+\r\n\$\d+\r\n\d+\r\n$/);
    expect(r('TIME', 'x')).toBe(arity('time'));
  });

  it('LASTSAVE: a unix time in seconds, not in the future', () => {
    const v = h.call(c, 'LASTSAVE') as number;
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(v).toBeGreaterThan(Math.floor(Date.now() / 1000) - 3600);
    expect(r('LASTSAVE', 'x')).toBe(arity('lastsave'));
  });
});
