// Network clients of the cross-shard transaction test, in their own thread.
// role 'writers': `conns` connections move amounts between accounts in different shards, half
//   with plain MULTI/DECRBY/INCRBY/EXEC, half with optimistic locking (WATCH, MGET, MULTI, EXEC,
//   retried on a null EXEC, never moving more than the source holds).
// role 'readers': `conns` connections check that the accounts always add up to `total`: MGET
//   alone, and MULTI with two MGETs of half the accounts each (both halves must come from the
//   same instant).
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from './tx-resp.mjs';

const { port, role, conns, accounts, shardOf, total, ms } = workerData;
const deadline = Date.now() + ms;
const res = { role, violations: 0, checks: 0, committed: 0, aborted: 0, problems: [] };
const problem = (p) => {
  res.violations++;
  if (res.problems.length < 5) res.problems.push(p);
};
const sum = (vals) => vals.reduce((n, v) => n + Number(v), 0);

/** Two accounts in different shards, chosen at random. */
function pair() {
  for (;;) {
    const a = accounts[Math.floor(Math.random() * accounts.length)];
    const b = accounts[Math.floor(Math.random() * accounts.length)];
    if (shardOf[a] !== shardOf[b]) return [a, b];
  }
}

async function plainWriter(c) {
  while (Date.now() < deadline) {
    const [a, b] = pair();
    const n = 1 + Math.floor(Math.random() * 50);
    const r = await c.send(['MULTI'], ['DECRBY', a, n], ['INCRBY', b, n], ['EXEC']);
    if (r[0] !== 'OK' || r[1] !== 'QUEUED' || r[2] !== 'QUEUED' || !Array.isArray(r[3]) || r[3].length !== 2 ||
        typeof r[3][0] !== 'number' || typeof r[3][1] !== 'number') {
      problem(`plain transfer: ${JSON.stringify(r)}`);
    } else res.committed++;
  }
}

async function casWriter(c) {
  while (Date.now() < deadline) {
    const [a, b] = pair();
    const [ok, vals] = await c.send(['WATCH', a, b], ['MGET', a, b]);
    const have = Number(vals[0]);
    if (ok !== 'OK' || have <= 0) {
      await c.send(['UNWATCH']);
      continue;
    }
    const n = Math.min(have, 1 + Math.floor(Math.random() * 50));
    const r = await c.send(['MULTI'], ['DECRBY', a, n], ['INCRBY', b, n], ['EXEC']);
    if (r[3] === null) res.aborted++;
    else if (!Array.isArray(r[3]) || r[3][0] !== have - n || r[3][1] !== Number(vals[1]) + n) {
      problem(`cas transfer of ${n} from ${a}=${have} to ${b}=${vals[1]}: ${JSON.stringify(r)}`);
    } else res.committed++;
  }
}

async function reader(c) {
  const half = accounts.length >> 1;
  const first = accounts.slice(0, half), second = accounts.slice(half);
  for (let i = 0; Date.now() < deadline; i++) {
    if (i % 2 === 0) {
      const [vals] = await c.send(['MGET', ...accounts]);
      if (sum(vals) !== total) problem(`MGET: ${vals.join(',')}`);
    } else {
      const r = await c.send(['MULTI'], ['MGET', ...first], ['MGET', ...second], ['EXEC']);
      const ex = r[3];
      if (!Array.isArray(ex) || sum(ex[0]) + sum(ex[1]) !== total) problem(`MULTI MGET MGET: ${JSON.stringify(r)}`);
    }
    res.checks++;
  }
}

const clients = await Promise.all(Array.from({ length: conns }, () => connect(port)));
await Promise.all(clients.map((c, i) => (role === 'readers' ? reader(c) : i % 2 === 0 ? plainWriter(c) : casWriter(c))));
for (const c of clients) c.close();
parentPort.postMessage(res);
