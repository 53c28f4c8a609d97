/**
 * Rows appended with a class a classification model reading the dataset never predicted (worker/
 * appended-classes): the version is added, and its answer warns what follows, naming the class, the line
 * it is on, the model and its classes. A binary model's retraining will not start on three classes (a
 * scheduled one was skipped at every run with no word at the append); a multiclass one learns the class.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send, tenantKey, waitJob } from './tenant';
import { binaryTable } from './binary-table';

let key = '';

const upload = async (name: string, csv: string) => expect((await send({ method: 'PUT', path: `/v1/datasets/${name}`, key, body: csv, contentType: 'text/csv' })).status).toBe(201);

async function append(name: string, csv: string): Promise<Record<string, any>> {
  const res = await send({ method: 'POST', path: `/v1/datasets/${name}/rows`, key, body: csv, contentType: 'text/csv' });
  expect(res.status, await res.clone().text()).toBe(201);
  return jsonOf(res);
}

/** The retraining tests' binary table with its classes as words (yes and no would make a boolean column, which refuses a third value). */
const wordTable = (rows: number, seed: number) => binaryTable(rows, seed).replace(/,yes$/gm, ',good').replace(/,no$/gm, ',bad');

async function train(dataset: string, model: string): Promise<void> {
  const res = await send({ method: 'POST', path: '/v1/jobs', key, body: { dataset, target: 'label', model, models: ['linear'], budget: { trials: 1 }, seed: 3 } });
  expect(res.status).toBe(202);
  expect((await waitJob((await jsonOf(res)).id, key)).status).toBe('succeeded');
}

beforeAll(async () => {
  key = await tenantKey('appended-classes');
});

describe('appending a class a model never predicted', () => {
  it("warns, naming the class, its line, the model and why a binary model's retraining will not start", async () => {
    await upload('loans', wordTable(60, 1));
    await train('loans', 'loan-risk');
    expect((await send({ method: 'PUT', path: '/v1/models/loan-risk/schedule', key, body: { every: '1d', dataset: 'loans', budget: { trials: 1 } } })).status).toBe(200);
    // Known classes only: no warning.
    expect((await append('loans', 'x1,x2,c,label\n0.1,0.2,p,good\n0.3,-1,q,bad')).warnings).toBeUndefined();
    const v = await append('loans', 'x1,x2,c,label\n0.1,0.2,p,good\n0.5,0.1,q,neutral\n0.7,0.3,r,neutral');
    expect(v.version).toBe(3);
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toContain('class "neutral" (line 3) to column "label"');
    expect(v.warnings[0]).toContain('model "loan-risk" predicts with 2 classes ("bad", "good")');
    expect(v.warnings[0]).toContain('its scheduled retraining will be skipped');
    // The warning is the version's: shown again when the version is read.
    expect((await jsonOf(await send({ method: 'GET', path: '/v1/datasets/loans', key }))).warnings).toEqual(v.warnings);
  });

  it('says a multiclass model learns the class, and nothing for a dataset no classifier reads', async () => {
    const lines = ['x1,label'];
    for (let i = 0; i < 60; i++) lines.push(`${i % 3},${['a', 'b', 'c'][i % 3]}`);
    await upload('kinds', lines.join('\n'));
    await train('kinds', 'kind');
    const v = await append('kinds', 'x1,label\n3,d\n4,e');
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toContain('classes "d" (line 2), "e" (line 3) to column "label", which model "kind" predicts with 3 classes');
    expect(v.warnings[0]).toContain('its next retraining on this version learns them');
    await upload('unread', wordTable(30, 2));
    expect((await append('unread', 'x1,x2,c,label\n0.1,0.2,p,neutral')).warnings).toBeUndefined();
  });
});
