/**
 * Retraining a forecast model whose data gained a series its champion never saw (a store opened after
 * the first training), inside workerd. The champion cannot forecast the new series, so the two models are
 * compared on the held-out points of the series both know: a challenger that matches the champion there
 * is promoted, and the new store is forecast from then on; one worse there by more than the margin is
 * kept, the decision naming the new series and the promote route that adopts it; a champion that knows
 * none of the held-out series has no score, and the challenger that forecasts them is promoted. The job's
 * `challenge`, the model's history and the schedule's run say which series were new and what was
 * compared. Before this, every such comparison failed and kept the champion, run after run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, scheduledTick, send, tenantKey, waitJob } from './tenant';

const TENANT = 'fc-new-series';
const HORIZON = 6;
const MIN = 60_000;
let key = '';

/** A small, fixed, irregular wobble (a hash of the month and the store), so no model is exact. */
const wobble = (i: number, k: number) => 4 * ((Math.abs(Math.sin(i * 12.9898 + k * 78.233) * 43758.5453) % 1) - 0.5);

/**
 * Monthly sales from January 2000 of the named stores, each a strong yearly swing around its own level:
 * `months` points of each, a store listed with a start month beginning there (opened later).
 */
function stores(months: number, list: readonly (readonly [string, number])[]): string {
  const lines = ['month,store,sales'];
  for (let i = 0; i < months; i++) {
    list.forEach(([store, from], k) => {
      if (i < from) return;
      const value = 100 * (k + 1) + 40 * Math.sin((2 * Math.PI * i) / 12) + wobble(i, k);
      lines.push(`${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${store},${value.toFixed(3)}`);
    });
  }
  return lines.join('\n');
}

const OLD = [['north', 0], ['south', 0]] as const;
/** The same stores, and "west", opened two years in. */
const WITH_WEST = [...OLD, ['west', 24]] as const;

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);
const post = (path: string, body: unknown) => send({ method: 'POST', path, key, body });
const describeModel = async (model: string) => jsonOf(await send({ method: 'GET', path: `/v1/models/${model}`, key }));
const forecastWest = (model: string, version?: number) => post(`/v1/models/${model}/forecast`, { horizon: 3, group: 'west', ...(version ? { version } : {}) });

/** A job to completion (the champion: seasonal naive, which forecasts each store's swing from its last year). */
async function run(body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await post('/v1/jobs', { target: 'sales', budget: { trials: 1 }, seed: 3, ...body });
  expect(res.status, await res.clone().text()).toBe(202);
  const job = await waitJob((await jsonOf(res)).id, key, 200_000);
  expect(job.status).toBe('succeeded');
  return job;
}
const champion = (dataset: string, model: string) => run({ dataset, model, task: 'forecast', forecast: { group_column: 'store', horizon: HORIZON }, models: ['seasonal_naive'] });

describe('retraining a forecast model whose data gained a series', () => {
  beforeAll(async () => {
    key = await tenantKey(TENANT, 'k');
  });

  it('promotes on schedule a challenger as good on the series both know, which then forecasts the new one', async () => {
    await upload('chain', stores(72, OLD));
    await champion('chain', 'chain');
    await upload('chain', stores(84, WITH_WEST));

    const res = await send({ method: 'PUT', path: '/v1/models/chain/schedule', key, body: { every: '1d', dataset: 'chain', budget: { trials: 1 } } });
    expect(res.status, await res.clone().text()).toBe(200);
    await scheduledTick(Date.parse((await jsonOf(res)).next_due_at) + MIN);
    const started = (await jsonOf(await send({ method: 'GET', path: '/v1/models/chain/schedule', key }))).runs[0];
    expect(started, JSON.stringify(started)).toMatchObject({ status: 'started' });
    const retrain = await waitJob(started.job_id, key, 200_000);
    expect(retrain.status).toBe('succeeded');

    // Compared on north's and south's last six months; west's six are the challenger's alone.
    const ch = retrain.challenge;
    expect(ch, JSON.stringify(ch)).toMatchObject({ status: 'complete', promoted: true, champion_version: 1, holdout_rows: 2 * HORIZON });
    expect(ch.new_series).toMatchObject({ groups: ['west'], count: 1, points: HORIZON, known_series: 2 });
    expect(ch.new_series.challenger_score).toBeGreaterThan(0);
    // Both are seasonal naive: the same forecasts of the known stores, so no win by the margin, and still promoted.
    expect(ch.challenger_score).toBeCloseTo(ch.champion_score, 9);
    expect(ch.decision).toMatch(
      /^challenger v2 vs champion v1 on the 12 held-out points of the 2 series both know \(champion v1 has never seen the series "west": 6 held-out points only the challenger forecasts, rmse \d+\.\d{4}\): rmse challenger .* vs champion .*: (lower by 0\.00%|higher \(worse\) by 0\.00%, not more than the margin 1\.00%); a challenger that adds series the champion cannot forecast only has to match it on the series it knows; promoted$/,
    );

    const model = await describeModel('chain');
    expect(model.champion_version).toBe(2);
    expect(model.history.at(-1)).toMatchObject({ kind: 'published', version: 2, comparison: { champion_version: 1, holdout_rows: 2 * HORIZON, promoted: true, new_series: ch.new_series } });
    const after = (await jsonOf(await send({ method: 'GET', path: '/v1/models/chain/schedule', key }))).runs[0];
    expect(after).toMatchObject({ status: 'promoted', version: 2, outcome: expect.stringMatching(/^v2 became the champion: .*series both know .*never seen the series "west"/) });
    expect((await send({ method: 'DELETE', path: '/v1/models/chain/schedule', key })).status).toBe(204);

    // The new champion forecasts west; version 1 still does not know it.
    const west = await forecastWest('chain');
    expect(west.status, await west.clone().text()).toBe(200);
    expect((await jsonOf(west)).model.version).toBe(2);
    const old = await forecastWest('chain', 1);
    expect(old.status).toBe(400);
    expect((await jsonOf(old)).error.message).toMatch(/unknown group "west"/);
  }, 300_000);

  it('keeps a champion much better on the known series, naming the new one and the promote route that adopts it', async () => {
    await upload('solo', stores(72, OLD));
    await champion('solo', 'solo');
    await upload('solo', stores(84, WITH_WEST));
    // Drift draws a line through a yearly swing: far worse than the champion on north and south.
    const kept = await run({ dataset: 'solo', model: 'solo', challenge: true, models: ['drift'] });

    const ch = kept.challenge;
    expect(ch, JSON.stringify(ch)).toMatchObject({ status: 'complete', promoted: false, champion_version: 1, holdout_rows: 2 * HORIZON, advanced_version: 3 });
    expect(ch.new_series).toMatchObject({ groups: ['west'], count: 1, points: HORIZON, known_series: 2 });
    expect(ch.challenger_score).toBeGreaterThan(2 * ch.champion_score);
    expect(ch.decision).toMatch(/on the 12 held-out points of the 2 series both know \(champion v1 has never seen the series "west": .*higher \(worse\) by \d+\.\d\d%, more than the margin 1\.00%; the champion stays, and cannot forecast the new series "west" \(it refuses a forecast naming it\)/);
    expect(ch.decision).toContain('make v2 the champion on purpose: POST /v1/models/solo/promote {"version": 2} (CLI: edge-automl promote solo 2); champion v1 is advanced to the newest points as v3');

    const model = await describeModel('solo');
    expect(model.champion_version).toBe(3);
    const keptEvent = model.history.find((e: Record<string, any>) => e.kind === 'challenger_kept');
    expect(keptEvent).toMatchObject({ version: 2, comparison: { promoted: false, new_series: { groups: ['west'], known_series: 2 } } });
    expect(keptEvent.reason).toContain('POST /v1/models/solo/promote {"version": 2}');

    // The advanced champion still refuses west; the way out the decision names forecasts it.
    expect((await forecastWest('solo')).status).toBe(400);
    const promoted = await post('/v1/models/solo/promote', { version: 2 });
    expect(promoted.status, await promoted.clone().text()).toBe(200);
    expect((await forecastWest('solo')).status).toBe(200);
  }, 300_000);

  it('promotes without a margin a challenger over a champion that knows none of the held-out series', async () => {
    await upload('moved', stores(72, OLD));
    await champion('moved', 'moved');
    // Other stores altogether (the same columns): nothing to compare the champion on.
    await upload('elsewhere', stores(72, [['west', 0], ['east', 0]]));
    const job = await run({ dataset: 'elsewhere', model: 'moved', challenge: true, models: ['seasonal_naive'] });

    const ch = job.challenge;
    expect(ch, JSON.stringify(ch)).toMatchObject({ status: 'complete', promoted: true, champion_version: 1, holdout_rows: 2 * HORIZON });
    expect(ch.champion_score).toBeUndefined();
    expect(ch.new_series).toMatchObject({ count: 2, points: 2 * HORIZON, known_series: 0 });
    expect([...ch.new_series.groups].sort()).toEqual(['east', 'west']);
    expect(ch.reason).toMatch(/^champion v1 cannot forecast the held-out points: it has never seen any of their series \("(west|east)", "(west|east)"\), and it refuses a forecast naming one$/);
    expect(ch.decision).toMatch(/rmse challenger \d+\.\d{4}, and champion v1 cannot forecast .*; promoted$/);
    const published = (await describeModel('moved')).history.at(-1);
    expect(published).toMatchObject({ kind: 'published', version: 2, comparison: { champion_score: null, promoted: true, reason: ch.reason, new_series: { known_series: 0 } } });
  }, 300_000);
});
