// Peer for test/unit/channels.test.ts, on a SharedArrayBuffer from createChannels().
//   role 'server': the script worker's side (WorkerChannels). Polls every claimed channel and
//     answers each request with sha1(request) ++ reverse(request); sleeps (WorkerChannels.sleep,
//     sleepMs) whenever a round found nothing. Stops after `total` responses or at the deadline.
//   role 'client': a front end's side (ClientChannel). Sends `count` requests of random sizes
//     (every 1001st one 1 to 3 times the request ring) with up to `window` in flight,
//     checks every response is the right one, in order; every `pauseEvery` requests it lets
//     everything drain and pauses, so the server goes idle and sleeps.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { ClientChannel, WorkerChannels, kRequestRingBytes } from '../../../dist/sab/channels.js';

function answer(req) {
  const out = Buffer.allocUnsafe(20 + req.length);
  createHash('sha1').update(req).digest().copy(out, 0);
  out.set(req, 20);
  out.subarray(20).reverse();
  return out;
}

function request(id, seq) {
  let x = (Math.imul(id + 1, 0x9e3779b1) ^ Math.imul(seq + 1, 0x85ebca6b)) >>> 0 || 1;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const len = 8 + (seq % 1001 === 7 ? kRequestRingBytes + (rnd() % (2 * kRequestRingBytes)) : rnd() % 400);
  const b = Buffer.allocUnsafe(len);
  b.writeUInt32LE(id, 0);
  b.writeUInt32LE(seq, 4);
  for (let i = 8; i < len; i++) b[i] = rnd() & 0xff;
  return b;
}

function server({ sab, total, sleepMs, deadlineMs }) {
  const ch = new WorkerChannels(sab);
  const deadline = Date.now() + deadlineMs;
  let done = 0, sleeps = 0, timeouts = 0;
  while (done < total && Date.now() < deadline) {
    let served = 0;
    const n = ch.count();
    for (let t = 0; t < n; t++) {
      served += ch.poll(t, (m) => {
        ch.respond(t, answer(m));
        done++;
      });
    }
    if (served === 0) {
      sleeps++;
      if (!ch.sleep(sleepMs)) timeouts++;
    }
  }
  return { done, sleeps, timeouts };
}

async function client({ sab, id, count, window, pauseEvery, deadlineMs }) {
  const ch = new ClientChannel(sab);
  const keepAlive = setInterval(() => {}, 1000); // a pending Atomics.waitAsync does not keep a thread alive
  const deadline = Date.now() + deadlineMs;
  const sent = [];
  let head = 0, next = 0, got = 0, refused = 0, error = null;
  const check = (m) => {
    const req = sent[head];
    sent[head++] = undefined;
    if (error === null && !m.equals(answer(req))) error = `client ${id}: wrong response #${got} (${m.length} bytes)`;
    got++;
  };
  while (got < count && error === null) {
    let progressed = false;
    const stop = pauseEvery ? Math.min(count, (Math.floor(got / pauseEvery) + 1) * pauseEvery) : count;
    while (next < stop && next - got < window && ch.backlog < 4) {
      const req = request(id, next++);
      sent.push(req);
      if (!ch.send(req)) refused++;
      progressed = true;
    }
    if (ch.receive(check) > 0) progressed = true;
    if (ch.backlog > 0) ch.flush();
    if (pauseEvery && got === next && got % pauseEvery === 0) await new Promise((r) => setTimeout(r, 1));
    // A short timeout: a request bigger than the ring needs flush() calls while no response comes.
    else if (!progressed) await ch.waitForResponse(2);
    if (Date.now() > deadline) error = `client ${id}: deadline passed at response ${got} of ${count}`;
  }
  clearInterval(keepAlive);
  return { id, index: ch.index, got, refused, error };
}

const w = workerData;
if (parentPort && (w?.role === 'server' || w?.role === 'client')) {
  Promise.resolve(w.role === 'server' ? server(w) : client(w)).then(
    (r) => parentPort.postMessage(r),
    (e) => parentPort.postMessage({ error: String(e?.stack ?? e) }),
  );
}
