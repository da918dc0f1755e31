import { api, can } from '../api.js';
import { h, notice } from '../dom.js';
import { badge, time } from '../format.js';
import { findingCard } from '../report.js';
import { checkNow } from './fleet.js';
import { title, type Page } from './page.js';

/** One instance: details (secrets masked by the API), the latest check's findings with evidence, history, schedules, alert matchers. */

function facts(pairs: Array<[string, unknown]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v instanceof Node ? v : String(v ?? '—'))]));
}

export const instancePage: Page = async (main, [id]) => {
  const instance = await api('GET', `/instances/${encodeURIComponent(id)}`);
  title(main, `Instance ${instance.name}`);
  const [health, schedules] = await Promise.all([
    api('GET', `/instances/${encodeURIComponent(id)}/health?limit=50`).then((r) => r.entries as any[]),
    api('GET', '/schedules').then(
      (r) => (r.schedules as any[]).filter((s) => s.instance_id === id),
      () => [] as any[],
    ),
  ]);
  const check = h('button', { type: 'button', class: 'primary' }, 'Check now');
  check.addEventListener('click', async () => {
    const task = await checkNow(id);
    location.hash = `#/ask?task=${encodeURIComponent(task.task_id)}&thread=${encodeURIComponent(task.thread_id)}`;
  });
  if (can('operator')) main.append(h('p', {}, check, ' ', h('a', { href: `#/ask?instance=${encodeURIComponent(id)}` }, 'Ask about this instance')));
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'details-h' },
      h('h2', { id: 'details-h' }, 'Details'),
      facts([
        ['Connection URL', instance.connection_url],
        ['Password', instance.has_password ? '•••••• (stored encrypted)' : 'none'],
        ['Environment', instance.environment],
        ['Usage', instance.usage],
        ['Type', instance.instance_type],
        ['Description', instance.description || '—'],
        [
          'TLS',
          instance.has_tls_ca || instance.has_tls_client_cert
            ? `CA: ${instance.has_tls_ca ? 'stored' : 'none'}, client certificate: ${instance.has_tls_client_cert ? 'stored' : 'none'}`
            : 'not configured',
        ],
        ['Registered', time(instance.created_at)],
        ['Registered by', instance.created_by],
      ]),
    ),
  );
  const latest = health[0];
  const findings = h('section', { class: 'card', 'aria-labelledby': 'latest-h' }, h('h2', { id: 'latest-h' }, 'Latest check'));
  main.append(findings);
  if (!latest) findings.append(notice('Not checked yet.'));
  else {
    findings.append(
      h('p', {}, badge(latest.verdict), ' ', time(latest.at), ' · ', h('a', { href: `#/ask?task=${encodeURIComponent(latest.taskId)}` }, 'full report')),
    );
    const task = await api('GET', `/tasks/${encodeURIComponent(latest.taskId)}`).catch(() => undefined);
    const detailed: any[] = task?.result?.findings ?? [];
    if (detailed.length) findings.append(...detailed.map(findingCard));
    else if (latest.findings.length) findings.append(h('ul', {}, ...latest.findings.map((f: any) => h('li', {}, badge(f.severity), ' ', f.title))));
    else findings.append(h('p', {}, 'No findings.'));
  }
  main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, 'History of checks'),
      health.length
        ? h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...['When', 'Verdict', 'Findings', 'Report'].map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              ...health.map((e) =>
                h(
                  'tr',
                  {},
                  h('td', {}, time(e.at)),
                  h('td', {}, badge(e.verdict)),
                  h('td', {}, e.findings.map((f: any) => f.title).join('; ') || '—'),
                  h('td', {}, h('a', { href: `#/ask?task=${encodeURIComponent(e.taskId)}` }, 'open')),
                ),
              ),
            ),
          )
        : notice('No checks yet.'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'schedules-h' },
      h('h2', { id: 'schedules-h' }, 'Schedules'),
      schedules.length
        ? h(
            'ul',
            {},
            ...schedules.map((s) =>
              h('li', {}, `${s.name}: ${s.cron ? `cron ${s.cron}` : `every ${s.interval.every} ${s.interval.unit}`}, ${s.enabled ? 'active' : 'paused'}`),
            ),
          )
        : h('p', {}, 'No schedule checks this instance. ', h('a', { href: '#/schedules' }, 'Create one')),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'matchers-h' },
      h('h2', { id: 'matchers-h' }, 'Alert matchers'),
      instance.alert_matchers && Object.keys(instance.alert_matchers).length
        ? h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Label'), h('th', { scope: 'col' }, 'Value'))),
            h('tbody', {}, ...Object.entries(instance.alert_matchers).map(([k, v]) => h('tr', {}, h('td', {}, h('code', {}, k)), h('td', {}, String(v))))),
          )
        : h('p', {}, 'No Alertmanager labels route alerts to this instance.'),
    ),
  );
};
