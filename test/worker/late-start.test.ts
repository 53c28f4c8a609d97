/**
 * A time-budget job leaves a trial unstarted when trials like it took longer than the time left
 * (durable/late-start), and ends once its running trials report, instead of starting one that would run
 * past the budget (cancelled unfinished, or keeping the user waiting). Driven by hand: the job's queue
 * messages reach an empty coordinator, so the test alone reports, after a chosen delay.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { detachedJobConfig, withArtifact } from './helpers';

const stubFor = (id: string) => env.SEARCH.getByName(`test-only/${id}`);
const complete = (id: string) => ({ status: 'complete' as const, score: 0.8, loss: -0.8, fold_scores: [0.8], fit_info: {}, artifact_key: `models/detached/${id}.json`, oof_key: `models/detached/${id}.oof` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a trial that would run past the time budget', () => {
  it('is not started: the search ends once the running trials report', async () => {
    const stub = stubFor('late-start');
    // The first call into a fresh runtime loads the Worker, which can take seconds: not from the budget.
    await stub.view();
    // 12 s of budget and 1.2 s of slack; each trial takes 5 s. At 5 s another 5-s trial fits; at 10 s it does not,
    // though the budget has 2 s left (delays only make the second report later, so never wrongly early).
    await stub.start(detachedJobConfig('late-start', { budget: { seconds: 12 }, families: ['gbdt'], parallelism: 1, created_at: Date.now() }));
    for (const expected of [1, 2]) {
      await sleep(5_000);
      const trials = (await stub.trials())!;
      expect(trials).toHaveLength(expected);
      const running = trials.filter((t) => t.status === 'running');
      expect(running).toHaveLength(1);
      expect(await stub.report(running[0].trial_id, await withArtifact(complete(running[0].trial_id)))).toEqual({ accepted: true });
    }
    expect((await stub.trials())!.map((t) => t.status)).toEqual(['complete', 'complete']);
    // Past its search, with no trial running, before its budget's end.
    expect((await stub.view())!.progress.phase).not.toBe('searching');
  });
});
