/**
 * @module cli/invocation
 * How the person ran this CLI, so the next command a hint suggests can be pasted as is: `npm run -s cli --`
 * from the npm script, `node bin/edge-automl.mjs` when the checkout's file was run by path, and
 * `edge-automl` when it is on the PATH (`npm link`, or a project that depends on the package). A bare
 * `edge-automl` in a checkout is "command not found". The global options the run was given (--url,
 * --tenant, --key, --json) follow it: without them the next command would talk to another server or
 * tenant. A key is a secret and is never printed.
 */
import { basename, relative } from 'node:path';

export function cliCommand(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (env.npm_lifecycle_event === 'cli') return 'npm run -s cli --';
  if (script && basename(script) === 'edge-automl.mjs') return `node ${relative(cwd, script) || script}`;
  return 'edge-automl';
}

/** The global options as given on the command line (commander's parse); none read from the environment. */
export interface GivenGlobals {
  url?: string;
  key?: string;
  tenant?: string;
  json?: boolean;
}

/** The variable a key belongs in: what a hint names instead of the key itself. */
const KEY_VARIABLE = '"$EDGE_AUTOML_KEY"';

/**
 * The command to run this CLI again as this run was started: cliCommand() and the global options given on
 * the command line. Options the environment gave are left to it (the next command in the same shell reads
 * them too). A key given with --key is named by the variable it should be passed in, `--key
 * "$EDGE_AUTOML_KEY"` (the very key when the variable holds it, as `--key "$EDGE_AUTOML_KEY"` typed by the
 * user does), or by the placeholder KEY when the variable holds another key, which would act for someone else.
 * @example
 * rerunCommand({ url: 'http://127.0.0.1:8799', tenant: 's18' }) // 'node bin/edge-automl.mjs --url http://127.0.0.1:8799 --tenant s18'
 */
export function rerunCommand(given: GivenGlobals, env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1], cwd = process.cwd()): string {
  const words = [cliCommand(env, script, cwd)];
  if (given.url !== undefined) words.push('--url', shellWord(given.url.trim()));
  if (given.key !== undefined) words.push('--key', env.EDGE_AUTOML_KEY === undefined || env.EDGE_AUTOML_KEY === given.key ? KEY_VARIABLE : 'KEY');
  if (given.tenant !== undefined) words.push('--tenant', shellWord(given.tenant));
  if (given.json) words.push('--json');
  return words.join(' ');
}

/** A word as a shell reads it: quoted only when it holds something the shell would split or expand. */
export const shellWord = (word: string) => (/^[A-Za-z0-9_.,=:@%+\/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
