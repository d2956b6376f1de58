/**
 * Server family: INFO, CONFIG GET/SET/RESETSTAT/HELP, DBSIZE, FLUSHDB, FLUSHALL, TIME,
 * LASTSAVE. (COMMAND lives in command.ts.) Parse → op → reply, then the registration table.
 */
import os from 'node:os';
import type { Ctx, FamilyTable } from '../context.js';
import { E } from '../../errors.js';
import { Stat, kAvgTtlBase, kDatabases } from '../../shard/shard.js';
import { kRedisVersion } from './connection.js';
import { Kind } from '../../pubsub/registry.js';

const kRunId = Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const kDefaultSections = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const kAllSections = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'commandstats', 'errorstats', 'cluster', 'keyspace'];

// ------------------------------------------------------------------ ops

function human(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let i = 0, v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${units[i]}`;
}

type Fields = [string, string | number][];

function sectionServer(c: Ctx): Fields {
  const start = c.engine.gf64[2];
  const up = Math.floor((Date.now() - start) / 1000);
  return [
    ['redis_version', kRedisVersion], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0],
    ['redis_build_id', '0'], ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`], ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'], ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'], ['gcc_version', '0.0.0'], ['process_id', process.pid],
    ['process_supervised', 'no'], ['run_id', kRunId], ['tcp_port', c.engine.config.num('port')],
    ['server_time_usec', Date.now() * 1000], ['uptime_in_seconds', up],
    ['uptime_in_days', Math.floor(up / 86400)], ['hz', c.engine.config.num('hz')],
    ['configured_hz', c.engine.config.num('hz')], ['lru_clock', Math.floor(Date.now() / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? ''], ['config_file', ''], ['io_threads_active', 0],
    ['spindle_version', '0.1.0'], ['spindle_node_version', process.versions.node],
    ['spindle_shards', c.engine.shards.length],
  ];
}

function sectionClients(c: Ctx): Fields {
  return [
    ['connected_clients', Atomics.load(c.engine.gi32, 1)], ['cluster_connections', 0],
    ['maxclients', c.engine.config.num('maxclients')], ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', 0], ['blocked_clients', 0], ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ];
}

function sectionMemory(c: Ctx): Fields {
  let used = 0, committed = 0;
  for (const s of c.engine.shards) {
    used += s.heap.usedBytes();
    committed += s.heap.committedBytes();
  }
  const mu = process.memoryUsage();
  const total = used + mu.heapUsed;
  const peak = (c.engine.peakMemory = Math.max(c.engine.peakMemory, total));
  return [
    ['used_memory', total], ['used_memory_human', human(total)],
    ['used_memory_peak', peak], ['used_memory_peak_human', human(peak)],
    ['used_memory_rss', mu.rss], ['used_memory_rss_human', human(mu.rss)],
    ['used_memory_dataset', used], ['used_memory_shard_heaps_committed', committed],
    ['used_memory_vm_heap', mu.heapUsed], ['total_system_memory', os.totalmem()],
    ['total_system_memory_human', human(os.totalmem())],
    ['maxmemory', 0], ['maxmemory_human', '0B'], ['maxmemory_policy', 'noeviction'],
    ['mem_fragmentation_ratio', total > 0 ? (mu.rss / total).toFixed(2) : '0.00'],
    ['mem_allocator', 'spindle-sab-slab'], ['lazyfree_pending_objects', 0],
  ];
}

function sectionPersistence(c: Ctx): Fields {
  return [
    ['loading', 0], ['async_loading', 0], ['current_cow_peak', 0], ['current_cow_size', 0],
    ['current_fork_perc', '0.00'], ['current_save_keys_processed', 0], ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', 0], ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(c.engine.gf64[5] / 1000)], ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1], ['rdb_current_bgsave_time_sec', -1],
    ['aof_enabled', 0], ['aof_rewrite_in_progress', 0], ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1], ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'], ['aof_last_write_status', 'ok'],
  ];
}

function sectionStats(c: Ctx): Fields {
  let hits = 0, misses = 0, expired = 0, contended = 0, cycles = 0;
  for (const s of c.engine.shards) {
    hits += s.stats[Stat.Hits];
    misses += s.stats[Stat.Misses];
    expired += s.stats[Stat.Expired];
    contended += s.stats[Stat.LockContended];
    cycles += s.stats[Stat.ActiveExpireCycles];
  }
  return [
    ['total_connections_received', c.engine.gf64[3]],
    ['total_commands_processed', c.engine.gf64[4]],
    ['instantaneous_ops_per_sec', c.engine.instantaneousOps()],
    ['total_net_input_bytes', c.engine.gf64[6] + c.engine.netIn],
    ['total_net_output_bytes', c.engine.gf64[7]],
    ['rejected_connections', 0], ['expired_keys', expired], ['evicted_keys', 0],
    ['keyspace_hits', hits], ['keyspace_misses', misses], ['pubsub_channels', c.engine.pubsub.count(Kind.Channel)],
    ['pubsub_patterns', c.engine.pubsub.count(Kind.Pattern)], ['pubsubshard_channels', c.engine.pubsub.count(Kind.Shard)],
    ['total_error_replies', c.engine.gf64[8]],
    ['spindle_lock_contended', contended], ['spindle_active_expire_cycles', cycles],
  ];
}

function sectionReplication(): Fields {
  return [
    ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'],
    ['master_replid', kRunId], ['master_replid2', '0000000000000000000000000000000000000000'],
    ['master_repl_offset', 0], ['second_repl_offset', -1], ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576], ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
  ];
}

function sectionCpu(): Fields {
  const u = process.cpuUsage();
  const t = (us: number) => (us / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', t(u.system)], ['used_cpu_user', t(u.user)],
    ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
  ];
}

function sectionKeyspace(c: Ctx): Fields {
  const out: Fields = [];
  for (let db = 0; db < kDatabases; db++) {
    let keys = 0, expires = 0, ttlWeighted = 0;
    for (const s of c.engine.shards) {
      keys += s.dbSize(db);
      const v = s.volatileCount(db);
      expires += v;
      ttlWeighted += s.stats[kAvgTtlBase + db] * v;
    }
    const avgTtl = expires > 0 ? Math.floor(ttlWeighted / expires) : 0;
    if (keys > 0) out.push([`db${db}`, `keys=${keys},expires=${expires},avg_ttl=${avgTtl}`]);
  }
  return out;
}

function sectionCommandstats(c: Ctx): Fields {
  const out: Fields = [];
  const visit = (cmd: { name: string; calls: number; subcommands: Map<string, { name: string; calls: number }> | null }) => {
    if (cmd.calls > 0) out.push([`cmdstat_${cmd.name}`, `calls=${cmd.calls},usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0`]);
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) visit(s as never);
  };
  for (const cmd of c.engine.registry.all()) visit(cmd as never);
  return out;
}

const kSections: Record<string, [string, (c: Ctx) => Fields]> = {
  server: ['Server', sectionServer],
  clients: ['Clients', sectionClients],
  memory: ['Memory', sectionMemory],
  persistence: ['Persistence', sectionPersistence],
  stats: ['Stats', sectionStats],
  replication: ['Replication', sectionReplication],
  cpu: ['CPU', sectionCpu],
  modules: ['Modules', () => []],
  errorstats: ['Errorstats', (c) => [...c.engine.errorStats].map(([code, n]) => [`errorstat_${code}`, `count=${n}`] as [string, string])],
  cluster: ['Cluster', () => [['cluster_enabled', 0]]],
  commandstats: ['Commandstats', sectionCommandstats],
  keyspace: ['Keyspace', sectionKeyspace],
};

export function infoText(c: Ctx, wanted: string[]): string {
  let names: string[];
  if (wanted.length === 0 || wanted.includes('default')) names = kDefaultSections;
  else if (wanted.includes('all') || wanted.includes('everything')) names = kAllSections;
  else names = kAllSections.filter((n) => wanted.includes(n));
  let out = '';
  for (const n of names) {
    const [title, fn] = kSections[n];
    if (out !== '') out += '\r\n';
    out += `# ${title}\r\n`;
    for (const [k, v] of fn(c)) out += `${k}:${v}\r\n`;
  }
  return out;
}

// ------------------------------------------------------------------ commands

function infoCommand(c: Ctx): void {
  const wanted: string[] = [];
  for (let i = 1; i < c.argc; i++) wanted.push(c.str(i).toLowerCase());
  c.reply.verbatim('txt', infoText(c, wanted));
}

function configGetCommand(c: Ctx): void {
  const patterns: string[] = [];
  for (let i = 2; i < c.argc; i++) patterns.push(c.str(i));
  const pairs = c.engine.config.match(patterns);
  c.reply.map(pairs.length);
  for (const [k, v] of pairs) {
    c.reply.bulkString(k);
    c.reply.bulkString(v);
  }
}

function configSetCommand(c: Ctx): void {
  if ((c.argc - 2) % 2 !== 0) return c.reply.error(E.syntax);
  const cfg = c.engine.config;
  const seen = new Set<string>();
  // Redis checks every name (unknown, immutable, duplicate) before any value.
  for (let i = 2; i < c.argc; i += 2) {
    const typed = c.str(i), name = typed.toLowerCase();
    if (!cfg.has(name)) return c.reply.error(E.unsupportedConfig(typed));
    if (cfg.isImmutable(name)) return c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${typed}') - can't set immutable config`);
    if (seen.has(name)) return c.reply.error(`ERR CONFIG SET failed (possibly related to argument '${typed}') - duplicate parameter`);
    seen.add(name);
  }
  // Apply all or nothing: remember old values and roll back on the first failure.
  const old: [string, string][] = [];
  for (let i = 2; i < c.argc; i += 2) {
    const name = c.str(i).toLowerCase();
    const prev = String(cfg.get(name));
    const err = cfg.set(name, c.str(i + 1));
    if (err !== null) {
      for (const [n, v] of old.reverse()) cfg.set(n, v, true);
      return c.reply.error(err);
    }
    old.push([name, prev]);
  }
  c.reply.ok();
}

function configResetstatCommand(c: Ctx): void {
  for (const s of c.engine.shards) {
    for (let i = Stat.Hits; i <= Stat.LockAcquired; i++) s.stats[i] = 0;
  }
  c.engine.gf64[3] = 0;
  c.engine.gf64[4] = 0;
  c.engine.gf64[8] = 0;
  c.engine.errorStats.clear();
  for (const cmd of c.engine.registry.all()) {
    cmd.calls = 0;
    if (cmd.subcommands) for (const s of cmd.subcommands.values()) s.calls = 0;
  }
  c.reply.ok();
}

function configHelpCommand(c: Ctx): void {
  const lines = [
    'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>', '    Set the configuration <directive> to <value>.',
    'RESETSTAT', '    Reset statistics reported by the INFO command.',
    'HELP', '    Prints this help.',
  ];
  c.replyLines(lines);
}

function dbsizeCommand(c: Ctx): void {
  let n = 0;
  for (const s of c.engine.shards) n += s.dbSize(c.db);
  c.reply.int(n);
}

/** FLUSHDB/FLUSHALL [ASYNC|SYNC]: both run synchronously (the flag is accepted, as Redis does). */
function flushGeneric(c: Ctx, all: boolean): void {
  if (c.argc > 2 || (c.argc === 2 && !c.is(1, 'ASYNC') && !c.is(1, 'SYNC'))) return c.reply.error(E.syntax);
  for (const s of c.engine.shards) {
    if (all) for (let db = 0; db < kDatabases; db++) s.flushDb(db);
    else s.flushDb(c.db);
  }
  c.reply.ok();
}

function timeCommand(c: Ctx): void {
  const ns = process.hrtime.bigint();
  const nowUs = BigInt(Date.now()) * 1000n + ((ns / 1000n) % 1000n);
  c.reply.array(2);
  c.reply.bulkString(String(nowUs / 1000000n));
  c.reply.bulkString(String(nowUs % 1000000n));
}

function lastsaveCommand(c: Ctx): void {
  c.reply.int(Math.floor(c.engine.gf64[5] / 1000));
}

// ------------------------------------------------------------------ registration

export const serverCommands: FamilyTable = {
  info: { handler: infoCommand, allShards: true },
  config: {
    subcommands: {
      get: { handler: configGetCommand },
      set: { handler: configSetCommand },
      resetstat: { handler: configResetstatCommand, allShards: true },
      help: { handler: configHelpCommand },
    },
  },
  dbsize: { handler: dbsizeCommand, allShards: true },
  flushdb: { handler: (c) => flushGeneric(c, false), allShards: true },
  flushall: { handler: (c) => flushGeneric(c, true), allShards: true },
  time: { handler: timeCommand },
  lastsave: { handler: lastsaveCommand },
};
