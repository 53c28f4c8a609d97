/**
 * @module engine/models/nn/cnn/cnn-options
 * The CNN's architecture search space (NAS) as data, its strong default and low-cost start, the resolve
 * function that validates a suggested point, and the architecture plan: the layer shapes a point gives on
 * a given image, with pools that would shrink a map below 2 pixels skipped (so every point of the space
 * builds a valid network on every image, 8x8 included).
 */
import { EngineError } from '../../../core/errors';
import type { ImageShape } from '../../../core/image-shape';
import type { DataShape } from '../../model';
import { categorical, float, int, type Params, type SearchSpace } from '../../../search/space';

export type CnnPooling = 'max' | 'avg' | 'none';
export type CnnOptimizer = 'adam' | 'rmsprop' | 'sgd';
export type CnnAugmentation = 'none' | 'shift' | 'shift_flip';
export type CnnLrSchedule = 'constant' | 'cosine';

/** Validated CNN options (camelCase mirror of the snake_case search parameters). */
export interface CnnOptions {
  readonly convBlocks: number;
  /** Filters of the first block; each later block doubles them. */
  readonly filters: number;
  readonly kernelSize: number;
  readonly pooling: CnnPooling;
  readonly batchNorm: boolean;
  /** Dropout rate on the flattened features and on the dense layer's output. */
  readonly dropout: number;
  readonly denseUnits: number;
  readonly learningRate: number;
  /** 'cosine' anneals the rate from learningRate towards 0 over the fit's epochs (see cnn-schedule). */
  readonly lrSchedule: CnnLrSchedule;
  readonly optimizer: CnnOptimizer;
  readonly batchSize: number;
  /** Upper bound on epochs; early stopping and the work budget may end training sooner. */
  readonly epochs: number;
  readonly augmentation: CnnAugmentation;
  /** Average the weights over the last third of the epochs (stochastic weight averaging, see epoch-loop). */
  readonly weightAveraging: boolean;
  /** Epochs without a validation improvement before stopping. */
  readonly patience: number;
  /** Work budget: modelled wasm-SIMD milliseconds for one fit (see epochCostMs), never a clock reading. */
  readonly maxFitCostMs: number;
}

/** Default parameters; `patience` and `max_fit_cost_ms` are fixed knobs, not searched. */
export const CNN_DEFAULTS = Object.freeze({
  conv_blocks: 2,
  filters: 32,
  kernel_size: 3,
  pooling: 'max' as CnnPooling,
  batch_norm: false,
  dropout: 0.25,
  dense_units: 128,
  learning_rate: 2e-3,
  lr_schedule: 'constant' as CnnLrSchedule,
  optimizer: 'adam' as CnnOptimizer,
  batch_size: 64,
  // On digits (1,347 rows) 40 epochs still ended while the validation loss improved; 60 lowered every
  // seed's cross-validated log loss (see scripts/bench-cnn-trial.ts), for about a quarter more CPU.
  epochs: 60,
  augmentation: 'shift' as CnnAugmentation,
  weight_averaging: true,
  patience: 8,
  // A trial runs up to 6 fits (5 folds + refit) inside the 300 s CPU limit of wrangler.toml.
  max_fit_cost_ms: 40_000,
});

/** Batch sizes the search may pick. */
export const CNN_BATCH_SIZES = [32, 64, 128, 256] as const;
/** The narrowest layers the search proposes: first-block filters and dense units (see cnn-shrink). */
export const CNN_MIN_FILTERS = 8;
export const CNN_MIN_DENSE_UNITS = 32;
/** Filters never exceed this, however many blocks double them. */
export const CNN_MAX_FILTERS = 256;
/** Pools are skipped once a map is this small or smaller (a 2x2 pool would leave one pixel). */
export const MIN_POOLED_SIZE = 2;

/** Augmentations that keep the label for this image: a horizontal flip only where the shape says so. */
export function augmentationsFor(image: ImageShape | undefined): CnnAugmentation[] {
  return image?.flipInvariant === true ? ['none', 'shift', 'shift_flip'] : ['none', 'shift'];
}

/** The NAS space. Bounds do not depend on the data's size; the work budget caps epochs instead. */
export function cnnSpace(shape: DataShape): SearchSpace {
  return {
    conv_blocks: int(1, 3),
    filters: int(CNN_MIN_FILTERS, 64, true),
    kernel_size: categorical(3, 5),
    pooling: categorical('max', 'avg', 'none'),
    batch_norm: categorical(false, true),
    dropout: float(0, 0.5),
    dense_units: int(CNN_MIN_DENSE_UNITS, 256, true),
    learning_rate: float(1e-4, 3e-2, true),
    lr_schedule: categorical('constant', 'cosine'),
    optimizer: categorical('adam', 'rmsprop', 'sgd'),
    batch_size: categorical(...CNN_BATCH_SIZES),
    epochs: int(5, 100, true),
    augmentation: categorical(...augmentationsFor(shape.image)),
    weight_averaging: categorical(false, true),
  };
}

function searched(): Params {
  const { patience: _p, max_fit_cost_ms: _c, ...rest } = CNN_DEFAULTS;
  return { ...rest };
}

/**
 * The zero-shot start: two 3x3 blocks (32, 64 filters) with max pooling, dropout, Adam at a constant rate,
 * shift augmentation (and so shift views at prediction) and weights averaged over the last third of the epochs.
 */
export function cnnDefaults(_shape: DataShape): Params {
  return searched();
}

/** A low-cost start for cost-aware search: one narrow block, few epochs, large batches. */
export function cnnLowCost(_shape: DataShape): Params {
  return { ...searched(), conv_blocks: 1, filters: 8, dense_units: 32, batch_size: 128, epochs: 5, augmentation: 'none' };
}

/** Reads and validates parameters (missing ones take CNN_DEFAULTS); throws EngineError('invalid_params'). */
export function resolveCnnOptions(params: Params): CnnOptions {
  const num = (key: keyof typeof CNN_DEFAULTS, lo: number, hi: number, integer = false): number => {
    const raw = params[key] ?? CNN_DEFAULTS[key];
    const v = typeof raw === 'string' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
      throw new EngineError('invalid_params', `cnn parameter "${key}" must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${JSON.stringify(raw)}`, { param: key });
    }
    return v;
  };
  const pick = <T extends string | number | boolean>(key: keyof typeof CNN_DEFAULTS, allowed: readonly T[]): T => {
    const raw = params[key] ?? CNN_DEFAULTS[key];
    if (!allowed.includes(raw as T)) {
      throw new EngineError('invalid_params', `cnn parameter "${key}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(raw)}`, { param: key });
    }
    return raw as T;
  };
  return {
    convBlocks: num('conv_blocks', 1, 3, true),
    filters: num('filters', 1, CNN_MAX_FILTERS, true),
    kernelSize: pick('kernel_size', [3, 5]),
    pooling: pick('pooling', ['max', 'avg', 'none'] as const),
    batchNorm: pick('batch_norm', [true, false]),
    dropout: num('dropout', 0, 0.9),
    denseUnits: num('dense_units', 1, 4096, true),
    learningRate: num('learning_rate', 1e-6, 1),
    lrSchedule: pick('lr_schedule', ['constant', 'cosine'] as const),
    optimizer: pick('optimizer', ['adam', 'rmsprop', 'sgd'] as const),
    batchSize: num('batch_size', 1, 65536, true),
    epochs: num('epochs', 1, 10_000, true),
    augmentation: pick('augmentation', ['none', 'shift', 'shift_flip'] as const),
    weightAveraging: pick('weight_averaging', [true, false]),
    patience: num('patience', 1, 10_000, true),
    maxFitCostMs: num('max_fit_cost_ms', 1, 1e9),
  };
}

/** One conv block as built: 'same' convolution, optional batch norm, ReLU, then the pool if it applies. */
export interface ConvBlockPlan {
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: number;
  readonly batchNorm: boolean;
  /** The pool actually applied (null when pooling is 'none' or the map is already too small). */
  readonly pool: 'max' | 'avg' | null;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** The whole network's shapes: conv blocks, then flatten → dense (ReLU) → output. */
export interface CnnPlan {
  readonly image: ImageShape;
  readonly blocks: readonly ConvBlockPlan[];
  /** Features after flattening the last block's map. */
  readonly flat: number;
  readonly denseUnits: number;
  readonly outputs: number;
}

/** Lays the network out on an image; a pool is skipped when either side of the map is ≤ MIN_POOLED_SIZE. */
export function planCnn(image: ImageShape, opts: CnnOptions, outputs: number): CnnPlan {
  const blocks: ConvBlockPlan[] = [];
  let h = image.height;
  let w = image.width;
  let c = image.channels;
  for (let b = 0; b < opts.convBlocks; b++) {
    const filters = Math.min(CNN_MAX_FILTERS, opts.filters * 2 ** b);
    const pool = opts.pooling !== 'none' && h > MIN_POOLED_SIZE && w > MIN_POOLED_SIZE ? opts.pooling : null;
    // 2x2 pools with stride 2 and 'same' padding: an odd side rounds up.
    const outHeight = pool ? Math.ceil(h / 2) : h;
    const outWidth = pool ? Math.ceil(w / 2) : w;
    blocks.push({ inHeight: h, inWidth: w, inChannels: c, filters, kernelSize: opts.kernelSize, batchNorm: opts.batchNorm, pool, outHeight, outWidth });
    h = outHeight;
    w = outWidth;
    c = filters;
  }
  return { image, blocks, flat: h * w * c, denseUnits: opts.denseUnits, outputs };
}

/** The first epoch of `epochs` whose weights join the average: the last third of them (undefined: off). */
export function averagingStart(opts: CnnOptions, epochs: number): number | undefined {
  return opts.weightAveraging ? epochs - Math.floor(epochs / 3) + 1 : undefined;
}

/** Number of trained weights (batch-norm scale and offset included; its moving statistics are not). */
export function cnnParameterCount(plan: CnnPlan): number {
  let p = 0;
  for (const b of plan.blocks) p += b.kernelSize * b.kernelSize * b.inChannels * b.filters + b.filters + (b.batchNorm ? 2 * b.filters : 0);
  return p + plan.flat * plan.denseUnits + plan.denseUnits + plan.denseUnits * plan.outputs + plan.outputs;
}

/** Multiply-adds of one forward pass of one image. */
export function forwardMacsPerRow(plan: CnnPlan): number {
  let macs = 0;
  for (const b of plan.blocks) macs += b.inHeight * b.inWidth * b.kernelSize * b.kernelSize * b.inChannels * b.filters;
  return macs + plan.flat * plan.denseUnits + plan.denseUnits * plan.outputs;
}

/**
 * Cost model of a training epoch on wasm-SIMD, calibrated with `npm run bench:cnn` on this project's
 * reference machine (default CNN on digits: 293 CPU ms per epoch of 1347 rows, modelled 333): each step
 * pays a fixed kernel-dispatch cost per layer (forward, backward and the optimizer run a few dozen small
 * kernels per layer), and a training step costs about 3 forward passes of multiply-adds.
 */
export const CNN_COST_MODEL = Object.freeze({ msPerLayerStep: 0.6, macsPerMs: 5e6 });

/** Modelled milliseconds of one training epoch over `rows` rows. */
export function epochCostMs(plan: CnnPlan, rows: number, batch: number): number {
  const steps = Math.ceil(Math.max(1, rows) / Math.max(1, batch));
  const layers = plan.blocks.length + 2;
  return steps * layers * CNN_COST_MODEL.msPerLayerStep + (3 * forwardMacsPerRow(plan) * Math.max(1, rows)) / CNN_COST_MODEL.macsPerMs;
}

/** Epochs allowed by the work budget: the smaller of the requested epochs and the modelled-cost cap, at least 1. */
export function budgetedEpochs(plan: CnnPlan, opts: CnnOptions, epochs: number, rows: number): number {
  const byCost = Math.floor(opts.maxFitCostMs / epochCostMs(plan, rows, Math.min(opts.batchSize, Math.max(1, rows))));
  return Math.max(1, Math.min(epochs, byCost));
}
