/**
 * @module worker/routes/drift
 * `GET /v1/models/{model}/drift?version=N&hours=24`: how far live prediction inputs have moved from the
 * training data, per feature, as a PSI (engine/drift/psi, measured by worker/live-drift) with its reading
 * and the PSI sampling noise alone would give (`noise_psi`, and `within_noise` when the reading does not
 * stand above what noise reaches 99 times in 100). The version defaults to the champion; the
 * window is the last `hours` whole hours (1 to 168, default 24) of sampled predictions
 * (worker/drift-sampler). The first request for a version may compute its reference from the training
 * data; after that it is one read. No sampled rows yet: 200 with a note and no PSI; fewer rows than the
 * drift trigger's default min_rows: a note that the readings are within reach of noise. No reference
 * possible (the training dataset was deleted, or a forecast model, which takes no rows): 409
 * drift_reference_unavailable. An image's pixel columns are one `px_*` entry (worker/drift-answer), or
 * every one with `?detail=pixels`; pixel columns named otherwise are one entry too, named after them
 * (`p0..p63`), which the model's own shape tells (namedPixelShape).
 */
import { Hono } from 'hono';
import { type DriftReference, EngineError } from '../../engine';
import type { ImageShape } from '../../engine/core/image-shape';
import { pixelGridOf } from '../../engine/data/pixel-grid';
import type { ModelVersionInfo } from '../../durable/registry';
import { RETENTION_HOURS } from '../../durable/drift-monitor';
import { DRIFT_TRIGGER_DEFAULTS } from '../../durable/retrain-rules';
import type { AuthVars } from '../auth';
import { driftEntries, PIXEL_DETAIL } from '../drift-answer';
import { ApiError } from '../errors';
import { imageShapeOf } from '../image-rows';
import { measureLiveDrift } from '../live-drift';
import { loadPredictor } from '../model-cache';
import { describedVersion } from '../model-versions';
import { positiveIntegerParam } from '../integer-param';
import { validName } from '../names';

type App = { Bindings: Env; Variables: AuthVars };

export const drift = new Hono<App>();

const DEFAULT_HOURS = 24;

/** `?detail=pixels` lists every pixel column of an image model; nothing else is a detail. */
function perPixelParam(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (raw === PIXEL_DETAIL) return true;
  throw new ApiError(400, 'invalid_request', `detail: expected "${PIXEL_DETAIL}" (every pixel column of an image model), got "${raw.slice(0, 40)}"`, { field: 'detail' });
}

drift.get('/:model/drift', async (c) => {
  const name = validName(c.req.param('model'), 'model');
  const version = positiveIntegerParam(c.req.query('version'), 'version');
  const hours = positiveIntegerParam(c.req.query('hours'), 'hours', RETENTION_HOURS) ?? DEFAULT_HOURS;
  const perPixel = perPixelParam(c.req.query('detail'));
  const tenant = c.get('tenant');
  const resolved = await describedVersion(c.env, tenant, name, version);
  if (resolved.task === 'forecast') {
    // A forecaster takes no rows, so there are no live inputs to compare: its series is its input.
    throw new ApiError(409, 'drift_reference_unavailable', `model "${name}" is a forecast model: it takes no input rows, so there is no input drift to measure`, {
      model: name,
      version: resolved.version,
    });
  }
  const measured = await measureLiveDrift(c.env, tenant, name, resolved, hours);
  if (!measured.ok) {
    throw new ApiError(409, 'drift_reference_unavailable', `model "${name}" version ${resolved.version} has no drift reference: ${measured.reason}`, {
      model: name,
      version: resolved.version,
      dataset: resolved.dataset,
    });
  }
  const { reference, window, live } = measured;
  const named = perPixel ? undefined : await namedPixelShape(c.env, resolved, reference);
  const { features, skipped } = driftEntries(reference, measured.features, perPixel, named);
  return c.json({
    model: name,
    version: resolved.version,
    rows_sampled: live.rows,
    window: { from: window.from, to: window.to, hours },
    reference: { dataset: resolved.dataset, rows: reference.rows },
    features,
    skipped,
    ...noteOn(live.rows, resolved.version, hours),
  });
});

/**
 * The image shape of a model whose pixel columns are not named `px_*`, which alone names them (their
 * names say nothing); undefined for any other model. Only a reference of numeric features without a
 * `px_*` grid can be such a model's (an image job reads numeric pixels and nothing else), so other models
 * are not loaded for it; the version's model comes from the isolate's cache, as predictions load it. An
 * artifact that cannot be loaded leaves the features listed one by one: drift is measured without it.
 */
async function namedPixelShape(env: Env, version: ModelVersionInfo, reference: DriftReference): Promise<ImageShape | undefined> {
  const names = reference.features.map((f) => f.name);
  if (names.length < 2 || reference.features.some((f) => f.kind !== 'numeric') || pixelGridOf(names)) return undefined;
  try {
    const shape = imageShapeOf((await loadPredictor(env, version.artifact_key)).envelope);
    return shape?.columnNames ? shape : undefined;
  } catch (err) {
    if (!(err instanceof EngineError && err.code === 'bad_artifact')) throw err;
    console.error(`drift of ${version.artifact_key}: its model cannot be loaded to tell its pixel columns, so they are listed one by one`, err);
    return undefined;
  }
}

/** What to tell about the sample itself: none yet, or too few rows for the readings to mean much. */
function noteOn(rows: number, version: number, hours: number): { note?: string } {
  if (rows === 0) return { note: `no predictions of version ${version} were sampled in the last ${hours} h yet; PSI needs live rows (a few hundred for a reliable reading)` };
  if (rows < DRIFT_TRIGGER_DEFAULTS.min_rows) {
    return {
      // In words, not field names: the CLI and the dashboard print it as it is, beside their own column names.
      note: `only ${rows} prediction row${rows === 1 ? '' : 's'} sampled in the last ${hours} h: at this size sampling noise alone reads a PSI of ${(9 / rows).toPrecision(2)} or more on a feature of ten deciles (each feature's noise is given beside its reading), so only a reading well above its noise is a shift; readings hold from a few hundred rows (drift-triggered retraining waits for ${DRIFT_TRIGGER_DEFAULTS.min_rows} by default)`,
    };
  }
  return {};
}
