/**
 * Whether `npm install` applied the local-queue patch to Miniflare (patches/README.md). Without it one lost
 * log line stops the embedded queue until `wrangler dev` restarts, so the scripts that start the local
 * runtime say so up front (warnIfQueueUnpatched) instead of leaving a job to stall on its trial leases.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The Miniflare file the patch changes, and the words the patch leaves in it. */
export const PATCHED_FILE = resolve(import.meta.dirname, '../../node_modules/miniflare/dist/src/workers/shared/index.worker.js');
const MARK = 'Patched by edge-automl';

/** A warning to print, or null when the patch is in place (or there is no Miniflare to patch). */
export function queuePatchWarning(file = PATCHED_FILE): string | null {
  if (!existsSync(file) || readFileSync(file, 'utf8').includes(MARK)) return null;
  return 'warning: the local queue patch is not applied (patches/README.md); run `npx patch-package`. Without it the local queue can stop delivering for good, and jobs then end on their trial leases.';
}

/** Prints the warning to stderr when the patch is missing; what `npm run dev` and startDevServer call. */
export function warnIfQueueUnpatched(): void {
  const warning = queuePatchWarning();
  if (warning) console.error(warning);
}
