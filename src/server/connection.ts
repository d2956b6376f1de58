/**
 * One TCP connection: read → frame (RequestParser) → Engine.execute → RespWriter → one
 * socket.write per turn. Replies leave in request order because commands of one connection
 * run in order on this thread.
 *
 * Parking: when a command's shard lock is busy, execute() returns false. The connection keeps
 * the parsed-but-not-run command, stops reading (backpressure), releases its locks, and resumes
 * from that same command when the shard's lock word changes. No other connection waits.
 */
import type { Socket } from 'node:net';
import { Ctx } from '../commands/context.js';
import { E } from '../errors.js';
import { ProtocolError, RequestParser, kReady } from '../protocol/parser.js';
import { RespWriter } from '../protocol/resp-writer.js';
import { Client } from './client.js';
import { noteRead } from './read-buffers.js';
import { getU32 } from '../sab/bytes.js';
import { kParkedOnOffload, kParkedOnRetry, type Engine } from './engine.js';

/** Responses longer than this are copied out of the ring before the writer keeps them. */
const kCopyAbove = 64 * 1024;
/** How soon a command that asked to be retried (SCRIPT KILL before the script is busy) runs again. */
const kRetryMs = 10;

export class Connection {
  readonly parser = new RequestParser();
  readonly writer = new RespWriter();
  readonly client: Client;
  private readonly ctx: Ctx;
  private parked = false;
  private closed = false;
  /** Chunks that arrived while parked. */
  private backlog: Buffer[] = [];
  /** A command was parsed and is waiting to run (after a park). */
  private pendingCommand = false;
  /** Parked until the script worker has answered every command sent to it. */
  private awaitingOffload = false;
  private flushQueued = false;

  constructor(readonly engine: Engine, readonly socket: Socket) {
    const cfg = engine.config;
    const authRequired = cfg.str('requirepass') !== '';
    this.client = new Client(
      engine.nextClientId(),
      `${socket.remoteAddress}:${socket.remotePort}`,
      `${socket.localAddress}:${socket.localPort}`,
      (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1,
      authRequired,
    );
    this.parser.authRequired = !this.client.authenticated;
    this.parser.maxBulkLen = cfg.num('proto-max-bulk-len');
    this.ctx = new Ctx(engine, this.client, this.writer);
    this.client.kill = () => this.close();
    this.client.unblock = (reply) => this.unblocked(reply);
    this.client.queryBufferBytes = () => this.parser.pending();
    this.client.outputBufferBytes = () => socket.writableLength;
    this.client.out = this.writer;
    this.client.flushOut = () => this.flushPushes();
    this.client.sendRaw = (parts) => this.writeParts(parts);
    if (engine.offload !== null) this.client.offloadDone = (d, off, len) => this.offloaded(d, off, len);
    engine.clients.set(this.client.id, this.client);
    Atomics.add(engine.gi32, 1, 1);
    engine.gf64[3]++;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('drain', () => {
      if (!this.parked && !this.closed) socket.resume();
    });
  }

  private onData(chunk: Buffer): void {
    this.engine.netIn += chunk.length;
    noteRead(chunk.length);
    if (this.parked) {
      this.backlog.push(chunk);
      return;
    }
    this.parser.feed(chunk);
    if (this.parser.pending() > this.engine.config.num('client-query-buffer-limit')) {
      // Redis closes a client whose query buffer passes the limit, without a reply.
      this.close();
      return;
    }
    this.run();
  }

  /** Execute every complete command buffered, then flush the replies of this turn. */
  private run(): void {
    const p = this.parser, ctx = this.ctx, engine = this.engine, client = this.client;
    client.inTurn = true; // pub/sub pushes to this client go into its writer, between replies
    p.maxBulkLen = engine.config.num('proto-max-bulk-len');
    try {
      for (;;) {
        if (!this.pendingCommand) {
          if (p.next() !== kReady) break;
          this.pendingCommand = true;
        }
        ctx.buf = p.argBuf();
        ctx.offs = p.offs;
        ctx.lens = p.lens;
        ctx.argc = p.argc;
        if (!engine.execute(ctx)) {
          this.park();
          break;
        }
        if (client.blocked) {
          // BLPOP & co. is waiting: keep it as the pending command, run nothing after it, and
          // keep reading (so a disconnect is seen). unblocked() finishes it.
          this.parked = true;
          break;
        }
        this.pendingCommand = false;
        p.done();
        if (client.closeAfterReply) break;
        p.authRequired = !client.authenticated;
      }
    } catch (err) {
      engine.releaseLocks();
      this.pendingCommand = false;
      if (err instanceof ProtocolError) {
        this.writer.error(E.protocol(err.detail));
        client.closeAfterReply = true;
      } else {
        // A bug in a handler must not take the server down: report it and drop this client.
        this.writer.error(`ERR internal error: ${(err as Error).message}`);
        client.closeAfterReply = true;
        console.error('spindle: internal error', err);
      }
    }
    if (this.writer.errors !== 0) {
      engine.errorReplies += this.writer.errors;
      for (const code of this.writer.errorCodes) engine.errorStats.set(code, (engine.errorStats.get(code) ?? 0) + 1);
      this.writer.errorCodes.length = 0;
    }
    client.inTurn = false;
    if (client.pubsub !== null) engine.pubsub.flushClient(client); // messages queued before this turn
    const out = this.writer.flushParts();
    engine.releaseLocks();
    if (out !== null && !this.closed) {
      if (!this.writeParts(out)) this.socket.pause();
      if (engine.pubsub.overLimit(client)) this.close(); // client-output-buffer-limit
    }
    if (client.closeAfterReply) {
      this.closed = true;
      this.socket.end();
      this.cleanup();
    }
    engine.offload?.poll();
  }

  /**
   * A response of the script worker ([u32 error replies][reply]) in request order: bytes
   * [off, off + total) of d, in the response ring. It is copied into the writer now and sent at
   * the end of the tick, so the responses of one poll leave in one write.
   */
  private offloaded(d: Uint8Array, off: number, total: number): void {
    if (this.closed) return;
    const errors = getU32(d, off);
    const at = off + 4, len = total - 4;
    if (errors !== 0) {
      const engine = this.engine;
      engine.errorReplies += errors;
      if (d[at] === 0x2d) { // '-': count the reply's own code in INFO errorstats
        let end = at + 1;
        while (end < at + len && d[end] !== 0x20 && d[end] !== 0x0d) end++;
        const code = Buffer.from(d.buffer, d.byteOffset + at + 1, end - at - 1).toString('latin1');
        engine.errorStats.set(code, (engine.errorStats.get(code) ?? 0) + 1);
      }
    }
    if (len > kCopyAbove) this.writer.raw(Buffer.from(d.subarray(at, at + len)), 0, len); // kept by reference
    else this.writer.raw(d, at, len);
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(() => {
        this.flushQueued = false;
        this.flushPushes();
        if (this.socket.writableNeedDrain) this.socket.pause();
      });
    }
    if (this.client.outstanding === 0 && this.awaitingOffload) {
      this.awaitingOffload = false;
      setImmediate(() => this.resume());
    }
  }

  /**
   * Write buffers in order, as one corked batch (a turn's replies, pub/sub frames shared
   * between subscribers). False when the socket's buffer is full (the caller may pause).
   */
  private writeParts(parts: Buffer[]): boolean {
    if (this.closed) return true;
    let ok = true;
    if (parts.length > 1) this.socket.cork();
    for (const b of parts) {
      this.engine.netOut += b.length;
      ok = this.socket.write(b);
    }
    if (parts.length > 1) this.socket.uncork();
    return ok;
  }

  /** Send pub/sub messages written between turns (the hub calls this once per loop turn). */
  private flushPushes(): void {
    if (this.closed) return;
    const out = this.writer.flushParts();
    if (out !== null) this.writeParts(out);
  }

  private park(): void {
    this.parked = true;
    this.socket.pause();
    if (this.engine.parkedOn === kParkedOnOffload) {
      this.awaitingOffload = true; // offloaded() resumes the connection
      return;
    }
    if (this.engine.parkedOn === kParkedOnRetry) {
      setTimeout(() => this.resume(), kRetryMs); // a timer: nothing to wait on, never a busy loop
      return;
    }
    void this.engine.waitForShard().then(() => this.resume());
  }

  /** The blocked command finished: `reply` is its reply, or null to run it again. */
  private unblocked(reply: Buffer | null): void {
    if (this.closed) return;
    if (reply !== null) {
      if (this.client.pubsub !== null) this.engine.pubsub.flushClient(this.client);
      this.engine.netOut += reply.length;
      this.socket.write(reply);
      this.pendingCommand = false;
      this.parser.done();
    }
    setImmediate(() => this.resume());
  }

  /** Run what was held back while parked or blocked. */
  private resume(): void {
    if (this.closed) return;
    this.parked = false;
    this.run();
    while (!this.parked && !this.closed && this.backlog.length > 0) {
      this.parser.feed(this.backlog.shift()!);
      this.run();
    }
    if (!this.parked && !this.closed) this.socket.resume();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.cleanup();
  }

  private cleanup(): void {
    if (this.client.blocked) this.engine.blocking.cancel(this.client.id);
    if (this.client.pubsub !== null) this.engine.pubsub.unsubscribeAll(this.client);
    if (this.client.tx !== null) this.engine.tx.release(this.client);
    if (this.engine.clients.delete(this.client.id)) Atomics.sub(this.engine.gi32, 1, 1);
  }
}
