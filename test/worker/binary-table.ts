/**
 * The binary table of the retraining tests: the label follows x1 + x2/2 (or a coin flip when noisy), and
 * c is a noise category; deterministic by seed.
 */
import { Rng } from '../../src/engine';

/** `header: false` gives the rows alone (to append to such a table). */
export function binaryTable(rows: number, seed: number, noisy = false, header = true): string {
  const rng = new Rng(seed);
  const lines = header ? ['x1,x2,c,label'] : [];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const label = noisy ? rng.next() < 0.5 : x1 + 0.5 * x2 > 0;
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${'pqr'[rng.int(3)]},${label ? 'yes' : 'no'}`);
  }
  return lines.join('\n');
}
