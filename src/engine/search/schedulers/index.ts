/**
 * @module engine/search/schedulers
 * Multi-fidelity schedulers: which configuration a free worker evaluates next, and at what fidelity.
 */
export {
  ASHA_DEFAULTS,
  type AshaJob,
  type AshaOptions,
  type AshaState,
  ashaNextJob,
  fidelityOfRung,
  resolveAshaOptions,
  type RungJob,
  type RungResult,
  topRung,
} from './asha';
export { bracketCount, bracketOfTrial, bracketOptions, type HyperbandJob, hyperbandNextJob, type HyperbandOptions, type HyperbandState, type Placed } from './hyperband';
