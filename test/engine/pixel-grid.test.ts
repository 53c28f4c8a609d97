/**
 * engine/data/pixel-grid: the grid a list of column names stands for, by their px_* names or, for pixel
 * columns named otherwise, by the model's own shape that names them; and what the one entry standing for
 * them is called (`px_*`, or the first and last of the model's own columns).
 */
import { describe, expect, it } from 'vitest';
import type { ImageShape } from '../../src/engine/core/image-shape';
import { pixelGridName, pixelGridOf } from '../../src/engine/data/pixel-grid';

const PLAIN = Array.from({ length: 16 }, (_, i) => `p${i}`);
const named: ImageShape = { height: 4, width: 4, channels: 1, columnNames: PLAIN };

describe('pixelGridOf', () => {
  it('reads px_* names alone, and a shape without column names changes nothing', () => {
    const names = ['px_r0_c0', 'px_r0_c1', 'px_r1_c0', 'px_r1_c1', 'label'];
    expect(pixelGridOf(names)?.shape).toEqual({ height: 2, width: 2, channels: 1 });
    expect(pixelGridOf(names, { height: 2, width: 2, channels: 1 })?.present).toEqual(new Set(names.slice(0, 4)));
  });

  it("takes a model's own pixel columns from its shape, the ones present (constant pixels are no inputs) and nothing else", () => {
    expect(pixelGridOf(PLAIN)).toBeUndefined();
    const grid = pixelGridOf([...PLAIN.slice(2), 'price'], named);
    expect(grid?.shape).toBe(named);
    expect([...(grid?.present ?? [])]).toEqual(PLAIN.slice(2));
    // Fewer than half the grid is no image to summarise.
    expect(pixelGridOf(PLAIN.slice(0, 7), named)).toBeUndefined();
  });
});

describe('pixelGridName', () => {
  it('is px_* for px_* names, else the first and last of the own columns', () => {
    expect(pixelGridName({ height: 8, width: 8, channels: 1 })).toBe('px_*');
    expect(pixelGridName(named)).toBe('p0..p15');
    expect(pixelGridName({ height: 1, width: 1, channels: 1, columnNames: ['gray'] })).toBe('gray');
  });
});
