#!/usr/bin/env node
/**
 * qubitro-drift: for every stack of an app (or of an environments YAML), a refresh-only plan, and one report
 * (Markdown on stdout, JSON with --json): per connection in sync / changed outside code / deleted outside
 * code, and the endpoint's connections in no stack. Exit 0 in sync, 2 drift, 1 error: a scheduled CI job's
 * contract.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { failed, parseCommand, runAsBin, tfVarScrubber, badUsage, type Write } from '../review/cli-kit';
import { planSecrets } from '../review/plan';
import {
  iotflowProviders,
  readSynthesizedStacks,
  synthesizedSecrets,
  tfVarOf,
  type Json,
} from '../review/synthesized';
import { readTenant, type TenantConnection } from '../import/tenant';
import { driftedStack, driftMarkdown, buildDriftReport } from './drift';

const USAGE = `Usage: qubitro-drift (--app <folder with cdktf.json> | --config <environments.yaml>)
                     [--json <file>] [--fail-on-unmanaged]

Runs a refresh-only plan of every stack and prints a Markdown report of what changed outside code; the
client secret comes from TF_VAR_thingpark_client_secret (or the variable the stack names). Run it where
\`eval "$(npx qubitro-engine install)"\` has set up the engine. Exit 0 in sync, 2 drift, 1 error.

  --app         a cdktf app: its app command (cdktf.json) is run to synthesize it into its output folder
  --config      an environments YAML: its stacks are synthesized into a temporary folder
  --json        also write the report as JSON to this file
  --fail-on-unmanaged  exit 2 when the endpoint has connections that no stack manages
`;

interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, shell = false) {
  return new Promise<RunOutput>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, shell, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The synthesized app folder: `--app` synthesized by its own command, or `--config` in a temporary folder. */
async function synthesize(
  values: { app?: string; config?: string },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (values.config) {
    // Loaded here only: the rest of the command needs no CDK framework.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthesizeEnvironments } = require('../environments') as typeof import('../environments');
    return synthesizeEnvironments(values.config, 'qubitro-drift-');
  }
  const folder = path.resolve(values.app!);
  const settings = JSON.parse(fs.readFileSync(path.join(folder, 'cdktf.json'), 'utf8')) as Json;
  const outdir = path.resolve(folder, settings.output ?? 'cdktf.out');
  const synth = await run(settings.app, [], folder, { ...env, CDKTF_OUTDIR: outdir }, true);
  if (synth.code !== 0)
    throw new Error(`the app command failed (exit ${synth.code}): ${synth.stderr.trim().slice(-600)}`);
  return outdir;
}

/** The refresh-only plan of one stack folder, as `show -json` prints it (the plan file is removed after). */
async function refreshPlan(dir: string, env: NodeJS.ProcessEnv): Promise<Json> {
  const engine = env.TERRAFORM_BINARY_NAME || 'tofu';
  const step = async (...args: string[]) => {
    const r = await run(engine, [...args, '-no-color'], dir, { ...env, TF_IN_AUTOMATION: '1' });
    if (r.code !== 0)
      throw new Error(`${engine} ${args[0]} in ${dir} failed: ${r.stderr.trim().slice(-800)}`);
    return r.stdout;
  };
  await step('init', '-input=false');
  const planFile = 'drift.tfplan';
  try {
    await step('plan', '-refresh-only', '-input=false', `-out=${planFile}`);
    return JSON.parse(await step('show', '-json', planFile));
  } finally {
    fs.rmSync(path.join(dir, planFile), { force: true });
  }
}

/** Each iotflow provider's endpoint and client, and the secret its variable holds, to list the endpoint. */
function endpointsOf(tf: Json, env: NodeJS.ProcessEnv) {
  return iotflowProviders(tf).flatMap((p) => {
    const clientSecret = env[tfVarOf(p.client_secret) ?? 'TF_VAR_thingpark_client_secret'];
    return p.client_id && clientSecret
      ? [
          {
            baseUrl: p.base_url as string,
            clientId: p.client_id as string,
            tokenUrl: p.token_url,
            clientSecret,
          },
        ]
      : [];
  });
}

const CLI = { bin: 'qubitro-drift', usage: USAGE };

/** Runs the command; returns the exit code (0 in sync, 2 drift, 1 error; bad usage 1 too). */
export async function main(argv: string[], out: Write, err: Write, env = process.env): Promise<number> {
  const parsed = parseCommand(
    CLI,
    {
      app: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'string' },
      'fail-on-unmanaged': { type: 'boolean' },
    },
    argv,
    out,
    err,
  );
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  if (!values.app === !values.config) return badUsage(CLI, 'give --app or --config (one of them)', err);
  const hide = tfVarScrubber(env);
  try {
    const outdir = await synthesize(values, env);
    const stacks = readSynthesizedStacks(outdir);
    const planned = [];
    for (const stack of stacks) {
      const plan = await refreshPlan(path.join(outdir, 'stacks', stack.name), env);
      planned.push({ stack, plan, reviewed: driftedStack(stack, plan) });
    }
    const tenants = new Map<string, TenantConnection[]>();
    for (const endpoint of stacks.flatMap((s) => endpointsOf(s.tf, env))) {
      if (!tenants.has(endpoint.baseUrl)) tenants.set(endpoint.baseUrl, await readTenant(endpoint));
    }
    const report = buildDriftReport(planned, tenants);
    const secrets = [
      ...stacks.flatMap((s) => synthesizedSecrets(s.tf)),
      ...planned.flatMap((p) => planSecrets(p.plan)),
    ];
    out(
      hide(
        driftMarkdown(
          report,
          planned.map((p) => p.reviewed),
          secrets,
        ),
      ),
    );
    if (values.json) fs.writeFileSync(values.json, `${hide(JSON.stringify(report, null, 2))}\n`);
    const unmanagedFails = values['fail-on-unmanaged'] === true && report.unmanaged.length > 0;
    return report.inSync && !unmanagedFails ? 0 : 2;
  } catch (e) {
    return failed(CLI, e, err, env);
  }
}

runAsBin(module, main);
