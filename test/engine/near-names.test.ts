/**
 * The names a misspelt column was probably meant to be (engine/core/near-names), and the refusals that
 * name them: a target, a column override and a forecast's columns the dataset lacks.
 */
import { describe, expect, it } from 'vitest';
import { nearNames, nearNamesHint } from '../../src/engine/core/near-names';
import { applyOverrides } from '../../src/engine/data/overrides';
import { prepareTarget } from '../../src/engine/data/target';
import { describeSeries, loadForecaster, runForecastTrial } from '../../src/engine/forecast';
import { datasetFromCsv } from './forecast-fixtures';
import { engineError } from './helpers/assertions';

const CREDIT = ['checking_status', 'duration', 'credit_history', 'purpose', 'credit_amount', 'age', 'class'];

describe('nearNames', () => {
  it('finds a name in another case first, then within one edit for short names and two for longer ones', () => {
    expect(nearNames('Class', CREDIT)).toEqual(['class']);
    expect(nearNames('clas', CREDIT)).toEqual(['class']);
    expect(nearNames('agee', CREDIT)).toEqual(['age']);
    expect(nearNames('duratoin', CREDIT)).toEqual(['duration']);
    // Two edits are too many for a name of up to five characters: "cage" is one from "age", "class" more.
    expect(nearNames('cage', ['age', 'class'])).toEqual(['age']);
    expect(nearNames('xx', CREDIT)).toEqual([]);
    expect(nearNames('c', ['a', 'b', 'C'])).toEqual(['C']);
    // Two neighbouring letters swapped are one edit, short names too.
    expect(nearNames('calss', CREDIT)).toEqual(['class']);
    expect(nearNames('aeg', CREDIT)).toEqual(['age']);
  });

  it('orders by distance then by the order given, and stops at the maximum', () => {
    expect(nearNames('col', ['cola', 'Col', 'colb', 'coll', 'cold'])).toEqual(['Col', 'cola', 'colb']);
    expect(nearNames('col', ['cola', 'Col', 'colb'], 1)).toEqual(['Col']);
  });

  it('says nothing when nothing is near, and lists the near names otherwise', () => {
    expect(nearNamesHint('zzzzzz', CREDIT)).toBe('');
    expect(nearNamesHint('credit', ['credit_a', 'credi', 'credits'])).toBe(' (did you mean "credi", "credits" or "credit_a"?)');
    expect(nearNamesHint('credit', ['credit_a', 'credi'])).toBe(' (did you mean "credi" or "credit_a"?)');
  });
});

describe('a refused column names the near ones', () => {
  const ds = datasetFromCsv(['date,store,sales', ...Array.from({ length: 40 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},a,${i}`)].join('\n'));

  it('in a target, a column override, a forecast column, and a forecast request\'s group and covariates', async () => {
    const target = engineError(() => prepareTarget(ds, 'Sales'));
    expect(target.message).toContain('target column "Sales" is not in the dataset (did you mean "sales"?)');
    expect(target.details).toMatchObject({ did_you_mean: ['sales'], columns: ['date', 'store', 'sales'] });
    const override = engineError(() => applyOverrides(ds, { stor: 'ignore' }));
    expect(override.message).toContain('(did you mean "store"?)');
    expect(override.details).toMatchObject({ field: 'columns', column: 'stor', did_you_mean: ['store'] });
    const time = engineError(() => describeSeries(ds, { target: 'sales', timeColumn: 'dates' }));
    expect(time.message).toContain('time column "dates" is not in the dataset (did you mean "date"?)');
    expect(time.details).toMatchObject({ field: 'forecast.time_column', did_you_mean: ['date'] });
    expect(engineError(() => describeSeries(ds, { target: 'salse', timeColumn: 'date' })).details).toMatchObject({ field: 'target', did_you_mean: ['sales'] });
    expect(engineError(() => describeSeries(ds, { target: 'sales', groupColumn: 'Store' })).message).toContain('(did you mean "store"?)');
    // A forecast request's group and covariate names too.
    const shops = datasetFromCsv(['date,store,promo,sales', ...Array.from({ length: 60 }, (_, i) => [`${new Date(Date.UTC(2024, 0, 1 + (i >> 1))).toISOString().slice(0, 10)},${i % 2 ? 'north' : 'south'},${i % 3 === 0 ? 1 : 0},${10 + (i % 7)}`]).flat()].join('\n'));
    const out = await runForecastTrial(shops, { seed: 1, family: 'seasonal_naive', params: {}, target: 'sales', groupColumn: 'store', covariates: ['promo'], horizon: 3 });
    if (out.status !== 'complete') throw new Error(out.reason);
    const f = await loadForecaster(out.envelope);
    const group = engineError(() => f.forecast(1, { group: 'norht', covariates: [{ promo: 0 }] }));
    expect(group.message).toContain('unknown group "norht" (did you mean "north"?)');
    expect(group.details).toMatchObject({ field: 'group', did_you_mean: ['north'] });
    expect(engineError(() => f.forecast(1, { group: 'north', covariates: [{ prmo: 0 }] })).message).toContain('covariates[0].prmo is not a covariate of this model (did you mean "promo"?)');
    // Nothing near: the message is as before.
    expect(engineError(() => prepareTarget(ds, 'revenue')).message).toBe('target column "revenue" is not in the dataset');
  });
});
