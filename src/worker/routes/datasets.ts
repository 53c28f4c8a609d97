/**
 * @module worker/routes/datasets
 * Dataset routes. An upload is parsed once (a CSV or Parquet table, or a zip of class folders of images
 * that image-upload turns into a pixel table), typed, profiled and written to R2 in raw and columnar form
 * under a fresh upload id; only then is the version registered, so a failed or aborted upload never
 * leaves a visible version (its orphan files are deleted on the way out).
 */
import { Hono } from 'hono';
import type { ColumnProfile, Dataset } from '../../engine';
import { decodeDatasetYielding, encodeDatasetYielding } from '../../engine/data/columnar-codec';
import { inferDatasetYielding } from '../../engine/data/infer-schema';
import { appendRowsYielding } from '../../engine/data/append-rows';
import type { DatasetVersion } from '../../durable/registry';
import { appendedClassWarnings } from '../appended-classes';
import { checkAppendedSeries } from '../appended-series';
import { mediaTypeOf } from '../csv-body';

import type { AuthVars } from '../auth';
import { ApiError, notFound } from '../errors';
import { giveTurn } from '../give-turn';
import { positiveIntegerParam } from '../integer-param';
import { readLimits } from '../limits';
import { isImageUploadProfile, PIXEL_SUMMARY_NAME, readImageUpload, ZIP_TYPES } from '../image-upload';
import { validName } from '../names';
import { pixelLikeEntries } from '../pixel-like-view';
import { holdDatasetFiles } from '../dataset-files';
import { datasetFilesPrefix, datasetPrefix, deleteFilesBefore, deleteKeys, MAX_SWEPT, readObjectBytes, writeObject } from '../storage';
import { isTableType, maxDatasetCells, readTableBody } from '../table-body';

type App = { Bindings: Env; Variables: AuthVars };

/** A dataset's deletion leaves files younger than this: an upload in flight may be about to register them. */
const UPLOAD_IN_FLIGHT_MS = 15 * 60_000;

export const datasets = new Hono<App>();

datasets.put('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const tenant = c.get('tenant');
  const mediaType = mediaTypeOf(c.req.header('content-type'));
  if (!isTableType(mediaType) && !ZIP_TYPES.has(mediaType)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Content-Type "${mediaType || '(none)'}" is not accepted; send CSV with Content-Type: text/csv, Parquet with application/vnd.apache.parquet, or a zip of class folders of images with application/zip`,
      { field: 'content-type' },
    );
  }
  // Image options on a table would be ignored, and the table stored as it is: said, instead.
  const imageOption = ZIP_TYPES.has(mediaType) ? undefined : ['size', 'channels'].find((option) => c.req.query(option) !== undefined);
  if (imageOption) throw new ApiError(400, 'invalid_request', `?${imageOption} is for a zip of images (Content-Type: application/zip); a CSV or Parquet upload is stored as it is`, { field: imageOption });
  const limits = readLimits(c.env);
  const upload = ZIP_TYPES.has(mediaType) ? await readImageUpload(c.req.raw, { size: c.req.query('size'), channels: c.req.query('channels') }, limits.maxUploadBytes) : await readTableUpload(c.req.raw, mediaType, limits);
  const registry = c.env.REGISTRY.getByName(tenant);
  const version = await storeVersion(c.env.STORE, datasetPrefix(tenant, name, crypto.randomUUID()), RAW_FILES[upload.format], upload, (v) => registry.addDatasetVersion(name, v));
  return c.json(publicDataset(version, false), 201);
});

/**
 * Appends rows (CSV or Parquet, the dataset's columns in any order) as a new version: the stored table
 * plus the new rows, typed and profiled again (engine/data/append-rows). The file sent is kept as the
 * version's raw file (rows.csv or rows.parquet). Registered only if no other version came first (409).
 * Rows that repeat a point of a series a forecast model reads from the dataset are refused (400) first.
 */
datasets.post('/:dataset/rows', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const tenant = c.get('tenant');
  const mediaType = mediaTypeOf(c.req.header('content-type'));
  if (!isTableType(mediaType)) {
    throw new ApiError(415, 'unsupported_media_type', `Content-Type "${mediaType || '(none)'}" is not accepted; send the new rows as CSV (text/csv) or Parquet (application/vnd.apache.parquet)`, {
      field: 'content-type',
    });
  }
  const registry = c.env.REGISTRY.getByName(tenant);
  const base = await registry.getDataset(name);
  if (!base) throw notFound('dataset', name);
  if (isImageUploadProfile(base.columns)) {
    throw new ApiError(409, 'not_appendable', `dataset "${name}" holds images; upload a new zip of class folders (PUT) to add images`, { dataset: name });
  }
  const limits = readLimits(c.env);
  const { bytes, format, table } = await readTableBody(c.req.raw, mediaType, limits);
  // The longer dataset holds no more cells than one upload could: appends of files each under the limit
  // would otherwise grow it past what a job's isolate can load, to fail there instead of here.
  const cells = (base.rows + table.rows.length) * base.columns.length;
  const maxCells = maxDatasetCells(limits.maxUploadBytes);
  if (cells > maxCells) {
    throw new ApiError(413, 'payload_too_large', `dataset "${name}" would hold ${cells} cells (${base.rows + table.rows.length} rows x ${base.columns.length} columns) with these rows; a dataset may hold at most ${maxCells}, as one upload may: upload a new dataset of the rows to keep instead`, {
      rows: base.rows + table.rows.length,
      columns: base.columns.length,
      cells,
      limit: maxCells,
    });
  }
  // Decoded, checked, written back as text and typed again giving the thread's turn away (worker/give-turn).
  const storedBytes = await readObjectBytes(c.env.STORE, base.data_key, 'dataset').catch(async (err: unknown) => {
    // Deleted since the version was read: the 404 the request would get a moment later, not a 500.
    if (err instanceof ApiError && err.code === 'storage_missing' && !(await registry.getDataset(name))) throw notFound('dataset', name);
    throw err;
  });
  const stored = await decodeDatasetYielding(storedBytes, giveTurn);
  const naming = format === 'csv' ? 'line' : 'row';
  const { dataset, profile, added } = await appendRowsYielding(stored, table, naming, limits.maxRows, giveTurn);
  // A row repeating a point of a forecast model's series is refused before anything is written (appended-series).
  await checkAppendedSeries(c.env, tenant, { name, base_version: base.version, dataset, from: stored.rows, sent: table, naming });
  // A class no classification model reading the dataset ever predicted is taken, with a word on what follows.
  const warnings = [...(table.warnings ?? []), ...(await appendedClassWarnings(c.env, tenant, name, { dataset, from: stored.rows, sent: table, naming }))];
  const appended = { bytes, dataset, columns: profile, ...(warnings.length > 0 ? { warnings } : {}) };
  const version = await storeVersion(c.env.STORE, datasetPrefix(tenant, name, crypto.randomUUID()), APPENDED_FILES[format], appended, async (v) => {
    const registered = await registry.addDatasetVersionAfter(name, base.version, { ...v, appended: { base_version: base.version, rows: added } });
    if (registered) return registered;
    // No visible version to add to: the dataset was deleted meanwhile, and sending the rows again would not help.
    if (!(await registry.getDataset(name))) throw notFound('dataset', name);
    throw new ApiError(409, 'version_conflict', `dataset "${name}" got a new version while these rows were being added to version ${base.version}; send them again`, {
      dataset: name,
      base_version: base.version,
    });
  });
  return c.json(publicDataset(version, false), 201);
});

/**
 * Writes a version's raw file and typed data under a fresh prefix, then registers it; on any failure the
 * files are deleted again, so a refused or failed version leaves nothing behind.
 */
async function storeVersion<V>(
  store: R2Bucket,
  prefix: string,
  raw: { readonly file: string; readonly contentType: string },
  upload: { readonly bytes: Uint8Array; readonly dataset: Dataset; readonly columns: ColumnProfile[]; readonly warnings?: readonly string[] },
  register: (v: Omit<DatasetVersion, 'name' | 'version'>) => Promise<V>,
): Promise<V> {
  const rawKey = `${prefix}/${raw.file}`;
  const dataKey = `${prefix}/data.eac`;
  try {
    await writeObject(store, rawKey, upload.bytes, 'upload', raw.contentType);
    await writeObject(store, dataKey, await encodeDatasetYielding(upload.dataset, giveTurn), 'upload');
    return await register({
      rows: upload.dataset.rows,
      bytes: upload.bytes.byteLength,
      columns: upload.columns,
      raw_key: rawKey,
      data_key: dataKey,
      created_at: new Date().toISOString(),
      ...(upload.warnings ? { warnings: upload.warnings } : {}),
    });
  } catch (err) {
    await store.delete([rawKey, dataKey]).catch(() => undefined);
    throw err;
  }
}

/** The file as uploaded is kept beside the typed data, under a name that says its format. */
const RAW_FILES = {
  csv: { file: 'raw.csv', contentType: 'text/csv' },
  parquet: { file: 'raw.parquet', contentType: 'application/vnd.apache.parquet' },
  zip: { file: 'raw.zip', contentType: 'application/zip' },
} as const;

/** An appended version keeps the file of new rows it was made from. */
const APPENDED_FILES = {
  csv: { file: 'rows.csv', contentType: 'text/csv' },
  parquet: { file: 'rows.parquet', contentType: 'application/vnd.apache.parquet' },
} as const;

/** A CSV or Parquet upload parsed and typed (the profile has one entry per column; what reading left out, in warnings). */
async function readTableUpload(req: Request, mediaType: string, limits: ReturnType<typeof readLimits>) {
  const { bytes, format, table } = await readTableBody(req, mediaType, limits);
  // No type overrides, as a prototype-less object: a column named "constructor" or "__proto__" must not
  // find Object.prototype's members where the engine looks up an override by column name.
  // Typed and profiled giving the thread's turn away between columns and passes (worker/give-turn).
  const { dataset, profile } = await inferDatasetYielding(table, Object.create(null), {}, giveTurn);
  return { bytes, format, dataset, columns: profile, ...(table.warnings ? { warnings: table.warnings } : {}) };
}

datasets.get('/', async (c) => {
  const list = await c.env.REGISTRY.getByName(c.get('tenant')).listDatasets();
  return c.json({ datasets: list });
});

datasets.get('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const version = positiveIntegerParam(c.req.query('version'), 'version');
  const registry = c.env.REGISTRY.getByName(c.get('tenant'));
  const found = await registry.getDataset(name, version);
  if (found) return c.json(publicDataset(found, true));
  const latest = version === undefined ? null : await registry.getDataset(name);
  if (!latest) throw notFound('dataset', name);
  throw new ApiError(404, 'dataset_version_not_found', `dataset "${name}" has no version ${version} (its newest is ${latest.version})`, {
    dataset: name,
    version,
    latest_version: latest.version,
  });
});

datasets.delete('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const tenant = c.get('tenant');
  const hidden = await c.env.REGISTRY.getByName(tenant).deleteDataset(name);
  if (!hidden) throw notFound('dataset', name);
  if ('in_use_by' in hidden) {
    // Its trials, ensemble and the published model's drift reference and importances still read the data.
    throw new ApiError(409, 'dataset_in_use', `dataset "${name}" is being trained on by job ${hidden.in_use_by}; cancel it (DELETE /v1/jobs/${hidden.in_use_by}) or wait for it to end, then delete the dataset`, {
      dataset: name,
      job: hidden.in_use_by,
    });
  }
  // The dataset is deleted from here on (hidden in one step; a retry would find nothing): storage failing
  // now is logged, not answered, and what it leaves is swept by the next deletion of the name, which
  // deletes every file under its folder older than an upload in flight.
  try {
    // Two files a version: a dataset appended to hourly passes R2's 1,000 keys a call within three weeks.
    await deleteKeys(c.env.STORE, hidden.keys);
    // And whatever an upload killed before registering its version left beside them, but the files held
    // for a model version's drift reference and importances, still being built (worker/dataset-files).
    await deleteFilesBefore(c.env.STORE, datasetFilesPrefix(tenant, name), new Date(Date.now() - UPLOAD_IN_FLIGHT_MS), MAX_SWEPT, new Set(hidden.held.keys));
    await holdDatasetFiles(c.env, tenant, { dataset: name, ...hidden.held, since: Date.now() });
  } catch (err) {
    console.error(`deleting dataset ${tenant}/${name}: its files could not all be deleted; the next deletion of the name sweeps them`, err);
  }
  return c.body(null, 204);
});

/**
 * The contract's dataset shape; per-column summary statistics only on GET. An image dataset's pixel
 * summary entry carries the image shape and class counts, shown as a top-level `image` field; a table's
 * runs of pixel-like columns are summarised in `pixel_like` (with their pooled statistics on upload too).
 */
function publicDataset(
  v: {
    name: string;
    version: number;
    rows: number;
    bytes: number;
    created_at: string;
    columns: readonly ({ name: string; type: string; missing: number; unique: number } & Record<string, unknown>)[];
    appended?: { base_version: number; rows: number };
    warnings?: readonly string[];
  },
  withStats: boolean,
) {
  const image = v.columns.find((col) => col.name === PIXEL_SUMMARY_NAME && col.image)?.image;
  // Numbered columns that look like pixels (p0..p63): one entry beside `columns`, which still lists each.
  const pixelLike = image ? [] : pixelLikeEntries(v.columns as readonly ColumnProfile[], v.rows);
  return {
    name: v.name,
    version: v.version,
    rows: v.rows,
    bytes: v.bytes,
    ...(image ? { image } : {}),
    columns: v.columns.map(({ image: _shownAbove, ...col }) => columnView(col, withStats)),
    ...(pixelLike.length > 0 ? { pixel_like: pixelLike } : {}),
    created_at: v.created_at,
    // A version made by appending rows says so, wherever it is shown (its bytes are those of the rows sent).
    ...(v.appended ? { appended_rows: v.appended.rows, base_version: v.appended.base_version } : {}),
    // What reading the file left out (an unnamed column without values), for the uploader's eyes.
    ...(v.warnings ? { warnings: v.warnings } : {}),
  };
}

/**
 * One column as answered: with its summary statistics on GET, without on upload. The `px_*` entry of a
 * zip's pixels has them in both: it stands for every pixel column at once (its pooled range, mean and
 * std), and the upload answer left them out where GET showed them.
 */
function columnView(col: { name: string; type: string; missing: number; unique: number } & Record<string, unknown>, withStats: boolean) {
  if (withStats || (col.name === PIXEL_SUMMARY_NAME && col.pixel_columns)) return { ...col, ...timeRange(col) };
  return {
    name: col.name,
    type: col.type,
    missing: col.missing,
    unique: col.unique,
    ...(col.unique_capped === true ? { unique_capped: true } : {}),
    ...(col.dropped ? { dropped: col.dropped } : {}),
    // How dates were read, and a guessed order of day and month, are for the uploader's eyes first.
    ...(col.date_order ? { date_order: col.date_order } : {}),
    // Whether a numeric column's values are all whole says what the column holds, as its type does (absent
    // from profiles stored before it was added).
    ...(typeof col.integer === 'boolean' ? { integer: col.integer } : {}),
    ...(col.warnings ? { warnings: col.warnings } : {}),
  };
}

/** A datetime column's range as times a person reads (its min and max are epoch milliseconds). */
function timeRange(col: { type: string } & Record<string, unknown>): { first?: string; last?: string } {
  if (col.type !== 'datetime' || typeof col.min !== 'number' || typeof col.max !== 'number') return {};
  return { first: new Date(col.min).toISOString(), last: new Date(col.max).toISOString() };
}
