import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatResult, runEval, type EvalReport } from '../../eval/runner';
import { portOpen } from '../../stack/processes';
import { startTestAgent, type TestAgent } from '../support/agent';
import { createJudge } from '../../eval/judge';
import { callTools, say, ScriptedModel, systemPrompt, toolResults } from '../support/scripted-model';

/** The offline diagnosis quality bar: every incident scenario passes through the real path. */
describe('incident scenarios, offline', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent();
  });
  afterAll(async () => agent.stop());

  const options = { offline: true, concurrency: 2, taskTimeoutMs: 180_000, servers: ['redis' as const] };

  it.each(['redis', 'valkey'] as const)(
    'diagnoses every scenario in test/scenarios that applies to %s',
    async (server) => {
      const report: EvalReport = await runEval(agent.services, [path.join(__dirname, '..', 'scenarios')], {
        ...options,
        servers: [server],
        onResult: (r) => process.stderr.write(`[eval] ${formatResult(r)}\n`),
      });
      const failures = report.results.filter((r) => r.status !== 'pass').map((r) => formatResult(r));
      expect(failures).toEqual([]);
      expect(report.passed).toBeGreaterThanOrEqual(11);
      expect(report.results.every((r) => r.server === server && r.toolCalls > 0 && r.mode === 'offline')).toBe(true);
    },
    900_000,
  );

  it('names the instance neutrally: never after the scenario id or title, which answers would echo', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-eval-names-'));
    fs.writeFileSync(
      path.join(dir, 'echo.yaml'),
      [
        'id: aof-rewrite-disabled',
        'title: AOF rewrite disabled on a busy primary',
        'query: Is anything wrong?',
        'agent: chat',
        'must_mention:',
        '  - ["aof-rewrite-disabled|AOF rewrite disabled"]',
      ].join('\n'),
    );
    const report = await runEval(agent.services, [dir], options);
    // The only way the answer could mention the id or title is by echoing the instance name.
    expect(report.results[0]).toMatchObject({ status: 'fail', failed: ['missing: aof-rewrite-disabled|AOF rewrite disabled'] });
    expect(report.results[0].answer).toMatch(/target-\d+-[a-z0-9]+/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a failing setup step as a setup error and leaves no process behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-eval-bad-'));
    const marker = path.join(dir, 'background.pid');
    fs.writeFileSync(
      path.join(dir, 'broken.yaml'),
      [
        'id: broken-setup',
        'title: setup fails',
        'setup:',
        `  - shell: echo $$ > ${marker}; echo $PORT >> ${marker}; exec sleep 600`,
        '    background: true',
        '  - shell: sleep 0.5; echo "disk on fire" >&2; exit 3',
        'query: anything wrong?',
        'must_mention: [["x"]]',
      ].join('\n'),
    );
    const report = await runEval(agent.services, [dir], options);
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(result.status).toBe('setup-error');
    expect(result.error).toMatch(/shell step failed \(exit 3\)[\s\S]*disk on fire/);
    const [pid, port] = fs.readFileSync(marker, 'utf8').trim().split('\n').map(Number);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await portOpen(port)).toBe(false);
    expect(report.failed).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file and field of malformed scenarios and still runs the others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-eval-malformed-'));
    fs.writeFileSync(path.join(dir, 'a-bad-yaml.yaml'), 'id: [unclosed\n');
    fs.writeFileSync(path.join(dir, 'b-no-query.yaml'), 'id: no-query\ntitle: missing the question\n');
    fs.writeFileSync(path.join(dir, 'c-bad-regex.yaml'), 'id: bad-regex\ntitle: t\nquery: q\nmust_mention:\n  - ["(unclosed"]\n');
    fs.writeFileSync(
      path.join(dir, 'd-good.yaml'),
      'id: fine\ntitle: a valid one\nquery: Is anything wrong?\nagent: chat\nmust_mention:\n  - ["Offline analysis"]\n',
    );
    const report = await runEval(agent.services, [dir], options);
    const byFile = Object.fromEntries(report.results.map((r) => [path.basename(r.file), r]));
    expect(byFile['a-bad-yaml.yaml']).toMatchObject({ status: 'invalid', error: expect.stringMatching(/a-bad-yaml\.yaml: invalid YAML/) });
    expect(byFile['b-no-query.yaml']).toMatchObject({ status: 'invalid', error: expect.stringMatching(/b-no-query\.yaml: query: required/) });
    expect(byFile['c-bad-regex.yaml']).toMatchObject({ status: 'invalid', error: expect.stringMatching(/must_mention\.0\.0: not a valid regular expression/) });
    expect(byFile['d-good.yaml']).toMatchObject({ status: 'pass' });
    expect([report.passed, report.failed]).toEqual([1, 3]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('incident scenarios with a model', () => {
  it('records model calls, tokens, tool calls and time per scenario, so runs can be compared', async () => {
    const model = new ScriptedModel((req) => {
      // The judge grades with the rubric it is given: here it finds every element but the fix.
      if (systemPrompt(req).startsWith('You grade'))
        return say(
          '```json\n' +
            JSON.stringify({
              elements: [
                { element: 'noeviction', present: true },
                { element: 'maxmemory', present: true },
                { element: 'OOM', present: true },
                { element: 'a fix', present: false },
              ],
              forbidden_present: [],
              reason: 'no fix given',
            }) +
            '\n```',
        );
      return toolResults(req).length
        ? say('The policy is noeviction and maxmemory is full: writes fail with OOM. Raise maxmemory.')
        : callTools({ name: 'redis_info', arguments: { section: 'memory' } });
    });
    const agent = await startTestAgent({ modelBaseURL: await model.start() });
    try {
      const report = await runEval(agent.services, [path.join(__dirname, '..', 'scenarios', '01-oom-noeviction.yaml')], {
        offline: false,
        agent: 'chat',
        concurrency: 1,
        taskTimeoutMs: 120_000,
        judge: createJudge(agent.config.model!),
      });
      expect(report.mode).toBe('model');
      expect(report.model).toBe('scripted-main');
      const [result] = report.results;
      expect(result).toMatchObject({ id: 'oom-noeviction', status: 'pass', mode: 'model', modelCalls: 2 });
      // Evidence first: the playbook's calls, then the model's one.
      expect(result.toolCalls).toBeGreaterThan(1);
      expect(result.toolsCalled).toContain('redis_info');
      expect(result.tokens).toBe(result.promptTokens! + result.completionTokens!);
      expect(result.tokens).toBeGreaterThan(0);
      expect(result.grounding).toMatchObject({ unsupported: 0 });
      // The judge's verdict sits beside the regex result, which it does not change.
      expect(result.judge).toMatchObject({ verdict: 'fail', missing: ['missing: a fix'], model: 'scripted-main' });
      expect(report.summary).toContainEqual(expect.objectContaining({ id: 'oom-noeviction', server: 'redis', runs: 1, passAt1: 1, passAll: true }));
      expect(result.seconds).toBeGreaterThan(0);
    } finally {
      await agent.stop();
      await model.stop();
    }
  });
});
