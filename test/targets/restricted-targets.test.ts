import { leastPrivilegeRules } from '../../core/least-privilege-acl';
import type { TaskView } from '../../service/tasks';
import { startTestAgent, type TestAgent } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';

/**
 * Full offline triages against targets the way production runs them: a least-privilege ACL user,
 * commands renamed away (as managed services do), and a user denied CONFIG and LATENCY.
 */
describe('restricted and managed targets', () => {
  let agent: TestAgent;
  const servers: EphemeralRedis[] = [];

  beforeAll(async () => {
    agent = await startTestAgent();
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  async function serverWithUser(rules: string[], args: string[] = []): Promise<string> {
    const redis = await startRedis({ args });
    servers.push(redis);
    const client = redis.client();
    await client.call('ACL', 'SETUSER', 'sre-agent', 'reset', 'on', '>agent-secret-1', ...rules);
    await client.set('user:1', 'x'.repeat(100));
    await client.hset('cart:1', 'a', '1');
    client.disconnect();
    return `redis://sre-agent:agent-secret-1@127.0.0.1:${redis.port}`;
  }

  async function triage(url: string, name: string): Promise<TaskView> {
    const instance = await agent.services.stores.instances.create({ name, connection_url: url, environment: 'test' });
    const view = await agent.run({ message: 'Run a full health check', instance_id: instance.id, agent: 'triage' }, { forceOffline: true });
    expect(view.status).toBe('done');
    return view;
  }

  const failures = (view: TaskView) => view.tool_calls.filter((c) => !c.ok);
  const succeeded = (view: TaskView, tool: string) => view.tool_calls.some((c) => c.tool === tool && c.ok);

  it('runs a full triage as the least-privilege ACL user with nothing refused for lack of permission', async () => {
    const view = await triage(await serverWithUser(leastPrivilegeRules()), 'least-privilege');
    expect(view.tool_calls.length).toBeGreaterThan(5);
    expect(failures(view)).toEqual([]);
    const report = view.result!.answer;
    expect(report).not.toMatch(/NOPERM|no permission/);
    expect(report).not.toMatch(/Could not be read on this target/);
  });

  it('says what it could not read when CONFIG, DEBUG, MEMORY, LATENCY and CLIENT are renamed away, without retrying', async () => {
    const renamed = ['CONFIG', 'DEBUG', 'MEMORY', 'LATENCY', 'CLIENT'].flatMap((c) => ['--rename-command', c, '']);
    const view = await triage(await serverWithUser(['allcommands', 'allkeys'], renamed), 'renamed');
    const failed = failures(view);
    expect(failed.length).toBeGreaterThan(0);
    for (const call of failed) {
      expect(call.summary).toMatch(
        /^failed: redis_\w+: could not read (CONFIG GET|MEMORY \w+|LATENCY \w+|CLIENT LIST) on 127\.0\.0\.1:\d+: .*renamed or disabled/,
      );
    }
    expect(view.tool_calls.some((c) => /will retry/.test(c.summary))).toBe(false);
    const report = view.result!.answer;
    expect(report).toMatch(/## Could not be read on this target \(\d+\)/);
    for (const command of ['CONFIG GET', 'CLIENT LIST', 'LATENCY LATEST']) expect(report).toContain(`: ${command}: the server does not know this command`);
    // CONFIG is only a side read of these: they answer with the rest, and say what they could not read.
    for (const tool of ['redis_slowlog', 'redis_replication', 'redis_memory']) {
      expect(succeeded(view, tool)).toBe(true);
      expect(report).toContain(`- ${tool}: CONFIG GET: the server does not know this command`);
    }
    expect(report).toContain('- redis_memory: MEMORY STATS: the server does not know this command');
    expect(succeeded(view, 'redis_hot_keys')).toBe(true);
    expect(report).not.toMatch(/could not authenticate/);
    // The agent's own refused reads are not the clients' errors.
    expect(report).not.toMatch(/error replies per second/);
    // What is readable still gets checked: INFO answers, so the instance line is there.
    expect(report).toMatch(/Instance: /);
  });

  it('names the ACL grant missing when the user is denied CONFIG and LATENCY, without retrying', async () => {
    const view = await triage(await serverWithUser([...leastPrivilegeRules(), '-config', '-latency']), 'denied');
    const failed = failures(view);
    expect(failed.length).toBeGreaterThan(0);
    for (const call of failed) expect(call.summary).toMatch(/could not read (CONFIG GET|LATENCY \w+) on .*NOPERM.*grant \+(config\|get|latency\|\w+)/);
    expect(view.tool_calls.some((c) => /will retry/.test(c.summary))).toBe(false);
    const report = view.result!.answer;
    expect(report).toMatch(/## Could not be read on this target/);
    expect(report).toContain('grant +config|get');
    expect(report).not.toMatch(/error replies per second|ACL denied|NOPERM\)? (errors|denials)/);
    for (const tool of ['redis_slowlog', 'redis_replication', 'redis_client_list', 'redis_memory']) {
      expect(succeeded(view, tool)).toBe(true);
      expect(report).toContain(`- ${tool}: CONFIG GET: the ACL user has no permission for it (NOPERM); grant +config|get`);
    }
    expect(report).not.toMatch(/could not authenticate/);
  });

  it('with only CONFIG renamed away, fails only the tools that are about configuration (config get, security), and the rest answer', async () => {
    const view = await triage(await serverWithUser(['allcommands', 'allkeys'], ['--rename-command', 'CONFIG', '']), 'config-renamed');
    expect(
      failures(view)
        .map((c) => c.tool)
        .sort(),
    ).toEqual(['redis_config_get', 'redis_security']);
    for (const tool of [
      'redis_latency',
      'redis_memory',
      'redis_slowlog',
      'redis_client_list',
      'redis_replication',
      'redis_hot_keys',
      'redis_keyspace_profile',
      'redis_info',
    ]) {
      expect(succeeded(view, tool)).toBe(true);
    }
    const report = view.result!.answer;
    expect(report).toContain('- redis_latency: CONFIG GET: the server does not know this command');
    expect(report).toContain('- redis_keyspace_profile: CONFIG GET: the server does not know this command');
    expect(report).not.toMatch(/error replies per second/);
  });
});
