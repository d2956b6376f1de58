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
  // hashes
  hset(key: K, ...fieldValues: A[]): Int;
  hsetnx(key: K, field: A, value: A): Int;
  hget(key: K, field: A): Bulk;
  hmget(key: K, ...fields: A[]): Promise<(string | null)[]>;
  hmset(key: K, ...fieldValues: A[]): Promise<string>;
  hgetall(key: K): Promise<Value>;
  hdel(key: K, ...fields: A[]): Int;
  hlen(key: K): Int;
  hexists(key: K, field: A): Int;
  hkeys(key: K): Promise<string[]>;
  hvals(key: K): Promise<string[]>;
  hincrby(key: K, field: A, by: number | bigint): Int;
  hincrbyfloat(key: K, field: A, by: number | string): Promise<string>;
  hstrlen(key: K, field: A): Int;
  hrandfield(key: K, ...options: A[]): Promise<Value>;
  hscan(key: K, cursor: number | string, ...options: A[]): Promise<[string, string[]]>;
  // lists (blocking pops do not wait in the embedded API: they reply as on timeout)
  lpush(key: K, ...elements: A[]): Int;
  rpush(key: K, ...elements: A[]): Int;
  lpushx(key: K, ...elements: A[]): Int;
  rpushx(key: K, ...elements: A[]): Int;
  lpop(key: K, count?: number): Promise<Value>;
  rpop(key: K, count?: number): Promise<Value>;
  llen(key: K): Int;
  lrange(key: K, start: number, stop: number): Promise<string[]>;
  lindex(key: K, index: number): Bulk;
  lset(key: K, index: number, element: A): Promise<string>;
  linsert(key: K, where: 'BEFORE' | 'AFTER', pivot: A, element: A): Int;
  lrem(key: K, count: number, element: A): Int;
  ltrim(key: K, start: number, stop: number): Promise<string>;
  lpos(key: K, element: A, ...options: A[]): Promise<Value>;
  lmove(source: K, destination: K, from: 'LEFT' | 'RIGHT', to: 'LEFT' | 'RIGHT'): Bulk;
  rpoplpush(source: K, destination: K): Bulk;
  lmpop(numkeys: number, ...keysWhereCount: A[]): Promise<Value>;
  // sets
  sadd(key: K, ...members: A[]): Int;
  srem(key: K, ...members: A[]): Int;
  smembers(key: K): Promise<string[]>;
  sismember(key: K, member: A): Int;
  smismember(key: K, ...members: A[]): Promise<number[]>;
  scard(key: K): Int;
  spop(key: K, count?: number): Promise<Value>;
  srandmember(key: K, count?: number): Promise<Value>;
  smove(source: K, destination: K, member: A): Int;
  sinter(...keys: K[]): Promise<string[]>;
  sintercard(numkeys: number, ...keysAndLimit: A[]): Int;
  sunion(...keys: K[]): Promise<string[]>;
  sdiff(...keys: K[]): Promise<string[]>;
  sinterstore(destination: K, ...keys: K[]): Int;
  sunionstore(destination: K, ...keys: K[]): Int;
  sdiffstore(destination: K, ...keys: K[]): Int;
  sscan(key: K, cursor: number | string, ...options: A[]): Promise<[string, string[]]>;
  // sorted sets
  zadd(key: K, ...args: A[]): Promise<Value>;
  zincrby(key: K, by: number | string, member: A): Promise<Value>;
  zscore(key: K, member: A): Promise<Value>;
  zmscore(key: K, ...members: A[]): Promise<Value>;
  zcard(key: K): Int;
  zcount(key: K, min: A, max: A): Int;
  zlexcount(key: K, min: A, max: A): Int;
  zrange(key: K, start: A, stop: A, ...options: A[]): Promise<Value>;
  zrangestore(destination: K, key: K, start: A, stop: A, ...options: A[]): Int;
  zrevrange(key: K, start: number, stop: number, ...options: A[]): Promise<Value>;
  zrangebyscore(key: K, min: A, max: A, ...options: A[]): Promise<Value>;
  zrevrangebyscore(key: K, max: A, min: A, ...options: A[]): Promise<Value>;
  zrangebylex(key: K, min: A, max: A, ...options: A[]): Promise<Value>;
  zrevrangebylex(key: K, max: A, min: A, ...options: A[]): Promise<Value>;
  zrank(key: K, member: A, ...options: A[]): Promise<Value>;
  zrevrank(key: K, member: A, ...options: A[]): Promise<Value>;
  zrem(key: K, ...members: A[]): Int;
  zremrangebyrank(key: K, start: number, stop: number): Int;
  zremrangebyscore(key: K, min: A, max: A): Int;
  zremrangebylex(key: K, min: A, max: A): Int;
  zpopmin(key: K, count?: number): Promise<Value>;
  zpopmax(key: K, count?: number): Promise<Value>;
  zmpop(numkeys: number, ...args: A[]): Promise<Value>;
  zrandmember(key: K, ...options: A[]): Promise<Value>;
  zunion(numkeys: number, ...args: A[]): Promise<Value>;
  zinter(numkeys: number, ...args: A[]): Promise<Value>;
  zdiff(numkeys: number, ...args: A[]): Promise<Value>;
  zunionstore(destination: K, numkeys: number, ...args: A[]): Int;
  zinterstore(destination: K, numkeys: number, ...args: A[]): Int;
  zdiffstore(destination: K, numkeys: number, ...args: A[]): Int;
  zintercard(numkeys: number, ...args: A[]): Int;
  zscan(key: K, cursor: number | string, ...options: A[]): Promise<[string, Value[]]>;
  sort(key: K, ...options: A[]): Promise<Value>;
  sort_ro(key: K, ...options: A[]): Promise<Value>;
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
