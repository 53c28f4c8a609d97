/**
 * Named-month dates as European spreadsheets and hand-typed sheets write them: English ordinal days
 * (March 15th, 2024), and month and weekday names in French, German, Spanish, Italian, Portuguese and
 * Dutch, with and without accents. Each spelling reads as its own month, wrong ordinals and dates that do
 * not exist are refused, a spelling two languages would read as different months is not read, and a
 * column of such dates is the 'named' layout, written back in English, which appends and predict read.
 */
import { describe, expect, it } from 'vitest';
import { appendRows } from '../../src/engine/data/append-rows';
import { parseDateCell } from '../../src/engine/data/column-types';
import { parseCsv } from '../../src/engine/data/csv';
import { parseCsvColumns } from '../../src/engine/data/csv-columns';
import { formatOrderedDate } from '../../src/engine/data/date-layout';
import { inferDataset } from '../../src/engine/data/infer-schema';
import { monthNameDate } from '../../src/engine/data/month-name-date';
import { getModelSpec } from '../../src/engine/models/registry';
import { Predictor } from '../../src/engine/predictor';
import { runTrial } from '../../src/engine/run-trial';
import { infer, orderOf, stored, times, utc } from './helpers/date-columns';

/** The ISO-8601 text of a cell's date, or 'no date': a failure names the date read instead of two epoch numbers. */
const iso = (cell: string) => {
  const ms = monthNameDate(cell);
  return Number.isNaN(ms) ? 'no date' : new Date(ms).toISOString().slice(0, 16);
};

describe('ordinal days', () => {
  it('reads an ordinal day in every shape that takes a day, in any case', () => {
    expect(iso('March 15th, 2024')).toBe('2024-03-15T00:00');
    expect(iso('15th March 2024')).toBe('2024-03-15T00:00');
    expect(iso('Mar 1st 2024')).toBe('2024-03-01T00:00');
    expect(iso('2nd March 2024')).toBe('2024-03-02T00:00');
    expect(iso('3RD-Mar-2024')).toBe('2024-03-03T00:00');
    expect(iso('Friday, March 15th, 2024 2:30 PM')).toBe('2024-03-15T14:30');
    expect(iso('2024 Mar 22Nd')).toBe('2024-03-22T00:00');
  });

  it('reads every day whose suffix agrees with its number', () => {
    const days: [number, string][] = [[1, 'st'], [2, 'nd'], [3, 'rd'], [4, 'th'], [11, 'th'], [12, 'th'], [13, 'th'], [21, 'st'], [22, 'nd'], [23, 'rd'], [24, 'th'], [30, 'th'], [31, 'st']];
    for (const [day, suffix] of days) expect(monthNameDate(`${day}${suffix} January 2024`)).toBe(utc(2024, 1, day));
  });

  it('refuses a suffix that is not the number\'s, a date that does not exist, and "of"', () => {
    for (const cell of ['15st March 2024', '1th Mar 2024', '2st Mar 2024', '3nd Mar 2024', '11st Mar 2024', '12nd Mar 2024', '13rd Mar 2024', '22th Mar 2024', '31th Mar 2024', 'Mar 15xx, 2024']) {
      expect(monthNameDate(cell), cell).toBeNaN();
    }
    expect(monthNameDate('31st April 2024')).toBeNaN();
    expect(monthNameDate('Feb 30th, 2024')).toBeNaN();
    expect(monthNameDate('2nd of March 2024')).toBeNaN();
    expect(infer(['15st March 2024', '16th March 2024']).column.type).toBe('categorical');
  });

  it('reads the first of a month as French, Spanish and Portuguese mark it, and no other day so marked', () => {
    expect(iso('1er mars 2024')).toBe('2024-03-01T00:00');
    expect(iso('vendredi 1er mars 2024')).toBe('2024-03-01T00:00');
    expect(iso('1º de março de 2024')).toBe('2024-03-01T00:00');
    expect(iso('1° de marzo de 2024')).toBe('2024-03-01T00:00');
    for (const cell of ['2er mars 2024', '15º de março de 2024', '21er mars 2024']) expect(monthNameDate(cell), cell).toBeNaN();
    // A French column's first of the month no longer breaks it.
    const { profile } = infer(['28 février 2024', '29 février 2024', '1er mars 2024', '2 mars 2024']);
    expect(profile).toMatchObject({ type: 'datetime', date_order: 'named' });
  });

  it('types a column of ordinal dates as the named layout', () => {
    const { column, profile } = infer(['March 1st, 2024', 'March 2nd, 2024', 'March 3rd, 2024', 'March 4th, 2024', '21st March 2024']);
    expect(profile).toMatchObject({ type: 'datetime', date_order: 'named' });
    expect(times(column)).toEqual([utc(2024, 3, 1), utc(2024, 3, 2), utc(2024, 3, 3), utc(2024, 3, 4), utc(2024, 3, 21)]);
  });
});

/** Every month's spellings beyond English, January first, as the module's header promises them. */
const SPELLINGS: Record<string, readonly (readonly string[])[]> = {
  french: [['janvier', 'janv.'], ['février', 'févr.', 'fevrier', 'fév'], ['mars'], ['avril', 'avr.'], ['mai'], ['juin'], ['juillet', 'juil.'], ['août', 'aout'], ['septembre', 'sept.'], ['octobre', 'oct.'], ['novembre', 'nov.'], ['décembre', 'déc.', 'decembre']],
  german: [['Januar', 'Jan.', 'Jänner', 'Jän'], ['Februar', 'Feb.'], ['März', 'Mär', 'Mrz', 'Maerz'], ['April', 'Apr.'], ['Mai'], ['Juni'], ['Juli'], ['August', 'Aug.'], ['September', 'Sept.'], ['Oktober', 'Okt'], ['November', 'Nov.'], ['Dezember', 'Dez']],
  spanish: [['enero', 'ene'], ['febrero'], ['marzo'], ['abril', 'abr'], ['mayo'], ['junio'], ['julio'], ['agosto', 'ago'], ['septiembre', 'setiembre', 'sept.', 'set'], ['octubre'], ['noviembre'], ['diciembre', 'dic']],
  italian: [['gennaio', 'gen'], ['febbraio'], ['marzo'], ['aprile'], ['maggio', 'mag'], ['giugno', 'giu'], ['luglio', 'lug'], ['agosto'], ['settembre', 'set'], ['ottobre', 'ott'], ['novembre'], ['dicembre']],
  portuguese: [['janeiro'], ['fevereiro', 'fev'], ['março', 'marco'], ['abril'], ['maio', 'mai'], ['junho'], ['julho'], ['agosto'], ['setembro'], ['outubro', 'out'], ['novembro'], ['dezembro', 'dez']],
  dutch: [['januari'], ['februari'], ['maart', 'mrt'], ['april'], ['mei'], ['juni'], ['juli'], ['augustus'], ['september'], ['oktober', 'okt'], ['november'], ['december']],
};

describe('month names in other languages', () => {
  it('reads every spelling as its month, day first, month first and alone, in any case', () => {
    for (const [language, months] of Object.entries(SPELLINGS)) {
      months.forEach((spellings, i) => {
        const month = String(i + 1).padStart(2, '0');
        for (const name of spellings) {
          const where = `${language}: ${name}`;
          expect(iso(`15 ${name} 2024`), where).toBe(`2024-${month}-15T00:00`);
          expect(iso(`15-${name.toUpperCase()}-2024`), where).toBe(`2024-${month}-15T00:00`);
          expect(iso(`${name} 15, 2024`), where).toBe(`2024-${month}-15T00:00`);
          expect(iso(`${name} 2024`), where).toBe(`2024-${month}-01T00:00`);
        }
      });
    }
  });

  it("reads German's dot after the day and the Spanish and Portuguese \"de\", with a time", () => {
    expect(iso('15. März 2024')).toBe('2024-03-15T00:00');
    expect(iso('1. Okt. 2024 14:30')).toBe('2024-10-01T14:30');
    expect(iso('15 de marzo de 2024')).toBe('2024-03-15T00:00');
    expect(iso('15 DE MARÇO DE 2024')).toBe('2024-03-15T00:00');
    expect(iso('marzo de 2024')).toBe('2024-03-01T00:00');
    // A non-breaking space, as French typography writes between the parts.
    expect(iso('15\u00a0août\u00a02024 09:05')).toBe('2024-08-15T09:05');
    // The dot belongs after the day only before a space, and "de" on both sides.
    expect(monthNameDate('15.März 2024')).toBeNaN();
    expect(monthNameDate('15 de marzo 2024')).toBeNaN();
  });

  it('reads accents written as combining marks (NFD) as their composed letters', () => {
    expect(iso('15 fe\u0301vrier 2024')).toBe('2024-02-15T00:00');
    expect(iso('15 Ma\u0308rz 2024')).toBe('2024-03-15T00:00');
  });

  it('reads weekdays in the same languages when the date falls on them, and refuses them otherwise', () => {
    const friday15 = ['vendredi 15 mars 2024', 'ven. 15 mars 2024', 'Freitag, 15. März 2024', 'Fr., 15. März 2024', 'viernes, 15 de marzo de 2024', 'venerdì 15 marzo 2024', 'venerdi 15 marzo 2024', 'sexta-feira, 15 de março de 2024', 'vrijdag 15 maart 2024', 'vr 15 mrt 2024'];
    for (const cell of friday15) expect(iso(cell), cell).toBe('2024-03-15T00:00');
    expect(iso('mardi 19 mars 2024')).toBe('2024-03-19T00:00');
    expect(iso('Sa., 16. März 2024')).toBe('2024-03-16T00:00');
    for (const cell of ['jeudi 15 mars 2024', 'Donnerstag, 15. März 2024', 'sábado, 15 de marzo de 2024', 'zondag 15 maart 2024', 'terça-feira, 15 de março de 2024']) expect(monthNameDate(cell), cell).toBeNaN();
  });

  it('refuses dates that do not exist, two-digit years, and spellings that are no month', () => {
    for (const cell of ['30 février 2024', '31. April 2024', '29 febbraio 2023', '31 de junio de 2024', '15 mars 24']) expect(monthNameDate(cell), cell).toBeNaN();
    expect(monthNameDate('29 février 2024')).toBe(utc(2024, 2, 29));
    // Not real spellings: an accent dropped without German's "ae", truncations no locale writes.
    for (const cell of ['15 Marz 2024', '15 maa 2024', '15 aoû 2024', '15 janvie 2024']) expect(monthNameDate(cell), cell).toBeNaN();
  });

  it('reads no spelling that would be two months: French "jui" is juin or juillet', () => {
    expect(monthNameDate('15 jui 2024')).toBeNaN();
    expect(monthNameDate('jui 2024')).toBeNaN();
    expect(infer(['15 jui 2024', '16 jui 2024']).column.type).toBe('categorical');
    // Names several languages share are one month in each: mar (March), mai (May), set (September), dec.
    expect([iso('15 mar 2024'), iso('15 mai 2024'), iso('15 set 2024'), iso('15 dec 2024')]).toEqual(['2024-03-15T00:00', '2024-05-15T00:00', '2024-09-15T00:00', '2024-12-15T00:00']);
  });
});

/** A column's French dates, as French Excel exports a date formatted "j mmm aaaa". */
const FRENCH = ['15 janv. 2024', '29 févr. 2024', '1 mars 2024', '12 avr. 2024', '8 mai 2024', '21 juin 2024', '14 juil. 2024', '15 août 2024', '2 sept. 2024', '31 oct. 2024', '11 nov. 2024', '25 déc. 2024'];
const FRENCH_TIMES = [utc(2024, 1, 15), utc(2024, 2, 29), utc(2024, 3, 1), utc(2024, 4, 12), utc(2024, 5, 8), utc(2024, 6, 21), utc(2024, 7, 14), utc(2024, 8, 15), utc(2024, 9, 2), utc(2024, 10, 31), utc(2024, 11, 11), utc(2024, 12, 25)];

describe('a column of dates in other languages', () => {
  it('types a column of French dates as datetime in the named layout, with no warning', () => {
    const { column, profile } = infer([...FRENCH, '-']);
    expect(profile).toMatchObject({ type: 'datetime', date_order: 'named' });
    expect(profile.warnings).toBeUndefined();
    expect(times(column)).toEqual([...FRENCH_TIMES, NaN]);
  });

  it('reads a column mixing English and German names, and ISO-8601', () => {
    const { column, profile } = infer(['15. März 2024', 'Mar 16, 2024', '17-Mär-2024', '18th March 2024', 'Dienstag, 19. März 2024', '2024-03-20', '21. Mrz. 2024', '22 Okt 2024']);
    expect(profile).toMatchObject({ type: 'datetime', date_order: 'named' });
    expect(times(column)).toEqual([15, 16, 17, 18, 19, 20, 21].map((d) => utc(2024, 3, d)).concat(utc(2024, 10, 22)));
  });

  it('still refuses a mix with day-month dates, whose order a named month does not tell', () => {
    expect(infer(['15 mars 2024', '16/03/2024']).column.type).toBe('categorical');
  });

  it('writes French dates back in English, which the named layout reads as the same dates', () => {
    const back = stored(infer(FRENCH).dataset).columns[0];
    expect(orderOf(back)).toBe('named');
    expect(times(back)).toEqual(FRENCH_TIMES);
    for (const t of FRENCH_TIMES) expect(parseDateCell(formatOrderedDate(t, 'named'), 'named')).toBe(t);
    expect(formatOrderedDate(utc(2024, 8, 15), 'named')).toBe('15-Aug-2024');
  });

  it('appends French, German and English dates to a column of French dates, old dates unchanged', () => {
    const base = stored(infer(FRENCH).dataset);
    const { dataset, profile } = appendRows(base, parseCsv('d,x\n3 janv. 2025,12\n"Freitag, 10. Januar 2025",13\n"Jan 17th, 2025",14\n2025-01-24,15\n'), 'line', 1000);
    expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'named' });
    expect(times(dataset.columns[0])).toEqual([...FRENCH_TIMES, utc(2025, 1, 3), utc(2025, 1, 10), utc(2025, 1, 17), utc(2025, 1, 24)]);
  });
});

describe('predicting with a model trained on French dates', () => {
  /** 120 days of a target that rises through each month, dates written as French long dates. */
  function frenchTable(): string {
    const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
    const lines = ['when,x,y'];
    for (let i = 0; i < 120; i++) {
      const d = new Date(Date.UTC(2024, 0, 1 + i));
      lines.push(`"${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}",${(i * 7) % 11},${(d.getUTCDate() * 2 + ((i * 7) % 11)).toFixed(1)}`);
    }
    return lines.join('\n');
  }

  it('reads the same date in French, English, German and ISO-8601 alike', async () => {
    const { dataset, profile } = inferDataset(parseCsv(frenchTable()));
    expect(profile[0]).toMatchObject({ type: 'datetime', date_order: 'named' });
    const shape = { rows: dataset.rows, cols: 2, task: 'regression' as const, nClasses: 0 };
    const outcome = await runTrial(dataset, { family: 'gbdt', params: getModelSpec('gbdt').defaults(shape), target: 'y', metric: 'rmse', seed: 1, folds: 3 });
    if (outcome.status !== 'complete') throw new Error(outcome.reason);
    const predictor = await Predictor.load(JSON.parse(JSON.stringify(outcome.envelope)));
    const french = predictor.predictRows([{ when: '16 mars 2024', x: 3 }]);
    for (const when of ['samedi 16 mars 2024', '16-Mar-2024', 'March 16th, 2024', '16. März 2024', '2024-03-16']) expect(predictor.predictRows([{ when, x: 3 }]), when).toStrictEqual(french);
    const twoRows = predictor.predictRows([{ when: '16 mars 2024', x: 3 }, { when: '16-Mar-2024', x: 3 }]);
    expect(predictor.predictTable(parseCsvColumns('when,x\n16 mars 2024,3\n16 marzo 2024,3\n'))).toStrictEqual(twoRows);
    expect(predictor.predictRows([{ when: '1 mars 2024', x: 3 }])).not.toStrictEqual(predictor.predictRows([{ when: '28 mars 2024', x: 3 }]));
    predictor.dispose();
  });
});
