import { callTools, failWith, say, systemPrompt, toolResults, type ChatRequestBody, type ScriptedModel } from '../support/scripted-model';
import type { TestAgent } from '../support/agent';
import { startModelWorld, type ModelWorld } from '../support/model-world';

const TOPICS = [
  { title: 'Memory pressure', category: 'memory', severity: 'warning', rationale: 'check headroom', suggestedTools: ['redis_memory'] },
  { title: 'Slow commands', category: 'performance', severity: 'info', rationale: 'check the slow log' },
  { title: 'Client connections', category: 'connections', severity: 'info', rationale: 'check clients' },
];

/** Plans three topics; the third topic's research is rejected by the model endpoint (a permanent failure). */
function triageScript(req: ChatRequestBody) {
  const system = systemPrompt(req);
  if (system.startsWith('You plan a deep triage')) return say(JSON.stringify({ topics: TOPICS }));
  if (system.startsWith('You write the final report'))
    return say('# Triage\n\n## Summary\nMemory is fine; one topic could not be researched.\n\n## Findings\n- none');
  if (system.includes('"Client connections"')) return failWith(400, 'model refuses this topic');
  const tool = system.includes('"Memory pressure"') ? 'redis_memory' : 'redis_slowlog';
  return toolResults(req).length ? say(`Notes for ${tool}: nothing alarming.`) : callTools({ name: tool });
}

describe('deep triage with a model', () => {
  let world: ModelWorld;
  let model: ScriptedModel;
  let agent: TestAgent;

  beforeAll(async () => {
    world = await startModelWorld({ script: triageScript, latencyMs: 1000 });
    ({ model, agent } = world);
  });
  afterAll(async () => world.stop());

  it('researches topics in parallel child workflows and still reports when one topic fails', async () => {
    const instance = { id: world.instanceId };
    const view = await agent.run({ message: 'Do a deep triage of this instance', instance_id: instance.id }, { timeoutMs: 180_000 });

    expect(view.status).toBe('done');
    expect(view.agent).toBe('triage');

    const children = await Promise.all([1, 2, 3].map((i) => agent.services.temporal.workflow.getHandle(`${view.task_id}-topic-${i}`).describe()));
    expect(children.map((c) => c.status.name)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    // Overlap: every topic started before any of them closed.
    const lastStart = Math.max(...children.map((c) => c.startTime.getTime()));
    const firstClose = Math.min(...children.map((c) => c.closeTime!.getTime()));
    expect(lastStart).toBeLessThan(firstClose);

    const answer = view.result!.answer;
    expect(answer).toContain('## Summary');
    expect(answer).toMatch(/Research topics that failed[\s\S]*Client connections/);
    expect(view.result!.usage.calls).toBeGreaterThanOrEqual(6);

    const thread = await agent.services.stores.threads.get(view.thread_id);
    expect(thread.toolCalls.map((c) => c.topic).filter(Boolean)).toEqual(expect.arrayContaining(['Memory pressure', 'Slow commands']));
  });

  it('falls back to topics derived from the baseline when the plan is invalid twice', async () => {
    model.latencyMs = 0;
    model.setScript((req) => {
      const system = systemPrompt(req);
      if (system.startsWith('You plan a deep triage')) return say('{"topics": "not a list"}');
      if (system.startsWith('You write the final report')) return say('# Report\n\n## Summary\nok');
      return say('Notes: checked.');
    });
    const instance = { id: world.instanceId };
    const view = await agent.run({ message: 'deep dive please', instance_id: instance.id }, { timeoutMs: 120_000 });
    expect(view.status).toBe('done');
    const planCalls = model.chatRequests().filter((r) => systemPrompt(r.body).startsWith('You plan'));
    expect(planCalls.length).toBeGreaterThanOrEqual(2);
    const firstTopic = await agent.services.temporal.workflow.getHandle(`${view.task_id}-topic-1`).describe();
    expect(firstTopic.status.name).toBe('COMPLETED');
  });
});
