/**
 * One promise-returning method per implemented command, named like ioredis (lower case):
 * `db.set('k', 'v', 'EX', 10)`, `db.mget('a', 'b')`, `db.client('SETNAME', 'x')`.
 * Methods are generated from the command table, so every implemented command has one; the
 * interface below gives the typed signatures.
 */
import type { Registry } from '../commands/registry.js';
import type { Value } from '../protocol/value-writer.js';

type K = string | Buffer;
type A = string | Buffer | number | bigint;
type Bulk = Promise<string | null>;
type Int = Promise<number>;

export interface CommandMethods {
  // strings
  get(key: K): Bulk;
  set(key: K, value: A, ...options: A[]): Promise<string | null>;
  setnx(key: K, value: A): Int;
  setex(key: K, seconds: number, value: A): Promise<string>;
  psetex(key: K, ms: number, value: A): Promise<string>;
  getset(key: K, value: A): Bulk;
  getdel(key: K): Bulk;
  getex(key: K, ...options: A[]): Bulk;
  mget(...keys: K[]): Promise<(string | null)[]>;
  mset(...keyValues: A[]): Promise<string>;
  msetnx(...keyValues: A[]): Int;
  append(key: K, value: A): Int;
  strlen(key: K): Int;
  incr(key: K): Int;
  decr(key: K): Int;
  incrby(key: K, by: number | bigint): Int;
  decrby(key: K, by: number | bigint): Int;
  incrbyfloat(key: K, by: number | string): Promise<string>;
  getrange(key: K, start: number, end: number): Promise<string>;
  substr(key: K, start: number, end: number): Promise<string>;
  setrange(key: K, offset: number, value: A): Int;
  lcs(key1: K, key2: K, ...options: A[]): Promise<Value>;
  setbit(key: K, offset: number, bit: 0 | 1): Int;
  getbit(key: K, offset: number): Int;
  bitcount(key: K, ...range: A[]): Int;
  bitpos(key: K, bit: 0 | 1, ...range: A[]): Int;
  bitop(op: string, dest: K, ...keys: K[]): Int;
  bitfield(key: K, ...ops: A[]): Promise<(number | null)[]>;
  bitfield_ro(key: K, ...ops: A[]): Promise<number[]>;
  // generic
  del(...keys: K[]): Int;
  unlink(...keys: K[]): Int;
  exists(...keys: K[]): Int;
  touch(...keys: K[]): Int;
  type(key: K): Promise<string>;
  expire(key: K, seconds: number, ...flags: string[]): Int;
  pexpire(key: K, ms: number, ...flags: string[]): Int;
  expireat(key: K, unixSeconds: number, ...flags: string[]): Int;
  pexpireat(key: K, unixMs: number, ...flags: string[]): Int;
  ttl(key: K): Int;
  pttl(key: K): Int;
  expiretime(key: K): Int;
  pexpiretime(key: K): Int;
  persist(key: K): Int;
  keys(pattern: string): Promise<string[]>;
  scan(cursor: number | string, ...options: A[]): Promise<[string, string[]]>;
  randomkey(): Bulk;
  rename(key: K, newKey: K): Promise<string>;
  renamenx(key: K, newKey: K): Int;
  copy(source: K, destination: K, ...options: A[]): Int;
  move(key: K, db: number): Int;
  swapdb(a: number, b: number): Promise<string>;
  object(subcommand: string, ...args: A[]): Promise<Value>;
  // connection and server
  ping(message?: A): Promise<string>;
  echo(message: A): Promise<string>;
  select(db: number): Promise<string>;
  client(subcommand: string, ...args: A[]): Promise<Value>;
  dbsize(): Int;
  flushdb(mode?: 'ASYNC' | 'SYNC'): Promise<string>;
  flushall(mode?: 'ASYNC' | 'SYNC'): Promise<string>;
  info(...sections: string[]): Promise<string>;
  config(subcommand: string, ...args: A[]): Promise<Value>;
  command(...args: A[]): Promise<Value>;
  time(): Promise<[string, string]>;
  lastsave(): Int;
}

/** Build a method for every command in the registry, each calling `call(name, args)`. */
export function commandMethods(registry: Registry, call: (name: string, args: A[]) => Promise<Value>): Record<string, (...args: A[]) => Promise<Value>> {
  const out: Record<string, (...args: A[]) => Promise<Value>> = {};
  for (const cmd of registry.all()) {
    const name = cmd.name;
    out[name] = (...args: A[]) => call(name, args);
  }
  return out;
}
