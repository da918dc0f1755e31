/**
 * The baseline every diagnosis starts from (offline chat and every deep triage): the read-only
 * tools the rules engine needs, all run in parallel. Pure data: safe in the workflow bundle.
 * The keyspace walks run for as long as the rate sample waits (3 s by default), so they cost no
 * extra wall time; each is paced to keep its load on the target small (see activities/tools/redis/keys.ts).
 */
export const BASELINE_CALLS: ReadonlyArray<{ tool: string; args: Record<string, unknown> }> = [
  { tool: 'redis_info', args: { section: 'all' } },
  { tool: 'redis_info_rates', args: {} },
  { tool: 'redis_config_get', args: { parameters: ['*'] } },
  { tool: 'redis_client_list', args: {} },
  { tool: 'redis_client_origins', args: {} },
  { tool: 'redis_slowlog', args: { count: 50 } },
  { tool: 'redis_memory', args: {} },
  { tool: 'redis_latency', args: {} },
  { tool: 'redis_replication', args: {} },
  { tool: 'redis_keyspace', args: {} },
  { tool: 'redis_security', args: {} },
  { tool: 'redis_cluster_info', args: {} },
  { tool: 'redis_sentinel', args: {} },
  { tool: 'redis_big_keys', args: { budgetMs: 3000 } },
  { tool: 'redis_hot_keys', args: { budgetMs: 3000 } },
  { tool: 'redis_streams', args: { budgetMs: 1000 } },
  { tool: 'redis_keyspace_profile', args: { budgetMs: 2500 } },
];
