/**
 * The job report `edge-automl train` and `status` print (cli/job-report), in plain Node: which trial (or
 * the ensemble) the job published, and why a built ensemble or the leaderboard's best trial is not it;
 * its warnings, a guessed order of day and month with the `--date-order` that settles it, written with the
 * run's own global options; what a running job is doing (cli/job-phase).
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/client';
import { jobPhaseText } from '../../src/cli/job-phase';
import { describeJob } from '../../src/cli/job-report';

/** The command hints start with: the run's command and global options (cli/invocation). */
const CLI = 'edge-automl --url https://automl.example --key "$EDGE_AUTOML_KEY" --tenant acme';

type Entry = Job['leaderboard'][number];
const entry = (trial_id: string, family: string, score: number): Entry => ({ trial_id, family, params: {}, score, fit_ms: trial_id === 'ensemble' ? null : 1_000, status: 'complete', rung: 0, fidelity: 1 });

function job(over: Partial<Job>): Job {
  return {
    id: 'j1',
    status: 'succeeded',
    dataset: { name: 'digits', version: 1 },
    target: 'digit',
    task: 'image',
    metric: 'log_loss',
    greater_is_better: false,
    strategy: 'auto',
    models: ['cnn', 'mlp', 'linear'],
    seed: 1,
    progress: { trials_done: 3, trials_running: 0, trials_failed: 0, elapsed_ms: 60_000, budget: { seconds: 60 } },
    best: null,
    leaderboard: [],
    best_over_time: [],
    model: { name: 'digits', version: 1 },
    created_at: '2026-04-21T08:00:00.000Z',
    finished_at: '2026-04-21T08:01:00.000Z',
    ...over,
  };
}

describe('job report', () => {
  it('says what to expect on new rows when the job has an estimate', () => {
    const text = describeJob(job({ best_estimate: { score: 0.0812, interval: [0.061, 0.104], bootstraps: 100, candidates: 21, rows: 1347, method: 'bootstrap_bias_corrected_cv' } }), CLI);
    expect(text).toContain('  expect   log_loss 0.0812 on new rows (90%: 0.0610 to 0.1040): the best trial without the optimism of picking it among the 21 leading trials');
    expect(describeJob(job({}), CLI).includes('expect')).toBe(false);
  });

  it('prints each of the job\'s warnings about its target on its own line', () => {
    const warnings = ['4 of 40 rows have no value of "digit" and are left out of training', 'class "7" (1) of "digit" has fewer rows than the 5 folds: some folds validate without it, and its scores are rough'];
    const lines = describeJob(job({ warnings }), CLI).split('\n');
    expect(lines.filter((l) => l.startsWith('  warning  '))).toEqual(warnings.map((w) => `  warning  ${w}`));
    expect(describeJob(job({}), CLI).includes('warning')).toBe(false);
  });

  it('follows a warning whose advice is job JSON (a guessed order of day and month) with the train flag', () => {
    const guessed = 'every date of "d" reads either way (…), so they were read month first (MM/DD/YYYY); if they are day first, create the job with "columns": {"d": {"type": "datetime", "date_order": "dmy"}}';
    const lines = describeJob(job({ warnings: [guessed, '4 of 40 rows have no value of "digit"'] }), CLI).split('\n');
    const at = lines.indexOf(`  warning  ${guessed}`);
    expect(lines.slice(at, at + 3)).toEqual([`  warning  ${guessed}`, `  hint     if the dates of "d" are day first: \`${CLI} train … --date-order d=dmy\``, '  warning  4 of 40 rows have no value of "digit"']);
  });


  it('an ensemble that scored worse than the best single trial: ranked, and said not published', () => {
    const text = describeJob(
      job({
        best: { trial_id: 't0002', family: 'cnn', score: 0.0701 },
        ensemble: { status: 'complete', score: 0.0775, members: [] },
        leaderboard: [entry('t0002', 'cnn', 0.0701), entry('ensemble', 'ensemble', 0.0775), entry('t0000', 'mlp', 0.12)],
      }),
      CLI,
    );
    expect(text).toContain('  ensemble complete, log_loss 0.0775; not published: the best single trial, t0002 (cnn), scored better out of fold (log_loss 0.0701)');
    expect(text).toContain('  model    digits v1: trial t0002 (cnn)');
    expect(text).not.toContain('serving');
  });

  it('a published ensemble is named as such, with no note', () => {
    const text = describeJob(
      job({
        best: { trial_id: 'ensemble', family: 'ensemble', score: 0.05 },
        ensemble: { status: 'complete', score: 0.05, members: [] },
        leaderboard: [entry('ensemble', 'ensemble', 0.05), entry('t0002', 'cnn', 0.0701)],
      }),
      CLI,
    );
    expect(text).toContain('  ensemble complete, log_loss 0.0500\n');
    expect(text).toContain('  model    digits v1: the ensemble');
    expect(text).not.toContain('not published');
  });

  it('a better trial over the serving cap: said so, whichever the job published', () => {
    const single = describeJob(
      job({
        best: { trial_id: 't0001', family: 'linear', score: 0.2 },
        leaderboard: [entry('t0002', 'cnn', 0.07), entry('t0001', 'linear', 0.2)],
      }),
      CLI,
    );
    expect(single).toContain('  model    digits v1: trial t0001 (linear)');
    expect(single).toContain("  note     t0002 (cnn) scored best of the trials but is not published: its estimated serving time is over the job's serving cap (serving.max_us_per_row)");
    const blend = describeJob(
      job({
        best: { trial_id: 'ensemble', family: 'ensemble', score: 0.1 },
        ensemble: { status: 'complete', score: 0.1, members: [] },
        leaderboard: [entry('t0002', 'cnn', 0.07), entry('ensemble', 'ensemble', 0.1), entry('t0001', 'linear', 0.2)],
      }),
      CLI,
    );
    expect(blend).toContain('note     t0002 (cnn) scored best of the trials but is not published');
    // Below a published ensemble, a trial it beat needs no note.
    const beaten = describeJob(
      job({
        best: { trial_id: 'ensemble', family: 'ensemble', score: 0.05 },
        ensemble: { status: 'complete', score: 0.05, members: [] },
        leaderboard: [entry('ensemble', 'ensemble', 0.05), entry('t0002', 'cnn', 0.07)],
      }),
      CLI,
    );
    expect(beaten).not.toContain('note');
  });

  it('a cancelled job publishes a single trial even after its ensemble was built', () => {
    const text = describeJob(
      job({
        status: 'cancelled',
        best: { trial_id: 'ensemble', family: 'ensemble', score: 0.05 },
        ensemble: { status: 'complete', score: 0.05, members: [] },
        leaderboard: [entry('ensemble', 'ensemble', 0.05), entry('t0002', 'cnn', 0.07)],
      }),
      CLI,
    );
    expect(text).toContain('not published: a cancelled job publishes its best single trial');
    expect(text).toContain('  model    digits v1\n');
  });

  it('names a binary job\'s positive class, and the class its f1 scores are of', () => {
    const fraud = { dataset: { name: 'imb', version: 1 }, target: 'label', task: 'binary' as const, greater_is_better: true, positive_class: 'fraud', best: { trial_id: 't0001', family: 'gbdt', score: 0.71 }, leaderboard: [entry('t0001', 'gbdt', 0.71)] };
    const text = describeJob(job({ ...fraud, metric: 'f1' }), CLI);
    expect(text).toContain('target "label" (binary, positive class "fraud")');
    expect(text).toContain('  best     f1 (fraud) 0.7100 (higher is better), gbdt (t0001)');
    expect(text).toContain('leaderboard (f1 (fraud), cross-validated');
    // Other metrics read the same for either class: their name alone.
    expect(describeJob(job({ ...fraud, metric: 'roc_auc' }), CLI)).toContain('  best     roc_auc 0.7100');
    expect(describeJob(job({}), CLI)).not.toContain('positive class');
  });

  it('says beside the seed whether the job is reproducible, and its cause (the reason up to its first colon); the seed alone from an older server', () => {
    const yes = { value: true, reason: 'a budget of trials alone (20) with seed 7: the same seed, trial budget, parallelism (2) …' };
    const no = { value: false, reason: "its budget has a time limit (budget.seconds 60): how many trials fit depends on the machine's speed …" };
    const lost = { value: false, reason: 'a trial failed for the runtime, not for its configuration: t0003 (lease_expired); without that, …' };
    expect(describeJob(job({ seed: 7, reproducible: yes }), CLI).split('\n')).toContain('  seed     7, reproducible: a budget of trials alone (20) with seed 7');
    expect(describeJob(job({ reproducible: no }), CLI).split('\n')).toContain('  seed     1, not reproducible: its budget has a time limit (budget.seconds 60)');
    expect(describeJob(job({ reproducible: lost }), CLI).split('\n')).toContain('  seed     1, not reproducible: a trial failed for the runtime, not for its configuration');
    expect(describeJob(job({}), CLI).split('\n')).toContain('  seed     1');
  });

  it('says when the published version is not the champion (kept apart), with the command that promotes it', () => {
    const reason = 'job j1\'s result predicts "digit" (multiclass), but while it ran the champion of model "digits" became v1 (from job j0), which predicts "parity" (binary); …';
    const lines = describeJob(job({ model: { name: 'digits', version: 2, promoted: false }, warnings: [reason] }), CLI).split('\n');
    expect(lines).toContain('  model    digits v2, kept apart: NOT the champion (see the warning)');
    expect(lines).toContain(`  hint     to make it the champion on purpose: \`${CLI} promote digits 2\``);
    expect(lines).toContain(`  warning  ${reason}`);
    // A champion, or a retraining job's challenger kept out (its challenge line says so), gets neither.
    expect(describeJob(job({}), CLI)).not.toContain('kept apart');
    const challenge = { status: 'complete' as const, challenger: 't0000', margin: 0.01, holdout_from: 'all_rows' as const, promoted: false, decision: 'the champion stays' };
    expect(describeJob(job({ model: { name: 'digits', version: 2, promoted: false }, challenge }), CLI)).not.toContain('kept apart');
  });

  it("says what a running job is doing: its phase, and while it searches the time left", () => {
    const running = (progress: Partial<Job['progress']>, budget: Job['progress']['budget'] = { seconds: 60 }) =>
      job({ status: 'running', finished_at: null, progress: { trials_done: 3, trials_running: 2, trials_failed: 0, elapsed_ms: 18_000, budget, ...progress } });
    const firstLine = (j: Job) => describeJob(j, CLI).split('\n')[0];
    expect(firstLine(running({ phase: 'searching', remaining_ms: 42_000 }))).toBe('job j1: running (searching, 42.0 s left)');
    // A trial budget may end the search before its time does.
    expect(firstLine(running({ phase: 'searching', remaining_ms: 42_000 }, { seconds: 3600, trials: 20 }))).toBe('job j1: running (searching, up to 42.0 s left)');
    expect(firstLine(running({ phase: 'searching', remaining_ms: 0 }))).toBe('job j1: running (searching, time budget spent: waiting for the running trials)');
    expect(firstLine(running({ phase: 'ensembling', remaining_ms: null }))).toBe('job j1: running (building the ensemble)');
    expect(firstLine(running({ phase: 'comparing', remaining_ms: null }))).toBe('job j1: running (comparing with the champion)');
    expect(firstLine(running({ phase: 'publishing', remaining_ms: null }))).toBe('job j1: running (publishing)');
    // An ended job's status says it all; a server that reports no phase gets the status alone.
    expect(firstLine(job({ progress: { ...job({}).progress, phase: 'ended', remaining_ms: null } }))).toBe('job j1: succeeded');
    expect(firstLine(running({}))).toBe('job j1: running');
    expect(jobPhaseText(running({ phase: 'searching', remaining_ms: 42_000 }))).toBe('searching, 42.0 s left');
  });

  it('shows the leaderboard rows asked for', () => {
    const leaderboard = Array.from({ length: 12 }, (_, i) => entry(`t${String(i).padStart(4, '0')}`, 'cnn', 0.1 + i / 100));
    const text = describeJob(job({ best: { trial_id: 't0000', family: 'cnn', score: 0.1 }, leaderboard }), CLI, 2);
    expect(text).toContain('top 2 of 12');
    expect(text.split('\n').filter((l) => /^│ \d+ /.test(l))).toHaveLength(2);
  });

  it("says what a low-fidelity entry's fraction is of: a CNN's epochs, another family's rows", () => {
    const leaderboard: Entry[] = [entry('t0000', 'cnn', 0.1), { ...entry('t0001', 'cnn', 0.2), fidelity: 1 / 3, fidelity_of: 'epochs' }, { ...entry('t0002', 'mlp', 0.3), fidelity: 1 / 9, fidelity_of: 'rows' }];
    const rows = describeJob(job({ leaderboard }), CLI).split('\n').filter((l) => /^│ \d+ /.test(l)).map((l) => l.split('│').map((cell) => cell.trim()));
    expect(rows.map((r) => r[6])).toEqual(['all', '33% of epochs', '11% of rows']);
  });

  it("shows a CNN trial's architecture beside its score, and no such column without one", () => {
    const cnn = (id: string, params: Record<string, unknown>, score: number): Entry => ({ ...entry(id, 'cnn', score), params });
    const leaderboard = [
      cnn('t0000', { conv_blocks: 2, filters: 32, kernel_size: 3, pooling: 'max', batch_norm: false, dense_units: 128, augmentation: 'shift' }, 0.05),
      cnn('t0004', { conv_blocks: 3, filters: 96, kernel_size: 5, pooling: 'none', batch_norm: true, dense_units: 64, augmentation: 'shift_flip' }, 0.07),
      entry('t0001', 'mlp', 0.2),
    ];
    const text = describeJob(job({ leaderboard }), CLI);
    const rows = text.split('\n').filter((l) => /^│ \d+ /.test(l)).map((l) => l.split('│').map((cell) => cell.trim()));
    expect(rows.map((r) => r[7])).toEqual(['2 conv 3x3 (32, 64), max pool, dense 128, shift', '3 conv 5x5 (96, 192, 256), no pool, batch norm, dense 64, shift+flip', '']);
    expect(text).toContain('architecture');
    expect(describeJob(job({ leaderboard: [entry('t0001', 'mlp', 0.2)] }), CLI)).not.toContain('architecture');
  });

  it("names a forecast job's worst series with their scores, the five first, and nothing without series scores", () => {
    const scores = ['north', 'east', 'south', 'west', 'centre', 'coast'].map((group, i) => ({ group, score: 41.23 - 5 * i, points: 36 }));
    const forecast = (over: Partial<Job>) => describeJob(job({ task: 'forecast', metric: 'rmse', series_scores: scores, ...over }), CLI).split('\n');
    expect(forecast({}).filter((l) => l.startsWith('  worst series'))).toEqual([
      '  worst series (rmse): north 41.23 (36 points), east 36.23 (36 points), south 31.23 (36 points), west 26.23 (36 points), centre 21.23 (36 points); 6 series in all',
    ]);
    // The job's metric names the scores; a total beyond the listed ones is the count given.
    expect(forecast({ metric: 'mase', series_scores: scores.slice(0, 2), series_scores_total: 1200 }).find((l) => l.startsWith('  worst series'))).toBe('  worst series (mase): north 41.23 (36 points), east 36.23 (36 points); 1200 series in all');
    expect(forecast({ series_scores: scores.slice(0, 2) }).find((l) => l.startsWith('  worst series'))).toBe('  worst series (rmse): north 41.23 (36 points), east 36.23 (36 points)');
    // Its leaderboard was validated on rolling origins, not cross-validated.
    const withOrigins = forecast({ forecast: { time_column: 'day', horizon: 7, season: 7, origins: 3 }, leaderboard: [entry('t0001', 'ets', 12.5)] });
    expect(withOrigins.find((l) => l.startsWith('leaderboard'))).toBe('leaderboard (rmse, validated on 3 rolling origins, best first)');
    expect(describeJob(job({}), CLI)).not.toContain('worst series');
  });
});
