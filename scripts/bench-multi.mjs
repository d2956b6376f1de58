// MULTI + 5 commands + EXEC, pipelined, against a RESP server: transactions per second.
// usage: node bench-multi.mjs PORT CLIENTS PIPE SECONDS
// Each connection writes PIPE transactions at once and waits for all their replies (a fixed
// number of bytes: the replies are checked byte for byte once, then only counted).
import net from 'node:net';
const [port, clients, pipe, secs] = process.argv.slice(2).map(Number);
const enc = (...a) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('');
function txFor(i) {
  const k = `tx:${i}`, j = `tx:${i}:b`;
  const req = enc('MULTI') + enc('SET', k, 'abc') + enc('GET', k) + enc('SET', j, 'xyz') + enc('GET', j) + enc('SET', k, 'abc') + enc('EXEC');
  const rep = '+OK\r\n' + '+QUEUED\r\n'.repeat(5) + '*5\r\n+OK\r\n$3\r\nabc\r\n+OK\r\n$3\r\nxyz\r\n+OK\r\n';
  return { req: Buffer.from(req.repeat(pipe)), rep: Buffer.from(rep.repeat(pipe)) };
}
let done = 0, stop = false;
const end = Date.now() + secs * 1000;
await Promise.all(Array.from({ length: clients }, (_, i) => new Promise((resolve, reject) => {
  const { req, rep } = txFor(i);
  const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(req));
  s.setNoDelay(true);
  let got = 0, first = true, chunks = [];
  s.on('data', (d) => {
    got += d.length;
    if (first) chunks.push(d);
    if (got < rep.length) return;
    if (got > rep.length) return reject(new Error('more bytes than expected'));
    if (first) {
      const b = Buffer.concat(chunks);
      if (!b.equals(rep)) return reject(new Error(`unexpected reply ${JSON.stringify(b.toString())}`));
      first = false;
      chunks = [];
    }
    got = 0;
    done += pipe;
    if (Date.now() >= end) {
      s.destroy();
      return resolve();
    }
    s.write(req);
  });
  s.on('error', reject);
})));
console.log(Math.round(done / secs));
