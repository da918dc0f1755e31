import type Redis from 'ioredis';
import { startTestAgent, type TestAgent } from '../support/agent';
import { saveHistory } from '../support/history';
import { startModelWorld, type ModelWorld } from '../support/model-world';
import { fillToOom } from '../support/oom';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { lastUser, say, systemPrompt, type ChatRequestBody } from '../support/scripted-model';

/**
 * Questions that name their targets in words, asked without an instance: resolved from the
 * registry (an app Redis of this file's own, so that no other test's instances match) and, for
 * several, answered side by side from one task per instance.
 */
describe('questions that name their targets', () => {
  let appRedis: EphemeralRedis;
  let agent: TestAgent;
  const servers: EphemeralRedis[] = [];
  let oomClient: Redis;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    appRedis = await startRedis();
    agent = await startTestAgent({ env: { SRE_APP_REDIS_URL: appRedis.url } });
    servers.push(await startRedis(), await startRedis(), await startRedis());
    oomClient = servers[0].client();
    await fillToOom(oomClient);
    const register = async (name: string, i: number, environment: 'production' | 'staging', usage: 'cache' | 'session') =>
      (ids[name] = (await agent.services.stores.instances.create({ name, connection_url: servers[i].url, environment, usage })).id);
    await register('cache-prod', 0, 'production', 'cache');
    await register('cache-staging', 1, 'staging', 'cache');
    await register('sessions-prod', 2, 'production', 'session');
  });
  afterAll(async () => {
    oomClient.disconnect();
    await agent.stop();
    for (const s of [...servers, appRedis]) await s.stop();
  });

  it('"compare cache-prod and cache-staging": one task per instance in parallel, then the two side by side', async () => {
    const view = await agent.run({ message: 'compare cache-prod and cache-staging', agent: 'auto' }, { forceOffline: true, timeoutMs: 240_000 });
    expect(view.status).toBe('done');
    const answer = view.result!.answer;
    expect(answer).toContain('the question names cache-prod, cache-staging');
    expect(answer).toMatch(/\| cache-prod \| CRITICAL \| [^|]*(OOM|maxmemory)[^|]* \|/);
    expect(answer).toMatch(/\| cache-staging \| (WARNING|HEALTHY) \|/);
    // The OOM is cache-prod's alone: it is what differs.
    expect(answer).toMatch(/## What differs\n\n(- .*\n)*- critical: [^\n]*\(check `memory\.maxmemory-write-errors`\) — cache-prod\n/);
    expect(answer).not.toContain('sessions-prod');

    // Each instance was asked as its own task, a child of this one, started before either finished.
    const history = await agent.history(view.task_id);
    const started = history.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    expect(started.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId).sort()).toEqual(
      [`${view.task_id}-on-${ids['cache-prod']}`, `${view.task_id}-on-${ids['cache-staging']}`].sort(),
    );
    const firstDone = history.findIndex((e) => e.childWorkflowExecutionCompletedEventAttributes);
    expect(history.findIndex((e) => e === started[1])).toBeLessThan(firstDone);
    for (const name of ['cache-prod', 'cache-staging']) {
      const child = await agent.services.tasks.get(`${view.task_id}-on-${ids[name]}`);
      expect(child).toMatchObject({ status: 'done', instance_id: ids[name] });
      expect(answer).toContain(child.task_id);
    }
    // RECORD_HISTORIES=1: the replay test's history of a task answered for several instances.
    if (process.env.RECORD_HISTORIES) saveHistory(agent.config.temporal.address, view.task_id, 'taskWorkflow.several-targets', { overwrite: true });
  });

  it('"check all production caches": the registry\'s production caches only', async () => {
    const view = await agent.run({ message: 'check all production caches', agent: 'auto' }, { forceOffline: true, timeoutMs: 240_000 });
    expect(view.status).toBe('done');
    const answer = view.result!.answer;
    expect(answer).toContain('the question asks about production, cache: 1 registered instance(s)');
    expect(answer).toMatch(/\| cache-prod \| CRITICAL \|/);
    expect(answer).not.toMatch(/cache-staging|sessions-prod/);
  });

  it('one name attaches that instance: the task, its thread and the follow-up are about it', async () => {
    const view = await agent.run({ message: 'Why are writes failing on cache-prod?', agent: 'auto' }, { forceOffline: true });
    expect(view.status).toBe('done');
    expect(view.instance_id).toBe(ids['cache-prod']);
    expect(view.result!.answer).toMatch(/noeviction/);
    expect(view.result!.answer).toMatch(/\bOOM\b/);
    const thread = await agent.services.threads.get(view.thread_id);
    expect(thread.instanceId).toBe(ids['cache-prod']);
    const followUp = await agent.services.tasks.followUp(
      view.thread_id,
      { message: 'and how many clients are connected?' },
      { source: 'test', forceOffline: true },
    );
    expect((await agent.services.tasks.wait(followUp.task_id, 120_000)).instance_id).toBe(ids['cache-prod']);
  });

  it('a general question names no instance: it is answered from the knowledge base', async () => {
    const view = await agent.run({ message: 'What is the best eviction policy for all caches?', agent: 'auto' }, { forceOffline: true });
    expect(view.status).toBe('done');
    expect(view.agent).toBe('knowledge');
    expect(view.instance_id).toBeUndefined();
  });
});

describe('questions that name their targets, read by a model', () => {
  let world: ModelWorld;
  let appRedis: EphemeralRedis;
  let stagingId: string;

  beforeAll(async () => {
    appRedis = await startRedis();
    world = await startModelWorld({ env: { SRE_APP_REDIS_URL: appRedis.url } });
    stagingId = (
      await world.agent.services.stores.instances.create({ name: 'cache-staging', connection_url: world.redis.url, environment: 'staging', usage: 'cache' })
    ).id;
  });
  afterAll(async () => {
    await world.stop();
    await appRedis.stop();
  });

  const resolving = (body: ChatRequestBody) => /^Which of these registered Redis instances/.test(systemPrompt(body));

  it('"how is the staging cache doing?" names no instance in so many words; the model picks the registered one', async () => {
    world.model.setScript((req) =>
      resolving(req) ? say('{"instances": ["cache-staging"]}') : say('The staging cache is fine: used_memory is low (redis_info).'),
    );
    const view = await world.agent.run({ message: 'how is the staging cache doing?', agent: 'auto' });
    expect(view.status).toBe('done');
    expect(view.instance_id).toBe(stagingId);
    const asked = world.model.chatRequests().find((r) => resolving(r.body as ChatRequestBody))!;
    // The model saw the registry and the question, nothing else (no secret, no URL).
    expect(systemPrompt(asked.body as ChatRequestBody)).toContain('- cache-staging | staging | cache | ');
    expect(systemPrompt(asked.body as ChatRequestBody)).not.toMatch(/redis:\/\//);
    expect(lastUser(asked.body as ChatRequestBody)).toBe('how is the staging cache doing?');
  });

  it('a reply naming an instance that is not registered is not used: the words decide', async () => {
    world.model.setScript((req) => (resolving(req) ? say('{"instances": ["cache-invented"]}') : say('Nothing to add.')));
    const view = await world.agent.run({ message: 'is cache-staging ok?', agent: 'auto' });
    expect(view.status).toBe('done');
    expect(view.instance_id).toBe(stagingId);
  });
});
