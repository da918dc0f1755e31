import { api, can } from '../api.js';
import { field, h, notice, select } from '../dom.js';
import { watchTask, type Watch } from '../progress.js';
import { renderReport } from '../report.js';
import { title, type Page } from './page.js';

/** Ask: a question with agent and instance, live progress from the stream, then the rendered report. */

export const AGENTS: Array<[string, string]> = [
  ['auto', 'auto (let the router choose)'],
  ['chat', 'chat (quick answer)'],
  ['triage', 'triage (deep investigation)'],
  ['knowledge', 'knowledge (runbooks only)'],
];

/** Shows a task: live progress while it runs, its report when done. Used by Ask and by thread follow-ups. */
export async function showTask(container: HTMLElement, taskId: string, threadId?: string): Promise<() => void> {
  container.replaceChildren();
  const task = await api('GET', `/tasks/${encodeURIComponent(taskId)}`);
  const thread = threadId ?? task.thread_id;
  container.append(h('p', {}, `Task ${task.task_id} · `, h('a', { href: `#/threads/${encodeURIComponent(thread)}` }, 'open the thread')));
  const report = h('div');
  // task_done is written just before the workflow returns: give Temporal a moment to close it, so the report says done.
  const showReport = async () => {
    let view = await api('GET', `/tasks/${encodeURIComponent(taskId)}`);
    for (let i = 0; i < 20 && ['queued', 'running'].includes(view.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      view = await api('GET', `/tasks/${encodeURIComponent(taskId)}`);
    }
    report.replaceChildren(renderReport(view));
  };
  const watch: Watch = watchTask(thread, taskId, () => void showReport());
  container.append(watch.element, report);
  return () => watch.close();
}

export const askPage: Page = async (main, _params, search) => {
  title(main, 'Ask');
  const instances: any[] = (await api('GET', '/instances')).instances;
  const message = h('textarea', { name: 'message', rows: 3, required: true, maxlength: 8000 }, '');
  const agent = select('agent', AGENTS, search.get('agent') ?? 'auto');
  const instance = select(
    'instance_id',
    [['', 'None: the instances the question names, or a general question'], ...instances.map((i): [string, string] => [i.id, `${i.name} (${i.environment})`])],
    search.get('instance') ?? '',
  );
  const status = h('div');
  const output = h('div');
  let stop: (() => void) | undefined;
  const form = h(
    'form',
    { class: 'card', 'aria-label': 'Ask a question' },
    field('Question', message),
    h('div', { class: 'row' }, field('Agent', agent), field('Instance', instance)),
    h('button', { type: 'submit', class: 'primary', disabled: !can('operator') }, 'Ask'),
    can('operator') ? null : h('p', { class: 'muted' }, 'Your key has the viewer role: it can read reports but not start investigations.'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.replaceChildren();
    try {
      stop?.();
      const submitted = await api('POST', '/tasks', { message: message.value, agent: agent.value, ...(instance.value ? { instance_id: instance.value } : {}) });
      history.replaceState(null, '', `#/ask?task=${encodeURIComponent(submitted.task_id)}&thread=${encodeURIComponent(submitted.thread_id)}`);
      stop = await showTask(output, submitted.task_id, submitted.thread_id);
    } catch (err) {
      status.append(notice((err as Error).message, 'error'));
    }
  });
  main.append(form, output);
  const existing = search.get('task');
  if (existing) stop = await showTask(output, existing, search.get('thread') ?? undefined);
  return () => stop?.();
};
