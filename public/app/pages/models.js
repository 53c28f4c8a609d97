/**
 * @module dashboard/pages/models
 * The models list: each model's task, metric and its champion's score.
 */
import { api } from '../api.js';
import { el, link, num, when } from '../dom.js';
import { errorBox, loading, table } from '../widgets.js';

export async function modelsPage(root, _params, signal) {
  root.append(el('h1', { text: 'Models' }));
  const slot = root.appendChild(loading('models'));
  try {
    const { models } = await api('/v1/models', { signal });
    slot.replaceWith(
      table(
        [
          ['Model', (m) => el('a', { href: link('models', m.name), text: m.name })],
          ['Task', (m) => m.task],
          ['Champion', (m) => `v${m.champion_version}`, 'num'],
          ['Metric', (m) => m.metric],
          ['Score', (m) => num(m.score), 'num'],
          ['Updated', (m) => when(m.updated_at)],
        ],
        models,
        { empty: 'No models yet: a job publishes one when it succeeds.' },
      ),
    );
  } catch (err) {
    if (!signal.aborted) slot.replaceWith(errorBox(err, 'the models'));
  }
}
