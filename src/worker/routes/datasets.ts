/**
 * @module worker/routes/datasets
 * Dataset routes. An upload is parsed once (CSV), typed, profiled and written to R2 in raw and columnar
 * form under a fresh upload id; only then is the version registered, so a failed or aborted upload never
 * leaves a visible version (its orphan files are deleted on the way out).
 */
import { Hono } from 'hono';
import { encodeDataset, inferDataset } from '../../engine';
import { CSV_TYPES, mediaTypeOf, readCsvBody } from '../csv-body';

import type { AuthVars } from '../auth';
import { ApiError, notFound } from '../errors';
import { enforceFieldSize, readLimits } from '../limits';
import { validName } from '../names';
import { datasetPrefix, writeObject } from '../storage';

type App = { Bindings: Env; Variables: AuthVars };

export const datasets = new Hono<App>();

const PARQUET_TYPES = new Set(['application/vnd.apache.parquet', 'application/x-parquet']);

datasets.put('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const tenant = c.get('tenant');
  const mediaType = mediaTypeOf(c.req.header('content-type'));
  if (PARQUET_TYPES.has(mediaType)) throw new ApiError(415, 'unsupported_media_type', 'Parquet uploads are not supported yet; send the table as CSV (Content-Type: text/csv)');
  if (!CSV_TYPES.has(mediaType)) {
    throw new ApiError(415, 'unsupported_media_type', `Content-Type "${mediaType || '(none)'}" is not accepted; send CSV with Content-Type: text/csv`, { field: 'content-type' });
  }
  const limits = readLimits(c.env);
  const { bytes, table } = await readCsvBody(c.req.raw, { maxBytes: limits.maxUploadBytes, maxRows: limits.maxRows, maxColumns: limits.maxColumns });
  enforceFieldSize(table, limits.maxFieldBytes);
  // No type overrides, as a prototype-less object: a column named "constructor" or "__proto__" must not
  // find Object.prototype's members where the engine looks up an override by column name.
  const { dataset, profile } = inferDataset(table, Object.create(null));

  const prefix = datasetPrefix(tenant, name, crypto.randomUUID());
  const rawKey = `${prefix}/raw.csv`;
  const dataKey = `${prefix}/data.eac`;
  try {
    await writeObject(c.env.STORE, rawKey, bytes, 'upload', 'text/csv');
    await writeObject(c.env.STORE, dataKey, encodeDataset(dataset), 'upload');
    const registry = c.env.REGISTRY.getByName(tenant);
    const version = await registry.addDatasetVersion(name, {
      rows: dataset.rows,
      bytes: bytes.byteLength,
      columns: profile,
      raw_key: rawKey,
      data_key: dataKey,
      created_at: new Date().toISOString(),
    });
    return c.json(publicDataset(version, false), 201);
  } catch (err) {
    await c.env.STORE.delete([rawKey, dataKey]).catch(() => undefined);
    throw err;
  }
});

datasets.get('/', async (c) => {
  const list = await c.env.REGISTRY.getByName(c.get('tenant')).listDatasets();
  return c.json({ datasets: list });
});

datasets.get('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const versionParam = c.req.query('version');
  const version = versionParam === undefined ? undefined : Number(versionParam);
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) throw new ApiError(400, 'invalid_request', 'version must be a positive integer', { field: 'version' });
  const found = await c.env.REGISTRY.getByName(c.get('tenant')).getDataset(name, version);
  if (!found) throw notFound('dataset', name);
  return c.json(publicDataset(found, true));
});

datasets.delete('/:dataset', async (c) => {
  const name = validName(c.req.param('dataset'), 'dataset');
  const keys = await c.env.REGISTRY.getByName(c.get('tenant')).deleteDataset(name);
  if (!keys) throw notFound('dataset', name);
  await c.env.STORE.delete(keys);
  return c.body(null, 204);
});

/** The contract's dataset shape; per-column summary statistics only on GET. */
function publicDataset(
  v: { name: string; version: number; rows: number; bytes: number; created_at: string; columns: readonly ({ name: string; type: string; missing: number; unique: number } & Record<string, unknown>)[] },
  withStats: boolean,
) {
  return {
    name: v.name,
    version: v.version,
    rows: v.rows,
    bytes: v.bytes,
    columns: v.columns.map((col) => (withStats ? col : { name: col.name, type: col.type, missing: col.missing, unique: col.unique, ...(col.dropped ? { dropped: col.dropped } : {}) })),
    created_at: v.created_at,
  };
}

