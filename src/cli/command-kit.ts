/**
 * @module cli/command-kit
 * The glue between commander and a command's body: resolve the global options into a Context, hand
 * the command its positional arguments and options, and let errors travel to main's single handler.
 * Also the small option parsers commands share, each naming its option when the value is bad.
 */
import type { Command } from 'commander';
import { type Context, type GlobalOptions, resolveContext } from './context';
import { UsageError } from './errors';

export type CommandBody<O> = (ctx: Context, args: string[], options: O) => Promise<void>;

/**
 * Wraps a body as a commander action: commander passes (...positionals, options, command). A variadic
 * last argument (`<files...>`) arrives as an array: its values are spread at the end of `args`.
 */
export function action<O>(body: CommandBody<O>) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const options = received[received.length - 2] as O;
    const positionals = received.slice(0, -2).flatMap((v) => (Array.isArray(v) ? v.map(String) : [String(v)]));
    await body(resolveContext(command.optsWithGlobals<GlobalOptions>()), positionals, options);
  };
}

/** A positive whole number, for --version and the like. */
export function positiveInt(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`expected a whole number of at least 1, got "${value}"`, option);
    return n;
  };
}

/** A whole number from 0 to `max`, for --seed (the API takes 0 to 2^31 - 1). */
export function wholeNumberUpTo(option: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max || value.trim() === '') throw new UsageError(`expected a whole number from 0 to ${max}, got "${value}"`, option);
    return n;
  };
}

export function nonNegativeNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    // Number('') is 0: an unset shell variable ("--margin $M") must not pass as a margin of 0.
    if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new UsageError(`expected a number of at least 0, got "${value}"`, option);
    return n;
  };
}

/** A number above 0, for --max-value and the like. */
export function positiveNumber(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`expected a number above 0, got "${value}"`, option);
    return n;
  };
}

/**
 * "a,b, c" → ["a", "b", "c"]; a flag given again adds to the list ("--ignore id --ignore leak" ignores
 * both), as --date-order does, rather than keeping the last one alone and training on the first.
 */
export const commaList = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
