import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';
import { signedHeaders } from '../../activities/notify/signed-webhook';
import { ConfigError } from '../../core/errors';
import { compareHealth, healthEntry } from '../../core/health-history';
import { loadNotificationSettings, routeTask, scheduleIdOf } from '../../core/notifications/config';
import type { Finding } from '../../core/types';

/** Which channels a finished task goes to, what counts as a change, and the signature receivers verify. */
describe('notification routing and signatures', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sre-notify-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (yaml: string) => {
    const f = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(f, yaml);
    return f;
  };

  it('routes by source, instance and schedule; always wins over on-change for a channel named twice', () => {
    const settings = loadNotificationSettings({
      SRE_CONFIG_FILE: file(`notifications:
  channels:
    a: { type: slack, url: "http://127.0.0.1:1/services/x" }
    b: { type: webhook, url: "http://127.0.0.1:1/hook", secret: "\${HOOK_SECRET}" }
  routes:
    - { sources: [alert], channels: [a, b], policy: on-change }
    - { sources: [schedule], schedules: [sched_nightly1], channels: [a] }
    - { sources: [alert], instances: [inst_cacheprod1], channels: [b] }
`),
      HOOK_SECRET: 'sixteen-characters-at-least',
    });
    expect(settings.channels.b).toEqual({ name: 'b', type: 'webhook', url: 'http://127.0.0.1:1/hook', secret: 'sixteen-characters-at-least' });
    expect(routeTask(settings, { taskId: 'task_alert-x', source: 'alert', instanceId: 'inst_other00' })).toEqual([
      { channel: 'a', policy: 'on-change' },
      { channel: 'b', policy: 'on-change' },
    ]);
    expect(routeTask(settings, { taskId: 'task_alert-x', source: 'alert', instanceId: 'inst_cacheprod1' })).toEqual([
      { channel: 'a', policy: 'on-change' },
      { channel: 'b', policy: 'always' },
    ]);
    expect(scheduleIdOf('task_schednightly1-2026-12-01T00:00:00Z')).toBe('sched_nightly1');
    expect(routeTask(settings, { taskId: 'task_schednightly1-2026-12-01T00:00:00Z', source: 'schedule' })).toEqual([{ channel: 'a', policy: 'always' }]);
    expect(routeTask(settings, { taskId: 'task_schedother11-2026-12-01T00:00:00Z', source: 'schedule' })).toEqual([]);
    expect(routeTask(settings, { taskId: 'task_abcdefgh', source: 'api' })).toEqual([]);
  });

  it('names the variable or field of a bad configuration', () => {
    const problems = (env: NodeJS.ProcessEnv) => {
      try {
        loadNotificationSettings(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ SRE_NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:1/hook' })).toEqual([expect.stringMatching(/^SRE_NOTIFY_WEBHOOK_SECRET: a signing secret/)]);
    expect(problems({ SRE_NOTIFY_SLACK_URL: 'ftp://x', SRE_NOTIFY_SOURCES: 'alert,pager' })).toEqual([
      'SRE_NOTIFY_SLACK_URL: expected an http:// or https:// URL',
      expect.stringMatching(/^SRE_NOTIFY_SOURCES: unknown source\(s\) pager/),
    ]);
    const f = file(
      'notifications:\n  channels:\n    a: { type: webhook, url: "http://127.0.0.1:1/h", secret: "${UNSET_SECRET_VAR}" }\n  routes:\n    - { channels: [zz] }\n',
    );
    expect(problems({ SRE_CONFIG_FILE: f })).toEqual([
      `SRE_CONFIG_FILE: ${f}: notifications: environment variable UNSET_SECRET_VAR is not set`,
      `SRE_CONFIG_FILE: ${f}: notifications.channels.a.secret: a signing secret of at least 16 characters`,
    ]);
    const g = file('notifications:\n  channels:\n    a: { type: slack, url: "http://127.0.0.1:1/s" }\n  routes:\n    - { channels: [zz] }\n');
    expect(problems({ SRE_CONFIG_FILE: g })).toEqual([`SRE_CONFIG_FILE: ${g}: notifications.routes.0.channels: no channel named 'zz'`]);
  });

  it('counts a finding as new when its check or severity is new, and as resolved when it is gone', () => {
    const f = (checkId: string, severity: Finding['severity']) => ({ checkId, severity, title: checkId }) as Finding;
    const before = healthEntry('task_one0000', [f('memory.saturation', 'warning'), f('security.auth', 'warning')]);
    const same = healthEntry('task_two0000', [f('security.auth', 'warning'), f('memory.saturation', 'warning')]);
    expect(compareHealth(before, same)).toEqual({ new: [], resolved: [], first: false });
    const worse = healthEntry('task_three00', [f('memory.saturation', 'critical')]);
    expect(worse.verdict).toBe('critical');
    expect(compareHealth(before, worse)).toEqual({
      new: [{ checkId: 'memory.saturation', severity: 'critical', title: 'memory.saturation' }],
      resolved: [
        { checkId: 'memory.saturation', severity: 'warning', title: 'memory.saturation' },
        { checkId: 'security.auth', severity: 'warning', title: 'security.auth' },
      ],
      first: false,
    });
    expect(compareHealth(undefined, same).first).toBe(true);
  });

  it('signs <timestamp>.<body> with HMAC-SHA256 in the documented headers', () => {
    const body = '{"event":"task.finished"}';
    const headers = signedHeaders('sixteen-characters-at-least', body, 1_764_600_000_000);
    expect(headers['x-sre-timestamp']).toBe('1764600000');
    expect(headers['x-sre-signature']).toBe(`sha256=${createHmac('sha256', 'sixteen-characters-at-least').update(`1764600000.${body}`).digest('hex')}`);
  });
});
