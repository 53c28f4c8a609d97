/**
 * @module engine/drift
 * Drift monitoring: a reference profile of a model version's training data, mergeable live sketches of
 * prediction rows, the population stability index per feature, and what sampling noise alone reads.
 */
export { artifactInputs, buildDriftReference, REFERENCE_DEFAULTS, type ReferenceOptions } from './build-reference';
export { compareWithReference, type FeatureDrift, NOISE_TEST_DRAWS, WITHIN_NOISE_LEVEL } from './compare';
export { driftStatus, type DriftStatus, psi, PSI_EPSILON, psiNoise, psiNoiseLimit, PSI_MODERATE, PSI_SIGNIFICANT } from './psi';
export { MAX_TEST_DRAWS, psiNoiseTest, type PsiNoiseTest } from './psi-null';
export { binCount, binLabels, type DriftReference, type FeatureReference, parseDriftReference, type SkippedFeature } from './reference';
export { DriftSketch, emptyCounts, mergeCounts, parseSketchCounts, type SketchCounts } from './sketch';
