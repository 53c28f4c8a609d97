/**
 * @module dashboard/dom
 * The one way the dashboard builds markup: elements with text set through textContent, never innerHTML,
 * so dataset names, column names and error messages from the API can never inject markup. Plus the few
 * number and time formats every page shares.
 */

/**
 * Creates an element. `props`: attributes by name (`class`, `href`, `data-*`…), `on*` functions as event
 * listeners, `text` as textContent; children are nodes or strings (added as text nodes), null skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'style' && typeof value === 'object') for (const [k, v] of Object.entries(value)) node.style.setProperty(k, String(v));
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A number for people: up to `digits` significant digits, "–" for null/NaN. */
export function num(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return x.toLocaleString('en-US');
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/** Milliseconds as "12.3 s" or "4 min 05 s". */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  // Rounded to whole seconds before the minutes are split off: 119.6 s reads "2 min 00 s", not "1 min 60 s"
  // (which a job page's ticking clock showed once a minute).
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** An ISO time as local date and time. */
export function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** The page URL of a resource (names are URI-encoded, so any dataset or model name round-trips). */
export const link = (section, name) => `#/${section}/${encodeURIComponent(name)}`;
