/**
 * @module cli/commands/upload
 * `edge-automl upload FILE [--name N] [--append]`: streams a CSV, a Parquet file or a zip of images as a
 * new dataset version (or, with --append, a table's rows added to the newest version), with a bar over
 * the bytes sent, then shows the column profile the server inferred. The kind of file is read from its
 * extension, or else from its first bytes (a zip or Parquet file saved without one).
 */
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { ApiClientError, type AppendedVersion, type DatasetVersion } from '../../client';
import { action } from '../command-kit';
import { HintedApiError, UsageError } from '../errors';
import { csvContentType, ENCODING_HELP, encodingOption } from '../csv-encoding';
import { describeDataset } from '../dataset-report';
import { type FileKind, SNIFF_BYTES, sniffFile } from '../file-magic';
import { countingFileStream } from '../file-stream';
import { emit } from '../output';
import { uploadProgress } from '../progress';

const KINDS = {
  csv: 'text/csv',
  // Tabs separate its fields whatever commas its header holds (the server reads this type so).
  tsv: 'text/tab-separated-values',
  parquet: 'application/vnd.apache.parquet',
  zip: 'application/zip',
} as const;
type Kind = keyof typeof KINDS;
/** The kinds as a refusal lists them: "csv, tsv, parquet or zip". */
const KIND_LIST = (Object.keys(KINDS) as Kind[]).join(', ').replace(/, (\w+)$/, ' or $1');

const KIND_BY_EXTENSION: Record<string, Kind> = { '.csv': 'csv', '.txt': 'csv', '.tsv': 'tsv', '.tab': 'tsv', '.parquet': 'parquet', '.pq': 'parquet', '.zip': 'zip' };
/** Spreadsheet workbooks, which the server cannot read: they are exported as CSV first. */
const WORKBOOK_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xls', '.ods', '.numbers']);
/** A file with no telling extension is read by its first bytes: a zip or a Parquet file says what it is. */
const KIND_BY_MAGIC: Partial<Record<FileKind, Kind>> = { zip: 'zip', parquet: 'parquet' };

interface UploadOptions {
  name?: string;
  type?: string;
  size?: string;
  channels?: string;
  append?: boolean;
  encoding?: string;
}

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload a CSV or Parquet file (or a zip of images) as a new dataset version, or --append its rows')
    .argument('<file>', 'the file to upload (.csv, .tsv, .parquet, .zip)')
    .option('-n, --name <name>', 'dataset name (default: the file name without extension)')
    .option('--type <type>', `${KIND_LIST} (default: from the file extension)`)
    .option('--size <WxH>', 'zip of images: resize every image to this many pixels, e.g. 32x32')
    .option('--channels <n>', 'zip of images: 1 (grayscale) or 3 (RGB)')
    .option('--append', "add the file's rows to the dataset's newest version (CSV or Parquet with the same columns)")
    .option('--encoding <name>', ENCODING_HELP, encodingOption)
    .action(
      action<UploadOptions>(async (ctx, [file], opts) => {
        const kind = await kindOf(file, opts.type);
        if (kind !== 'zip' && (opts.size !== undefined || opts.channels !== undefined)) throw new UsageError('only for a zip of images', opts.size !== undefined ? '--size' : '--channels');
        if (kind === 'zip' && opts.append) throw new UsageError('rows are appended from a CSV or Parquet file; upload a new zip to add images', '--append');
        const text = kind === 'csv' || kind === 'tsv';
        if (!text && opts.encoding !== undefined) throw new UsageError('only for a CSV or TSV file', '--encoding');
        const contentType = text ? csvContentType(opts.encoding, KINDS[kind]) : KINDS[kind];
        const channels = opts.channels === undefined ? undefined : channelsOf(opts.channels);
        const name = opts.name ?? datasetNameFrom(file);
        const size = await fileSize(file);
        const bar = uploadProgress(`upload ${basename(file)}`, size, ctx.json);
        let dataset: DatasetVersion | AppendedVersion;
        try {
          const body = await countingFileStream(file, (sent) => bar.update(sent));
          dataset =
            kind === 'zip'
              ? await ctx.api.datasets.uploadZip(name, body, { size: opts.size, channels })
              : opts.append
                ? await ctx.api.datasets.appendRows(name, body, { contentType })
                : await ctx.api.datasets.upload(name, body, { contentType });
        } catch (err) {
          // The server's advice names a Content-Type header; at the command line it is an option. Only for
          // a byte that is not UTF-8: a UTF-16 file or a NUL byte is no Windows-1252 text either.
          if (err instanceof ApiClientError && err.code === 'invalid_encoding' && / is not valid UTF-8 /.test(err.message)) {
            throw new HintedApiError(err, `if a Windows spreadsheet saved the file, add --encoding windows-1252`, err.message.split('; re-save')[0]);
          }
          // Rows are appended to a dataset that exists; the first upload creates it.
          if (err instanceof ApiClientError && err.code === 'dataset_not_found' && opts.append) {
            throw new HintedApiError(err, `to create it, upload without --append: \`${ctx.cli} upload ${file} --name ${name}\``);
          }
          throw err;
        } finally {
          bar.stop();
        }
        emit(ctx, dataset, () => describeDataset(dataset, ctx.cli));
      }),
    );
}

/** What `file` is sent as: `--type`, else its extension, else its first bytes; a workbook or a gzip file is refused. */
export async function kindOf(file: string, type: string | undefined): Promise<Kind> {
  if (type !== undefined) {
    if (!Object.hasOwn(KINDS, type)) throw new UsageError(`"${type}" is not a file type; use ${KIND_LIST}`, '--type');
    return type as Kind;
  }
  const extension = extname(file).toLowerCase();
  const byName = KIND_BY_EXTENSION[extension];
  if (byName) return byName;
  // A workbook is a zip to the sniffer below, and would be sent as a zip of images that holds none.
  if (WORKBOOK_EXTENSIONS.has(extension)) throw new UsageError(`this is a spreadsheet workbook (${extension}); export the sheet as "CSV UTF-8" and upload the .csv`, file);
  if (extension === '.gz') throw new UsageError('this file is gzip-compressed; decompress it (gunzip) and upload the file inside', file);
  const sniffed = sniffFile(await firstBytes(file));
  const byMagic = sniffed && KIND_BY_MAGIC[sniffed];
  if (byMagic) return byMagic;
  if (sniffed) throw new UsageError(`this is a ${sniffed.toUpperCase()} image; an image dataset is a zip with one folder of PNG or JPEG images per class`, file);
  throw new UsageError(`cannot tell the file type from "${extname(file) || '(no extension)'}" or its first bytes; name it .csv, .tsv, .parquet or .zip, or pass --type ${KIND_LIST}`, file);
}

/** The file's first bytes (fewer for a shorter file), for sniffFile. */
async function firstBytes(file: string): Promise<Uint8Array> {
  await fileSize(file); // a missing file or a folder is named as such, not as an unknown type
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(new Uint8Array(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function channelsOf(value: string): 1 | 3 {
  if (value === '1' || value === '3') return Number(value) as 1 | 3;
  throw new UsageError(`expected 1 (grayscale) or 3 (RGB), got "${value}"`, '--channels');
}

/** "data/credit g.train.csv" → "credit_g.train": names must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$. */
function datasetNameFrom(file: string): string {
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  if (!name) throw new UsageError(`cannot make a dataset name from the file name; pass --name`, file);
  return name.slice(0, 128);
}

async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UsageError('not a file', file);
    return s.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as { code?: string }).code;
    throw new UsageError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((err as Error).message), file);
  }
}
