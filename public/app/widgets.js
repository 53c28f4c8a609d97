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

/**
 * A confusion matrix as a table heat map: rows are true classes, columns predicted; each cell is shaded
 * by its share of its row, so a class's recall reads along the diagonal whatever the class sizes.
 */
export function heatmap(labels, matrix) {
  return scrollable(el(
    'table',
    { class: 'heatmap' },
    el('thead', {}, el('tr', {}, el('th', { text: 'true ↓ / predicted →' }), labels.map((l) => el('th', { text: l })))),
    el(
      'tbody',
      {},
      matrix.map((row, i) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return el(
          'tr',
          {},
          el('th', { text: labels[i] }),
          row.map((count, j) =>
            el('td', { class: i === j ? 'diag' : '', style: { '--share': (count / total).toFixed(3) }, title: `${(100 * count / total).toFixed(1)}% of "${labels[i]}"`, text: count }),
          ),
        );
      }),
    ),
  ));
}

/** A loading placeholder. */
export const loading = (what) => el('p', { class: 'muted loading', text: `Loading ${what}…` });
