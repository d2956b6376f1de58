// A minimal RESP2 client for the transaction worker threads: one socket, commands written as
// multibulk, replies parsed incrementally into JS values (errors as { error }).
import net from 'node:net';

export function encode(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const v = String(a);
    s += `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
  }
  return s;
}

/** Parse one reply at buf[pos]; returns [value, nextPos] or null if incomplete. */
function parse(buf, pos) {
  const eol = buf.indexOf('\r\n', pos, 'latin1');
  if (eol < 0) return null;
  const t = buf[pos], line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  switch (t) {
    case 0x2b: return [line, next]; // +
    case 0x2d: return [{ error: line }, next]; // -
    case 0x3a: return [Number(line), next]; // :
    case 0x24: { // $
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      return [buf.toString('utf8', next, next + n), next + n + 2];
    }
    case 0x2a: { // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const out = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (r === null) return null;
        out.push(r[0]);
        p = r[1];
      }
      return [out, p];
    }
    default: throw new Error(`bad reply byte ${t}`);
  }
}

export function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    const waiting = []; // { n, out, resolve }
    const pump = () => {
      let pos = 0;
      while (waiting.length > 0) {
        const w = waiting[0];
        const r = parse(buf, pos);
        if (r === null) break;
        w.out.push(r[0]);
        pos = r[1];
        if (w.out.length === w.n) {
          waiting.shift();
          w.resolve(w.out);
        }
      }
      buf = buf.subarray(pos);
    };
    sock.on('data', (d) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      pump();
    });
    sock.once('error', reject);
    sock.once('connect', () => resolve({
      /** Write the commands in one write; resolves with their replies. */
      send(...cmds) {
        return new Promise((res) => {
          waiting.push({ n: cmds.length, out: [], resolve: res });
          sock.write(cmds.map(encode).join(''));
        });
      },
      close() {
        sock.destroy();
      },
    }));
  });
}
