import { bySeverity } from '../../core/severity';
import type { Config } from '../../core/config';
import type { HealthChange } from '../../core/health-history';
import { verdictOf, type Verdict } from '../../core/health-history';
import type { TaskRecord } from '../../core/task-records';
import type { Finding, Severity } from '../../core/types';

/** What a notification says, whatever the channel: the same facts in Slack blocks or signed JSON. */

export interface NotificationContent {
  event: 'task.finished';
  task_id: string;
  thread_id: string;
  status: string;
  agent?: string;
  source: string;
  instance?: { id: string; name: string };
  verdict: Verdict;
  /** The answer's opening, for people who read no further. */
  summary: string;
  /** The most severe findings first, at most five. */
  findings: Array<{ check_id: string; severity: Severity; title: string }>;
  findings_total: number;
  change?: { new: Array<{ check_id: string; severity: Severity; title: string }>; resolved: Array<{ check_id: string; severity: Severity; title: string }> };
  alert?: { names?: string; starts_at?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generator_url?: string };
  error?: string;
  links: { task: string; thread: string; temporal: string };
}

const parseRecord = (text: string | undefined): Record<string, string> | undefined => {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return undefined;
  }
};

function summaryOf(answer: string | undefined, error: string | undefined): string {
  if (!answer) return error ? `The task failed: ${error}` : '';
  const paragraph =
    answer
      .split(/\n\s*\n/)
      .map((p) => p.replace(/^#+\s.*$/gm, '').trim())
      .find(Boolean) ?? '';
  return paragraph.length > 500 ? `${paragraph.slice(0, 497)}...` : paragraph;
}

const brief = (f: { checkId: string; severity: Severity; title: string }) => ({ check_id: f.checkId, severity: f.severity, title: f.title });

export function notificationContent(
  config: Config,
  record: TaskRecord,
  instance: { id: string; name: string } | undefined,
  extra: { change?: HealthChange; alert?: Record<string, string> },
): NotificationContent {
  const findings: Finding[] = [...(record.result?.findings ?? [])].sort(bySeverity);
  const alert = extra.alert?.alert_source === 'alertmanager' ? extra.alert : undefined;
  const base = config.publicUrl;
  return {
    event: 'task.finished',
    task_id: record.taskId,
    thread_id: record.threadId,
    status: record.status ?? 'done',
    ...(record.result?.agent ? { agent: record.result.agent } : {}),
    source: record.source,
    ...(instance ? { instance } : {}),
    verdict: verdictOf(findings),
    summary: summaryOf(record.result?.answer, record.error),
    findings: findings.slice(0, 5).map(brief),
    findings_total: findings.length,
    ...(extra.change && !extra.change.first ? { change: { new: extra.change.new.map(brief), resolved: extra.change.resolved.map(brief) } } : {}),
    ...(alert
      ? {
          alert: {
            names: alert.alert_names,
            starts_at: alert.alert_starts_at,
            labels: parseRecord(alert.alert_labels),
            annotations: parseRecord(alert.alert_annotations),
            generator_url: alert.alert_generator_url,
          },
        }
      : {}),
    ...(record.error ? { error: record.error } : {}),
    links: {
      task: `${base}/api/v1/tasks/${encodeURIComponent(record.taskId)}`,
      thread: `${base}/api/v1/threads/${encodeURIComponent(record.threadId)}`,
      temporal: `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(record.taskId)}`,
    },
  };
}
