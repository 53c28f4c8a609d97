/**
 * @module dashboard/pixel-grid
 * The pixel columns of a table of images (a CSV such as examples/digits: `px_r{row}_c{col}`, or
 * `px_r{row}_c{col}_{channel}`), told apart from its other columns: the grid they form, which the train
 * form offers an image job for, and one `px_*` profile row standing for all of them, as the API's profile
 * of a zip and the CLI's report of a CSV have it (one row per pixel made the page of a 32x32 RGB CSV
 * 3,073 rows long); and the API's pixel-like runs (numbered columns such as p0..p63, not named px_*) as one
 * row each too.
 */

/** `px_r{row}_c{col}` (one channel) or `px_r{row}_c{col}_{channel}`: a pixel column, as the API names them. */
export const PIXEL_NAME = /^px_r(0|[1-9]\d*)_c(0|[1-9]\d*)(?:_(0|[1-9]\d*))?$/;

/** The name the pooled row goes by, as the API's profile of a zip names its entry. */
export const PIXEL_SUMMARY_NAME = 'px_*';

/**
 * The image a table's columns hold, {height, width, channels}, when its pixel columns cover every
 * pixel of one grid exactly once (as the API reads an image job's shape from them); else null.
 */
export function pixelGrid(columns) {
  const seen = new Set();
  let [height, width, channels, suffixed] = [0, 0, 0, 0];
  for (const { name } of columns) {
    const m = PIXEL_NAME.exec(name);
    if (!m) continue;
    if (seen.has(name)) return null;
    seen.add(name);
    if (m[3] !== undefined) suffixed++;
    height = Math.max(height, Number(m[1]) + 1);
    width = Math.max(width, Number(m[2]) + 1);
    channels = Math.max(channels, m[3] === undefined ? 1 : Number(m[3]) + 1);
  }
  const complete = seen.size > 1 && (suffixed === 0 || (suffixed === seen.size && channels > 1)) && seen.size === height * width * channels;
  return complete ? { height, width, channels } : null;
}

/** "8x8x1": width by height by channels, as the train form and the API's messages write an image's size. */
export const gridText = (grid) => `${grid.width}x${grid.height}x${grid.channels}`;

/**
 * A table's profile columns with its pixel columns (when they form a grid) pooled into one `px_*` entry
 * where the first of them stood: its types, missing cells (`cells` is how many there are), the most
 * distinct values of one column, the range, and the mean and std over every value, from each column's
 * own (present values weighted by their count); `pixels` says how many columns and which are not used.
 * Any other table is returned as it is.
 */
export function withPixelSummary(columns, rows) {
  const grid = pixelGrid(columns);
  if (!grid) return columns;
  const pixels = columns.filter((c) => PIXEL_NAME.test(c.name));
  const unused = pixels.filter((c) => c.dropped);
  const summary = {
    name: PIXEL_SUMMARY_NAME,
    type: [...new Set(pixels.map((c) => c.type))].join(' | '),
    missing: pixels.reduce((n, c) => n + c.missing, 0),
    cells: rows * pixels.length,
    unique: Math.max(...pixels.map((c) => c.unique)),
    ...pooledStats(pixels, rows),
    pixels: { columns: pixels.length, grid, unused: unused.length, why: [...new Set(unused.map((c) => c.dropped))].join(', ') },
  };
  const first = columns.indexOf(pixels[0]);
  const rest = columns.filter((c) => !PIXEL_NAME.test(c.name));
  return [...rest.slice(0, first), summary, ...rest.slice(first)];
}

/** Min, max, mean and std over every present value of the columns, from each column's statistics; {} when some lack them. */
function pooledStats(pixels, rows) {
  if (!pixels.every((c) => typeof c.min === 'number' && typeof c.max === 'number' && typeof c.mean === 'number')) return {};
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  for (const c of pixels) {
    const n = rows - c.missing;
    const std = typeof c.std === 'number' ? c.std : 0;
    count += n;
    sum += n * c.mean;
    sumSq += n * (std * std + c.mean * c.mean);
  }
  const mean = count > 0 ? sum / count : 0;
  return {
    min: Math.min(...pixels.map((c) => c.min)),
    max: Math.max(...pixels.map((c) => c.max)),
    mean,
    std: count > 0 ? Math.sqrt(Math.max(0, sumSq / count - mean * mean)) : 0,
  };
}

/**
 * The profile rows with each pixel-like run the API found (its `pixel_like`: numbered columns such as
 * p0..p63 that look like pixels without being named px_*) as one row where the first of them stood, with
 * the run's pooled statistics; `pixelLike` says how many columns, how many are constant, and the square
 * image they may be. A run whose columns are not side by side as the entry says keeps its rows.
 */
export function withPixelLike(columns, runs, rows) {
  let out = columns;
  for (const run of runs ?? []) {
    const first = out.findIndex((c) => c.name === run.first_column);
    const members = first < 0 ? [] : out.slice(first, first + run.pixel_columns);
    if (members.length !== run.pixel_columns || members[members.length - 1].name !== run.last_column) continue;
    const row = {
      name: run.name,
      type: run.type,
      missing: run.missing,
      cells: rows * run.pixel_columns,
      unique: run.unique,
      min: run.min,
      max: run.max,
      mean: run.mean,
      std: run.std,
      pixelLike: { columns: run.pixel_columns, image: run.image ?? null, constant: members.filter((c) => c.dropped).length },
    };
    out = [...out.slice(0, first), row, ...out.slice(first + run.pixel_columns)];
  }
  return out;
}
