/**
 * @module cli/main
 * `edge-automl`: the command line over the typed client. Builds the commands, runs the one asked for,
 * and is the single place errors become output and exit codes (see cli/errors): expected failures are
 * one readable line (JSON on stderr with --json), never a stack trace.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json';
import { registerForecast } from './commands/forecast';
import { registerKeys } from './commands/keys';
import { registerDatasets } from './commands/datasets';
import { registerLifecycle } from './commands/lifecycle';
import { registerModels } from './commands/models';
import { registerPredict } from './commands/predict';
import { registerSchedule } from './commands/schedule';
import { registerStatus } from './commands/status';
import { registerTrain } from './commands/train';
import { registerUpload } from './commands/upload';
import { LOCAL_URL } from './context';
import { errorJson, errorText, EXIT, exitCodeOf, UsageError } from './errors';
import { rerunCommand } from './invocation';

export function buildProgram(): Command {
  const program = new Command('edge-automl')
    .description('Serverless AutoML on Cloudflare Workers: upload a table, train, predict.')
    .option('--url <url>', `the Worker's URL (default: $EDGE_AUTOML_URL, else ${LOCAL_URL}: npm run dev)`)
    .option('--key <key>', 'API key (default: $EDGE_AUTOML_KEY, else the local dev admin key for a local URL)')
    .option('--tenant <tenant>', 'with the admin key: the tenant to act on (X-Tenant)')
    .option('--json', "machine output: the API's JSON on stdout, no progress bars, errors as JSON on stderr")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerUpload(program);
  registerTrain(program);
  registerStatus(program);
  registerPredict(program);
  registerForecast(program);
  registerModels(program);
  registerLifecycle(program);
  registerDatasets(program);
  registerSchedule(program);
  registerKeys(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Commander prints nothing for a usage error of `command` or any subcommand; main writes it as JSON. */
function quietUsageErrors(command: Command): void {
  command.configureOutput({ outputError: () => undefined }).showHelpAfterError(false);
  for (const sub of command.commands) quietUsageErrors(sub);
}

let pipeWatched = false;

/**
 * `edge-automl predict … | head`: the reader has gone, so the rest of the answer has nowhere to go. That
 * is the reader's choice, not a failure to print a stack trace for.
 */
function exitQuietlyOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  // Not commander's version option: that would take `predict --version N` (a model version) anywhere on the line.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  const program = buildProgram();
  const jsonAsked = argv.includes('--json');
  // With --json a mistake in the command line is JSON on stderr too: commander's own line is kept back.
  if (jsonAsked) quietUsageErrors(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    // Commander has already printed its own message (usage errors) or the help/version text.
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT.ok;
      if (jsonAsked) process.stderr.write(`${JSON.stringify(errorJson(new UsageError(err.message.replace(/^error: /, ''))))}\n`);
      return EXIT.failed;
    }
    const json = Boolean(program.opts().json) || jsonAsked;
    // Hints name the command as this run was started, with the --url and --tenant the next one needs.
    const cli = rerunCommand(program.opts());
    process.stderr.write(json ? `${JSON.stringify(errorJson(err, cli))}\n` : `${errorText(err, cli)}\n`);
    return exitCodeOf(err);
  }
}

// Run when started as a script (`tsx src/cli/main.ts`, the npm `cli` script); bin/edge-automl.mjs imports it.
// The exit code is set, not forced with process.exit, so Node finishes writing a piped stdout first.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
