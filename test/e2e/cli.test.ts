import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';
import { testEnv } from '../support/agent';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

const CLI = path.join(projectRoot(), 'dist/cli/main.js');

function sreAgent(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 180_000 });
}

describe('sre-agent CLI', () => {
  let redis: EphemeralRedis;
  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
    redis = await startRedis();
  });
  afterAll(async () => redis.stop());

  it('query --redis-url answers about a real Redis, prints the task id, and the history shows redis_info', () => {
    const env = testEnv();
    const run = sreAgent(['query', 'How is memory?', '--redis-url', redis.url], env);
    expect(run.stderr).toMatch(/running one in this process/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Offline analysis/);
    const taskId = /task: (task_\w+)/.exec(run.stdout)?.[1];
    expect(taskId).toBeDefined();
    expect(run.stdout).toContain(`/workflows/${taskId}`);

    const temporal = readStackEnv().temporalBinary;
    const address = `127.0.0.1:${env.SRE_TEMPORAL_PORT}`;
    const listed = execFileSync(temporal, ['workflow', 'list', '--address', address, '--query', `WorkflowId="${taskId}"`], { encoding: 'utf8' });
    expect(listed).toContain(taskId);
    const history = execFileSync(temporal, ['workflow', 'show', '--address', address, '--workflow-id', `${taskId}-chat`, '--output', 'json'], {
      encoding: 'utf8',
    });
    expect(history).toContain('"redis_info"');
    expect(history).not.toContain(redis.url.replace('redis://', ''));
  });

  it('reuses the instance record for the same URL', () => {
    const env = testEnv();
    const first = sreAgent(['query', 'ping', '--redis-url', redis.url, '--json'], env);
    const second = sreAgent(['query', 'ping again', '--redis-url', redis.url, '--json'], env);
    expect(first.status).toBe(0);
    expect(JSON.parse(second.stdout).instance_id).toBe(JSON.parse(first.stdout).instance_id);
  });

  it('fails start-up on a misconfigured variable, naming it', () => {
    const run = sreAgent(['query', 'x'], { ...testEnv(), SRE_TEMPORAL_PORT: 'abc' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/SRE_TEMPORAL_PORT: expected a TCP port/);
  });

  it('validates what the user gave before connecting to anything: a bad --redis-url or --instance exits 2 naming it', () => {
    // Temporal is unreachable here: a check after connecting would exit 4 instead.
    const env = { ...testEnv(), TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const url = sreAgent(['query', 'why is it slow?', '--agent', 'triage', '--redis-url', 'http://10.0.0.5:6379'], env);
    expect(url.status).toBe(2);
    expect(url.stderr).toMatch(/redis_url: .*redis:\/\//);
    const id = sreAgent(['query', 'why is it slow?', '--instance', 'inst_!!'], env);
    expect(id.status).toBe(2);
    expect(id.stderr).toMatch(/instance: must be an instance id like inst_/);
    const none = sreAgent(['query', 'why is it slow?', '--agent', 'triage'], env);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/triage agent needs an instance.*--instance or --redis-url/);
  });

  it('exits non-zero with a clear message when Temporal is unreachable', () => {
    const run = sreAgent(['query', 'x'], { ...testEnv(), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:1/);
  });
});

describe('sre-agent query without an instance', () => {
  it('runs the knowledge agent and cites a runbook', () => {
    const run = sreAgent(['query', 'what does maxmemory-policy noeviction do?'], testEnv());
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\[runbook: [a-z0-9-]+\]/);
    expect(run.stdout).toMatch(/noeviction/);
    expect(run.stdout).toMatch(/agent: knowledge/);
  });
});
