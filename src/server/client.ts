import type { ClientSubs } from '../pubsub/hub.js';
import type { RespWriter } from '../protocol/resp-writer.js';

import type { TxState } from './transaction.js';

/** How a blocked command ends: its reply bytes, or null = run the command again. */
export type Unblock = (reply: Buffer | null) => void;

/**
 * Per-connection state. One Client per TCP connection (or per embedded handle). It lives on the
 * front-end thread that serves the connection; it is never shared.
 */
export class Client {
  name = '';
  db = 0;
  resp: 2 | 3 = 2;
  authenticated: boolean;
  libName = '';
  libVer = '';
  noEvict = false;
  noTouch = false;
  /** Blocked in BLPOP & co. (server/blocking.ts); the connection runs nothing else meanwhile. */
  blocked = false;
  /** Set by a connection that can wait; null for callers that cannot block (embedded). */
  unblock: Unblock | null = null;
  /** Commands sent to the script worker and not answered yet (server/offload.ts). */
  outstanding = 0;
  /** Set by a connection: writes a response of the script worker ([u32 errors][reply]), bytes
   *  [off, off + len) of d, valid during the call only. */
  offloadDone: ((d: Uint8Array, off: number, len: number) => void) | null = null;
  /** MULTI queue and WATCHed keys (server/transaction.ts); null outside transactions. */
  tx: TxState | null = null;
  /** Close the connection once the replies written so far are flushed (QUIT, CLIENT KILL). */
  closeAfterReply = false;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = 'NULL';
  /** Set by the connection: closes the socket (used by CLIENT KILL). */
  kill: () => void = () => undefined;
  /** Pub/sub subscriptions (src/pubsub/hub.ts); null before the first SUBSCRIBE. */
  pubsub: ClientSubs | null = null;
  /** Subscriptions of every kind; > 0 = Redis's CLIENT_PUBSUB (RESP2 subscribed mode). */
  subCount = 0;
  /** Where pub/sub messages are written between turns (the connection's writer), and the
   *  call that sends what was written (set by the connection). */
  out: RespWriter | null = null;
  flushOut: () => void = () => undefined;
  /** Write pub/sub frames shared with other subscribers straight to the socket (the
   *  connection sets it); inTurn: the connection is running this client's commands now. */
  sendRaw: (parts: Buffer[]) => void = () => undefined;
  inTurn = false;
  /** When the output buffer first went over its soft limit (0 = under it). */
  obufSoftSince = 0;
  /** Set by the connection: bytes buffered in and out, for CLIENT LIST. */
  queryBufferBytes: () => number = () => 0;
  outputBufferBytes: () => number = () => 0;

  constructor(
    readonly id: number,
    readonly addr: string,
    readonly laddr: string,
    readonly fd: number,
    authRequired: boolean,
  ) {
    this.authenticated = !authRequired;
  }
}
