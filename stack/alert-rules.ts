/**
 * Prometheus alert rules for Redis, over redis_exporter's metrics. Each rule cites where its
 * metric and threshold come from:
 *   [exporter] https://github.com/oliver006/redis_exporter (metric names; INFO fields become redis_<field>)
 *   [info]     https://redis.io/docs/latest/commands/info/ (what each INFO field means)
 *   [apa]      https://samber.github.io/awesome-prometheus-alerts/rules#redis (community thresholds)
 *   [slowlog]  https://redis.io/docs/latest/commands/slowlog/ (entries get increasing ids)
 * `for` is a parameter so tests can fire them in seconds.
 */

export interface AlertRuleOptions {
  /** Overrides every rule's `for` (e.g. "0s" in a test); default: each rule's own. */
  for?: string;
}

export interface Rule {
  alert: string;
  source: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
}

const RULES: Rule[] = [
  {
    alert: 'RedisDown',
    source: '[exporter] redis_up is 0 when the exporter cannot reach the instance; [apa] RedisDown',
    expr: 'redis_up == 0',
    for: '30s',
    severity: 'critical',
    summary: 'Redis {{ $labels.instance }} is down (the exporter cannot reach it)',
  },
  {
    alert: 'RedisMemoryNearLimit',
    source: '[info] used_memory vs maxmemory (maxmemory 0 means no limit); [apa] RedisOutOfConfiguredMaxmemory uses 90%',
    // The ratio first: `and` keeps the left side's value, which the summary prints.
    expr: 'redis_memory_used_bytes / redis_memory_max_bytes > 0.9 and redis_memory_max_bytes > 0',
    for: '2m',
    severity: 'warning',
    summary: 'Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory',
  },
  {
    alert: 'RedisRejectedConnections',
    source: '[info] rejected_connections counts connections refused at maxclients; [apa] RedisRejectedConnections',
    expr: 'increase(redis_rejected_connections_total[5m]) > 0',
    for: '0s',
    severity: 'critical',
    summary: 'Redis {{ $labels.instance }} rejected connections (maxclients reached)',
  },
  {
    alert: 'RedisTooManyConnections',
    source: '[info] connected_clients and CONFIG maxclients (exporter: redis_config_maxclients); [apa] RedisTooManyConnections uses 90%',
    expr: 'redis_connected_clients / redis_config_maxclients > 0.9 and redis_config_maxclients > 0',
    for: '2m',
    severity: 'warning',
    summary: 'Redis {{ $labels.instance }} has {{ $value | humanizePercentage }} of maxclients connected',
  },
  {
    alert: 'RedisEvictions',
    source: '[info] evicted_keys counts keys removed at the maxmemory limit; [apa] RedisEvictedKeys (any eviction)',
    expr: 'increase(redis_evicted_keys_total[5m]) > 0',
    for: '2m',
    severity: 'warning',
    summary: 'Redis {{ $labels.instance }} is evicting keys at the maxmemory limit',
  },
  {
    alert: 'RedisReplicationBroken',
    source: '[info] master_link_status (exporter: redis_master_link_up) on a replica; [apa] RedisReplicationBroken',
    expr: 'redis_master_link_up == 0',
    for: '1m',
    severity: 'critical',
    summary: 'Redis replica {{ $labels.instance }} lost its link to the master',
  },
  {
    alert: 'RedisReplicaDisconnected',
    source: '[info] connected_slaves on a master; [apa] RedisDisconnectedSlaves (fewer replicas than before)',
    expr: 'delta(redis_connected_slaves[5m]) < 0',
    for: '0s',
    severity: 'critical',
    summary: 'Redis master {{ $labels.instance }} lost a replica ({{ $value }} in 5 minutes)',
  },
  {
    alert: 'RedisRdbSaveFailing',
    source: '[info] rdb_last_bgsave_status (exporter: redis_rdb_last_bgsave_status, 1 ok, 0 err); writes stop under stop-writes-on-bgsave-error',
    expr: 'redis_rdb_last_bgsave_status == 0',
    for: '0s',
    severity: 'critical',
    summary: 'Redis {{ $labels.instance }} cannot write RDB snapshots (last BGSAVE failed)',
  },
  {
    alert: 'RedisAofRewriteFailing',
    source: '[info] aof_last_bgrewrite_status (exporter: redis_aof_last_bgrewrite_status, 1 ok, 0 err)',
    expr: 'redis_aof_enabled == 1 and redis_aof_last_bgrewrite_status == 0',
    for: '0s',
    severity: 'critical',
    summary: 'Redis {{ $labels.instance }} failed its last AOF rewrite',
  },
  {
    alert: 'RedisLastSaveTooOld',
    source: '[info] rdb_last_save_time (exporter: redis_rdb_last_save_timestamp_seconds); [apa] RedisMissingBackup uses 24h',
    expr: 'redis_rdb_changes_since_last_save > 0 and time() - redis_rdb_last_save_timestamp_seconds > 86400',
    for: '0s',
    severity: 'warning',
    summary: 'Redis {{ $labels.instance }} has unsaved changes and no RDB snapshot for over 24h',
  },
  {
    alert: 'RedisSlowlogGrowing',
    source: '[slowlog] each slow command gets the next id (exporter: redis_slowlog_last_id); more than 10 in 5 minutes is a pattern, not a blip',
    expr: 'delta(redis_slowlog_last_id[5m]) > 10',
    for: '0s',
    severity: 'warning',
    summary: 'Redis {{ $labels.instance }} logged about {{ $value | humanize }} slow commands in 5 minutes',
  },
];

export const ALERT_NAMES = RULES.map((r) => r.alert);

/** A rules file Prometheus loads (rule_files): one group, each rule preceded by its source. */
export function renderRules(group: string, header: string, rules: Rule[], options: AlertRuleOptions = {}): string {
  const lines = [`# generated by sre-agent: ${header}`, 'groups:', `  - name: ${group}`, '    rules:'];
  for (const rule of rules) {
    lines.push(
      `      # ${rule.source}`,
      `      - alert: ${rule.alert}`,
      `        expr: ${rule.expr}`,
      `        for: ${options.for ?? rule.for}`,
      `        labels: { severity: ${rule.severity} }`,
      `        annotations: { summary: ${JSON.stringify(rule.summary)} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function redisAlertRules(options: AlertRuleOptions = {}): string {
  return renderRules('redis', 'Redis alert rules over redis_exporter metrics (stack/alert-rules.ts)', RULES, options);
}
