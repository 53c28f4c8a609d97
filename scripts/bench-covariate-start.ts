/**
 * `npx tsx scripts/bench-covariate-start.ts [--seeds 5]`
 * What starting each series where its past covariates begin (engine/forecast/covariate-start) costs the
 * models that do not read them, and what the visits then buy. On the simulated shops of
 * test/engine/visit-shops.ts (three shops, 240 days, sales following their web visits nine days later,
 * optionally plus a trend of 0.3 a day), with the visits recorded from day 60 in every shop, or from days
 * 150, 120 and 100: each of seasonal naive, drift, ets and the default linear model is fitted without the
 * visits once on each shop's full history and once on the history from the visits' first day, and scored
 * by RMSE on the week after (three weeks per data seed: the last, the one before and the one before that).
 * Printed per case: each family's geometric-mean held-out RMSE on the full and the trimmed history, their
 * ratio and how often trimmed was lower; then the default linear model reading the visits (trimmed, as a
 * job reads such data) against the best of those families on the full history.
 */
import { parseArgs } from 'node:util';
import { type ForecastFamily, forecastDefaults, forecastShapeOf, loadForecaster, runForecastTrial } from '../src/engine/forecast';
import { DAY, DAYS, type Row, SHOPS, shops, START, table } from '../test/engine/visit-shops';
import { geometricMean } from './lib/ratio-stats';
import { formatTable } from './lib/tables';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' } } });
const SEEDS = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const H = 7;
const FAMILIES: readonly ForecastFamily[] = ['seasonal_naive', 'drift', 'ets', 'linear'];
const dayOf = (r: Row) => (Date.parse(r.day) - START) / DAY;

/** Held-out RMSE over the week from day `cut` of every shop, of `family` fitted on `train` (reading the visits when `past`). */
async function heldOut(train: readonly Row[], truth: readonly Row[], family: ForecastFamily, past: boolean, cut: number): Promise<number> {
  const spec = { target: 'sales', groupColumn: 'shop', horizon: H, ...(past ? { pastCovariates: ['visits'] } : {}) };
  const out = await runForecastTrial(table(train), { family, params: forecastDefaults(family, forecastShapeOf(table(train), spec)), ...spec, seed: 1 });
  if (out.status !== 'complete') throw new Error(`${family}: ${out.reason}`);
  const f = await loadForecaster(out.envelope);
  let se = 0;
  for (const shop of SHOPS) {
    const points = f.forecast(H, { group: shop });
    truth.filter((r) => r.shop === shop && dayOf(r) >= cut && dayOf(r) < cut + H).forEach((r, h) => (se += (r.sales - points[h].value) ** 2));
  }
  return Math.sqrt(se / (SHOPS.length * H));
}

const CASES: readonly { trend: number; from: Readonly<Record<string, number>> }[] = [
  { trend: 0, from: { a: 60, b: 60, c: 60 } },
  { trend: 0, from: { a: 150, b: 120, c: 100 } },
  { trend: 0.3, from: { a: 60, b: 60, c: 60 } },
  { trend: 0.3, from: { a: 150, b: 120, c: 100 } },
];

for (const { trend, from } of CASES) {
  const full = new Map<ForecastFamily, number[]>(FAMILIES.map((f) => [f, []]));
  const trimmed = new Map<ForecastFamily, number[]>(FAMILIES.map((f) => [f, []]));
  const withVisits: number[] = [];
  const bestWithout: number[] = [];
  for (const seed of SEEDS) {
    const rows = shops(seed).map((r) => ({ ...r, sales: Number((r.sales + trend * dayOf(r)).toFixed(2)) }));
    for (const cut of [DAYS - H, DAYS - 2 * H, DAYS - 3 * H]) {
      const train = rows.filter((r) => dayOf(r) < cut);
      const cropped = train.filter((r) => dayOf(r) >= from[r.shop]);
      const scores: number[] = [];
      for (const family of FAMILIES) {
        const a = await heldOut(train, rows, family, false, cut);
        full.get(family)!.push(a);
        trimmed.get(family)!.push(await heldOut(cropped, rows, family, false, cut));
        scores.push(a);
      }
      bestWithout.push(Math.min(...scores));
      // The visits empty before each shop's day: the job reads the series from there, as `cropped` holds them.
      const late = train.map((r) => (dayOf(r) < from[r.shop] ? { ...r, visits: Number.NaN } : r));
      withVisits.push(await heldOut(late, rows, 'linear', true, cut));
    }
  }
  const weeks = SEEDS.length * 3;
  console.log(`\ntrend ${trend} a day, visits from days ${JSON.stringify(from)}: ${weeks} held-out weeks (${SEEDS.length} data seeds x 3)`);
  console.log(
    formatTable(
      ['family (no visits)', 'full', 'trimmed', 'trimmed/full', 'trimmed lower'],
      FAMILIES.map((f) => {
        const ratios = trimmed.get(f)!.map((t, i) => t / full.get(f)![i]);
        return [f, geometricMean(full.get(f)!), geometricMean(trimmed.get(f)!), geometricMean(ratios), `${ratios.filter((r) => r < 1).length}/${weeks}`];
      }),
    ),
  );
  console.log(`linear reading the visits (trimmed): ${geometricMean(withVisits).toFixed(2)}; best family without them, full history: ${geometricMean(bestWithout).toFixed(2)}; lower in ${withVisits.filter((v, i) => v < bestWithout[i]).length}/${weeks}`);
}
