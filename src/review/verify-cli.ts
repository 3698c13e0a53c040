#!/usr/bin/env node
/**
 * qubitro-verify: checks that each Qubitro connection of a synthesized app delivers, and prints a Markdown
 * report (and JSON with --json). Exit 0 when nothing failed, 2 when a connection does not deliver, 1 on error.
 */
import * as fs from 'node:fs';
import { failed, parseCommand, runAsBin, type Write } from './cli-kit';
import { verify } from './verify';
import { renderVerification, verificationJson } from './verify-markdown';

const USAGE = `Usage: qubitro-verify [--out <cdktf.out> | --config <environments.yaml>] [--uplink]
                      [--device <DevEUI> --within <duration>] [--json <file>]

For each Qubitro connection of the synthesized app or of the environments YAML (its id from the stack
folder's local state, else the one connection of that name and project on the endpoint):
  - the IoT Flow connection is OPENED, read with the stack's credentials (TF_VAR_<client secret variable>);
  - with QUBITRO_API_KEY (environment only), the Qubitro project exists and is visible to that key
    (QUBITRO_API_URL moves the API, default https://api.qubitro.com);
  - --uplink (emulators only): a test uplink sent through the IoT Flow emulator reaches the project and
    is accepted by its key;
  - --device <DevEUI> --within <duration> (a real tenant): that device's last_seen in the project is
    recent (duration: 90s, 15m, 2h, 1d; default 15m).

  --out, -o   the synthesized app (default: cdktf.out)
  --config    an environments YAML instead: its stacks are synthesized into a temporary folder
  --json      also write the report as JSON to this file

Exit status: 0 all checks passed, 2 a connection does not deliver, 1 error.
`;

function duration(raw: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(raw);
  if (match === null) throw new Error(`--within must be a number and s, m, h or d (got "${raw}")`);
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's']!;
}

/** The stacks of an environments YAML, synthesized into a temporary folder. */
function synthesizeConfig(file: string): string {
  // Required here only: without --config the command needs no CDK framework.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeEnvironments } = require('../environments') as typeof import('../environments');
  return synthesizeEnvironments(file, 'qubitro-verify-');
}

const CLI = { bin: 'qubitro-verify', usage: USAGE };

/** Runs the command; resolves the exit code (0 passed, 2 a connection does not deliver, 1 error or bad usage). */
export async function main(argv: string[], out: Write, err: Write, env = process.env): Promise<number> {
  const parsed = parseCommand(
    CLI,
    {
      out: { type: 'string', short: 'o' },
      config: { type: 'string' },
      uplink: { type: 'boolean' },
      device: { type: 'string' },
      within: { type: 'string' },
      json: { type: 'string' },
    },
    argv,
    out,
    err,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  try {
    if (values.device !== undefined && !/^[0-9A-Fa-f]{16}$/.test(values.device)) {
      throw new Error(`--device must be a DevEUI of 16 hex digits (got "${values.device}")`);
    }
    if (values.within !== undefined && values.device === undefined)
      throw new Error('--within needs --device');
    if (values.out !== undefined && values.config !== undefined)
      throw new Error('give --out or --config, not both');
    const run = await verify({
      out: values.config === undefined ? (values.out ?? 'cdktf.out') : synthesizeConfig(values.config),
      env,
      uplink: values.uplink,
      device: values.device,
      withinMs: values.within === undefined ? undefined : duration(values.within),
    });
    out(renderVerification(run.verification, run.secrets));
    if (values.json !== undefined) {
      fs.writeFileSync(values.json, verificationJson(run.verification, run.secrets));
    }
    return run.verification.connections.some((c) => c.verdict === 'not delivered') ? 2 : 0;
  } catch (e) {
    return failed(CLI, e, err, env);
  }
}

runAsBin(module, main);
