/**
 * @module engine/portable
 * A self-contained way to use a trained model outside Cloudflare: give `loadModel` the artifact exactly
 * as the service stores it (the JSON text of a model or ensemble, or the parsed object) and get back
 * `predict(rows)`, `explain(rows)` and a description. It is the serving Predictor itself, with no Workers
 * imports, so Node, Deno, Bun or a browser predict exactly what the Worker does: tree, forest, linear and
 * kNN models are pure TypeScript over float32 typed arrays and give bit-identical outputs everywhere.
 *
 * Neural networks (families 'mlp' and 'cnn') run on TensorFlow.js, which stays an external dependency
 * (`@tensorflow/tfjs-core`, `-layers`, `-backend-wasm` must be importable, as `npm i` provides; a browser
 * needs an import map). Before an MLP is loaded a tfjs backend must be active: pass `backend` (the name
 * of one you registered, e.g. 'wasm' or 'webgl'), or `initBackend` for full control (workerd uses
 * models/nn/backend initWasmBackend); by default, when none is active, the loader imports
 * `@tensorflow/tfjs-backend-cpu` and selects 'cpu'. An MLP gives identical outputs on the same backend;
 * across backends it may differ in the last float32 bits.
 *
 * `npx tsx scripts/build-loader.ts` bundles this module into one ESM file, dist/edge-automl-loader.mjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from './core/errors';
import type { Task } from './core/task';
import type { DateOrder } from './data/date-layout';
import type { ExplainResult } from './explain/explanation';
import type { ModelFamily } from './models/model';
import { type PredictionResult, Predictor } from './predictor';
import { ENSEMBLE_FORMAT, envelopeFamilies, parseAnyEnvelope } from './serialize/envelope';

export type { ExplainResult, ExplanationSpace, RowExplanation } from './explain/explanation';
export type { PredictionResult } from './predictor';
export { EngineError } from './core/errors';

/** Families whose models run on TensorFlow.js and so need a backend before loading. */
const TFJS_FAMILIES: ReadonlySet<ModelFamily> = new Set(['mlp', 'cnn']);

/** Options of {@link loadModel}; every field is optional. */
export interface LoadModelOptions {
  /** Name of an already registered tfjs backend to activate before loading an MLP ('cpu', 'wasm', 'webgl'). */
  readonly backend?: string;
  /** Activates a tfjs backend yourself before an MLP is loaded (called only when the artifact has one). */
  readonly initBackend?: () => Promise<void> | void;
}

/** What a loaded model is. */
export interface ModelInfo {
  readonly kind: 'model' | 'ensemble';
  readonly task: Task;
  readonly target: string;
  /** Class labels (classification); probabilities and multiclass explanations are keyed by them. */
  readonly classes: readonly string[];
  readonly metric: string;
  /** Model families used (one, or an ensemble's distinct members). */
  readonly families: readonly ModelFamily[];
  /**
   * The columns the model reads from each row, with the type it expects; `dateOrder`, for a datetime input
   * trained on dates such as 03/15/2024, is the layout it reads them in (ISO-8601 reads too).
   */
  readonly inputs: readonly { readonly name: string; readonly type: string; readonly dateOrder?: DateOrder }[];
  /** Every column of the training data; rows may carry any of them (the target and unused ones are ignored). */
  readonly columns: readonly string[];
}

export interface PortableModel {
  readonly info: ModelInfo;
  /** Labels (classification) or values (regression) per row, plus class probabilities for classification. */
  predict(rows: readonly unknown[]): PredictionResult;
  /** Per-column contributions per row (see explain/explanation for shapes and spaces). */
  explain(rows: readonly unknown[]): ExplainResult;
  /** Frees tfjs memory held by an MLP; a no-op for other families. */
  dispose(): void;
}

/**
 * Loads a model or ensemble artifact (its stored JSON text, or the parsed object).
 * @throws EngineError('bad_artifact') for anything that is not an artifact of a known format and version
 */
export async function loadModel(artifact: string | object, options: LoadModelOptions = {}): Promise<PortableModel> {
  let json: unknown = artifact;
  if (typeof artifact === 'string') {
    try {
      json = JSON.parse(artifact);
    } catch (cause) {
      throw new EngineError('bad_artifact', 'the artifact text is not valid JSON', {}, { cause });
    }
  }
  const parsed = parseAnyEnvelope(json);
  const families = envelopeFamilies(parsed);
  if (families.some((f) => TFJS_FAMILIES.has(f))) await ensureBackend(options);
  const predictor = await Predictor.load(parsed);
  const members = parsed.format === ENSEMBLE_FORMAT ? parsed.members.map((m) => m.envelope) : [parsed];
  const inputs = new Map<string, ModelInfo['inputs'][number]>();
  for (const m of members) {
    for (const input of m.pipeline.inputs) if (!inputs.has(input.name)) inputs.set(input.name, { name: input.name, type: input.type, ...(input.dateOrder ? { dateOrder: input.dateOrder } : {}) });
  }
  const info: ModelInfo = {
    kind: parsed.format === ENSEMBLE_FORMAT ? 'ensemble' : 'model',
    task: parsed.task,
    target: parsed.target,
    classes: [...parsed.classes],
    metric: parsed.metric,
    families,
    inputs: [...inputs.values()],
    columns: [...parsed.columns],
  };
  return {
    info,
    predict: (rows) => predictor.predictRows(rows),
    explain: (rows) => predictor.explainRows(rows),
    dispose: () => predictor.dispose(),
  };
}

/** Makes a tfjs backend active for an MLP: the caller's choice, else the one already active, else cpu. */
async function ensureBackend(options: LoadModelOptions): Promise<void> {
  if (options.initBackend) {
    await options.initBackend();
    return;
  }
  if (options.backend) {
    if (!(await tf.setBackend(options.backend))) throw new EngineError('invalid_params', `the tfjs backend "${options.backend}" could not be initialised; register it first`);
    return;
  }
  // tf.getBackend() reports the active backend without initialising one.
  if (tf.getBackend()) return;
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new EngineError('invalid_params', 'the tfjs cpu backend could not be initialised; pass `backend` or `initBackend`');
}
