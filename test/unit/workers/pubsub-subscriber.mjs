// A front-end thread stand-in for the pub/sub worker test: a PubsubHub with two fake clients,
// one on channels 'jobs' and 'jobs.x', one on pattern 'jobs*'. Checks that each publisher's
// messages ('a:i', 'b:i') arrive in order at each client, then reports.
import { parentPort, workerData } from 'node:worker_threads';
import { PubsubHub } from '../../../dist/pubsub/hub.js';
import { Client } from '../../../dist/server/client.js';
import { RespWriter } from '../../../dist/protocol/resp-writer.js';

const { handle, expect } = workerData;
const hub = new PubsubHub(handle);
// A pending Atomics.waitAsync does not keep a thread alive (a server's listening socket does).
const alive = setInterval(() => undefined, 1000);
const errors = [];
let received = 0;
function client(id) {
  const c = new Client(id, 't', 't', -1, false);
  const w = new RespWriter();
  c.resp = 2;
  c.out = w;
  const next = { a: 0, b: 0 };
  c.sendRaw = (parts) => {
    const buf = Buffer.concat(parts);
    // Each frame ends with the payload "x:i\r\n"; scan payloads with a regex (channel names and
    // payloads in this test contain no CR/LF).
    const text = buf.toString('latin1');
    for (const m of text.matchAll(/\r\n\$\d+\r\n([ab]):(\d+)\r\n/g)) {
      received++;
      const who = m[1], i = Number(m[2]);
      if (i !== next[who]) errors.push(`client ${id}: ${who}:${i} after ${next[who] - 1}`);
      next[who] = i + 1;
    }
    if (received === expect * 2) {
      parentPort.postMessage({ received, errors: errors.slice(0, 10) });
      clearInterval(alive);
    }
  };
  return c;
}
const c1 = client(1), c2 = client(2);
const enc = (s) => Buffer.from(s);
hub.subscribe(c1, 0, enc('jobs'), 0, 4);
hub.subscribe(c1, 0, enc('jobs.x'), 0, 6);
hub.subscribe(c2, 2, enc('jobs*'), 0, 5);
parentPort.postMessage('ready');
