/**
 * Which folders of an image zip are its classes, and what the upload is told about the rest, in plain
 * Node (the image audit's findings): a chain of wrapping folders is looked through, Kaggle's split
 * folders (train/, test/) are merged with a warning instead of becoming the classes "train" and "test",
 * files of other image formats in class folders, folders without images and classes of very few images
 * are warned about by name instead of dropped or refused one at a time.
 */
import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { engineError } from './helpers/assertions';
import type { CodedColumn } from '../../src/engine/data/dataset';
import { FEW_CLASS_IMAGES } from '../../src/engine/data/images/class-folders';
import { imageTableFromZip } from '../../src/engine/data/images/image-table';
import { MAX_WRAPPERS } from '../../src/engine/data/images/zip-layout';

const grayPng = (value: number) => encodePng({ width: 4, height: 4, channels: 1, depth: 8, data: new Uint8Array(16).fill(value) });

/** `n` images of each class under `prefix` (e.g. `pets/train/`), named so every path is distinct. */
function classes(prefix: string, names: readonly string[], n = FEW_CLASS_IMAGES, tag = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  names.forEach((name, k) => {
    for (let i = 0; i < n; i++) files[`${prefix}${name}/${tag}${i}.png`] = grayPng(40 * k + i);
  });
  return files;
}

const SHAPES = ['circle', 'square', 'triangle'];
const levels = (table: ReturnType<typeof imageTableFromZip>) => (table.dataset.columns.at(-1) as CodedColumn).levels;

describe('wrapping folders', () => {
  it('looks through two wrapping folders (outer/inner/<class>), which used to read as one class "inner"', () => {
    const table = imageTableFromZip(zipSync({ ...classes('outer/inner/', SHAPES), 'outer/README.txt': new TextEncoder().encode('shapes') }));
    expect(levels(table)).toEqual(SHAPES);
    expect(table.classCounts).toEqual({ circle: 5, square: 5, triangle: 5 });
    expect(table.warnings).toEqual([]);
  });

  it('reads JPEGs named .jfif, .jpe or .jif (a browser on Windows saves them so) as images', () => {
    const files = classes('', SHAPES);
    const renamed = Object.fromEntries(Object.entries(files).map(([path, bytes], i) => [path.replace(/\.png$/, ['.jfif', '.JPE', '.jif', '.png'][i % 4]), bytes]));
    const table = imageTableFromZip(zipSync(renamed));
    expect(table.classCounts).toEqual({ circle: 5, square: 5, triangle: 5 });
    expect(table.warnings).toEqual([]);
  });

  it(`looks through up to ${MAX_WRAPPERS} wrapping folders, and no further`, () => {
    const deep = (n: number) => `${Array.from({ length: n }, (_, i) => `w${i}`).join('/')}/`;
    expect(levels(imageTableFromZip(zipSync(classes(deep(MAX_WRAPPERS), ['a', 'b']))))).toEqual(['a', 'b']);
    const err = engineError(() => imageTableFromZip(zipSync(classes(deep(MAX_WRAPPERS + 1), ['a', 'b']))));
    expect(err.message).toMatch(/only one class folder \("w0\/w1\/w2\/w3\/w4\/w5\/w6\/w7\/w8"\)/);
  });
});

describe('split folders (train/, test/, …)', () => {
  it('merges the classes of every split and says so, instead of learning "train" vs "test"', () => {
    const zip = zipSync({ ...classes('pets/train/', SHAPES, 8, 't'), ...classes('pets/test/', SHAPES, 2, 'v') });
    const table = imageTableFromZip(zip);
    expect(levels(table)).toEqual(SHAPES);
    expect(table.classCounts).toEqual({ circle: 10, square: 10, triangle: 10 });
    expect(table.dataset.rows).toBe(30);
    expect(table.warnings).toHaveLength(1);
    expect(table.warnings[0]).toMatch(/^the folders pets\/test, pets\/train are dataset splits, each holding class folders: their classes were merged \(circle, square, triangle\)/);
  });

  it('reads Valid/, validation/ and train_set/ as splits too, in any case', () => {
    const zip = zipSync({ ...classes('train_set/', ['cats', 'dogs']), ...classes('Valid/', ['cats', 'dogs'], 5, 'v'), ...classes('validation/', ['dogs'], 5, 'w') });
    const table = imageTableFromZip(zip);
    expect(levels(table)).toEqual(['cats', 'dogs']);
    expect(table.classCounts).toEqual({ cats: 10, dogs: 15 });
  });

  it('leaves out the unlabelled images of a split without class folders, naming them', () => {
    const zip = zipSync({ ...classes('train/', ['cats', 'dogs']), 'test/1.png': grayPng(1), 'test/2.png': grayPng(2) });
    const table = imageTableFromZip(zip);
    expect(levels(table)).toEqual(['cats', 'dogs']);
    expect(table.dataset.rows).toBe(10);
    expect(table.warnings[1]).toBe('2 images directly inside a split folder, in no class folder, were left out (unlabelled): test/1.png, test/2.png');
  });

  it('keeps a class named "test" beside other classes as a class', () => {
    const table = imageTableFromZip(zipSync(classes('', ['cats', 'test'])));
    expect(levels(table)).toEqual(['cats', 'test']);
    expect(table.warnings).toEqual([]);
  });

  it('takes one split alone (train/<class>) as a wrapping folder', () => {
    const table = imageTableFromZip(zipSync(classes('pets/train/', SHAPES)));
    expect(levels(table)).toEqual(SHAPES);
    expect(table.warnings).toEqual([]);
  });
});

describe('files left out, and small classes', () => {
  it('names the GIF and BMP files of class folders, which used to be dropped in silence', () => {
    const zip = zipSync({ ...classes('shapes/', SHAPES), 'shapes/square/anim.gif': Uint8Array.of(0x47, 0x49, 0x46), 'shapes/square/bitmap.BMP': Uint8Array.of(0x42, 0x4d), 'shapes/notes.txt': Uint8Array.of(1), 'shapes/circle/Thumbs.db': Uint8Array.of(1) });
    const table = imageTableFromZip(zip);
    expect(table.dataset.rows).toBe(15);
    expect(table.warnings).toEqual(['2 files in class folders are not PNG or JPEG and were left out (1 GIF, 1 BMP): shapes/square/anim.gif, shapes/square/bitmap.BMP; convert them to PNG or JPEG to use them']);
  });

  it('leaves out files named as PNG or JPEG that hold neither (a renamed WebP, an empty or HTML download), naming each, with or without a size given', () => {
    const webp = Uint8Array.from([...new TextEncoder().encode('RIFF'), 0, 0, 0, 0, ...new TextEncoder().encode('WEBPVP8 ')]);
    const files = { ...classes('shapes/', SHAPES), 'shapes/circle/renamed.jpg': webp, 'shapes/square/empty.png': new Uint8Array(0), 'shapes/triangle/error.jpg': new TextEncoder().encode('<!DOCTYPE html><html>Not found</html>') };
    for (const options of [{}, { size: { height: 4, width: 4 }, channels: 1 as const }]) {
      const table = imageTableFromZip(zipSync(files), options);
      expect(table.dataset.rows).toBe(15);
      expect(table.classCounts).toEqual({ circle: 5, square: 5, triangle: 5 });
      expect(table.dataset.columns.every((c) => (c.storage === 'codes' ? c.codes.length : c.values.length) === 15)).toBe(true);
      // The pixels kept are the real images': each class's five grays, in order (40 * class + i).
      expect(Array.from((table.dataset.columns[0] as { values: Float64Array }).values)).toEqual([0, 1, 2, 3, 4, 40, 41, 42, 43, 44, 80, 81, 82, 83, 84]);
      expect(table.warnings).toEqual([
        '3 files in class folders are named as PNG or JPEG but hold neither, and were left out: shapes/circle/renamed.jpg (a WebP image), shapes/square/empty.png (empty), shapes/triangle/error.jpg (text or HTML, not an image); convert them to PNG or JPEG to use them',
      ]);
    }
    // Left with a single class, the zip is refused saying why.
    const one = { ...classes('', ['circle']), 'square/a.png': new Uint8Array(0), 'square/b.jpg': webp };
    expect(engineError(() => imageTableFromZip(zipSync(one))).message).toBe('once the files holding no PNG or JPEG are left out (square/a.png (empty), square/b.jpg (a WebP image)), only class "circle" has images; image classification needs at least two');
  });

  // From a read-only audit of uploads: the few-images warning was decided before such files were left
  // out, so a class of five files, two of them unreadable, kept three images and no word of it.
  it('warns about a class the unreadable files left with fewer than five images', () => {
    const files = { ...classes('shapes/', SHAPES), 'shapes/circle/0.png': new Uint8Array(0), 'shapes/circle/1.png': new TextEncoder().encode('<html>') };
    const table = imageTableFromZip(zipSync(files));
    expect(table.classCounts).toEqual({ circle: 3, square: 5, triangle: 5 });
    expect(table.warnings).toHaveLength(2);
    expect(table.warnings[1]).toMatch(/^class "circle" \(3 images\) has fewer than 5 images once those files are left out: too few to learn it from/);
    // A class the zip itself held few of is warned about once, as before.
    const small = { ...classes('', SHAPES), 'star/1.png': grayPng(200), 'star/2.png': new Uint8Array(0) };
    const warned = imageTableFromZip(zipSync(small)).warnings;
    expect(warned.filter((w) => w.includes('"star"'))).toHaveLength(1);
  });

  it('says what a zip of GIFs only holds when refusing it', () => {
    const err = engineError(() => imageTableFromZip(zipSync({ 'a/1.gif': Uint8Array.of(1), 'b/2.gif': Uint8Array.of(2) })));
    expect(err.message).toMatch(/holds no PNG or JPEG images .*; its 2 images of other formats \(a\/1\.gif, b\/2\.gif\) must be converted to PNG or JPEG first/);
  });

  it('warns about a class of one image, naming it', () => {
    const table = imageTableFromZip(zipSync({ ...classes('', SHAPES), 'star/1.png': grayPng(200) }));
    expect(table.classCounts.star).toBe(1);
    expect(table.warnings).toHaveLength(1);
    expect(table.warnings[0]).toMatch(/^class "star" \(1 image\) has fewer than 5 images: too few to learn it from or to validate on/);
  });

  it('leaves out every folder without images, naming them all, instead of refusing the zip at the first', () => {
    const zip = zipSync({ ...classes('shapes/', SHAPES), 'shapes/empty_class/': new Uint8Array(0), 'shapes/drafts/readme.txt': Uint8Array.of(1), 'shapes/gifs/a.gif': Uint8Array.of(1) });
    const table = imageTableFromZip(zip);
    expect(levels(table)).toEqual(SHAPES);
    expect(table.warnings).toContain('3 folders at class level hold no PNG or JPEG images and were left out: "shapes/drafts", "shapes/empty_class", "shapes/gifs"');
    expect(table.warnings.some((w) => w.includes('shapes/gifs/a.gif'))).toBe(true);
  });
});
