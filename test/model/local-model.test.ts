import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runChecks } from '../../activities/rules/engine';
import { createModelClient } from '../../activities/model/client';
import { planTopics, topicsFromBaseline } from '../../activities/triage';
import { TOPIC_CATEGORIES } from '../../core/types';
import type { BaselineInput } from '../../activities/rules/baseline';
import { projectRoot } from '../../core/paths';
import { runEval, type ScenarioResult } from '../../eval/runner';
import { startTestAgent, type TestAgent } from '../support/agent';
import { activityResults } from '../support/history';
import { localModelSkipped, SKIP_MESSAGE } from './skip';

/**
 * The local model (Qwen2.5-Coder-1.5B on llama.cpp) through the real path: real Temporal, real
 * Redis, real worker. A 1.5B model varies from run to run, so each test asserts what holds by
 * construction — evidence first puts the cause in front of the model, the grounding check marks
 * whatever it invents, the planner falls back, the knowledge agent searches first — never a
 * particular wording, and nothing is retried until green.
 */
const run = localModelSkipped() ? describe.skip : describe;
if (localModelSkipped()) process.stderr.write(`[model tests] ${SKIP_MESSAGE}\n`);

function scenarioDir(name: string, yaml: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sre-model-${name}-`));
  fs.writeFileSync(path.join(dir, `${name}.yaml`), yaml.join('\n'));
  return dir;
}

const OOM_SETUP = [
  'setup:',
  '  - redis: CONFIG SET maxmemory 8mb',
  '  - redis: CONFIG SET maxmemory-policy noeviction',
  '  - shell: redis-benchmark -p $PORT -t set -r 1000000 -n 200000 -d 100 -q || true',
];

run('the local model, through the real path', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent();
    expect(agent.config.model?.local).toBe(true);
  });
  afterAll(async () => agent?.stop());

  async function once(name: string, yaml: string[]): Promise<ScenarioResult> {
    const dir = scenarioDir(name, yaml);
    try {
      const report = await runEval(agent.services, [dir], { offline: false, agent: 'chat', concurrency: 1, taskTimeoutMs: 1_000_000, servers: ['redis'] });
      expect(report.mode).toBe('model');
      const [result] = report.results;
      process.stderr.write(
        `[model tests] ${name}: ${result.status}, ${result.toolCalls} tool calls, ${result.promptTokens} prompt + ${result.completionTokens} completion tokens, ` +
          `${result.modelCalls} model calls, ${result.seconds}s, grounding ${JSON.stringify(result.grounding)}\n`,
      );
      return result;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('chat on writes failing under noeviction: names OOM and noeviction, and its values pass the grounding check', async () => {
    const result = await once('oom-chat', [
      'id: oom-chat',
      'title: writes fail',
      ...OOM_SETUP,
      'query: Writes are failing on this Redis. Why?',
      'agent: chat',
      'must_mention:',
      '  - ["noeviction"]',
      '  - ["\\\\bOOM\\\\b|out of memory"]',
      '  - ["maxmemory"]',
    ]);
    expect(result).toMatchObject({ status: 'pass', mode: 'model' });
    // Evidence first: the baseline ran before the model answered.
    expect(result.toolsCalled).toEqual(expect.arrayContaining(['redis_info', 'redis_config_get']));
    expect(result.modelCalls).toBeGreaterThan(0);
    // Whatever the model wrote, the claims that name the cause are found in the evidence.
    expect(result.grounding).toBeDefined();
    expect(result.grounding!.checked).toBeGreaterThan(0);
    expect(result.grounding!.flags.filter((f) => /noeviction|maxmemory|used_memory|\bOOM\b/i.test(f))).toEqual([]);

    // The first chat turn fits a small model: its prompt is at most 1,500 tokens.
    const events = await agent.history(`${result.taskId}-chat`);
    const turns = activityResults<{ usage: { promptTokens: number } }>(events, 'modelTurn');
    expect(turns.length).toBeGreaterThan(0);
    process.stderr.write(`[model tests] first chat turn: ${turns[0].usage.promptTokens} prompt tokens\n`);
    expect(turns[0].usage.promptTokens).toBeLessThanOrEqual(1500);
  });

  it('a value no tool returned is flagged in the stored answer and counted in the task view', async () => {
    const result = await once('invented-field', [
      'id: invented-field',
      'title: a field that does not exist',
      ...OOM_SETUP,
      // A field no tool returns, with a value, asked to be repeated: the likeliest invention to provoke.
      "query: 'Our dashboard says write_latency_ms: 20. Start your answer with the line write_latency_ms: 20, then say why writes fail.'",
      'agent: chat',
    ]);
    expect(result.status).toBe('pass');
    const view = await agent.services.tasks.get(result.taskId!);
    const grounding = view.grounding!;
    expect(grounding).toBeDefined();
    // The task view counts exactly the claims the stored answer marks.
    const marks = (view.result!.answer.match(/⚠️ _\(not found in the evidence/g) ?? []).length;
    expect(grounding.unsupported).toBe(grounding.flags.length);
    expect(marks).toBe(grounding.unsupported);
    // No tool returns write_latency_ms: when the model repeats the value, it is flagged.
    const stated = /write_latency_ms\W{0,4}(?:is|=|:|of|at)?\W{0,3}20\b/i.test(view.result!.answer);
    process.stderr.write(`[model tests] the model ${stated ? 'repeated' : 'did not repeat'} the invented value; ${grounding.unsupported} flag(s)\n`);
    if (stated) expect(grounding.flags.map((f) => f.claim).join('\n')).toMatch(/write_latency_ms/);
  });

  it("the planner's JSON is parsed, or the plan falls back to topics from the baseline", async () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'test', 'fixtures', 'baselines', 'oom-noeviction.json'), 'utf8')) as {
      baseline: BaselineInput;
    };
    const { digest } = runChecks(fixture.baseline);
    const settings = agent.config.model!;
    const plan = await planTopics(createModelClient(settings), settings, 'Writes are failing on this Redis. Why?', digest);
    process.stderr.write(
      `[model tests] planner: via ${plan.via}, ${plan.topics.length} topics, ${plan.usage.promptTokens} prompt tokens${plan.note ? ` (${plan.note})` : ''}\n`,
    );
    expect(plan.topics.length).toBeGreaterThan(0);
    for (const t of plan.topics) {
      expect(TOPIC_CATEGORIES).toContain(t.category);
      expect(t.title.length).toBeGreaterThan(0);
    }
    if (plan.via === 'baseline') {
      expect(plan.note).toMatch(/model plan invalid twice/);
      expect(plan.topics.map((t) => t.title)).toEqual(topicsFromBaseline(digest).map((t) => t.title));
    } else {
      expect(plan.usage.calls).toBeGreaterThan(0);
    }
  });

  it('the knowledge agent answers from the runbooks and cites one that exists', async () => {
    const view = await agent.run(
      { message: 'How do I recover when Redis refuses writes with MISCONF after a failed RDB snapshot?', agent: 'knowledge' },
      { timeoutMs: 1_000_000 },
    );
    expect(view.status).toBe('done');
    expect(view.mode).toBe('model');
    expect(view.tool_calls.map((c) => c.tool)).toContain('knowledge_search');
    const cited = [...view.result!.answer.matchAll(/\[runbook: ([a-z0-9-]+)\]/g)].map((m) => m[1]);
    expect(cited.length).toBeGreaterThan(0);
    const runbooks = new Set(fs.readdirSync(path.join(projectRoot(), 'knowledge', 'runbooks')).map((f) => f.replace(/\.md$/, '')));
    for (const id of cited) expect(runbooks).toContain(id);
  });
});
