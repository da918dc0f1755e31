import { api, can } from '../api.js';
import { field, h, notice, select } from '../dom.js';
import { time } from '../format.js';
import { AGENTS } from './ask.js';
import { HEALTH_CHECK } from './fleet.js';
import { title, type Page } from './page.js';

/** Schedules: recurring checks as Temporal schedules; create (interval or cron), pause, resume, trigger. */

function createForm(instances: any[], onDone: () => void): HTMLElement {
  const name = h('input', { name: 'name', required: true, maxlength: 100 });
  const instance = select('instance_id', [['', 'No instance'], ...instances.map((i): [string, string] => [i.id, i.name])], instances[0]?.id ?? '');
  const agent = select('agent', AGENTS, 'triage');
  const message = h('input', { name: 'message', value: HEALTH_CHECK, maxlength: 4000 });
  const kind = select('kind', [
    ['interval', 'Every N units'],
    ['cron', 'Cron expression (UTC)'],
  ]);
  const every = h('input', { name: 'every', type: 'number', min: 1, max: 10000, value: 1 });
  const unit = select(
    'unit',
    ['minutes', 'hours', 'days', 'weeks'].map((u): [string, string] => [u, u]),
    'hours',
  );
  const cron = h('input', { name: 'cron', placeholder: '0 3 * * *', spellcheck: 'false' });
  const intervalFields = h('div', { class: 'row' }, field('Every', every), field('Unit', unit));
  const cronField = field('Cron', cron, 'Five fields: minute hour day-of-month month day-of-week.');
  cronField.hidden = true;
  kind.addEventListener('change', () => {
    intervalFields.hidden = kind.value !== 'interval';
    cronField.hidden = kind.value !== 'cron';
  });
  const status = h('div');
  const form = h(
    'form',
    { 'aria-label': 'Create a schedule' },
    field('Name', name),
    h('div', { class: 'row' }, field('Instance', instance), field('Agent', agent)),
    field('Question each run asks', message),
    field('Repeat', kind),
    intervalFields,
    cronField,
    h('button', { type: 'submit', class: 'primary' }, 'Create schedule'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/schedules', {
        name: name.value.trim(),
        agent: agent.value,
        message: message.value,
        ...(instance.value ? { instance_id: instance.value } : {}),
        ...(kind.value === 'cron' ? { cron: cron.value.trim() } : { interval: { every: Number(every.value), unit: unit.value } }),
      });
      onDone();
    } catch (err) {
      status.replaceChildren(notice((err as Error).message, 'error'));
    }
  });
  return h('details', { class: 'card' }, h('summary', {}, 'Create a schedule'), form);
}

export const schedulesPage: Page = async (main) => {
  title(main, 'Schedules');
  const [schedules, instances] = await Promise.all([
    api('GET', '/schedules').then((r) => r.schedules as any[]),
    api('GET', '/instances').then((r) => r.instances as any[]),
  ]);
  const names = new Map(instances.map((i) => [i.id, i.name]));
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const status = h('div', { 'aria-live': 'polite' });
  if (can('operator')) main.append(createForm(instances, reload));
  main.append(status);
  if (!schedules.length) {
    main.append(notice('No schedules yet.'));
    return;
  }
  const action = (s: any, verb: 'pause' | 'resume' | 'trigger', label: string) =>
    h(
      'button',
      {
        type: 'button',
        'aria-label': `${label} ${s.name}`,
        onclick: async () => {
          try {
            const reply = await api('POST', `/schedules/${encodeURIComponent(s.id)}/${verb}`);
            if (verb === 'trigger')
              status.replaceChildren(
                notice(`Started task ${reply.task_id}.`),
                ' ',
                h('a', { href: `#/ask?task=${encodeURIComponent(reply.task_id)}` }, 'watch it'),
              );
            else reload();
          } catch (err) {
            status.replaceChildren(notice((err as Error).message, 'error'));
          }
        },
      },
      label,
    );
  main.append(
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Name', 'Instance', 'Agent', 'When', 'State', 'Next run', ...(can('operator') ? ['Actions'] : [])].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        ...schedules.map((s) =>
          h(
            'tr',
            { 'data-schedule': s.id },
            h('th', { scope: 'row' }, s.name),
            h('td', {}, s.instance_id ? h('a', { href: `#/instances/${encodeURIComponent(s.instance_id)}` }, names.get(s.instance_id) ?? s.instance_id) : '—'),
            h('td', {}, s.agent),
            h('td', {}, s.cron ? `cron ${s.cron} (UTC)` : `every ${s.interval.every} ${s.interval.unit}`),
            h('td', {}, s.enabled ? 'active' : 'paused'),
            h('td', {}, s.enabled ? time(s.next_runs?.[0]) : '—'),
            can('operator') ? h('td', {}, s.enabled ? action(s, 'pause', 'Pause') : action(s, 'resume', 'Resume'), ' ', action(s, 'trigger', 'Run now')) : null,
          ),
        ),
      ),
    ),
  );
};
