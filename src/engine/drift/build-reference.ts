/**
 * @module engine/drift/build-reference
 * Builds a model version's drift reference from its training dataset (the columnar form stored at
 * ingest) and the model's input columns. Columns are read with the types the model used (a job's type
 * overrides are re-applied from the inputs). Choices, per type:
 * - numeric: decile edges of the present values, then the share of rows per bin and missing;
 * - categorical and boolean: the MAX_TOP_CATEGORIES most frequent levels, "other" and missing;
 * - text: the length in characters, binned like a number (free text has no fixed set of values);
 * - datetime: skipped. Live dates are later than training dates by nature, so a date column would always
 *   read as drifted; what matters for a model is usually a date's derived parts, not the date itself.
 * Large datasets are profiled on an evenly strided subsample (deciles of 100,000 rows are exact enough).
 */
import { EngineError } from '../core/errors';
import type { CodedColumn, Column, Dataset } from '../data/dataset';
import { applyOverrides, inputOverrides } from '../data/overrides';
import { float32Text } from '../data/numeric-precision';
import type { InputColumn } from '../features/pipeline';
import { type AnyEnvelope, ENSEMBLE_FORMAT } from '../serialize/envelope';
import { numericBin } from './binner';
import {
  type CategoricalFeatureReference,
  DRIFT_REFERENCE_FORMAT,
  DRIFT_REFERENCE_VERSION,
  type DriftReference,
  type FeatureReference,
  layoutOf,
  MAX_TOP_CATEGORIES,
  NUMERIC_BINS,
  type NumericFeatureReference,
  type SkippedFeature,
} from './reference';

export interface ReferenceOptions {
  /** Most training rows profiled; larger datasets are subsampled with an even stride. */
  readonly maxRows: number;
}

export const REFERENCE_DEFAULTS: Readonly<ReferenceOptions> = Object.freeze({ maxRows: 100_000 });

export function resolveReferenceOptions(options: Partial<ReferenceOptions> = {}): ReferenceOptions {
  const maxRows = options.maxRows ?? REFERENCE_DEFAULTS.maxRows;
  if (!(Number.isInteger(maxRows) && maxRows > 0)) throw new EngineError('invalid_params', `maxRows must be a positive integer, got ${maxRows}`, { field: 'maxRows' });
  return { maxRows };
}

const DATETIME_REASON = 'datetime: live dates are later than training dates by nature, so their distribution always shifts; not profiled';

/** The input columns of a model or ensemble artifact (the union over members, first declaration wins). */
export function artifactInputs(artifact: AnyEnvelope): InputColumn[] {
  const envelopes = artifact.format === ENSEMBLE_FORMAT ? artifact.members.map((m) => m.envelope) : [artifact];
  const seen = new Map<string, InputColumn>();
  for (const e of envelopes) for (const input of e.pipeline.inputs) if (!seen.has(input.name)) seen.set(input.name, input);
  return [...seen.values()];
}

export function buildDriftReference(stored: Dataset, inputs: readonly InputColumn[], options?: Partial<ReferenceOptions>): DriftReference {
  const { maxRows } = resolveReferenceOptions(options);
  const skipped: SkippedFeature[] = [];
  const present = inputs.filter((input) => {
    const ok = stored.columns.some((c) => c.name === input.name);
    if (!ok) skipped.push({ name: input.name, type: input.type, reason: 'not in the training dataset' });
    return ok;
  });
  // Read every column as the model did: the same retyping a job's overrides applied at training time.
  const { dataset } = applyOverrides(stored, inputOverrides(present));
  const rows = sampleRows(dataset.rows, maxRows);
  const features: FeatureReference[] = [];
  for (const input of present) {
    const col = dataset.columns.find((c) => c.name === input.name) as Column;
    const profile = profileColumn(col, rows);
    if (typeof profile === 'string') skipped.push({ name: col.name, type: col.type, reason: profile });
    else features.push(profile);
  }
  return { format: DRIFT_REFERENCE_FORMAT, version: DRIFT_REFERENCE_VERSION, layout: layoutOf(features), rows: rows.length, features, skipped };
}

/** Row indices to profile: all of them, or maxRows spread evenly over the dataset. */
function sampleRows(n: number, maxRows: number): Int32Array {
  const take = Math.min(n, maxRows);
  const out = new Int32Array(take);
  for (let k = 0; k < take; k++) out[k] = take === n ? k : Math.floor((k * n) / take);
  return out;
}

/** A feature's profile, or the reason it has none. */
function profileColumn(col: Column, rows: Int32Array): FeatureReference | string {
  if (col.type === 'datetime') return DATETIME_REASON;
  if (col.storage === 'f64') {
    if (col.type !== 'numeric') return `${col.type}: not profiled`;
    const values = new Float64Array(rows.length);
    // A column stored as Float32 (numeric-precision) holds 0.699999988 for the 0.7 uploaded, and a live
    // 0.7 is a double above that edge: the training row sent back would land one bin higher. Its cells
    // are profiled as the decimals they were read from, as live cells are.
    const narrowed = col.values instanceof Float32Array;
    for (let k = 0; k < rows.length; k++) {
      const v = col.values[rows[k]];
      values[k] = narrowed && v === v ? Number(float32Text(v)) : v;
    }
    return numericProfile(col, 'numeric', values);
  }
  if (col.type === 'text') {
    // Length per level once, then per row: the same trimmed length the live side measures.
    const lengths = col.levels.map((l) => l.trim().length);
    const values = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const code = col.codes[rows[k]];
      values[k] = code < 0 ? NaN : lengths[code];
    }
    return numericProfile(col, 'text_length', values);
  }
  if (col.type === 'categorical' || col.type === 'boolean') return categoricalProfile(col, rows);
  return `${col.type}: not profiled`;
}

function numericProfile(col: Column, kind: NumericFeatureReference['kind'], values: Float64Array): NumericFeatureReference {
  let present = 0;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) present++;
  const finite = new Float64Array(present);
  present = 0;
  for (let k = 0; k < values.length; k++) if (!Number.isNaN(values[k])) finite[present++] = values[k];
  finite.sort();
  const edges: number[] = [];
  for (let q = 1; q < NUMERIC_BINS; q++) {
    if (finite.length === 0) break;
    // The q-th decile as the smallest value with at least q/10 of the values at or below it.
    const edge = finite[Math.max(0, Math.ceil((q * finite.length) / NUMERIC_BINS) - 1)];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  const counts = new Float64Array(edges.length + 2);
  for (let k = 0; k < values.length; k++) counts[numericBin(edges, values[k])]++;
  return { name: col.name, type: col.type, kind, edges, proportions: shares(counts, values.length) };
}

function categoricalProfile(col: CodedColumn, rows: Int32Array): CategoricalFeatureReference {
  const perLevel = new Float64Array(col.levels.length);
  let missing = 0;
  for (let k = 0; k < rows.length; k++) {
    const code = col.codes[rows[k]];
    if (code < 0) missing++;
    else perLevel[code]++;
  }
  // Most frequent first; ties keep level order so the same data always gives the same layout.
  const top = Array.from(perLevel.keys())
    .filter((code) => perLevel[code] > 0)
    .sort((a, b) => perLevel[b] - perLevel[a] || a - b)
    .slice(0, MAX_TOP_CATEGORIES);
  const counts = new Float64Array(top.length + 2);
  top.forEach((code, k) => (counts[k] = perLevel[code]));
  counts[top.length] = rows.length - missing - counts.reduce((s, c) => s + c, 0);
  counts[top.length + 1] = missing;
  return { name: col.name, type: col.type, kind: 'categorical', categories: top.map((code) => col.levels[code]), proportions: shares(counts, rows.length) };
}

function shares(counts: Float64Array, total: number): number[] {
  return Array.from(counts, (c) => (total > 0 ? c / total : 0));
}
