import { api, query } from '../api.js';
import { field, h, notice } from '../dom.js';
import { renderMarkdown } from '../markdown.js';
import { title, type Page } from './page.js';

/** Knowledge: search the runbooks as the agent does, and open one. */

export const knowledgePage: Page = async (main, _params, search) => {
  title(main, 'Knowledge');
  const q = h('input', { type: 'search', name: 'q', value: search.get('q') ?? '', required: true, maxlength: 500 });
  const form = h(
    'form',
    { role: 'search', 'aria-label': 'Search the runbooks' },
    field('Search runbooks', q),
    h('button', { type: 'submit', class: 'primary' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/knowledge${query({ q: q.value.trim() })}`;
  });
  main.append(form);
  const text = search.get('q');
  if (!text) return;
  const hits: any[] = (await api('GET', `/knowledge/search${query({ q: text, limit: 10 })}`)).hits;
  if (!hits.length) {
    main.append(notice(`No runbook section matches “${text}”.`));
    return;
  }
  main.append(
    h(
      'ol',
      { class: 'hits', 'aria-label': 'Search results' },
      ...hits.map((hit) =>
        h(
          'li',
          { class: 'card' },
          h('h2', {}, h('a', { href: `#/knowledge/${encodeURIComponent(hit.docId)}` }, hit.title)),
          h('p', { class: 'muted' }, `${hit.category} · ${hit.heading}`),
          h('p', {}, hit.snippet),
        ),
      ),
    ),
  );
};

export const runbookPage: Page = async (main, [id]) => {
  const doc = await api('GET', `/knowledge/documents/${encodeURIComponent(id)}`);
  title(main, doc.title);
  main.append(
    h('p', { class: 'muted' }, `${doc.category}${doc.severity ? ` · ${doc.severity}` : ''}${doc.tags?.length ? ` · ${doc.tags.join(', ')}` : ''}`),
    h('article', { class: 'card' }, renderMarkdown(doc.body)),
  );
};
