/**
 * @module engine/forecast/covariate-start-warnings
 * What a forecast job tells its user about covariates recorded later than their series began
 * (./covariate-start): per column, the series, how many of their first points are empty and the time it
 * has values from, and that every model learns each series from where all its covariates have values
 * only. Worded as the warnings about filled past-covariate cells are (./past-covariate-fill-warnings).
 * A group that starting later leaves too short to validate on is left out of the model (./series,
 * SeriesInfo.lateSkipped): its own warning names the column, the group, the points left out and those left.
 */
import type { LateCovariateStart } from './covariate-start';
import { COVARIATE_WORDING } from './covariates';
import { rowWords } from './past-covariate-fill';

/** Series a warning names; the rest are counted. */
const SHOWN = 5;

const AFTER =
  'Every model, those that do not read covariates too, learns each series from the first point where all of its covariates have values, and is validated on it, so that all are scored on the same points: the points before are left out. Fill them in and retrain if they are known';

/** The job's warnings about `late` (one per column), times written by `show`. */
export function lateStartWarnings(late: readonly LateCovariateStart[], show: (t: number) => string): string[] {
  const columns = [...new Set(late.map((l) => `${l.list}\u0000${l.column}`))];
  return columns.map((key) => {
    const runs = late.filter((l) => `${l.list}\u0000${l.column}` === key);
    const { noun, known } = COVARIATE_WORDING[runs[0].list];
    const column = runs[0].column;
    if (runs.length === 1 && runs[0].group === '') {
      const r = runs[0];
      return `${noun} "${column}" is empty at the first ${points(r.points)} (${span(r, show)}, ${rowWords(r.rows)}) and ${known} from ${show(r.observed)} on. ${AFTER}`;
    }
    const each = runs.map((r) => `"${r.group}" from ${show(r.observed)} (${points(r.points)} before, ${span(r, show)})`);
    const series = runs.length === 1 ? '1 series' : `${runs.length} series`;
    return `${noun} "${column}" is empty at the first points of ${series}, ${known} only later: ${some(each)}. ${AFTER}`;
  });
}

/**
 * The job's warnings about the groups a covariate's late start left too short to validate on (`cut`, one
 * per group: the column that set its start; `left`: each group's points from there; `needed`: the fewest
 * a group must have), one per column, times written by `show`. Said apart from the groups short by
 * themselves, since the data hold more of them than the model was given.
 */
export function lateShortWarnings(cut: readonly LateCovariateStart[], left: Readonly<Record<string, number>>, needed: number, show: (t: number) => string): string[] {
  const columns = [...new Set(cut.map((l) => `${l.list}\u0000${l.column}`))];
  return columns.map((key) => {
    const runs = cut.filter((l) => `${l.list}\u0000${l.column}` === key);
    const { noun, known } = COVARIATE_WORDING[runs[0].list];
    const { column, list } = runs[0];
    const keep = `Fill the points before in and retrain if they are known, or leave the column out of ${list} to keep ${runs.length === 1 ? 'the group' : 'the groups'}`;
    if (runs.length === 1) {
      const r = runs[0];
      return `${noun} "${column}" is empty at the first ${points(r.points)} of group "${r.group}" (${span(r, show)}) and ${known} there only from ${show(r.observed)} on, which leaves ${points(left[r.group])}, too few to validate a forecast on (at least ${needed} are needed): group "${r.group}" is left out of the model. ${keep}`;
    }
    const each = runs.map((r) => `"${r.group}" from ${show(r.observed)} (${points(r.points)} before, ${span(r, show)}; ${left[r.group]} left)`);
    return `${noun} "${column}" is empty at the first points of ${runs.length} groups, ${known} only later, which leaves each too few points to validate a forecast on (at least ${needed} are needed): ${some(each)}. These groups are left out of the model. ${keep}`;
  });
}

const points = (n: number) => `${n} point${n === 1 ? '' : 's'}`;
const some = (items: readonly string[]) => items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? ` and ${items.length - SHOWN} more` : '');

/** The times of the empty first points: the series' first point to the one before the column's first value. */
function span(r: LateCovariateStart, show: (t: number) => string): string {
  return r.points === 1 ? show(r.from) : `${show(r.from)} to ${show(r.to)}`;
}
