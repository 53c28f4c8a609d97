/**
 * @module cli/job-phase
 * What an unfinished job is doing, in words for the status lines: the phase of its view and, while it
 * searches, the time its budget has left ("up to" under a trial budget, which may end the search sooner).
 * Empty for a job that ended (its status says so) and from a server that does not report phases.
 */
import type { Job } from '../client';
import { formatDuration } from './format';

const WORDS: Record<string, string> = {
  ensembling: 'building the ensemble',
  comparing: 'comparing with the champion',
  publishing: 'publishing',
};

export function jobPhaseText(job: Job): string {
  const { phase, remaining_ms: remaining, budget } = job.progress;
  if (!phase || phase === 'ended') return '';
  if (phase !== 'searching') return WORDS[phase] ?? phase;
  if (remaining === null || remaining === undefined) return 'searching';
  // Past the deadline the grace period lets trials already started report before the job moves on.
  if (remaining === 0) return 'searching, time budget spent: waiting for the running trials';
  return `searching, ${budget.trials !== undefined ? 'up to ' : ''}${formatDuration(remaining)} left`;
}
