/**
 * @module durable/coordinator-host
 * What a SearchCoordinator lends the modules that carry out its steps (trial-launch, trial-leases,
 * final-steps, published-artifact, job-publication): the job's state, the one way to change it (append a
 * journal op, durable first, then applied), its bindings (queue, object storage, Registry) and its
 * storage (for the alarm), and the steps it inherited from a predecessor that stopped. They stay plain
 * functions of it, as the Registry's modules are of its SQL tables, so the class stays a thin RPC facade
 * over the journal.
 */
import type { JobState, JournalOp } from './job-journal';
import type { InheritedSteps } from './restart-recovery';

export interface CoordinatorHost {
  /** The job's state as the journal replays it; changed only through append. */
  readonly state: JobState;
  readonly env: Env;
  readonly storage: DurableObjectStorage;
  /** Appends an op durably and applies it; synchronous, so ops written without an await commit together. */
  append(op: JournalOp): void;
  /** The steps running when this object was constructed, not heard of since (restart-recovery). */
  readonly inherited: InheritedSteps;
}
