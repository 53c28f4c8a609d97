/**
 * @module worker/challenge-forecast
 * The series a job started by hand with `"challenge"` over a forecast champion forecasts (job-challenge):
 * the champion's. A challenger that wins serves the champion's clients, whose forecast requests name its
 * groups and give its covariates, so where the request leaves them out (and `task` too: the job is a
 * forecast job, as a scheduled retraining's is) its time column, group column, horizon, covariates, past
 * covariates, time zone and asked-for rolling origins are taken from the champion's job, the same settings a scheduled retraining
 * takes (retrain). What the request gives wins; what then differs from the champion is refused as any
 * job's difference is (model-conflict, 409). A column taken from the champion that the job's data lacks
 * is refused here, naming the field and that it is the champion's, since the request never named it.
 */
import type { DatasetVersion } from '../durable/registry';
import type { ForecastJobSpec } from '../durable/protocol';
import { ApiError, listSome } from './errors';
import type { CreateJobBody } from './schemas';

type ForecastRequest = NonNullable<CreateJobBody['forecast']>;

/**
 * The request as a forecast job: `task` "forecast" and its `forecast` with what it leaves out taken from
 * the champion's job (`champion`: its settings, undefined when its job is no longer known: the request's
 * alone then). A column the request names in one covariate list is not also taken into the other.
 */
export function challengeForecastBody(body: CreateJobBody, champion: ForecastJobSpec | undefined, dataset: DatasetVersion, model: string, version: number): CreateJobBody {
  if (!champion) return { ...body, task: 'forecast' };
  const given: ForecastRequest = body.forecast ?? {};
  const besides = (list: readonly string[] | undefined, other: readonly string[] | undefined) => list?.filter((c) => !other?.includes(c));
  const covariates = given.covariates ? undefined : besides(champion.covariates, given.past_covariates);
  const past = given.past_covariates ? undefined : besides(champion.past_covariates, given.covariates);
  const taken: ForecastRequest = {
    ...(given.time_column === undefined ? { time_column: champion.time_column } : {}),
    ...(given.group_column === undefined && champion.group_column ? { group_column: champion.group_column } : {}),
    ...(given.horizon === undefined ? { horizon: champion.horizon } : {}),
    ...(covariates && covariates.length > 0 ? { covariates } : {}),
    ...(past && past.length > 0 ? { past_covariates: past } : {}),
    ...(given.timezone === undefined && champion.timezone ? { timezone: champion.timezone } : {}),
    // Validated on the champion's rolling origins when its job asked for some (absent: the default, as then).
    ...(given.origins === undefined && champion.origins !== undefined ? { origins: champion.origins } : {}),
  };
  refuseMissingColumns(taken, dataset, model, version);
  return { ...body, task: 'forecast', forecast: { ...taken, ...given } };
}

/**
 * Refuses data lacking a column the request did not name but the champion reads (`taken`), which the
 * series reader would refuse without saying where the name came from.
 */
function refuseMissingColumns(taken: ForecastRequest, dataset: DatasetVersion, model: string, version: number): void {
  const have = new Set(dataset.columns.map((c) => c.name));
  const fields = [
    ['time_column', taken.time_column === undefined ? [] : [taken.time_column]],
    ['group_column', taken.group_column === undefined ? [] : [taken.group_column]],
    ['covariates', taken.covariates ?? []],
    ['past_covariates', taken.past_covariates ?? []],
  ] as const;
  for (const [field, names] of fields) {
    const missing = names.filter((name) => !have.has(name));
    if (missing.length === 0) continue;
    const shown = listSome(missing.map((name) => `"${name}"`), 5);
    const what = field.replace(/_/g, ' ');
    throw new ApiError(
      400,
      'invalid_dataset',
      `forecast.${field}: champion v${version} of model "${model}" reads ${shown} (its ${what}), which dataset "${dataset.name}" v${dataset.version} lacks; a challenger forecasts the champion's series and takes its forecast.${field}, which the request leaves out: train on data that has ${missing.length === 1 ? 'that column' : 'those columns'}, or give forecast.${field} yourself (what then differs from the champion is refused as another model: train that under another name)`,
      { field: `forecast.${field}`, column: missing[0], ...(missing.length > 1 ? { columns: missing } : {}) },
    );
  }
}
