/**
 * @module engine/models/nn/mlp-options
 * The MLP's search space, defaults and the one function that turns sampled parameters into validated
 * training options, including the work budget that caps epochs. Kept apart from the training code so
 * the space can be read (and tested) without tfjs.
 */
import { EngineError } from '../../core/errors';
import type { DataShape } from '../model';
import { categorical, float, int, type Params, type SearchSpace } from '../../search/space';

/** Validated MLP training options (camelCase mirror of the snake_case search parameters). */
export interface MlpOptions {
  readonly hiddenLayers: number;
  readonly hiddenUnits: number;
  readonly dropout: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly batchSize: number;
  /** Upper bound on epochs; early stopping and the work budget may end training sooner. */
  readonly epochs: number;
  /** Epochs without a validation improvement before stopping. */
  readonly patience: number;
  /** Work budget: at most this many training rows processed (rows x epochs). */
  readonly maxRowEpochs: number;
  /** Work budget: modelled wasm-SIMD milliseconds for one fit (see epochCostMs), never a clock reading. */
  readonly maxFitCostMs: number;
}

/** Default parameters; `patience`, `max_row_epochs` and `max_fit_cost_ms` are fixed knobs, not searched. */
export const MLP_DEFAULTS = Object.freeze({
  hidden_layers: 2,
  hidden_units: 128,
  dropout: 0.1,
  learning_rate: 1e-3,
  l2: 1e-5,
  batch_size: 128,
  epochs: 100,
  patience: 10,
  max_row_epochs: 4_000_000,
  // A trial runs up to 6 fits (5 folds + refit) inside the 300 s CPU limit of wrangler.toml.
  max_fit_cost_ms: 20_000,
});

/** Batch sizes the search may pick. */
export const MLP_BATCH_SIZES = [32, 64, 128, 256, 512] as const;

/** The tunable parameters. Bounds do not depend on the data yet; the work budget adapts epochs instead. */
export function mlpSpace(_shape: DataShape): SearchSpace {
  return {
    hidden_layers: int(1, 3),
    hidden_units: int(16, 256, true),
    dropout: float(0, 0.5),
    learning_rate: float(1e-4, 1e-2, true),
    l2: float(1e-6, 1e-2, true),
    batch_size: categorical(...MLP_BATCH_SIZES),
    epochs: int(10, 200, true),
  };
}

/** A strong default; larger batches on large data because per-epoch cost falls steeply with batch size. */
export function mlpDefaults(shape: DataShape): Params {
  const batch = shape.rows >= 100_000 ? 512 : shape.rows >= 20_000 ? 256 : 128;
  const { patience: _p, max_row_epochs: _r, max_fit_cost_ms: _c, ...searched } = MLP_DEFAULTS;
  return { ...searched, batch_size: batch };
}

/** Reads and validates parameters (missing ones take MLP_DEFAULTS); throws EngineError('invalid_params'). */
export function resolveMlpOptions(params: Params): MlpOptions {
  const num = (key: keyof typeof MLP_DEFAULTS, lo: number, hi: number, integer = false): number => {
    const raw = params[key] ?? MLP_DEFAULTS[key];
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      throw new EngineError('invalid_params', `mlp parameter "${key}" must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(raw)}`, { param: key });
    }
    return v;
  };
  return {
    hiddenLayers: num('hidden_layers', 1, 3, true),
    hiddenUnits: num('hidden_units', 1, 4096, true),
    dropout: num('dropout', 0, 0.9),
    learningRate: num('learning_rate', 1e-6, 1),
    l2: num('l2', 0, 1),
    batchSize: num('batch_size', 1, 65536, true),
    epochs: num('epochs', 1, 10_000, true),
    patience: num('patience', 1, 10_000, true),
    maxRowEpochs: num('max_row_epochs', 1, 1e12),
    maxFitCostMs: num('max_fit_cost_ms', 1, 1e9),
  };
}

/** Layer widths from input to output, e.g. [30, 128, 128, 1]. */
export function layerSizes(inputDim: number, outputDim: number, opts: MlpOptions): number[] {
  return [inputDim, ...Array.from({ length: opts.hiddenLayers }, () => opts.hiddenUnits), outputDim];
}

/** Number of weights and biases of a network with the given layer widths. */
export function parameterCount(sizes: readonly number[]): number {
  let p = 0;
  for (let i = 1; i < sizes.length; i++) p += sizes[i - 1] * sizes[i] + sizes[i];
  return p;
}

/**
 * Cost model of training on tfjs wasm-SIMD, fitted to MLP 64-128-64-10 timings in workerd (34 ms/epoch
 * at batch 128, 17.5 ms at batch 512, 2000 rows): each step pays about 0.45 ms of kernel dispatch per
 * layer (forward, backward and Adam run ~50 small kernels per layer), and the matmuls run at about
 * 17 GFLOP/s. Production hardware differs; the model only has to rank and bound configurations.
 */
export const COST_MODEL = Object.freeze({ msPerLayerStep: 0.45, flopsPerMs: 1.7e7 });

/** Modelled milliseconds of one training epoch over `rows` rows (6 FLOPs per weight per row). */
export function epochCostMs(rows: number, batch: number, sizes: readonly number[]): number {
  const steps = Math.ceil(Math.max(1, rows) / Math.max(1, batch));
  return steps * (sizes.length - 1) * COST_MODEL.msPerLayerStep + (6 * parameterCount(sizes) * Math.max(1, rows)) / COST_MODEL.flopsPerMs;
}

/**
 * Epochs allowed by the work budget for `rows` training rows: the smaller of the requested epochs, the
 * row-epoch cap and the modelled-cost cap, and at least 1 (the harness refuses or subsamples data too
 * large for one).
 */
export function budgetedEpochs(opts: MlpOptions, rows: number, sizes: readonly number[]): number {
  const byRows = Math.floor(opts.maxRowEpochs / Math.max(1, rows));
  const byCost = Math.floor(opts.maxFitCostMs / epochCostMs(rows, Math.min(opts.batchSize, Math.max(1, rows)), sizes));
  return Math.max(1, Math.min(opts.epochs, byRows, byCost));
}
