/**
 * @module engine/drift
 * Drift monitoring: a reference profile of a model version's training data, mergeable live sketches of
 * prediction rows, and the population stability index per feature.
 */
export { artifactInputs, buildDriftReference, REFERENCE_DEFAULTS, type ReferenceOptions } from './build-reference';
export { compareWithReference, driftStatus, type DriftStatus, type FeatureDrift, psi, PSI_EPSILON, psiNoise, psiNoiseLimit, PSI_MODERATE, PSI_SIGNIFICANT } from './psi';
export { binCount, binLabels, type DriftReference, type FeatureReference, parseDriftReference, type SkippedFeature } from './reference';
export { DriftSketch, emptyCounts, mergeCounts, parseSketchCounts, type SketchCounts } from './sketch';
