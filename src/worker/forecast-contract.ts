/**
 * @module worker/forecast-contract
 * What a forecast model's clients depend on besides its target and task, and so what model-conflict
 * compares before a job replaces a forecast champion: the time column its forecasts are dated by, the
 * group column whose series ids requests name, the step a horizon counts (horizon 7 of a daily model is
 * a week, of a monthly one seven months), the known-future covariates and the time zone forecasts are
 * written in. Covariates are compared as a set both ways: a forecast request must give every covariate
 * of the model and may name no other (engine/forecast/covariates refuses both), so one added or one
 * dropped makes the requests clients send today fail. A job's contract comes from its resolved series
 * (the data is read once at creation anyway, so its step costs nothing more); a champion's from its
 * stored envelope, or, when that cannot be read, from its job's config, which does not record the step
 * (then the step is not compared).
 */
import { type ForecastEnvelope, parseForecastEnvelope, type SeriesFrequency } from '../engine/forecast';
import { stepWords } from '../engine/forecast/step-words';
import type { ForecastJobSpec } from '../durable/protocol';
import { isStorageUnavailable, readObjectBytes } from './storage';

/** What a forecast model's clients depend on: the columns its requests and answers name, its step and its time zone. */
export interface ForecastContract {
  readonly time_column: string;
  /** null: one series, requests name no group. */
  readonly group_column: string | null;
  /** Known-future covariates every request gives, in the model's order. */
  readonly covariates: readonly string[];
  /** The IANA zone forecasts are written in; null: none given. */
  readonly timezone: string | null;
  /** The step a horizon counts, in words ("monthly", "every 90 minutes"); absent when not known. */
  readonly frequency?: string;
  /** The column the series are of (read from the artifact); absent when only a job's spec told. */
  readonly target?: string;
}

/** One compared value, the champion's and the job's. */
export interface Change<T> {
  readonly champion: T;
  readonly job: T;
}

/** How a job's forecast contract differs from its champion's; each field present only when it differs. */
export interface ForecastDifferences {
  readonly time_column?: Change<string>;
  readonly group_column?: Change<string | null>;
  readonly frequency?: Change<string>;
  readonly covariates?: Change<readonly string[]>;
  readonly timezone?: Change<string | null>;
}

/** A job's contract: its resolved series spec and the frequency its data was read with. */
export function jobContract(spec: ForecastJobSpec, frequency: SeriesFrequency): ForecastContract {
  return {
    time_column: spec.time_column,
    group_column: spec.group_column ?? null,
    covariates: spec.covariates ?? [],
    timezone: spec.timezone ?? null,
    frequency: stepName(frequency),
  };
}

/**
 * The contract of a published forecast champion: from its envelope (what the forecast route serves), or
 * from its job's series spec when the envelope is missing or unreadable (a job replacing a broken
 * champion must not be stopped by it); null when neither is at hand. Storage being down is thrown.
 */
export async function championContract(store: R2Bucket, artifactKey: string, jobSpec: ForecastJobSpec | undefined): Promise<ForecastContract | null> {
  try {
    return envelopeContract(parseForecastEnvelope(new TextDecoder().decode(await readObjectBytes(store, artifactKey, 'model artifact'))));
  } catch (err) {
    if (isStorageUnavailable(err)) throw err;
    if (!jobSpec) return null;
    return { time_column: jobSpec.time_column, group_column: jobSpec.group_column ?? null, covariates: jobSpec.covariates ?? [], timezone: jobSpec.timezone ?? null };
  }
}

function envelopeContract(e: ForecastEnvelope): ForecastContract {
  return {
    time_column: e.timeColumn,
    group_column: e.groupColumn ?? null,
    covariates: (e.covariates ?? []).map((c) => c.name),
    timezone: e.localClock?.timezone ?? null,
    frequency: stepName(e.frequency),
    target: e.target,
  };
}

/** What differs between a champion's contract and a job's; the step only when both know it. */
export function forecastDifferences(champion: ForecastContract, job: ForecastContract): ForecastDifferences {
  const change = <T>(a: T, b: T) => ({ champion: a, job: b });
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((n) => b.includes(n));
  return {
    ...(champion.time_column !== job.time_column ? { time_column: change(champion.time_column, job.time_column) } : {}),
    ...(champion.group_column !== job.group_column ? { group_column: change(champion.group_column, job.group_column) } : {}),
    ...(champion.frequency !== undefined && job.frequency !== undefined && champion.frequency !== job.frequency ? { frequency: change(champion.frequency, job.frequency) } : {}),
    ...(!sameSet(champion.covariates, job.covariates) ? { covariates: change(champion.covariates, job.covariates) } : {}),
    ...(champion.timezone !== job.timezone ? { timezone: change(champion.timezone, job.timezone) } : {}),
  };
}

/** Each difference as the 409 names it. */
export function forecastDifferenceTexts(d: ForecastDifferences): string[] {
  const covariates = d.covariates && covariateChange(d.covariates);
  return [
    ...(d.time_column ? [`the time column differs ("${d.time_column.champion}" → "${d.time_column.job}")`] : []),
    ...(d.group_column ? [`the group column differs (${groupWords(d.group_column.champion)} → ${groupWords(d.group_column.job)})`] : []),
    ...(d.frequency ? [`the step differs (${d.frequency.champion} → ${d.frequency.job}: a horizon would count other steps)`] : []),
    ...(covariates ? [`the covariates differ (${covariates}: forecast requests giving the champion's would be refused)`] : []),
    ...(d.timezone ? [`the time zone differs (${zoneWords(d.timezone.champion)} → ${zoneWords(d.timezone.job)})`] : []),
  ];
}

/** What the replaced champion did, for the job's warning ("which …"). */
export function replacedForecastTexts(d: ForecastDifferences): string[] {
  return [
    ...(d.time_column ? [`is dated by "${d.time_column.champion}"`] : []),
    ...(d.group_column ? [d.group_column.champion === null ? 'forecasts one series' : `forecasts one series per "${d.group_column.champion}"`] : []),
    ...(d.frequency ? [`steps ${d.frequency.champion}`] : []),
    ...(d.covariates ? [d.covariates.champion.length === 0 ? 'takes no covariates' : `takes covariates ${quoted(d.covariates.champion)}`] : []),
    ...(d.timezone ? [d.timezone.champion === null ? 'writes times in no time zone' : `writes times in ${d.timezone.champion}`] : []),
  ];
}

/**
 * A frequency as a client counts its steps: the name the model view shows, or for a fixed step or a
 * number of months without a name of their own, how far apart the points are ("every 90 minutes").
 * Opening hours and working weeks compare by name only: their schedule's details may shift with newer
 * data of the same series without changing what a step is to a client.
 */
export function stepName(freq: SeriesFrequency): string {
  switch (freq.kind) {
    case 'fixed':
      return freq.name === 'fixed' ? stepWords(freq.stepMs) : freq.name;
    case 'months':
      return freq.name === 'months' ? `every ${freq.months} months` : freq.name;
    case 'index':
      return `index steps of ${freq.step}`;
    default:
      return freq.name;
  }
}

function covariateChange(c: Change<readonly string[]>): string {
  const added = c.job.filter((n) => !c.champion.includes(n));
  const dropped = c.champion.filter((n) => !c.job.includes(n));
  return [...(added.length > 0 ? [`${quoted(added)} added`] : []), ...(dropped.length > 0 ? [`${quoted(dropped)} dropped`] : [])].join(', ');
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
const groupWords = (column: string | null) => (column === null ? 'none' : `"${column}"`);
const zoneWords = (zone: string | null) => zone ?? 'none';
