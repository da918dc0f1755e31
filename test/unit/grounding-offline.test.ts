import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkGrounding } from '../../activities/grounding/check';
import type { BaselineInput } from '../../activities/rules/baseline';
import { runChecks } from '../../activities/rules/engine';
import { renderOffline } from '../../activities/rules/report';
import { BUILTIN_TOOLS } from '../../activities/tools/registry';
import type { EvidenceEntry } from '../../core/evidence';
import { loadScenarioFile } from '../../eval/scenario';

/**
 * The grounding check must not cry wolf: the offline answers are built from the tool outputs by
 * construction, so over every captured incident (both servers) every concrete claim they make
 * must be found in those outputs. A check that flags these would bury a real invention in noise.
 */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'baselines');
const SCENARIOS = path.join(__dirname, '..', 'scenarios');
const questions = new Map(
  fs
    .readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => loadScenarioFile(path.join(SCENARIOS, f)))
    .flatMap((s) => (s.ok ? [[s.scenario.id, s.scenario.query] as const] : [])),
);
const tools = BUILTIN_TOOLS.map((t) => t.name);
const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

describe('grounding check over the offline answers of every captured incident', () => {
  it.each(fixtures)('%s: every claim of the chat and triage answers is found in the tool outputs', (file) => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as { id: string; baseline: BaselineInput };
    const evidence: EvidenceEntry[] = Object.entries(fixture.baseline).map(([tool, e], i) =>
      e.ok ? { callId: `call-${i}`, tool, data: e.output.data } : { callId: `call-${i}`, tool, error: e.error },
    );
    const { digest } = runChecks(fixture.baseline);
    const question = questions.get(fixture.id) ?? 'How is this Redis doing?';
    const flagged = (['chat', 'triage'] as const).flatMap((agent) =>
      checkGrounding(renderOffline(agent, digest, question, 'cache-a (127.0.0.1:6379)').markdown, evidence, tools, { derived: digest }).unsupported.map(
        (f) => `${agent}: ${f.claim} => ${f.reason}`,
      ),
    );
    expect(flagged).toEqual([]);
  });
});
