import { api, can, query } from '../api.js';
import { field, h, notice, select } from '../dom.js';
import { badge, time } from '../format.js';
import { title, type Page } from './page.js';

/** Fleet: every instance with its latest verdict, top finding, last check and a small health timeline. */

export const ENVIRONMENTS = ['production', 'staging', 'development', 'test'];
export const USAGES = ['cache', 'session', 'queue', 'primary', 'analytics', 'pubsub', 'other'];
export const HEALTH_CHECK = 'Run a full health check and report anything that needs attention.';
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export async function checkNow(instanceId: string): Promise<{ task_id: string; thread_id: string }> {
  return api('POST', '/tasks', { message: HEALTH_CHECK, instance_id: instanceId, agent: 'triage' });
}

function timeline(entries: any[]): HTMLElement {
  // Oldest to newest, left to right; each mark says its verdict in its label.
  const marks = [...entries]
    .reverse()
    .map((e) => h('span', { class: `mark mark-${e.verdict}`, title: `${e.verdict} at ${new Date(e.at).toLocaleString()}` }, e.verdict[0].toUpperCase()));
  return h(
    'span',
    {
      class: 'timeline',
      role: 'img',
      'aria-label': `Last ${entries.length} checks, oldest first: ${
        [...entries]
          .reverse()
          .map((e) => e.verdict)
          .join(', ') || 'none'
      }`,
    },
    ...marks,
  );
}

function registerForm(onDone: () => void): HTMLElement {
  const name = h('input', { name: 'name', required: true, maxlength: 100 });
  const url = h('input', { name: 'connection_url', required: true, placeholder: 'redis://host:6379', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'off' });
  const environment = select(
    'environment',
    ENVIRONMENTS.map((e) => [e, e]),
    'development',
  );
  const usage = select(
    'usage',
    USAGES.map((u) => [u, u]),
    'cache',
  );
  const description = h('input', { name: 'description', maxlength: 500 });
  const status = h('div');
  const form = h(
    'form',
    { 'aria-label': 'Register an instance' },
    field('Name', name),
    field('Connection URL', url),
    field('Password (optional)', password, 'Stored encrypted; never shown again.'),
    field('Environment', environment),
    field('Usage', usage),
    field('Description', description),
    h('button', { type: 'submit', class: 'primary' }, 'Register'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/instances', {
        name: name.value.trim(),
        connection_url: url.value.trim(),
        ...(password.value ? { password: password.value } : {}),
        environment: environment.value,
        usage: usage.value,
        description: description.value,
      });
      onDone();
    } catch (err) {
      status.replaceChildren(notice((err as Error).message, 'error'));
    }
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Register an instance'), form);
}

export const fleetPage: Page = async (main, _params, search) => {
  title(main, 'Fleet');
  const environment = select('environment', [['', 'All environments'], ...ENVIRONMENTS.map((e): [string, string] => [e, e])], search.get('environment') ?? '');
  const usage = select('usage', [['', 'All usages'], ...USAGES.map((u): [string, string] => [u, u])], search.get('usage') ?? '');
  const refilter = () => (location.hash = `#/fleet${query({ environment: environment.value, usage: usage.value })}`);
  environment.addEventListener('change', refilter);
  usage.addEventListener('change', refilter);
  const status = h('div', { 'aria-live': 'polite' });
  const instances: any[] = (await api('GET', `/instances${query({ environment: environment.value, usage: usage.value })}`)).instances;
  const checkAll = h('button', { type: 'button', class: 'primary', disabled: instances.length === 0 }, `Check now: all ${instances.length} shown`);
  checkAll.addEventListener('click', async () => {
    checkAll.disabled = true;
    const started = await Promise.allSettled(instances.map((i) => checkNow(i.id)));
    const ok = started.filter((s) => s.status === 'fulfilled').length;
    status.replaceChildren(notice(`Started ${ok} of ${instances.length} health checks. Reload to see the verdicts.`));
    checkAll.disabled = false;
  });
  main.append(
    h(
      'div',
      { class: 'toolbar', role: 'search', 'aria-label': 'Filter instances' },
      field('Environment', environment),
      field('Usage', usage),
      can('operator') ? checkAll : null,
    ),
    status,
  );
  if (can('operator')) main.append(registerForm(() => window.dispatchEvent(new HashChangeEvent('hashchange'))));
  if (instances.length === 0) {
    main.append(notice('No instances match. Register one to start checking it.'));
    return;
  }
  const health = await Promise.all(
    instances.map((i) =>
      api('GET', `/instances/${encodeURIComponent(i.id)}/health?limit=12`).then(
        (r) => r.entries as any[],
        () => [],
      ),
    ),
  );
  const rows = instances.map((instance, n) => {
    const entries = health[n];
    const latest = entries[0];
    const top = latest ? [...latest.findings].sort((a: any, b: any) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])[0] : undefined;
    const check = h('button', { type: 'button', 'aria-label': `Check ${instance.name} now` }, 'Check now');
    check.addEventListener('click', async () => {
      const task = await checkNow(instance.id);
      location.hash = `#/ask?task=${encodeURIComponent(task.task_id)}&thread=${encodeURIComponent(task.thread_id)}`;
    });
    return h(
      'tr',
      { 'data-instance': instance.id },
      h('th', { scope: 'row' }, h('a', { href: `#/instances/${encodeURIComponent(instance.id)}` }, instance.name)),
      h('td', {}, instance.environment),
      h('td', {}, instance.usage),
      h('td', {}, latest ? badge(latest.verdict) : 'not checked'),
      h('td', {}, top ? [badge(top.severity), ' ', top.title] : '—'),
      h('td', {}, time(latest?.at)),
      h('td', {}, timeline(entries)),
      can('operator') ? h('td', {}, check) : null,
    );
  });
  main.append(
    h(
      'table',
      { class: 'fleet' },
      h('caption', {}, `${instances.length} instance${instances.length === 1 ? '' : 's'}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Instance', 'Environment', 'Usage', 'Latest verdict', 'Top finding', 'Last check', 'Health timeline'].map((c) => h('th', { scope: 'col' }, c)),
          can('operator') ? h('th', { scope: 'col' }, 'Action') : null,
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
};
