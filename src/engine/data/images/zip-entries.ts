/**
 * @module engine/data/images/zip-entries
 * Reading a zip of class folders without ever holding all of it decompressed. The central directory is
 * listed first (names and declared sizes, nothing inflated), so structure and size caps are checked
 * before any work; files are then inflated a few megabytes at a time. fflate inflates each entry into a
 * buffer of its declared size and never grows it, so a zip bomb that lies about its sizes cannot expand
 * past what was checked here.
 */
import { unzipSync } from 'fflate';
import { EngineError } from '../../core/errors';
import { writerNames } from './zip-names';

/** One file or folder of the zip's central directory. */
export interface ZipEntry {
  /** Position in the central directory (the order fflate visits entries in). */
  readonly index: number;
  /** The name as its writer meant it (zip-names: UTF-8 even without the zip's UTF-8 flag), for labels and errors. */
  readonly name: string;
  /** The name as fflate reads it (Latin-1 without the flag): the key of the entry's bytes in fflate's output. */
  readonly key: string;
  /** Path segments, backslashes read as separators, empty segments dropped. */
  readonly segments: readonly string[];
  readonly directory: boolean;
  readonly compressedSize: number;
  readonly size: number;
  readonly compression: number;
}

/** Whether the bytes start like a zip file (a local file header, "PK\x03\x04"): a body sent under the wrong type. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * What Office-style document a zip is, from its entries (an .xlsx, .docx or .pptx holds "[Content_Types].xml"
 * at its root, an OpenDocument file a "mimetype" file beside "content.xml"); undefined for any other zip.
 * Such a file is a zip to every sniffer, and was refused as a zip of images that holds none.
 */
export function officeDocumentOf(entries: readonly ZipEntry[]): string | undefined {
  const root = new Set(entries.filter((e) => e.segments.length > 0).map((e) => e.segments[0]));
  if (root.has('[Content_Types].xml')) {
    if (root.has('xl')) return 'an Excel workbook (.xlsx)';
    if (root.has('word')) return 'a Word document (.docx)';
    if (root.has('ppt')) return 'a PowerPoint file (.pptx)';
    return 'an Office document';
  }
  if (root.has('mimetype') && root.has('content.xml')) return 'an OpenDocument file (.ods, .odt)';
  return undefined;
}

/** officeDocumentOf a body that starts like a zip; undefined when it is another zip or none that lists. */
export function officeDocumentOfBytes(bytes: Uint8Array): string | undefined {
  if (!looksLikeZip(bytes)) return undefined;
  try {
    return officeDocumentOf(listZipEntries(bytes, 100_000));
  } catch {
    return undefined;
  }
}

/** Lists the zip's entries without inflating any; throws when the bytes are not a zip. */
export function listZipEntries(zip: Uint8Array, maxEntries: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const names = writerNames(zip);
  try {
    unzipSync(zip, {
      filter: (file) => {
        if (entries.length >= maxEntries) {
          throw new EngineError('invalid_dataset', `the zip holds more than ${maxEntries} entries, the most an upload may have`, { limit: maxEntries, reason: 'too_many_entries' });
        }
        const name = names?.[entries.length] ?? file.name;
        entries.push({
          index: entries.length,
          name,
          key: file.name,
          // `./cats/1.png` (bsdtar, Windows' tar) is `cats/1.png`; a folder name in decomposed Unicode (as macOS
          // writes "café") is the composed one a Windows or Linux zip writes, so both make one class.
          segments: name.split(/[/\\]/).filter((s) => s !== '' && s !== '.').map((s) => s.normalize('NFC')),
          directory: name.endsWith('/') || name.endsWith('\\'),
          compressedSize: file.size,
          size: file.originalSize,
          compression: file.compression,
        });
        return false;
      },
    });
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('invalid_dataset', `the upload is not a readable zip file (${(err as Error).message})`, { reason: 'not_a_zip' });
  }
  return entries;
}

/**
 * Calls `visit` with each of `entries` and its inflated bytes, inflating at most about `chunkBytes` at a
 * time (one entry more when a single entry is larger). Entries are visited in central-directory order.
 */
export function forEachInflated(zip: Uint8Array, entries: readonly ZipEntry[], chunkBytes: number, visit: (entry: ZipEntry, bytes: Uint8Array) => void): void {
  const ordered = [...entries].sort((a, b) => a.index - b.index);
  let at = 0;
  while (at < ordered.length) {
    const chunk = new Map<number, ZipEntry>();
    let bytes = 0;
    while (at < ordered.length && (chunk.size === 0 || bytes + ordered[at].size <= chunkBytes)) {
      chunk.set(ordered[at].index, ordered[at]);
      bytes += ordered[at].size;
      at++;
    }
    const files = inflateChunk(zip, chunk);
    for (const entry of chunk.values()) visit(entry, files[entry.key]);
  }
}

/** Inflates the chunk's entries in one walk of the zip; when that fails, one at a time to name the entry at fault. */
function inflateChunk(zip: Uint8Array, chunk: ReadonlyMap<number, ZipEntry>): Record<string, Uint8Array> {
  const inflate = (wanted: (index: number) => boolean) => {
    let index = 0;
    return unzipSync(zip, { filter: () => wanted(index++) });
  };
  try {
    return inflate((i) => chunk.has(i));
  } catch {
    for (const entry of chunk.values()) {
      try {
        inflate((i) => i === entry.index);
      } catch (err) {
        throw new EngineError('invalid_dataset', `${entry.name}: the zip entry cannot be decompressed (${(err as Error).message})`, { file: entry.name, reason: 'corrupt_zip' });
      }
    }
    throw new EngineError('invalid_dataset', 'the zip could not be read', { reason: 'corrupt_zip' });
  }
}
