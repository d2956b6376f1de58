import { describe, expect, it } from 'vitest';
import { defaultCpus, OptionError, parseHostPort, parseOptions } from '../../native-free-bench/options.js';

describe('option parsing', () => {
  it('has memtier/redis-benchmark-like defaults', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({
      clients: 50, pipeline: 16, duration: 1.5, requests: null, keyspace: 100_000, dataSize: 3,
      tests: ['set', 'get', 'incr', 'mset'], keyPattern: 'random', builtin: ['spindle', 'redis'],
      reps: 3, ceiling: true, quick: false, compare: null,
    });
    expect(o.suites).toEqual(['load', 'micro', 'embedded']);
  });

  it('reads long, short and --x=y forms', () => {
    const o = parseOptions(['--clients', '8', '-P', '4', '--threads=3', '-t', 'SET,lpush,zrange', '-d', '64',
      '--keyspace', '1000', '--key-pattern', 'gaussian', '--reps', '1', '--shards', '4']);
    expect(o).toMatchObject({ clients: 8, pipeline: 4, threads: 3, tests: ['set', 'lpush', 'zrange'], dataSize: 64,
      keyspace: 1000, keyPattern: 'gaussian', reps: 1, shards: 4 });
  });

  it('--requests replaces --duration and back', () => {
    expect(parseOptions(['--requests', '5000'])).toMatchObject({ requests: 5000, duration: null });
    expect(parseOptions(['-n', '5000', '--duration', '1.5'])).toMatchObject({ requests: null, duration: 1.5 });
  });

  it('--ratio alone selects the mixed test, with --tests it only sets the ratio', () => {
    expect(parseOptions(['--ratio', '1:4'])).toMatchObject({ ratio: [1, 4], tests: ['mixed'] });
    expect(parseOptions(['--ratio', '2:3', '--tests', 'set,mixed'])).toMatchObject({ ratio: [2, 3], tests: ['set', 'mixed'] });
  });

  it('--quick shortens the run but explicit flags win, whatever their order', () => {
    const q = parseOptions(['--quick']);
    expect(q).toMatchObject({ quick: true, reps: 1, duration: 1, tests: ['set', 'get'] });
    expect(parseOptions(['--tests', 'incr', '--quick', '--reps', '2'])).toMatchObject({ tests: ['incr'], reps: 2, duration: 1 });
  });

  it('--target measures only the user server unless --targets asks for more', () => {
    const o = parseOptions(['--target', 'localhost:7777']);
    expect(o.external).toEqual([{ host: 'localhost', port: 7777 }]);
    expect(o.builtin).toEqual([]);
    expect(parseOptions(['--target', '[::1]:1', '--targets', 'redis']).builtin).toEqual(['redis']);
    expect(parseOptions(['--no-redis']).builtin).toEqual(['spindle']);
    expect(parseHostPort('127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 });
  });

  it('--compare takes two files', () => {
    expect(parseOptions(['--compare', 'a.json', 'b.json']).compare).toEqual(['a.json', 'b.json']);
    expect(() => parseOptions(['--compare', 'a.json'])).toThrow(OptionError);
  });

  it('pins targets to the upper half of the cores', () => {
    expect(defaultCpus(1)).toBeNull();
    expect(defaultCpus(2)).toBe('1');
    expect(defaultCpus(8)).toBe('4-7');
    expect(parseOptions(['--no-pin']).cpus).toBeNull();
    expect(parseOptions(['--cpus', '2-3']).cpus).toBe('2-3');
  });

  it.each([
    [['--clients', '0']], [['--clients', 'ten']], [['--pipeline']], [['--tests', 'set,nope']],
    [['--key-pattern', 'zipf']], [['--ratio', '1-10']], [['--target', 'nohost']], [['--bogus', '1']],
    [['--duration', '-1']], [['--suites', 'load,other']], [['stray']], [['--quick=1']], [['--cpus', 'a']],
  ])('rejects %j', (argv) => {
    expect(() => parseOptions(argv)).toThrow(OptionError);
  });
});
