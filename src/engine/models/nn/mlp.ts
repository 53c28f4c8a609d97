/**
 * @module engine/models/nn/mlp
 * The MLP model family (`mlpSpec`): a dense ReLU network on tfjs (wasm-SIMD backend in production) for
 * binary, multiclass and regression tasks over 'dense' features (imputed, one-hot, standardised; no
 * NaN). This file owns the ModelSpec surface: input checks, the memory estimate, and wiring options,
 * training (./mlp-train) and the fitted model (./mlp-model). Fitting and loading first await the host's
 * backend (./backend readyTfjsBackend: the Worker's initWasmBackend, or tf.setBackend in tests).
 */
import { EngineError } from '../../core/errors';
import { outputWidth, type Task } from '../../core/task';
import type { DataShape, FitContext, FittedModel, ModelArtifact, ModelSpec, TrainSet } from '../model';
import type { Params } from '../../search/space';
import { readyTfjsBackend } from './backend';
import { loadMlp, MlpModel } from './mlp-model';
import { headFor, PREDICT_CHUNK_ROWS, type MlpShape } from './mlp-net';
import { budgetedEpochs, layerSizes, mlpDefaults, mlpSpace, parameterCount, resolveMlpOptions } from './mlp-options';
import { trainMlp } from './mlp-train';
import { checkNetTrainSet, targetStats } from './train-set-checks';

const TASKS_SUPPORTED: readonly Task[] = ['binary', 'multiclass', 'regression'];

/**
 * Peak bytes of one MLP fit. `shape.rows` counts every row the fit sees, training plus validation (as
 * run-trial passes it: cross-validation splits those rows, the refit uses them all).
 * - JS heap: the feature matrix the fit reads (the caller's, counted here because the harness checks
 *   only this estimate), the label and normalised-weight copies, the shuffle order, batch buffers.
 * - per parameter (6 x 4 bytes): in the wasm heap the weights, the gradients and the best-weights
 *   snapshot; on the JS side Adam's copy of the weights and its two moments (./host-adam). Plus, in the
 *   wasm heap, the larger of a training step (the uploaded batch, per layer its pre-activation,
 *   activation, dropout mask, masked activation and gradients, the packed or transposed operand copies
 *   the matmul kernels make) and a chunked forward pass (validation scoring or prediction keeps
 *   every layer's output of a chunk until the chunk ends); times 1.25 for allocator slack, since the
 *   wasm heap never shrinks. Excludes the wasm heap's 16 MiB baseline.
 */
export function estimateMlpMemoryBytes(params: Params, shape: DataShape): number {
  const opts = resolveMlpOptions(params);
  const cols = Math.max(1, shape.cols);
  const rows = Math.max(1, shape.rows);
  const sizes = layerSizes(cols, outputWidth(shape.task, shape.nClasses), opts);
  const widths = sizes.slice(1).reduce((a, b) => a + b, 0);
  const widest = Math.max(...sizes);
  const batch = Math.min(opts.batchSize, rows);
  let biggestKernel = 0;
  for (let l = 1; l < sizes.length; l++) biggestKernel = Math.max(biggestKernel, sizes[l - 1] * sizes[l]);

  const host = 4 * rows * (cols + 3) + 4 * batch * (cols + 2 + widest);
  const state = 6 * 4 * parameterCount(sizes);
  const step = 4 * batch * (2 * cols + 3 + 6 * widths) + 4 * (biggestKernel + batch * widest);
  const chunk = Math.min(PREDICT_CHUNK_ROWS, rows);
  const forward = 4 * chunk * (cols + widths + 2 * sizes[sizes.length - 1]);
  return Math.ceil(host + 1.25 * (state + Math.max(step, forward)));
}

/**
 * The MLP family descriptor registered in models/registry. fitInfo keys: `best_iteration` (epochs to
 * reuse as ctx.fixedIterations in a refit: the best validation epoch, or every epoch run), `epochs_run`,
 * `epoch_cap` (after the work budget), `budget_limited` (1 when the budget cut the requested epochs),
 * `train_loss`/`first_train_loss` (last and first epoch, weighted, with L2), `valid_loss` (best, when
 * validation rows were given), `diverged` (1 when a loss went non-finite), `n_params`.
 */
export const mlpSpec: ModelSpec = {
  family: 'mlp',
  featureStyle: 'dense',
  stopsEarly: true,
  bagTasks: ['binary', 'multiclass', 'regression'],
  tasks: TASKS_SUPPORTED,
  space: mlpSpace,
  defaults: mlpDefaults,
  estimateMemoryBytes: estimateMlpMemoryBytes,
  fit: fitMlp,
  load: async (artifact: ModelArtifact) => {
    await readyTfjsBackend();
    return loadMlp(artifact);
  },
};

async function fitMlp(train: TrainSet, params: Params, ctx: FitContext): Promise<FittedModel> {
  await readyTfjsBackend();
  const opts = resolveMlpOptions(params);
  if (!TASKS_SUPPORTED.includes(ctx.task)) throw new EngineError('unsupported_task', `the mlp does not handle ${ctx.task} tasks`);
  checkSet(train, ctx, 'training', train.X.cols);
  if (ctx.valid !== undefined) checkSet(ctx.valid, ctx, 'validation', train.X.cols);

  const rows = train.X.rows;
  const sizes = layerSizes(train.X.cols, outputWidth(ctx.task, ctx.nClasses), opts);
  const { mean, std } = ctx.task === 'regression' ? targetStats(train.y) : { mean: 0, std: 1 };
  const shape: MlpShape = { task: ctx.task, nClasses: ctx.nClasses, sizes, head: headFor(ctx.task), yMean: mean, yStd: std };
  const fixed = ctx.fixedIterations;
  const wanted = fixed !== undefined ? Math.max(1, Math.round(fixed)) : opts.epochs;
  // The work budget applies to refits too: a refit sees more rows than each fold did.
  const epochs = budgetedEpochs({ ...opts, epochs: wanted }, rows, sizes);

  const { layers, info } = await trainMlp(train, ctx.valid, {
    yieldControl: ctx.yieldControl,
    shape,
    opts,
    rng: ctx.rng.fork(0x6d6c70),
    epochs,
    earlyStopping: fixed === undefined,
  });
  return new MlpModel(shape, layers, {
    ...info,
    epoch_cap: epochs,
    budget_limited: epochs < wanted ? 1 : 0,
    n_params: parameterCount(sizes),
  });
}

// 'dense' and 'pixels' features are imputed upstream; a NaN here would silently poison every weight.
function checkSet(set: TrainSet, ctx: FitContext, what: string, cols: number): void {
  checkNetTrainSet(set, ctx, what, cols, { family: 'mlp', columns: 'columns', value: 'feature', finiteHint: 'the mlp needs imputed dense features' });
}
