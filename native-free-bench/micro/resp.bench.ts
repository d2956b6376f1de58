/** RESP parse (RequestParser over a pipelined batch) and encode (RespWriter) from dist/protocol. */
import type { Bench } from 'tinybench';
import { encodeTemplate } from '../commands.js';
import { addOps } from '../micro.js';
import { loadDist } from './dist.js';

interface Parser { feed(b: Buffer): void; next(): number; argc: number }
interface Writer {
  ok(): void; int(n: number): void; bulk(b: Uint8Array, off: number, len: number): void; array(n: number): void;
  flush(): Buffer | null;
}

export default async function setup(bench: Bench): Promise<string | void> {
  const p = await loadDist<{ RequestParser: new () => Parser; kReady: number }>('protocol/parser.js');
  const w = await loadDist<{ RespWriter: new () => Writer }>('protocol/resp-writer.js');
  if (!p || !w) return 'dist/protocol/parser.js or resp-writer.js not built';
  const set = encodeTemplate({ reply: 0x2b, args: ['SET', 'key:000000012345', 'x'.repeat(32)] }, 0).bytes;
  const batch = Buffer.concat(Array.from({ length: 16 }, () => set));
  const parser = new p.RequestParser();
  addOps(bench, 'parse pipelined SET, 32 B values (per command)', 16, () => {
    parser.feed(batch);
    let n = 0;
    while (parser.next() === p.kReady) n++;
    if (n !== 16) throw new Error(`parsed ${n} commands, expected 16`);
  });
  const writer = new w.RespWriter();
  const value = Buffer.alloc(32, 'x');
  addOps(bench, 'encode +OK, :n, $32 replies and flush (per reply)', 16, () => {
    for (let i = 0; i < 5; i++) {
      writer.ok();
      writer.int(i * 1000);
      writer.bulk(value, 0, 32);
    }
    writer.array(0);
    if (!writer.flush()) throw new Error('nothing written');
  });
}
