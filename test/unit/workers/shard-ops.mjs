// Shard concurrency worker: attaches to a shard from its structured-cloned ShardHandle and runs
// keyspace operations under the shard lock (Shard.acquire/release: lock + heap view sync).
//
// workerData: { handle, id, iterations, mode, go (SharedArrayBuffer start barrier) }
// modes:
//   'mixed'       INCR-like read-modify-write of "counter"; writes of shared keys whose value
//                 names the key (readers check the prefix); private keys w<id>:<k> whose last
//                 value the worker remembers and reports at the end; sizes cross kInlineMax.
//   'grow-writer' writes 50 KiB values big:<id>:<k> (a header, then a byte pattern derived from
//                 it), forcing heap growth.
//   'grow-reader' reads random big:<w>:<k> keys and checks every byte against the header, at
//                 least `iterations` times and until 200 reads found a value or every writer is
//                 done (go[2] counts them).
// Posts { done: true, ... } or { error }.
import { workerData, parentPort } from 'node:worker_threads';
import { Shard } from '../../../dist/shard/shard.js';

const { handle, id, iterations, mode, go, writers = 2, bigKeys = 40 } = workerData;
const shard = new Shard(handle);
const gate = new Int32Array(go);

// Start barrier so that all workers contend from the first iteration.
Atomics.add(gate, 1, 1);
Atomics.notify(gate, 1);
while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);

const NOW = 1_700_000_000_000;
const enc = (s) => Buffer.from(s, 'latin1');
let x = (id + 1) * 0x9e3779b1;
const rnd = () => {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return (x >>> 0) / 4294967296;
};

function get(key) {
  const kb = enc(key);
  const r = shard.lookup(0, kb, 0, kb.length, NOW);
  return r === 0 ? null : shard.valueBuffer(r);
}

function set(key, vb) {
  const kb = enc(key);
  const r = shard.lookup(0, kb, 0, kb.length, NOW);
  shard.setString(0, r, kb, 0, kb.length, vb, 0, vb.length, 0, false, NOW);
}

function padded(prefix, n) {
  const b = Buffer.alloc(Math.max(n, prefix.length + 1), 0x2e);
  b.write(prefix, 0, 'latin1');
  b[b.length - 1] = 0x21; // '!' end marker
  return b;
}

function bigValue(key, version, size) {
  const b = Buffer.allocUnsafe(size);
  const head = `${key}#${version}#`;
  b.fill(0x20);
  b.write(head, 0, 'latin1');
  const seed = (version * 31 + key.length * 7) & 0xff;
  for (let i = 64; i < size; i++) b[i] = (seed + i) & 0xff;
  return b;
}

function checkBig(key, v) {
  const head = v.toString('latin1', 0, 64);
  const m = /^(big:\d+:\d+)#(\d+)#/.exec(head);
  if (!m || m[1] !== key) throw new Error(`${key}: bad header ${JSON.stringify(head.slice(0, 30))}`);
  const version = Number(m[2]);
  const seed = (version * 31 + key.length * 7) & 0xff;
  for (let i = 64; i < v.length; i++) {
    if (v[i] !== ((seed + i) & 0xff)) throw new Error(`${key}#${version}: byte ${i} is ${v[i]}`);
  }
}

try {
  if (mode === 'mixed') {
    const mine = new Map();
    let incrs = 0, sharedReads = 0;
    for (let n = 0; n < iterations; n++) {
      shard.acquire();
      try {
        // INCR counter: read, parse, write back.
        const cur = get('counter');
        const v = cur === null ? 0 : Number(cur.toString('latin1'));
        if (!Number.isInteger(v)) throw new Error(`counter holds ${JSON.stringify(cur?.toString())}`);
        set('counter', enc(String(v + 1)));
        incrs++;
        // A shared key: write or read-and-check.
        const sk = `shared:${Math.floor(rnd() * 100)}`;
        if (rnd() < 0.5) {
          const size = rnd() < 0.2 ? 300 + Math.floor(rnd() * 3000) : Math.floor(rnd() * 120);
          set(sk, padded(`${sk}|${id}|${n}|`, size));
        } else {
          const sv = get(sk);
          if (sv !== null) {
            const s = sv.toString('latin1');
            if (!s.startsWith(`${sk}|`) || !s.endsWith('!')) throw new Error(`${sk} holds ${JSON.stringify(s.slice(0, 40))}`);
            sharedReads++;
          }
        }
        // A private key: write, or check against what this worker last wrote.
        const pk = `w${id}:${Math.floor(rnd() * 500)}`;
        if (rnd() < 0.6) {
          const size = rnd() < 0.1 ? 257 + Math.floor(rnd() * 5000) : Math.floor(rnd() * 200);
          const val = padded(`${pk}=${n};`, size);
          set(pk, val);
          mine.set(pk, val.toString('latin1'));
        } else {
          const pv = get(pk);
          const want = mine.get(pk) ?? null;
          const got = pv === null ? null : pv.toString('latin1');
          if (got !== want) throw new Error(`${pk}: got ${JSON.stringify(got?.slice(0, 30))}, want ${JSON.stringify(want?.slice(0, 30))}`);
        }
      } finally {
        shard.release();
      }
    }
    parentPort.postMessage({ done: true, incrs, sharedReads, mine: [...mine] });
  } else if (mode === 'grow-writer') {
    const versions = new Map();
    for (let n = 0; n < iterations; n++) {
      const key = `big:${id}:${n % bigKeys}`;
      const version = n;
      const val = bigValue(key, version, 50 * 1024 + Math.floor(rnd() * 1024));
      shard.acquire();
      try {
        set(key, val);
      } finally {
        shard.release();
      }
      versions.set(key, version);
    }
    Atomics.add(gate, 2, 1); // writers done (readers keep going until then)
    parentPort.postMessage({ done: true, versions: [...versions], heapBytes: handle.heap.byteLength });
  } else if (mode === 'grow-reader') {
    let checked = 0, missing = 0;
    // At least `iterations` reads, and on until 200 of them found a value (or every writer is
    // done), so reads overlap the writes and the growth however the threads get scheduled.
    for (let n = 0; n < iterations || (checked < 200 && Atomics.load(gate, 2) < writers); n++) {
      const key = `big:${Math.floor(rnd() * writers)}:${Math.floor(rnd() * bigKeys)}`;
      shard.acquire();
      try {
        const v = get(key);
        if (v === null) missing++;
        else {
          checkBig(key, v);
          checked++;
        }
      } finally {
        shard.release();
      }
    }
    parentPort.postMessage({ done: true, checked, missing });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  parentPort.postMessage({ error: String(e && e.stack ? e.stack : e) });
}
