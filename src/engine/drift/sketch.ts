/**
 * @module engine/drift/sketch
 * Live counts per bin, against one drift reference. A sketch is tiny and fixed in size (one count per
 * bin: about 12 per numeric feature, at most 22 per coded one), whatever the traffic, and sketches of
 * the same layout merge by adding counts, in any order and grouping. DriftSketch accumulates prediction
 * rows inside one isolate; SketchCounts is its plain JSON form, sent to and merged by durable storage.
 */
import { EngineError } from '../core/errors';
import { binnerFor, type CellBinner } from './binner';
import { binCount, type DriftReference } from './reference';

export interface SketchCounts {
  /** The reference layout the bins belong to (see DriftReference.layout). */
  readonly layout: string;
  /** Rows counted; each row adds exactly one count to every feature. */
  readonly rows: number;
  /** Per feature, in the reference's order: the count in each bin. */
  readonly counts: readonly (readonly number[])[];
}

export function emptyCounts(reference: DriftReference): SketchCounts {
  return { layout: reference.layout, rows: 0, counts: reference.features.map((f) => new Array<number>(binCount(f)).fill(0)) };
}

/** Adds two sketches of one layout; refuses sketches whose layouts or shapes differ. */
export function mergeCounts(a: SketchCounts, b: SketchCounts): SketchCounts {
  const sameShape = a.layout === b.layout && a.counts.length === b.counts.length && a.counts.every((bins, f) => bins.length === b.counts[f].length);
  if (!sameShape) throw new EngineError('invalid_input', `cannot merge drift sketches of layouts ${a.layout} and ${b.layout}`, { layout: b.layout });
  return { layout: a.layout, rows: a.rows + b.rows, counts: a.counts.map((bins, f) => bins.map((c, k) => c + b.counts[f][k])) };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** Checks a sketch received from elsewhere (JSON): a layout, and whole non-negative counts. */
export function parseSketchCounts(json: unknown): SketchCounts {
  const s = json as Partial<SketchCounts> | null;
  const ok =
    !!s &&
    typeof s === 'object' &&
    typeof s.layout === 'string' &&
    isCount(s.rows) &&
    Array.isArray(s.counts) &&
    s.counts.every((bins) => Array.isArray(bins) && bins.every(isCount));
  if (!ok) throw new EngineError('invalid_input', 'not a drift sketch: expected {layout, rows, counts: number[][]} with whole non-negative counts');
  return s as SketchCounts;
}

/** Accumulates prediction rows into bin counts (one flat array; no allocation per row). */
export class DriftSketch {
  private readonly binners: readonly CellBinner[];
  private readonly names: readonly string[];
  /** Start of each feature's bins in `counts`; the last entry is the total. */
  private readonly offsets: Int32Array;
  private readonly counts: Float64Array;
  private counted = 0;

  constructor(readonly reference: DriftReference) {
    this.binners = reference.features.map(binnerFor);
    this.names = reference.features.map((f) => f.name);
    this.offsets = new Int32Array(reference.features.length + 1);
    reference.features.forEach((f, i) => (this.offsets[i + 1] = this.offsets[i] + binCount(f)));
    this.counts = new Float64Array(this.offsets[reference.features.length]);
  }

  /** Rows counted since creation or the last take(). */
  get rows(): number {
    return this.counted;
  }

  /**
   * Counts rows shaped like a predict request's (JSON values, or strings from a CSV body). A feature a
   * row leaves out counts as missing, exactly as the model reads it; anything but an object is ignored.
   */
  addRows(rows: readonly unknown[]): void {
    const { binners, names, offsets, counts } = this;
    for (const r of rows) {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) continue;
      const row = r as Record<string, unknown>;
      for (let f = 0; f < names.length; f++) {
        // Own properties only: a feature named "constructor" must not read Object.prototype.
        const v = Object.hasOwn(row, names[f]) ? row[names[f]] : undefined;
        counts[offsets[f] + binners[f](v)]++;
      }
      this.counted++;
    }
  }

  /** The counts so far as JSON, and a fresh start (what a flush sends). */
  take(): SketchCounts {
    const out = this.snapshot();
    this.counts.fill(0);
    this.counted = 0;
    return out;
  }

  /** Adds counts of the same layout back in (a flush that failed is retried with the next one). */
  absorb(other: SketchCounts): void {
    const merged = mergeCounts(this.snapshot(), other);
    merged.counts.forEach((bins, f) => this.counts.set(bins, this.offsets[f]));
    this.counted = merged.rows;
  }

  private snapshot(): SketchCounts {
    const counts = this.names.map((_, f) => Array.from(this.counts.subarray(this.offsets[f], this.offsets[f + 1])));
    return { layout: this.reference.layout, rows: this.counted, counts };
  }
}
