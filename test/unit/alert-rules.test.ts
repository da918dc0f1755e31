import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALERT_NAMES, redisAlertRules } from '../../stack/alert-rules';
import { alertmanagerArgs, alertmanagerConfig } from '../../stack/alertmanager-config';

/** The stack's alert rules and Alertmanager config, checked by Prometheus's and Alertmanager's own tools. */
describe('Redis alert rules and the Alertmanager config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-rules-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are valid for promtool, and each rule cites its source', () => {
    const file = path.join(dir, 'redis.yml');
    fs.writeFileSync(file, redisAlertRules());
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain(`SUCCESS: ${ALERT_NAMES.length} rules found`);
    const text = fs.readFileSync(file, 'utf8');
    for (const name of ALERT_NAMES) expect(text).toMatch(new RegExp(`# \\[[a-z]+\\][^\\n]*\\n\\s+- alert: ${name}\\n`));
    expect(ALERT_NAMES).toEqual(
      expect.arrayContaining([
        'RedisDown',
        'RedisMemoryNearLimit',
        'RedisRejectedConnections',
        'RedisEvictions',
        'RedisReplicationBroken',
        'RedisReplicaDisconnected',
        'RedisTooManyConnections',
        'RedisRdbSaveFailing',
        'RedisLastSaveTooOld',
        'RedisSlowlogGrowing',
      ]),
    );
  });

  it('fire on the series that should fire them (promtool test rules)', () => {
    fs.writeFileSync(path.join(dir, 'redis.yml'), redisAlertRules());
    const tests = `rule_files: [redis.yml]
evaluation_interval: 15s
tests:
  - interval: 15s
    input_series:
      - series: 'redis_up{instance="redis://10.0.0.5:6379",addr="10.0.0.5:6379"}'
        values: '1 0 0 0 0'
      - series: 'redis_memory_used_bytes{instance="redis://10.0.0.6:6379"}'
        values: '95x20'
      - series: 'redis_memory_max_bytes{instance="redis://10.0.0.6:6379"}'
        values: '100x20'
      - series: 'redis_slowlog_last_id{instance="redis://10.0.0.7:6379"}'
        values: '0 5 10 20 40'
    alert_rule_test:
      - eval_time: 60s
        alertname: RedisDown
        exp_alerts:
          - exp_labels: { severity: critical, instance: "redis://10.0.0.5:6379", addr: "10.0.0.5:6379" }
            exp_annotations: { summary: "Redis redis://10.0.0.5:6379 is down (the exporter cannot reach it)" }
      - eval_time: 3m
        alertname: RedisMemoryNearLimit
        exp_alerts:
          - exp_labels: { severity: warning, instance: "redis://10.0.0.6:6379" }
            exp_annotations: { summary: "Redis redis://10.0.0.6:6379 uses 95% of maxmemory" }
      - eval_time: 60s
        alertname: RedisSlowlogGrowing
        exp_alerts:
          - exp_labels: { severity: warning, instance: "redis://10.0.0.7:6379" }
            exp_annotations: { summary: "Redis redis://10.0.0.7:6379 logged about 45 slow commands in 5 minutes" }
`;
    fs.writeFileSync(path.join(dir, 'tests.yml'), tests);
    expect(execFileSync('promtool', ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' })).toContain('SUCCESS');
  });

  it('routes every alert to the webhook with resolved notifications, the key from a file, and listens on loopback only', () => {
    const file = path.join(dir, 'alertmanager.yml');
    const config = alertmanagerConfig({ webhookUrl: 'http://127.0.0.1:8080/api/v1/alerts/alertmanager', credentialsFile: path.join(dir, 'key') });
    fs.writeFileSync(file, config);
    expect(execFileSync('amtool', ['check-config', file], { encoding: 'utf8' })).toContain('SUCCESS');
    expect(config).toContain('send_resolved: true');
    expect(config).toContain(`credentials_file: ${path.join(dir, 'key')}`);
    const args = alertmanagerArgs(dir, file, 9093);
    expect(args).toEqual(expect.arrayContaining(['--web.listen-address=127.0.0.1:9093', '--cluster.listen-address=']));
  });
});
