/**
 * The "one fit, equal settings" half of bench-models.ts's gbdt-vs-HGB comparison: our gbdt fitted with
 * scikit-learn HistGradientBoosting's default settings spelled in our parameter names, timing `fit` alone
 * on the pipeline's matrix (HGB's timing likewise covers its `fit`, binning included, not the encoding).
 */
import { Rng } from '../../src/engine/core/rng';
import { METRICS } from '../../src/engine/eval/metrics';
import { fitPipeline } from '../../src/engine/features/pipeline';
import { gbdtSpec } from '../../src/engine/models/tree/gbdt';
import type { BenchData } from './model-bench-data';
import { median } from './model-bench-measure';

/**
 * HGB's defaults (scikit-learn 1.2): learning_rate 0.1, max_leaf_nodes 31, min_samples_leaf 20,
 * l2_regularization 0, max_bins 255 plus a missing bin (our max_bin counts it), max_depth None, no
 * subsampling. n_estimators is set to HGB's n_iter_ so both fit the same number of trees.
 */
export function hgbEquivalentParams(nIter: number): Record<string, number> {
  return {
    n_estimators: nIter,
    learning_rate: 0.1,
    num_leaves: 31,
    max_depth: -1,
    min_data_in_leaf: 20,
    lambda_l2: 0,
    max_bin: 256,
    feature_fraction: 1,
    bagging_fraction: 1,
  };
}

export interface EqualFit {
  /** Medians over the repeats of wall and process-CPU milliseconds of `fit`. */
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly score: number;
  readonly repeats: number;
}

/** `repeats` fits on all train rows with fixedIterations = nIter (so no early stopping), scored on test. */
export async function equalSettingsFit(d: BenchData, nIter: number, seed: number, repeats: number): Promise<EqualFit> {
  const pipe = fitPipeline(d.train, d.trainRows, gbdtSpec.featureStyle, d.exclude);
  const X = pipe.transform(d.train, d.trainRows);
  const params = hgbEquivalentParams(nIter);
  const nClasses = d.classes.length;
  const walls: number[] = [];
  const cpus: number[] = [];
  let score = Number.NaN;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const model = await gbdtSpec.fit({ X, y: d.yTrain }, params, {
      task: d.task,
      nClasses,
      rng: new Rng(seed).fork(99),
      columnKinds: pipe.kinds,
      fixedIterations: nIter,
    });
    const c = process.cpuUsage(c0);
    walls.push(performance.now() - t0);
    cpus.push((c.user + c.system) / 1000);
    if (r === 0) score = METRICS[d.metric].score(d.yTest, model.predict(pipe.transform(d.test, null)), nClasses);
    model.dispose();
  }
  return { wallMs: median(walls), cpuMs: median(cpus), score, repeats };
}
