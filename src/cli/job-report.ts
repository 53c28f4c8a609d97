/**
 * @module cli/job-report
 * A job as a person reads it: status, data and target, the model families (and any skipped), progress
 * against the budget, the best score with its metric, the published model, and the leaderboard (best
 * first) as a table.
 */
import type { Job } from '../client';
import { formatDuration, formatNumber, formatScore, renderTable } from './format';

export function describeJob(job: Job, leaderboardRows = 10): string {
  const p = job.progress;
  const budget = [p.budget.trials !== undefined ? `${p.budget.trials} trials` : '', `${p.budget.seconds} s`].filter(Boolean).join(' or ');
  const lines = [
    `job ${job.id}: ${job.status}`,
    `  data     ${job.dataset.name} v${job.dataset.version}, target "${job.target}" (${job.task}), strategy ${job.strategy}${job.scheduler ? ` (${job.scheduler})` : ''}`,
    `  models   ${job.models.join(', ')}${job.models_skipped?.length ? `; skipped ${job.models_skipped.map((s) => `${s.family} (${s.reason})`).join(', ')}` : ''}`,
    `  trials   ${p.trials_done} done, ${p.trials_running} running, ${p.trials_failed} failed in ${formatDuration(p.elapsed_ms)} (budget ${budget})`,
    `  best     ${job.best ? `${formatScore(job.metric, job.best.score, job.greater_is_better)}, ${job.best.family} (${job.best.trial_id})` : '-'}`,
  ];
  if (job.ensemble) lines.push(`  ensemble ${job.ensemble.status}${job.ensemble.score !== undefined ? `, ${job.metric} ${formatNumber(job.ensemble.score)}` : ''}${job.ensemble.reason ? `: ${job.ensemble.reason}` : ''}`);
  if (job.model) lines.push(`  model    ${job.model.name} v${job.model.version}`);
  if (job.challenge?.decision) lines.push(`  challenge ${job.challenge.decision}`);
  if (job.error) lines.push(`  error    ${job.error.code}: ${job.error.message}`);
  if (job.leaderboard.length > 0) {
    const shown = job.leaderboard.slice(0, leaderboardRows);
    lines.push(
      '',
      `leaderboard (${job.metric}, cross-validated, best first${job.leaderboard.length > shown.length ? `; top ${shown.length} of ${job.leaderboard.length}` : ''})`,
      renderTable(
        ['#', 'trial', 'family', job.metric, 'fit', 'rows'],
        shown.map((e, i) => [i + 1, e.trial_id, e.family, formatNumber(e.score), formatDuration(e.fit_ms), e.fidelity === 1 ? 'all' : `${Math.round(e.fidelity * 100)}%`]),
      ),
    );
  }
  return lines.join('\n');
}
