/**
 * @module dashboard/series-scores
 * A forecast's validation score of each series (a job view's `series_scores`, a model view's
 * `forecast.series_scores`), worst first as the API lists them: where the pooled score hides a series the
 * model forecasts badly. The 20 worst are shown until all are asked for, and when the API cut its list
 * (it lists at most 1,000) a line says how many series there are in all.
 */
import { el, num, replace } from './dom.js';
import { table } from './widgets.js';

/** Series shown before "show all": enough to see the worst, few enough not to bury the rest of the page. */
const FIRST_SHOWN = 20;

/**
 * The "Scores by series" section, or null without scores (one series, a job not yet published, a version
 * made before them). `metric`: the job's or version's, named in the score column; `about`: what they score.
 */
export function seriesScoresSection({ scores, total, metric, about }) {
  if (!Array.isArray(scores) || scores.length === 0) return null;
  const body = el('div', { id: 'series-scores-table' });
  let all = false;
  const toggle = scores.length > FIRST_SHOWN ? el('button', { type: 'button', class: 'link', id: 'series-scores-toggle', onclick: () => ((all = !all), draw()) }) : null;
  function draw() {
    replace(
      body,
      table(
        [
          ['Series', (s) => s.group],
          [metric, (s) => num(s.score), 'num'],
          ['Validation points', (s) => num(s.points), 'num'],
        ],
        all ? scores : scores.slice(0, FIRST_SHOWN),
      ),
    );
    if (toggle) toggle.textContent = all ? `show the ${FIRST_SHOWN} worst` : `show all ${num(scores.length)}`;
  }
  draw();
  const cut = typeof total === 'number' && total > scores.length;
  return el(
    'section',
    { id: 'series-scores' },
    el('h2', { text: 'Scores by series' }),
    el('p', { class: 'muted', text: `${about}, worst first.` }),
    body,
    toggle ? el('p', {}, toggle) : null,
    cut ? el('p', { class: 'muted', id: 'series-scores-total', text: `${num(total)} series in all; the ${num(scores.length)} worst are listed.` }) : null,
  );
}
