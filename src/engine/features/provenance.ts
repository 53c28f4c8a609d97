/**
 * @module engine/features/provenance
 * Which input column(s) each model feature came from, and in what share, recovered from the pipeline
 * state alone (so artifacts written before explanations existed have it too). An encoder's features
 * (one-hot indicators, date parts, text buckets, missing flags) all belong wholly to its column; a keep
 * step carries its columns' provenance along; a constructed term of two features belongs half to each
 * (a square, a function of one feature, wholly to that one). Explanations use it to sum per-feature
 * contributions back onto the columns a user sent.
 */
import { assertNever } from '../core/errors';
import type { StepState } from './steps';

/**
 * Provenance in compressed rows: feature j's sources are entries [start[j], start[j + 1]) of `input`
 * (an index into `inputs`) and `share` (summing to 1 per feature).
 */
export interface FeatureProvenance {
  /** Input column names, in pipeline order. */
  readonly inputs: readonly string[];
  readonly start: Int32Array;
  readonly input: Int32Array;
  readonly share: Float64Array;
}

/**
 * @param inputs the pipeline's input column names
 * @param encoderWidths features written by each input's encoder, in the same order
 * @param steps the matrix steps applied after encoding, in order
 */
export function featureProvenance(inputs: readonly string[], encoderWidths: readonly number[], steps: readonly StepState[]): FeatureProvenance {
  // Built once per loaded model, so plain maps are fine here; serving reads the flat arrays.
  let sources: Map<number, number>[] = encoderWidths.flatMap((w, k) => Array.from({ length: w }, () => new Map([[k, 1]])));
  for (const step of steps) {
    switch (step.kind) {
      case 'keep':
        sources = step.columns.map((j) => sources[j]);
        break;
      case 'construct': {
        const built = step.terms.map((t) => {
          const out = new Map<number, number>();
          const a = sources[t.a];
          const b = sources[t.b];
          if (t.op === 'square' || t.a === t.b) addScaled(out, a, 1);
          else {
            addScaled(out, a, 0.5);
            addScaled(out, b, 0.5);
          }
          return out;
        });
        sources = [...sources, ...built];
        break;
      }
      default:
        assertNever(step, 'pipeline step');
    }
  }
  const start = new Int32Array(sources.length + 1);
  for (let j = 0; j < sources.length; j++) start[j + 1] = start[j] + sources[j].size;
  const input = new Int32Array(start[sources.length]);
  const share = new Float64Array(start[sources.length]);
  sources.forEach((m, j) => {
    let e = start[j];
    for (const [k, s] of m) {
      input[e] = k;
      share[e++] = s;
    }
  });
  return { inputs, start, input, share };
}

function addScaled(into: Map<number, number>, from: ReadonlyMap<number, number>, scale: number): void {
  for (const [k, s] of from) into.set(k, (into.get(k) ?? 0) + s * scale);
}
