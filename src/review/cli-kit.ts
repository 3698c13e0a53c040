/**
 * What the review family's commands (qubitro-review, -verify, -import, -drift) share: their options parsed
 * with `--help`, a usage error with the usage, an error with every TF_VAR_ value hidden, and the run as a
 * bin. Every error, bad usage included, exits 1: 2 is the commands' "drift" / "not delivered".
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { scrubber } from './markdown';

export type Write = (text: string) => void;

/** A command's name as its messages start, and its usage. */
export interface CommandUsage {
  readonly bin: string;
  readonly usage: string;
}

/** The exit code of every error of the family, bad usage included. */
export const EXIT_ERROR = 1;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; allowPositionals: false }>
>['values'];

/**
 * argv parsed with node:util parseArgs (`--help`/`-h` added); or the exit code when the command is done:
 * 0 with the usage on stdout for `--help`, 1 with the reason and the usage on stderr for a bad argument.
 */
export function parseCommand<O extends Options>(
  command: CommandUsage,
  options: O,
  argv: string[],
  out: Write,
  err: Write,
): { values: Values<O> } | { exit: number } {
  let values: Values<O>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, ...HELP }, allowPositionals: false }));
  } catch (e) {
    return { exit: badUsage(command, (e as Error).message, err) };
  }
  if ((values as { help?: boolean }).help) {
    out(command.usage);
    return { exit: 0 };
  }
  return { values };
}

/** Writes `<bin>: <why>` and the usage; returns the exit code. */
export function badUsage(command: CommandUsage, why: string, err: Write): number {
  err(`${command.bin}: ${why}\n\n${command.usage}`);
  return EXIT_ERROR;
}

/** Writes `<bin>: <the error's message>` with every TF_VAR_ value of `env` hidden; returns the exit code. */
export function failed(command: CommandUsage, e: unknown, err: Write, env: NodeJS.ProcessEnv): number {
  const message = e instanceof Error ? e.message : String(e);
  err(`${command.bin}: ${tfVarScrubber(env)(message)}\n`);
  return EXIT_ERROR;
}

/** Hides every TF_VAR_ value of `env` (the secrets the stacks read) from a text. */
export function tfVarScrubber(env: NodeJS.ProcessEnv): (text: string) => string {
  return scrubber(Object.entries(env).flatMap(([k, v]) => (k.startsWith('TF_VAR_') && v ? [v] : [])));
}

/** Runs `main` on the process's arguments and streams when `entry` is the module node was started with. */
export function runAsBin(
  entry: NodeJS.Module,
  main: (argv: string[], out: Write, err: Write) => number | Promise<number>,
): void {
  if (require.main !== entry) return;
  void Promise.resolve(
    main(
      process.argv.slice(2),
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    ),
  ).then((code) => (process.exitCode = code));
}
