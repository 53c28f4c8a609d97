/**
 * A job's first trial starts even when every family it may use is expected to run past its time budget
 * (durable/late-start prices an rnn trial before any ran): a 5-s rnn-only forecast on two shops' daily
 * sales ended failed at once, no trial started, saying only "no trial finished successfully". Now it
 * trains one trial, late, and publishes it. Fails without the change (durable/trial-launch).
 */
import { describe, expect, it } from 'vitest';
import { call, json, waitForJob } from './helpers';

/** Two shops' daily sales over 352 days, a weekly swing on a slow trend. */
function dailySales(): string {
  const rows = ['day,shop,sales'];
  for (const [shop, base] of [['north', 100], ['south', 60]] as const) {
    for (let i = 0; i < 352; i++) {
      const day = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      rows.push(`${day},${shop},${(base + 0.05 * i + 10 * Math.sin((2 * Math.PI * i) / 7) + ((i * 37) % 11) - 5).toFixed(2)}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

describe('a budget shorter than one trial', () => {
  it('still runs the first trial', async () => {
    expect((await call('PUT', '/v1/datasets/short-rnn', dailySales())).status).toBe(201);
    const res = await call('POST', '/v1/jobs', { dataset: 'short-rnn', target: 'sales', task: 'forecast', forecast: { group_column: 'shop', horizon: 7 }, models: ['rnn'], budget: { seconds: 5 } });
    expect(res.status).toBe(202);
    const job = await waitForJob((await json(res)).id, 170_000);
    expect(job.status).toBe('succeeded');
    expect(job.progress.trials_done).toBe(1);
    expect(job.best.family).toBe('rnn');
  });
});
