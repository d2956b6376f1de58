/**
 * Lua scripts are atomic across shards: for about 10 s, 8 network connections move amounts
 * between accounts in different shards with scripts, 8 commands pipelined per turn. Half the
 * writers declare both keys (EVAL, KEYS[1] and KEYS[2]); half name them only in ARGV with
 * numkeys 0 (EVALSHA after SCRIPT LOAD, the BullMQ pattern: the server must lock every shard).
 * Some transfers ask for more than the source holds and stop before writing, three ways:
 * redis.error_reply, a redis.call that raises, and a plain return. Meanwhile 2 reader
 * connections check that the accounts always add up to the same total, with MGET and with an
 * EVAL that sums every account (declared keys), and that no balance is ever negative (a check
 * then a write inside one script is not interleaved with another script).
 *
 * Only the network protocol is used, so the test holds wherever the scripts run.
 * SCRIPT_ATOMICITY_MS shortens or lengthens the run (default 10000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysPerShard, shardOfKey as shardIn, startStoreServer } from '../helpers/server.js';
import { connect } from '../families/workers/tx-resp.mjs';

const kShards = 4;
const kMs = Number(process.env.SCRIPT_ATOMICITY_MS ?? 10000);
const kBalance = 1000;
const kPipeline = 8;

/** Declared keys: KEYS[1] → KEYS[2], ARGV[1] the amount. */
const kDeclared = `
local n = tonumber(ARGV[1])
local a = tonumber(redis.call('GET', KEYS[1]))
if a < n then return redis.error_reply('ERR insufficient funds') end
redis.call('DECRBY', KEYS[1], n)
return redis.call('INCRBY', KEYS[2], n)`;

/** Undeclared keys (numkeys 0): ARGV[1] → ARGV[2], ARGV[3] the amount, ARGV[4] how to refuse. */
const kUndeclared = `
local from, to, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local a = tonumber(redis.call('GET', from))
if a < n then
  if ARGV[4] == 'raise' then redis.call('INCRBY', from, 'not-a-number') end
  return 0
end
redis.call('DECRBY', from, n)
redis.call('INCRBY', to, n)
return 1`;

const kSum = `
local s = 0
for i = 1, #KEYS do
  local v = tonumber(redis.call('GET', KEYS[i]))
  if v < 0 then return redis.error_reply('ERR negative ' .. KEYS[i]) end
  s = s + v
end
return s`;

let env: Awaited<ReturnType<typeof startStoreServer>>;
let srv: Awaited<ReturnType<typeof startStoreServer>>['srv'];
beforeAll(async () => {
  env = await startStoreServer(kShards);
  srv = env.srv;
}, 30000);
afterAll(async () => {
  await env?.close();
});

const shardOfKey = (k: string) => shardIn(k, kShards);
/** Two accounts per shard. */
const accounts = () => keysPerShard('sacct:', kShards, 2);

type Reply = string | number | null | { error: string } | Reply[];
const isErr = (r: Reply): r is { error: string } => typeof r === 'object' && r !== null && 'error' in r;

describe('EVAL / EVALSHA atomicity across shards', () => {
  it(`script transfers never show a changed total (${kMs} ms)`, async () => {
    const accts = accounts();
    const total = accts.length * kBalance;
    const admin = await connect(srv.port);
    const [flushed, set, sha] = (await admin.send(['FLUSHALL'], ['MSET', ...accts.flatMap((k) => [k, String(kBalance)])],
      ['SCRIPT', 'LOAD', kUndeclared])) as Reply[];
    expect([flushed, set]).toEqual(['OK', 'OK']);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);

    const deadline = Date.now() + kMs;
    const n = { declared: 0, undeclared: 0, errorReply: 0, raised: 0, refused: 0, mget: 0, evalSum: 0 };
    const problems: string[] = [];
    const problem = (p: string) => void (problems.length < 10 && problems.push(p));
    const pair = () => {
      for (;;) {
        const a = accts[Math.floor(Math.random() * accts.length)], b = accts[Math.floor(Math.random() * accts.length)];
        if (shardOfKey(a) !== shardOfKey(b)) return [a, b];
      }
    };
    // One in 8 transfers asks for more than every account holds together: it must fail.
    const amount = () => (Math.random() < 1 / 8 ? total + 1 : 1 + Math.floor(Math.random() * 50));

    async function writer(declared: boolean) {
      const c = await connect(srv.port);
      for (let turn = 0; Date.now() < deadline; turn++) {
        const cmds = Array.from({ length: kPipeline }, (_, i) => {
          const [a, b] = pair();
          return declared
            ? ['EVAL', kDeclared, '2', a, b, String(amount())]
            : ['EVALSHA', sha as string, '0', a, b, String(amount()), (turn + i) % 2 ? 'raise' : 'return'];
        });
        const replies = (await c.send(...cmds)) as Reply[];
        replies.forEach((r, i) => {
          const huge = Number(cmds[i][5]) > total;
          if (declared && typeof r === 'number' && !huge) n.declared++;
          else if (declared && isErr(r) && r.error.includes('insufficient funds')) n.errorReply++;
          else if (!declared && r === 1 && !huge) n.undeclared++;
          else if (!declared && r === 0 && cmds[i][6] === 'return') n.refused++;
          else if (!declared && isErr(r) && /not an integer/.test(r.error) && cmds[i][6] === 'raise') n.raised++;
          else problem(`${cmds[i][0]} ${cmds[i].slice(3).join(' ')}: ${JSON.stringify(r)}`);
        });
      }
      c.close();
    }

    async function reader() {
      const c = await connect(srv.port);
      while (Date.now() < deadline) {
        const cmds = Array.from({ length: kPipeline }, (_, i) =>
          i % 2 ? ['MGET', ...accts] : ['EVAL', kSum, String(accts.length), ...accts]);
        const replies = (await c.send(...cmds)) as Reply[];
        replies.forEach((r, i) => {
          if (i % 2) {
            const vals = Array.isArray(r) ? r.map(Number) : [];
            const sum = vals.reduce((s, v) => s + v, 0);
            if (vals.length !== accts.length || sum !== total || vals.some((v) => v < 0)) problem(`MGET: ${JSON.stringify(r)}`);
            else n.mget++;
          } else if (r !== total) problem(`EVAL sum: ${JSON.stringify(r)}`);
          else n.evalSum++;
        });
      }
      c.close();
    }

    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => writer(i % 2 === 0)),
      reader(),
      reader(),
    ]);

    const [vals] = (await admin.send(['MGET', ...accts])) as Reply[][];
    admin.close();
    const transfers = n.declared + n.undeclared;
    console.log(`script atomicity (${kMs} ms): ${transfers} transfers (${n.declared} declared EVAL, ` +
      `${n.undeclared} undeclared EVALSHA); refused without writing: ${n.errorReply} error_reply, ` +
      `${n.raised} raised, ${n.refused} returned; checks: ${n.mget} MGET, ${n.evalSum} EVAL sums; final ${vals.join(',')}`);

    expect(problems).toEqual([]);
    expect(vals.reduce((s, v) => s + Number(v), 0)).toBe(total);
    expect(vals.every((v) => Number(v) >= 0)).toBe(true);
    expect(transfers).toBeGreaterThan(1000);
    expect(Math.min(n.declared, n.undeclared)).toBeGreaterThan(100);
    expect(Math.min(n.errorReply, n.raised, n.refused)).toBeGreaterThan(0);
    expect(Math.min(n.mget, n.evalSum)).toBeGreaterThan(100);
  }, kMs + 30000);
});
