/**
 * @module cli/budget
 * `--budget` as people write it: `60s`, `5m`, `1h`, `100trials`, or a time and a trial count together
 * (`5m,100trials`: the first reached ends the search), turned into the API's `{seconds?, trials?}`.
 */
import { MAX_BUDGET_SECONDS, MAX_BUDGET_TRIALS, MIN_BUDGET_SECONDS } from '../engine/search/budget-limits';
import { UsageError } from './errors';

export interface Budget {
  seconds?: number;
  trials?: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3_600 };
const PART = /^(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|trials?|t)?$/i;

export function parseBudget(text: string, option = '--budget'): Budget {
  const budget: Budget = {};
  const parts = text.split(/[,+]/).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError('empty budget; write e.g. 60s, 5m, 100trials or 5m,100trials', option);
  for (const part of parts) {
    const m = PART.exec(part);
    if (!m) throw new UsageError(`cannot read "${part}"; write e.g. 60s, 5m, 1h, 100trials or 5m,100trials`, option);
    const value = Number(m[1]);
    const unit = (m[2] ?? 's').toLowerCase();
    if (unit.startsWith('t')) {
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`"${part}": the trial count must be a whole number of at least 1`, option);
      if (budget.trials !== undefined) throw new UsageError(`"${text}" gives the trial count twice`, option);
      if (value > MAX_BUDGET_TRIALS) throw new UsageError(`"${part}": at most ${MAX_BUDGET_TRIALS} trials`, option);
      budget.trials = value;
    } else {
      if (budget.seconds !== undefined) throw new UsageError(`"${text}" gives the time twice`, option);
      const seconds = value * UNIT_SECONDS[unit];
      // The server's bounds, said here in the flag's words rather than as the API's budget.seconds.
      if (seconds < MIN_BUDGET_SECONDS) throw new UsageError(`"${part}": a search needs at least ${MIN_BUDGET_SECONDS}s`, option);
      if (seconds > MAX_BUDGET_SECONDS) throw new UsageError(`"${part}": a search takes at most 24h (${MAX_BUDGET_SECONDS}s)`, option);
      budget.seconds = seconds;
    }
  }
  return budget;
}

/** "100 trials or 5 min" for messages. */
export function describeBudget(b: Budget): string {
  const parts: string[] = [];
  if (b.trials !== undefined) parts.push(`${b.trials} trials`);
  if (b.seconds !== undefined) parts.push(b.seconds % 60 === 0 && b.seconds >= 60 ? `${b.seconds / 60} min` : `${b.seconds} s`);
  return parts.join(' or ');
}
