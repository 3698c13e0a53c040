/** Runs the real engine (OpenTofu and the mirrored providers) on stacks synthesized in-process. */
import { ChildProcess, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { App, LocalBackend } from 'cdktf';
import { Engine, findEngine } from '../../engine/engine';
import { QubitroProjectStack, QubitroProjectStackProps } from '../../src';
import {
  DEFAULT_CLIENT_ID as CLIENT_ID,
  DEFAULT_CLIENT_SECRET as CLIENT_SECRET,
  type RunningEmulator,
} from '../../emulator';
import { run, type RunResult } from '../../tooling/run';
import { EngineWorkspace } from '../../tooling/workspace';

export { CLIENT_ID, CLIENT_SECRET, run, type RunResult };

/** The engine, or a failure that says how to get it: engine-backed tests never skip. */
export function requireEngine(): Engine {
  const engine = findEngine();
  if (!engine)
    throw new Error('The engine is not installed: run `npm run engine:install` (npm test does it first).');
  return engine;
}

export type EngineBinary = 'tofu' | 'terraform';

/**
 * The engines the lifecycle suite runs on: the built OpenTofu, and the `terraform` this machine image ships
 * (1.11+). Under CI=true Terraform is required, so that its absence fails rather than narrows the suite.
 */
export function engineBinaries(): EngineBinary[] {
  const hasTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;
  return hasTerraform || process.env.CI === 'true' ? ['tofu', 'terraform'] : ['tofu'];
}

/** A working folder with one project stack, its state, and the variables a deploy needs. */
export class Workspace extends EngineWorkspace {
  /** `binary`: `tofu` (the built OpenTofu), or `terraform` from PATH, served from the same mirror. */
  constructor(
    private readonly emulator: RunningEmulator,
    private readonly stackId = 'project',
    binary: EngineBinary = 'tofu',
  ) {
    super(
      requireEngine(),
      'qubitro-lifecycle',
      {
        thingpark_client_secret: CLIENT_SECRET,
        qubitro_webhook_signing_key: 'probe-signing-key-0f9e8d7c6b5a',
      },
      binary,
    );
  }

  public get stackDir(): string {
    return path.join(this.dir, 'out', 'stacks', this.stackId);
  }

  protected get moduleDir(): string {
    return this.stackDir;
  }

  /**
   * Synthesizes the stack with these props (endpoint and client id filled in) into the workspace; its state
   * in the workspace's terraform.tfstate unless `props.backend` says otherwise.
   */
  public synth(props: Omit<QubitroProjectStackProps, 'baseUrl' | 'clientId'>): void {
    const app = new App({ outdir: path.join(this.dir, 'out') });
    const stack = new QubitroProjectStack(app, this.stackId, {
      baseUrl: this.emulator.baseUrl,
      clientId: CLIENT_ID,
      ...props,
    });
    if (!props.backend) new LocalBackend(stack, { path: path.join(this.dir, 'terraform.tfstate') });
    app.synth();
  }

  /**
   * Runs the engine in the stack folder. Asynchronous on purpose: the emulator usually runs in this very
   * process, and a blocking spawn would stop it from answering.
   */
  public async tofu(...args: string[]): Promise<RunResult> {
    return this.tofuWith({}, ...args);
  }

  /** `tofu` with a hook on the started process, e.g. to kill it half-way. */
  public async tofuWith(
    hooks: { onStart?: (child: ChildProcess) => void },
    ...args: string[]
  ): Promise<RunResult> {
    if (args[0] !== 'init') await this.init();
    return run(this.binary, [...args, '-no-color'], this.stackDir, this.env(), 300_000, hooks.onStart);
  }

  public async apply(...args: string[]): Promise<RunResult> {
    return this.expectOk(await this.tofu('apply', '-auto-approve', '-input=false', ...args));
  }

  /** `tofu plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  public plan(...args: string[]): Promise<RunResult> {
    return this.tofu('plan', '-input=false', '-detailed-exitcode', ...args);
  }

  public async outputs(): Promise<Record<string, unknown>> {
    const r = this.expectOk(await this.tofu('output', '-json'));
    return Object.fromEntries(
      Object.entries(JSON.parse(r.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [
        k,
        v.value,
      ]),
    );
  }

  /** The stack's `ConnectionIds` output: construct id → IoT Flow connection id. */
  public async connectionIds(): Promise<Record<string, string>> {
    return ((await this.outputs()).ConnectionIds ?? {}) as Record<string, string>;
  }

  public expectOk(r: RunResult): RunResult {
    if (r.code !== 0) throw new Error(`engine failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
    return r;
  }
}

/** A `tofuWith` hook that SIGKILLs the engine's process group once `condition` holds (checked every 10 ms). */
export function killWhen(condition: () => boolean): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      if (condition()) {
        clearInterval(timer);
        process.kill(-child.pid!, 'SIGKILL');
      }
    }, 10);
    child.on('close', () => clearInterval(timer));
  };
}

/** The API calls (not token calls) made since `since`, as `METHOD /connections[/id]`. */
export function connectionCalls(emulator: RunningEmulator, since = 0) {
  return emulator
    .requests()
    .slice(since)
    .filter((r) => r.path.includes('/connections'))
    .map((r) => ({ ...r, call: `${r.method} ${r.path.replace(/^.*(\/connections)/, '$1')}` }));
}

export function writes(emulator: RunningEmulator, since = 0) {
  return connectionCalls(emulator, since).filter((r) => ['POST', 'PUT', 'DELETE'].includes(r.method));
}

/** Calls the emulated API as a user of the ThingPark UI would, outside the engine. */
export async function callApi(emulator: RunningEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emulator.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await emulator.accessToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: res.status === 204 ? undefined : ((await res.json()) as Record<string, any>),
  };
}

const repoRoot = path.resolve(__dirname, '../..');

/** `qubitro-review` from the sources, run as a user would (its own process, its exit code and output). */
export function reviewCli(args: string[], cwd = repoRoot, env: NodeJS.ProcessEnv = process.env) {
  return run(
    path.join(repoRoot, 'node_modules/.bin/tsx'),
    [path.join(repoRoot, 'src/review/cli.ts'), ...args],
    cwd,
    env,
  );
}

/** A connection's state as the API reports it now. */
export async function stateOf(emulator: RunningEmulator, id: string): Promise<string> {
  return (await callApi(emulator, 'GET', `/connections/${id}`)).body!.state as string;
}

/** Posts to the emulator's control plane (`/__emulator/...`). */
export async function control(emulator: RunningEmulator, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${emulator.url}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
}
