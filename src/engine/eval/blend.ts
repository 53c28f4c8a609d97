/**
 * @module engine/eval/blend
 * A weighted average of several models' predictions over the same rows (an ensemble's members' out-of-fold
 * outputs), as the ensemble itself combines them: Σ wᵢ·outputᵢ / Σ wᵢ, value by value.
 */
import { EngineError } from '../core/errors';

export interface WeightedOutput {
  readonly id: string;
  readonly weight: number;
  readonly output: Float32Array;
}

export function blendOutputs(parts: readonly WeightedOutput[]): Float32Array {
  if (parts.length === 0) throw new EngineError('invalid_input', 'blend: no members to blend');
  const length = parts[0].output.length;
  let total = 0;
  for (const p of parts) {
    if (p.output.length !== length) {
      throw new EngineError('invalid_input', `blend: member "${p.id}" has ${p.output.length} values, member "${parts[0].id}" has ${length}`, { member: p.id });
    }
    if (!(p.weight >= 0 && Number.isFinite(p.weight))) throw new EngineError('invalid_input', `blend: member "${p.id}" has weight ${p.weight}`, { member: p.id });
    total += p.weight;
  }
  if (!(total > 0)) throw new EngineError('invalid_input', 'blend: the weights sum to zero');
  const out = new Float32Array(length);
  for (const p of parts) {
    const w = p.weight / total;
    for (let i = 0; i < length; i++) out[i] += w * p.output[i];
  }
  return out;
}
