/**
 * @module engine/forecast/unread-covariate-warnings
 * What a forecast job tells its user when no family it searches reads the covariates it names: they will
 * not change its forecasts. Known-future and past-only covariates are read by different families (ets
 * reads the known-future ones only: ./ets-regression), so each list is checked on its own.
 */
import { COVARIATE_FAMILIES, PAST_COVARIATE_FAMILIES } from './covariates';

/** The job's columns of each list, as it names them. */
export interface NamedCovariates {
  readonly covariates?: readonly string[];
  readonly past_covariates?: readonly string[];
}

/** A warning per list whose columns none of `families` (the families the job searches) learns from. */
export function unreadCovariateWarnings(named: NamedCovariates, families: readonly string[]): string[] {
  const searched = `none of the families searched (${families.join(', ')})`;
  const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(', ');
  const unread = (columns: readonly string[] | undefined, readers: readonly string[]) => columns !== undefined && columns.length > 0 && !families.some((f) => readers.includes(f));
  return [
    ...(unread(named.covariates, COVARIATE_FAMILIES)
      ? [`${searched} learns from covariates: only ${COVARIATE_FAMILIES.join(', ')} do, so ${quoted(named.covariates as readonly string[])} will not change the forecasts (forecast requests must still give them)`]
      : []),
    ...(unread(named.past_covariates, PAST_COVARIATE_FAMILIES)
      ? [`${searched} learns from past covariates: only ${PAST_COVARIATE_FAMILIES.join(', ')} do, so ${quoted(named.past_covariates as readonly string[])} will not change the forecasts`]
      : []),
  ];
}
