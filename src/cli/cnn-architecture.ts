/**
 * @module cli/cnn-architecture
 * A CNN trial's architecture in one short line for the job report's leaderboard ("2 conv 3x3 (32, 64),
 * max pool, dense 128"): an image job searches architectures (NAS), and the family column alone showed
 * "cnn" for each, so seeing what was searched took --json or the trials route. Read from the trial's
 * params as the search space names them (engine/models/nn/cnn/cnn-options); blocks double their filters
 * up to 256, as the network is built. Pools the image is too small for are skipped when it is built, so
 * the line says what was asked for, not what a tiny image allowed.
 */

/** Filters never exceed this however many blocks double them (CNN_MAX_FILTERS). */
const MAX_FILTERS = 256;

/** The line for a cnn trial's params; empty when they do not hold an architecture (a trial of another family). */
export function cnnArchitecture(params: Readonly<Record<string, unknown>>): string {
  const blocks = Number(params.conv_blocks);
  const filters = Number(params.filters);
  if (!Number.isInteger(blocks) || blocks < 1 || !Number.isInteger(filters) || filters < 1) return '';
  const widths = Array.from({ length: blocks }, (_, b) => Math.min(MAX_FILTERS, filters * 2 ** b));
  const kernel = Number(params.kernel_size);
  const parts = [`${blocks} conv${Number.isInteger(kernel) ? ` ${kernel}x${kernel}` : ''} (${widths.join(', ')})`];
  if (params.pooling === 'max' || params.pooling === 'avg') parts.push(`${params.pooling} pool`);
  else if (params.pooling === 'none') parts.push('no pool');
  if (params.batch_norm === true) parts.push('batch norm');
  if (params.dense_units !== undefined) parts.push(`dense ${params.dense_units}`);
  if (typeof params.augmentation === 'string' && params.augmentation !== 'none') parts.push(params.augmentation.replace('_', '+'));
  return parts.join(', ');
}
