#!/usr/bin/env node
/**
 * qubitro-review: prints a Markdown review of the Qubitro connections of a synthesized cdktf app, for a pull
 * request comment; with plans (`tofu show -json`), each connection's action and changed fields. Secrets
 * show only as where they come from and as set / rotated / unchanged / removed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planShowFailed, unreadableReviewFile } from '../errors';
import { failed, parseCommand, runAsBin, type Write } from './cli-kit';
import { parseJsonFile, readJsonFile } from './json-file';
import { checkPlanJson, type PlanInput } from './plan';
import { reviewMarkdown } from './review';
import { readSynthesizedStacks } from './synthesized';

const USAGE = `Usage: qubitro-review [--out <cdktf.out>] [--plan [<stack>=]<plan.json> ...]
                      [--plan-file [<stack>=]<saved plan> ...] [--title <text>]

Prints Markdown for a pull request comment: per environment and stack, each connection's name, Qubitro
project, destination, options and secrets (never their values).

  --out, -o     the synthesized app (default: cdktf.out)
  --plan, -p    \`tofu show -json <planfile>\` of one stack; repeat it for several. The stack is the one
                named before =, the stacks/<name>/ folder the file is in, or the one whose configuration
                the plan matches. Adds each connection's action (create / update / delete / no-op) and
                the fields that change.
  --plan-file   a saved plan (\`tofu plan -out\`, or the stacks/<name>/plan \`cdktf diff\` leaves): read with
                \`$TERRAFORM_BINARY_NAME show -json\` (tofu by default) in its stack folder, in memory, so no
                plan JSON is written to disk. Repeatable.
  --title       the heading (default: Qubitro connections)
`;

/** `<stack>=<file>` or `<file>`. */
function planArg(arg: string): { file: string; stack?: string } {
  const named = /^([^=/\\]+)=(.+)$/.exec(arg);
  return { file: named ? named[2] : arg, stack: named?.[1] };
}

/** One `--plan` argument: the plan JSON from a file. */
function readPlan(arg: string): PlanInput {
  const { file, stack } = planArg(arg);
  return checkedPlan(file, stack, readJsonFile(file, planFix(file)));
}

/** One `--plan-file` argument: the engine renders the saved plan as JSON into memory, never to disk. */
function showPlan(arg: string): PlanInput {
  const { file, stack } = planArg(arg);
  if (!fs.existsSync(file)) throw unreadableReviewFile(file, 'ENOENT');
  const engine = process.env.TERRAFORM_BINARY_NAME || 'tofu';
  // The stack folder holds the .terraform the plan was made with: the engine needs its providers' schemas.
  const shown = spawnSync(engine, ['show', '-json', '-no-color', path.basename(file)], {
    cwd: path.dirname(path.resolve(file)),
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (shown.error || shown.status !== 0) {
    const why = shown.error ? shown.error.message : shown.stderr.trim().split('\n').slice(-3).join(' ');
    throw planShowFailed(engine, file, why);
  }
  return checkedPlan(file, stack, parseJsonFile(file, shown.stdout, planFix(file)));
}

const planFix = (file: string) => `write it with \`tofu show -json <planfile> > ${file}\``;

function checkedPlan(file: string, stack: string | undefined, plan: unknown): PlanInput {
  checkPlanJson(file, plan);
  return { file, stack, plan };
}

const CLI = { bin: 'qubitro-review', usage: USAGE };

/** Runs the command; returns the exit code (0 done, 1 failed or bad usage). */
export function main(argv: string[], out: Write, err: Write, env = process.env): number {
  const parsed = parseCommand(
    CLI,
    {
      out: { type: 'string', short: 'o', default: 'cdktf.out' },
      plan: { type: 'string', short: 'p', multiple: true },
      'plan-file': { type: 'string', multiple: true },
      title: { type: 'string' },
    },
    argv,
    out,
    err,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  try {
    const stacks = readSynthesizedStacks(values.out);
    const plans = [...(values.plan ?? []).map(readPlan), ...(values['plan-file'] ?? []).map(showPlan)];
    out(reviewMarkdown(stacks, plans, { title: values.title }));
    return 0;
  } catch (e) {
    return failed(CLI, e, err, env);
  }
}

runAsBin(module, main);
