/**
 * Team state on a real PostgreSQL server (test/support/postgres.ts): the environments YAML with
 * `backend: { pg: {} }`, each CI runner its own checkout (workspace) and engine process, the connection
 * string only in PG_CONN_STR. Concurrent runners, the state lock, a killed run (beside the same on `local`),
 * state encryption and the review, as the README's "Team use" section describes them.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { RunningEmulator, startEmulator } from '../../emulator';
import { addEnvironmentStacks, QubitroProjectConnection, validateEnvironmentsConfig } from '../../src';
import {
  callApi,
  CLIENT_ID,
  CLIENT_SECRET,
  connectionCalls,
  EngineBinary,
  engineBinaries,
  killWhen,
  reviewCli,
  RunResult,
  Workspace,
  writes,
} from '../support/engine';
import { RunningPostgres, startPostgres } from '../support/postgres';
import { FARM_PROJECT, FLEET_PROJECT } from '../src/environments/fixture';

const PASSPHRASE = 'team-state-passphrase-5e1d9c';
/** What the README has CI runners export so that one waits for another's lock. */
const WAIT_FOR_LOCK = { TF_CLI_ARGS_apply: '-lock-timeout=120s', TF_CLI_ARGS_plan: '-lock-timeout=120s' };

let pg: RunningPostgres;
const workspaces: Workspace[] = [];
const emulators: RunningEmulator[] = [];

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const ws of workspaces) ws.dispose();
  for (const emulator of emulators) await emulator.close();
  pg?.stop();
});

const connections = (prefix: string, n: number): QubitroProjectConnection[] =>
  Array.from({ length: n }, (_, i) => ({ id: `Conn${i + 1}`, name: `${prefix} route ${i + 1}` }));

interface TeamConfig {
  /** The environment key: it names the stacks `<env>-<project>` and so their schemas. */
  readonly env: string;
  readonly farm: QubitroProjectConnection[];
  readonly fleet?: QubitroProjectConnection[];
  readonly backend?: Record<string, unknown>;
  readonly encrypted?: boolean;
  readonly adoptExisting?: boolean;
}

/** One CI runner: its own checkout of the app, deploying one stack of the environments YAML. */
class Runner extends Workspace {
  constructor(
    private readonly endpoint: RunningEmulator,
    stack: string,
    binary: EngineBinary = 'tofu',
  ) {
    super(endpoint, stack, binary);
    for (const k of Object.keys(this.vars)) delete this.vars[k];
    this.vars.ci_thingpark_client_secret = CLIENT_SECRET;
    workspaces.push(this);
  }

  /** More of the runner's environment, e.g. the README's `TF_CLI_ARGS_apply=-lock-timeout=…`. */
  public readonly extraEnv: Record<string, string> = {};

  /** What the runner's environment holds: the connection string, never the app or its YAML. */
  protected env(): NodeJS.ProcessEnv {
    return { ...super.env(), PG_CONN_STR: pg.connStr, ...this.extraEnv };
  }

  /** The environment a runner's other tools (qubitro-review) get. */
  public get runnerEnv(): NodeJS.ProcessEnv {
    return this.env();
  }

  /** `cdktf synth` of the app: every stack of the YAML, as each runner does. */
  public synthTeam(c: TeamConfig): void {
    const options = (list: QubitroProjectConnection[]) =>
      list.map((x) => ({ ...x, promoteTo: [c.env], ...(c.adoptExisting ? { adoptExisting: true } : {}) }));
    const config = {
      environments: {
        [c.env]: {
          baseUrl: this.endpoint.baseUrl,
          clientId: CLIENT_ID,
          clientSecretVariable: 'ci_thingpark_client_secret',
          backend: c.backend ?? { pg: {} },
          ...(c.encrypted ? { encryptionPassphraseVariable: 'ci_state_passphrase' } : {}),
        },
      },
      projects: [
        { key: 'farm', projectId: FARM_PROJECT, connections: options(c.farm) },
        ...(c.fleet ? [{ key: 'fleet', projectId: FLEET_PROJECT, connections: options(c.fleet) }] : []),
      ],
    };
    for (const project of ['farm', 'fleet'])
      this.vars[`${c.env}_${project}_signing_key`] = `key-${project}-4c1e`;
    const app = new App({ outdir: path.join(this.dir, 'out') });
    addEnvironmentStacks(app, validateEnvironmentsConfig(config, { baseDir: this.dir }));
    app.synth();
  }
}

/** The stored state of the stack whose schema is `schema` (the pg backend's `states` table, workspace default). */
async function pgState(schema: string): Promise<{ rows: number; text: string }> {
  const table = `"${schema}".states`;
  const [exists] = await pg.query(`SELECT to_regclass('${table}') IS NOT NULL`);
  if (exists !== 't') return { rows: 0, text: '' };
  const [rows] = await pg.query(`SELECT count(*) FROM ${table}`);
  const text = (await pg.query(`SELECT data FROM ${table} WHERE name = 'default'`)).join('\n');
  return { rows: Number(rows), text };
}

/** The IoT Flow ids a state holds, from its iotflow_connection instances. */
function stateIds(text: string): string[] {
  const state = JSON.parse(text) as {
    resources: { type: string; instances: { attributes: { id: string } }[] }[];
  };
  return state.resources
    .filter((r) => r.type === 'iotflow_connection')
    .flatMap((r) => r.instances.map((i) => i.attributes.id));
}

async function tenant(emulator: RunningEmulator): Promise<{ id: string; name: string }[]> {
  return (await callApi(emulator, 'GET', '/connections')).body as unknown as { id: string; name: string }[];
}

const posts = (emulator: RunningEmulator, since = 0) =>
  connectionCalls(emulator, since).filter((r) => r.method === 'POST' && r.status === 201);

async function startedEmulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator({ settleMs: 0, ...options });
  emulators.push(emulator);
  return emulator;
}

/** Resolves once `emulator` has logged `n` writes with `method` since `since`. */
function writesSeen(emulator: RunningEmulator, method: string, n: number, since: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (connectionCalls(emulator, since).filter((r) => r.method === method).length >= n) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

const apply = (ws: Workspace, ...args: string[]) =>
  ws.tofu('apply', '-auto-approve', '-input=false', ...args);

test('without the PostgreSQL server binaries on PATH the suite fails, saying what to install', async () => {
  await expect(startPostgres({ ...process.env, PATH: '/usr/bin:/bin' })).rejects.toThrow(
    /initdb, pg_ctl, postgres are not on PATH: install the server binaries/,
  );
});

describe.each(engineBinaries())('concurrent CI runners on %s', (binary) => {
  const env = binary === 'tofu' ? 'ci' : 'citf';
  let emulator: RunningEmulator;

  beforeAll(async () => {
    // Latency keeps each apply running long enough for the two runners to overlap.
    emulator = await startedEmulator({ latencyMs: 150 });
  });

  /**
   * Runners (checkouts of the app) of `stacks`, synthesized from `team` and initialized one after the
   * other: two first `init`s against a new database at once can collide in the backend's own
   * `CREATE … IF NOT EXISTS` (`duplicate key value violates unique constraint`, README "Locking"), which
   * is not what these tests are about.
   */
  async function runners(team: TeamConfig, ...stacks: string[]): Promise<Runner[]> {
    const list = stacks.map((stack) => new Runner(emulator, stack, binary));
    for (const runner of list) runner.synthTeam(team);
    for (const runner of list) await runner.init();
    return list;
  }

  /**
   * Starts an apply of `first`, and once its first `method` write is seen (it holds the lock), `other`. With
   * `pause`, `first` is stopped (SIGSTOP: it keeps the lock) until `other` has ended, so that the two overlap
   * however long a busy machine takes to start `other`; without, `other` must wait for the lock on its own.
   */
  async function whileApplying(
    first: Runner,
    method: string,
    other: () => Promise<RunResult>,
    pause = false,
  ) {
    const mark = emulator.requests().length;
    let group = 0;
    const onStart = (child: ChildProcess) => (group = child.pid!);
    const holding = first.tofuWith({ onStart }, 'apply', '-auto-approve', '-input=false', '-parallelism=2');
    await writesSeen(emulator, method, 1, mark);
    if (pause) process.kill(-group, 'SIGSTOP');
    let second: RunResult;
    try {
      second = await other();
    } finally {
      if (pause) process.kill(-group, 'SIGCONT');
    }
    return { mark, first: await holding, second };
  }

  test('two stacks of one environment deployed at once both land, each state in its own schema, no duplicate', async () => {
    const team: TeamConfig = { env, farm: connections('Farm', 4), fleet: connections('Fleet', 4) };
    const [farm, fleet] = await runners(team, `${env}-farm`, `${env}-fleet`);
    // Terraform 1.11's pg backend takes one workspace-creation lock for every schema of the database
    // (OpenTofu's is per schema): the first applies of two new stacks at once would refuse each other.
    if (binary === 'terraform') for (const r of [farm, fleet]) Object.assign(r.extraEnv, WAIT_FOR_LOCK);

    const results = await Promise.all([apply(farm), apply(fleet)]);

    expect(results.map((r) => (r.code === 0 ? 0 : r.output))).toEqual([0, 0]);
    const [farmState, fleetState] = [await pgState(`${env}_farm`), await pgState(`${env}_fleet`)];
    expect([farmState.rows, fleetState.rows]).toEqual([1, 1]);
    const managed = [...stateIds(farmState.text), ...stateIds(fleetState.text)];
    const all = await tenant(emulator);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(all.map((c) => c.id).sort()).toEqual(managed.sort());
    expect(all).toHaveLength(8);
    expect((await farm.plan()).code).toBe(0);
    expect((await fleet.plan()).code).toBe(0);
  });

  test('two runners on the same stack at once: one holds the lock, the other fails with the lock error, the state stays whole', async () => {
    const team: TeamConfig = { env, farm: connections('Farm', 8), fleet: connections('Fleet', 4) };
    const [one, two] = await runners(team, `${env}-farm`, `${env}-farm`);

    const { mark, first, second } = await whileApplying(one, 'POST', () => apply(two), true);

    expect(first.code).toBe(0);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/Error acquiring the state lock/);
    // `Workspace is already locked`, or `Already locked for workspace creation` while the first apply of
    // a new stack is still creating its workspace.
    expect(second.output).toMatch(/already locked/i);
    expect(posts(emulator, mark)).toHaveLength(4);
    const state = await pgState(`${env}_farm`);
    expect(state.rows).toBe(1);
    expect(stateIds(state.text)).toHaveLength(8);
    expect((await two.plan()).code).toBe(0);
  });

  test('with -lock-timeout the second runner waits for the lock, then finds nothing left to do', async () => {
    const team: TeamConfig = {
      env,
      farm: connections('Farm', 8).map((c) => ({ ...c, description: 'moved to the new gateway' })),
      fleet: connections('Fleet', 4),
    };
    const [one, two] = await runners(team, `${env}-farm`, `${env}-farm`);
    Object.assign(two.extraEnv, WAIT_FOR_LOCK);

    const { mark, first, second } = await whileApplying(one, 'PUT', () => apply(two));

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.output).toMatch(/No changes|0 added, 0 changed, 0 destroyed/);
    expect(writes(emulator, mark).map((w) => w.method)).toEqual(Array(8).fill('PUT'));
  });
});

/** Applies `ws` and SIGKILLs the engine once the emulator has answered `after` POSTs since `since`. */
async function killMidApply(ws: Workspace, emulator: RunningEmulator, after: number): Promise<RunResult> {
  const since = emulator.requests().length;
  return ws.tofuWith(
    { onStart: killWhen(() => posts(emulator, since).length >= after) },
    'apply',
    '-auto-approve',
    '-input=false',
    // Few calls in flight, so that the kill lands part-way through.
    '-parallelism=3',
  );
}

describe('a deploy killed with SIGKILL mid-apply (OpenTofu)', () => {
  test.each(['pg', 'local'] as const)(
    'on %s: what the state holds after each kill, the re-plan naming what was made, and adoption',
    async (kind) => {
      const emulator = await startedEmulator({ latencyMs: 50 });
      const stack = `kill-${kind}`;
      const ws = new Runner(emulator, stack);
      ws.vars.ci_signing_key = 'kill-probe-signing-key-2b7d';
      const localFile = path.join(ws.dir, 'terraform.tfstate');
      const stored = async () =>
        kind === 'pg'
          ? (await pgState(`kill_${kind}`)).text
          : fs.existsSync(localFile)
            ? fs.readFileSync(localFile, 'utf8')
            : '';
      const synth = (n: number, adoptExisting = false) =>
        ws.synth({
          projectId: FARM_PROJECT,
          clientSecretVariable: 'ci_thingpark_client_secret',
          signingKeyVariable: 'ci_signing_key',
          connections: connections('Farm', n).map((c) => ({ ...c, adoptExisting })),
          ...(kind === 'pg' ? { backend: { pg: {} } } : {}),
        });
      const managed = async () => {
        const text = await stored();
        return text.trim() ? stateIds(text) : [];
      };

      /** Kills an apply of `total` after `after` POSTs; the re-plan must name each connection it made. */
      const killAndRecover = async (total: number, after: number) => {
        const before = await stored();
        synth(total);
        const killed = await killMidApply(ws, emulator, after);
        // Calls already sent when the engine died are still answered: let the emulator finish them.
        await new Promise((r) => setTimeout(r, 1_000));
        const left = await stored();
        const recorded = kind === 'pg' ? (await pgState('kill_pg')).rows > 0 : fs.existsSync(localFile);
        const kept = await managed();
        const created = await tenant(emulator);
        process.stdout.write(
          `SIGKILL on ${kind} during an apply of ${total}: state ${before.length} -> ${left.length} bytes ` +
            `(${kept.length} connections), ${created.length} on the tenant\n`,
        );
        expect(killed.code).not.toBe(0);
        expect(created.length).toBeLessThan(total);

        const plan = await ws.plan();
        expect(plan.code).toBe(1);
        expect(plan.output).toMatch(/adoptExisting/);
        for (const orphan of created.filter((c) => !kept.includes(c.id)))
          expect(plan.output).toContain(`"${orphan.name}"`);

        synth(total, true);
        const mark = emulator.requests().length;
        ws.expectOk(await apply(ws));
        expect(posts(emulator, mark)).toHaveLength(total - created.length);
        const all = await tenant(emulator);
        expect(all).toHaveLength(total);
        expect(new Set(all.map((c) => c.name)).size).toBe(total);
        expect((await managed()).sort()).toEqual(all.map((c) => c.id).sort());
        expect((await ws.plan()).code).toBe(0);
        return { before, left, recorded };
      };

      // Both runs die before the engine's first snapshot (it persists every 20 s and at the end), so each
      // backend keeps the last state written. A new stack (the issue's case, 50 connections) has none:
      // pg has no row yet, local the 0-byte file it created to lock.
      const first = await killAndRecover(50, 10);
      expect(first.left).toBe('');
      expect(first.recorded).toBe(kind === 'local');
      // A stack that already holds 50 keeps them, byte for byte.
      const second = await killAndRecover(60, 4);
      expect(second.left).toBe(second.before);
      expect(stateIds(second.left)).toHaveLength(50);
    },
    240_000,
  );
});

describe('encryption, drift and review with state in pg (OpenTofu)', () => {
  let emulator: RunningEmulator;
  let ws: Runner;
  const team = (description: string): TeamConfig => ({
    env: 'enc',
    farm: [{ id: 'Uplinks', name: 'Encrypted farm uplinks', description }],
    encrypted: true,
  });

  beforeAll(async () => {
    emulator = await startedEmulator();
    ws = new Runner(emulator, 'enc-farm');
    ws.vars.ci_state_passphrase = PASSPHRASE;
    ws.synthTeam(team('a'));
    ws.expectOk(await apply(ws));
  });

  test('the table holds the state encrypted: no name, id, project or key in clear', async () => {
    const { text } = await pgState('enc_farm');
    const id = (await tenant(emulator))[0].id;
    expect(text).toContain('"encrypted_data"');
    for (const clear of ['Encrypted farm uplinks', `"${id}"`, FARM_PROJECT, ws.vars.enc_farm_signing_key])
      expect(text).not.toContain(clear);
  });

  test('without the passphrase the state in pg cannot be read, and the error names the variable', async () => {
    delete ws.vars.ci_state_passphrase;
    const r = await ws.plan();
    ws.vars.ci_state_passphrase = PASSPHRASE;
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/ci_state_passphrase/);
  });

  test('a connection edited in the UI is drift the next plan against the state in pg restores', async () => {
    const [{ id }] = await tenant(emulator);
    const current = (await callApi(emulator, 'GET', `/connections/${id}`)).body!;
    current.configuration.destinationURL = 'https://example.invalid/hook';
    await callApi(emulator, 'PUT', `/connections/${id}`, current);
    const plan = await ws.plan();
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(
      /~ destinationURL\s+= "https:\/\/example\.invalid\/hook" -> "https:\/\/webhook/,
    );
    const mark = emulator.requests().length;
    ws.expectOk(await apply(ws));
    expect(writes(emulator, mark).map((w) => w.call)).toEqual([`PUT /connections/${id}`]);
    expect((await ws.plan()).code).toBe(0);
  });

  test('qubitro-review reads a plan made against the state in pg as against a local one', async () => {
    ws.synthTeam(team('b'));
    ws.expectOk(await ws.tofu('plan', '-input=false', '-out=plan'));
    const r = await reviewCli(
      ['--out', path.join(ws.dir, 'out'), '--plan-file', path.join(ws.stackDir, 'plan')],
      ws.dir,
      ws.runnerEnv,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\*\*update\*\*/);
    expect(r.stdout).toContain('Encrypted farm uplinks');
    expect(r.stdout).toMatch(/`description`: `"a"` → `"b"`/);
  });
});
