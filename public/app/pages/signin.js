/**
 * @module dashboard/pages/signin
 * Sign-in with an API key: the key is checked with one API call before it is kept in the session, so a
 * wrong key is reported here rather than on the next page.
 */
import { api } from '../api.js';
import { el } from '../dom.js';
import { clearKey, setKey } from '../session.js';

export function signInPage(root) {
  document.getElementById('nav').hidden = true;
  const input = el('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true, placeholder: 'eak_…', 'aria-label': 'API key' });
  const message = el('p', { class: 'form-message', role: 'status' });
  const button = el('button', { type: 'submit', text: 'Sign in' });
  const form = el(
    'form',
    { class: 'card signin', onsubmit: submit },
    el('h1', { text: 'Sign in' }),
    el('p', { class: 'muted', text: 'Use an API key of your tenant (POST /v1/keys creates one). It stays in this tab only.' }),
    el('label', { for: 'api-key', text: 'API key' }),
    input,
    button,
    message,
  );
  root.append(form);
  input.focus();

  async function submit(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    message.className = 'form-message';
    message.textContent = 'Checking the key…';
    setKey(key);
    try {
      await api('/v1/datasets');
      const next = sessionStorage.getItem('edge-automl.after-sign-in');
      sessionStorage.removeItem('edge-automl.after-sign-in');
      location.hash = next && next !== '#/signin' ? next : '#/jobs';
    } catch (err) {
      clearKey();
      message.className = 'form-message error-text';
      // A key that cannot even be sent (api.js: invalid_api_key) says why, rather than that the API refused it.
      message.textContent = err.status === 401 && err.code !== 'invalid_api_key' ? 'This API key was refused. Check it and try again.' : `Could not sign in: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  }
}
