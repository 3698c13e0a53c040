/**
 * A working folder the engine runs in, shared by the engine-backed tests and the bench: its own temporary
 * folder, the variables a deploy needs (as `TF_VAR_*`), and `init` before the first other command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Engine } from '../engine/engine';
import { run } from './run';

export abstract class EngineWorkspace {
  public readonly dir: string;
  private initialized = false;

  /** `binary`: the engine on PATH to run, `tofu` by default (`terraform` from the machine image also works). */
  protected constructor(
    protected readonly engine: Engine,
    prefix: string,
    public readonly vars: Record<string, string>,
    protected readonly binary: string = engine.binaryName,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  }

  /** The folder of the root module, where the engine runs. */
  protected abstract get moduleDir(): string;

  /** The engine's environment: its PATH and CLI config, no prompts, and each variable as `TF_VAR_<name>`. */
  protected env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.engine.env,
      TF_IN_AUTOMATION: '1',
      TERRAFORM_BINARY_NAME: this.binary,
    };
    for (const [k, v] of Object.entries(this.vars)) env[`TF_VAR_${k}`] = v;
    return env;
  }

  /** Runs `init` in the module folder, once. */
  public async init(): Promise<void> {
    if (this.initialized) return;
    const r = await run(this.binary, ['init', '-input=false', '-no-color'], this.moduleDir, this.env());
    if (r.code !== 0)
      throw new Error(`${this.binary} init failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
    this.initialized = true;
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
