/**
 * Forecast jobs end to end in workerd: a job with `task: "forecast"` on the airpassengers demo series
 * searches the forecast families (baselines always on the leaderboard, a GRU/LSTM trained on the wasm
 * backend), publishes a forecaster, and `POST /v1/models/{model}/forecast` answers the next months with
 * intervals, scored here against the held-out 36 months, and with `history` the months it starts from; the
 * model view describes the series. A business-day series forecasts the next business days. Wrong routes
 * and bad requests are named.
 */
import { describe, expect, it } from 'vitest';
import testCsv from '../../examples/airpassengers/test.csv?raw';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import creditCsv from '../../examples/credit-g/train.csv?raw';
import { call, csvObjects, json, waitForJob } from './helpers';

const TARGET = 'passengers_thousands';

async function upload(name: string, csv: string): Promise<void> {
  const res = await call('PUT', `/v1/datasets/${name}`, csv);
  expect(res.status).toBe(201);
}

describe('forecast jobs', () => {
  it('searches forecast families by rolling origin and serves forecasts with intervals', async () => {
    await upload('air', trainCsv);
    const created = await call('POST', '/v1/jobs', {
      dataset: 'air',
      target: TARGET,
      task: 'forecast',
      forecast: { horizon: 36 },
      models: ['seasonal_naive', 'drift', 'linear', 'rnn'],
      budget: { trials: 6, seconds: 300 },
    });
    expect(created.status).toBe(202);
    const job = await waitForJob((await json(created)).id, 280_000);
    expect(job.status).toBe('succeeded');
    // The job says what it was asked to do, and what its models learn.
    expect({ task: job.task, learning_task: job.learning_task, metric: job.metric }).toEqual({ task: 'forecast', learning_task: 'regression', metric: 'rmse' });

    const trials = (await json(await call('GET', `/v1/jobs/${job.id}/trials`))).trials as { family: string; status: string; score?: number }[];
    const families = new Set(trials.filter((t) => t.status === 'complete').map((t) => t.family));
    // Baselines are always tried (first in the zero-shot portfolio); the recurrent net trained in workerd.
    expect(families).toContain('seasonal_naive');
    expect(families).toContain('drift');
    expect(families).toContain('rnn');

    const model = await json(await call('GET', '/v1/models/air'));
    expect(model.task).toBe('forecast');
    // The view describes the series in place of features (the dashboard's forecast form reads it).
    // The series ends at the training data's last month: forecasts start the month after.
    // Passengers were never below 0: neither are the forecasts (floor).
    expect(model.forecast).toEqual({ time_column: 'date', frequency: 'monthly', season: 12, horizon: 36, max_horizon: 144, floor: 0, series: [{ last_time: '1957-12-01T00:00:00.000Z', points: 108 }] });
    expect(model.features).toEqual([]);
    // Its evaluation says why there are no out-of-fold rows, and where the score comes from.
    const evaluation = await json(await call('GET', '/v1/models/air/evaluation'));
    expect(evaluation.available).toBe(false);
    expect(evaluation.reason).toMatch(/^a forecast model is validated on rolling origins/);
    // It takes no input rows, so no input drift: a 409 saying so (was a 500).
    const drift = await call('GET', '/v1/models/air/drift');
    expect(drift.status).toBe(409);
    expect((await json(drift)).error).toMatchObject({ code: 'drift_reference_unavailable', message: expect.stringContaining('forecast model') });
    // Nor can a schedule watch its inputs for drift (was accepted, and could never fire).
    const watched = await call('PUT', '/v1/models/air/schedule', { every: '1d', dataset: 'air', budget: { seconds: 30 }, on_drift: { psi: 0.2 } });
    expect(watched.status).toBe(400);
    expect((await json(watched)).error).toMatchObject({ code: 'invalid_request', details: { field: 'on_drift' } });
    expect((await call('PUT', '/v1/models/air/schedule', { every: '1d', dataset: 'air', budget: { seconds: 30 } })).status).toBe(200);
    expect((await call('DELETE', '/v1/models/air/schedule')).status).toBeLessThan(300);

    // With history: the latest training months, ending the month before the first forecast.
    const withHistory = await json(await call('POST', '/v1/models/air/forecast', { horizon: 3, history: true }));
    const train = csvObjects(trainCsv);
    const history = withHistory.history as { time: string; value: number }[];
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(history.at(-1)!.time.slice(0, 7)).toBe('1957-12');
    expect(history.map((p) => p.value)).toEqual(train.slice(-history.length).map((r) => Number(r[TARGET])));
    expect(history.map((p) => p.time.slice(0, 7))).toEqual(train.slice(-history.length).map((r) => String(r.date).slice(0, 7)));
    expect(withHistory.forecasts[0].time.slice(0, 7)).toBe('1958-01');

    const res = await call('POST', '/v1/models/air/forecast', { horizon: 36, level: 0.95 });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.history).toBeUndefined();
    expect(body.forecasts).toHaveLength(36);
    const actual = csvObjects(testCsv);
    expect(body.forecasts[0].time.slice(0, 7)).toBe('1958-01');
    expect(body.forecasts[35].time.slice(0, 7)).toBe('1960-12');
    let sq = 0;
    for (let i = 0; i < 36; i++) {
      const p = body.forecasts[i];
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
      sq += (p.value - Number(actual[i][TARGET])) ** 2;
    }
    const rmse = Math.sqrt(sq / 36);
    // Clearly better than repeating the last season (73.6 on this split): the search found the trend. (With
    // six trials; `npm run bench:automl -- --datasets airpassengers` measures a full budget.)
    expect(rmse).toBeLessThan(65);
  });

  it('names the wrong route and bad requests', async () => {
    await upload('air2', trainCsv);
    const created = await call('POST', '/v1/jobs', { dataset: 'air2', target: TARGET, task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 } });
    const job = await waitForJob((await json(created)).id);
    expect(job.status).toBe('succeeded');

    // Without `models`, every forecast family but ets (searched on request: see engine/forecast/space).
    const byDefault = await waitForJob((await json(await call('POST', '/v1/jobs', { dataset: 'air2', target: TARGET, task: 'forecast', budget: { trials: 1 }, model: 'air2-defaults' }))).id);
    expect(byDefault.models).toEqual(['seasonal_naive', 'drift', 'linear', 'gbdt', 'random_forest', 'rnn']);

    const predict = await call('POST', '/v1/models/air2/predict', { rows: [{ date: '1958-01-01' }] });
    expect(predict.status).toBe(400);
    expect((await json(predict)).error.code).toBe('forecast_model');
    // A forecast request body sent as CSV does not parse as rows; the answer is still where to ask instead.
    const asCsv = await call('POST', '/v1/models/air2/predict', '{"horizon": 3}');
    expect(asCsv.status).toBe(400);
    expect((await json(asCsv)).error.code).toBe('forecast_model');
    // A table model's bad body keeps its own error.
    expect((await json(await call('POST', '/v1/models/air2-missing/predict', '{"horizon": 3}'))).error.code).not.toBe('forecast_model');

    const tooFar = await call('POST', '/v1/models/air2/forecast', { horizon: 5000 });
    expect(tooFar.status).toBe(400);
    expect((await json(tooFar)).error.details.field).toBe('horizon');
    // Every refusal of horizon has one code, whether the schema (under 1) or the model (over its limit) makes it.
    const max = (await json(await call('GET', '/v1/models/air2'))).forecast.max_horizon as number;
    for (const horizon of [0, max + 1, 5000]) {
      const res = await call('POST', '/v1/models/air2/forecast', { horizon });
      expect(res.status).toBe(400);
      expect((await json(res)).error, `horizon ${horizon}`).toMatchObject({ code: 'invalid_request', details: { field: 'horizon' } });
    }
    // However far past it: the model's own limit is named, not a bound of the request schema's.
    for (const horizon of [max + 1, 20_000]) {
      expect((await json(await call('POST', '/v1/models/air2/forecast', { horizon }))).error).toMatchObject({ details: { max }, message: expect.stringMatching(new RegExp(`^horizon must be an integer from 1 to ${max} `)) });
    }
    expect((await call('POST', '/v1/models/air2/forecast', { horizon: max })).status).toBe(200);

    // A group for a model without groups is told so; a number is accepted as a group key (a numeric group column).
    const noGroups = await json(await call('POST', '/v1/models/air2/forecast', { horizon: 3, group: 7 }));
    expect(noGroups.error).toMatchObject({ message: 'unknown group "7"; this model forecasts one series, without groups: leave group out', details: { field: 'group' } });

    // Any level from 0.5 to 0.995 is taken (test/worker/forecast-quantiles.test.ts); below it, refused.
    const badLevel = await call('POST', '/v1/models/air2/forecast', { horizon: 3, level: 0.3 });
    expect(badLevel.status).toBe(400);
    expect((await json(badLevel)).error).toMatchObject({ message: expect.stringMatching(/^level must be from 0\.5 to 0\.995 /), details: { field: 'level' } });
    const noHorizon = await json(await call('POST', '/v1/models/air2/forecast', {}));
    expect(noHorizon.error.message).toBe('horizon: required: how many points to forecast, e.g. {"horizon": 12}');
    expect((await json(await call('POST', '/v1/models/air2/forecast', { horizon: 2.5 }))).error.message).toBe('horizon: expected a whole number of points');

    await upload('credit-for-forecast', creditCsv);
    const noTime = await call('POST', '/v1/jobs', { dataset: 'credit-for-forecast', target: 'credit_amount', task: 'forecast' });
    expect(noTime.status).toBe(400);

    const asha = await call('POST', '/v1/jobs', { dataset: 'air2', target: TARGET, task: 'forecast', strategy: 'asha' });
    expect(asha.status).toBe(400);
    expect((await json(asha)).error.details.field).toBe('strategy');

    // Nothing a forecast can use (a family of image jobs and a classifier-only one): refused, naming the field.
    const cnnOnTable = await call('POST', '/v1/jobs', { dataset: 'air2', target: TARGET, task: 'forecast', models: ['cnn', 'knn'] });
    expect(cnnOnTable.status).toBe(400);
    expect((await json(cnnOnTable)).error).toMatchObject({ details: { field: 'models' }, message: expect.stringContaining('none of the requested model families') });

    // A horizon past 4 times what the series can validate (36 of 108 monthly points) is refused, naming the most.
    const tooLong = await json(await call('POST', '/v1/jobs', { dataset: 'air2', target: TARGET, task: 'forecast', forecast: { horizon: 1000 } }));
    expect(tooLong.error).toMatchObject({ code: 'invalid_request', details: { field: 'forecast.horizon', max: 144 } });
    expect(tooLong.error.message).toContain('the 36 steps ahead that the shortest series (108 points) can validate');
    // A text target is named as no numeric series, and a missing time column by its API field.
    const text = await json(await call('POST', '/v1/jobs', { dataset: 'credit-for-forecast', target: 'purpose', task: 'forecast', forecast: { time_column: 'duration' } }));
    expect(text.error.message).toContain('target column "purpose" is categorical; forecasting needs a numeric target');
    expect((await json(noTime)).error.details.field).toBe('forecast.time_column');
  });

  it('forecasts a business-day series (Monday to Friday) on the next business days, a week by default', async () => {
    const DAY = 86_400_000;
    const rows: string[] = [];
    for (let t = Date.UTC(2024, 0, 1), i = 0; rows.length < 120; t += DAY) {
      const weekday = new Date(t).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      rows.push(`${new Date(t).toISOString().slice(0, 10)},${100 + 0.2 * i++ + [9, 3, 0, -2, -8][weekday - 1]}`);
    }
    await upload('weekdays', ['day,sales', ...rows].join('\n'));
    const created = await call('POST', '/v1/jobs', { dataset: 'weekdays', target: 'sales', task: 'forecast', models: ['seasonal_naive', 'linear'], budget: { trials: 2 }, model: 'weekdays' });
    expect(created.status).toBe(202);
    expect((await waitForJob((await json(created)).id)).status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/weekdays'));
    expect(model.forecast).toMatchObject({ time_column: 'day', frequency: 'business_daily', season: 5, horizon: 5 });
    // Last training day: Friday 14 June 2024; the next six business days skip the weekend.
    expect(rows.at(-1)!.startsWith('2024-06-14')).toBe(true);
    const body = await json(await call('POST', '/v1/models/weekdays/forecast', { horizon: 6, history: true }));
    expect(body.forecasts.map((p: { time: string }) => p.time.slice(0, 10))).toEqual(['2024-06-17', '2024-06-18', '2024-06-19', '2024-06-20', '2024-06-21', '2024-06-24']);
    expect(body.history.at(-1).time.slice(0, 10)).toBe('2024-06-14');
  });

  it('reads a monthly series written 01/MM/YYYY day first, which upload could only guess, and says so', async () => {
    // Every date reads either way; month first (upload's guess) they are the 1st to the 12th of each January.
    const months = trainCsv.trim().split('\n').slice(1, 61).map((l, i) => `01/${String((i % 12) + 1).padStart(2, '0')}/${1949 + Math.floor(i / 12)},${l.split(',')[1]}`);
    await upload('air-dmy', ['date,passengers', ...months].join('\n'));
    const created = await call('POST', '/v1/jobs', { dataset: 'air-dmy', target: 'passengers', task: 'forecast', forecast: { horizon: 6 }, models: ['seasonal_naive'], budget: { trials: 1 }, model: 'air-dmy' });
    expect(created.status).toBe(202);
    const answer = await json(created);
    expect(answer.warnings).toEqual([
      'the dates of "date" read either way (as 01/02/2018 does); read month first, as upload guessed, they are no regular series, read day first they are one (a series of 60 points): the job reads them day first. Declare "columns": {"date": {"type": "datetime", "date_order": "mdy"}} to read them month first',
    ]);
    expect((await waitForJob(answer.id)).status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/air-dmy'));
    expect(model.forecast).toMatchObject({ frequency: 'monthly', season: 12 });
    const next = await json(await call('POST', '/v1/models/air-dmy/forecast', { horizon: 2 }));
    expect(next.forecasts.map((p: { time: string }) => p.time.slice(0, 10))).toEqual(['1954-01-01', '1954-02-01']);
    // Declared month first, the job is refused as the irregular series it then is.
    const declared = await call('POST', '/v1/jobs', { dataset: 'air-dmy', target: 'passengers', task: 'forecast', columns: { date: { type: 'datetime', date_order: 'mdy' } }, budget: { trials: 1 } });
    expect(declared.status).toBe(400);
    expect((await json(declared)).error.message).toContain('time column "date"');
  });

  it('warns when the horizon is validated only in part and when target values were filled', async () => {
    const rows = trainCsv.trim().split('\n');
    // Months 20-22 without a value, month 30 without a row, and the last 68 of the 108 months only (a
    // 40-month horizon validates 12 steps).
    const recent = rows.slice(41);
    const gappy = [rows[0], ...recent.map((l, i) => (i >= 20 && i < 23 ? `${l.split(',')[0]},` : l)).filter((_, i) => i !== 30)].join('\n');
    await upload('air-gaps', gappy);
    const created = await call('POST', '/v1/jobs', { dataset: 'air-gaps', target: TARGET, task: 'forecast', forecast: { horizon: 40 }, models: ['seasonal_naive'], budget: { trials: 1 } });
    expect(created.status).toBe(202);
    const answer = await json(created);
    const warnings = answer.warnings as string[];
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^the series validate (\d+) of the 40 steps ahead asked/);
    const dropped = `${recent[30].split(',')[0]}T00:00:00.000Z`;
    expect(warnings[1]).toBe(`1 missing timestamp was added to fill short gaps in the series (${dropped}); its value is interpolated`);
    expect(warnings[2]).toBe(`3 missing values of "${TARGET}" were filled by linear interpolation; the models learn from the filled values, and a forecast's history shows them`);
    const job = await waitForJob(answer.id);
    expect(job.warnings).toEqual(warnings);
    expect(job.status).toBe('succeeded');

    // Two months at the end with a date and no value: left out, said, and the forecast starts after the last value.
    // Two months before the first value too (listed before the series began): left out and said.
    const future = [rows[0], '1948-11-01,', '1948-12-01,', ...rows.slice(1), '1958-01-01,', '1958-02-01,'].join('\n');
    await upload('air-future', future);
    const ahead = await call('POST', '/v1/jobs', { dataset: 'air-future', target: TARGET, task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 } });
    expect(ahead.status).toBe(202);
    const aheadAnswer = await json(ahead);
    expect(aheadAnswer.warnings).toContain(
      `2 rows at the end of the series have no value of "${TARGET}" and were left out: each series ends at its last value, and forecasts start the step after it; a forecast request gives the covariates of the steps ahead, and a planned row's values are read once its observation is appended`,
    );
    expect(aheadAnswer.warnings).toContain(`2 rows at the start of the series have no value of "${TARGET}" and were left out: each series starts at its first value`);
    expect((await waitForJob(aheadAnswer.id)).status).toBe('succeeded');
    const first = await json(await call('POST', '/v1/models/air-future/forecast', { horizon: 1 }));
    expect(first.forecasts[0].time.slice(0, 10)).toBe('1958-01-01');

    // 30 months: too short for a yearly season, so searched without one (it used to be refused). A column
    // beside the series is said to be unused.
    await upload('air-short', rows.slice(0, 31).map((l, i) => `${l},${i === 0 ? 'promo' : i % 2}`).join('\n'));
    const short = await call('POST', '/v1/jobs', { dataset: 'air-short', target: TARGET, task: 'forecast', forecast: { horizon: 3 }, models: ['seasonal_naive', 'linear'], budget: { trials: 2 } });
    expect(short.status).toBe(202);
    const shortAnswer = await json(short);
    expect(shortAnswer.warnings).toEqual([
      'the shortest series (30 points) is too short to learn a season of 12 (49 points are needed): the models are searched without seasonality',
      `column "promo" is not used: a forecast learns from the past of "${TARGET}" alone (and the calendar); name columns whose future values you know (promotions, prices, holidays) in forecast.covariates, and columns observed only up to now that may lead it (visits, observed weather) in forecast.past_covariates`,
    ]);
    expect((await waitForJob(shortAnswer.id)).status).toBe('succeeded');

    // A chain whose new store has 3 months: the model is trained without that group, which a simple rule
    // forecasts instead (it used to refuse the job, then to refuse the group).
    const body = rows.slice(1);
    await upload('stores', ['date,store,passengers_thousands', ...body.map((l) => `${l.split(',')[0]},old,${l.split(',')[1]}`), ...body.slice(-3).map((l) => `${l.split(',')[0]},new,${l.split(',')[1]}`)].join('\n'));
    const chain = await call('POST', '/v1/jobs', { dataset: 'stores', target: TARGET, task: 'forecast', forecast: { group_column: 'store', horizon: 6 }, models: ['seasonal_naive'], budget: { trials: 1 }, model: 'stores' });
    expect(chain.status).toBe(202);
    const chainAnswer = await json(chain);
    expect(chainAnswer.warnings).toContain(
      'group "new" (3 points: last_value) is too short to validate a forecast on (at least 21 points are needed): the model is trained without it, and it is forecast by a simple fallback rule on its points instead (seasonal_naive when they hold a full season, else last_value), with wider intervals; its forecasts say so',
    );
    expect((await waitForJob(chainAnswer.id)).status).toBe('succeeded');
    expect((await json(await call('POST', '/v1/models/stores/forecast', { horizon: 6, group: 'old' }))).forecasts).toHaveLength(6);
    const newStore = await json(await call('POST', '/v1/models/stores/forecast', { horizon: 6, group: 'new' }));
    expect(newStore.fallback).toMatchObject({ rule: 'last_value', points: 3 });
    expect(newStore.forecasts.map((p: { value: number }) => p.value)).toEqual(Array(6).fill(Number(body.at(-1)!.split(',')[1])));
  });

  it('says when a short series gets a shorter horizon than the default one', async () => {
    // 25 days: too short for a weekly season (29 points), so the default horizon is a tenth of the series, not a week.
    const days = Array.from({ length: 25 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${[3, 5, 4, 6, 2, 8, 7][i % 7] + (i % 3)}`);
    await upload('short-days', ['date,units', ...days].join('\n'));
    const created = await call('POST', '/v1/jobs', { dataset: 'short-days', target: 'units', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 }, model: 'short-days' });
    expect(created.status).toBe(202);
    const answer = await json(created);
    expect(answer.warnings).toEqual([
      'the shortest series (25 points) is too short to learn a season of 7 (29 points are needed): the models are searched without seasonality',
      'forecast.horizon is 3, not the default 7, because the shortest series has only 25 points (a tenth of its length is forecast); a series of 29 points gets the default 7, or set forecast.horizon',
    ]);
    const job = await waitForJob(answer.id);
    expect(job.status).toBe('succeeded');
    expect(job.warnings).toEqual(answer.warnings);
    const model = await json(await call('GET', '/v1/models/short-days'));
    expect(model.forecast).toMatchObject({ frequency: 'daily', season: 1, horizon: 3 });

    // A horizon the job names is the job's: nothing to say about the default.
    const named = await json(await call('POST', '/v1/jobs', { dataset: 'short-days', target: 'units', task: 'forecast', forecast: { horizon: 3 }, models: ['seasonal_naive'], budget: { trials: 1 } }));
    expect(named.warnings).toEqual([answer.warnings[0]]);
    expect((await waitForJob(named.id)).status).toBe('succeeded');
  });

  // From a read-only audit of forecasting: 29 or 31 days (49 to 52 months) hold their season but validate
  // a single step ahead, and the default horizon of a season, more than four times that, was refused as
  // "forecast.horizon 7 is more than 4 times…" though the job named none. It is shortened instead, and said.
  it('shortens a default horizon the shortest series cannot validate enough of, rather than refusing it', async () => {
    const days = Array.from({ length: 29 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${[3, 5, 4, 6, 2, 8, 7][i % 7] + (i % 3)}`);
    await upload('days-29', ['date,units', ...days].join('\n'));
    const created = await call('POST', '/v1/jobs', { dataset: 'days-29', target: 'units', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 }, model: 'days-29' });
    expect(created.status).toBe(202);
    const answer = await json(created);
    expect(answer.warnings).toContain('forecast.horizon is 4, not the default 7, because the shortest series (29 points) can validate 1 steps ahead, and a forecast reaches at most 4 times that; send a longer series for more, or set forecast.horizon (at most 4)');
    expect((await waitForJob(answer.id)).status).toBe('succeeded');
    expect((await json(await call('GET', '/v1/models/days-29'))).forecast).toMatchObject({ frequency: 'daily', season: 7, horizon: 4 });
    // Named, the same horizon is still refused, naming the most it may be.
    const refused = await call('POST', '/v1/jobs', { dataset: 'days-29', target: 'units', task: 'forecast', forecast: { horizon: 7 }, models: ['seasonal_naive'], budget: { trials: 1 } });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.details).toEqual({ field: 'forecast.horizon', max: 4 });
    // 50 months hold a yearly season: the default year ahead is shortened the same way.
    const months = Array.from({ length: 50 }, (_, i) => `${new Date(Date.UTC(2020, i, 1)).toISOString().slice(0, 10)},${100 + i + 10 * Math.sin((2 * Math.PI * i) / 12)}`);
    await upload('months-50', ['month,sales', ...months].join('\n'));
    const monthly = await call('POST', '/v1/jobs', { dataset: 'months-50', target: 'sales', task: 'forecast', models: ['seasonal_naive'], budget: { trials: 1 } });
    expect(monthly.status).toBe(202);
    const monthlyJob = await waitForJob((await json(monthly)).id);
    expect(monthlyJob.status).toBe('succeeded');
    expect(monthlyJob.forecast).toMatchObject({ season: 12 });
    expect(monthlyJob.forecast.horizon).toBeLessThan(12);
  });
});
