/**
 * Compatibility with real Redis, miniredis-style: every case is a sequence of commands sent on
 * a raw connection to a real redis-server AND to Spindle; the raw reply bytes must be equal.
 *
 * INFO replies are compared field by field (`info` steps): named fields must exist in both, and
 * named values must match (numbers within a tolerance).
 *
 * Modes per step:
 *   exact  (default) the bytes are equal
 *   sorted           aggregates are compared after sorting their elements (KEYS, SMEMBERS...)
 *   approx           same shape; numbers may differ by `tol`; values of map/array fields
 *                    named in `ignore` (e.g. HELLO's `id`) are not compared (TTLs, TIME, HELLO)
 *   scan             a full SCAN iteration (cursor 0 → 0) on each side; the key sets are equal
 *
 * Every case runs twice, in RESP2 and in RESP3 (HELLO 3 first), on a fresh pair of
 * connections after FLUSHALL, unless it says otherwise.
 *
 * Skipped (visibly) when redis-server is not installed.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  decodeReply,
  encodeReply,
  rawClient,
  redisAvailable,
  show,
  startRedis,
  startSpindle,
  type Arg,
  type RawClient,
  type RespValue,
  type RunningTestServer,
} from '../helpers/server.js';

type Mode = 'exact' | 'sorted' | 'approx';

interface CmdStep {
  cmd: Arg[];
  mode?: Mode;
  /** approx: allowed numeric difference. */
  tol?: number;
  /** approx: field names whose values are not compared. */
  ignore?: string[];
}
interface RawStep {
  raw: string | Buffer;
  /** How many replies the bytes produce (default 1). */
  replies?: number;
  /** The server closes the connection after the reply (protocol errors). */
  closes?: boolean;
  mode?: Mode;
}
interface ScanStep {
  /** SCAN arguments after the cursor. */
  scan: Arg[];
}
interface InfoStep {
  /** INFO arguments (section names). */
  info: Arg[];
  /** Fields that must exist in both replies. */
  present?: string[];
  /** Fields whose values must be equal; numbers (also inside `a=1,b=2` values) may differ by `tol`. */
  equal?: string[];
  tol?: number;
}
interface SleepStep {
  sleep: number;
}
type Step = Arg[] | CmdStep | RawStep | ScanStep | InfoStep | SleepStep;

interface Case {
  name: string;
  /** Steps; a function is called once per run, so time-based arguments are the same on both sides. */
  steps: Step[] | (() => Step[]);
  /** Protocols to run in (default both). */
  protos?: (2 | 3)[];
}

const approx = (cmd: Arg[], tol = 2, ignore: string[] = []): CmdStep => ({ cmd, mode: 'approx', tol, ignore });
const sorted = (cmd: Arg[]): CmdStep => ({ cmd, mode: 'sorted' });
const raw = (bytes: string, replies = 1, closes = false): RawStep => ({ raw: bytes, replies, closes });
const nowS = () => Math.floor(Date.now() / 1000);
const nowMs = () => Date.now();

// ------------------------------------------------------------------ the table

const CASES: Case[] = [
  // ---------------------------------------------------------------- strings
  {
    name: 'SET/GET basics',
    steps: [
      ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['SET', 'k', 'v2'], ['GET', 'k'],
      ['SET', 'empty', ''], ['GET', 'empty'], ['STRLEN', 'empty'],
      ['SET', 'bin', Buffer.from([0, 13, 10, 255, 0])], ['GET', 'bin'], ['STRLEN', 'bin'],
      ['set', 'lower', 'case'], ['gEt', 'lower'],
    ],
  },
  {
    name: 'SET NX / XX',
    steps: [
      ['SET', 'k', 'v', 'NX'], ['SET', 'k', 'v2', 'NX'], ['GET', 'k'],
      ['SET', 'k', 'v3', 'XX'], ['GET', 'k'], ['SET', 'm', 'v', 'XX'], ['GET', 'm'],
      ['SET', 'k', 'v', 'NX', 'XX'], ['SET', 'k', 'v', 'XX', 'NX'], ['SET', 'k', 'v', 'nx', 'nx'],
      ['GET', 'k'],
    ],
  },
  {
    name: 'SET GET option',
    steps: [
      ['SET', 'k', 'v', 'GET'], ['SET', 'k', 'v2', 'GET'], ['GET', 'k'],
      ['SET', 'k', 'v3', 'NX', 'GET'], ['GET', 'k'],
      ['SET', 'k', 'v4', 'XX', 'GET'], ['GET', 'k'],
      ['SET', 'n', 'v', 'XX', 'GET'], ['GET', 'n'],
      ['SET', 'k', 'v5', 'GET', 'EX', '100'], approx(['TTL', 'k']),
    ],
  },
  {
    name: 'SET EX / PX and invalid expire times',
    steps: [
      ['SET', 'k', 'v', 'EX', '100'], approx(['TTL', 'k']), approx(['PTTL', 'k'], 1500),
      ['SET', 'k', 'v', 'PX', '100000'], approx(['PTTL', 'k'], 1500), approx(['TTL', 'k']),
      ['SET', 'k', 'v', 'ex', '100'], approx(['TTL', 'k']),
      ['SET', 'k', 'v', 'EX', '0'], ['SET', 'k', 'v', 'EX', '-1'], ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'PX', '-100'], ['SET', 'k', 'v', 'EX', 'abc'], ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '9999999999999999'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'], ['SET', 'k', 'v', 'EX', '9223372036854775808'],
      ['SET', 'k', 'v', 'EX'], ['SET', 'k', 'v', 'EX', '10', 'PX', '10'], ['SET', 'k', 'v', 'EX', '10', 'EX', '10'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'], ['SET', 'k', 'v', 'KEEPTTL', 'PX', '10'],
      ['SET', 'k', 'v', 'FOO'], ['SET', 'k'], ['SET'],
      ['GET', 'k'], approx(['TTL', 'k']),
    ],
  },
  {
    name: 'SET EXAT / PXAT',
    steps: () => [
      ['SET', 'k', 'v', 'EXAT', String(nowS() + 100)], approx(['TTL', 'k']),
      ['SET', 'k', 'v', 'PXAT', String(nowMs() + 100000)], approx(['PTTL', 'k'], 1500),
      ['SET', 'k', 'v', 'EXAT', '0'], ['SET', 'k', 'v', 'PXAT', '-1'], ['SET', 'k', 'v', 'EXAT', 'x'],
      ['SET', 'k', 'v', 'EXAT', '10', 'PXAT', '10'],
      ['SET', 'past', 'v', 'EXAT', '1'], ['GET', 'past'], ['EXISTS', 'past'],
      ['SET', 'past2', 'v', 'PXAT', '1000'], ['GET', 'past2'],
    ],
  },
  {
    name: 'SET KEEPTTL',
    steps: [
      ['SET', 'k', 'v', 'EX', '100'], ['SET', 'k', 'v2', 'KEEPTTL'], approx(['TTL', 'k']), ['GET', 'k'],
      ['SET', 'k', 'v3'], ['TTL', 'k'],
      ['SET', 'n', 'v', 'KEEPTTL'], ['TTL', 'n'],
      ['SET', 'k', 'v', 'PX', '100000'], ['SET', 'k', 'v', 'KEEPTTL', 'XX', 'GET'], approx(['PTTL', 'k'], 1500),
    ],
  },
  {
    name: 'GETEX',
    steps: () => [
      ['SET', 'k', 'v'], ['GETEX', 'k'], ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '100'], approx(['TTL', 'k']),
      ['GETEX', 'k', 'PERSIST'], ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '100000'], approx(['PTTL', 'k'], 1500),
      ['GETEX', 'k', 'EXAT', String(nowS() + 200)], approx(['TTL', 'k']),
      ['GETEX', 'k', 'PXAT', String(nowMs() + 300000)], approx(['PTTL', 'k'], 1500),
      ['GETEX', 'missing'], ['GETEX', 'missing', 'EX', '10'], ['EXISTS', 'missing'],
      ['GETEX', 'k', 'EX', '0'], ['GETEX', 'k', 'EX', '-1'], ['GETEX', 'k', 'PX', '0'], ['GETEX', 'k', 'EXAT', '0'],
      ['GETEX', 'k', 'EX', 'abc'], ['GETEX', 'k', 'EX', '9223372036854775807'],
      ['GETEX', 'k', 'EX', '10', 'PX', '10'], ['GETEX', 'k', 'EX', '10', 'PERSIST'], ['GETEX', 'k', 'FOO'],
      ['GETEX', 'k', 'EX'], ['GETEX', 'k', 'KEEPTTL'], ['GETEX'],
      ['GET', 'k'],
      ['SET', 'gone', 'v'], ['GETEX', 'gone', 'PXAT', '1'], ['EXISTS', 'gone'],
    ],
  },
  {
    name: 'GETDEL / GETSET',
    steps: [
      ['SET', 'k', 'v'], ['GETDEL', 'k'], ['GET', 'k'], ['GETDEL', 'k'], ['GETDEL'], ['GETDEL', 'a', 'b'],
      ['GETSET', 'g', 'v'], ['GETSET', 'g', 'v2'], ['GET', 'g'], ['GETSET', 'g'],
      ['SET', 't', 'v', 'EX', '100'], ['GETSET', 't', 'w'], ['TTL', 't'],
    ],
  },
  {
    name: 'MSET / MGET / MSETNX',
    steps: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['MGET', 'a', 'b', 'c', 'd'], ['MGET', 'd'],
      ['MSETNX', 'x', '1', 'y', '2'], ['MSETNX', 'y', '3', 'z', '4'], ['MGET', 'x', 'y', 'z'],
      ['MSETNX', 'p', '1', 'p', '2'], ['GET', 'p'],
      ['MSET', 'a'], ['MSET', 'a', '1', 'b'], ['MSET'], ['MSETNX', 'a'], ['MSETNX', 'a', '1', 'b'], ['MGET'],
      ['MSET', 'a', '1', 'a', '2'], ['GET', 'a'],
    ],
  },
  {
    name: 'SETNX / SETEX / PSETEX',
    steps: [
      ['SETNX', 'k', 'v'], ['SETNX', 'k', 'v2'], ['GET', 'k'], ['SETNX', 'k'],
      ['SETEX', 'e', '100', 'v'], approx(['TTL', 'e']), ['GET', 'e'],
      ['SETEX', 'e', '0', 'v'], ['SETEX', 'e', '-5', 'v'], ['SETEX', 'e', 'abc', 'v'],
      ['SETEX', 'e', '9223372036854775807', 'v'], ['SETEX', 'e', '10'],
      ['PSETEX', 'p', '100000', 'v'], approx(['PTTL', 'p'], 1500),
      ['PSETEX', 'p', '0', 'v'], ['PSETEX', 'p', '-1', 'v'], ['PSETEX', 'p', 'x', 'v'], ['PSETEX', 'p', '10'],
      ['GET', 'p'],
    ],
  },
  {
    name: 'INCR family and overflow',
    steps: [
      ['INCR', 'n'], ['INCRBY', 'n', '10'], ['DECR', 'n'], ['DECRBY', 'n', '5'], ['INCRBY', 'n', '-3'], ['GET', 'n'],
      ['SET', 's', 'abc'], ['INCR', 's'], ['DECR', 's'], ['INCRBY', 's', '1'],
      ['INCRBY', 'n', 'abc'], ['INCRBY', 'n', '1.5'], ['DECRBY', 'n', 'x'],
      ['SET', 'max', '9223372036854775807'], ['INCR', 'max'], ['INCRBY', 'max', '1'], ['DECR', 'max'], ['GET', 'max'],
      ['SET', 'min', '-9223372036854775808'], ['DECR', 'min'], ['INCRBY', 'min', '-1'], ['INCR', 'min'],
      ['DECRBY', 'x', '-9223372036854775808'], ['INCRBY', 'x', '9223372036854775808'],
      ['SET', 'sp', ' 1'], ['INCR', 'sp'], ['SET', 'lz', '010'], ['INCR', 'lz'], ['SET', 'plus', '+1'], ['INCR', 'plus'],
      ['SET', 'big', '99999999999999999999'], ['INCR', 'big'],
      ['SET', 'neg', '-0'], ['INCR', 'neg'],
      ['INCR'], ['INCR', 'a', 'b'], ['INCRBY', 'n'], ['DECRBY', 'n'],
    ],
  },
  {
    name: 'INCRBYFLOAT formatting',
    steps: [
      ['SET', 'f', '10.5'], ['INCRBYFLOAT', 'f', '0.1'], ['GET', 'f'],
      ['SET', 'f', '3.0e3'], ['INCRBYFLOAT', 'f', '200'],
      ['SET', 'f', '5.0e3'], ['INCRBYFLOAT', 'f', '2.0e2'], ['GET', 'f'],
      ['INCRBYFLOAT', 'new', '1'], ['INCRBYFLOAT', 'new', '-1'], ['INCRBYFLOAT', 'new', '1.0e-5'],
      ['INCRBYFLOAT', 'i', '5'], ['INCRBYFLOAT', 'i', '-0.5'], ['INCRBYFLOAT', 'i', '1e3'],
      ['SET', 'x', '1'], ['INCRBYFLOAT', 'x', '0.3333333333333333'],
      ['INCRBYFLOAT', 'f', 'abc'], ['INCRBYFLOAT', 'f', 'inf'], ['INCRBYFLOAT', 'f', '-inf'], ['INCRBYFLOAT', 'f', 'nan'],
      ['INCRBYFLOAT', 'f', ''], ['INCRBYFLOAT', 'f', '1 '],
      ['SET', 's', 'abc'], ['INCRBYFLOAT', 's', '1'],
      ['SET', 'h', '0x10'], ['INCRBYFLOAT', 'h', '1'],
      ['INCRBYFLOAT', 'f'], ['INCRBYFLOAT'],
      ['SET', 'int', '17'], ['INCRBYFLOAT', 'int', '0.5'], ['INCR', 'int'],
    ],
  },
  {
    name: 'INCRBYFLOAT precision (long double arithmetic, %.17Lf formatting)',
    steps: [
      ['SET', 'a', '1.1'], ['INCRBYFLOAT', 'a', '2.2'],
      ['SET', 'b', '0.1'], ['INCRBYFLOAT', 'b', '0.2'], ['INCRBYFLOAT', 'b', '0.3'],
      ['INCRBYFLOAT', 'c', '1e17'], ['INCRBYFLOAT', 'c', '1'],
      ['INCRBYFLOAT', 'd', '123456789.123456789'],
      ['INCRBYFLOAT', 'e', '1e20'], ['INCRBYFLOAT', 'e', '0.00001'],
      ['INCRBYFLOAT', 'f', '0.1e-10'], ['INCRBYFLOAT', 'g', '5e-324'], ['INCRBYFLOAT', 'h', '-0'],
      ['INCRBYFLOAT', 'i', '.5'], ['INCRBYFLOAT', 'i', '5.'], ['INCRBYFLOAT', 'i', '1E2'], ['INCRBYFLOAT', 'i', '+3'],
    ],
  },
  {
    name: 'INCRBYFLOAT beyond the double range (long double)',
    steps: [
      ['INCRBYFLOAT', 'k', '1e308'], ['INCRBYFLOAT', 'k', '1e308'],
      ['SET', 'n', '1e400'], ['INCRBYFLOAT', 'n', '1'],
    ],
  },
  {
    name: 'SETRANGE / GETRANGE / SUBSTR',
    steps: [
      ['SET', 'k', 'Hello World'], ['SETRANGE', 'k', '6', 'Redis'], ['GET', 'k'], ['SETRANGE', 'k', '20', 'x'], ['GET', 'k'],
      ['GETRANGE', 'k', '0', '4'], ['GETRANGE', 'k', '-5', '-1'], ['GETRANGE', 'k', '-100', '100'], ['GETRANGE', 'k', '3', '1'],
      ['GETRANGE', 'nokey', '0', '-1'], ['SUBSTR', 'k', '0', '2'], ['SETRANGE', 'k', '-1', 'x'],
      ['SETRANGE', 'k', '536870912', 'x'], ['SETRANGE', 'nk', '0', ''], ['EXISTS', 'nk'], ['SETRANGE', 'nk', '3', 'ab'], ['GET', 'nk'],
      ['GETRANGE', 'k', 'a', '1'], ['SETRANGE', 'k', 'x', 'a'], ['GETRANGE', 'k', '0'],
      ['SET', 'n', '12345'], ['SETRANGE', 'n', '0', '9'], ['OBJECT', 'ENCODING', 'n'], ['GET', 'n'],
    ],
  },
  {
    name: 'bitmaps: SETBIT / GETBIT',
    steps: [
      ['SETBIT', 'b', '7', '1'], ['SETBIT', 'b', '7', '0'], ['SETBIT', 'b', '100', '1'], ['GETBIT', 'b', '100'], ['GETBIT', 'b', '1000'],
      ['GET', 'b'], ['STRLEN', 'b'], ['GETBIT', 'nokey', '0'],
      ['SETBIT', 'b', '4294967296', '1'], ['SETBIT', 'b', '-1', '1'], ['SETBIT', 'b', '1', '2'], ['GETBIT', 'b', 'x'],
      ['SET', 's', 'a'], ['SETBIT', 's', '6', '1'], ['GET', 's'], ['SETBIT', 's'],
    ],
  },
  {
    name: 'bitmaps: BITCOUNT',
    steps: [
      ['SET', 's', 'foobar'], ['BITCOUNT', 's'], ['BITCOUNT', 's', '0', '0'], ['BITCOUNT', 's', '1', '1'], ['BITCOUNT', 's', '2', '-1'],
      ['BITCOUNT', 's', '-2', '-1'], ['BITCOUNT', 's', '5', '30', 'BIT'], ['BITCOUNT', 's', '5', '30', 'BYTE'], ['BITCOUNT', 's', '0'],
      ['BITCOUNT', 's', '0', '1', 'FOO'], ['BITCOUNT', 'nokey'], ['BITCOUNT', 's', '10', '5'],
      ['SET', 'long', 'x'.repeat(1000)], ['BITCOUNT', 'long'], ['BITCOUNT', 'long', '3', '997'], ['BITCOUNT', 'long', '1', '-2', 'BIT'],
    ],
  },
  {
    name: 'bitmaps: BITPOS',
    steps: [
      ['SET', 's', 'foobar'], ['BITPOS', 's', '1'], ['BITPOS', 's', '0'], ['BITPOS', 's', '1', '2'], ['BITPOS', 's', '0', '0', '-1', 'BIT'],
      ['BITPOS', 's', '1', '7', '15', 'BIT'], ['BITPOS', 's', '2'], ['BITPOS', 'nokey', '0'], ['BITPOS', 'nokey', '1'],
      ['SET', 'ff', Buffer.from([0xff, 0xff])], ['BITPOS', 'ff', '0'], ['BITPOS', 'ff', '0', '0', '-1'], ['BITPOS', 'ff', '0', '0', '-1', 'BIT'],
      ['SET', 'long', 'x'.repeat(1000)], ['BITPOS', 'long', '0', '5'], ['BITPOS', 'long', '1', '900'],
    ],
  },
  {
    name: 'bitmaps: BITOP',
    steps: [
      ['SET', 'x', 'abc'], ['SET', 'y', 'ab'], ['BITOP', 'AND', 'd', 'x', 'y'], ['GET', 'd'], ['BITOP', 'OR', 'd', 'x', 'y'], ['GET', 'd'],
      ['BITOP', 'XOR', 'd', 'x', 'y'], ['GET', 'd'], ['BITOP', 'NOT', 'd', 'x'], ['GET', 'd'], ['BITOP', 'NOT', 'd', 'x', 'y'],
      ['BITOP', 'FOO', 'd', 'x'], ['BITOP', 'AND', 'd', 'none1', 'none2'], ['EXISTS', 'd'],
      ['SET', 'l1', 'y'.repeat(1001)], ['SET', 'l2', 'z'.repeat(999)], ['BITOP', 'XOR', 'd', 'l1', 'l2'], ['GET', 'd'],
    ],
  },
  {
    name: 'APPEND / STRLEN',
    steps: [
      ['APPEND', 'k', 'hello'], ['APPEND', 'k', ' world'], ['GET', 'k'], ['STRLEN', 'k'], ['STRLEN', 'nokey'],
      ['APPEND', 'k', ''], ['STRLEN', 'k'],
      ['SET', 'n', '12'], ['APPEND', 'n', '34'], ['GET', 'n'], ['INCR', 'n'],
      ['APPEND', 'b', Buffer.from([0, 1, 13, 10])], ['APPEND', 'b', Buffer.from([255])], ['GET', 'b'], ['STRLEN', 'b'],
      ['APPEND', 'k'], ['STRLEN'], ['STRLEN', 'a', 'b'],
    ],
  },
  {
    name: 'OBJECT ENCODING int / embstr / raw',
    steps: [
      ['SET', 'i', '123'], ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'ineg', '-5'], ['OBJECT', 'ENCODING', 'ineg'],
      ['SET', 'imax', '9223372036854775807'], ['OBJECT', 'ENCODING', 'imax'],
      ['SET', 'ibig', '12345678901234567890'], ['OBJECT', 'ENCODING', 'ibig'],
      ['SET', 'e', 'abc'], ['OBJECT', 'ENCODING', 'e'],
      ['SET', 'e44', 'x'.repeat(44)], ['OBJECT', 'ENCODING', 'e44'],
      ['SET', 'r45', 'x'.repeat(45)], ['OBJECT', 'ENCODING', 'r45'],
      ['SET', 'ap', 'abc'], ['APPEND', 'ap', 'd'], ['OBJECT', 'ENCODING', 'ap'],
      ['SET', 'sr', '10000'], ['SETRANGE', 'sr', '0', '2'], ['OBJECT', 'ENCODING', 'sr'],
      ['APPEND', 'newap', 'x'], ['OBJECT', 'ENCODING', 'newap'], ['SET', 'ex', '77', 'EX', '100'], ['OBJECT', 'ENCODING', 'ex'],
      ['SET', 'fl', '1.5'], ['INCRBYFLOAT', 'fl', '1'], ['OBJECT', 'ENCODING', 'fl'],
      ['INCR', 'cnt'], ['OBJECT', 'ENCODING', 'cnt'],
      ['SET', 'lz', '0123'], ['OBJECT', 'ENCODING', 'lz'],
      ['OBJECT', 'ENCODING', 'missing'], ['OBJECT', 'ENCODING'], ['OBJECT', 'FOO', 'i'],
    ],
  },

  // ---------------------------------------------------------------- generic
  {
    name: 'DEL / EXISTS / UNLINK / TOUCH',
    steps: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['EXISTS', 'a', 'a', 'a'], ['EXISTS', 'a', 'b', 'x'],
      ['DEL', 'a', 'b', 'x'], ['EXISTS', 'a', 'b', 'c', 'c', 'c'], ['DEL', 'a'], ['DEL'], ['EXISTS'],
      ['SET', 'u', '1'], ['UNLINK', 'u', 'nope'], ['EXISTS', 'u'], ['TOUCH', 'c', 'c', 'nope'],
    ],
  },
  {
    name: 'TYPE',
    steps: [['SET', 's', 'v'], ['TYPE', 's'], ['TYPE', 'missing'], ['TYPE'], ['TYPE', 'a', 'b']],
  },
  {
    name: 'EXPIRE NX / XX / GT / LT',
    steps: [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'XX'], ['TTL', 'k'], ['EXPIRE', 'k', '100', 'GT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'LT'], approx(['TTL', 'k']),
      ['PERSIST', 'k'], ['EXPIRE', 'k', '100', 'NX'], approx(['TTL', 'k']), ['EXPIRE', 'k', '50', 'NX'],
      ['EXPIRE', 'k', '200', 'XX'], approx(['TTL', 'k']),
      ['EXPIRE', 'k', '100', 'GT'], ['EXPIRE', 'k', '300', 'GT'], approx(['TTL', 'k']),
      ['EXPIRE', 'k', '400', 'LT'], ['EXPIRE', 'k', '100', 'LT'], approx(['TTL', 'k']),
      ['EXPIRE', 'k', '100', 'NX', 'XX'], ['EXPIRE', 'k', '100', 'GT', 'LT'], ['EXPIRE', 'k', '100', 'NX', 'GT'],
      ['EXPIRE', 'k', '100', 'FOO'], ['EXPIRE', 'k', 'abc'], ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'k', '9223372036854775807'], ['EXPIRE', 'k', '9223372036854775'],
      ['EXPIRE', 'missing', '100'], ['EXPIRE', 'k'], ['EXPIRE'],
      ['PEXPIRE', 'k', '100000'], approx(['PTTL', 'k'], 1500), ['PEXPIRE', 'k', '100000', 'NX'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['SET', 'z', 'v'], ['EXPIRE', 'z', '0'], ['EXISTS', 'z'],
      ['SET', 'z', 'v'], ['EXPIRE', 'z', '-1'], ['EXISTS', 'z'],
      ['SET', 'z', 'v'], ['PEXPIRE', 'z', '-1000'], ['GET', 'z'],
    ],
  },
  {
    name: 'EXPIREAT / PEXPIREAT / EXPIRETIME / PEXPIRETIME',
    steps: () => {
      const at = nowS() + 1000;
      return [
        ['SET', 'k', 'v'], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], ['EXPIRETIME', 'missing'], ['PEXPIRETIME', 'missing'],
        ['EXPIREAT', 'k', String(at)], ['EXPIRETIME', 'k'], ['PEXPIRETIME', 'k'], approx(['TTL', 'k']),
        ['PEXPIREAT', 'k', String(at * 1000 + 500)], ['PEXPIRETIME', 'k'], ['EXPIRETIME', 'k'],
        ['EXPIREAT', 'k', String(at + 10), 'GT'], ['EXPIREAT', 'k', String(at), 'GT'], ['EXPIRETIME', 'k'],
        ['EXPIREAT', 'k', '1'], ['EXISTS', 'k'],
        ['SET', 'p', 'v'], ['PEXPIREAT', 'p', '1'], ['GET', 'p'],
        ['EXPIREAT', 'p', 'x'], ['EXPIREAT', 'missing', String(at)],
      ];
    },
  },
  {
    name: 'TTL -1 / -2 and PERSIST',
    steps: [
      ['TTL', 'missing'], ['PTTL', 'missing'], ['SET', 'k', 'v'], ['TTL', 'k'], ['PTTL', 'k'],
      ['PERSIST', 'k'], ['EXPIRE', 'k', '100'], ['PERSIST', 'k'], ['TTL', 'k'], ['PERSIST', 'missing'],
      ['TTL'], ['PTTL', 'a', 'b'], ['PERSIST'],
      ['SET', 'k', 'v', 'EX', '100'], ['SET', 'k', 'w'], ['TTL', 'k'],
      // TTL and EXPIRETIME round to the nearest second ((ms + 500) / 1000), they don't truncate
      ['PEXPIRE', 'k', '100900'], ['TTL', 'k'], ['PEXPIRE', 'k', '1700'], ['TTL', 'k'],
    ],
  },
  {
    name: 'RENAME / RENAMENX',
    steps: [
      ['RENAME', 'missing', 'x'], ['RENAMENX', 'missing', 'x'],
      ['SET', 'a', '1'], ['RENAME', 'a', 'b'], ['GET', 'a'], ['GET', 'b'],
      ['RENAMENX', 'b', 'c'], ['GET', 'c'], ['SET', 'd', '2'], ['RENAMENX', 'c', 'd'], ['GET', 'c'], ['GET', 'd'],
      ['RENAME', 'c', 'c'], ['RENAMENX', 'c', 'c'], ['GET', 'c'],
      ['EXPIRE', 'c', '100'], ['RENAME', 'c', 'e'], approx(['TTL', 'e']),
      ['SET', 'f', 'v', 'EX', '100'], ['RENAME', 'e', 'f'], approx(['TTL', 'f']), ['GET', 'f'],
      ['SET', 'g', '1'], ['SET', 'h', '2', 'EX', '50'], ['RENAME', 'g', 'h'], ['TTL', 'h'],
      ['RENAME', 'a'], ['RENAMENX', 'a', 'b', 'c'],
      // keys in different shards/slots
      ['SET', '{x}1', 'v'], ['RENAME', '{x}1', '{y}2'], ['GET', '{y}2'], ['EXISTS', '{x}1'],
    ],
  },
  {
    name: 'COPY',
    steps: [
      ['SET', 'a', '1'], ['COPY', 'a', 'b'], ['GET', 'b'], ['COPY', 'a', 'b'], ['SET', 'a', '2'],
      ['COPY', 'a', 'b', 'REPLACE'], ['GET', 'b'], ['COPY', 'missing', 'x'], ['EXISTS', 'x'],
      ['COPY', 'a', 'a'], ['COPY', 'a', 'b', 'FOO'], ['COPY', 'a', 'b', 'DB', '16'], ['COPY', 'a', 'b', 'DB', 'x'],
      ['COPY', 'a', 'b', 'DB', '1'], ['COPY', 'a', 'b', 'DB', '1'], ['COPY', 'a', 'a', 'DB', '1', 'REPLACE'],
      ['SELECT', '1'], ['GET', 'b'], ['GET', 'a'], ['SELECT', '0'],
      ['EXPIRE', 'a', '100'], ['COPY', 'a', 'c'], approx(['TTL', 'c']),
      ['COPY', 'a'], ['COPY'],
    ],
  },
  {
    name: 'MOVE',
    steps: [
      ['SET', 'a', '1'], ['MOVE', 'a', '1'], ['GET', 'a'], ['SELECT', '1'], ['GET', 'a'],
      ['MOVE', 'a', '1'], ['SELECT', '0'], ['MOVE', 'missing', '1'],
      ['SET', 'a', 'zero'], ['MOVE', 'a', '1'], ['GET', 'a'],
      ['MOVE', 'a', '16'], ['MOVE', 'a', '-1'], ['MOVE', 'a', 'abc'], ['MOVE', 'a'],
      ['SET', 't', 'v', 'EX', '100'], ['MOVE', 't', '2'], ['SELECT', '2'], approx(['TTL', 't']),
    ],
  },
  {
    name: 'SELECT',
    steps: [
      ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'abc'], ['SELECT', '1.5'], ['SELECT'], ['SELECT', '1', '2'],
      ['SELECT', '15'], ['SET', 'k', 'fifteen'], ['SELECT', '0'], ['GET', 'k'], ['SELECT', '15'], ['GET', 'k'],
    ],
  },
  {
    name: 'DBSIZE / FLUSHDB / FLUSHALL',
    steps: [
      ['DBSIZE'], ['MSET', 'a', '1', 'b', '2'], ['DBSIZE'], ['SELECT', '1'], ['SET', 'c', '3'], ['DBSIZE'],
      ['FLUSHDB'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'], ['FLUSHDB', 'ASYNC'], ['DBSIZE'],
      ['SET', 'x', '1'], ['FLUSHDB', 'SYNC'], ['DBSIZE'], ['FLUSHDB', 'FOO'], ['DBSIZE', 'x'],
      ['SET', 'y', '1'], ['SELECT', '3'], ['SET', 'z', '1'], ['FLUSHALL'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'],
      ['FLUSHALL', 'SYNC'], ['FLUSHALL', 'BAR'],
    ],
  },
  {
    name: 'KEYS (sorted)',
    steps: [
      ['MSET', 'a', '1', 'b', '2', 'ab', '3', 'hello', '4', 'hallo', '5', 'hxllo', '6', 'h*llo', '7'],
      sorted(['KEYS', '*']), sorted(['KEYS', 'a*']), sorted(['KEYS', 'h?llo']), sorted(['KEYS', 'h[ae]llo']),
      sorted(['KEYS', 'h[^e]llo']), sorted(['KEYS', 'h[a-b]llo']), sorted(['KEYS', 'h\\*llo']), ['KEYS', 'nomatch*'],
      ['KEYS'],
    ],
  },
  {
    name: 'SCAN (sorted, full iteration)',
    steps: [
      ['MSET', ...Array.from({ length: 300 }, (_, i) => [`key:${i}`, String(i)]).flat()],
      ['MSET', 'other:1', 'x', 'other:2', 'y'],
      { scan: [] }, { scan: ['MATCH', 'key:1*'] }, { scan: ['COUNT', '7'] }, { scan: ['MATCH', 'other:*', 'COUNT', '1000'] },
      { scan: ['TYPE', 'string'] }, { scan: ['TYPE', 'list'] }, { scan: ['MATCH', 'nomatch*', 'TYPE', 'string', 'COUNT', '50'] },
      ['SCAN', 'abc'], ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'FOO', 'bar'],
      ['SCAN', '0', 'MATCH'], ['SCAN'],
    ],
  },
  {
    name: 'SCAN on a small keyspace',
    steps: [['SET', 'only', '1'], sorted(['SCAN', '0']), ['SCAN', '0', 'MATCH', 'x*']],
  },
  {
    name: 'RANDOMKEY',
    steps: [['RANDOMKEY'], ['SET', 'one', '1'], ['RANDOMKEY'], ['RANDOMKEY', 'x']],
  },

  // ---------------------------------------------------------------- connection
  {
    name: 'PING / ECHO',
    steps: [
      ['PING'], ['PING', 'hello'], ['PING', ''], ['PING', 'a', 'b'], ['ping'],
      ['ECHO', 'hi'], ['ECHO', ''], ['ECHO', Buffer.from([0, 13, 10])], ['ECHO'], ['ECHO', 'a', 'b'],
    ],
  },
  {
    name: 'HELLO 2 / 3 reply shape, NOPROTO, errors',
    protos: [2],
    steps: [
      approx(['HELLO'], 0, ['id']), approx(['HELLO', '3'], 0, ['id']), approx(['HELLO'], 0, ['id']),
      approx(['HELLO', '2'], 0, ['id']), ['HELLO', '4'], ['HELLO', '1'], ['HELLO', 'abc'], ['HELLO', '-1'],
      ['HELLO', '3', 'FOO'], ['HELLO', '3', 'SETNAME'], ['HELLO', '3', 'AUTH', 'default'],
      approx(['HELLO', '3', 'SETNAME', 'myname'], 0, ['id']), ['CLIENT', 'GETNAME'],
      ['HELLO', '2', 'SETNAME', 'bad name'], ['CLIENT', 'GETNAME'],
      approx(['HELLO', '2', 'AUTH', 'default', 'anything'], 0, ['id']),
      ['HELLO', '3', 'AUTH', 'someone', 'pw'], ['PING'],
    ],
  },
  {
    name: 'RESP3 null / types after HELLO 3',
    protos: [3],
    steps: [['GET', 'missing'], ['MGET', 'a', 'missing'], ['SET', 'k', 'v', 'NX', 'GET'], ['SET', 'k', 'w', 'XX'], ['CLIENT', 'GETNAME']],
  },
  {
    name: 'AUTH without a password configured',
    steps: [
      ['AUTH', 'foo'], ['AUTH', 'default', 'foo'], ['AUTH', 'someone', 'foo'], ['AUTH', 'a', 'b', 'c'], ['AUTH'],
      ['PING'],
    ],
  },
  {
    name: 'CLIENT SETNAME / GETNAME and errors',
    steps: [
      ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'a b'], ['CLIENT', 'SETNAME', 'a\nb'], ['CLIENT', 'SETNAME', 'ä'],
      ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', 'foo'], ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'], ['CLIENT', 'SETNAME'], ['CLIENT', 'SETNAME', 'a', 'b'], ['CLIENT', 'GETNAME', 'x'],
      ['CLIENT', 'FOO'], ['CLIENT'], ['client', 'setname', 'lower'], ['CLIENT', 'getname'],
      ['CLIENT', 'NO-EVICT', 'maybe'], ['CLIENT', 'NO-EVICT', 'on'], ['CLIENT', 'NO-EVICT', 'off'],
    ],
  },
  {
    name: 'unknown command and wrong arity texts',
    steps: [
      ['FOO'], ['FOO', 'a', 'b'], ['foo', 'A B', ''], ['FOO', 'x'.repeat(200)], ['FOO', 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)],
      ['GET'], ['GET', 'a', 'b'], ['SET', 'k'], ['INCR'], ['MGET'], ['TTL'], ['STRLEN'], ['GETEX'], ['ECHO'],
      ['OBJECT'], ['CLIENT', 'NOSUCH'], ['CONFIG', 'NOSUCH'], ['OBJECT', 'NOSUCH', 'x'],
      ['PING'],
    ],
  },
  {
    name: 'inline commands',
    steps: [
      raw('PING\r\n'), raw('SET a b\r\n'), raw('GET a\r\n'), raw('SET "a b" \'c d\'\r\n'), raw('GET "a b"\r\n'),
      raw('ECHO "x\\ny\\x41\\t"\r\n'), raw("ECHO 'it\\'s'\r\n"), raw('PING\n'), raw('\r\nPING\r\n'),
      raw('  GET   a  \r\n'), raw('MGET a "a b" nokey\r\n'), raw('SET e ""\r\n'), raw('GET e\r\n'),
      raw('PING\r\nECHO two\r\n', 2), raw('FOO bar\r\n'), raw('GET\r\n'),
      raw('SET "unbalanced value\r\n', 1, true),
    ],
  },
  {
    name: 'inline: closing quote must be followed by a space',
    steps: [raw('PING\r\n'), raw('ECHO "a"b\r\n', 1, true)],
  },
  {
    name: 'pipelined multibulk split across writes',
    steps: [
      raw('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', 2),
      raw('*0\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n', 1),
      raw('*-1\r\n*1\r\n$4\r\nPING\r\n', 1),
    ],
  },

  // ---------------------------------------------------------------- server
  {
    name: 'TIME (approx)',
    steps: [approx(['TIME'], 1_000_000), ['TIME', 'x']],
  },
  {
    name: 'INFO keyspace (approx avg_ttl)',
    steps: [
      ['MSET', 'a', '1', 'b', '2', 'c', '3'], ['SET', 't1', 'v', 'EX', '100'], ['SET', 't2', 'v', 'EX', '100'],
      ['SELECT', '2'], ['SET', 'x', '1'], ['SELECT', '0'],
      { sleep: 400 }, // one active-expire cycle (hz 10) computes avg_ttl
      { info: ['keyspace'], equal: ['db0', 'db1', 'db2'], tol: 3000 },
      ['FLUSHDB'], { info: ['keyspace'], equal: ['db0', 'db2'] },
    ],
  },
  {
    name: 'INFO: fields that monitoring tools read exist',
    steps: [
      {
        info: [],
        present: [
          'redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds', 'uptime_in_days',
          'hz', 'executable', 'connected_clients', 'maxclients', 'blocked_clients', 'used_memory', 'used_memory_human',
          'used_memory_rss', 'used_memory_peak', 'used_memory_peak_human', 'maxmemory', 'maxmemory_policy',
          'mem_fragmentation_ratio', 'loading', 'rdb_changes_since_last_save', 'rdb_last_save_time', 'aof_enabled',
          'total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec',
          'total_net_input_bytes', 'total_net_output_bytes', 'rejected_connections', 'expired_keys', 'evicted_keys',
          'keyspace_hits', 'keyspace_misses', 'total_error_replies', 'role', 'connected_slaves', 'master_repl_offset',
          'used_cpu_sys', 'used_cpu_user', 'cluster_enabled',
        ],
        equal: ['redis_version', 'redis_mode', 'arch_bits', 'maxmemory', 'maxmemory_policy', 'role', 'aof_enabled'],
      },
      { info: ['stats'], present: ['keyspace_hits', 'keyspace_misses', 'expired_keys', 'total_commands_processed'] },
      ['CONFIG', 'RESETSTAT'], ['GET', 'nokey'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'k'], ['EXISTS', 'k', 'nokey'],
      { info: ['stats'], equal: ['keyspace_hits', 'keyspace_misses', 'expired_keys', 'evicted_keys'] },
    ],
  },
  {
    name: 'CONFIG GET / SET basics',
    steps: [
      ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'nosuchsetting'], ['CONFIG', 'GET', 'databases'],
      ['CONFIG', 'SET', 'hz', '20'], ['CONFIG', 'GET', 'hz'], ['CONFIG', 'SET', 'hz', 'abc'],
      ['CONFIG', 'SET', 'hz', '10'], ['CONFIG', 'SET', 'nosuchsetting', '1'], ['CONFIG', 'SET', 'databases', '4'],
      ['CONFIG', 'GET'], ['CONFIG', 'SET', 'hz'], ['CONFIG'],
    ],
  },
];

// ------------------------------------------------------------------ comparison

function fmtArgs(args: Arg[]): string {
  const s = args.map((a) => (Buffer.isBuffer(a) ? `<${a.length} bytes>` : String(a))).join(' ');
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

function sortTree(v: RespValue): RespValue {
  if (!('items' in v)) return v;
  if (v.t === '%') {
    const pairs: [RespValue, RespValue][] = [];
    for (let i = 0; i < v.items.length; i += 2) pairs.push([sortTree(v.items[i]), sortTree(v.items[i + 1])]);
    pairs.sort((a, b) => Buffer.compare(encodeReply(a[0]), encodeReply(b[0])));
    return { t: v.t, items: pairs.flat() };
  }
  const items = v.items.map(sortTree);
  items.sort((a, b) => Buffer.compare(encodeReply(a), encodeReply(b)));
  return { t: v.t, items };
}

/** Returns null when equal within tolerance, else a reason. */
function approxDiff(a: RespValue, b: RespValue, tol: number, ignore: Set<string>, path = '$'): string | null {
  if (a.t !== b.t) return `${path}: type ${a.t} vs ${b.t}`;
  if ('items' in a || 'items' in b) {
    if (!('items' in a) || !('items' in b)) return `${path}: null vs aggregate`;
    if (a.items.length !== b.items.length) return `${path}: ${a.items.length} vs ${b.items.length} elements`;
    for (let i = 0; i < a.items.length; i++) {
      const ai = a.items[i];
      const d = approxDiff(ai, b.items[i], tol, ignore, `${path}[${i}]`);
      if (d) return d;
      if ('v' in ai && ai.v !== null && ignore.has(ai.v) && i + 1 < a.items.length) {
        if (a.items[i + 1].t !== b.items[i + 1].t) return `${path}[${i + 1}]: type differs`;
        i++; // skip the value of an ignored field
      }
    }
    return null;
  }
  const av = (a as { v: string | null }).v, bv = (b as { v: string | null }).v;
  if (av === bv) return null;
  if (av === null || bv === null) return `${path}: null vs value`;
  const an = Number(av), bn = Number(bv);
  if (av.trim() !== '' && bv.trim() !== '' && Number.isFinite(an) && Number.isFinite(bn) && Math.abs(an - bn) <= tol) return null;
  return `${path}: ${JSON.stringify(av)} vs ${JSON.stringify(bv)}`;
}

/** INFO text → field map (sections dropped). */
function infoFields(b: Buffer): Map<string, string> | null {
  const r = decodeReply(b);
  if (!('v' in r) || r.v === null || (r.t !== '$' && r.t !== '=')) return null;
  const text = r.t === '=' ? r.v.slice(4) : r.v;
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (line === '' || line.startsWith('#') || i < 0) continue;
    m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function infoValueClose(a: string, b: string, tol: number): boolean {
  if (a === b) return true;
  const pa = a.split(','), pb = b.split(',');
  if (pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) {
    const [ka, va] = pa[i].includes('=') ? pa[i].split('=') : ['', pa[i]];
    const [kb, vb] = pb[i].includes('=') ? pb[i].split('=') : ['', pb[i]];
    if (ka !== kb) return false;
    if (va === vb) continue;
    const na = Number(va), nb = Number(vb);
    if (!(Number.isFinite(na) && Number.isFinite(nb) && Math.abs(na - nb) <= tol)) return false;
  }
  return true;
}

function infoDiff(want: Buffer, got: Buffer, step: InfoStep): string[] {
  const a = infoFields(want), b = infoFields(got);
  if (!a) return [`redis-server reply is not an INFO text: ${show(want)}`];
  if (!b) return [`spindle reply is not an INFO text: ${show(got)}`];
  const out: string[] = [];
  for (const f of step.present ?? []) {
    if (!a.has(f)) out.push(`(test bug) redis-server has no field ${f}`);
    else if (!b.has(f)) out.push(`field ${f} missing (redis: ${f}:${a.get(f)})`);
  }
  for (const f of step.equal ?? []) {
    const va = a.get(f), vb = b.get(f);
    if (va === undefined && vb === undefined) continue;
    if (va === undefined || vb === undefined || !infoValueClose(va, vb, step.tol ?? 0)) {
      out.push(`field ${f}: redis ${JSON.stringify(va)} vs spindle ${JSON.stringify(vb)}`);
    }
  }
  return out;
}

interface Side {
  c: RawClient;
}

async function scanAll(c: RawClient, args: Arg[]): Promise<{ keys: string[]; bad: string | null }> {
  let cursor = '0';
  const keys: string[] = [];
  for (let i = 0; i < 10000; i++) {
    const r = decodeReply(await c.send('SCAN', cursor, ...args));
    if (!('items' in r) || r.items.length !== 2) return { keys, bad: `bad SCAN reply ${show(encodeReply(r))}` };
    const [cur, list] = r.items;
    if (!('v' in cur) || cur.v === null || !('items' in list)) return { keys, bad: `bad SCAN reply ${show(encodeReply(r))}` };
    for (const k of list.items) keys.push((k as { v: string }).v);
    cursor = cur.v;
    if (cursor === '0') return { keys: [...new Set(keys)].sort(), bad: null };
  }
  return { keys, bad: 'SCAN did not finish within 10000 calls' };
}

// ------------------------------------------------------------------ runner

/** COMPAT_SELF_CHECK=1 puts a second redis-server where Spindle goes: every case must pass. */
const selfCheck = process.env.COMPAT_SELF_CHECK === '1';
const startTarget = async (): Promise<RunningTestServer> => (selfCheck ? (await startRedis())! : startSpindle({ shards: 2 }));

const haveRedis = redisAvailable();
if (!haveRedis) console.warn('redis-server not installed: compat tests skipped');
const suite = haveRedis ? describe : describe.skip;

suite('compat with redis-server (raw reply bytes)', () => {
  let redis: RunningTestServer | null = null;
  let spindle: RunningTestServer;
  const open: RawClient[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    spindle = await startTarget();
  }, 60000);

  afterAll(async () => {
    for (const c of open) c.destroy();
    await spindle?.close();
    await redis?.close();
  });

  /**
   * A fresh pair of connections on empty servers. When Spindle's FLUSHALL does not answer +OK
   * (not implemented yet), Spindle is restarted so the case still starts from an empty store.
   */
  async function freshPair(): Promise<[Side, Side]> {
    const r = await rawClient(redis!.port);
    open.push(r);
    expect((await r.send('FLUSHALL')).toString()).toBe('+OK\r\n');
    let s = await rawClient(spindle.port);
    open.push(s);
    let ok = false;
    try {
      ok = (await s.send('FLUSHALL')).toString() === '+OK\r\n';
    } catch {
      ok = false;
    }
    if (!ok) {
      s.destroy();
      await spindle.close();
      spindle = await startTarget();
      s = await rawClient(spindle.port);
      open.push(s);
    }
    return [{ c: r }, { c: s }];
  }

  for (const tc of CASES) {
    for (const proto of tc.protos ?? [2, 3]) {
      it(`${tc.name} [RESP${proto}]`, async () => {
        const [R, S] = await freshPair();
        onTestFinished(async () => {
          await Promise.all([R.c.close(), S.c.close()]);
        });
        const problems: string[] = [];
        const steps: Step[] = proto === 3 ? [approx(['HELLO', '3'], 0, ['id'])] : [];
        steps.push(...(typeof tc.steps === 'function' ? tc.steps() : tc.steps));
        for (let i = 0; i < steps.length; i++) {
          const step = steps[i];
          if (!Array.isArray(step) && 'sleep' in step) {
            await new Promise((r) => setTimeout(r, step.sleep));
            continue;
          }
          if (!Array.isArray(step) && 'info' in step) {
            const label = `#${i} INFO ${fmtArgs(step.info)}`;
            const want = await R.c.send('INFO', ...step.info);
            let got: Buffer;
            try {
              got = await S.c.send('INFO', ...step.info);
            } catch (e) {
              problems.push(`${label}\n  spindle: <${(e as Error).message}>`);
              break;
            }
            const d = infoDiff(want, got, step);
            if (d.length) problems.push(`${label}\n  ${d.join('\n  ')}`);
            continue;
          }
          if (!Array.isArray(step) && 'scan' in step) {
            const [a, b] = await Promise.all([scanAll(R.c, step.scan), scanAll(S.c, step.scan).catch((e: Error) => ({ keys: [], bad: e.message }))]);
            const label = `#${i} full SCAN ${fmtArgs(step.scan)}`;
            if (a.bad) throw new Error(`redis-server: ${label}: ${a.bad}`);
            if (b.bad) problems.push(`${label}\n  spindle: ${b.bad}`);
            else if (a.keys.join('\n') !== b.keys.join('\n')) {
              problems.push(`${label}\n  redis:   ${a.keys.length} keys ${a.keys.slice(0, 10).join(',')}…\n  spindle: ${b.keys.length} keys ${b.keys.slice(0, 10).join(',')}…`);
            }
            continue;
          }
          let label: string;
          let run: (c: RawClient) => Promise<Buffer>;
          let mode: Mode = 'exact';
          let tol = 0;
          let ignore: string[] = [];
          let closes = false;
          if (Array.isArray(step) || 'cmd' in step) {
            const cs: CmdStep = Array.isArray(step) ? { cmd: step } : step;
            label = `#${i} ${fmtArgs(cs.cmd)}`;
            run = (c) => c.send(...cs.cmd);
            mode = cs.mode ?? 'exact';
            tol = cs.tol ?? 2;
            ignore = cs.ignore ?? [];
          } else {
            const rs = step;
            label = `#${i} raw ${JSON.stringify(rs.raw.toString())}`;
            run = (c) => c.sendRaw(rs.raw, rs.replies ?? 1);
            mode = rs.mode ?? 'exact';
            closes = rs.closes ?? false;
          }
          const want = await run(R.c);
          let got: Buffer;
          try {
            got = await run(S.c);
          } catch (e) {
            problems.push(`${label}\n  redis:   ${show(want)}\n  spindle: <${(e as Error).message}>`);
            break; // the connection is unusable
          }
          let diff: string | null = null;
          if (mode === 'exact') {
            if (!want.equals(got)) diff = 'bytes differ';
          } else if (mode === 'sorted') {
            try {
              const a = encodeReply(sortTree(decodeReply(want))), b = encodeReply(sortTree(decodeReply(got)));
              if (!a.equals(b)) diff = 'sorted bytes differ';
            } catch (e) {
              diff = (e as Error).message;
            }
          } else {
            try {
              diff = approxDiff(decodeReply(want), decodeReply(got), tol, new Set(ignore));
            } catch (e) {
              diff = (e as Error).message;
            }
          }
          if (diff) problems.push(`${label} (${mode}: ${diff})\n  redis:   ${show(want)}\n  spindle: ${show(got)}`);
          if (closes) {
            await R.c.closed(3000);
            const closed = await S.c.closed(3000).then(() => true, () => false);
            if (!closed) problems.push(`${label}\n  spindle: connection not closed after the protocol error`);
            break;
          }
        }
        expect(problems.join('\n'), `${problems.length} difference(s) from redis-server`).toBe('');
      });
    }
  }
});
