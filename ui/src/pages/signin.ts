import { api, ApiError } from '../api.js';
import { field, h, notice } from '../dom.js';
import { title } from './page.js';

/** Sign-in: the API key is exchanged for an HttpOnly session cookie; the page never stores the key. */
export function signIn(main: HTMLElement, onSignedIn: () => void): void {
  main.replaceChildren();
  title(main, 'Sign in');
  const key = h('input', { type: 'password', name: 'key', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const status = h('div');
  const form = h(
    'form',
    { class: 'card narrow', 'aria-label': 'Sign in' },
    h('p', {}, 'Paste an API key. It is sent once and exchanged for a session cookie this page cannot read.'),
    field('API key', key),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.replaceChildren();
    try {
      await api('POST', '/session', { key: key.value.trim() });
      key.value = '';
      onSignedIn();
    } catch (err) {
      status.append(notice(err instanceof ApiError && err.status === 401 ? 'That key is not valid.' : (err as Error).message, 'error'));
      key.focus();
    }
  });
  main.append(form);
  key.focus();
}
