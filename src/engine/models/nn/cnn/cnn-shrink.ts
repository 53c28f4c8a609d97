/**
 * @module engine/models/nn/cnn/cnn-shrink
 * The largest network like a proposed one that passes a memory check (ModelSpec.shrinkToFit), for a
 * search that screens its proposals before they become trials (search/samplers/memory-screen). On large
 * images the architecture space holds many nets whose weights and optimiser state alone exceed the trial
 * limit (wide dense layers on big flattened maps, maps left unpooled), which run-trial can only refuse:
 * on 32x32 RGB with 680 rows about two thirds of random proposals, on 64x64 RGB almost all. A narrower
 * version of the same net keeps the proposal's depth, kernel, schedule and optimiser, so the search still
 * learns about what it asked for, and is the largest such net that fits, so large nets stay explored.
 */
import type { Params } from '../../../search/space';
import { CNN_DEFAULTS, CNN_MIN_DENSE_UNITS, CNN_MIN_FILTERS } from './cnn-options';

/** Bisection steps on the shared width fraction: enough to land on the integer widths' boundary. */
const STEPS = 12;

/**
 * Narrows the first block's filters and the dense units together, each the same fraction of its log
 * range down towards the space's floor (a memory estimate grows with both), to the widest pair that
 * `fits`. A net without pooling is also tried with max pooling, and whichever keeps the wider layers
 * wins (the proposal's own pooling on a tie): a large image's maps left at full size hold most of the
 * limit, so unpooled they fit only at the floor widths if at all (64x64 RGB, 170 rows: no unpooled net of
 * the space fits). Undefined when nothing fits. Deterministic: bisections on the check alone.
 */
export function shrinkCnnToFit(params: Params, fits: (params: Params) => boolean): Params | undefined {
  const filters = Number(params.filters ?? CNN_DEFAULTS.filters);
  const dense = Number(params.dense_units ?? CNN_DEFAULTS.dense_units);
  if (!Number.isFinite(filters) || !Number.isFinite(dense)) return undefined;
  const pooling = params.pooling ?? CNN_DEFAULTS.pooling;
  let best: { t: number; params: Params } | undefined;
  for (const pool of pooling === 'none' ? ['none', 'max'] : [pooling]) {
    const at = (t: number): Params => ({ ...params, pooling: pool, filters: narrowed(filters, CNN_MIN_FILTERS, t), dense_units: narrowed(dense, CNN_MIN_DENSE_UNITS, t) });
    const t = widestFraction(at, fits);
    if (t !== undefined && (best === undefined || t > best.t)) best = { t, params: at(t) };
  }
  return best?.params;
}

/** The largest t in [0, 1] whose configuration fits (to 2^-STEPS), or undefined when not even t = 0 does. */
function widestFraction(at: (t: number) => Params, fits: (params: Params) => boolean): number | undefined {
  if (fits(at(1))) return 1;
  if (!fits(at(0))) return undefined;
  // Invariant: `lo` fits, `hi` does not.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (fits(at(mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A width `t` of the way from `floor` to `value` on a log scale (1: the value itself); never widened. */
function narrowed(value: number, floor: number, t: number): number {
  if (value <= floor) return value;
  return Math.max(floor, Math.min(value, Math.round(floor * (value / floor) ** t)));
}
