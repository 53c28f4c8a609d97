/**
 * @module engine/forecast/blend-envelope
 * The published artifact of a forecast job's blend: one envelope like a trial's, whose model is the
 * weighted blend of the members' models (./blend-model). Its score and interval spreads are the blend's
 * own, measured on the blended rolling-origin forecasts (never under the members' floor, ./spread-floor),
 * each series' share of them too (./group-spread);
 * each series keeps the longest tail any member needs. Members must come from one job: same target,
 * columns, frequency, horizon, series and floor (./value-floor: the blended forecasts are of floored
 * members, which the served blend floors alike, ./blend-model).
 */
import { EngineError } from '../core/errors';
import { BLEND_ARTIFACT_VERSION, type BlendArtifact } from './blend-model';
import type { ForecastEnvelope, ForecastGroupState } from './envelope';
import { forecastMetricOf } from './forecast-metric';
import { groupSpreadFactors } from './group-spread';
import { stepSpread } from './intervals';
import { flooredSpread } from './spread-floor';
import type { OriginTruth } from './origin-truth';
import { originSeriesScores } from './series-scores';

export interface BlendMemberEnvelope {
  readonly envelope: ForecastEnvelope;
  readonly weight: number;
}

/** The squared scaled errors of the blended validation forecasts, summed per step ahead and per series. */
function blendErrors(truth: OriginTruth, blended: Float64Array) {
  const { horizon, origins } = truth.plan;
  const sumSq = new Float64Array(horizon);
  const count = new Float64Array(horizon);
  const seriesSumSq = new Float64Array(truth.groups);
  const seriesCount = new Float64Array(truth.groups);
  for (let k = 0; k < origins; k++) {
    for (let g = 0; g < truth.groups; g++) {
      const at = (k * truth.groups + g) * horizon;
      const scale = truth.scales[k * truth.groups + g];
      for (let h = 0; h < horizon; h++) {
        const err = (truth.actual[at + h] - blended[at + h]) / scale;
        sumSq[h] += err * err;
        count[h]++;
        seriesSumSq[g] += err * err;
        seriesCount[g]++;
      }
    }
  }
  return { sumSq, count, seriesSumSq, seriesCount };
}

/** The spread per step ahead of the blended validation forecasts, in units of each fold's series scale. */
export function blendStepSpread(truth: OriginTruth, blended: Float64Array): Float64Array {
  const { sumSq, count } = blendErrors(truth, blended);
  return stepSpread(sumSq, count);
}

export function buildForecastBlendEnvelope(members: readonly BlendMemberEnvelope[], truth: OriginTruth, blended: Float64Array, score: number): ForecastEnvelope {
  if (members.length === 0) throw new EngineError('invalid_input', 'a forecast blend needs at least one member');
  const first = members[0].envelope;
  const same = (e: ForecastEnvelope) =>
    e.target === first.target &&
    e.timeColumn === first.timeColumn &&
    e.groupColumn === first.groupColumn &&
    e.season === first.season &&
    e.anchor === first.anchor &&
    e.horizon === first.horizon &&
    e.floor === first.floor &&
    JSON.stringify(e.frequency) === JSON.stringify(first.frequency) &&
    JSON.stringify(e.covariates) === JSON.stringify(first.covariates) &&
    JSON.stringify(e.pastCovariates) === JSON.stringify(first.pastCovariates) &&
    e.groups.length === first.groups.length &&
    e.groups.every((g, i) => g.group === first.groups[i].group && g.lastTime === first.groups[i].lastTime);
  if (!members.every((m) => same(m.envelope))) throw new EngineError('invalid_input', 'the members of a forecast blend must forecast the same series with the same settings');
  const errors = blendErrors(truth, blended);
  // Each series' share of the spread is the blend's own too (./group-spread), not its longest member's.
  const spread = flooredSpread(stepSpread(errors.sumSq, errors.count), first.spreadFloor);
  const factors = groupSpreadFactors(errors.seriesSumSq, errors.seriesCount, truth.floors, spread);
  const groups: ForecastGroupState[] = first.groups.map((_, i) => {
    const { spreadFactor: _member, ...longest } = members.map((m) => m.envelope.groups[i]).reduce((most, g) => (g.tail.length > most.tail.length ? g : most));
    return factors ? { ...longest, spreadFactor: factors[i] } : longest;
  });
  const model: BlendArtifact = { family: 'ensemble', version: BLEND_ARTIFACT_VERSION, members: members.map((m) => ({ weight: m.weight, model: m.envelope.model })) };
  // The first member's own per-series scores are not the blend's: measured again on the blended forecasts.
  const { spreadScale: _unwidened, seriesScores: _member, ...base } = first;
  const metric = forecastMetricOf(first.metric);
  const seriesScores = first.groupColumn !== undefined && (metric !== 'mase' || truth.maseScales) ? originSeriesScores(truth, blended, metric, first.groups.map((g) => g.group)) : undefined;
  return {
    ...base,
    ...(seriesScores ? { seriesScores } : {}),
    family: 'ensemble',
    maxHorizon: Math.min(...members.map((m) => m.envelope.maxHorizon)),
    score,
    // The members' floor (./spread-floor): they measured it on the same series.
    stepSpread: Array.from(spread),
    groups,
    model,
  };
}
