import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';
import { startObservedAgent, type ObservedAgent } from '../support/observed-agent';

/** Every query of the agent's Grafana dashboard parses and returns series on the real Prometheus of the test stack. */
interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string }>;
}

const file = path.join(projectRoot(), 'stack', 'grafana', 'sre-agent-dashboard.json');
const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as { uid: string; panels: Panel[]; templating: { list: Array<{ name: string; type: string }> } };
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

describe('the Grafana dashboard of the agent', () => {
  let observed: ObservedAgent;

  beforeAll(async () => {
    observed = await startObservedAgent();
  });
  afterAll(async () => observed?.stop());

  it('is importable: a uid, a Prometheus data source variable every query panel uses', () => {
    expect(dashboard.uid).toBe('sre-agent');
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queryPanels.length).toBeGreaterThan(10);
    for (const p of queryPanels) expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(queries.length).toBeGreaterThanOrEqual(queryPanels.length);
  });

  it('has every query parse and return series after one task', async () => {
    expect(observed.task.status).toBe('done');
    const answers = await Promise.all(
      queries.map(async (q) => {
        // Grafana's own interval variable; one minute holds the two scrapes the fixture waited for.
        const reply = await observed.query(q.expr.replaceAll('$__rate_interval', '1m'));
        return { ...q, status: reply.status, error: reply.error, series: reply.data?.result.length ?? 0 };
      }),
    );
    expect(answers.filter((a) => a.status !== 'success' || a.series === 0)).toEqual([]);
  });
});
