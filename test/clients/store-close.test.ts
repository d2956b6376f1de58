/**
 * A store closes cleanly right after its script worker served scripts: Store.close() asks the
 * worker to stop and lets it end by itself. (Terminating a thread that has just run wasm aborted
 * the whole process on Node 24 about one time in ten: "Check failed: (location_) != nullptr".
 * CI runs this file on Node 24 too.)
 */
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store.js';
import { Config } from '../../src/server/config.js';
import { startServer } from '../../src/server/server.js';
import { rawClient } from '../helpers/server.js';

describe('Store.close after scripts', () => {
  it('40 stores each serve an EVAL and close at once', async () => {
    for (let i = 0; i < 40; i++) {
      const store = Store.create({ shards: 2 });
      const cfg = new Config();
      for (const [k, v] of [['port', '0'], ['bind', '127.0.0.1'], ['shards', '2']]) cfg.set(k, v, true);
      const srv = await startServer(cfg, store);
      const c = await rawClient(srv.port, { replyTimeoutMs: 10000 });
      expect((await c.send('EVAL', 'return redis.call("INCR", KEYS[1])', 1, 'n')).toString()).toBe(':1\r\n');
      c.destroy();
      await srv.close();
      await store.close();
    }
  }, 60000);
});
