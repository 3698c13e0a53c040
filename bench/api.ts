/**
 * API traffic against the ideal: create N, re-apply unchanged, change k, delete N (all removed from code),
 * each counted from the emulator's request log, in two ways of deploying:
 * - `apply`: `tofu apply -auto-approve`, which plans and applies in one run;
 * - `plan-out`: `tofu plan -out` then `tofu apply <plan>`, as a reviewed pipeline does.
 * The ideal is one write per changed connection and one token per provider per engine run.
 */
import { performance } from 'node:perf_hooks';
import type { RunningEmulator } from '../emulator';
import { Workspace } from '../test/support/engine';
import { BENCH_PROJECT_ID, benchConnections } from './fixtures';
import { Traffic, traffic } from './traffic';

export type DeployMode = 'apply' | 'plan-out';
export type Scenario = 'create' | 'reapply' | 'change' | 'delete';

export interface ApiResult extends Traffic {
  readonly scenario: Scenario;
  readonly mode: DeployMode;
  readonly connections: number;
  /** The emulator's delay before each answer. */
  readonly latencyMs: number;
  /** Connections this scenario changes. */
  readonly changed: number;
  readonly idealWrites: number;
  /** writes / idealWrites; 1 when both are 0, null when there were writes and none were needed. */
  readonly writeRatio: number | null;
  /** Engine runs (tofu invocations) the deploy took. */
  readonly engineRuns: number;
  /** One token per provider per engine run. */
  readonly idealTokens: number;
  /** GETs per declared connection (the refresh and the read-back data source each read one). */
  readonly readsPerConnection: number;
  readonly seconds: number;
  /** The engine run was killed by the runner's timeout: the counts are those made until then. */
  readonly timedOut?: boolean;
  /** Where the figures come from when not from this section (e.g. `apply`: the apply benchmark's run). */
  readonly source?: string;
}

/** The stack has one provider (one IotFlowApi). */
const PROVIDERS = 1;

/** Deploys what is synthesized in `ws` the way `mode` says; returns the number of engine runs. */
export async function deploy(ws: Workspace, mode: DeployMode, ...args: string[]): Promise<number> {
  if (mode === 'apply') {
    await ws.apply(...args);
    return 1;
  }
  ws.expectOk(await ws.tofu('plan', '-input=false', '-out=bench.tfplan', ...args));
  ws.expectOk(await ws.tofu('apply', '-input=false', 'bench.tfplan'));
  return 2;
}

export function apiResult(
  fields: Omit<ApiResult, keyof Traffic | 'writeRatio' | 'idealTokens' | 'readsPerConnection'>,
  t: Traffic,
): ApiResult {
  const writeRatio = fields.idealWrites ? t.writes / fields.idealWrites : t.writes === 0 ? 1 : null;
  return {
    ...fields,
    ...t,
    writeRatio,
    idealTokens: PROVIDERS * fields.engineRuns,
    readsPerConnection: fields.connections ? t.reads / fields.connections : 0,
  };
}

export async function benchApi(
  emulator: RunningEmulator,
  connections: number,
  changed: number,
  modes: DeployMode[],
  log: (m: string) => void,
): Promise<ApiResult[]> {
  const results: ApiResult[] = [];
  for (const mode of modes) {
    emulator.reset();
    const ws = new Workspace(emulator, `api-${mode}`);
    try {
      ws.synth({ projectId: BENCH_PROJECT_ID, connections: [] });
      ws.expectOk(await ws.tofu('validate')); // init, outside the measurements
      const steps: [Scenario, number, number, number][] = [
        // scenario, declared connections, of which changed, ideal writes
        ['create', connections, 0, connections],
        ['reapply', connections, 0, 0],
        ['change', connections, changed, changed],
        ['delete', 0, 0, connections],
      ];
      for (const [scenario, declared, k, idealWrites] of steps) {
        ws.synth({ projectId: BENCH_PROJECT_ID, connections: benchConnections(declared, k) });
        const mark = emulator.requests().length;
        const started = performance.now();
        const engineRuns = await deploy(ws, mode);
        const seconds = (performance.now() - started) / 1000;
        const r = apiResult(
          { scenario, mode, connections, latencyMs: 0, changed: k, idealWrites, engineRuns, seconds },
          traffic(emulator, mark),
        );
        log(
          `api ${mode} ${scenario} ${connections}: ${r.writes} writes (ideal ${idealWrites}), ` +
            `${r.reads} reads, ${r.tokens} tokens (ideal ${r.idealTokens}), ${seconds.toFixed(1)} s`,
        );
        results.push(r);
      }
    } finally {
      ws.dispose();
    }
  }
  return results;
}
