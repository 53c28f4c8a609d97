/**
 * @module dashboard/pages/dataset-forms
 * The dashboard's writing side, so the main job runs in the browser alone: upload a CSV, Parquet or zip
 * of images as a dataset (then its page opens), add a file of rows to a dataset (a new version), and
 * start a job on a dataset from its page (then the job's live page opens); a forecast job may name the
 * columns whose future values are known (its covariates) and those observed only up to now (its past
 * covariates), and an image job (a zip of images, a table whose pixel columns form a grid, or a table of
 * numbers whose pixel columns are named otherwise, such as p0..p63, for which the user enters it) its shape;
 * on columns the API found pixel-like (`pixel_like`), with every other column but the target left out.
 * Every refusal is the API's own message, shown in place, under what failed.
 */
import { api, sendFile, seg } from '../api.js';
import { el, replace } from '../dom.js';
import { PIXEL_NAME, pixelGrid } from '../pixel-grid.js';
import { errorBox } from '../widgets.js';

/** The media type the API reads a file as, from its name. */
function contentTypeOf(file) {
  const ext = file.name.toLowerCase().split('.').pop();
  if (ext === 'parquet' || ext === 'pq') return 'application/vnd.apache.parquet';
  if (ext === 'zip') return 'application/zip';
  return 'text/csv';
}

/** "data/credit g.train.csv" → "credit_g.train": names must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$ (as the CLI does). */
const nameFrom = (file) => file.name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);

function field(id, label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: id }, label, hint ? el('span', { class: 'muted small', text: ` ${hint}` }) : null), input);
}

/** Runs `work` with the button disabled and its outcome shown in `result`: `doing` meanwhile, a refusal under `failed`. */
async function submitting(button, result, { doing, failed }, work) {
  button.disabled = true;
  replace(result, el('p', { class: 'muted', text: `${doing}…` }));
  try {
    await work();
  } catch (err) {
    replace(result, errorBox(err, null, failed));
  } finally {
    button.disabled = false;
  }
}

/** Upload a file as a dataset (a new version when the name exists), then open its page. */
export function uploadForm() {
  const file = el('input', { id: 'upload-file', type: 'file', accept: '.csv,.txt,.parquet,.pq,.zip', required: true, onchange: suggestName });
  const name = el('input', { id: 'upload-name', type: 'text', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}', placeholder: 'dataset name' });
  const button = el('button', { type: 'submit', text: 'Upload' });
  const result = el('div', { id: 'upload-result', role: 'status' });
  return el(
    'form',
    { id: 'upload-form', class: 'predict', onsubmit: submit },
    el('div', { class: 'fields' }, field('upload-file', 'File', file, 'CSV, Parquet, or a zip of class folders of images'), field('upload-name', 'Dataset name', name)),
    button,
    result,
  );

  function suggestName() {
    const chosen = file.files?.[0];
    if (chosen && !name.value) name.value = nameFrom(chosen);
  }

  async function submit(event) {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    await submitting(button, result, { doing: 'Uploading', failed: 'Could not upload the file' }, async () => {
      const d = await sendFile(`/v1/datasets/${seg(name.value)}`, chosen, contentTypeOf(chosen));
      location.hash = `#/datasets/${seg(d.name)}`;
    });
  }
}

/** Add a file of rows (CSV or Parquet, the dataset's columns) as a new version; `onDone` gets it. */
export function appendForm(dataset, onDone) {
  const file = el('input', { id: 'append-file', type: 'file', accept: '.csv,.txt,.parquet,.pq', required: true });
  const button = el('button', { type: 'submit', text: 'Add rows' });
  const result = el('div', { id: 'append-result', role: 'status' });
  return el('form', { id: 'append-form', class: 'predict', onsubmit: submit }, field('append-file', 'File of new rows', file, 'CSV or Parquet with the same columns'), button, result);

  async function submit(event) {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    await submitting(button, result, { doing: 'Adding rows', failed: 'Could not add the rows' }, async () => {
      onDone(await sendFile(`/v1/datasets/${seg(dataset.name)}/rows`, chosen, contentTypeOf(chosen), { method: 'POST' }));
    });
  }
}

/**
 * Whether a table without a px_* grid may hold images whose pixel columns are named otherwise (p0..p63,
 * pixel1..pixel784): every column but one (the class) holds numbers (a constant pixel, such as a blank
 * corner, included), and there are at least four of them.
 */
function mayHoldPixels(columns) {
  const numbers = columns.filter((c) => c.type === 'numeric' || c.type === 'constant').length;
  return numbers >= 4 && columns.length - numbers <= 1;
}

/** The columns of the dataset's first pixel-like run (the API's `pixel_like`), side by side from its first; undefined when none. */
function pixelLikeColumns(dataset) {
  const entry = dataset.pixel_like?.[0];
  const first = entry ? dataset.columns.findIndex((c) => c.name === entry.first_column) : -1;
  if (first < 0) return undefined;
  const names = dataset.columns.slice(first, first + entry.pixel_columns).map((c) => c.name);
  return names.length === entry.pixel_columns && names[names.length - 1] === entry.last_column ? new Set(names) : undefined;
}

/** `columns` leaving out every column besides the pixels and the target (an image job reads the rest as pixels); {} when there is none. */
function ignoringBesides(columns, pixels, target) {
  const others = columns.filter((c) => !pixels.has(c.name) && c.name !== target);
  return others.length > 0 ? { columns: Object.fromEntries(others.map((c) => [c.name, 'ignore'])) } : {};
}

/** Start a job on the dataset: target, task (and a forecast's covariates and past covariates, an image's shape), budget and model name; then open the job's live page. */
export function trainForm(dataset) {
  // A zip's pixels are one profile entry; a CSV's are columns of their own, never the thing to predict.
  const grid = dataset.image ?? pixelGrid(dataset.columns);
  const pixels = new Set(!dataset.image && grid ? dataset.columns.filter((c) => PIXEL_NAME.test(c.name)).map((c) => c.name) : []);
  const usable = dataset.columns.filter((c) => !c.dropped && !c.pixel_columns && !pixels.has(c.name));
  const target = el('select', { id: 'train-target', required: true }, usable.map((c) => el('option', { value: c.name, text: `${c.name} (${c.type})` })));
  // Pixel-like columns the API found (pixel_like, p0..p63): a guess, so they stay offered as targets, but
  // the answer is taken from the other columns, and an image job on them reads nothing else (others ignored).
  const run = grid ? undefined : pixelLikeColumns(dataset);
  // The last column is the usual place for the answer (as in the examples).
  const answers = run ? usable.filter((c) => !run.has(c.name)) : usable;
  if (answers.length > 0) target.value = answers[answers.length - 1].name;
  const seconds = el('input', { id: 'train-seconds', type: 'number', min: '5', max: '86400', step: '1', value: '60' });
  const model = el('input', { id: 'train-model', type: 'text', pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}', placeholder: dataset.name });
  // A zip of images trains image jobs; a table of pixel columns may too (first: it holds images), or be read as
  // a table; a table of numbers may hold images whose columns are not named px_* (after the default: more
  // often it is a plain table); a table with dates may be a time series to forecast.
  const unnamedPixels = !grid && (mayHoldPixels(dataset.columns) || run !== undefined);
  const imageTask = ['image', `image classification (${grid ? `${grid.width}x${grid.height}x${grid.channels}` : 'enter its height and width'})`];
  const tasks = dataset.image
    ? [imageTask]
    : [
        ...(grid ? [imageTask] : []),
        ['auto', 'inferred from the target'],
        ...(unnamedPixels ? [imageTask] : []),
        ...(dataset.columns.some((c) => c.type === 'datetime') ? [['forecast', 'forecast (a time series)']] : []),
      ];
  const task = el('select', { id: 'train-task', onchange: showCovariates }, tasks.map(([value, text]) => el('option', { value, text })));
  // An image job's shape, as the API takes it (checked against the pixel columns' names, or entered for
  // columns named otherwise: read in file order), and whether a mirrored image keeps its label.
  const size = (id, value, max = '512') => el('input', { id, type: 'number', min: '1', max, step: '1', value: String(value ?? '') });
  const height = size('train-image-height', grid?.height);
  const width = size('train-image-width', grid?.width);
  const channels = size('train-image-channels', grid?.channels ?? 1, '4');
  // The square shape the API guessed for pixel-like columns (pixel_like) is shown, not filled in: nothing
  // in the data tells it, and a wrong one scrambles the images.
  const guess = grid ? undefined : dataset.pixel_like?.[0]?.image;
  if (guess) [height.placeholder, width.placeholder] = [`${guess.height}?`, `${guess.width}?`];
  const flip = el('input', { id: 'train-image-flip', type: 'checkbox' });
  const imageFields =
    grid || unnamedPixels
      ? [
          field('train-image-height', 'Height', height, grid ? 'pixels' : 'pixels; the columns besides the target are read as pixels in file order, row by row'),
          field('train-image-width', 'Width', width, 'pixels'),
          field('train-image-channels', 'Channels', channels, '1 gray, 3 RGB'),
          field('train-image-flip', 'Flip-invariant', flip, 'a mirrored image keeps its label (photos of objects; not digits or text)'),
        ]
      : [];
  // Covariates hold numbers or a few categories (the engine refuses dates and free text); shown for forecast jobs only.
  const candidates = tasks.some(([value]) => value === 'forecast') ? usable.filter((c) => c.type === 'numeric' || c.type === 'categorical' || c.type === 'boolean') : [];
  const covariates = el('select', { id: 'train-covariates', multiple: true, size: Math.min(6, Math.max(2, candidates.length)) }, candidates.map((c) => el('option', { value: c.name, text: `${c.name} (${c.type})` })));
  const covariatesField = candidates.length > 0 ? field('train-covariates', 'Covariates', covariates, 'optional: columns whose future values you know (promotions, prices); Ctrl/⌘-click for several') : null;
  // The same columns may be observed only up to now instead (visits, observed weather): read from the horizon back.
  const past = el('select', { id: 'train-past-covariates', multiple: true, size: Math.min(6, Math.max(2, candidates.length)) }, candidates.map((c) => el('option', { value: c.name, text: `${c.name} (${c.type})` })));
  const pastField = candidates.length > 0 ? field('train-past-covariates', 'Past covariates', past, 'optional: columns observed only up to now (visits, observed weather); forecasts need no values of them') : null;
  const button = el('button', { type: 'submit', text: 'Train' });
  const result = el('div', { id: 'train-result', role: 'status' });
  const form = el(
    'form',
    { id: 'train-form', class: 'predict', onsubmit: submit },
    el(
      'div',
      { class: 'fields' },
      field('train-target', 'Target column', target, 'what to predict'),
      field('train-task', 'Task', task),
      covariatesField,
      pastField,
      ...imageFields,
      field('train-seconds', 'Budget', seconds, 'seconds'),
      field('train-model', 'Model name', model, `default ${dataset.name}`),
    ),
    button,
    result,
  );
  showCovariates();
  return form;

  /** The covariates fields only mean something for a forecast job, the image fields for an image job: hidden for any other task. */
  function showCovariates() {
    // `.field` sets display, which would override the hidden attribute.
    for (const f of [covariatesField, pastField]) if (f) f.style.display = task.value === 'forecast' ? '' : 'none';
    for (const f of imageFields) f.style.display = task.value === 'image' ? '' : 'none';
    // A shape entered by hand must be whole: required while it is shown, never blocking another task.
    for (const input of [height, width, channels]) input.required = imageFields.length > 0 && task.value === 'image';
  }

  /** The job's `image`: the shape as given (the API checks it against the pixel columns) and flips when allowed. */
  function imageBody() {
    const shape = { height: Number(height.value), width: Number(width.value), channels: Number(channels.value) };
    return { ...shape, ...(flip.checked ? { flip_invariant: true } : {}) };
  }

  async function submit(event) {
    event.preventDefault();
    const forecasting = covariatesField && task.value === 'forecast';
    const chosen = forecasting ? [...covariates.selectedOptions].map((o) => o.value) : [];
    const observed = forecasting ? [...past.selectedOptions].map((o) => o.value) : [];
    const series = { ...(chosen.length > 0 ? { covariates: chosen } : {}), ...(observed.length > 0 ? { past_covariates: observed } : {}) };
    await submitting(button, result, { doing: 'Starting the job', failed: 'Could not start the job' }, async () => {
      const body = {
        dataset: dataset.name,
        target: target.value,
        ...(task.value === 'auto' ? {} : { task: task.value }),
        budget: { seconds: Number(seconds.value) },
        ...(model.value ? { model: model.value } : {}),
        ...(Object.keys(series).length > 0 ? { forecast: series } : {}),
        ...(task.value === 'image' && imageFields.length > 0 ? { image: imageBody() } : {}),
        ...(task.value === 'image' && run ? ignoringBesides(dataset.columns, run, target.value) : {}),
      };
      const job = await api('/v1/jobs', { method: 'POST', body });
      location.hash = `#/jobs/${seg(job.id)}`;
    });
  }
}
