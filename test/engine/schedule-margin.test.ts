/**
 * A schedule's margin under the model's metric now (durable/retrain-rules scheduleMargin): the margin
 * given applies while the metric is of the kind it was given for, or when the kind was not kept (older
 * schedules); a metric of the other kind applies its own default and says why.
 */
import { describe, expect, it } from 'vitest';
import { scheduleMargin } from '../../src/durable/retrain-rules';

describe('scheduleMargin', () => {
  it('applies the margin given under a metric of the same kind, or of a kind not recorded', () => {
    expect(scheduleMargin(0.05, 'absolute', 'accuracy')).toEqual({ margin: 0.05 });
    expect(scheduleMargin(0.03, 'relative', 'mae')).toEqual({ margin: 0.03 });
    expect(scheduleMargin(0.05, undefined, 'rmse')).toEqual({ margin: 0.05 });
  });

  it("applies the metric's default under the other kind, and says what was given and what applies", () => {
    const toLoss = scheduleMargin(0.05, 'absolute', 'rmse');
    expect(toLoss.margin).toBe(0.01);
    expect(toLoss.note).toMatch(/^the margin 0\.05 was given as an absolute score difference.*its metric is now rmse, where a margin is a relative loss difference \(0\.01 = 1% lower\), so its default 0\.01 applies/);
    const toScore = scheduleMargin(0.2, 'relative', 'roc_auc');
    expect(toScore.margin).toBe(0.002);
    expect(toScore.note).toContain('given as a relative loss difference');
  });
});
