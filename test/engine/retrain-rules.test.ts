/**
 * The decisions of scheduled retraining (src/durable/retrain-rules.ts, pure, so tested in plain Node):
 * how a margin is read per metric, when enough rows arrived, and when a challenger replaces the champion
 * (only a clear win by the margin; ties, failures and a champion replaced meanwhile keep it), and when
 * live drift makes a run due early (enough rows, a PSI at or over the threshold, a window that never
 * reaches back before the previous run).
 */
import { describe, expect, it } from 'vitest';
import type { FeatureDrift } from '../../src/engine';
import { checkDrift, checkNewRows, decideChallenge, defaultMargin, driftWindowHours, judgeChallenger, marginKindOf, marginProblem } from '../../src/durable/retrain-rules';

describe('margins', () => {
  it('are absolute for bounded scores and relative for losses', () => {
    for (const m of ['roc_auc', 'accuracy', 'balanced_accuracy', 'f1', 'r2'] as const) {
      expect(marginKindOf(m)).toBe('absolute');
      expect(defaultMargin(m)).toBe(0.002);
    }
    for (const m of ['log_loss', 'rmse', 'mae', 'mape'] as const) {
      expect(marginKindOf(m)).toBe('relative');
      expect(defaultMargin(m)).toBe(0.01);
    }
  });

  it('refuse values that cannot be met or make no sense', () => {
    expect(marginProblem('roc_auc', 0)).toBeNull();
    expect(marginProblem('roc_auc', 0.99)).toBeNull();
    expect(marginProblem('roc_auc', 1)).toMatch(/must be under 1 \(scores are at most 1/);
    expect(marginProblem('roc_auc', 1.5)).toMatch(/under 1/);
    expect(marginProblem('rmse', 1)).toMatch(/relative .* under 1/);
    expect(marginProblem('rmse', -0.1)).toMatch(/at least 0/);
    expect(marginProblem('rmse', Number.NaN)).toMatch(/at least 0/);
  });
});

describe('checkNewRows', () => {
  it('retrains when at least min_new_rows rows were added', () => {
    expect(checkNewRows(0, 100, 100)).toEqual({ retrain: true, new_rows: 0 });
    expect(checkNewRows(50, 100, 149)).toEqual({ retrain: false, new_rows: 49 });
    expect(checkNewRows(50, 100, 150)).toEqual({ retrain: true, new_rows: 50 });
    expect(checkNewRows(1, 100, 80)).toEqual({ retrain: false, new_rows: -20 });
  });
});

describe('judgeChallenger', () => {
  it('promotes on a greater-is-better score only when better by more than the margin', () => {
    expect(judgeChallenger('roc_auc', 0.9, 0.85, 0.002).promote).toBe(true);
    expect(judgeChallenger('roc_auc', 0.851, 0.85, 0.002).promote).toBe(false);
    expect(judgeChallenger('roc_auc', 0.85, 0.85, 0).promote).toBe(false);
    expect(judgeChallenger('r2', 0.5, -0.2, 0.5).promote).toBe(true);
    expect(judgeChallenger('accuracy', 1, 0.5, 1).promote).toBe(false);
    // The reason says worse as worse, and better with the margin it had to clear.
    expect(judgeChallenger('roc_auc', 0.78, 0.8895, 0.002).reason).toBe('roc_auc challenger 0.7800 vs champion 0.8895: worse by 0.1095');
    expect(judgeChallenger('roc_auc', 0.851, 0.85, 0.002).reason).toBe('roc_auc challenger 0.8510 vs champion 0.8500: better by 0.0010, not more than the margin 0.002');
    expect(judgeChallenger('rmse', 1.2, 1, 0.01).reason).toBe('rmse challenger 1.2000 vs champion 1.0000: higher (worse) by 20.00%');
  });

  it('promotes on a loss only when lower by more than the relative margin', () => {
    expect(judgeChallenger('rmse', 0.98, 1, 0.01).promote).toBe(true);
    expect(judgeChallenger('rmse', 0.995, 1, 0.01).promote).toBe(false);
    expect(judgeChallenger('log_loss', 0.3, 0.2, 0.01).promote).toBe(false);
    expect(judgeChallenger('mae', 0, 0, 0).promote).toBe(false);
  });

  it('keeps the champion when a score is not a finite number', () => {
    const j = judgeChallenger('roc_auc', Number.NaN, 0.5, 0.002);
    expect(j.promote).toBe(false);
    expect(j.reason).toMatch(/not a finite number/);
    expect(judgeChallenger('rmse', 1, Number.POSITIVE_INFINITY, 0.01).promote).toBe(false);
  });
});

describe('decideChallenge', () => {
  const complete = { status: 'complete' as const, challenger_score: 0.95, champion_score: 0.7, champion_version: 2, holdout_rows: 40 };

  it('records both scores and the rule with the decision', () => {
    const d = decideChallenge('roc_auc', 3, 2, { margin: 0.002, report: complete });
    expect(d.promote).toBe(true);
    expect(d.comparison).toEqual({
      metric: 'roc_auc',
      greater_is_better: true,
      challenger_score: 0.95,
      champion_score: 0.7,
      champion_version: 2,
      holdout_rows: 40,
      margin: 0.002,
      margin_kind: 'absolute',
      promoted: true,
    });
    expect(d.reason).toMatch(/challenger v3 vs champion v2 on 40 held-out rows: .*promoted/);
  });

  it('keeps the champion when the comparison failed', () => {
    const d = decideChallenge('rmse', 3, 2, { margin: 0.01, report: { status: 'failed', reason: 'artifact unreadable' } });
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/not compared .*artifact unreadable.*the champion stays/);
    expect(d.comparison).toMatchObject({ challenger_score: null, champion_score: null, champion_version: 2, promoted: false, margin_kind: 'relative', reason: 'artifact unreadable' });
  });

  it('keeps the champion when it was replaced during the comparison', () => {
    const d = decideChallenge('roc_auc', 4, 3, { margin: 0.002, report: complete });
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/compared with v2, but the champion became v3/);
  });

  describe('with a champion that cannot forecast the held-out points', () => {
    const why = 'champion v2 cannot forecast the held-out points: covariate "promo" holds "clearance"';
    const unscored = { status: 'complete' as const, challenger_score: 12.5, champion_score: null, champion_version: 2, holdout_rows: 28, reason: why };

    it('promotes a challenger that can, whatever the margin, recording why the champion has no score', () => {
      const d = decideChallenge('rmse', 3, 2, { margin: 0.99, report: unscored });
      expect(d.promote).toBe(true);
      expect(d.comparison).toEqual({
        metric: 'rmse',
        greater_is_better: false,
        challenger_score: 12.5,
        champion_score: null,
        champion_version: 2,
        holdout_rows: 28,
        margin: 0.99,
        margin_kind: 'relative',
        promoted: true,
        reason: why,
      });
      expect(d.reason).toMatch(/challenger v3 vs champion v2 on 28 held-out rows: rmse challenger 12\.5000, and champion v2 cannot forecast .*"clearance"; promoted/);
    });

    it('keeps the champion when the challenger has no finite score, or the champion changed meanwhile', () => {
      const broken = decideChallenge('rmse', 3, 2, { margin: 0.01, report: { ...unscored, challenger_score: Number.NaN } });
      expect(broken.promote).toBe(false);
      expect(broken.reason).toMatch(/not a finite number .*the champion stays/);
      expect(broken.comparison).toMatchObject({ promoted: false, champion_score: null, reason: why });
      const moved = decideChallenge('rmse', 4, 3, { margin: 0.01, report: unscored });
      expect(moved.promote).toBe(false);
      expect(moved.reason).toMatch(/compared with v2, but the champion became v3/);
    });
  });
});

describe('drift triggers', () => {
  const feature = (name: string, psi: number | null, noiseLimit: number | null = null): FeatureDrift => ({ name, type: 'numeric', kind: 'numeric', psi, status: null, noise: null, noiseLimit, withinNoise: psi === null || noiseLimit === null ? null : psi <= noiseLimit, bins: [], reference: [], live: [] });
  const trigger = { psi: 0.25, hours: 24, min_rows: 200 };

  it('need min_rows live rows before any PSI counts', () => {
    const v = checkDrift(trigger, 199, [feature('amount', 3)]);
    expect(v.due).toBe(false);
    expect(!v.due && v.why).toMatch(/199 live rows sampled, fewer than min_rows 200/);
    expect(checkDrift(trigger, 200, [feature('amount', 3)]).due).toBe(true);
  });

  it('fire at a PSI equal to the threshold, name the most drifted feature and count the others', () => {
    expect(checkDrift(trigger, 500, [feature('a', 0.2499), feature('b', null)]).due).toBe(false);
    const v = checkDrift(trigger, 500, [feature('region', 0.25), feature('b', null), feature('amount', 0.4123), feature('c', 0.1)]);
    expect(v).toEqual({ due: true, reason: 'drift: amount PSI 0.41 ≥ 0.25 (and 1 more feature) over 500 live rows' });
  });

  it('do not fire on a PSI that sampling noise reaches at that many rows, and say so', () => {
    // Twenty-two bins at 200 rows: noise alone stays under about 0.19 (99%); a low min_rows, far more.
    const v = checkDrift({ ...trigger, min_rows: 5 }, 5, [feature('region', 3.1, 7.6), feature('amount', 0.1, 4.3)]);
    expect(v).toEqual({ due: false, why: 'region PSI 3.10 ≥ 0.25 is within sampling noise at 5 live rows (noise stays under 7.60 99 times in 100)' });
    // Above its limit the same feature fires; one feature within noise does not hide another beyond it.
    expect(checkDrift(trigger, 200, [feature('region', 0.3, 0.19)]).due).toBe(true);
    expect(checkDrift(trigger, 200, [feature('region', 0.9, 1.2), feature('amount', 0.4, 0.12)])).toEqual({ due: true, reason: 'drift: amount PSI 0.40 ≥ 0.25 over 200 live rows' });
  });

  it('read the whole window before any run, and only whole hours after the previous run', () => {
    const H = 3_600_000;
    const at = (h: number, m = 0) => Date.UTC(2026, 0, 5, h, m);
    expect(driftWindowHours(trigger, null, at(12, 5))).toBe(24);
    // Run at 10:20: the 11:00 and 12:00 hours are after it, the 10:00 hour is not.
    expect(driftWindowHours(trigger, at(10, 20), at(12, 5))).toBe(2);
    expect(driftWindowHours({ ...trigger, hours: 1 }, at(10, 20), at(12, 5))).toBe(1);
    expect(driftWindowHours(trigger, at(12, 1), at(12, 5))).toBe(0);
    // A run exactly on the hour: that hour's rows all came after it.
    expect(driftWindowHours(trigger, at(12), at(12, 5))).toBe(1);
    expect(driftWindowHours(trigger, at(12) - 30 * 24 * H, at(12, 5))).toBe(24);
  });
});
