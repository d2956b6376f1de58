/**
 * Helpers for the data-type client and compat tests (hashes, lists, sets, sorted sets and the
 * blocking pops): the target server (Spindle, or a real redis-server with TEST_AGAINST_REDIS=1),
 * keys placed in chosen shards, and a raw-bytes compat runner against redis-server.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { keySlot, kSlots } from '../../src/sab/hash.js';
import {
  decodeReply,
  encodeCommand,
  encodeReply,
  rawClient,
  redisAvailable,
  show,
  startRedis,
  startSpindle,
  startSpindleProcess,
  type Arg,
  type RawClient,
  type RespValue,
  type RunningTestServer,
} from './server.js';

/** TEST_AGAINST_REDIS=1 runs the client tests against a real redis-server, to check the tests themselves. */
export const againstRedis = process.env.TEST_AGAINST_REDIS === '1';

/** Shards of the Spindle the type tests start. */
export const kTestShards = 2;

/** Spindle with kTestShards shards, or redis-server under TEST_AGAINST_REDIS=1. */
export async function startTarget(): Promise<RunningTestServer> {
  if (againstRedis) {
    const r = await startRedis();
    if (r === null) throw new Error('TEST_AGAINST_REDIS=1 but redis-server is not installed');
    return r;
  }
  return startSpindle({ shards: kTestShards });
}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  let v: unknown;
  try {
    v = await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected an error reply, got ${JSON.stringify(v)}`);
}

/** Spindle's shard of a key when it has `shards` shards (slot ranges split evenly, as the engine does). */
export function shardOf(key: string, shards = kTestShards): number {
  const b = Buffer.from(key);
  return Math.floor((keySlot(b, 0, b.length) * shards) / kSlots);
}

/**
 * `count` keys `${prefix}<n>` without hash tags, the i-th in shard i % shards: deterministic,
 * so a test that needs keys in different shards really gets them.
 */
export function keysInShards(prefix: string, count: number, shards = kTestShards): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count && n < 100000; n++) {
    const k = `${prefix}${n}`;
    if (shardOf(k, shards) === out.length % shards) out.push(k);
  }
  if (out.length < count) throw new Error(`keysInShards(${prefix}): not enough keys`);
  return out;
}

/** Resolves when `p` settles, or with 'pending' after `ms`: to check that a blocked call still waits. */
export async function stillPending<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ compat runner

export type Mode = 'exact' | 'sorted' | 'approx';

export interface CmdStep {
  cmd: Arg[];
  mode?: Mode;
  /** approx: allowed numeric difference. */
  tol?: number;
}
/**
 * A reply that differs on purpose between redis-server 7.0 and Spindle (which follows Redis 7.2
 * there, e.g. listpack sets and lists): redis-server must answer `redis` (checks the case
 * itself), Spindle must answer `spindle`. Both are RESP bytes of this protocol.
 */
export interface V72Step {
  cmd: Arg[];
  redis: string | ((proto: 2 | 3) => string);
  spindle: string | ((proto: 2 | 3) => string);
}
/**
 * A reply with a random part (SPOP, SRANDMEMBER, HRANDFIELD...): `check` runs on both replies
 * (decoded) and returns null when the reply has the right properties, else why not.
 */
export interface CheckStep {
  cmd: Arg[];
  check: (r: RespValue, proto: 2 | 3) => string | null;
}
/** Several commands written at once; each side's replies compared one by one. */
export interface PipeStep {
  pipe: Arg[][];
  mode?: Mode;
}
/**
 * A blocking command that has to wait: `blocked` is written on the case's connection, and once
 * the server shows it blocked, `then` runs on a second connection (replies compared); then the
 * blocked command's reply (as served by the writer) is compared byte for byte.
 */
export interface ServedStep {
  blocked: Arg[];
  then: Arg[][];
}
export type Step = Arg[] | CmdStep | V72Step | CheckStep | PipeStep | ServedStep;
export const served = (blocked: Arg[], ...then: Arg[][]): ServedStep => ({ blocked, then });

export interface Case {
  name: string;
  /** Steps; a function is called once per run. */
  steps: Step[] | (() => Step[]);
  /** Protocols to run in (default both). */
  protos?: (2 | 3)[];
  /** CONFIG SET name value pairs applied first, and reset afterwards (names from kThresholdDefaults). */
  config?: Record<string, string>;
}

export const sorted = (cmd: Arg[]): CmdStep => ({ cmd, mode: 'sorted' });
export const approx = (cmd: Arg[], tol = 2): CmdStep => ({ cmd, mode: 'approx', tol });
export const check = (cmd: Arg[], fn: CheckStep['check']): CheckStep => ({ cmd, check: fn });
export const v72 = (cmd: Arg[], redis: V72Step['redis'], spindle: V72Step['spindle']): V72Step => ({ cmd, redis, spindle });

/** RESP for a bulk string. */
export const bulk = (s: string): string => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
/** OBJECT ENCODING's reply for this encoding name (a bulk string in both protocols). */
export const enc = (name: string): string => bulk(name);

/** Encoding-threshold settings (Redis 7.0 names that 7.2 also has) with their defaults. */
export const kThresholdDefaults: Record<string, string> = {
  'hash-max-listpack-entries': '128',
  'hash-max-listpack-value': '64',
  'set-max-intset-entries': '512',
  'zset-max-listpack-entries': '128',
  'zset-max-listpack-value': '64',
  'list-max-listpack-size': '-2',
};

/** Elements of an aggregate reply (null/absent for anything else). */
export function items(r: RespValue): RespValue[] | null {
  return 'items' in r ? r.items : null;
}
/** Text of a string-ish reply. */
export function text(r: RespValue): string | null {
  return 'v' in r ? r.v : null;
}

export function sortTree(v: RespValue): RespValue {
  if (!('items' in v)) return v;
  if (v.t === '%') {
    const pairs: [RespValue, RespValue][] = [];
    for (let i = 0; i < v.items.length; i += 2) pairs.push([sortTree(v.items[i]), sortTree(v.items[i + 1])]);
    pairs.sort((a, b) => Buffer.compare(encodeReply(a[0]), encodeReply(b[0])));
    return { t: v.t, items: pairs.flat() };
  }
  const out = v.items.map(sortTree);
  out.sort((a, b) => Buffer.compare(encodeReply(a), encodeReply(b)));
  return { t: v.t, items: out };
}

function approxDiff(a: RespValue, b: RespValue, tol: number, path = '$'): string | null {
  if (a.t !== b.t) return `${path}: type ${a.t} vs ${b.t}`;
  if ('items' in a || 'items' in b) {
    if (!('items' in a) || !('items' in b)) return `${path}: null vs aggregate`;
    if (a.items.length !== b.items.length) return `${path}: ${a.items.length} vs ${b.items.length} elements`;
    for (let i = 0; i < a.items.length; i++) {
      const d = approxDiff(a.items[i], b.items[i], tol, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const av = (a as { v: string | null }).v, bv = (b as { v: string | null }).v;
  if (av === bv) return null;
  if (av === null || bv === null) return `${path}: null vs value`;
  const an = Number(av), bn = Number(bv);
  if (Number.isFinite(an) && Number.isFinite(bn) && Math.abs(an - bn) <= tol) return null;
  return `${path}: ${JSON.stringify(av)} vs ${JSON.stringify(bv)}`;
}

function compare(mode: Mode, want: Buffer, got: Buffer, tol: number): string | null {
  try {
    if (mode === 'exact') return want.equals(got) ? null : 'bytes differ';
    if (mode === 'sorted') {
      const a = encodeReply(sortTree(decodeReply(want))), b = encodeReply(sortTree(decodeReply(got)));
      return a.equals(b) ? null : 'sorted bytes differ';
    }
    return approxDiff(decodeReply(want), decodeReply(got), tol);
  } catch (e) {
    return (e as Error).message;
  }
}

function fmtArgs(args: Arg[]): string {
  const s = args.map((a) => {
    const t = Buffer.isBuffer(a) ? a.toString('latin1') : String(a);
    return t.length > 40 ? JSON.stringify(t.slice(0, 40) + `…(${t.length})`) : /^[\x21-\x7e]+$/.test(t) ? t : JSON.stringify(t);
  });
  const line = s.join(' ');
  return line.length > 200 ? line.slice(0, 200) + '…' : line;
}

/** COMPAT_SELF_CHECK=1 puts a second redis-server where Spindle goes, to check the cases themselves. */
const selfCheck = process.env.COMPAT_SELF_CHECK === '1';
/** COMPAT_TRACE=<file> appends each command to that file before it is sent (to find a hang). */
const trace = process.env.COMPAT_TRACE ?? '';

/**
 * One describe() that runs every case against redis-server and Spindle on fresh connections
 * (after FLUSHALL), in RESP2 and RESP3, and compares the replies. Skipped (visibly) when
 * redis-server is not installed.
 */
/** Wait (≤ 2 s) until CLIENT LIST shows client `id` running `cmd` (blocked in it). */
async function waitBlocked(helper: RawClient, id: string, cmd: string): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const list = decodeReply(await helper.send('CLIENT', 'LIST', 'ID', id));
    const line = text(list) ?? '';
    if (line.includes(` cmd=${cmd} `)) return;
    if (Date.now() > deadline) throw new Error(`client ${id} not seen blocked in ${cmd}: ${line.trim()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A reply Spindle has not sent within this time is a difference (a hang, say). */
const kSpindleClient = { replyTimeoutMs: 3000 };

export function compatSuite(title: string, cases: Case[]): void {
  const haveRedis = redisAvailable();
  if (!haveRedis) console.warn(`redis-server not installed: ${title} skipped`);
  const suite = haveRedis ? describe : describe.skip;
  // Spindle as a child process: a command that never returns (or floods) times out as a
  // difference instead of freezing this thread, and Spindle is restarted for the next case.
  const startSpindleSide = async (): Promise<RunningTestServer> =>
    selfCheck ? (await startRedis())! : startSpindleProcess({ shards: kTestShards });

  suite(title, () => {
    let redis: RunningTestServer | null = null;
    let spindle: RunningTestServer;
    const open: RawClient[] = [];

    beforeAll(async () => {
      [redis, spindle] = await Promise.all([startRedis(), startSpindleSide()]);
      // redis-server 7.0's built-in hash-max-listpack-entries is 512 (its redis.conf says 128,
      // as 7.2 and Spindle do): put both servers on the same thresholds.
      await Promise.all([setThresholds(redis!.port), setThresholds(spindle.port)]);
    }, 60000);

    async function setThresholds(port: number, names = Object.keys(kThresholdDefaults)): Promise<void> {
      const c = await rawClient(port, { replyTimeoutMs: 3000 }).catch(() => null);
      if (!c) return;
      try {
        for (const k of names) await c.send('CONFIG', 'SET', k, kThresholdDefaults[k]);
      } catch {
        // a broken server: the next case restarts it
      } finally {
        c.destroy();
      }
    }

    afterAll(async () => {
      for (const c of open) c.destroy();
      await spindle?.close();
      await redis?.close();
    });

    /** Spindle left a reply unsent (a hang): restart it before the next case. */
    let broken = false;

    /** Fresh connections on empty servers (Spindle restarted if FLUSHALL fails there). */
    async function freshPair(): Promise<[RawClient, RawClient]> {
      const r = await rawClient(redis!.port);
      open.push(r);
      expect((await r.send('FLUSHALL')).toString()).toBe('+OK\r\n');
      let s = await rawClient(spindle.port, kSpindleClient);
      open.push(s);
      const ok = !broken && (await s.send('FLUSHALL').then((b) => b.toString() === '+OK\r\n', () => false));
      broken = false;
      if (!ok) {
        s.destroy();
        await spindle.close();
        spindle = await startSpindleSide();
        await setThresholds(spindle.port);
        s = await rawClient(spindle.port, kSpindleClient);
        open.push(s);
      }
      return [r, s];
    }

    for (const tc of cases) {
      for (const proto of tc.protos ?? [2, 3]) {
        it(`${tc.name} [RESP${proto}]`, async () => {
          const [R, S] = await freshPair();
          const problems: string[] = [];
          const cfg = Object.entries(tc.config ?? {});
          onTestFinished(async () => {
            // back to the defaults, on connections of their own (the case's may be broken)
            if (cfg.length) {
              const names = cfg.map(([k]) => k);
              await Promise.all([setThresholds(redis!.port, names), setThresholds(spindle.port, names)]);
            }
            await Promise.all([R.close(), S.close()]);
          });
          const steps: Step[] = [];
          if (proto === 3) steps.push({ cmd: ['HELLO', '3'], check: () => null });
          for (const [k, v] of cfg) steps.push(['CONFIG', 'SET', k, v]);
          steps.push(...(typeof tc.steps === 'function' ? tc.steps() : tc.steps));
          for (let i = 0; i < steps.length; i++) {
            const step = steps[i];
            if (!Array.isArray(step) && 'blocked' in step) {
              const label = `#${i} ${fmtArgs(step.blocked)} served by ${step.then.map(fmtArgs).join('; ')}`;
              try {
                const sides = await Promise.all(
                  [R, S].map(async (c, side) => {
                    const helper = await rawClient(side ? spindle.port : redis!.port, side ? kSpindleClient : {});
                    open.push(helper);
                    try {
                      if (proto === 3) await helper.send('HELLO', '3');
                      const id = (await c.send('CLIENT', 'ID')).toString().slice(1, -2);
                      const pending = c.readReply();
                      c.write(encodeCommand(step.blocked));
                      await waitBlocked(helper, id, String(step.blocked[0]).toLowerCase());
                      const thenReplies: Buffer[] = [];
                      for (const cmd of step.then) thenReplies.push(await helper.send(...cmd));
                      return { reply: await pending, thenReplies };
                    } finally {
                      helper.destroy();
                    }
                  }),
                );
                const [a, b] = sides;
                for (let j = 0; j < step.then.length; j++) {
                  if (!a.thenReplies[j].equals(b.thenReplies[j])) {
                    problems.push(`${label}: ${fmtArgs(step.then[j])}\n  redis:   ${show(a.thenReplies[j])}\n  spindle: ${show(b.thenReplies[j])}`);
                  }
                }
                if (!a.reply.equals(b.reply)) problems.push(`${label}: the served reply\n  redis:   ${show(a.reply)}\n  spindle: ${show(b.reply)}`);
              } catch (e) {
                problems.push(`${label}\n  <${(e as Error).message}>`);
                broken = true;
                break;
              }
              continue;
            }
            if (!Array.isArray(step) && 'pipe' in step) {
              const label = `#${i} pipeline of ${step.pipe.length}: ${fmtArgs(step.pipe[0])} …`;
              const want = await R.pipeline(step.pipe);
              let got: Buffer[];
              try {
                got = await S.pipeline(step.pipe, 10000);
              } catch (e) {
                problems.push(`${label}\n  spindle: <${(e as Error).message}>`);
                broken = true;
                break;
              }
              for (let j = 0; j < want.length; j++) {
                const d = compare(step.mode ?? 'exact', want[j], got[j], 0);
                if (d) {
                  problems.push(`${label} reply ${j} (${fmtArgs(step.pipe[j])}): ${d}\n  redis:   ${show(want[j])}\n  spindle: ${show(got[j])}`);
                  break;
                }
              }
              continue;
            }
            const cmd = Array.isArray(step) ? step : step.cmd;
            const label = `#${i} ${fmtArgs(cmd)}`;
            if (trace) appendFileSync(trace, `${tc.name} [RESP${proto}] ${label}\n`);
            const want = await R.send(...cmd);
            let got: Buffer;
            try {
              got = await S.send(...cmd);
            } catch (e) {
              problems.push(`${label}\n  redis:   ${show(want)}\n  spindle: <${(e as Error).message}>`);
              broken = true;
              break; // the connection is unusable
            }
            if (Array.isArray(step) || 'mode' in step || !('check' in step || 'spindle' in step)) {
              const cs = Array.isArray(step) ? { cmd: step } : (step as CmdStep);
              const d = compare(cs.mode ?? 'exact', want, got, cs.tol ?? 2);
              if (d) problems.push(`${label} (${cs.mode ?? 'exact'}: ${d})\n  redis:   ${show(want)}\n  spindle: ${show(got)}`);
            } else if ('check' in step) {
              const dr = step.check(decodeReply(want), proto);
              if (dr) throw new Error(`test bug: redis-server fails the check of ${label}: ${dr}\n  redis: ${show(want)}`);
              let ds: string | null;
              try {
                ds = step.check(decodeReply(got), proto);
              } catch (e) {
                ds = (e as Error).message;
              }
              if (ds) problems.push(`${label} (check: ${ds})\n  redis:   ${show(want)}\n  spindle: ${show(got)}`);
            } else {
              const r70 = typeof step.redis === 'function' ? step.redis(proto) : step.redis;
              const r72 = typeof step.spindle === 'function' ? step.spindle(proto) : step.spindle;
              if (want.toString('latin1') !== r70) {
                throw new Error(`test bug: redis-server's reply to ${label} is ${show(want)}, the case says ${show(r70)}`);
              }
              // (under COMPAT_SELF_CHECK the second redis-server must give the 7.0 answer too)
              if (got.toString('latin1') !== (selfCheck ? r70 : r72)) {
                problems.push(`${label} (7.2 behaviour)\n  want:    ${show(r72)}\n  spindle: ${show(got)}\n  (redis-server 7.0: ${show(want)})`);
              }
            }
          }
          expect(problems.join('\n'), `${problems.length} difference(s) from redis-server`).toBe('');
        });
      }
    }
  });
}
