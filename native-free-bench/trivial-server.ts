/**
 * The reply-only server for the load generator's ceiling check: it parses just enough RESP
 * to find each command's name and answers with a canned reply of the type the real command
 * has (SET +OK, GET a bulk string, INCR an integer, ZRANGE an array, ...). It stores nothing,
 * so its throughput is bounded by the network path and the client, not by any data work.
 *
 * Run as a program (node trivial-server.js --port N) so it gets its own process and CPU,
 * like a real target; tests may start it in process with startTrivialServer().
 */
import { createServer, type Server } from 'node:net';
import { pathToFileURL } from 'node:url';

const OK = Buffer.from('+OK\r\n');
const INT = Buffer.from(':1\r\n');
const BULK = Buffer.from('$3\r\nxxx\r\n');
const ARR = Buffer.from('*2\r\n$8\r\nmember:1\r\n$8\r\nmember:2\r\n');
const EMPTY = Buffer.from('*0\r\n');

const lower = (c: number): number => c | 0x20;
const keyOf = (name: string): number => name.length * 65536 + lower(name.charCodeAt(0)) * 256 + lower(name.charCodeAt(1) || 0);

const kReplies = new Map<number, Buffer>();
for (const [names, reply] of [
  ['set mset hmset flushall flushdb select', OK],
  ['ping', Buffer.from('+PONG\r\n')],
  ['get rpop lpop hget spop getset', BULK],
  ['incr decr incrby lpush rpush sadd hset zadd del exists dbsize', INT],
  ['zrange lrange smembers hgetall mget', ARR],
  ['config hello', EMPTY],
] as const) {
  for (const n of names.split(' ')) kReplies.set(keyOf(n), reply);
}

function replyFor(buf: Buffer, at: number, len: number): Buffer {
  const k = len * 65536 + lower(buf[at]!) * 256 + lower(len > 1 ? buf[at + 1]! : 0);
  return kReplies.get(k) ?? OK;
}

/** Parse a decimal up to CRLF at buf[at..]; returns [value, offset after LF] or null if cut off. */
function readInt(buf: Buffer, at: number, out: Int32Array): boolean {
  let n = 0, i = at;
  const len = buf.length;
  while (i < len && buf[i] !== 0x0d) n = n * 10 + (buf[i++]! - 0x30);
  if (i + 1 >= len) return false;
  out[0] = n;
  out[1] = i + 2;
  return true;
}

const tmp = new Int32Array(2);

/** Parse whole commands from buf; push their replies. Returns the offset of the unparsed rest. */
export function parseCommands(buf: Buffer, out: Buffer[]): number {
  let i = 0;
  const len = buf.length;
  while (i < len) {
    const start = i;
    if (buf[i] !== 0x2a) {
      // Inline command: a line of words.
      const nl = buf.indexOf(0x0a, i);
      if (nl < 0) return start;
      let end = i;
      while (end < nl && buf[end] !== 0x20 && buf[end] !== 0x0d) end++;
      if (end > i) out.push(replyFor(buf, i, end - i));
      i = nl + 1;
      continue;
    }
    if (!readInt(buf, i + 1, tmp)) return start;
    const argc = tmp[0]!;
    let p = tmp[1]!;
    let reply: Buffer = OK;
    for (let a = 0; a < argc; a++) {
      if (p >= len || !readInt(buf, p + 1, tmp)) return start;
      const blen = tmp[0]!, q = tmp[1]!;
      if (q + blen + 2 > len) return start;
      if (a === 0) reply = replyFor(buf, q, blen);
      p = q + blen + 2;
    }
    out.push(reply);
    i = p;
  }
  return i;
}

/** n copies of one reply, cached: a pipelined batch usually gets n equal replies. */
const repeated = new Map<Buffer, Buffer[]>();
function repeat(reply: Buffer, n: number): Buffer {
  let byCount = repeated.get(reply);
  if (!byCount) repeated.set(reply, (byCount = []));
  let b = byCount[n];
  if (!b) {
    b = Buffer.alloc(reply.length * n);
    for (let i = 0; i < n; i++) reply.copy(b, i * reply.length);
    if (n < 4096) byCount[n] = b;
  }
  return b;
}

function joinReplies(out: Buffer[]): Buffer {
  const first = out[0]!;
  for (let i = 1; i < out.length; i++) if (out[i] !== first) return Buffer.concat(out);
  return repeat(first, out.length);
}

export function startTrivialServer(port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer({ noDelay: true }, (sock) => {
    let rest: Buffer | null = null;
    sock.on('data', (chunk: Buffer) => {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      const out: Buffer[] = [];
      const used = parseCommands(buf, out);
      rest = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
      if (out.length) sock.write(joinReplies(out));
    });
    sock.on('error', () => sock.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 0;
  startTrivialServer(port).then((s) => {
    const addr = s.address();
    console.log(`trivial RESP server on ${typeof addr === 'object' && addr ? addr.port : port}: Ready to accept connections`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
