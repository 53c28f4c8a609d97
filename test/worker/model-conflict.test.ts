/**
 * A job publishing to an existing model's name with another target, another task or data lacking columns
 * the champion reads is refused at creation (409 model_conflict, naming each difference, nothing
 * created) unless it says "replace_model": true; a job on newer data of the same columns is not; and a
 * retraining job, which publishes to its own model by design, is never checked. A forecast job is also
 * refused for another time column, group column, step, set of covariates or time zone than its
 * champion's, and not for newer data of the same series.
 */
import { env } from 'cloudflare:workers';
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { forecastDifferences } from '../../src/worker/forecast-contract';
import { startJob } from '../../src/worker/start-job';
import { call, json, waitForJob } from './helpers';

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Penguin-like rows: three species told apart by island and measurements. */
function penguins(n: number, columns = ['island', 'bill', 'flipper']): string {
  const next = stream(1);
  const species = ['Adelie', 'Chinstrap', 'Gentoo'];
  const rows = Array.from({ length: n }, (_, i) => {
    const k = i % 3;
    const cells: Record<string, string> = {
      island: ['Torgersen', 'Dream', 'Biscoe'][(k + (next() < 0.2 ? 1 : 0)) % 3],
      bill: (38 + 5 * k + 3 * next()).toFixed(1),
      flipper: (190 + 12 * k + 8 * next()).toFixed(0),
    };
    return [...columns.map((c) => cells[c]), species[k]].join(',');
  });
  return `${[...columns, 'species'].join(',')}\n${rows.join('\n')}\n`;
}

/** Pima-like rows: a binary class from two measurements. */
function pima(n: number): string {
  const next = stream(2);
  const rows = Array.from({ length: n }, (_, i) => {
    const positive = i % 3 === 0;
    return `${Math.floor(6 * next())},${((positive ? 140 : 110) + 30 * next()).toFixed(0)},${positive ? 'tested_positive' : 'tested_negative'}`;
  });
  return `preg,plas,class\n${rows.join('\n')}\n`;
}

const DAY = 86_400_000;

/**
 * Two shops' daily sales (or weekly, `stepDays` 7) from 1 January 2024: dated by `day` and by `shipped`
 * (a day later, as regular), grouped by `store` or equally by `region`, with a promotion flag and a price.
 */
function shopSales(points: number, stepDays = 1): string {
  const next = stream(3);
  const rows: string[] = [];
  for (const [store, region, base] of [['north', 'N', 100], ['south', 'S', 60]] as const) {
    for (let i = 0; i < points; i++) {
      const t = Date.UTC(2024, 0, 1) + i * stepDays * DAY;
      const promo = i % 5 === 0 ? 1 : 0;
      const price = (10 + (i % 3)).toFixed(2);
      const sales = base + 15 * Math.sin((2 * Math.PI * (i % 7)) / 7) + 25 * promo + 5 * next();
      rows.push([new Date(t).toISOString().slice(0, 10), new Date(t + DAY).toISOString().slice(0, 10), store, region, promo, price, sales.toFixed(1)].join(','));
    }
  }
  return `day,shipped,store,region,promo,price,sales\n${rows.join('\n')}\n`;
}

const job = (body: Record<string, unknown>) => call('POST', '/v1/jobs', { models: ['linear'], budget: { trials: 1 }, ...body });
const jobCount = async () => (await json<{ jobs: unknown[] }>(await call('GET', '/v1/jobs'))).jobs.length;

describe('a job publishing to an existing model', () => {
  it('is refused when its result would be a different model, unless replace_model says so', async () => {
    for (const [name, text] of [['pengs', penguins(90)], ['pimas', pima(90)], ['pengs-no-island', penguins(90, ['bill', 'flipper'])], ['pengs-more', penguins(120)]] as const) {
      expect((await call('PUT', `/v1/datasets/${name}`, text, { 'content-type': 'text/csv' })).status).toBe(201);
    }
    const first = await waitForJob((await json(await job({ dataset: 'pengs', target: 'species', model: 'peng' }))).id);
    expect(first.model).toEqual({ name: 'peng', version: 1 });

    // Another dataset, target and task: every difference is named, and no job is created.
    const before = await jobCount();
    const refused = await job({ dataset: 'pimas', target: 'class', model: 'peng' });
    expect(refused.status).toBe(409);
    const { error } = await json(refused);
    expect(error.code).toBe('model_conflict');
    expect(error.details).toEqual({
      field: 'model',
      model: 'peng',
      champion_version: 1,
      target: { champion: 'species', job: 'class' },
      task: { champion: 'multiclass', job: 'binary' },
      missing_columns: ['island', 'bill', 'flipper'],
    });
    expect(error.message).toBe(
      'model "peng" exists and this job would replace its champion (v1) with a different model: the target differs ("species" → "class"), the task differs (multiclass → binary) and dataset "pimas" v1 lacks 3 columns the champion reads ("island", "bill", "flipper"); its clients would get answers to another question or have their rows refused. Publish under another name ("model": "…"), or send "replace_model": true to replace it',
    );
    expect(await jobCount()).toBe(before);

    // The same target and task on data without a column the champion reads: that column alone.
    const lacking = await job({ dataset: 'pengs-no-island', target: 'species', model: 'peng' });
    expect(lacking.status).toBe(409);
    expect((await json(lacking)).error.details).toEqual({ field: 'model', model: 'peng', champion_version: 1, missing_columns: ['island'] });

    // Newer data of the same columns is retraining by hand: no conflict, no warning about it.
    const again = await job({ dataset: 'pengs-more', target: 'species', model: 'peng' });
    expect(again.status).toBe(202);
    const retrained = await waitForJob((await json(again)).id);
    expect(retrained.model).toEqual({ name: 'peng', version: 2 });
    expect(retrained.warnings ?? []).not.toContainEqual(expect.stringContaining('replace_model'));

    // Asked for, the replacement happens, and the job says what it replaced.
    const replacing = await job({ dataset: 'pimas', target: 'class', model: 'peng', replace_model: true });
    expect(replacing.status).toBe(202);
    const created = await json(replacing);
    const warning =
      '"replace_model": this job\'s result replaces the champion of model "peng" (v2), which predicts "species", is multiclass and reads columns this dataset lacks: clients sending that model\'s rows must change them';
    expect(created.warnings).toContain(warning);
    const replaced = await waitForJob(created.id);
    expect(replaced.status).toBe('succeeded');
    expect(replaced.warnings).toContain(warning);
    const model = await json(await call('GET', '/v1/models/peng'));
    expect(model).toMatchObject({ target: 'class', task: 'binary', champion_version: 3 });
  });

  it('is refused for data lacking a column the champion reads after the champion\'s own data was deleted and uploaded again without it', async () => {
    expect((await call('PUT', '/v1/datasets/pengs-gone', penguins(90), { 'content-type': 'text/csv' })).status).toBe(201);
    const first = await waitForJob((await json(await job({ dataset: 'pengs-gone', target: 'species', model: 'peng-gone' }))).id);
    expect(first.model).toEqual({ name: 'peng-gone', version: 1 });
    expect((await call('DELETE', '/v1/datasets/pengs-gone')).status).toBe(204);
    expect((await call('PUT', '/v1/datasets/pengs-gone', penguins(90, ['bill', 'flipper']), { 'content-type': 'text/csv' })).status).toBe(201);
    const lacking = await job({ dataset: 'pengs-gone', target: 'species', model: 'peng-gone' });
    expect(lacking.status).toBe(409);
    expect((await json(lacking)).error.details).toEqual({ field: 'model', model: 'peng-gone', champion_version: 1, missing_columns: ['island'] });
  });

  it('a forecast job is refused for another time column, group column, step or covariates, unless replace_model says so', async () => {
    for (const [name, text] of [['shop-sales', shopSales(120)], ['shop-sales-more', shopSales(150)], ['shop-sales-weekly', shopSales(80, 7)]] as const) {
      expect((await call('PUT', `/v1/datasets/${name}`, text, { 'content-type': 'text/csv' })).status).toBe(201);
    }
    const series = { time_column: 'day', group_column: 'store', covariates: ['promo'], horizon: 7 };
    const forecastJob = (dataset: string, forecast: Record<string, unknown>, extra: Record<string, unknown> = {}) => job({ dataset, target: 'sales', task: 'forecast', model: 'shop', forecast: { ...series, ...forecast }, ...extra });
    const first = await waitForJob((await json(await forecastJob('shop-sales', {}))).id);
    expect(first.status).toBe('succeeded');
    expect(first.model).toEqual({ name: 'shop', version: 1 });

    const before = await jobCount();
    const refusal = async (res: Response) => {
      expect(res.status).toBe(409);
      const { error } = await json(res);
      expect(error.code).toBe('model_conflict');
      return error as { message: string; details: Record<string, unknown> };
    };
    const base = { field: 'model', model: 'shop', champion_version: 1 };

    // Series named by another column: every request's group would name another series.
    const regrouped = await refusal(await forecastJob('shop-sales', { group_column: 'region' }));
    expect(regrouped.details).toEqual({ ...base, group_column: { champion: 'store', job: 'region' } });
    expect(regrouped.message).toBe(
      'model "shop" exists and this job would replace its champion (v1) with a different model: the group column differs ("store" → "region"); its clients would get answers to another question or have their requests refused. Publish under another name ("model": "…"), or send "replace_model": true to replace it',
    );
    // A covariate added, or one dropped: the requests clients send today would be refused either way.
    const added = await refusal(await forecastJob('shop-sales', { covariates: ['promo', 'price'] }));
    expect(added.details).toEqual({ ...base, covariates: { champion: ['promo'], job: ['promo', 'price'] } });
    expect(added.message).toContain('the covariates differ ("price" added: forecast requests giving the champion\'s would be refused)');
    const dropped = await refusal(await forecastJob('shop-sales', { covariates: undefined }));
    expect(dropped.details).toEqual({ ...base, covariates: { champion: ['promo'], job: [] } });
    expect(dropped.message).toContain('the covariates differ ("promo" dropped');
    // Dated by another column.
    const redated = await refusal(await forecastJob('shop-sales', { time_column: 'shipped' }));
    expect(redated.details).toEqual({ ...base, time_column: { champion: 'day', job: 'shipped' } });
    expect(redated.message).toContain('the time column differs ("day" → "shipped")');
    // Weekly points: a horizon of 7 would be seven weeks.
    const weekly = await refusal(await forecastJob('shop-sales-weekly', {}));
    expect(weekly.details).toEqual({ ...base, frequency: { champion: 'daily', job: 'weekly' } });
    expect(weekly.message).toContain('the step differs (daily → weekly: a horizon would count other steps)');
    // Several at once: each is named.
    const several = await refusal(await forecastJob('shop-sales', { time_column: 'shipped', group_column: 'region', covariates: ['price'] }));
    expect(several.details).toEqual({
      ...base,
      time_column: { champion: 'day', job: 'shipped' },
      group_column: { champion: 'store', job: 'region' },
      covariates: { champion: ['promo'], job: ['price'] },
    });
    expect(several.message).toContain('the time column differs ("day" → "shipped"), the group column differs ("store" → "region") and the covariates differ ("price" added, "promo" dropped:');
    expect(await jobCount()).toBe(before);

    // Newer data of the same series is retraining by hand: no conflict, no warning about it.
    const again = await forecastJob('shop-sales-more', {});
    expect(again.status).toBe(202);
    const retrained = await waitForJob((await json(again)).id);
    expect(retrained.status).toBe('succeeded');
    expect(retrained.model).toEqual({ name: 'shop', version: 2 });
    expect(retrained.warnings ?? []).not.toContainEqual(expect.stringContaining('replace_model'));

    // Asked for, the replacement happens, and the job says what it replaced.
    const replacing = await forecastJob('shop-sales-more', { group_column: 'region', covariates: ['promo', 'price'] }, { replace_model: true });
    expect(replacing.status).toBe(202);
    const created = await json(replacing);
    const warning =
      '"replace_model": this job\'s result replaces the champion of model "shop" (v2), which forecasts one series per "store" and takes covariates "promo": clients sending that model\'s forecast requests must change them';
    expect(created.warnings).toContain(warning);
    const replaced = await waitForJob(created.id);
    expect(replaced.status).toBe('succeeded');
    const model = await json(await call('GET', '/v1/models/shop'));
    expect(model.champion_version).toBe(3);
    expect(model.forecast).toMatchObject({ time_column: 'day', group_column: 'region' });
    expect(model.forecast.covariates.map((c: { name: string }) => c.name)).toEqual(['promo', 'price']);
  });

  it('a forecast job is refused for another time zone than its champion writes times in', async () => {
    // Weekday half-hours, 09:00 to 17:00 Paris time, written with the day's UTC offset (summer time until 27 October).
    const rows: string[] = [];
    for (let day = Date.UTC(2024, 8, 30), i = 0; day <= Date.UTC(2024, 10, 8); day += DAY) {
      if (new Date(day).getUTCDay() % 6 === 0) continue;
      const offset = day < Date.UTC(2024, 9, 27) ? '+02:00' : '+01:00';
      for (let m = 9 * 60; m <= 17 * 60; m += 30, i++) rows.push(`${new Date(day + m * 60_000).toISOString().slice(0, 19)}${offset},${(40 + 20 * Math.sin(m / 90) + (i % 5)).toFixed(1)}`);
    }
    expect((await call('PUT', '/v1/datasets/visits', ['time,visits', ...rows].join('\n'))).status).toBe(201);
    const visits = (extra: Record<string, unknown>) => call('POST', '/v1/jobs', { dataset: 'visits', target: 'visits', task: 'forecast', model: 'visits', models: ['seasonal_naive'], budget: { trials: 1 }, ...extra });
    expect((await waitForJob((await json(await visits({}))).id)).status).toBe('succeeded');
    const zoned = await visits({ forecast: { timezone: 'Europe/Paris' } });
    expect(zoned.status).toBe(409);
    const { error } = await json(zoned);
    expect(error.details).toEqual({ field: 'model', model: 'visits', champion_version: 1, timezone: { champion: null, job: 'Europe/Paris' } });
    expect(error.message).toContain('the time zone differs (none → Europe/Paris)');
    const replacing = await visits({ forecast: { timezone: 'Europe/Paris' }, replace_model: true });
    expect(replacing.status).toBe(202);
    const created = await json(replacing);
    expect(created.warnings).toContainEqual(expect.stringContaining('(v1), which writes times in no time zone: clients sending'));
    expect((await waitForJob(created.id)).status).toBe('succeeded');
    expect((await json(await call('GET', '/v1/models/visits'))).forecast.local_time).toEqual({ timezone: 'Europe/Paris' });
  });

  it('compares covariates as a set, and the step only when both sides know it', () => {
    const champion = { time_column: 'day', group_column: 'store', covariates: ['promo', 'price'], timezone: null, frequency: 'daily' };
    expect(forecastDifferences(champion, { ...champion, covariates: ['price', 'promo'] })).toEqual({});
    // A champion read from its job's config, whose step is not recorded.
    const { frequency: _, ...unknownStep } = champion;
    expect(forecastDifferences(unknownStep, { ...champion, frequency: 'weekly' })).toEqual({});
    expect(forecastDifferences(champion, { ...champion, frequency: 'weekly' })).toEqual({ frequency: { champion: 'daily', job: 'weekly' } });
  });

  it('an image job is refused for images of another size or channels than its champion reads, unless replace_model says so', async () => {
    // Two classes of 4x4 gray PNGs, a little noise in each so pixels are not constant.
    const png = (value: number, seed: number) => encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: Uint8Array.from({ length: 16 }, (_, i) => Math.min(255, value + ((i * (seed + 3) * 7) % 21))) });
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 12; i++) {
      files[`dark/${i}.png`] = png(20, i);
      files[`light/${i}.png`] = png(220, i);
    }
    const zip = zipSync(files);
    const zipHeaders = { 'content-type': 'application/zip' };
    expect((await call('PUT', '/v1/datasets/tiles?channels=1', zip, zipHeaders)).status).toBe(201);
    const first = await call('POST', '/v1/jobs', { dataset: 'tiles', target: 'label', models: ['cnn'], budget: { trials: 1, seconds: 300 } });
    expect(first.status).toBe(202);
    expect((await waitForJob((await json(first)).id, 300_000)).status).toBe('succeeded');

    // The same images read as RGB: a model of 4x4x3 images, whose clients would send other pixels.
    expect((await call('PUT', '/v1/datasets/tiles?channels=3', zip, zipHeaders)).status).toBe(201);
    const before = await jobCount();
    const refused = await call('POST', '/v1/jobs', { dataset: 'tiles', target: 'label', models: ['cnn'], budget: { trials: 1 } });
    expect(refused.status).toBe(409);
    const error = (await json(refused)).error;
    expect(error.code).toBe('model_conflict');
    expect(error.details.image).toEqual({ champion: '4x4x1', job: '4x4x3' });
    expect(error.message).toContain('the images differ (height x width x channels 4x4x1 → 4x4x3)');
    expect(await jobCount()).toBe(before);
    // Told to replace it, the job starts, and says what it replaces.
    const replaced = await json(await call('POST', '/v1/jobs', { dataset: 'tiles', target: 'label', models: ['cnn'], budget: { trials: 1 }, replace_model: true }));
    expect(replaced.warnings?.join(' ')).toContain('which reads 4x4x1 images');
    expect((await waitForJob(replaced.id, 300_000)).status).toBe('succeeded');
  }, 600_000);

  it('a retraining job is not checked: it publishes to its own model by design', async () => {
    expect((await call('PUT', '/v1/datasets/own-pengs', penguins(90), { 'content-type': 'text/csv' })).status).toBe(201);
    expect((await call('PUT', '/v1/datasets/own-pimas', pima(90), { 'content-type': 'text/csv' })).status).toBe(201);
    await waitForJob((await json(await job({ dataset: 'own-pengs', target: 'species', model: 'own' }))).id);
    // Every difference at once would refuse a job asked for by hand...
    expect((await job({ dataset: 'own-pimas', target: 'class', model: 'own' })).status).toBe(409);
    // ...but not the creation path's retraining job (scheduled and drift runs start it this way).
    const body = { dataset: 'own-pimas', target: 'class', model: 'own', models: ['linear'], budget: { trials: 1 } };
    const started = await startJob(env, 'default', body, { retrain: { warm_start: [], margin: 0 } });
    expect(started.status).toBe('queued');
    // Cancelled, it keeps the champion.
    expect((await call('DELETE', `/v1/jobs/${started.id}`)).status).toBe(200);
    const done = await waitForJob(started.id);
    expect(done.status).toBe('cancelled');
    expect(await json(await call('GET', '/v1/models/own'))).toMatchObject({ target: 'species', champion_version: 1 });
  });
});
