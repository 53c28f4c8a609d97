/**
 * @module cli/invocation
 * How the person ran this CLI, so the next command a hint suggests can be pasted as is: `npm run -s cli --`
 * from the npm script, `node bin/edge-automl.mjs` when the checkout's file was run by path, and
 * `edge-automl` when it is on the PATH (`npm link`, or a project that depends on the package). A bare
 * `edge-automl` in a checkout is "command not found".
 */
import { basename, relative } from 'node:path';

export function cliCommand(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (env.npm_lifecycle_event === 'cli') return 'npm run -s cli --';
  if (script && basename(script) === 'edge-automl.mjs') return `node ${relative(cwd, script) || script}`;
  return 'edge-automl';
}
