/**
 * @module dashboard/pages/predict-form
 * "Try a prediction": a form with one input per model feature, pre-filled with a typical value from the
 * training data's profile (the mean of a number, whole for a whole-valued column, the most frequent level
 * of a category) so one click predicts (with the champion, or the version a version's page shows), and the answer shown as the label with its class probabilities, or the value. A model that
 * takes images gets a file picker instead (a 32x32 RGB model would need 3,072 boxes): the file goes to
 * predict as `{"image": base64}`, which the API resizes and scales as it did the training images; a
 * refusal of it names the file picked, not `rows[0].image`.
 */
import { api, ApiError, seg } from '../api.js';
import { el, num, replace } from '../dom.js';
import { bars, errorBox } from '../widgets.js';

/**
 * @param model    GET /v1/models/{name}
 * @param profile  the training dataset's GET answer (for defaults and suggestions), or null
 * @param version  the version to predict with (sent as predict's `version`), or undefined for the champion
 */
export function predictForm(model, profile, version) {
  if (model.image) return imagePredictForm(model, version);
  const columns = new Map((profile?.columns ?? []).map((c) => [c.name, c]));
  const result = el('div', { id: 'predict-result', role: 'status' });
  const fields = model.features.map((f, i) => fieldFor(f, columns.get(f.name), i));
  const button = el('button', { type: 'submit', text: 'Predict' });
  const form = el('form', { id: 'predict-form', class: 'predict', onsubmit: submit }, el('div', { class: 'fields' }, fields.map((x) => x.node)), button, result);
  if (model.features.length === 0) return el('p', { class: 'muted', text: `The ${version === undefined ? 'champion' : `v${version}`} artifact lists no features (it could not be read).` });
  return form;

  async function submit(event) {
    event.preventDefault();
    await predictInto(result, button, model, version, Object.fromEntries(fields.map((x) => [x.name, x.read()])));
  }
}

/** The form of a model that takes images: pick a PNG or JPEG file, see it, predict. */
function imagePredictForm(model, version) {
  const { height, width, channels } = model.image;
  const result = el('div', { id: 'predict-result', role: 'status' });
  const preview = el('img', { id: 'predict-preview', alt: 'the chosen image', class: 'preview', hidden: true });
  const button = el('button', { type: 'submit', text: 'Predict', disabled: true });
  let dataUrl = null;
  const input = el('input', { id: 'predict-image', type: 'file', accept: 'image/png,image/jpeg', onchange: choose });
  const label = el('label', { for: 'predict-image' }, 'Image file', el('span', { class: 'muted small', text: ` PNG or JPEG, resized to ${width}x${height}, ${channels === 1 ? 'gray' : 'RGB'}` }));
  return el('form', { id: 'predict-form', class: 'predict', onsubmit: submit }, el('div', { class: 'field' }, label, input), preview, button, result);

  function choose() {
    const file = input.files?.[0];
    dataUrl = null;
    button.disabled = true;
    preview.hidden = true;
    replace(result);
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      dataUrl = String(reader.result);
      preview.src = dataUrl;
      preview.hidden = false;
      button.disabled = false;
    };
    reader.onerror = () => replace(result, errorBox(new Error(`could not read ${file.name}`), 'the image file'));
    reader.readAsDataURL(file);
  }

  async function submit(event) {
    event.preventDefault();
    // The API takes a data: URL as it is, and answers 400 naming the problem for a file it cannot decode.
    if (dataUrl) await predictInto(result, button, model, version, { image: dataUrl }, input.files?.[0]?.name);
  }
}

/** Sends one row to predict (to `version`, or the champion) and shows the label with its class probabilities, or the value; `file`: the image file the row holds. */
async function predictInto(result, button, model, version, row, file) {
  button.disabled = true;
  replace(result, el('p', { class: 'muted', text: 'Predicting…' }));
  try {
    const answer = await api(`/v1/models/${seg(model.name)}/predict`, { method: 'POST', body: version === undefined ? { rows: [row] } : { rows: [row], version } });
    const prediction = answer.predictions[0];
    const probabilities = answer.probabilities?.[0];
    replace(
      result,
      el('p', { class: 'prediction' }, `Model v${answer.model.version} predicts `, el('strong', { id: 'prediction-value', text: typeof prediction === 'number' ? num(prediction, 5) : prediction })),
      probabilities ? bars(Object.entries(probabilities).sort((a, b) => b[1] - a[1]), { format: (p) => `${(100 * p).toFixed(1)}%` }) : null,
    );
  } catch (err) {
    // The form sends one row: the API's `rows[0].image` is the file the user picked.
    const named = file && err instanceof ApiError ? new ApiError(err.status, err.code, err.message.replace(/^rows\[0\]\.image\b/, file)) : err;
    replace(result, errorBox(named, null, 'Could not predict'));
  } finally {
    button.disabled = false;
  }
}

/**
 * A number box's default: the column's mean, rounded to a whole number for a column of whole numbers (no
 * row holds 1.161 dependents).
 */
function typicalNumber(column) {
  if (typeof column?.mean !== 'number') return '';
  return wholeValued(column) ? Math.round(column.mean) : Number(column.mean.toPrecision(4));
}

/**
 * Whether a column holds whole numbers only: its profile's `integer` says so. Versions stored before the
 * profile had it carry none; for them whole min and max with no more distinct values than the whole numbers
 * between them is the sign (which 1, 2.5, 4 fools: whole ends, three values among four whole numbers).
 */
function wholeValued(column) {
  if (typeof column.integer === 'boolean') return column.integer;
  const { min, max, unique } = column;
  return Number.isInteger(min) && Number.isInteger(max) && typeof unique === 'number' && unique <= max - min + 1;
}

function fieldFor(feature, column, index) {
  const id = `feature-${index}`;
  const numeric = feature.type === 'numeric';
  // A value cut to keep the profile storable is no value the column holds: not offered.
  const top = (column?.top ?? []).filter((t) => !t.truncated);
  const typical = numeric ? typicalNumber(column) : (top[0]?.value ?? '');
  const list = !numeric && top.length > 0 ? el('datalist', { id: `${id}-values` }, top.map((t) => el('option', { value: t.value }))) : null;
  const input = el('input', { id, name: feature.name, type: numeric ? 'number' : 'text', step: numeric ? 'any' : null, list: list ? `${id}-values` : null, placeholder: 'missing' });
  input.value = String(typical);
  const node = el('div', { class: 'field' }, el('label', { for: id }, feature.name, el('span', { class: 'muted small', text: ` ${feature.type}` })), input, list);
  return {
    name: feature.name,
    node,
    // An empty box is a missing value, which every model accepts.
    read: () => (input.value === '' ? null : numeric ? Number(input.value) : input.value),
  };
}
