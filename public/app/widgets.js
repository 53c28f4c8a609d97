/**
 * @module dashboard/widgets
 * Small pieces every page uses: tables from rows, a status badge, an error box that says what to do,
 * horizontal bars, a count heat map, and a definition list of facts.
 */
import { el, num } from './dom.js';

/**
 * A table: `columns` are [heading, cell(row) → node or text, optional class]. It comes in its own
 * scroller (scrollable): a table wider than a phone scrolls sideways by itself, not the whole page.
 */
export function table(columns, rows, { empty = 'Nothing yet.', caption } = {}) {
  if (rows.length === 0) return el('p', { class: 'muted', text: empty });
  return scrollable(
    el(
      'table',
      { class: 'grid' },
      caption ? el('caption', { text: caption }) : null,
      el('thead', {}, el('tr', {}, columns.map(([h, , cls]) => el('th', { class: cls, text: h })))),
      el('tbody', {}, rows.map((row) => el('tr', {}, columns.map(([, cell, cls]) => el('td', { class: cls }, cell(row)))))),
    ),
  );
}

/** `node` (a wide table) in a box that scrolls sideways when the node is wider than the page (styles.css: .table-scroll). */
export const scrollable = (node) => el('div', { class: 'table-scroll' }, node);

export const badge = (status) => el('span', { class: `badge badge-${String(status).replace(/[^a-z_]/g, '')}`, text: status });

/** Facts as a definition list: [label, value] pairs, null values skipped. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
}

/**
 * An error with what to do about it; a refused key links back to sign-in. Titled "Could not load `what`",
 * or `title` for an action that failed ("Could not upload the file"), which loaded nothing.
 */
export function errorBox(err, what, title = `Could not load ${what}`) {
  const status = err?.status;
  const hint =
    // A key api.js would not send (invalid_api_key) was never refused by the API: the message says what is wrong with it.
    err?.code === 'invalid_api_key' ? 'Sign in again with the key as it was issued.'
    : status === 401 ? 'The API key was refused. Sign in again with a valid key.'
    : status === 404 ? 'It does not exist, or belongs to another tenant.'
    : status === 0 ? 'The API could not be reached.'
    : status >= 500 ? 'The server failed; try again shortly.'
    : null;
  return el(
    'div',
    { class: 'error', role: 'alert' },
    el('strong', { text: title }),
    el('p', { text: `${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}` }),
    hint ? el('p', { class: 'muted', text: hint }) : null,
    status === 401 ? el('a', { href: '#/signin', text: 'Sign in' }) : null,
  );
}

/** Horizontal bars: [label, value] pairs, scaled to the largest absolute value. */
export function bars(pairs, { format = num } = {}) {
  const max = Math.max(...pairs.map(([, v]) => Math.abs(v)), Number.MIN_VALUE);
  return el(
    'div',
    { class: 'bars' },
    pairs.map(([label, value]) =>
      el(
        'div',
        { class: 'bar-row' },
        el('span', { class: 'bar-label', title: label, text: label }),
        el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill', style: { width: `${(100 * Math.abs(value)) / max}%` } })),
        el('span', { class: 'bar-value', text: format(value) }),
      ),
    ),
  );
}

/** Classes a confusion matrix shows one by one: a 1,000-class model's full matrix is a million cells. */
export const HEATMAP_CLASSES = 20;

/**
 * A confusion matrix as a table heat map: rows are true classes, columns predicted; each cell is shaded
 * by its share of its row, so a class's recall reads along the diagonal whatever the class sizes. Past
 * HEATMAP_CLASSES classes, the most frequent (by true rows) are shown, in their own order, and the others
 * are summed into one last row and column, so every row still adds up to its class's rows; a note says so.
 */
export function heatmap(labels, matrix) {
  const folded = foldClasses(labels, matrix, HEATMAP_CLASSES);
  const other = folded.labels.length - 1;
  const grid = scrollable(el(
    'table',
    { class: 'heatmap' },
    el('thead', {}, el('tr', {}, el('th', { text: 'true ↓ / predicted →' }), folded.labels.map((l) => el('th', { text: l })))),
    el(
      'tbody',
      {},
      folded.matrix.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return el(
          'tr',
          {},
          el('th', { text: folded.labels[i] }),
          row.map((count, j) =>
            // The folded row and column hold many classes: their crossing is no class's recall.
            el('td', { class: i === j && !(folded.hidden > 0 && i === other) ? 'diag' : '', style: { '--share': (count / total).toFixed(3) }, title: `${(100 * count / total).toFixed(1)}% of "${folded.labels[i]}"`, text: count }),
          ),
        );
      }),
    ),
  ));
  if (folded.hidden === 0) return grid;
  return el('div', {}, el('p', { class: 'muted small heatmap-note', text: `The ${HEATMAP_CLASSES} classes with the most rows of ${labels.length}; the other ${folded.hidden} are summed under "${folded.labels[other]}".` }), grid);
}

/** The matrix with only the `max` classes of most true rows, the rest summed into one class (see heatmap). */
function foldClasses(labels, matrix, max) {
  if (labels.length <= max) return { labels, matrix, hidden: 0 };
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const shown = labels.map((_, i) => i).sort((a, b) => support[b] - support[a] || a - b).slice(0, max).sort((a, b) => a - b);
  const kept = new Set(shown);
  const slot = labels.map((_, i) => (kept.has(i) ? shown.indexOf(i) : max));
  const folded = Array.from({ length: max + 1 }, () => new Array(max + 1).fill(0));
  matrix.forEach((row, i) => row.forEach((count, j) => (folded[slot[i]][slot[j]] += count)));
  const hidden = labels.length - max;
  return { labels: [...shown.map((i) => labels[i]), `other (${hidden} classes)`], matrix: folded, hidden };
}

/** A loading placeholder. */
export const loading = (what) => el('p', { class: 'muted loading', text: `Loading ${what}…` });
