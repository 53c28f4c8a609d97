/**
 * The layout of an image zip as people make it, in plain Node: stray files beside a wrapping folder are
 * ignored, an image loose inside the wrapper is refused by name, folder names stored as UTF-8 without the
 * zip's UTF-8 flag (Linux `zip`, macOS Finder) read as written, and a size over the per-image cap says how
 * to ask for a smaller one. Zips are written by fflate, or by hand where fflate would set the flag.
 */
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { engineError } from './helpers/assertions';
import type { CodedColumn } from '../../src/engine/data/dataset';
import { imageTableFromZip } from '../../src/engine/data/images/image-table';
import { listZipEntries } from '../../src/engine/data/images/zip-entries';

const grayPng = (size: number, value: number) => encodePng({ width: size, height: size, channels: 1, depth: 8, data: new Uint8Array(size * size).fill(value) });


/**
 * A zip of stored entries whose names are the given bytes, with general-purpose flag 0 (no UTF-8 flag),
 * as Info-ZIP's `zip` writes them on Linux. `extra` is each entry's central-directory extra field.
 */
function legacyZip(files: { name: Uint8Array; data: Uint8Array; extra?: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const extra = f.extra ?? new Uint8Array(0);
    const local = new Uint8Array(30 + f.name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 10, true);
    lv.setUint32(14, crc32(f.data), true);
    lv.setUint32(18, f.data.length, true);
    lv.setUint32(22, f.data.length, true);
    lv.setUint16(26, f.name.length, true);
    local.set(f.name, 30);
    const entry = new Uint8Array(46 + f.name.length + extra.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 0x031e, true);
    cv.setUint16(6, 10, true);
    cv.setUint32(16, crc32(f.data), true);
    cv.setUint32(20, f.data.length, true);
    cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, f.name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(42, offset, true);
    entry.set(f.name, 46);
    entry.set(extra, 46 + f.name.length);
    parts.push(local, f.data);
    central.push(entry);
    offset += local.length + f.data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, size, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + size + 22);
  let at = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** The Info-ZIP Unicode Path extra field (0x7075): version 1, CRC-32 of the stored name, the UTF-8 name. */
function unicodePath(stored: Uint8Array, name: string): Uint8Array {
  const text = utf8(name);
  const out = new Uint8Array(4 + 5 + text.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0x7075, true);
  v.setUint16(2, 5 + text.length, true);
  out[4] = 1;
  v.setUint32(5, crc32(stored), true);
  out.set(text, 9);
  return out;
}

const labels = (zip: Uint8Array) => {
  const label = imageTableFromZip(zip).dataset.columns.at(-1) as CodedColumn;
  return label.levels;
};

describe('class folders beside stray files', () => {
  it('ignores a non-image file next to the wrapping folder', () => {
    const zip = zipSync({ 'w/circles/1.png': grayPng(4, 10), 'w/circles/2.png': grayPng(4, 20), 'w/bars/3.png': grayPng(4, 200), 'README.md': utf8('# shapes') });
    expect(labels(zip)).toEqual(['bars', 'circles']);
  });

  it('refuses an image loose inside the wrapping folder, naming it', () => {
    const zip = zipSync({ 'w/circles/1.png': grayPng(4, 10), 'w/bars/3.png': grayPng(4, 200), 'w/readme_image.png': grayPng(4, 90) });
    const err = engineError(() => imageTableFromZip(zip));
    expect(err.message).toMatch(/^w\/readme_image\.png: this image is not inside a class folder/);
    expect(err.details.reason).toBe('no_class_folder');
  });

  it('still reads one folder holding images and a subfolder as one class, not as a wrapper', () => {
    const zip = zipSync({ 'cats/a.png': grayPng(4, 10), 'cats/kittens/b.png': grayPng(4, 20) });
    expect(engineError(() => imageTableFromZip(zip)).message).toMatch(/only one class folder \("cats"\)/);
  });
});

describe('split folders each wrapping their class folders', () => {
  it("reads the classes inside each split's own wrapper (Kaggle's training_set/training_set/cats), not the splits", () => {
    const files: Record<string, Uint8Array> = {};
    for (const [split, n] of [['training_set', 3], ['test_set', 2]] as const) {
      for (let i = 0; i < n; i++) {
        files[`${split}/${split}/cats/${i}.png`] = grayPng(4, 10 + i);
        files[`${split}/${split}/dogs/${i}.png`] = grayPng(4, 200 - i);
      }
    }
    const table = imageTableFromZip(zipSync(files));
    const label = table.dataset.columns.at(-1) as CodedColumn;
    expect(label.levels).toEqual(['cats', 'dogs']);
    expect(table.dataset.rows).toBe(10);
    // Under an outer folder, and with one split unwrapped, too.
    const mixed = zipSync({ 'data/train/train/cats/1.png': grayPng(4, 10), 'data/train/train/dogs/1.png': grayPng(4, 200), 'data/test/cats/2.png': grayPng(4, 12), 'data/test/dogs/2.png': grayPng(4, 190) });
    expect(labels(mixed)).toEqual(['cats', 'dogs']);
  });
});

describe("split folders named with a prefix (Intel's seg_train, seg_test, seg_pred)", () => {
  it('reads the classes inside them, leaving the unlabelled images of a wrapped prediction split out', () => {
    const files: Record<string, Uint8Array> = {};
    for (const split of ['seg_train', 'seg_test']) {
      for (let i = 0; i < 2; i++) {
        files[`${split}/${split}/forest/${i}.png`] = grayPng(4, 30 + i);
        files[`${split}/${split}/sea/${i}.png`] = grayPng(4, 220 - i);
      }
    }
    for (let i = 0; i < 3; i++) files[`seg_pred/seg_pred/${i}.png`] = grayPng(4, 128);
    const table = imageTableFromZip(zipSync(files));
    expect((table.dataset.columns.at(-1) as CodedColumn).levels).toEqual(['forest', 'sea']);
    expect(table.dataset.rows).toBe(8);
    expect(table.warnings.join(' ')).toMatch(/the folders seg_pred, seg_test, seg_train are dataset splits/);
    expect(table.warnings.join(' ')).toMatch(/3 images directly inside a split folder, in no class folder, were left out \(unlabelled\)/);
  });

  it('still reads class folders that merely end like a split as classes', () => {
    const zip = zipSync({ 'sea_test/1.png': grayPng(4, 10), 'forest/2.png': grayPng(4, 200), 'sea_test/3.png': grayPng(4, 12) });
    expect(labels(zip)).toEqual(['forest', 'sea_test']);
    // A folder named as its split that holds class folders is looked through as before.
    expect(labels(zipSync({ 'train/train/a/1.png': grayPng(4, 1), 'train/train/b/1.png': grayPng(4, 2), 'test/a/1.png': grayPng(4, 3), 'test/b/2.png': grayPng(4, 4) }))).toEqual(['a', 'b']);
  });
});

describe('zip entry names', () => {
  it('reads names written with a leading ./ (bsdtar) as without it', () => {
    const zip = zipSync({ './cats/1.png': grayPng(4, 10), './cats/2.png': grayPng(4, 20), './dogs/3.png': grayPng(4, 200) });
    expect(labels(zip)).toEqual(['cats', 'dogs']);
  });

  it('makes one class of a folder name written composed and decomposed (macOS writes café decomposed)', () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    const zip = zipSync({ [`train/${decomposed}/1.png`]: grayPng(4, 10), [`test/${composed}/2.png`]: grayPng(4, 20), 'train/dog/3.png': grayPng(4, 200) });
    expect(labels(zip)).toEqual([composed, 'dog']);
  });

  it('reads UTF-8 names stored without the UTF-8 flag as UTF-8', () => {
    const zip = legacyZip([
      { name: utf8('chats/é1.png'), data: grayPng(4, 10) },
      { name: utf8('chiens/ü2.png'), data: grayPng(4, 200) },
      { name: utf8('猫/3.png'), data: grayPng(4, 100) },
    ]);
    expect(listZipEntries(zip, 100).map((e) => e.name)).toEqual(['chats/é1.png', 'chiens/ü2.png', '猫/3.png']);
    expect(labels(zip)).toEqual(['chats', 'chiens', '猫']);
  });

  it('keeps the legacy reading of names that are not UTF-8, and prefers a Unicode Path extra field', () => {
    const stored = latin1('caf\u00e9/1.png');
    const zip = legacyZip([
      { name: stored, data: grayPng(4, 10) },
      { name: latin1('x/2.png'), data: grayPng(4, 200), extra: unicodePath(latin1('x/2.png'), 'ß/2.png') },
    ]);
    expect(listZipEntries(zip, 100).map((e) => e.name)).toEqual(['café/1.png', 'ß/2.png']);
    expect(labels(zip)).toEqual(['café', 'ß']);
  });

  it('reads names in CP437, as Windows zips them, when their bytes say so; Latin-1 ones stay Latin-1', () => {
    const cp437 = (text: string) => Uint8Array.from(text, (ch) => ({ é: 0x82, ü: 0x81, ñ: 0xa4, ß: 0xe1 })[ch] ?? ch.charCodeAt(0));
    const zip = legacyZip([
      { name: cp437('café/1.png'), data: grayPng(4, 10) },
      { name: cp437('müsli/2.png'), data: grayPng(4, 200) },
      { name: cp437('año/3.png'), data: grayPng(4, 100) },
      { name: cp437('straße/4.png'), data: grayPng(4, 50) },
    ]);
    expect(listZipEntries(zip, 100).map((e) => e.name)).toEqual(['café/1.png', 'müsli/2.png', 'año/3.png', 'straße/4.png']);
    expect(labels(zip)).toEqual(['año', 'café', 'müsli', 'straße']);
  });

  it('inflates entries whose names were re-read', () => {
    const { dataset } = imageTableFromZip(legacyZip([
      { name: utf8('été/1.png'), data: grayPng(4, 10) },
      { name: utf8('hiver/2.png'), data: grayPng(4, 200) },
    ]));
    expect(dataset.rows).toBe(2);
  });
});

describe('images over the per-image cap', () => {
  it('names ?size=WxH and --size WxH with a size that fits', () => {
    const err = engineError(() => imageTableFromZip(zipSync({ 'a/1.png': grayPng(100, 0), 'b/2.png': grayPng(100, 255) }), { channels: 3 }));
    expect(err.message).toMatch(/100x100x3 = 30000 values each, more than the 12288 allowed/);
    expect(err.message).toMatch(/\?size=WxH/);
    expect(err.message).toMatch(/--size WxH/);
    expect(err.message).toMatch(/e\.g\. 64x64/);
  });
});
