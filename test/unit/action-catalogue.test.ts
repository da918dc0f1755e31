import { actionNamed, ACTIONS } from '../../activities/actions/catalogue';
import { notApplicable } from '../../activities/actions/define';
import { proposalsFor } from '../../activities/actions/proposals';
import type { Finding } from '../../core/types';

const configSet = actionNamed('config_set')!;
const issue = (args: unknown) => {
  const r = configSet.schema.safeParse(args);
  return r.success ? undefined : `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
};

describe('the remediation catalogue', () => {
  it('defines each action once, with a description and a title', () => {
    const names = ACTIONS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'config_set',
        'client_kill',
        'unlink_keys',
        'bgrewriteaof',
        'bgsave',
        'memory_purge',
        'slowlog_reset',
        'mcp_write',
        'replica_failover',
      ]),
    );
  });

  it('config_set changes only allow-listed parameters, with values checked per parameter', () => {
    expect(issue({ parameter: 'maxmemory-policy', value: 'allkeys-lru' })).toBeUndefined();
    expect(issue({ parameter: 'maxmemory', value: '2gb' })).toBeUndefined();
    for (const parameter of ['requirepass', 'dir', 'bind', 'protected-mode', 'rename-command'])
      expect(issue({ parameter, value: 'x' })).toMatch(/^parameter: /);
    expect(issue({ parameter: 'maxmemory-policy', value: 'allkeys-fifo' })).toMatch(/^value: maxmemory-policy/);
    expect(issue({ parameter: 'maxmemory', value: 'lots' })).toMatch(/^value: maxmemory: bytes, or a size/);
    expect(issue({ parameter: 'hz', value: '5000' })).toMatch(/between 1 and 500/);
    expect(issue({ parameter: 'timeout', value: '60', extra: 1 })).toBeDefined();
  });

  it('config_set sends exactly CONFIG SET (and CONFIG REWRITE when asked) and names its rollback', () => {
    const args = configSet.schema.parse({ parameter: 'maxmemory-policy', value: 'allkeys-lru', rewrite: true });
    expect(configSet.commands(args, {})).toEqual([
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'REWRITE'],
    ]);
    expect(configSet.rollback!.proposal(args, { 'maxmemory-policy': 'noeviction' })).toMatchObject({
      action: 'config_set',
      arguments: { parameter: 'maxmemory-policy', value: 'noeviction', expected_current: 'allkeys-lru' },
    });
  });

  it('client_kill takes exactly one selector; unlink_keys a bounded list of exact names', () => {
    const kill = actionNamed('client_kill')!;
    expect(kill.schema.safeParse({ id: 12 }).success).toBe(true);
    expect(kill.schema.safeParse({ id: 12, user: 'app' }).success).toBe(false);
    expect(kill.schema.safeParse({}).success).toBe(false);
    const unlink = actionNamed('unlink_keys')!;
    expect(unlink.schema.safeParse({ keys: ['a', 'b'] }).success).toBe(true);
    expect(unlink.schema.safeParse({ keys: [] }).success).toBe(false);
    expect(unlink.schema.safeParse({ keys: Array.from({ length: 21 }, (_, i) => `k${i}`) }).success).toBe(false);
  });

  it('replica_failover names a host:port replica on a cluster, nothing behind Sentinel, and does not apply to one endpoint', () => {
    const failover = actionNamed('replica_failover')!;
    const parse = (args: unknown) => failover.schema.safeParse(args);
    expect(parse({ replica: '10.0.0.6:6379' }).success).toBe(true);
    expect(parse({ replica: '[::1]:7001' }).success).toBe(true);
    expect(parse({}).success).toBe(true);
    for (const replica of ['10.0.0.6', '10.0.0.6:0', '10.0.0.6:70000', 'a b:1', '']) expect(parse({ replica }).error?.issues[0].message).toMatch(/host:port/);
    expect(parse({ replica: '10.0.0.6:6379', force: true }).success).toBe(false);

    const why = (args: object, type: Parameters<typeof notApplicable>[2]) => notApplicable(failover, failover.schema.parse(args), type);
    expect(why({ replica: '10.0.0.6:6379' }, 'cluster')).toBeUndefined();
    expect(why({}, 'cluster')).toMatch(/name the replica to promote/);
    expect(why({}, 'sentinel')).toBeUndefined();
    expect(why({ replica: '10.0.0.6:6379' }, 'sentinel')).toMatch(/the sentinels choose the replica/);
    for (const type of ['standalone', 'replica', 'enterprise', 'unknown'] as const) expect(why({}, type)).toMatch(/not applicable/);
    // The other actions run on one endpoint: never on a cluster or behind Sentinel.
    expect(notApplicable(configSet, {}, 'cluster')).toMatch(/not applicable/);
    expect(notApplicable(configSet, {}, 'standalone')).toBeUndefined();

    const cluster = failover.schema.parse({ replica: '10.0.0.6:6379' });
    expect(failover.risk(cluster)).toBe('high');
    expect(failover.commands(cluster, {})).toEqual([['CLUSTER', 'FAILOVER']]);
    expect(failover.commands({}, { master_name: 'mymaster' })).toEqual([['SENTINEL', 'FAILOVER', 'mymaster']]);
    expect(failover.rollback!.proposal(cluster, { primary: '10.0.0.5:6379' })).toMatchObject({
      action: 'replica_failover',
      arguments: { replica: '10.0.0.5:6379' },
    });
  });
});

const finding = (checkId: string, severity: Finding['severity'], policy: string): Finding => ({
  checkId,
  title: 'Writes rejected with OOM errors',
  severity,
  category: 'memory',
  detail: '',
  evidence: [{ source: 'redis_config_get', signal: 'maxmemory-policy', value: policy }],
  recommendation: '',
  commands: [],
});

describe('proposals from findings', () => {
  it('proposes allkeys-lru for OOM under noeviction only on an instance registered as a cache, once', () => {
    const findings = [finding('memory.maxmemory-write-errors', 'critical', 'noeviction'), finding('memory.maxmemory-saturation', 'critical', 'noeviction')];
    const proposals = proposalsFor(findings, { usage: 'cache' });
    expect(proposals).toEqual([
      expect.objectContaining({
        action: 'config_set',
        arguments: { parameter: 'maxmemory-policy', value: 'allkeys-lru', expected_current: 'noeviction' },
        checkId: 'memory.maxmemory-saturation',
        severity: 'critical',
      }),
    ]);
    expect(proposalsFor(findings, { usage: 'primary' })).toEqual([]);
    expect(proposalsFor(findings, {})).toEqual([]);
    expect(proposalsFor([finding('memory.maxmemory-write-errors', 'critical', 'allkeys-lru')], { usage: 'cache' })).toEqual([]);
  });

  it('proposes nothing for info findings', () => {
    const slowlog: Finding = {
      ...finding('config.slowlog-disabled', 'info', 'x'),
      evidence: [{ source: 'redis_config_get', signal: 'slowlog-log-slower-than', value: '-1' }],
    };
    expect(proposalsFor([slowlog], {})).toEqual([]);
    expect(proposalsFor([{ ...slowlog, severity: 'warning' }], {})).toEqual([
      expect.objectContaining({ arguments: { parameter: 'slowlog-log-slower-than', value: '10000', expected_current: '-1' } }),
    ]);
  });
});
