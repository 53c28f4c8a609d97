/**
 * The SearchCoordinator's own CPU per trial at up to 1,000 trials, in Node: the real class and journal
 * logic, the real samplers, with storage, queue and alarms faked in memory (SQLite appends cost
 * microseconds in a Durable Object and are left out). ask + tell = report (journal append, sampler ask
 * for the next trial) + claim. Printed per window of 100 trials, medians, for TPE and random search, and
 * for TPE on an image job (32x32 RGB), where the memory screen narrows most CNN proposals, and for ASHA
 * over training rows (a time budget: promotions and the full-rows reservation at each launch).
 * Run: `npm run bench:coordinator` (after the workerd run, which includes the RPC hop).
 */
import { expect, it } from 'vitest';
import type { JobConfig } from '../src/durable/protocol';
import { SearchCoordinator } from '../src/durable/search-coordinator';
import type { SamplerStrategy } from '../src/engine';
import { detachedJobConfig, PARSEABLE_ARTIFACT_JSON } from '../test/fixtures/job-config';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 1_000);
const WINDOW = 100;

/** Just enough of SqlStorage for the coordinator: appends are dropped, the journal reads back empty. */
const fakeSql = { exec: () => ({ toArray: () => [], one: () => ({}), [Symbol.iterator]: function* () {} }) };
const fakeCtx = { storage: { sql: fakeSql, setAlarm: async () => undefined, getAlarm: async () => null, deleteAlarm: async () => undefined } };
const fakeEnv = { STORE: { get: async () => ({ text: async () => PARSEABLE_ARTIFACT_JSON }) }, TRIALS: { send: async () => undefined, sendBatch: async () => undefined }, REGISTRY: { getByName: () => ({ publish: async () => ({ version: 1 }), jobFinished: async () => undefined }) } };

const config = (strategy: SamplerStrategy): JobConfig =>
  detachedJobConfig(`cpu-${strategy}`, { tenant: 'bench', dataset: { name: 'd', version: 1, key: 'datasets/none', rows: 5_000, cols: 20 }, budget: { seconds: 86_400, trials: TRIALS }, strategy, families: ['gbdt', 'linear', 'random_forest'], seed: 7, model_name: 'bench', parallelism: 1, folds: 3, lease_ms: 600_000 });

/** An image job whose CNN proposals mostly exceed the trial memory limit as drawn (see memory-screen). */
const imageConfig = (): JobConfig => ({
  ...config('bayes'),
  id: 'cpu-image',
  dataset: { name: 'd', version: 1, key: 'datasets/none', rows: 680, cols: 3072 },
  task: 'multiclass',
  classes: Array.from({ length: 10 }, (_, i) => String(i)),
  metric: 'accuracy',
  families: ['cnn', 'mlp', 'linear'],
  folds: 5,
  image: { height: 32, width: 32, channels: 3 },
});

/** A multi-fidelity job (rows ladder 1/9, 1/3, 1) with a time budget: promotions and the full-rows reservation read the journal at each launch. */
const ashaConfig = (): JobConfig => ({ ...config('bayes'), strategy: 'asha', id: 'cpu-asha', dataset: { name: 'd', version: 1, key: 'datasets/none', rows: 25_000, cols: 20 }, budget: { seconds: 86_400 }, folds: 1 });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

it('measures the coordinator CPU per trial up to 1,000 trials', async () => {
  const lines: string[] = [];
  const cases: [string, JobConfig][] = [['bayes', config('bayes')], ['random', config('random')], ['bayes-img', imageConfig()], ['asha', ashaConfig()]];
  for (const [strategy, jobConfig] of cases) {
    const coordinator = new SearchCoordinator(fakeCtx as never, fakeEnv as never);
    await coordinator.start(jobConfig);
    const cycle: number[] = [];
    for (let n = 0; n < TRIALS; n++) {
      const trialId = `t${String(n).padStart(4, '0')}`;
      const t = performance.now();
      const work = await coordinator.claim(trialId);
      expect(work).not.toBeNull();
      let v = 0;
      for (const x of Object.values(work!.params)) if (typeof x === 'number') v += Math.sin(x) * 0.01;
      const score = 0.8 + v;
      await coordinator.report(trialId, { status: 'complete', score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: 'models/none.json' });
      cycle.push(performance.now() - t);
    }
    for (let w = 0; w < TRIALS; w += WINDOW) {
      const win = cycle.slice(w, w + WINDOW);
      lines.push(`${strategy.padEnd(9)}  ${`${w + 1}-${w + WINDOW}`.padEnd(10)}  ${median(win).toFixed(3).padStart(8)}  ${Math.max(...win).toFixed(3).padStart(8)}`);
    }
  }
  console.log(['\ncoordinator CPU per trial in Node (ask + tell, ms; storage faked)', 'sampler    trials      median ms    max ms', ...lines, 'target: < 10 ms at 1,000 trials'].join('\n'));
});
