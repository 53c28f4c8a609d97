/**
 * @module engine/forecast/step-columns
 * The series' own columns beside a forecast request's covariates. A step may carry the model's time column
 * and group column as the training data had them ({"date": "2024-11-24", "store": "north", "promo": 0}),
 * so a planned calendar can be sent as it is written. They are checked, not ignored: a step's time must be
 * the forecast's time at that step and its group the series asked for, since a calendar off by a day is
 * otherwise forecast silently. Times are read as the CLI reads a covariates file's (cli/covariate-rows):
 * ISO-8601, or month or day first (the model does not keep how its data wrote dates; a cell that reads as
 * the step's time either way is that time), the same instant or the same wall-clock time once UTC offsets
 * are dropped (a series on its local clock answers local times). Steps past the horizon are not read.
 */
import { EngineError } from '../core/errors';
import { parseDateCell, parseNumberCell, withoutIsoOffset } from '../data/column-types';

/** The series' columns a step may carry, and what they must hold at each step asked for. */
export interface StepColumns {
  readonly timeColumn: string;
  /** Absent for a model of one series: a step naming a column of that name is no covariate, refused as such. */
  readonly groupColumn?: string;
  /** The time of each step ahead as the forecast answers it, `horizon` of them. */
  readonly times: readonly (string | number)[];
  /** The series asked for (a group key); absent for a model of one series. */
  readonly group?: string;
}

/**
 * The steps with the time and group columns checked and left out (the covariates alone, for
 * covariates/encodeCovariateSteps). Throws EngineError('invalid_input') naming `covariates[i].column`, the
 * value given and the one expected, at the first of the first `times.length` steps where one differs.
 * Anything that is not an object, and steps past the horizon, are passed on as they are.
 */
export function withoutStepColumns(rows: readonly unknown[], c: StepColumns): unknown[] {
  return rows.map((row, s) => {
    if (s >= c.times.length || typeof row !== 'object' || row === null || Array.isArray(row)) return row;
    const cells = row as Record<string, unknown>;
    const hasTime = Object.hasOwn(cells, c.timeColumn);
    const hasGroup = c.groupColumn !== undefined && c.group !== undefined && Object.hasOwn(cells, c.groupColumn);
    if (!hasTime && !hasGroup) return row;
    const field = (column: string) => `covariates[${s}].${column}`;
    if (hasTime && !sameStepTime(cells[c.timeColumn], c.times[s])) {
      const value = cells[c.timeColumn];
      throw new EngineError(
        'invalid_input',
        `${field(c.timeColumn)} is ${JSON.stringify(value)}, but step ${s + 1} of the forecast is ${shownStepTime(c.times[s])}${s === 0 ? " (the step after the series' last point)" : ''}; covariates[k] holds the values of step k + 1, in order`,
        { field: field(c.timeColumn), column: c.timeColumn, step: s + 1, value, expected: c.times[s] },
      );
    }
    if (hasGroup && !sameGroup(cells[c.groupColumn as string], c.group)) {
      const column = c.groupColumn as string;
      const value = cells[column];
      throw new EngineError('invalid_input', `${field(column)} is ${JSON.stringify(value)}, but the forecast is of series ${JSON.stringify(c.group)}; leave "${column}" out or give the series asked for`, {
        field: field(column),
        column,
        step: s + 1,
        value,
        expected: c.group,
      });
    }
    const rest = { ...cells };
    delete rest[c.timeColumn];
    if (hasGroup) delete rest[c.groupColumn as string];
    return rest;
  });
}

/** A group value as its key: text as it is, a number of a numeric group column as its text (as the request's `group` takes it). */
const groupText = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** Whether a step's group cell names the series: its text, or the same number ("001" for group "1", as numbers are stored). */
function sameGroup(v: unknown, group: string): boolean {
  const text = groupText(v);
  if (text === undefined) return false;
  if (text === group) return true;
  const n = parseNumberCell(text);
  return !Number.isNaN(n) && n === parseNumberCell(group);
}

/**
 * Whether a cell (a request's value, or a file's text) is a step's time: a number for a numeric time
 * column (or its text). For dates, text that reads as the same instant or the same wall-clock time once
 * both UTC offsets are dropped: a daily series keeps its local dates and a series read on its local clock
 * answers local times, without an offset or with the job's zone's, while the caller may write them with
 * the offsets the data had. Read as ISO-8601 or month or day first.
 */
export function sameStepTime(cell: unknown, time: string | number): boolean {
  if (typeof time === 'number') return (typeof cell === 'number' ? cell : typeof cell === 'string' ? parseNumberCell(cell) : NaN) === time;
  if (typeof cell !== 'string') return false;
  const instant = parseDateCell(time);
  const wallClock = parseDateCell(withoutIsoOffset(time));
  return [cell, withoutIsoOffset(cell)].some((text, i) => {
    const step = i === 0 ? instant : wallClock;
    return parseDateCell(text) === step || parseDateCell(text, 'mdy') === step || parseDateCell(text, 'dmy') === step;
  });
}

/** A step's time as a person writes it: a day without its midnight. */
export const shownStepTime = (time: string | number) => (typeof time === 'number' ? String(time) : time.replace('T00:00:00.000Z', ''));
