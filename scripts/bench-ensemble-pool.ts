/**
 * `npm run bench:pool -- [--data DIR] [--datasets a,b] [--seeds 1,2,3] [--trials 150] [--seconds 50] [--family-cap SHARE] [--json OUT]`
 * Which finished trials a job's ensemble should choose from, measured on held-out data. Runs a job's search
 * in process for each dataset and seed (the `auto` sampler: the portfolio, then TPE; the job's folds; each
 * trial as the trial consumer runs it, fold bags included), until --trials trials or --seconds seconds
 * (`--seconds 0`: trials alone, the same trials on every run). From the very same trials, greedy selection
 * (the job's settings) is run over several pools:
 *  - top20: the best 20 trials by out-of-fold loss (the pool before engine/ensemble/candidate-pool),
 *  - pool: those plus the best trial of every family not among them (ensembleCandidatePool, what jobs use),
 *  - fam1 / fam3: the best one / three trials of each family only,
 *  - defaults: each family's first trial alone (the portfolio's defaults: what the search added is left out),
 * and each blend is scored once on the test split, beside the best single trial's score (`single`). The
 * table gives each, with a count of the pool's wins over top20 and over defaults.
 * `--family-cap SHARE` (0 < SHARE < 1) searches differently: once every family has had its default, a
 * proposal of a family that already holds more than SHARE of the trials is asked again among the other
 * families. A search spends most of its trials on its leader's family (pima: 93 of 100 extra trees); the
 * cap asks whether spreading them helps the blend. Session 28, 6 datasets x 2 seeds x 100 trials: no (6
 * better, 6 worse; issue 4's note).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildEnsembleEnvelope, samplerFor, selectJobEnsemble, servingCostMicros } from '../src/engine';
import { ensembleCandidatePool } from '../src/engine/ensemble/candidate-pool';
import { METRICS, type MetricName } from '../src/engine/eval/metrics';
import type { Sampler } from '../src/engine/search/sampler';
import { type FinishedTrial, runInProcessSearch } from './lib/in-process-search';
import { loadJobSplit } from './lib/job-split';
import { formatTable } from './lib/tables';
import { initWasmInNode } from './lib/tfjs-wasm-node';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(import.meta.dirname, '../../shared/data') },
    datasets: {
      type: 'string',
      default: 'credit_g,pima_diabetes,vote,penguins,ionosphere,breast_cancer_wisconsin,auto_mpg,concrete,diabetes_progression,soybean,segment,lending_club',
    },
    seeds: { type: 'string', default: '1,2,3' },
    trials: { type: 'string', default: '150' },
    seconds: { type: 'string', default: '50' },
    'family-cap': { type: 'string' },
    json: { type: 'string' },
  },
});

interface Finished extends FinishedTrial {
  readonly cost: number;
}

const POOLS = ['top20', 'pool', 'fam1', 'fam3', 'defaults'] as const;
type PoolName = (typeof POOLS)[number];

type Row = { dataset: string; seed: number; metric: MetricName; trials: number; families: string; single: number } & Record<PoolName, number>;

/** The job's sampler, or with `cap` one that spreads trials over families (see the header). */
function searchSampler(cap: number | undefined): Sampler {
  const auto = samplerFor('auto');
  if (cap === undefined) return auto;
  if (!(cap > 0 && cap < 1)) throw new Error(`--family-cap must be a share between 0 and 1, got ${cap}`);
  return {
    name: `auto, family cap ${cap}`,
    suggest(history, ctx) {
      const proposal = auto.suggest(history, ctx);
      // The portfolio's defaults first, uncapped: one trial of each family.
      if (history.length < ctx.families.length) return proposal;
      const share = history.filter((t) => t.family === proposal.family).length / history.length;
      if (share <= cap) return proposal;
      return auto.suggest(history, { ...ctx, families: ctx.families.filter((f) => f !== proposal.family) });
    },
  };
}

/** The best `k` trials of each family, best first. */
function bestPerFamily(ranked: readonly Finished[], k: number): Finished[] {
  const taken = new Map<string, number>();
  return ranked.filter((t) => {
    const n = taken.get(t.family) ?? 0;
    taken.set(t.family, n + 1);
    return n < k;
  });
}

/** Each family's first trial (its default, as the portfolio proposes it), best first. */
function firstPerFamily(done: readonly Finished[]): Finished[] {
  const first = new Map<string, Finished>();
  // `done` is in trial order (runInProcessSearch appends each trial as it completes).
  for (const t of done) if (!first.has(t.family)) first.set(t.family, t);
  return [...first.values()].sort((a, b) => a.loss - b.loss);
}

async function main() {
  await initWasmInNode();
  const cap = values['family-cap'] === undefined ? undefined : Number(values['family-cap']);
  const sampler = searchSampler(cap);
  const seconds = Number(values.seconds);
  const rows: Row[] = [];
  for (const name of values.datasets.split(',')) {
    const split = loadJobSplit(values.data, name);
    const { meta, ds, target, metric, folds, testScore } = split;
    for (const seed of values.seeds.split(',').map(Number)) {
      const run = await runInProcessSearch(split, sampler, seed, { trials: Number(values.trials), ...(seconds > 0 ? { seconds } : {}) });
      // Greedy selection needs out-of-fold rows for every training row: only cross-validated trials have them.
      const done: Finished[] = folds > 1 ? run.complete.map((c) => ({ ...c, cost: servingCostMicros(c.envelope) })) : [];
      if (done.length === 0) continue;
      const blendScore = async (pool: Finished[]) => {
        const { selection, improves } = selectJobEnsemble(ds, { target: meta.target, task: target.task, metric }, pool.map((c) => ({ id: c.id, oof: c.oof, cost: c.cost })));
        const envelope = improves ? buildEnsembleEnvelope(selection, (id) => pool.find((c) => c.id === id)?.envelope, metric) : pool[0].envelope;
        return testScore(envelope);
      };
      const ranked = [...done].sort((a, b) => a.loss - b.loss);
      const pools: Record<PoolName, Finished[]> = {
        top20: ranked.slice(0, 20),
        pool: ensembleCandidatePool(done, 20),
        fam1: bestPerFamily(ranked, 1),
        fam3: bestPerFamily(ranked, 3),
        defaults: firstPerFamily(done),
      };
      const scores = {} as Record<PoolName, number>;
      for (const p of POOLS) scores[p] = await blendScore(pools[p]);
      const families = [...new Set(done.map((t) => t.family))].map((f) => `${f}:${done.filter((t) => t.family === f).length}`).join(' ');
      const row: Row = { dataset: name, seed, metric, trials: done.length, families, single: await testScore(ranked[0].envelope), ...scores };
      rows.push(row);
      console.log(`- ${name} seed ${seed}: ${done.length} trials (${families}): ${POOLS.map((p) => `${p} ${scores[p].toFixed(4)}`).join(', ')}, single ${row.single.toFixed(4)}`);
    }
  }
  console.log(`\nblends of the same trials from each pool, scored on the test split (${sampler.name})\n`);
  console.log(formatTable(['dataset', 'seed', 'metric', 'trials', ...POOLS, 'single'], rows.map((r) => [r.dataset, r.seed, r.metric, r.trials, ...POOLS.map((p) => r[p]), r.single])));
  for (const other of ['top20', 'defaults'] as const) {
    const gains = rows.map((r) => (METRICS[r.metric].greaterIsBetter ? r.pool - r[other] : r[other] - r.pool));
    const better = gains.filter((g) => g > 0).length;
    const worse = gains.filter((g) => g < 0).length;
    console.log(`the pool's blend against ${other}: better in ${better}, worse in ${worse}, equal in ${rows.length - better - worse} of ${rows.length}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
}

await main();
