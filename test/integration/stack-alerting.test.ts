import { loadConfig } from '../../core/config';
import { AGENT_ALERT_NAMES } from '../../stack/agent-alert-rules';
import { ALERT_NAMES } from '../../stack/alert-rules';
import { stackStatus } from '../../stack/stack';
import { testEnv } from '../support/agent';

/** The local stack (started by the global setup through stack up) runs Alertmanager, and its Prometheus loads our rules and sends to it. */
describe('the local stack alerts', () => {
  const config = loadConfig(testEnv());

  it('reports Alertmanager in stack status, healthy, on loopback', async () => {
    const status = await stackStatus(config);
    expect(status.map((c) => c.name)).toEqual(expect.arrayContaining(['prometheus', 'alertmanager']));
    const alertmanager = status.find((c) => c.name === 'alertmanager')!;
    expect(alertmanager).toMatchObject({ healthy: true, managed: true });
    expect(alertmanager.address).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${config.stack.alertmanagerPort} \\(to http://127\\.0\\.0\\.1:\\d+/api/v1/alerts/alertmanager\\)$`),
    );
  });

  it("has Prometheus load every Redis and agent rule and discover the stack's Alertmanager", async () => {
    const rules = (await (await fetch(`${config.prometheusUrl}/api/v1/rules?type=alert`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string }> }> };
    };
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name)).sort()).toEqual([...ALERT_NAMES, ...AGENT_ALERT_NAMES].sort());
    const deadline = Date.now() + 20_000;
    let active: Array<{ url: string }> = [];
    while (active.length === 0 && Date.now() < deadline) {
      const reply = (await (await fetch(`${config.prometheusUrl}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: Array<{ url: string }> } };
      active = reply.data.activeAlertmanagers;
      if (active.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(active.map((a) => a.url)).toEqual([`http://127.0.0.1:${config.stack.alertmanagerPort}/api/v2/alerts`]);
  });
});
