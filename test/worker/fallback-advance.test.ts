/**
 * A forecast champion's fallback groups (the groups too short to validate on, which a simple rule
 * forecasts) advanced with it, inside workerd with real R2 (worker/queue/champion-advance): the report
 * counts the groups moved apart from the series, says in words where they now end or why they were left,
 * and a champion whose only moved groups are those is still written, forecasting them from their newest points.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import trainCsv from '../../examples/airpassengers/train.csv?raw';
import { parseCsv } from '../../src/engine/data/csv';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { loadForecaster, parseForecastEnvelope, runForecastTrial } from '../../src/engine/forecast';
import type { ChallengeWork } from '../../src/durable/protocol';
import { advanceChampion } from '../../src/worker/queue/champion-advance';

const body = trainCsv.trim().split('\n').slice(1);
const COLUMNS = { target: 'y', groupColumn: 'series', minLength: 21, horizon: 12 };
/** Only the job's ids name where the advance is written. */
const work = { tenant: 'fallback-advance', job_id: 'retrain' } as ChallengeWork;

/** "a": airpassengers' first `a` months (`bump` added to month 90); "tiny": months `from` to `to` (exclusive), plus 7. */
function data(a: number, from: number, to: number, bump = 0) {
  const rows = ['date,series,y', ...body.slice(0, a).map((l, i) => `${l.split(',')[0]},a,${Number(l.split(',')[1]) + (i === 90 ? bump : 0)}`)];
  for (let i = from; i < to; i++) rows.push(`${body[i].split(',')[0]},tiny,${Number(body[i].split(',')[1]) + 7}`);
  return inferDataset(parseCsv(rows.join('\n')), { date: 'datetime', series: 'categorical' }).dataset;
}

describe('advancing a champion\'s fallback groups', () => {
  it('reports the groups a rule forecasts apart from the series, and writes a champion whose only moved groups are those', async () => {
    // Fitted on 1949-1956: "tiny" holds its 10 months to 1956-12, forecast by its last value.
    const out = await runForecastTrial(data(96, 86, 96), { family: 'seasonal_naive', params: {}, ...COLUMNS, seed: 1 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const champion = { version: 1, artifact_key: 'models/fallback-advance/v1.json' };
    await env.STORE.put(champion.artifact_key, JSON.stringify(out.envelope));

    // "a" replaced (month 90 differs), "tiny" continued by 10 months: only the fallback group moves.
    const ruled = await advanceChampion(env.STORE, work, data(108, 86, 106, 1), COLUMNS, champion);
    expect(ruled).toMatchObject({ from_version: 1, series: 0, left_count: 1, fallback_groups: { advanced: 1, left: [], left_count: 0 } });
    expect(ruled.reason).toMatch(/^no series moved; 1 left as it was: "a" \(its value at 1956-07-01T00:00:00.000Z is \d+ in the new data but \d+ in the model: the data were replaced/);
    expect(ruled.reason).toMatch(/; 1 group a simple rule forecasts advanced to its newest point, now ending at 1957-10-01T00:00:00.000Z \(10 points after 1956-12-01T00:00:00.000Z\)$/);
    expect(ruled.artifact_key).not.toBeNull();
    const written = await loadForecaster(parseForecastEnvelope(await (await env.STORE.get(ruled.artifact_key!))!.text()));
    expect(written.fallback('tiny')).toMatchObject({ rule: 'seasonal_naive', points: 20 });
    expect(written.forecast(1, { group: 'tiny' })[0].time).toBe('1957-11-01T00:00:00.000Z');
    expect(written.forecast(1, { group: 'a' })[0].time).toBe('1957-01-01T00:00:00.000Z');

    // "a" continued, "tiny" gone: the series moves, the group is left, saying why.
    const gone = await advanceChampion(env.STORE, work, data(108, 0, 0), COLUMNS, champion);
    expect(gone).toMatchObject({ series: 1, left_count: 0, fallback_groups: { advanced: 0, left: [{ group: 'tiny', reason: 'it is not in the new data' }], left_count: 1 } });
    expect(gone.reason).toBe('1 series advanced to its newest point, now ending at 1957-12-01T00:00:00.000Z (12 points after 1956-12-01T00:00:00.000Z); 1 group a simple rule forecasts left as it was: "tiny" (it is not in the new data)');
  }, 60_000);
});
