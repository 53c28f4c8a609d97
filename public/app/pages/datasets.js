/**
 * @module dashboard/pages/datasets
 * The datasets list, and one dataset's profile: each column's type, missing values, distinct values and
 * distribution (range and mean ± std for numbers, the most frequent levels for categories), and why a
 * column will not be used when it will not. The pixel columns of an image table are one `px_*` row, as
 * a zip's are in the API's profile, and a run of pixel-like columns the API found (p0..p63) one row
 * named after it, saying how to train it as images (pixel-grid).
 */
import { api, seg } from '../api.js';
import { appendForm, trainForm, uploadForm } from './dataset-forms.js';
import { el, link, num, when } from '../dom.js';
import { gridText, withPixelLike, withPixelSummary } from '../pixel-grid.js';
import { bars, errorBox, facts, loading, table } from '../widgets.js';

export async function datasetsPage(root, _params, signal) {
  root.append(el('h1', { text: 'Datasets' }));
  const slot = root.appendChild(loading('datasets'));
  try {
    const { datasets } = await api('/v1/datasets', { signal });
    slot.replaceWith(
      table(
        [
          ['Name', (d) => el('a', { href: link('datasets', d.name), text: d.name })],
          ['Latest version', (d) => d.latest_version, 'num'],
          ['Rows', (d) => num(d.rows), 'num'],
          ['Uploaded', (d) => when(d.created_at)],
        ],
        datasets,
        { empty: 'No datasets yet: upload one below (or with PUT /v1/datasets/{name}, or edge-automl upload FILE).' },
      ),
      el('h2', { text: 'Upload a dataset' }),
      uploadForm(),
    );
  } catch (err) {
    if (!signal.aborted) slot.replaceWith(errorBox(err, 'the datasets'));
  }
}

/** A dataset's page; `notice` (after rows were added) is shown above it. */
export async function datasetPage(root, { name, notice }, signal) {
  root.append(el('p', { class: 'crumbs' }, el('a', { href: '#/datasets', text: 'Datasets' }), ' / ', name));
  const slot = root.appendChild(loading(`dataset "${name}"`));
  try {
    const d = await api(`/v1/datasets/${seg(name)}`, { signal });
    // Rows added: the page is drawn again for the new version, saying what happened.
    const reload = (v) => {
      root.replaceChildren();
      datasetPage(root, { name, notice: `Version ${v.version}: ${v.appended_rows} rows added to version ${v.base_version}, ${v.rows} in all.` }, signal);
    };
    slot.replaceWith(
      notice ? el('p', { id: 'dataset-notice', class: 'notice', text: notice }) : '',
      el('h1', { text: d.name }),
      facts([
        ['Version', d.version],
        ['Rows', num(d.rows)],
        ['Columns', d.columns.length],
        ['Made from', madeFrom(d)],
        ['Uploaded', when(d.created_at)],
      ]),
      el('h2', { text: 'Train a model' }),
      trainForm(d),
      el('h2', { text: 'Columns' }),
      table(
        [
          ['Column', (c) => el('span', {}, c.name, columnNote(c, d))],
          ['Type', (c) => el('code', { text: c.type })],
          ['Missing', (c) => missingCell(c, c.cells ?? d.rows), 'num'],
          ['Distinct', (c) => num(c.unique), 'num'],
          ['Distribution', (c) => distribution(c)],
        ],
        withPixelLike(withPixelSummary(d.columns, d.rows), d.pixel_like, d.rows),
      ),
      // Image datasets grow by a new zip upload instead.
      ...(d.image ? [] : [el('h2', { text: 'Add rows' }), appendForm(d, reload)]),
    );
  } catch (err) {
    if (!signal.aborted) slot.replaceWith(errorBox(err, `dataset "${name}"`));
  }
}

/**
 * The file a version was made from: `bytes` is the whole table for an upload, only the added rows for a
 * version made by adding rows (POST /v1/datasets/{name}/rows), which the answer marks with
 * `appended_rows` and `base_version`.
 */
function madeFrom(d) {
  const size = `${num(d.bytes / 1024, 3)} KiB`;
  if (d.appended_rows === undefined) return `an upload of ${size}`;
  return `${num(d.appended_rows)} rows (${size}) added to version ${d.base_version}`;
}

/** Beside a column's name: why it is not used, or what a `px_*` row stands for (a zip's, or a CSV's pooled by withPixelSummary). */
function columnNote(c, d) {
  const note = (text) => el('span', { class: 'muted small', text: ` (${text})` });
  if (c.pixels) {
    const { columns, grid, unused, why } = c.pixels;
    return note(`${num(columns)} pixel columns of ${gridText(grid)} images${unused > 0 ? `; ${num(unused)} not used: ${why}` : ''}`);
  }
  if (c.pixel_columns && d.image) return note(`${num(c.pixel_columns)} pixel columns of ${gridText(d.image)} images`);
  if (c.pixelLike) return pixelLikeNote(c.pixelLike, note);
  return c.dropped ? note(`not used: ${c.dropped}`) : null;
}

/**
 * What a pixel-like row stands for (the API's `pixel_like`: numbered columns that look like pixels) and how
 * the train form above reads them as images: the task image with the square shape they may have.
 */
function pixelLikeNote({ columns, image, constant }, note) {
  const rgb = image?.channels === 3;
  const maybe = image ? `, possibly ${image.height}x${image.width}${rgb ? ' RGB' : ''} images` : '';
  const shape = image ? `height ${image.height}, width ${image.width}${rgb ? ', channels 3' : ''}` : `a height and width whose product is ${num(columns)}`;
  return note(`${num(columns)} pixel-like columns${maybe}${constant > 0 ? `, ${num(constant)} constant` : ''}: to train them as images, choose the task image with ${shape}; they are read in file order, row by row`);
}

/** Missing cells of a column, and their share of its `cells` (the rows; a `px_*` row's, rows × pixel columns). */
function missingCell(c, cells) {
  const share = cells > 0 ? c.missing / cells : 0;
  return el('span', { class: share > 0.2 ? 'warn' : '' }, `${num(c.missing)} `, el('span', { class: 'muted small', text: `(${(100 * share).toFixed(1)}%)` }));
}

/** Numbers: where mean ± std sits within [min, max]; categories: the most frequent levels as bars. */
function distribution(c) {
  if (Array.isArray(c.top) && c.top.length > 0) return bars(c.top.slice(0, 6).map((t) => [t.value, t.count]));
  if (typeof c.min === 'number' && typeof c.max === 'number') {
    const span = c.max - c.min || 1;
    const pos = (x) => `${(100 * Math.min(1, Math.max(0, (x - c.min) / span))).toFixed(1)}%`;
    const lo = (c.mean ?? c.min) - (c.std ?? 0);
    const hi = (c.mean ?? c.min) + (c.std ?? 0);
    return el(
      'div',
      { class: 'range' },
      el('span', { class: 'range-label', text: num(c.min) }),
      el(
        'span',
        { class: 'range-track', title: `mean ${num(c.mean)}, std ${num(c.std)}` },
        el('span', { class: 'range-std', style: { left: pos(lo), width: `calc(${pos(hi)} - ${pos(lo)})` } }),
        el('span', { class: 'range-mean', style: { left: pos(c.mean ?? c.min) } }),
      ),
      el('span', { class: 'range-label', text: num(c.max) }),
    );
  }
  return el('span', { class: 'muted', text: '–' });
}
