/**
 * @module engine/drift/reference
 * The reference profile of a model version's training data: for each input column, the bins live
 * traffic is counted in and the share of training rows in each. Numeric columns (and text, by length)
 * are binned at training deciles, coded columns by their most frequent categories; every feature also
 * has a "missing" bin, so a column that starts arriving empty is drift too. The profile is stored once
 * per version as JSON, tagged and versioned like every artifact; `layout` names its bins, so counts
 * gathered against one layout are never merged with counts of another.
 */
import type { ColumnType } from '../data/column-types';
import { EngineError } from '../core/errors';

export const DRIFT_REFERENCE_FORMAT = 'edge-automl/drift-reference';
export const DRIFT_REFERENCE_VERSION = 1;

/** Value bins of a numeric profile: cut at the training deciles. */
export const NUMERIC_BINS = 10;
/** Categories kept by name in a coded profile; the rest share the "other" bin. */
export const MAX_TOP_CATEGORIES = 20;

/**
 * Numbers (or text lengths) binned at training deciles. Bins are right-closed: (-inf, e0], (e0, e1], ...,
 * (e_last, +inf), then missing; so there are edges.length + 2 bins. Edges are distinct: a column with few
 * distinct values has fewer bins, and its decile cuts land exactly on its values.
 */
export interface NumericFeatureReference {
  readonly name: string;
  readonly type: ColumnType;
  /** 'text_length': free text, profiled by its length in characters (it has no fixed set of values). */
  readonly kind: 'numeric' | 'text_length';
  readonly edges: readonly number[];
  readonly proportions: readonly number[];
}

/** The most frequent training categories by name, then "other" (rarer or never seen), then missing. */
export interface CategoricalFeatureReference {
  readonly name: string;
  readonly type: ColumnType;
  readonly kind: 'categorical';
  readonly categories: readonly string[];
  readonly proportions: readonly number[];
}

export type FeatureReference = NumericFeatureReference | CategoricalFeatureReference;

/** An input column that has no drift profile, with the reason. */
export interface SkippedFeature {
  readonly name: string;
  readonly type: ColumnType;
  readonly reason: string;
}

export interface DriftReference {
  readonly format: typeof DRIFT_REFERENCE_FORMAT;
  readonly version: typeof DRIFT_REFERENCE_VERSION;
  /** Fingerprint of the bins (names, kinds, edges, categories); sketches carry it to be merged safely. */
  readonly layout: string;
  /** Training rows the proportions were computed on (a strided subsample of large datasets). */
  readonly rows: number;
  readonly features: readonly FeatureReference[];
  readonly skipped: readonly SkippedFeature[];
}

/** Number of bins of a feature, the missing bin included. */
export function binCount(f: FeatureReference): number {
  return f.kind === 'categorical' ? f.categories.length + 2 : f.edges.length + 2;
}

const show = (x: number) => String(Number(x.toPrecision(6)));

/** Human-readable bin names, in bin order (for reports; bins are identified by position). */
export function binLabels(f: FeatureReference): string[] {
  if (f.kind === 'categorical') return [...f.categories, '(other)', '(missing)'];
  const e = f.edges;
  if (e.length === 0) return ['(any value)', '(missing)'];
  const labels = [`<= ${show(e[0])}`];
  for (let k = 1; k < e.length; k++) labels.push(`(${show(e[k - 1])}, ${show(e[k])}]`);
  labels.push(`> ${show(e[e.length - 1])}`, '(missing)');
  return labels;
}

/** 32-bit FNV-1a of a string, as 8 hex digits: short and stable, enough to tell layouts apart. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The layout fingerprint of a list of feature profiles (proportions excluded: they are not bins). */
export function layoutOf(features: readonly FeatureReference[]): string {
  return fingerprint(JSON.stringify(features.map((f) => [f.name, f.kind, f.kind === 'categorical' ? f.categories : f.edges])));
}

/** Checks a stored reference (parsed JSON): format tag, version and bin shapes; anything else is bad_artifact. */
export function parseDriftReference(json: unknown): DriftReference {
  const r = json as Partial<DriftReference> | null;
  if (!r || typeof r !== 'object' || r.format !== DRIFT_REFERENCE_FORMAT) throw new EngineError('bad_artifact', 'not an edge-automl drift reference (format tag missing)');
  if (r.version !== DRIFT_REFERENCE_VERSION) throw new EngineError('bad_artifact', `unsupported drift reference version ${String(r.version)}`);
  if (typeof r.layout !== 'string' || !Array.isArray(r.features) || !Array.isArray(r.skipped)) throw new EngineError('bad_artifact', 'drift reference is incomplete');
  for (const f of r.features) {
    const kind = (f as { kind?: unknown }).kind;
    const ok =
      kind === 'categorical'
        ? Array.isArray(f.categories) && f.categories.every((c: unknown) => typeof c === 'string')
        : (kind === 'numeric' || kind === 'text_length') && Array.isArray(f.edges) && f.edges.every(Number.isFinite);
    if (!ok || !Array.isArray(f.proportions) || f.proportions.length !== binCount(f)) {
      throw new EngineError('bad_artifact', `drift reference feature "${String(f?.name)}" is malformed`);
    }
  }
  if (layoutOf(r.features) !== r.layout) throw new EngineError('bad_artifact', 'drift reference layout does not match its bins');
  return r as DriftReference;
}
