/**
 * @module engine/forecast/blend-model
 * The forecast model of a job's blend ("ensemble"): a weighted mean of its members' forecasts. Each member
 * forecasts from the same series state as it would alone (a longer tail than a member needs is fine: the
 * recursive forecasters read what they need from its end), so the blend is exactly the mix of what the
 * members would have answered. Combining forecasts is the most reliable gain in forecasting practice (the
 * M3 and M4 competitions); the weights come from the members' rolling-origin forecasts (./select-blend).
 * With a floor (SeriesState.floor, ./value-floor) each member's forecast is floored before the mean, as
 * the members' validation forecasts the weights were chosen on were; the mean is then above it too.
 */
import { EngineError } from '../core/errors';
import type { Calendar } from './calendar';
import type { FittedForecastModel, ForecastModelArtifact, SeriesState } from './forecast-model';
import { FORECAST_FAMILIES } from './space';
import type { ForecastFamily } from './types';
import { floorForecast } from './value-floor';

export const BLEND_ARTIFACT_VERSION = 1;

/** One member of a stored blend: its weight (the weights sum to 1) and its own model artifact. */
export interface BlendMemberArtifact {
  readonly weight: number;
  readonly model: ForecastModelArtifact;
}

export interface BlendArtifact extends ForecastModelArtifact {
  readonly family: 'ensemble';
  readonly version: typeof BLEND_ARTIFACT_VERSION;
  readonly members: readonly BlendMemberArtifact[];
}

/** Loads one member's model (./families loadForecastModel, passed in so the two modules do not import each other). */
export type MemberLoader = (artifact: ForecastModelArtifact, calendar: Calendar) => Promise<FittedForecastModel>;

class ForecastBlend implements FittedForecastModel {
  readonly family = 'ensemble' as const;
  readonly tailLength: number;
  readonly pastHorizon?: number;
  readonly fitInfo: Readonly<Record<string, number>>;

  constructor(private readonly members: readonly { readonly weight: number; readonly model: FittedForecastModel }[]) {
    this.tailLength = Math.max(...members.map((m) => m.model.tailLength));
    // A member reading past covariates limits the blend to the steps it can forecast.
    const limits = members.map((m) => m.model.pastHorizon).filter((h): h is number => h !== undefined);
    if (limits.length > 0) this.pastHorizon = Math.min(...limits);
    this.fitInfo = { members: members.length };
  }

  forecast(state: SeriesState, steps: number): Float64Array {
    const out = new Float64Array(steps);
    for (const { weight, model } of this.members) {
      const own = floorForecast(model.forecast(state, steps), state.floor);
      for (let h = 0; h < steps; h++) out[h] += weight * own[h];
    }
    return out;
  }

  toArtifact(): BlendArtifact {
    return { family: 'ensemble', version: BLEND_ARTIFACT_VERSION, members: this.members.map((m) => ({ weight: m.weight, model: m.model.toArtifact() })) };
  }

  dispose(): void {
    for (const m of this.members) m.model.dispose();
  }
}

/** A blend of fitted models; weights are normalised to sum to 1 and must be positive. */
export function forecastBlend(members: readonly { readonly weight: number; readonly model: FittedForecastModel }[]): FittedForecastModel {
  if (members.length === 0) throw new EngineError('invalid_input', 'a forecast blend needs at least one member');
  if (!members.every((m) => Number.isFinite(m.weight) && m.weight > 0)) throw new EngineError('invalid_input', 'every member of a forecast blend needs a positive weight');
  const total = members.reduce((a, m) => a + m.weight, 0);
  return new ForecastBlend(members.map((m) => ({ weight: m.weight / total, model: m.model })));
}

/** Loads a stored blend; throws EngineError('bad_artifact') naming what is wrong with it. */
export async function loadForecastBlend(artifact: ForecastModelArtifact, calendar: Calendar, loadMember: MemberLoader): Promise<FittedForecastModel> {
  const bad = (what: string) => new EngineError('bad_artifact', `ensemble forecast artifact: ${what}`);
  if (artifact.version !== BLEND_ARTIFACT_VERSION) throw bad(`unknown version ${String(artifact.version)}`);
  const members = (artifact as Partial<BlendArtifact>).members;
  if (!Array.isArray(members) || members.length === 0) throw bad('members must be a non-empty list');
  const loaded: { weight: number; model: FittedForecastModel }[] = [];
  try {
    for (const [i, m] of members.entries()) {
      if (typeof m !== 'object' || m === null || !(Number.isFinite(m.weight) && m.weight > 0)) throw bad(`members[${i}] needs a positive weight`);
      // A blend of blends is never written; refusing it keeps loading from recursing on a crafted file.
      if (typeof m.model !== 'object' || m.model === null || !FORECAST_FAMILIES.includes(m.model.family as ForecastFamily)) throw bad(`members[${i}] holds no known forecast model`);
      loaded.push({ weight: m.weight, model: await loadMember(m.model, calendar) });
    }
  } catch (err) {
    for (const m of loaded) m.model.dispose();
    throw err;
  }
  return forecastBlend(loaded);
}

/** The families a stored forecast model runs: its own, or a blend's members' (so a host can boot what they need, e.g. tfjs for rnn). */
export function forecastModelFamilies(model: ForecastModelArtifact): ForecastFamily[] {
  if (model.family !== 'ensemble') return [model.family];
  const members = (model as Partial<BlendArtifact>).members;
  return Array.isArray(members) ? [...new Set(members.map((m) => m.model?.family).filter((f): f is ForecastFamily => FORECAST_FAMILIES.includes(f as ForecastFamily)))] : [];
}
