/**
 * String family (tests/unit/type/string.tcl, black-box). Every expected reply below was
 * captured from a real redis-server 7.0.15 running the same commands (RESP2 unless noted).
 * WRONGTYPE cases use a key whose type was flipped to list (Redis: `LPUSH key x`).
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Arg } from './harness.js';
import { NIL, OK, bulk, err, forceType, int, keysOnBothShards, sleep, tagsOnBothShards } from './family-kit.js';

const h = createHarness({ shards: 2 });
afterAll(() => h.close());

let c = h.client(2);
const r = (...a: Arg[]) => h.run(c, ...a);

const SYNTAX = err('ERR syntax error');
const NOT_INT = err('ERR value is not an integer or out of range');
const NOT_FLOAT = err('ERR value is not a valid float');
const WRONGTYPE = err('WRONGTYPE Operation against a key holding the wrong kind of value');
const OVERFLOW = err('ERR increment or decrement would overflow');
const arity = (cmd: string) => err(`ERR wrong number of arguments for '${cmd}' command`);
const badExpire = (cmd: string) => err(`ERR invalid expire time in '${cmd}' command`);

beforeEach(() => {
  c = h.client(2);
  r('FLUSHALL');
});

/** A key whose type is list, as after `LPUSH key x`. */
function makeList(key: string): void {
  r('SET', key, 'x');
  forceType(h, key);
  expect(r('TYPE', key)).toBe('+list\r\n');
}

describe('GET / SET', () => {
  it('basic set and get, missing key is nil, overwrite', () => {
    expect(r('GET', 'k')).toBe(NIL);
    expect(r('SET', 'k', 'v')).toBe(OK);
    expect(r('GET', 'k')).toBe(bulk('v'));
    expect(r('SET', 'k', 'v2')).toBe(OK);
    expect(r('GET', 'k')).toBe(bulk('v2'));
    expect(r('SET', 'empty', '')).toBe(OK);
    expect(r('GET', 'empty')).toBe('$0\r\n\r\n');
  });

  it('GET of a missing key is _ in RESP3', () => {
    const c3 = h.client(3);
    expect(h.run(c3, 'GET', 'nokey')).toBe('_\r\n');
  });

  it('NX and XX', () => {
    expect(r('SET', 'k', 'v', 'NX')).toBe(OK);
    expect(r('SET', 'k', 'v2', 'NX')).toBe(NIL);
    expect(r('GET', 'k')).toBe(bulk('v'));
    expect(r('SET', 'k', 'v3', 'XX')).toBe(OK);
    expect(r('GET', 'k')).toBe(bulk('v3'));
    expect(r('SET', 'nokey', 'v', 'XX')).toBe(NIL);
    expect(r('EXISTS', 'nokey')).toBe(int(0));
    // repeating the same flag is fine
    expect(r('SET', 'k', 'a', 'nx', 'nx')).toBe(NIL);
  });

  it('GET option returns the old value (alone and with NX/XX)', () => {
    r('SET', 'k', 'v3');
    expect(r('SET', 'k', 'v4', 'GET')).toBe(bulk('v3'));
    expect(r('GET', 'k')).toBe(bulk('v4'));
    expect(r('SET', 'new', 'x', 'GET')).toBe(NIL);
    expect(r('GET', 'new')).toBe(bulk('x'));
    // NX GET on an existing key: not set, old value returned
    expect(r('SET', 'k', 'v5', 'NX', 'GET')).toBe(bulk('v4'));
    expect(r('GET', 'k')).toBe(bulk('v4'));
    // NX GET on a missing key: set, nil returned
    expect(r('SET', 'nk2', 'v', 'NX', 'GET')).toBe(NIL);
    expect(r('GET', 'nk2')).toBe(bulk('v'));
    // XX GET on a missing key: not set, nil
    expect(r('SET', 'nk3', 'v', 'XX', 'GET')).toBe(NIL);
    expect(r('EXISTS', 'nk3')).toBe(int(0));
    expect(r('SET', 'k', 'a', 'GET', 'GET')).toBe(bulk('v4'));
  });

  it('GET option against a wrong type fails and leaves the key alone', () => {
    makeList('l');
    expect(r('GET', 'l')).toBe(WRONGTYPE);
    expect(r('SET', 'l', 'v', 'GET')).toBe(WRONGTYPE);
    expect(r('SET', 'l', 'v', 'NX', 'GET')).toBe(WRONGTYPE);
    expect(r('SET', 'l', 'v', 'XX', 'GET')).toBe(WRONGTYPE);
    expect(r('TYPE', 'l')).toBe('+list\r\n');
    // a plain SET overwrites any type
    expect(r('SET', 'l', 'v')).toBe(OK);
    expect(r('TYPE', 'l')).toBe('+string\r\n');
  });

  it('EX / PX / EXAT / PXAT set the TTL; same unit repeated: the last one wins', () => {
    expect(r('SET', 'k', 'a', 'EX', '10', 'EX', '20')).toBe(OK);
    expect(r('TTL', 'k')).toBe(int(20));
    expect(r('SET', 'k', 'a', 'PX', '100', 'PX', '5000')).toBe(OK);
    const pttl = h.call(c, 'PTTL', 'k') as number;
    expect(pttl).toBeGreaterThan(4000);
    expect(pttl).toBeLessThanOrEqual(5000);
    expect(r('SET', 'k', 'v', 'EXAT', '99999999999')).toBe(OK);
    expect(r('EXPIRETIME', 'k')).toBe(int(99999999999));
    expect(r('SET', 'k', 'v', 'PXAT', '99999999999123')).toBe(OK);
    expect(r('PEXPIRETIME', 'k')).toBe(int(99999999999123));
    expect(r('SET', 'k', 'v', 'ex', '100')).toBe(OK);
    expect(r('TTL', 'k')).toBe(int(100));
    // a plain SET clears the TTL
    expect(r('SET', 'k', 'v3')).toBe(OK);
    expect(r('TTL', 'k')).toBe(int(-1));
  });

  it('KEEPTTL keeps the TTL (repeated KEEPTTL is fine)', () => {
    r('SET', 'k', 'v', 'EX', '100');
    expect(r('SET', 'k', 'v2', 'KEEPTTL')).toBe(OK);
    expect(r('TTL', 'k')).toBe(int(100));
    expect(r('GET', 'k')).toBe(bulk('v2'));
    expect(r('SET', 'k', 'b', 'KEEPTTL', 'KEEPTTL')).toBe(OK);
    expect(r('TTL', 'k')).toBe(int(100));
    expect(r('SET', 'nottl', 'v', 'KEEPTTL')).toBe(OK);
    expect(r('TTL', 'nottl')).toBe(int(-1));
  });

  it('conflicting options are a syntax error', () => {
    r('SET', 'k', 'orig');
    for (const opts of [
      ['NX', 'XX'], ['XX', 'NX'], ['EX', '10', 'PX', '100'], ['ex', '10', 'px', '10'],
      ['EX', '10', 'KEEPTTL'], ['KEEPTTL', 'EX', '10'], ['PX', '10', 'EXAT', '10'],
      ['EXAT', '99999999999', 'PXAT', '99999999999000'], ['KEEPTTL', 'PXAT', '99999999999000'],
      ['EX'], ['PX'], ['FOO'], ['GET', 'FOO'], ['PERSIST'],
    ]) {
      expect(r('SET', 'k', 'a', ...opts), opts.join(' ')).toBe(SYNTAX);
    }
    expect(r('GET', 'k')).toBe(bulk('orig'));
  });

  it('zero, negative and overflowing expire times', () => {
    r('SET', 'k', 'orig', 'EX', '100');
    for (const opts of [
      ['EX', '0'], ['EX', '-1'], ['PX', '0'], ['PX', '-100'], ['EXAT', '0'], ['PXAT', '-5'],
      ['EX', '9223372036854775807'], ['EX', '9223372036854775'], ['PX', '9223372036854775807'],
      ['EX', '9223372036854776'],
    ]) {
      expect(r('SET', 'k', 'a', ...opts), opts.join(' ')).toBe(badExpire('set'));
    }
    // the error comes before the type check and before GET
    makeList('l');
    expect(r('SET', 'l', 'v', 'GET', 'EX', '0')).toBe(badExpire('set'));
    expect(r('GET', 'k')).toBe(bulk('orig'));
    expect(r('TTL', 'k')).toBe(int(100));
    // the largest accepted absolute times
    expect(r('SET', 'k', 'v', 'EXAT', '9223372036854775')).toBe(OK);
    expect(r('SET', 'k', 'v', 'PXAT', '9223372036854775807')).toBe(OK);
  });

  // Redis: EXAT seconds > LLONG_MAX / 1000 (= 9223372036854775) is invalid. The boundary needs
  // exact integer arithmetic: as doubles, 9223372036854776 and LLONG_MAX / 1000 are equal.
  it('EXAT one past LLONG_MAX / 1000 is invalid', () => {
    expect(r('SET', 'k', 'a', 'EXAT', '9223372036854776')).toBe(badExpire('set'));
    expect(r('EXISTS', 'k')).toBe(int(0));
  });

  it('non-integer expire values', () => {
    for (const v of ['abc', '1.5', '', ' 1', '1 ', '+1', '0x10']) {
      expect(r('SET', 'k', 'a', 'EX', v), JSON.stringify(v)).toBe(NOT_INT);
    }
    expect(r('SET', 'k', 'a', 'PX', '10abc')).toBe(NOT_INT);
  });

  it('EXAT / PXAT in the past store nothing and delete an existing key', () => {
    expect(r('SET', 'k', 'a', 'EXAT', '1')).toBe(OK);
    expect(r('EXISTS', 'k')).toBe(int(0));
    r('SET', 'k', 'old');
    expect(r('SET', 'k', 'a', 'PXAT', '1000')).toBe(OK);
    expect(r('EXISTS', 'k')).toBe(int(0));
    r('SET', 'k', 'old');
    expect(r('SET', 'k', 'v', 'EXAT', '99999999999', 'EXAT', '1')).toBe(OK);
    expect(r('EXISTS', 'k')).toBe(int(0));
    expect(r('DBSIZE')).toBe(int(0));
  });

  it('a key set with PX expires', async () => {
    r('SET', 'k', 'v', 'PX', '30');
    expect(r('GET', 'k')).toBe(bulk('v'));
    await sleep(80);
    expect(r('GET', 'k')).toBe(NIL);
    expect(r('SET', 'k', 'v2', 'NX')).toBe(OK);
  });

  it('wrong number of arguments', () => {
    expect(r('SET', 'k')).toBe(arity('set'));
    expect(r('SET')).toBe(arity('set'));
    expect(r('GET')).toBe(arity('get'));
    expect(r('GET', 'a', 'b')).toBe(arity('get'));
  });
});

describe('SETNX / SETEX / PSETEX / GETSET / GETDEL', () => {
  it('SETNX', () => {
    expect(r('SETNX', 'a', '1')).toBe(int(1));
    expect(r('SETNX', 'a', '2')).toBe(int(0));
    expect(r('GET', 'a')).toBe(bulk('1'));
    makeList('l');
    expect(r('SETNX', 'l', 'x')).toBe(int(0)); // existence only, no type check
    expect(r('SETNX', 'a')).toBe(arity('setnx'));
  });

  it('SETNX against an expired key sets it', async () => {
    r('SET', 'x', 'old', 'PX', '20');
    await sleep(60);
    expect(r('SETNX', 'x', 'new')).toBe(int(1));
    expect(r('GET', 'x')).toBe(bulk('new'));
    expect(r('TTL', 'x')).toBe(int(-1));
  });

  it('SETEX', () => {
    expect(r('SETEX', 'b', '100', 'v')).toBe(OK);
    expect(r('TTL', 'b')).toBe(int(100));
    expect(r('GET', 'b')).toBe(bulk('v'));
    expect(r('SETEX', 'b', '0', 'v')).toBe(badExpire('setex'));
    expect(r('SETEX', 'b', '-10', 'v')).toBe(badExpire('setex'));
    expect(r('SETEX', 'b', '9223372036854775807', 'v')).toBe(badExpire('setex'));
    expect(r('SETEX', 'b', 'abc', 'v')).toBe(NOT_INT);
    expect(r('SETEX', 'b', '10')).toBe(arity('setex'));
    // SETEX overwrites a key of another type
    makeList('l');
    expect(r('SETEX', 'l', '10', 'v')).toBe(OK);
    expect(r('TYPE', 'l')).toBe('+string\r\n');
  });

  it('PSETEX', () => {
    expect(r('PSETEX', 'c', '1500', 'v')).toBe(OK);
    const pttl = h.call(c, 'PTTL', 'c') as number;
    expect(pttl).toBeGreaterThan(1000);
    expect(pttl).toBeLessThanOrEqual(1500);
    r('PSETEX', 'c', '1400', 'v');
    expect(r('TTL', 'c')).toBe(int(1)); // TTL rounds to the nearest second
    expect(r('PSETEX', 'c', '0', 'v')).toBe(badExpire('psetex'));
    expect(r('PSETEX', 'c', '-1', 'v')).toBe(badExpire('psetex'));
    expect(r('PSETEX', 'c', 'x', 'v')).toBe(NOT_INT);
  });

  // Redis adds the current time and refuses a sum beyond LLONG_MAX (as SET EX/PX already do).
  it('SETEX / PSETEX whose now + ttl overflows int64 are invalid', () => {
    r('SET', 'b', 'orig');
    expect(r('SETEX', 'b', '9223372036854775', 'v')).toBe(badExpire('setex'));
    expect(r('PSETEX', 'b', '9223372036854775807', 'v')).toBe(badExpire('psetex'));
    expect(r('PSETEX', 'b', '9223372036854775000', 'v')).toBe(badExpire('psetex'));
    expect(r('GET', 'b')).toBe(bulk('orig'));
  });

  it('GETSET', () => {
    r('SET', 'a', '1');
    expect(r('GETSET', 'a', '3')).toBe(bulk('1'));
    expect(r('GET', 'a')).toBe(bulk('3'));
    expect(r('GETSET', 'nope', '1')).toBe(NIL);
    expect(r('GET', 'nope')).toBe(bulk('1'));
    // GETSET clears the TTL
    r('SET', 't', 'v', 'EX', '100');
    expect(r('GETSET', 't', 'w')).toBe(bulk('v'));
    expect(r('TTL', 't')).toBe(int(-1));
    makeList('l');
    expect(r('GETSET', 'l', 'v')).toBe(WRONGTYPE);
    expect(r('TYPE', 'l')).toBe('+list\r\n');
  });

  it('GETDEL', () => {
    r('SET', 'a', '3');
    expect(r('GETDEL', 'a')).toBe(bulk('3'));
    expect(r('EXISTS', 'a')).toBe(int(0));
    expect(r('GETDEL', 'a')).toBe(NIL);
    r('SET', 'v', 'x', 'EX', '100');
    expect(r('GETDEL', 'v')).toBe(bulk('x'));
    expect(r('DBSIZE')).toBe(int(0));
    makeList('l');
    expect(r('GETDEL', 'l')).toBe(WRONGTYPE);
    expect(r('EXISTS', 'l')).toBe(int(1));
  });
});

describe('GETEX', () => {
  it('without options is GET; EX / PX / EXAT / PXAT / PERSIST change the TTL', () => {
    r('SET', 'g', 'v');
    expect(r('GETEX', 'g')).toBe(bulk('v'));
    expect(r('TTL', 'g')).toBe(int(-1));
    expect(r('GETEX', 'g', 'EX', '100')).toBe(bulk('v'));
    expect(r('TTL', 'g')).toBe(int(100));
    expect(r('GETEX', 'g', 'PERSIST')).toBe(bulk('v'));
    expect(r('TTL', 'g')).toBe(int(-1));
    expect(r('GETEX', 'g', 'PX', '5000')).toBe(bulk('v'));
    const pttl = h.call(c, 'PTTL', 'g') as number;
    expect(pttl).toBeGreaterThan(4000);
    expect(pttl).toBeLessThanOrEqual(5000);
    expect(r('GETEX', 'g', 'EXAT', '99999999999')).toBe(bulk('v'));
    expect(r('EXPIRETIME', 'g')).toBe(int(99999999999));
    expect(r('GETEX', 'g', 'PXAT', '99999999999000')).toBe(bulk('v'));
    expect(r('PEXPIRETIME', 'g')).toBe(int(99999999999000));
    expect(r('GETEX', 'g', 'EX', '10', 'EX', '20')).toBe(bulk('v'));
    expect(r('TTL', 'g')).toBe(int(20));
    expect(r('GETEX', 'g', 'PERSIST', 'PERSIST')).toBe(bulk('v'));
    expect(r('TTL', 'g')).toBe(int(-1));
  });

  it('EXAT in the past returns the value and deletes the key', () => {
    r('SET', 'g', 'v');
    expect(r('GETEX', 'g', 'EXAT', '1')).toBe(bulk('v'));
    expect(r('EXISTS', 'g')).toBe(int(0));
    expect(r('GETEX', 'g', 'EXAT', '1')).toBe(NIL);
  });

  it('option errors', () => {
    r('SET', 'g', 'v', 'EX', '50');
    expect(r('GETEX', 'g', 'EX', '0')).toBe(badExpire('getex'));
    expect(r('GETEX', 'g', 'EX', '-1')).toBe(badExpire('getex'));
    expect(r('GETEX', 'g', 'EX', 'x')).toBe(NOT_INT);
    for (const opts of [
      ['PERSIST', 'EX', '10'], ['EX', '10', 'PERSIST'], ['EX', '10', 'PX', '10'], ['NX'], ['XX'],
      ['GET'], ['KEEPTTL'], ['FOO'], ['EX'],
    ]) {
      expect(r('GETEX', 'g', ...opts), opts.join(' ')).toBe(SYNTAX);
    }
    expect(r('TTL', 'g')).toBe(int(50));
    expect(r('GETEX')).toBe(arity('getex'));
  });

  it('a missing key is nil (no TTL set)', () => {
    expect(r('GETEX', 'missing')).toBe(NIL);
    expect(r('GETEX', 'missing', 'EX', '10')).toBe(NIL);
    expect(r('EXISTS', 'missing')).toBe(int(0));
  });

  // Redis 7.0 getexCommand parses only the option words first, then looks the key up, and
  // validates the expire value only for an existing string key.
  it('a missing key is nil even when the expire value is invalid', () => {
    expect(r('GETEX', 'missing', 'EX', '0')).toBe(NIL);
    expect(r('GETEX', 'missing', 'PX', '-5')).toBe(NIL);
    expect(r('GETEX', 'missing', 'EX', 'x')).toBe(NIL);
  });

  it('wrong type: WRONGTYPE (a syntax error still wins; an invalid expire value does not)', () => {
    makeList('l');
    expect(r('GETEX', 'l')).toBe(WRONGTYPE);
    expect(r('GETEX', 'l', 'FOO')).toBe(SYNTAX);
    expect(r('GETEX', 'l', 'EX', '0')).toBe(WRONGTYPE);
  });
});

describe('MGET / MSET / MSETNX', () => {
  it('MGET with missing and wrong-type keys gives nils', () => {
    r('SET', 'm1', 'a');
    r('SET', 'm2', 'b');
    makeList('l');
    expect(r('MGET', 'm1', 'nope', 'l', 'm2', 'm1')).toBe(`*5\r\n${bulk('a')}${NIL}${NIL}${bulk('b')}${bulk('a')}`);
    expect(r('MGET')).toBe(arity('mget'));
    const c3 = h.client(3);
    expect(h.run(c3, 'MGET', 'm1', 'nope')).toBe(`*2\r\n${bulk('a')}_\r\n`);
  });

  it('MGET across shards', () => {
    const [x, y] = keysOnBothShards(h, 'mg');
    r('SET', x, 'X');
    r('SET', y, 'Y');
    expect(h.call(c, 'MGET', y, x, y)).toEqual(['Y', 'X', 'Y']);
  });

  it('MSET: later pairs win, overwrites other types and TTLs; odd args are an arity error', () => {
    expect(r('MSET', 'x', '1', 'y', '2', 'x', '3')).toBe(OK);
    expect(r('MGET', 'x', 'y')).toBe(`*2\r\n${bulk('3')}${bulk('2')}`);
    makeList('l');
    r('SET', 't', 'v', 'EX', '100');
    expect(r('MSET', 'l', 'v', 't', 'w')).toBe(OK);
    expect(r('TYPE', 'l')).toBe('+string\r\n');
    expect(r('TTL', 't')).toBe(int(-1));
    expect(r('MSET', 'x', '1', 'y')).toBe(arity('mset'));
    expect(r('MSET', 'x')).toBe(arity('mset'));
    expect(r('MSET')).toBe(arity('mset'));
    expect(r('GET', 'x')).toBe(bulk('3'));
  });

  it('MSET across shards', () => {
    const [a, b] = keysOnBothShards(h, 'ms');
    expect(r('MSET', a, '1', b, '2')).toBe(OK);
    expect(h.call(c, 'MGET', a, b)).toEqual(['1', '2']);
    expect(r('DBSIZE')).toBe(int(2));
  });

  it('MSETNX', () => {
    expect(r('MSETNX', 'x', '1', 'y')).toBe(arity('msetnx'));
    expect(r('MSETNX', 'n1', '1', 'n2', '2')).toBe(int(1));
    expect(r('MSETNX', 'n2', 'x', 'n3', '3')).toBe(int(0));
    expect(r('EXISTS', 'n3')).toBe(int(0));
    expect(r('GET', 'n2')).toBe(bulk('2'));
    // the same new key twice: set, last value wins
    expect(r('MSETNX', 'n4', 'a', 'n4', 'b')).toBe(int(1));
    expect(r('GET', 'n4')).toBe(bulk('b'));
    makeList('l');
    expect(r('MSETNX', 'l', 'v', 'z', '1')).toBe(int(0));
    expect(r('EXISTS', 'z')).toBe(int(0));
  });

  it('MSETNX across shards (hash tags in different shards) is all or nothing', () => {
    const [ta, tb] = tagsOnBothShards(h);
    const a1 = `${ta}:1`, a2 = `${ta}:2`, b1 = `${tb}:1`, b2 = `${tb}:2`;
    expect(r('MSETNX', a1, 'A1', b1, 'B1')).toBe(int(1));
    expect(h.call(c, 'MGET', a1, b1)).toEqual(['A1', 'B1']);
    // b1 exists (other shard): nothing is written, a2 and b2 stay absent
    expect(r('MSETNX', a2, 'A2', b2, 'B2', b1, 'X')).toBe(int(0));
    expect(r('EXISTS', a2, b2)).toBe(int(0));
    expect(r('GET', b1)).toBe(bulk('B1'));
    expect(r('MSETNX', a2, 'A2', b2, 'B2')).toBe(int(1));
    expect(r('DBSIZE')).toBe(int(4));
  });
});

describe('APPEND / STRLEN', () => {
  it('APPEND creates the key, then appends; returns the new length', () => {
    expect(r('APPEND', 'new', 'abc')).toBe(int(3));
    expect(r('GET', 'new')).toBe(bulk('abc'));
    expect(r('OBJECT', 'ENCODING', 'new')).toBe(bulk('embstr'));
    expect(r('APPEND', 'new', 'def')).toBe(int(6));
    expect(r('GET', 'new')).toBe(bulk('abcdef'));
    expect(r('APPEND', 'new', '')).toBe(int(6));
    expect(r('APPEND', 'fresh', '')).toBe(int(0));
    expect(r('EXISTS', 'fresh')).toBe(int(1));
  });

  it('an appended value is raw; an integer appended to stays a string until INCR', () => {
    r('SET', 'e', 'hello');
    expect(r('OBJECT', 'ENCODING', 'e')).toBe(bulk('embstr'));
    expect(r('APPEND', 'e', 'x')).toBe(int(6));
    expect(r('OBJECT', 'ENCODING', 'e')).toBe(bulk('raw'));
    r('SET', 'i', '10');
    expect(r('APPEND', 'i', '1')).toBe(int(3));
    expect(r('OBJECT', 'ENCODING', 'i')).toBe(bulk('raw'));
    expect(r('GET', 'i')).toBe(bulk('101'));
    expect(r('INCR', 'i')).toBe(int(102));
    expect(r('OBJECT', 'ENCODING', 'i')).toBe(bulk('int'));
  });

  it('APPEND keeps the TTL', () => {
    r('SET', 'k', 'a', 'EX', '100');
    r('APPEND', 'k', 'b');
    expect(r('TTL', 'k')).toBe(int(100));
  });

  it('APPEND grows a value to 100 KB in 1 KB steps', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const chunk = Buffer.alloc(1024, 65 + (i % 26));
      chunk.writeUInt32BE(i, 0);
      chunks.push(chunk);
      expect(h.call(c, 'APPEND', 'grow', chunk)).toBe((i + 1) * 1024);
    }
    expect(r('STRLEN', 'grow')).toBe(int(102400));
    expect((h.callBuf(c, 'GET', 'grow') as Buffer).equals(Buffer.concat(chunks))).toBe(true);
    expect(r('OBJECT', 'ENCODING', 'grow')).toBe(bulk('raw'));
  });

  it('STRLEN', () => {
    expect(r('STRLEN', 'none')).toBe(int(0));
    r('SET', 'e', '');
    expect(r('STRLEN', 'e')).toBe(int(0));
    r('SET', 'e', 'hello world');
    expect(r('STRLEN', 'e')).toBe(int(11));
    r('SET', 'e', '12345'); // int encoded
    expect(r('STRLEN', 'e')).toBe(int(5));
    r('SET', 'e', Buffer.from([0xff, 0x00, 0xe2, 0x82, 0xac]));
    expect(r('STRLEN', 'e')).toBe(int(5));
  });

  it('wrong type', () => {
    makeList('l');
    expect(r('APPEND', 'l', 'x')).toBe(WRONGTYPE);
    expect(r('STRLEN', 'l')).toBe(WRONGTYPE);
  });
});

describe('OBJECT ENCODING of strings', () => {
  it('int / embstr (≤ 44 bytes) / raw', () => {
    const cases: [string, string][] = [
      ['1', 'int'], ['-5', 'int'], ['0', 'int'], ['-9223372036854775808', 'int'], ['9223372036854775807', 'int'],
      ['9223372036854775808', 'embstr'], ['12345678901234567890', 'embstr'], ['007', 'embstr'], ['-0', 'embstr'],
      ['', 'embstr'], ['hello', 'embstr'], ['a'.repeat(44), 'embstr'], ['a'.repeat(45), 'raw'],
    ];
    for (const [v, enc] of cases) {
      r('SET', 'e', v);
      expect(r('OBJECT', 'ENCODING', 'e'), JSON.stringify(v)).toBe(bulk(enc));
    }
    r('SET', 'e', '1');
    r('INCR', 'e');
    expect(r('OBJECT', 'ENCODING', 'e')).toBe(bulk('int'));
  });
});

describe('INCR / DECR / INCRBY / DECRBY', () => {
  it('basic arithmetic, creating the key at 0', () => {
    expect(r('INCR', 'n')).toBe(int(1));
    expect(r('INCR', 'n')).toBe(int(2));
    expect(r('INCRBY', 'n', '10')).toBe(int(12));
    expect(r('DECR', 'n')).toBe(int(11));
    expect(r('DECRBY', 'n', '20')).toBe(int(-9));
    expect(r('INCRBY', 'n', '-5')).toBe(int(-14));
    expect(r('DECRBY', 'n', '-5')).toBe(int(-9));
    expect(r('GET', 'n')).toBe(bulk('-9'));
    expect(r('DECR', 'd')).toBe(int(-1));
  });

  it('big values beyond 32 bits', () => {
    r('SET', 'big', '17179869184');
    expect(r('INCRBY', 'big', '17179869184')).toBe(int('34359738368'));
    r('SET', 'b2', '9007199254740993'); // beyond 2^53
    expect(r('INCR', 'b2')).toBe(int('9007199254740994'));
    expect(r('GET', 'b2')).toBe(bulk('9007199254740994'));
    expect(r('DECRBY', 'b2', '9007199254740994')).toBe(int(0));
  });

  it('overflow at the int64 limits', () => {
    r('SET', 'n', '9223372036854775806');
    expect(r('INCR', 'n')).toBe(int('9223372036854775807'));
    expect(r('INCR', 'n')).toBe(OVERFLOW);
    expect(r('GET', 'n')).toBe(bulk('9223372036854775807'));
    r('SET', 'n', '-9223372036854775807');
    expect(r('DECR', 'n')).toBe(int('-9223372036854775808'));
    expect(r('DECR', 'n')).toBe(OVERFLOW);
    expect(r('GET', 'n')).toBe(bulk('-9223372036854775808'));
    r('SET', 'n', '0');
    expect(r('INCRBY', 'n', '9223372036854775807')).toBe(int('9223372036854775807'));
    expect(r('INCRBY', 'n', '1')).toBe(OVERFLOW);
    r('SET', 'n', '-1');
    expect(r('INCRBY', 'n', '-9223372036854775808')).toBe(OVERFLOW);
  });

  it('DECRBY -9223372036854775808 has its own error', () => {
    r('SET', 'n', '0');
    expect(r('DECRBY', 'n', '-9223372036854775808')).toBe(err('ERR decrement would overflow'));
    expect(r('DECRBY', 'n', '9223372036854775807')).toBe(int('-9223372036854775807'));
    expect(r('DECRBY', 'n', '1')).toBe(int('-9223372036854775808'));
    expect(r('DECRBY', 'n', '2')).toBe(OVERFLOW);
    expect(r('GET', 'n')).toBe(bulk('-9223372036854775808'));
  });

  it('increments outside int64 or not canonical integers are refused', () => {
    for (const by of ['9223372036854775808', '-9223372036854775809', '01', ' 1', '1 ', '+1', '-0', '', '1.5', 'x']) {
      expect(r('INCRBY', 'm', by), JSON.stringify(by)).toBe(NOT_INT);
      expect(r('DECRBY', 'm', by), JSON.stringify(by)).toBe(NOT_INT);
    }
    expect(r('EXISTS', 'm')).toBe(int(0));
  });

  it('values that are not canonical integers are refused', () => {
    for (const v of ['9223372036854775808', ' 1', '1 ', '01', '+1', '1.0', 'abc', '', '-0', '0x10', '1\r\n']) {
      r('SET', 'n', v);
      expect(r('INCR', 'n'), JSON.stringify(v)).toBe(NOT_INT);
      expect(r('DECRBY', 'n', '1'), JSON.stringify(v)).toBe(NOT_INT);
      expect(r('GET', 'n')).toBe(bulk(v));
    }
  });

  it('INCR keeps the TTL', () => {
    r('SET', 'n', '5', 'EX', '100');
    expect(r('INCR', 'n')).toBe(int(6));
    expect(r('TTL', 'n')).toBe(int(100));
  });

  it('wrong type and arity', () => {
    makeList('l');
    expect(r('INCR', 'l')).toBe(WRONGTYPE);
    expect(r('DECR', 'l')).toBe(WRONGTYPE);
    expect(r('INCRBY', 'l', '1')).toBe(WRONGTYPE);
    expect(r('DECRBY', 'l', '1')).toBe(WRONGTYPE);
    // the increment is parsed before the key is looked up
    expect(r('INCRBY', 'l', 'x')).toBe(NOT_INT);
    expect(r('INCR')).toBe(arity('incr'));
    expect(r('INCR', 'a', 'b')).toBe(arity('incr'));
    expect(r('INCRBY', 'a')).toBe(arity('incrby'));
    expect(r('DECRBY', 'a')).toBe(arity('decrby'));
    expect(r('DECR')).toBe(arity('decr'));
  });
});

describe('INCRBYFLOAT (plain cases)', () => {
  it('adds and formats without trailing zeros', () => {
    expect(r('INCRBYFLOAT', 'f', '10.5')).toBe(bulk('10.5'));
    expect(r('INCRBYFLOAT', 'f', '0.1')).toBe(bulk('10.6'));
    expect(r('INCRBYFLOAT', 'f', '-10.6')).toBe(bulk('0'));
    expect(r('GET', 'f')).toBe(bulk('0'));
    r('SET', 'f', '3');
    expect(r('INCRBYFLOAT', 'f', '2')).toBe(bulk('5'));
    expect(r('INCRBYFLOAT', 'f', '1.5e3')).toBe(bulk('1505'));
    expect(r('INCRBYFLOAT', 'f', '-1505')).toBe(bulk('0'));
    r('SET', 'f', '1.5');
    expect(r('INCRBYFLOAT', 'f', '1.5')).toBe(bulk('3'));
    r('SET', 'f', '5.0e3');
    expect(r('INCRBYFLOAT', 'f', '2.0e2')).toBe(bulk('5200'));
    expect(r('INCRBYFLOAT', 'g', '-3.25')).toBe(bulk('-3.25'));
    expect(r('INCRBYFLOAT', 'h', '0')).toBe(bulk('0'));
  });

  it('errors', () => {
    r('SET', 'f', '1');
    expect(r('INCRBYFLOAT', 'f', 'inf')).toBe(err('ERR increment would produce NaN or Infinity'));
    expect(r('INCRBYFLOAT', 'f', '-inf')).toBe(err('ERR increment would produce NaN or Infinity'));
    for (const v of ['nan', ' 1', '1 ', '', 'abc']) {
      expect(r('INCRBYFLOAT', 'f', v), JSON.stringify(v)).toBe(NOT_FLOAT);
    }
    expect(r('GET', 'f')).toBe(bulk('1'));
    r('SET', 'f', 'abc');
    expect(r('INCRBYFLOAT', 'f', '1')).toBe(NOT_FLOAT);
    r('SET', 'f', ' 1');
    expect(r('INCRBYFLOAT', 'f', '1')).toBe(NOT_FLOAT);
    makeList('l');
    expect(r('INCRBYFLOAT', 'l', '1')).toBe(WRONGTYPE);
    expect(r('INCRBYFLOAT', 'l', 'x')).toBe(WRONGTYPE);
    expect(r('INCRBYFLOAT', 'f2', '1', '2')).toBe(arity('incrbyfloat'));
  });
});

describe('binary safety and big values', () => {
  it('keys and values with CR LF, NUL and 0xff', () => {
    const key = Buffer.from('k\r\n\0\xff-end', 'latin1');
    const val = Buffer.from([0, 13, 10, 255, 0, 36, 45, 49, 13, 10]);
    expect(r('SET', key, val)).toBe(OK);
    expect((h.callBuf(c, 'GET', key) as Buffer).equals(val)).toBe(true);
    expect(r('STRLEN', key)).toBe(int(val.length));
    expect(r('EXISTS', Buffer.from('k\r\n\0\xff-en', 'latin1'))).toBe(int(0));
    const keys = h.callBuf(c, 'KEYS', '*') as Buffer[];
    expect(keys.length).toBe(1);
    expect(keys[0].equals(key)).toBe(true);
    // raw reply bytes carry the value untouched
    expect(h.run(c, 'GET', key)).toBe(`$${val.length}\r\n${val.toString('latin1')}\r\n`);
    expect(h.call(c, 'APPEND', key, Buffer.from([0xfe]))).toBe(val.length + 1);
    expect((h.callBuf(c, 'GETDEL', key) as Buffer).equals(Buffer.concat([val, Buffer.from([0xfe])]))).toBe(true);
  });

  it('keys that differ only in a byte after NUL are distinct', () => {
    const a = Buffer.from([0x61, 0, 0x62]), b = Buffer.from([0x61, 0, 0x63]);
    r('SET', a, '1');
    r('SET', b, '2');
    expect(r('GET', a)).toBe(bulk('1'));
    expect(r('GET', b)).toBe(bulk('2'));
    expect(r('DBSIZE')).toBe(int(2));
  });

  it('a 1 MB value round-trips', () => {
    const big = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >> 8)) & 0xff;
    expect(r('SET', 'big', big)).toBe(OK);
    expect(r('STRLEN', 'big')).toBe(int(big.length));
    expect((h.callBuf(c, 'GET', 'big') as Buffer).equals(big)).toBe(true);
    expect(r('OBJECT', 'ENCODING', 'big')).toBe(bulk('raw'));
    expect(r('SET', 'big', 'small')).toBe(OK);
    expect(r('GET', 'big')).toBe(bulk('small'));
  });
});

describe('SELECT isolates databases', () => {
  it('the same key in two dbs', () => {
    expect(r('SELECT', '1')).toBe(OK);
    r('SET', 'k', 'db1');
    expect(r('SELECT', '0')).toBe(OK);
    expect(r('GET', 'k')).toBe(NIL);
    r('SET', 'k', 'db0');
    expect(r('SELECT', '1')).toBe(OK);
    expect(r('GET', 'k')).toBe(bulk('db1'));
    expect(r('INCR', 'n')).toBe(int(1));
    expect(r('SELECT', '15')).toBe(OK);
    expect(r('DBSIZE')).toBe(int(0));
    expect(r('SELECT', '0')).toBe(OK);
    expect(r('GET', 'k')).toBe(bulk('db0'));
    expect(r('EXISTS', 'n')).toBe(int(0));
  });

  it('two clients on different dbs do not see each other', () => {
    const other = h.client(2);
    h.run(other, 'SELECT', '5');
    h.run(other, 'SET', 'shared', 'five');
    expect(r('GET', 'shared')).toBe(NIL);
    r('SET', 'shared', 'zero');
    expect(h.run(other, 'GET', 'shared')).toBe(bulk('five'));
  });
});
