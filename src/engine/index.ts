/**
 * @module engine
 * The engine's public surface: the only way the Durable Objects and the Worker reach into the engine.
 */
export { EngineError, type EngineErrorCode } from './core/errors';
export { Rng, seedFrom } from './core/rng';
export type { Task } from './core/task';
export { COLUMN_TYPES, DROPPED_TYPES, type ColumnType } from './data/column-types';
export { decodeDataset, encodeDataset } from './data/columnar-codec';
export { type CsvTable, parseCsv } from './data/csv';
export { looksLikeParquet, readParquetColumns, readParquetTable } from './data/parquet';
export { IMPORTANCE_FORMAT, type PermutationImportance, permutationImportance } from './explain/permutation-importance';
export type { Dataset } from './data/dataset';
export { type ColumnProfile, inferDataset, type TypeOverrides } from './data/infer-schema';
export { prepareTarget } from './data/target';
export { METRICS, type MetricName, defaultMetric, fromLoss, toLoss } from './eval/metrics';
export type { DataShape, ModelFamily } from './models/model';
export { MODEL_FAMILIES, fidelityUnitOf, getModelSpec } from './models/registry';
export { Predictor, type PredictionResult } from './predictor';
export type { ExplainResult, ExplanationSpace, RowExplanation } from './explain/explanation';
export { runTrial, type TrialOutcome, type TrialSpec } from './run-trial';
export type { Sampler, SamplerContext } from './search/sampler';
export { configKey, proposeUnseen, randomSampler, samplerFor, type SamplerStrategy, withMemoryScreen, withPortfolio } from './search/samplers';
export type { Params } from './search/space';
export type { FrozenTrial, TrialConfig, TrialState } from './search/trial';
export { parseEnvelope, type ModelEnvelope } from './serialize/envelope';
export { applyOverrides, type ColumnOverride } from './data/overrides';
export { utf8DecodeStrict } from './core/utf8';
export { selectJobEnsemble } from './ensemble/select-for-job';
export { buildEnsembleEnvelope } from './ensemble/build-envelope';
export { forestShapes, servingCostMicros, servingProfile, type ServingProfile } from './serialize/serving-cost';
export type { ForestShape } from './serialize/serving-cache';
export { pairedDifference, type PairedDifference } from './eval/paired-bootstrap';
export { envelopeFamilies, parseAnyEnvelope, type AnyEnvelope } from './serialize/envelope';
export { artifactInputs, buildDriftReference, compareWithReference, type DriftReference, DriftSketch, emptyCounts, type FeatureDrift, mergeCounts, parseDriftReference, parseSketchCounts, psiNoiseTest, type SketchCounts } from './drift';
