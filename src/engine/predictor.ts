/**
 * @module engine/predictor
 * Serving: a loaded model envelope that turns JSON rows into labels, probabilities or values. Loading does
 * all the work that can be done once (pipeline rebuild, model load), so each request only encodes its rows
 * and runs the model.
 */
import { EngineError } from './core/errors';
import { outputWidth, type Task } from './core/task';
import { type FeaturePipeline, loadPipeline } from './features/pipeline';
import { rowsToDataset } from './features/rows-to-dataset';
import type { FittedModel } from './models/model';
import { getModelSpec } from './models/registry';
import { type ModelEnvelope, parseEnvelope } from './serialize/envelope';

export interface PredictionResult {
  readonly predictions: (string | number)[];
  readonly probabilities?: Record<string, number>[];
}

export class Predictor {
  private constructor(
    readonly envelope: ModelEnvelope,
    private readonly pipeline: FeaturePipeline,
    private readonly model: FittedModel,
    private readonly known: ReadonlySet<string>,
  ) {}

  static async load(json: unknown): Promise<Predictor> {
    const envelope = parseEnvelope(json);
    const pipeline = loadPipeline(envelope.pipeline);
    const model = await getModelSpec(envelope.model.family).load(envelope.model);
    return new Predictor(envelope, pipeline, model, new Set(envelope.columns));
  }

  get task(): Task {
    return this.envelope.task;
  }

  /** Raw model outputs for already-validated rows (rows * outputWidth). */
  predictRaw(rows: readonly unknown[]): Float32Array {
    const ds = rowsToDataset(this.envelope.pipeline.inputs, this.known, rows);
    return this.model.predict(this.pipeline.transform(ds));
  }

  predictRows(rows: readonly unknown[]): PredictionResult {
    if (rows.length === 0) throw new EngineError('invalid_input', 'rows must hold at least one row', { field: 'rows' });
    const out = this.predictRaw(rows);
    const { task, classes } = this.envelope;
    if (task === 'regression') return { predictions: Array.from(out, (v) => v) };
    const k = outputWidth(task, classes.length);
    const predictions: string[] = [];
    const probabilities: Record<string, number>[] = [];
    for (let i = 0; i < rows.length; i++) {
      const p: Record<string, number> = {};
      if (task === 'binary') {
        p[classes[0]] = 1 - out[i];
        p[classes[1]] = out[i];
        predictions.push(out[i] >= 0.5 ? classes[1] : classes[0]);
      } else {
        let best = 0;
        for (let c = 0; c < k; c++) {
          p[classes[c]] = out[i * k + c];
          if (out[i * k + c] > out[i * k + best]) best = c;
        }
        predictions.push(classes[best]);
      }
      probabilities.push(p);
    }
    return { predictions, probabilities };
  }

  dispose(): void {
    this.model.dispose();
  }
}
