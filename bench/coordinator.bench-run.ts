/**
 * Coordinator overhead per trial at 1,000 trials, inside workerd with real SQLite storage: the tell
 * (report a result: journal append, sampler ask for the next configuration, queue send) and the claim
 * (hand the next trial's work to a consumer), timed from a caller like the queue consumer, so the RPC
 * hop is included. Results are synthetic losses from the parameters, so no training runs. Printed per
 * window of 100 trials (medians), for each sampler, with the target (< 10 ms at 1,000 trials).
 * Run: `npm run bench:coordinator`.
 */
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import type { JobConfig, TrialWork } from '../src/durable/protocol';
import type { SearchCoordinator } from '../src/durable/search-coordinator';
import type { SamplerStrategy } from '../src/engine';
import { withArtifact } from '../test/worker/helpers';
import { detachedJobConfig } from '../test/fixtures/job-config';

const TRIALS = Number((env as unknown as { BENCH_TRIALS?: string }).BENCH_TRIALS ?? 1_000);
const WINDOW = 100;

/** Messages go to `detached/<id>`, an empty coordinator: consumers find nothing to run. */
const config = (id: string, strategy: SamplerStrategy): JobConfig =>
  detachedJobConfig(id, { dataset: { name: 'd', version: 1, key: 'datasets/none', rows: 5_000, cols: 20 }, budget: { seconds: 86_400, trials: TRIALS }, strategy, families: ['gbdt', 'linear', 'random_forest'], seed: 7, model_name: `bench-${id}`, parallelism: 1, folds: 3, lease_ms: 600_000 });

/** A smooth synthetic score from the numeric parameters, so the sampler has something to learn. */
function scoreOf(work: TrialWork): number {
  let s = 0;
  for (const v of Object.values(work.params)) if (typeof v === 'number' && Number.isFinite(v)) s += Math.sin(v) * 0.01;
  return 0.8 + s + (work.family === 'gbdt' ? 0.02 : 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (s: string | number, n: number) => String(s).padEnd(n);

it('measures ask + tell per trial up to 1,000 trials', async () => {
  const lines: string[] = [];
  // The coordinator checks the winner's artifact before publishing: give it one that parses.
  await withArtifact({ status: 'complete', artifact_key: 'models/none.json' });
  for (const strategy of ['bayes', 'random'] as SamplerStrategy[]) {
    const id = `overhead-${strategy}`;
    const stub = env.SEARCH.getByName(`bench-only/${id}`);
    await stub.start(config(id, strategy));
    const tell: number[] = [];
    const claim: number[] = [];
    for (let n = 0; n < TRIALS; n++) {
      const trialId = `t${String(n).padStart(4, '0')}`;
      let t = Date.now();
      const work = await stub.claim(trialId);
      claim.push(Date.now() - t);
      expect(work, `trial ${trialId} was not launched`).not.toBeNull();
      const score = scoreOf(work!);
      t = Date.now();
      await stub.report(trialId, { status: 'complete', score, loss: -score, fold_scores: [score], fit_info: {}, artifact_key: 'models/none.json' });
      tell.push(Date.now() - t);
    }
    const view = await stub.view();
    expect(view?.progress.trials_done).toBe(TRIALS);
    for (let w = 0; w < TRIALS; w += WINDOW) {
      const tw = tell.slice(w, w + WINDOW);
      const cw = claim.slice(w, w + WINDOW);
      lines.push([pad(strategy, 8), pad(`${w + 1}-${w + WINDOW}`, 10), pad(median(tw), 10), pad(median(cw), 10), pad(median(tw) + median(cw), 12), pad(Math.max(...tw), 8)].join('  '));
    }
    await runInDurableObject(stub, (_: SearchCoordinator, state) => state.storage.deleteAlarm());
  }
  console.log(
    [
      '\ncoordinator overhead per trial (ms, medians per window; workerd clocks advance at I/O, so these include the RPC hop)',
      ['sampler ', 'trials    ', 'tell ms   ', 'claim ms  ', 'ask+tell ms ', 'max tell'].join('  '),
      ...lines,
      'target: ask + tell < 10 ms at 1,000 trials',
    ].join('\n'),
  );
});
