/**
 * @module cli/output
 * Writing a command's answer: with --json exactly the API's JSON (one document on stdout), otherwise
 * the human rendering the command gives.
 */
import type { Context } from './context';

export function emit(ctx: Context, apiJson: unknown, human: () => string): void {
  process.stdout.write(ctx.json ? `${JSON.stringify(apiJson, null, 2)}\n` : `${human()}\n`);
}
