#!/usr/bin/env node
// Pub/sub sink for benchmarks: N raw connections SUBSCRIBE to a channel and read and discard
// everything. Prints "ready" once every subscription is confirmed; on SIGTERM prints the bytes
// received, then exits. It does no parsing, so that it costs as little CPU as possible.
//   node scripts/pubsub-sink.mjs <port> <connections> <channel>
import net from 'node:net';

const [port, n, channel] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? 'bench'];
let bytes = 0, ready = 0;
const socks = [];
for (let i = 0; i < n; i++) {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.setNoDelay(true);
  let first = true;
  s.on('data', (d) => {
    bytes += d.length;
    if (first) {
      first = false;
      if (++ready === n) console.log('ready');
    }
  });
  s.on('error', () => undefined);
  s.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`);
  socks.push(s);
}
process.on('SIGTERM', () => {
  console.log(`bytes=${bytes}`);
  process.exit(0);
});
