/**
 * What `edge-automl upload FILE` sends a file as (cli/commands/upload kindOf), in plain Node: by --type,
 * by extension, by first bytes; a spreadsheet workbook (a zip to the byte sniffer, which sent it as a zip
 * of images holding none) and a gzip file are refused saying what to do instead. A .tsv (or .tab) file is
 * sent as text/tab-separated-values, which the server reads with tabs whatever commas its header holds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/cli/commands/upload';
import { csvContentType } from '../../src/cli/csv-encoding';
import { UsageError } from '../../src/cli/errors';

const dir = mkdtempSync(join(tmpdir(), 'edge-automl-upload-kinds-'));
const workbook = zipSync({ '[Content_Types].xml': new Uint8Array(1), 'xl/workbook.xml': new Uint8Array(1) });

async function refusal(file: string): Promise<UsageError> {
  const error = await kindOf(file, undefined).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('upload file kinds', () => {
  it('refuses a workbook by its extension, before sniffing it as a zip', async () => {
    for (const name of ['sales.xlsx', 'Sales.XLS', 'sales.ods']) {
      const file = join(dir, name);
      writeFileSync(file, workbook);
      expect((await refusal(file)).message).toContain('export the sheet as "CSV UTF-8" and upload the .csv');
    }
  });

  it('refuses a gzip file, and still reads csv, parquet and zip files', async () => {
    const gz = join(dir, 'train.csv.gz');
    writeFileSync(gz, Uint8Array.of(0x1f, 0x8b, 8, 0));
    expect((await refusal(gz)).message).toContain('gzip-compressed; decompress it');
    const zip = join(dir, 'pets');
    writeFileSync(zip, zipSync({ 'cat/a.png': new Uint8Array(1) }));
    expect(await kindOf(zip, undefined)).toBe('zip');
    expect(await kindOf(join(dir, 'train.csv'), undefined)).toBe('csv');
    expect(await kindOf(gz, 'csv')).toBe('csv');
  });

  it('sends a tab-separated file as one, by its extension or --type', async () => {
    for (const name of ['sales.tsv', 'Sales.TSV', 'sales.tab']) expect(await kindOf(join(dir, name), undefined)).toBe('tsv');
    expect(await kindOf(join(dir, 'sales'), 'tsv')).toBe('tsv');
    expect((await kindOf(join(dir, 'x'), 'xlsx').catch((e: unknown) => e)) as Error).toHaveProperty('message', '"xlsx" is not a file type; use csv, tsv, parquet or zip');
    // A name every object inherits is no file type either (it was taken for one and sent as "undefined").
    for (const inherited of ['toString', 'constructor', '__proto__']) {
      expect((await kindOf(join(dir, 'x'), inherited).catch((e: unknown) => e)) as Error).toHaveProperty('message', `"${inherited}" is not a file type; use csv, tsv, parquet or zip`);
    }
    expect(csvContentType(undefined, 'text/tab-separated-values')).toBe('text/tab-separated-values');
    expect(csvContentType('windows-1252', 'text/tab-separated-values')).toBe('text/tab-separated-values; charset=windows-1252');
    expect(csvContentType('windows-1252')).toBe('text/csv; charset=windows-1252');
  });
});
