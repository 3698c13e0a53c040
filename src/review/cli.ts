#!/usr/bin/env node
/**
 * qubitro-review: prints a Markdown review of the Qubitro connections of a synthesized cdktf app, for a pull
 * request comment; with plans (`tofu show -json`), each connection's action and changed fields. Secrets
 * show only as where they come from and as set / rotated / unchanged / removed.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { checkPlanJson, type PlanInput } from './plan';
import { reviewMarkdown } from './review';
import { readSynthesizedStacks } from './synthesized';

export const USAGE = `Usage: qubitro-review [--out <cdktf.out>] [--plan [<stack>=]<plan.json> ...] [--title <text>]

Prints Markdown for a pull request comment: per environment and stack, each connection's name, Qubitro
project, destination, options and secrets (never their values).

  --out, -o     the synthesized app (default: cdktf.out)
  --plan, -p    \`tofu show -json <planfile>\` of one stack; repeat it for several. The stack is the one
                named before =, the stacks/<name>/ folder the file is in, or the one whose configuration
                the plan matches. Adds each connection's action (create / update / delete / no-op) and
                the fields that change.
  --title       the heading (default: Qubitro connections)
`;

/** One `--plan` argument: `<stack>=<file>` or `<file>`. */
function readPlan(arg: string): PlanInput {
  const named = /^([^=/\\]+)=(.+)$/.exec(arg);
  const file = named ? named[2] : arg;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error, and a plan holds secrets: say no more than this.
    throw new Error(`${file} is not valid JSON: write it with \`tofu show -json <planfile> > ${file}\``);
  }
  checkPlanJson(file, plan);
  return { file, stack: named?.[1], plan };
}

/** Runs the command; returns the exit code (0 done, 1 failed, 2 bad usage). */
export function main(argv: string[], out: (text: string) => void, err: (text: string) => void): number {
  let values: { out?: string; plan?: string[]; title?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', short: 'o', default: 'cdktf.out' },
        plan: { type: 'string', short: 'p', multiple: true },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }));
  } catch (e) {
    err(`qubitro-review: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  try {
    const stacks = readSynthesizedStacks(values.out!);
    const plans = (values.plan ?? []).map(readPlan);
    out(reviewMarkdown(stacks, plans, { title: values.title }));
    return 0;
  } catch (e) {
    err(`qubitro-review: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}
