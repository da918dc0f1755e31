import { api, ApiError, can } from '../api.js';
import { field, h, notice } from '../dom.js';
import { badge, time } from '../format.js';
import { commandList } from '../report.js';
import { title, type Page } from './page.js';

/** Approvals: proposed remediation actions with risk, precondition and rollback; approvers decide with a comment. */

function decide(approval: any, onDone: () => void): HTMLElement {
  const comment = h('textarea', { name: 'comment', rows: 2, maxlength: 2000 });
  const status = h('div');
  const act = (verb: 'approve' | 'reject') => async () => {
    try {
      await api('POST', `/approvals/${encodeURIComponent(approval.id)}/${verb}`, { comment: comment.value });
      onDone();
    } catch (err) {
      status.replaceChildren(notice((err as Error).message, 'error'));
    }
  };
  return h(
    'div',
    { class: 'decide', role: 'group', 'aria-label': `Decide on ${approval.title}` },
    field('Comment', comment),
    h('button', { type: 'button', class: 'primary', onclick: act('approve') }, 'Approve'),
    ' ',
    h('button', { type: 'button', class: 'danger', onclick: act('reject') }, 'Reject'),
    status,
  );
}

function approvalCard(a: any, onDone: () => void): HTMLElement {
  const verification = a.result?.verification;
  return h(
    'article',
    { class: 'card approval', 'data-approval': a.id, 'data-state': a.state, 'aria-label': `${a.state} action: ${a.title}` },
    h('h3', {}, badge(a.risk), ' ', a.title, ' ', h('span', { class: 'state' }, `(${a.state})`)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Risk'),
      h('dd', {}, `${a.risk}`),
      h('dt', {}, 'Instance'),
      h('dd', {}, h('a', { href: `#/instances/${encodeURIComponent(a.instance_id)}` }, a.instance_id)),
      h('dt', {}, 'Precondition'),
      h('dd', {}, a.precondition),
      h('dt', {}, 'Rollback'),
      h('dd', {}, a.rollback ?? 'none: this action cannot be undone automatically'),
      h('dt', {}, 'Proposed'),
      h('dd', {}, time(a.proposed_at)),
      h('dt', {}, 'Expires'),
      h('dd', {}, time(a.expires_at)),
      a.decided_by ? [h('dt', {}, 'Decided by'), h('dd', {}, `${a.decided_by} at `, time(a.decided_at), a.comment ? ` — “${a.comment}”` : '')] : null,
      verification
        ? [
            h('dt', {}, 'Verification'),
            h('dd', {}, badge(verification.passed ? 'healthy' : 'critical'), ` ${verification.passed ? 'passed' : 'failed'}: ${verification.detail}`),
          ]
        : null,
    ),
    commandList(a.commands),
    h(
      'p',
      {},
      h('a', { href: `#/ask?task=${encodeURIComponent(a.task_id)}` }, 'the report that proposed it'),
      ' · ',
      h('a', { href: a.workflow_url, target: '_blank', rel: 'noopener noreferrer' }, 'Temporal history'),
    ),
    a.state === 'pending' && can('approver') ? decide(a, onDone) : null,
  );
}

export const approvalsPage: Page = async (main) => {
  title(main, 'Approvals');
  let pending: any[];
  let all: any[];
  try {
    [pending, all] = await Promise.all([api('GET', '/approvals?state=pending').then((r) => r.approvals), api('GET', '/approvals').then((r) => r.approvals)]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      main.append(notice('Approvals are not available on this server yet (no approvals endpoint).'));
      return;
    }
    throw err;
  }
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  if (!can('approver')) main.append(h('p', { class: 'muted' }, 'Your key cannot approve actions: that needs the approver or admin role.'));
  main.append(
    h(
      'section',
      { 'aria-labelledby': 'pending-h' },
      h('h2', { id: 'pending-h' }, `Pending (${pending.length})`),
      pending.length ? pending.map((a) => approvalCard(a, reload)) : notice('Nothing waits for a decision.'),
    ),
  );
  const decided = all.filter((a) => a.state !== 'pending');
  main.append(
    h(
      'section',
      { 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, 'History'),
      decided.length ? decided.map((a) => approvalCard(a, reload)) : notice('No decisions yet.'),
    ),
  );
};
