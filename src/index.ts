/** spindledb: a Redis-compatible store, embedded (open/attach) or as a server (startServer). */
export { open, attach, type Spindle, type OpenOptions, type Arg, type Listening, type Value } from './embedded/index.js';
export { startServer, type RunningServer } from './server/server.js';
export { Config } from './server/config.js';
export { SpindleError, ReplyError, WrongTypeError, AuthError, ClosedError } from './errors.js';
export type { StoreHandle } from './server/engine.js';
