#!/usr/bin/env node
/**
 * spindle-server: start a store with N shards and serve it over RESP on TCP.
 *   spindle-server [redis.conf] [--port 6379] [--bind 127.0.0.1] [--shards N] [--io-threads N] ...
 */
import os from 'node:os';
import { Config } from '../server/config.js';
import { startServer } from '../server/server.js';
import { applyArgs } from './args.js';

const config = new Config();
const errors = applyArgs(config, process.argv.slice(2));
if (errors.length > 0) {
  for (const e of errors) console.error(`spindle-server: ${e}`);
  process.exit(1);
}
if (config.num('shards') === 0) config.set('shards', String(Math.max(1, Math.min(31, os.availableParallelism()))), true);

// Every command runs inside a connection's try/catch; this is the last line of defence for a
// failure elsewhere (a socket callback, a timer): log it and keep serving the data in memory.
process.on('uncaughtException', (err) => console.error('spindle: uncaught exception', err));

startServer(config).then(
  (srv) => {
    console.log(`Spindle ${srv.version} (Redis ${srv.redisVersion} compatible), pid ${process.pid}, ` +
      `${config.num('shards')} shard(s), ${srv.ioThreads} io-thread(s)`);
    console.log(`Ready to accept connections tcp on ${config.str('bind')}:${srv.port}`);
    const stop = () => {
      srv.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (err: Error) => {
    console.error(`spindle-server: ${err.message}`);
    process.exit(1);
  },
);
