import type { NotificationContent } from './content';

/**
 * A Slack incoming-webhook message (https://api.slack.com/messaging/webhooks): `text` for the
 * notification itself, Block Kit blocks for the message (instance, verdict, top findings with
 * severity, the alert that triggered the task, links to the thread and the Temporal UI).
 */

const ICON = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:', healthy: ':large_green_circle:' } as const;

/** Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

export function slackMessage(content: NotificationContent): Record<string, unknown> {
  const where = content.instance ? content.instance.name : 'no instance';
  const headline = `${ICON[content.verdict]} ${content.verdict.toUpperCase()}: ${where}${content.status !== 'done' ? ` (task ${content.status})` : ''}`;
  const fields = [
    { type: 'mrkdwn', text: `*Instance*\n${esc(content.instance ? `${content.instance.name} (${content.instance.id})` : 'none')}` },
    { type: 'mrkdwn', text: `*Verdict*\n${content.verdict}` },
    ...(content.alert
      ? [{ type: 'mrkdwn', text: `*Alert*\n${esc(cut(`${content.alert.names ?? 'alert'} since ${content.alert.starts_at ?? '?'}`, 200))}` }]
      : []),
    { type: 'mrkdwn', text: `*Source*\n${content.source}` },
  ];
  const findings = content.findings.length
    ? content.findings.map((f) => `${ICON[f.severity]} *${f.severity}* ${esc(cut(f.title, 200))} \`${f.check_id}\``).join('\n')
    : 'No findings.';
  const change = content.change
    ? [
        ...content.change.new.map((f) => `New: *${f.severity}* ${esc(cut(f.title, 150))}`),
        ...content.change.resolved.map((f) => `Resolved: ${esc(cut(f.title, 150))}`),
      ].join('\n')
    : '';
  return {
    text: cut(headline, 150),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(headline, 150), emoji: true } },
      { type: 'section', fields },
      ...(content.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: esc(cut(content.summary, 2900)) } }] : []),
      {
        type: 'section',
        text: { type: 'mrkdwn', text: cut(`*Top findings* (${content.findings_total})\n${findings}`, 2900) },
      },
      ...(change ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(`*Since the previous check*\n${change}`, 2900) } }] : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `<${content.links.thread}|Thread> · <${content.links.task}|Task> · <${content.links.temporal}|Temporal UI>` }],
      },
    ],
  };
}
