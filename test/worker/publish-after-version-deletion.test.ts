/**
 * A job's publication sent again after the version it made was deleted by request (the first call's
 * answer was lost, so the job retries it): the Registry answers with the deleted version, not promoted,
 * saying so, instead of making a new version of the deleted files (which a plain publication would even
 * make the champion).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { PublishRequest } from '../../src/durable/protocol';

const TENANT = 'publish-after-deletion';
const MODEL = 'retried';

const request = (jobId: string, extra: Partial<PublishRequest> = {}): PublishRequest => ({
  job_id: jobId,
  trial_id: 't0000',
  family: 'linear',
  artifact_key: `models/${TENANT}/${MODEL}/${jobId}/t0000.json`,
  task: 'binary',
  target: 'label',
  classes: ['no', 'yes'],
  metric: 'roc_auc',
  greater_is_better: true,
  score: 0.8,
  dataset: { name: 'rows', version: 1 },
  ...extra,
});

describe('a publication sent again after its version was deleted', () => {
  it('answers with the deleted version, not promoted, and makes no new version', async () => {
    const registry = env.REGISTRY.getByName(TENANT);
    expect(await registry.publish(MODEL, request('job-a'))).toMatchObject({ version: 1, promoted: true });
    // A cancelled job's result that cannot be compared with the champion is kept apart as version 2.
    const kept = await registry.publish(MODEL, request('job-b', { cancelled: true, score: 0.7 }));
    expect(kept).toMatchObject({ version: 2, promoted: false });
    expect(await registry.deleteVersion(MODEL, 2)).toMatchObject({ ok: true });

    const again = await registry.publish(MODEL, request('job-b', { cancelled: true, score: 0.7 }));
    expect(again).toEqual({ version: 2, promoted: false, reason: 'version 2, which job job-b published, has been deleted since' });
    const model = await registry.getModel(MODEL);
    expect(model?.champion_version).toBe(1);
    expect(await registry.resolveModel(MODEL, 3)).toBeNull();
    expect(await registry.resolveModel(MODEL, 2)).toBeNull();
    // A job that never published still publishes, numbered after the deleted version.
    expect(await registry.publish(MODEL, request('job-c'))).toMatchObject({ version: 3, promoted: true });
  });
});
