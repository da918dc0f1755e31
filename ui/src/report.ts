import { h, type Child } from './dom.js';
import { badge, time } from './format.js';
import { renderMarkdown } from './markdown.js';

/** The rendered report of a task: findings with evidence, commands with copy buttons, grounding flags, the Temporal history link. */

function copyButton(text: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy command: ${text}` }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      // Without clipboard access (plain HTTP on another host), select the text for Ctrl+C instead.
      const code = button.previousElementSibling;
      if (code) window.getSelection()?.selectAllChildren(code);
      button.textContent = 'Selected: press Ctrl+C';
    }
  });
  return button;
}

export function commandList(commands: string[]): HTMLElement | null {
  if (!commands?.length) return null;
  return h('ul', { class: 'commands', 'aria-label': 'Recommended commands' }, ...commands.map((c) => h('li', {}, h('code', {}, c), copyButton(c))));
}

export function evidenceTable(evidence: Array<{ source: string; signal: string; value: string | number }>): HTMLElement | null {
  if (!evidence?.length) return null;
  return h(
    'table',
    { class: 'evidence' },
    h('caption', {}, 'Evidence'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'Signal'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, ...evidence.map((e) => h('tr', {}, h('td', {}, e.source), h('td', {}, h('code', {}, e.signal)), h('td', {}, String(e.value))))),
  );
}

export function findingCard(f: any): HTMLElement {
  return h(
    'article',
    { class: `finding sev-${f.severity}`, 'aria-label': `${f.severity} finding: ${f.title}` },
    h('h4', {}, badge(f.severity), ' ', f.title),
    h('p', {}, f.detail),
    evidenceTable(f.evidence),
    f.recommendation ? h('p', {}, h('strong', {}, 'Recommendation: '), f.recommendation) : null,
    commandList(f.commands),
    f.runbook ? h('p', {}, 'Runbook: ', h('a', { href: `#/knowledge/${encodeURIComponent(f.runbook)}` }, f.runbook)) : null,
  );
}

export function renderReport(task: any): HTMLElement {
  const result = task.result;
  const findings: any[] = result?.findings ?? [];
  const flags: any[] = task.grounding?.flags ?? result?.grounding?.flags ?? [];
  const actions: any[] = task.actions ?? [];
  const body: Child[] = [
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, task.status),
      h('dt', {}, 'Agent'),
      h('dd', {}, `${task.agent ?? result?.agent ?? '—'}${task.mode ? ` (${task.mode})` : ''}`),
      h('dt', {}, 'Finished'),
      h('dd', {}, time(task.finished_at)),
      h('dt', {}, 'Tool calls'),
      h('dd', {}, String(task.tool_calls?.length ?? 0)),
    ),
    h(
      'p',
      { class: 'no-print' },
      h('a', { href: task.workflow_url, target: '_blank', rel: 'noopener noreferrer' }, 'Open the workflow history in the Temporal UI'),
      ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, 'Print report'),
    ),
  ];
  if (task.error) body.push(h('p', { class: 'notice error', role: 'alert' }, `Error: ${task.error}`));
  if (findings.length) {
    body.push(h('h3', {}, `Findings (${findings.length})`), ...findings.map(findingCard));
  } else if (result) body.push(h('p', {}, badge('healthy'), ' No findings.'));
  if (flags.length) {
    body.push(
      h('h3', {}, 'Grounding flags'),
      h('p', {}, 'These statements of the answer match no tool output of this task; check them before acting:'),
      h('ul', { class: 'flags' }, ...flags.map((f) => h('li', {}, badge('warning'), ' ', h('q', {}, f.claim), ` — ${f.reason}`))),
    );
  }
  if (actions.length) {
    body.push(
      h('h3', {}, 'Proposed actions'),
      h('ul', {}, ...actions.map((a) => h('li', {}, badge(a.risk), ` ${a.title} — ${a.state} `, h('a', { href: '#/approvals' }, 'review')))),
    );
  }
  if (result?.answer) body.push(h('h3', {}, 'Answer'), renderMarkdown(result.answer));
  return h('section', { class: 'card report', 'aria-labelledby': `report-${task.task_id}` }, h('h2', { id: `report-${task.task_id}` }, 'Report'), ...body);
}
