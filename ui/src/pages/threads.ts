import { api, ApiError, can } from '../api.js';
import { field, h, notice, select } from '../dom.js';
import { time } from '../format.js';
import { renderMarkdown } from '../markdown.js';
import { AGENTS, showTask } from './ask.js';
import { title, type Page } from './page.js';

/** Threads: the conversations, each with its messages, follow-up questions and feedback on answers. */

export const threadsPage: Page = async (main) => {
  title(main, 'Threads');
  const threads: any[] = (await api('GET', '/threads?limit=100')).threads;
  if (!threads.length) {
    main.append(notice('No conversations yet. Ask a question to start one.'));
    return;
  }
  main.append(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['Thread', 'Instance', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...threads.map((t) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `#/threads/${encodeURIComponent(t.id)}` }, t.title || t.id)),
            h('td', {}, t.instanceId ?? '—'),
            h('td', {}, time(t.updatedAt)),
          ),
        ),
      ),
    ),
  );
};

function feedbackButtons(taskId: string, given?: any): HTMLElement {
  const status = h('span', { role: 'status' }, given ? `Feedback recorded: ${given.rating === 'up' ? 'helpful' : 'not helpful'}` : '');
  const comment = h('input', { name: 'comment', maxlength: 2000 });
  const send = (rating: 'up' | 'down') => async () => {
    try {
      await api('POST', `/tasks/${encodeURIComponent(taskId)}/feedback`, { rating, ...(comment.value ? { comment: comment.value } : {}) });
      status.textContent = `Thanks: recorded as ${rating === 'up' ? 'helpful' : 'not helpful'}.`;
    } catch (err) {
      status.textContent = err instanceof ApiError && err.status === 404 ? 'Feedback is not available on this server.' : (err as Error).message;
    }
  };
  return h(
    'div',
    { class: 'feedback', role: 'group', 'aria-label': 'Feedback on this answer' },
    field('Comment (optional)', comment),
    h('button', { type: 'button', onclick: send('up'), 'aria-label': 'This answer helped' }, '👍 Helpful'),
    h('button', { type: 'button', onclick: send('down'), 'aria-label': 'This answer did not help' }, '👎 Not helpful'),
    status,
  );
}

export const threadPage: Page = async (main, [id]) => {
  const thread = await api('GET', `/threads/${encodeURIComponent(id)}?limit=100`);
  title(main, thread.title || 'Thread');
  main.append(
    h(
      'p',
      { class: 'muted' },
      `Thread ${thread.id}`,
      thread.instanceId ? [' · instance ', h('a', { href: `#/instances/${encodeURIComponent(thread.instanceId)}` }, thread.instanceId)] : null,
    ),
  );
  const messages: any[] = [...thread.messages].sort((a, b) => a.at.localeCompare(b.at));
  const conversation = h('ol', { class: 'conversation', 'aria-label': 'Messages' });
  const feedback = new Map<string, any>();
  // A proposed action's messages (proposed, decided, done) are keyed by its approval id (act_…/step), not a task.
  const isAction = (m: any) => /^act_/.test(String(m.taskId));
  await Promise.all(
    [...new Set(messages.filter((m) => m.role === 'assistant' && !isAction(m)).map((m) => m.taskId as string))].map((taskId) =>
      api('GET', `/tasks/${encodeURIComponent(taskId)}`).then(
        (t) => feedback.set(taskId, t.feedback ?? null),
        () => undefined,
      ),
    ),
  );
  for (const m of messages) {
    conversation.append(
      h(
        'li',
        { class: `message ${isAction(m) ? 'action' : m.role}` },
        h(
          'p',
          { class: 'who-said' },
          isAction(m) ? 'Action' : m.role === 'user' ? 'Question' : 'Answer',
          ' · ',
          time(m.at),
          ' · ',
          isAction(m)
            ? h('a', { href: '#/approvals' }, 'approvals')
            : h('a', { href: `#/ask?task=${encodeURIComponent(m.taskId)}&thread=${encodeURIComponent(id)}` }, 'report'),
        ),
        m.role === 'user' ? h('p', {}, m.content) : renderMarkdown(m.content),
        m.role === 'assistant' && !isAction(m) && can('operator') ? feedbackButtons(m.taskId, feedback.get(m.taskId)) : null,
      ),
    );
  }
  main.append(conversation);
  const output = h('div');
  let stop: (() => void) | undefined;
  if (can('operator')) {
    const message = h('textarea', { name: 'message', rows: 2, required: true, maxlength: 8000 });
    const agent = select('agent', AGENTS, 'auto');
    const status = h('div');
    const form = h(
      'form',
      { class: 'card', 'aria-label': 'Ask a follow-up question' },
      field('Follow-up question', message),
      field('Agent', agent),
      h('button', { type: 'submit', class: 'primary' }, 'Ask'),
      status,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        stop?.();
        const submitted = await api('POST', `/threads/${encodeURIComponent(id)}/messages`, { message: message.value, agent: agent.value });
        message.value = '';
        stop = await showTask(output, submitted.task_id, id);
      } catch (err) {
        status.replaceChildren(notice((err as Error).message, 'error'));
      }
    });
    main.append(form);
  }
  main.append(output);
  return () => stop?.();
};
