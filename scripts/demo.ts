/**
 * The main job: `npm run demo` finds the engine (tofu or terraform on PATH, else OpenTofu built from source),
 * starts the IoT Flow emulator, deploys the per-project example with `cdktf deploy`, prints the connections it
 * created, re-plans to show no changes, then proves delivery: one test uplink per connection, routed from the
 * IoT Flow emulator to the Qubitro emulator, checked by qubitro-verify. It leaves its state in .demo/.
 * `npm run demo -- --destroy` removes them again.
 * `--flavour cdktn` does the same with `cdktn deploy` on Node 22, the example running on CDK Terrain.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineChoice, installEngine } from '../engine/engine';
import { FLAVOURS, FlavourName } from '../tooling/flavour';
import { cliOf, installToolchain } from '../tooling/node';
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  startEmulator,
  startQubitroEmulator,
  RunningEmulator,
  type ProjectSeed,
} from '../emulator';
import { readSynthesizedStacks, verify } from '../src/review';
import type { Json } from '../src/review/synthesized';

const root = path.resolve(__dirname, '..');
// QUBITRO_DEMO_DIR moves the demo's state, e.g. for the secret-hygiene test.
const demoDir = path.resolve(process.env.QUBITRO_DEMO_DIR ?? path.join(root, '.demo'));
const STACKS = ['farm-sensors', 'fleet-trackers'];

// Tight enough that a deploy meets the limit (and rides it out), as a busy tenant would.
const RATE_LIMIT = 4;
const RATE_BURST = 2;
const SETTLE_MS = 1_000;

const step = (message: string) => process.stderr.write(`\n==> ${message}\n`);

/** Demo signing keys, made once and kept so that a re-run changes nothing. */
function secrets(): Record<string, string> {
  const file = path.join(demoDir, 'secrets.json');
  if (!fs.existsSync(file)) {
    const made = {
      thingpark_client_secret: DEFAULT_CLIENT_SECRET,
      farm_signing_key: randomBytes(24).toString('base64'),
      fleet_signing_key: randomBytes(24).toString('base64'),
    };
    fs.writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/**
 * Runs the flavour's CLI (`bin`: cdktf, or cdktn), its output relayed as it comes. Not tooling/run: that
 * starts its own process group, which a Ctrl-C in the user's terminal would not reach.
 */
function frameworkCli(args: string[], env: NodeJS.ProcessEnv, bin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args, '--skip-provider-lock'], {
      cwd: demoDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const relay = (d: Buffer) => {
      out += d.toString();
      process.stderr.write(d);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(bin)} ${args[0]} exited ${code}`)),
    );
  });
}

function exitCode(
  cmd: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Every connection, through the emulator's control plane: no token, no rate limit, no paging, and not in the
 * request log, so the refused calls the demo counts are the deploy's own.
 */
async function listConnections(emulator: RunningEmulator) {
  const res = await fetch(`${emulator.url}/__emulator/connections`);
  if (!res.ok) throw new Error(`GET /__emulator/connections answered ${res.status}`);
  return (await res.json()) as Array<{
    id: string;
    name: string;
    state: string;
    configuration: { headers: { projectId: string } };
  }>;
}

/**
 * The Qubitro projects the deployed stacks send to, each with the signing key its connections carry: what
 * the Qubitro portal would hold for them.
 */
function qubitroProjects(keys: Record<string, string>): ProjectSeed[] {
  return readSynthesizedStacks(path.join(demoDir, 'cdktf.out')).flatMap((stack) =>
    Object.values((stack.tf.resource?.iotflow_connection ?? {}) as Record<string, Json>).map((r) => ({
      id: JSON.parse(r.configuration).headers.projectId as string,
      name: stack.name,
      signingKey: keys[/\$\{var\.(\w+)\}/.exec(r.secrets_wo['headers.webhookSigningKey'])![1]],
    })),
  );
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { destroy: { type: 'boolean', default: false }, flavour: { type: 'string', default: 'cdktf' } },
  });
  const flavour = FLAVOURS[values.flavour as FlavourName];
  if (!flavour) throw new Error(`--flavour must be one of ${Object.keys(FLAVOURS).join(', ')}`);
  // OpenTofu's local backend creates state files with the process umask: 077 makes them 0600, readable by
  // their owner only (they name every connection and its configuration).
  process.umask(0o077);
  fs.mkdirSync(demoDir, { recursive: true });

  step(
    'Engine: tofu or terraform 1.11+ from PATH, else OpenTofu built from source (minutes the first time, cached after)',
  );
  // What the user has ($QUBITRO_ENGINE or auto), as `qubitro-engine install` chooses it.
  const engine = installEngine({
    engine: (process.env.QUBITRO_ENGINE as EngineChoice | undefined) || 'auto',
    log: (m) => process.stderr.write(`    ${m}\n`),
  });
  if (flavour.node) {
    step(
      `Node ${flavour.node} and ${flavour.cli.package} ${flavour.cli.version} (about half a minute the first time)`,
    );
    installToolchain(flavour, (m) => process.stderr.write(`    ${m}\n`));
  }
  const cli = cliOf(flavour);
  const name = flavour.cli.binary;

  step(
    `Starting the IoT Flow emulator as ThingPark behaves: pages of 100, connections settling over ${SETTLE_MS} ms, ` +
      `NGINX rate limiting at ${RATE_LIMIT}/s (503 without Retry-After); state in .demo/emulator-state.json`,
  );
  // Qubitro's receiving side: the IoT Flow emulator sends uplinks for webhook.qubitro.com here.
  const qubitro = await startQubitroEmulator();
  const emulator = await startEmulator({
    routes: { 'webhook.qubitro.com': qubitro.url },
    stateFile: path.join(demoDir, 'emulator-state.json'),
    settleMs: SETTLE_MS,
    rateLimit: RATE_LIMIT,
    rateBurst: RATE_BURST,
  });
  process.stderr.write(`    listening on ${emulator.url}\n`);
  fs.writeFileSync(
    path.join(demoDir, 'cdktf.json'),
    JSON.stringify(
      {
        language: 'typescript',
        app: `${path.join(root, 'node_modules/.bin/tsx')} ${path.join(root, 'examples/per-project/main.ts')}`,
        output: 'cdktf.out',
        sendCrashReports: 'false',
      },
      null,
      2,
    ),
  );
  const env: NodeJS.ProcessEnv = cli.env({
    ...process.env,
    ...engine.env,
    CI: 'true',
    DISABLE_VERSION_CHECK: 'true',
    IOTFLOW_BASE_URL: emulator.baseUrl,
    IOTFLOW_CLIENT_ID: DEFAULT_CLIENT_ID,
    // cdktf colours its output whatever the terminal: plain text when the output is a file or a CI log.
    ...(process.stderr.isTTY ? {} : { NO_COLOR: '1', FORCE_COLOR: '0' }),
    ...Object.fromEntries(Object.entries(secrets()).map(([k, v]) => [`TF_VAR_${k}`, v])),
  });

  try {
    if (values.destroy) {
      step(`${name} destroy ${STACKS.join(' ')}`);
      await frameworkCli(['destroy', ...STACKS, '--auto-approve'], env, cli.bin);
      process.stdout.write(
        `Destroyed. Connections left on the emulator: ${(await listConnections(emulator)).length}\n`,
      );
      return;
    }
    step(
      `${name} deploy ${STACKS.join(' ')} (synthesizes examples/per-project, then applies with ${engine.binaryName})`,
    );
    await frameworkCli(['deploy', ...STACKS, '--auto-approve'], env, cli.bin);

    const connections = await listConnections(emulator);
    process.stdout.write(`\nConnections on ${emulator.baseUrl}:\n\n`);
    process.stdout.write(
      `${table([
        ['NAME', 'QUBITRO PROJECT', 'ID', 'STATE'],
        ...connections.map((c) => [c.name, c.configuration.headers.projectId, c.id, c.state]),
      ])}\n`,
    );

    const limited = emulator.requests().filter((r) => r.rateLimited).length;
    process.stdout.write(
      `\n${limited} call(s) were refused by the rate limit (503, no Retry-After) and retried.\n`,
    );

    step('Re-planning: a second deploy must change nothing');
    const pending: string[] = [];
    for (const stack of STACKS) {
      const code = await exitCode(
        engine.binaryName,
        ['plan', '-input=false', '-detailed-exitcode', '-no-color'],
        {
          cwd: path.join(demoDir, 'cdktf.out', 'stacks', stack),
          env,
        },
      );
      process.stdout.write(
        `${stack}: ${code === 0 ? 'no changes' : code === 2 ? 'CHANGES PENDING' : 'plan failed'}\n`,
      );
      if (code !== 0) pending.push(stack);
    }
    process.stdout.write(
      `\nState is in ${path.relative(process.cwd(), demoDir) || '.'}/; remove the connections with: npm run demo -- --destroy\n`,
    );

    step('Proof of delivery: qubitro-verify --uplink sends one test uplink through each connection');
    for (const project of qubitroProjects(secrets())) qubitro.putProject(project);
    const apiKey = `QB_demo-${randomBytes(12).toString('hex')}`;
    qubitro.putApiKey({ key: apiKey });
    const { verification } = await verify({
      out: path.join(demoDir, 'cdktf.out'),
      env: { ...env, QUBITRO_API_KEY: apiKey, QUBITRO_API_URL: qubitro.apiUrl },
      uplink: true,
    });
    process.stdout.write(
      `\n${table([
        ['NAME', 'QUBITRO PROJECT', 'RECEIVED BY', 'RESULT'],
        ...verification.connections.map((c) => [
          c.name ?? c.id,
          c.projectId ?? '-',
          // Qubitro's own record: the project that accepted the uplink.
          c.verdict === 'delivered' &&
          qubitro.uplinks().some((u) => u.projectId === c.projectId && u.outcome === 'accepted')
            ? `Qubitro project ${c.stack}`
            : '-',
          c.verdict === 'not delivered'
            ? `NOT DELIVERED: ${c.checks.find((k) => k.ok === false)?.detail}`
            : c.verdict,
        ]),
      ])}\n`,
    );
    if (pending.length || verification.connections.some((c) => c.verdict === 'not delivered')) {
      process.exitCode = 1;
    }
  } finally {
    await emulator.close();
    await qubitro.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
