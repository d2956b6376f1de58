/**
 * The commands each test sends, as preencoded RESP templates.
 *
 * Keys and members are fixed width (prefix + 12 digits, like redis-benchmark's
 * key:__rand_int__), so a template is encoded once and each request only overwrites the
 * digits in place. A batch of P requests is assembled into one preallocated buffer.
 */

/** RESP type bytes. */
export const kSimple = 0x2b; // +
export const kError = 0x2d; // -
export const kInteger = 0x3a; // :
export const kBulk = 0x24; // $
export const kArray = 0x2a; // *

export const kKeyDigits = 12;

type Arg = string | { slot: string } | { value: true };

interface TestDef {
  /** Reply type a correct server gives. */
  reply: number;
  args: Arg[];
}

const key = (prefix: string): Arg => ({ slot: prefix });
const V: Arg = { value: true };

const kDefs: Record<string, TestDef> = {
  ping: { reply: kSimple, args: ['PING'] },
  set: { reply: kSimple, args: ['SET', key('key:'), V] },
  get: { reply: kBulk, args: ['GET', key('key:')] },
  incr: { reply: kInteger, args: ['INCR', key('counter:')] },
  lpush: { reply: kInteger, args: ['LPUSH', key('list:'), V] },
  rpush: { reply: kInteger, args: ['RPUSH', key('list:'), V] },
  lpop: { reply: kBulk, args: ['LPOP', key('list:')] },
  rpop: { reply: kBulk, args: ['RPOP', key('list:')] },
  sadd: { reply: kInteger, args: ['SADD', key('set:'), key('element:')] },
  hset: { reply: kInteger, args: ['HSET', key('hash:'), key('field:'), V] },
  zadd: { reply: kInteger, args: ['ZADD', key('zset:'), key(''), key('member:')] },
  zrange: { reply: kArray, args: ['ZRANGE', key('zset:'), '0', '9'] },
  // redis-benchmark's lrange_100; run lpush first (with a small --keyspace) so lists reach 100.
  lrange_100: { reply: kArray, args: ['LRANGE', key('list:'), '0', '99'] },
  mset: { reply: kSimple, args: ['MSET', ...Array.from({ length: 10 }, () => [key('key:'), V]).flat()] },
};

/** "mixed" is SET and GET interleaved at --ratio. */
export const kKnownTests = [...Object.keys(kDefs), 'mixed'];

export interface Template {
  bytes: Buffer;
  /** Offsets of the 12-digit fields to fill per request. */
  slots: number[];
  reply: number;
}

function bulk(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1')]);
}

export function encodeTemplate(def: TestDef, dataSize: number): Template {
  const value = Buffer.alloc(dataSize, 'x');
  const parts: Buffer[] = [Buffer.from(`*${def.args.length}\r\n`, 'latin1')];
  const slots: number[] = [];
  let len = parts[0]!.length;
  for (const a of def.args) {
    let b: Buffer;
    if (typeof a === 'string') b = bulk(a);
    else if ('value' in a) b = bulk(value);
    else {
      const text = a.slot + '0'.repeat(kKeyDigits);
      b = bulk(text);
      // Digits end just before the trailing CRLF.
      slots.push(len + b.length - 2 - kKeyDigits);
    }
    parts.push(b);
    len += b.length;
  }
  return { bytes: Buffer.concat(parts), slots, reply: def.reply };
}

/** Templates of a test, in the order the cycle uses them (mixed: `set` times SET, then GETs). */
export interface TestPlan {
  name: string;
  cycle: Template[];
}

export function planTest(name: string, dataSize: number, ratio: [number, number] = [1, 10]): TestPlan {
  if (name === 'mixed') {
    const s = encodeTemplate(kDefs['set']!, dataSize), g = encodeTemplate(kDefs['get']!, dataSize);
    const cycle: Template[] = [];
    for (let i = 0; i < ratio[0]; i++) cycle.push(s);
    for (let i = 0; i < ratio[1]; i++) cycle.push(g);
    return { name, cycle };
  }
  const def = kDefs[name];
  if (!def) throw new Error(`unknown test ${name}`);
  return { name, cycle: [encodeTemplate(def, dataSize)] };
}

/** Name of the command a test sends, for display (mixed: SET+GET). */
export function commandOf(test: string): string {
  return test === 'mixed' ? 'SET+GET' : String(kDefs[test]?.args[0] ?? test);
}

/** Write n as 12 zero-padded ASCII digits at buf[at..at+12). */
export function writeDigits(buf: Buffer, at: number, n: number): void {
  for (let i = at + kKeyDigits - 1; i >= at; i--) {
    const q = Math.floor(n / 10);
    buf[i] = 0x30 + (n - q * 10);
    n = q;
  }
}

/** Bytes the largest batch of a plan can take. */
export function maxBatchBytes(plan: TestPlan, pipeline: number): number {
  let max = 0;
  for (const t of plan.cycle) max = Math.max(max, t.bytes.length);
  return max * pipeline;
}
