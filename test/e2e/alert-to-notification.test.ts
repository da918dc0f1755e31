import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signature } from '../../activities/notify/signed-webhook';
import { newApiKey, writeKeyFile } from '../../core/api-keys';
import { alertmanagerArgs, writeAlertmanagerConfig } from '../../stack/alertmanager-config';
import { addScrapeTarget, prometheusDir, writePrometheusConfig } from '../../stack/prometheus-config';
import { freePort, startDetached, stopPid, waitFor } from '../../stack/processes';
import { startApiUnderTest, waitForTask, type ApiUnderTest } from '../support/api';
import { startNotificationReceiver, type NotificationReceiver } from '../support/notification-receiver';
import { startRedis, type EphemeralRedis } from '../support/redis';
import { readStackEnv } from '../support/stack-env';

/**
 * The whole chain with real components on loopback: a Redis pushed over its maxmemory →
 * redis_exporter → Prometheus rule → Alertmanager → our webhook → a triage task → a signed
 * notification received by a local HTTP endpoint. Intervals are seconds, so it takes under a minute.
 */

const SECRET = 'e2e-signing-secret-0123456789';

async function ok(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

describe('Prometheus alert → Alertmanager → triage → signed notification', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-e2e-alerts-'));
  const pidFiles = { prometheus: path.join(dir, 'run', 'prometheus.pid'), alertmanager: path.join(dir, 'run', 'alertmanager.pid') };
  let receiver: NotificationReceiver;
  let target: EphemeralRedis;
  let api: ApiUnderTest;
  let operatorKey = '';
  let prometheusPort = 0;
  let alertmanagerPort = 0;

  beforeAll(async () => {
    receiver = await startNotificationReceiver();
    target = await startRedis();
    const operator = newApiKey('alertmanager', 'operator');
    operatorKey = operator.key;
    const viewer = newApiKey('e2e-viewer', 'admin');
    writeKeyFile(path.join(dir, 'keys.yaml'), [operator.entry, viewer.entry]);
    api = await startApiUnderTest({
      env: {
        SRE_API_KEYS_FILE: path.join(dir, 'keys.yaml'),
        SRE_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`,
        SRE_NOTIFY_WEBHOOK_SECRET: SECRET,
        SRE_NOTIFY_SOURCES: 'alert',
      },
    });
    const headers = { authorization: `Bearer ${viewer.key}` };
    const originalCall = api.call;
    api.call = (method, p, body, extra) => originalCall(method, p, body, { ...headers, ...extra });

    prometheusPort = await freePort();
    alertmanagerPort = await freePort();
    // Alertmanager: short group_wait, the key from a 0600 file, and a copy of each notification for the duplicate check.
    const amDir = path.join(dir, 'alertmanager');
    fs.mkdirSync(amDir, { recursive: true });
    fs.writeFileSync(path.join(amDir, 'key'), operatorKey, { mode: 0o600 });
    const amConfig = writeAlertmanagerConfig(amDir, {
      webhookUrl: `${api.url}/api/v1/alerts/alertmanager`,
      credentialsFile: path.join(amDir, 'key'),
      groupWait: '1s',
      groupInterval: '2s',
      repeatInterval: '1h',
      alsoTo: [`${receiver.url}/alertmanager-copy`],
    });
    startDetached('prometheus-alertmanager', alertmanagerArgs(amDir, amConfig, alertmanagerPort), {
      pidFile: pidFiles.alertmanager,
      logFile: path.join(dir, 'logs', 'alertmanager.log'),
    });
    // Prometheus: the stack's redis_exporter (multi-target /scrape), 1 s scrapes and evaluations, `for: 1s`.
    const exporter = `127.0.0.1:${readStackEnv().env.SRE_REDIS_EXPORTER_PORT}`;
    const promConfig = writePrometheusConfig(dir, exporter, { alertmanager: `127.0.0.1:${alertmanagerPort}`, interval: '1s', ruleFor: '1s' });
    addScrapeTarget(dir, 'e2e-target', `127.0.0.1:${target.port}`);
    startDetached(
      'prometheus',
      [`--config.file=${promConfig}`, `--storage.tsdb.path=${path.join(prometheusDir(dir), 'data')}`, `--web.listen-address=127.0.0.1:${prometheusPort}`],
      { pidFile: pidFiles.prometheus, logFile: path.join(dir, 'logs', 'prometheus.log') },
    );
    await waitFor('alertmanager', () => ok(`http://127.0.0.1:${alertmanagerPort}/-/ready`), 30_000, path.join(dir, 'logs', 'alertmanager.log'));
    await waitFor('prometheus', () => ok(`http://127.0.0.1:${prometheusPort}/-/ready`), 30_000, path.join(dir, 'logs', 'prometheus.log'));
  });

  afterAll(async () => {
    await stopPid(pidFiles.prometheus);
    await stopPid(pidFiles.alertmanager);
    await api?.stop();
    await target?.stop();
    await receiver?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('investigates the alert once, notifies with a signature that verifies, and a re-sent notification starts nothing', async () => {
    const addr = `127.0.0.1:${target.port}`;
    const created = await api.call('POST', '/api/v1/instances', {
      name: 'e2e-alerted',
      connection_url: target.url,
      environment: 'test',
      alert_matchers: { addr },
    });
    expect(created.status).toBe(201);
    const instanceId = created.body.id as string;

    // Over its maxmemory under noeviction: redis_memory_used_bytes / redis_memory_max_bytes far above 0.9.
    const client = target.client();
    await client.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await client.call('CONFIG', 'SET', 'maxmemory', '1');

    const [hook] = await receiver.waitFor(1, 120_000, '/hook');
    expect(hook.headers['x-sre-signature']).toBe(signature(SECRET, String(hook.headers['x-sre-timestamp']), hook.body));
    expect(hook.json).toMatchObject({
      source: 'alert',
      status: 'done',
      instance: { id: instanceId, name: 'e2e-alerted' },
      verdict: 'critical',
      alert: { names: expect.stringContaining('RedisMemoryNearLimit'), labels: expect.objectContaining({ addr, severity: 'warning' }) },
    });
    expect(hook.json.findings).toEqual(expect.arrayContaining([expect.objectContaining({ check_id: 'memory.maxmemory-saturation', severity: 'critical' })]));
    const taskId = hook.json.task_id as string;
    expect(taskId).toMatch(/^task_alert-[0-9a-f]{16}-inst_/);
    const task = await waitForTask(api, taskId);
    expect(task.message).toMatch(/^Alertmanager: .*RedisMemoryNearLimit \(warning\)/);
    expect(task.notifications).toEqual([expect.objectContaining({ channel: 'webhook', status: 'delivered' })]);

    // The very notification Alertmanager sent, once more: it joins the investigation.
    const copies = await receiver.waitFor(1, 10_000, '/alertmanager-copy');
    const memory = copies.find((c) =>
      c.json.alerts.some((a: { labels: Record<string, string> }) => a.labels.alertname === 'RedisMemoryNearLimit' && a.labels.addr === addr),
    )!;
    const again = await api.call('POST', '/api/v1/alerts/alertmanager', memory.body, {
      authorization: `Bearer ${operatorKey}`,
      'content-type': 'application/json',
    });
    expect(again.status).toBe(202);
    expect(again.body.tasks).toEqual([expect.objectContaining({ instance_id: instanceId, task_id: taskId, started: false })]);
    const triages = await api.agent.services.temporal.workflow.count(`SreInstanceId = '${instanceId}' AND WorkflowType = 'taskWorkflow'`);
    expect(triages.count).toBe(1);
    expect(receiver.received.filter((r) => r.path === '/hook')).toHaveLength(1);

    // What Alertmanager delivered is on record, with the task it started.
    const log = await api.call('GET', '/api/v1/alerts?limit=100');
    expect(log.body.notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ matched: [expect.objectContaining({ instanceId, taskId, outcome: 'started' })] })]),
    );
  });
});
