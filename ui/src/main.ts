import { api, ApiError, can, currentUser, setCurrentUser, SIGNED_OUT, type Me } from './api.js';
import { h, notice } from './dom.js';
import { approvalsPage } from './pages/approvals.js';
import { askPage } from './pages/ask.js';
import { fleetPage } from './pages/fleet.js';
import { instancePage } from './pages/instance.js';
import { knowledgePage, runbookPage } from './pages/knowledge.js';
import type { Page } from './pages/page.js';
import { schedulesPage } from './pages/schedules.js';
import { signIn } from './pages/signin.js';
import { threadPage, threadsPage } from './pages/threads.js';

/** The console shell: session, navigation and a hash router (one static index.html, no server routes). */

const ROUTES: Array<[RegExp, Page]> = [
  [/^fleet$/, fleetPage],
  [/^instances\/([^/]+)$/, instancePage],
  [/^ask$/, askPage],
  [/^threads$/, threadsPage],
  [/^threads\/([^/]+)$/, threadPage],
  [/^approvals$/, approvalsPage],
  [/^schedules$/, schedulesPage],
  [/^knowledge$/, knowledgePage],
  [/^knowledge\/([^/]+)$/, runbookPage],
];

const NAV: Array<[string, string]> = [
  ['fleet', 'Fleet'],
  ['ask', 'Ask'],
  ['threads', 'Threads'],
  ['approvals', 'Approvals'],
  ['schedules', 'Schedules'],
  ['knowledge', 'Knowledge'],
];

const main = document.getElementById('main')!;
let leave: (() => void) | undefined;

function drawChrome(me: Me | undefined, section: string): void {
  const nav = document.getElementById('nav')!;
  nav.replaceChildren(
    ...(me
      ? [h('ul', {}, ...NAV.map(([path, label]) => h('li', {}, h('a', { href: `#/${path}`, ...(section === path ? { 'aria-current': 'page' } : {}) }, label))))]
      : []),
  );
  const who = document.getElementById('who')!;
  who.replaceChildren();
  if (me && me.auth_required) {
    const out = h('button', { type: 'button' }, 'Sign out');
    out.addEventListener('click', async () => {
      await api('DELETE', '/session').catch(() => undefined);
      setCurrentUser(undefined);
      void route();
    });
    who.append(h('span', {}, `${me.name} (${me.role}${can('approver') ? '' : ', cannot approve'})`), ' ', out);
  }
}

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  if (!currentUser()) {
    try {
      setCurrentUser(await api<Me>('GET', '/session'));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      drawChrome(undefined, '');
      signIn(main, () => void route());
      return;
    }
  }
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const found = ROUTES.map(([pattern, page]) => [pattern.exec(path || 'fleet'), page] as const).find(([m]) => m);
  drawChrome(currentUser(), (path || 'fleet').split('/')[0]);
  main.replaceChildren();
  if (!found) {
    main.append(h('h1', {}, 'Not found'), notice(`No page at #/${path}.`));
    return;
  }
  const [match, page] = found;
  try {
    leave = (await page(main, match!.slice(1).map(decodeURIComponent), new URLSearchParams(search))) ?? undefined;
    main.querySelector('h1')?.focus();
  } catch (err) {
    main.append(notice(err instanceof Error ? err.message : String(err), 'error'));
  }
}

// The skip link moves focus to the content; as a plain #main link it would be taken for a route.
document.querySelector('a.skip')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => void route());
window.addEventListener(SIGNED_OUT, () => {
  if (!currentUser()) return;
  setCurrentUser(undefined);
  void route();
});
void route();
