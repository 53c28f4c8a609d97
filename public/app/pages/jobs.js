/**
 * @module dashboard/pages/jobs
 * The jobs list, newest first, with each job's status and the model it publishes to.
 */
import { api } from '../api.js';
import { el, link, when } from '../dom.js';
import { badge, errorBox, loading, table } from '../widgets.js';

export async function jobsPage(root, _params, signal) {
  root.append(el('h1', { text: 'Jobs' }));
  const slot = root.appendChild(loading('jobs'));
  try {
    const { jobs } = await api('/v1/jobs', { signal });
    slot.replaceWith(
      table(
        [
          ['Job', (j) => el('a', { href: link('jobs', j.id), class: 'mono', text: j.id.slice(0, 8) })],
          ['Status', (j) => badge(j.status)],
          ['Dataset', (j) => el('a', { href: link('datasets', j.dataset), text: j.dataset })],
          ['Target', (j) => j.target],
          ['Model', (j) => el('a', { href: link('models', j.model_name), text: j.model_name })],
          ['Started', (j) => when(j.created_at)],
        ],
        jobs,
        { empty: 'No jobs yet. Start one with POST /v1/jobs (see the README).' },
      ),
    );
  } catch (err) {
    if (!signal.aborted) slot.replaceWith(errorBox(err, 'the jobs'));
  }
}
