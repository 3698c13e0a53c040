/**
 * Apply speed: one QubitroProjectStack with N new connections, `tofu apply` against the emulator with a
 * fixed latency per call, at several `-parallelism` values, against a sequential `curl` loop that makes the
 * same POSTs (bench/curl-loop.sh). Each apply starts from an empty emulator and an empty state; only the
 * `tofu apply` itself is timed (the workspace is initialized once before).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunningEmulator } from '../emulator';
import { CLIENT_ID, CLIENT_SECRET, run, Workspace } from '../test/support/engine';
import { ApiResult, apiResult } from './api';
import { BENCH_PROJECT_ID, benchConnections } from './fixtures';
import { callWindow, Traffic, traffic } from './traffic';

export interface ApplyResult extends Traffic {
  readonly connections: number;
  readonly latencyMs: number;
  /** The `-parallelism` given, or 10 (OpenTofu's default) when none was. */
  readonly parallelism: number;
  readonly defaultParallelism: boolean;
  /** The whole `tofu apply`. */
  readonly seconds: number;
  /** The run was killed after ENGINE_TIMEOUT_SECONDS: `seconds` is then a lower bound. */
  readonly timedOut: boolean;
  /** From the start of `tofu apply` to its first API call: provider start and the plan. */
  readonly firstCallSeconds: number | null;
  /** From the start to the last API call; what follows is writing state and outputs. */
  readonly lastCallSeconds: number | null;
  readonly curlLoopSeconds: number | null;
  readonly speedupVsCurl: number | null;
}

export interface CurlLoopResult {
  readonly connections: number;
  readonly latencyMs: number;
  /** null when the `curl` binary is absent. */
  readonly seconds: number | null;
  readonly requests: number;
  readonly note?: string;
}

export interface ApplyBench {
  readonly apply: ApplyResult[];
  readonly curlLoop: CurlLoopResult[];
  /** Create and re-apply traffic of the default-parallelism runs, in the shape of the api section. */
  readonly api: ApiResult[];
}

export const DEFAULT_PARALLELISM = 10;
const CURL_LOOP = path.join(__dirname, 'curl-loop.sh');

function removeState(ws: Workspace): void {
  for (const f of ['terraform.tfstate', 'terraform.tfstate.backup'])
    fs.rmSync(path.join(ws.dir, f), { force: true });
}

/** The POST bodies the engine sends, taken from the synthesized stack with the signing key filled in. */
function postBodies(ws: Workspace): string[] {
  const tf = JSON.parse(fs.readFileSync(path.join(ws.stackDir, 'cdk.tf.json'), 'utf8')) as {
    resource: { restful_resource: Record<string, { body: unknown }> };
  };
  const key = ws.vars.qubitro_webhook_signing_key;
  return Object.values(tf.resource.restful_resource).map((r) =>
    JSON.stringify(r.body).replace(/\$\{var\.qubitro_webhook_signing_key\}/g, key),
  );
}

async function curlLoop(
  emulator: RunningEmulator,
  ws: Workspace,
  latencyMs: number,
  log: (m: string) => void,
): Promise<CurlLoopResult> {
  const bodies = postBodies(ws);
  const connections = bodies.length;
  if ((await run('curl', ['--version'], ws.dir, process.env).catch(() => ({ code: -1 }))).code !== 0) {
    log('curl loop: the curl binary is not installed; skipped');
    return { connections, latencyMs, seconds: null, requests: 0, note: 'curl is not installed' };
  }
  const file = path.join(ws.dir, 'bodies.jsonl');
  fs.writeFileSync(file, `${bodies.join('\n')}\n`);
  emulator.reset();
  const env = {
    ...process.env,
    TOKEN_URL: emulator.tokenUrl,
    BASE_URL: emulator.baseUrl,
    CLIENT_ID,
    CLIENT_SECRET,
  };
  const started = performance.now();
  const r = await run('bash', [CURL_LOOP, file], ws.dir, env, 1_800_000);
  const seconds = (performance.now() - started) / 1000;
  const codes = r.stdout.trim().split('\n');
  if (r.code !== 0 || codes.length !== connections || codes.some((c) => c !== '201')) {
    throw new Error(`curl loop failed (exit ${r.code}): ${r.stderr.slice(-2000)} ${codes.slice(0, 5)}`);
  }
  log(`curl loop ${connections} POSTs at ${latencyMs} ms: ${seconds.toFixed(1)} s`);
  return { connections, latencyMs, seconds, requests: emulator.requests().length };
}

/** Workspace's runner kills an engine run after this long; the benchmark records that as a timeout. */
export const ENGINE_TIMEOUT_SECONDS = 300;

/** Provider processes a killed engine run left behind in `dir` (they outlive a SIGKILLed tofu). */
function killOrphans(dir: string): void {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone already, or not ours to read
    }
  }
}

/** `tofu apply`, timed; a run killed by the runner's timeout is a result, not a failure of the benchmark. */
async function timedApply(ws: Workspace, ...args: string[]): Promise<{ seconds: number; timedOut: boolean }> {
  const started = performance.now();
  const r = await ws.tofu('apply', '-auto-approve', '-input=false', ...args);
  const seconds = (performance.now() - started) / 1000;
  const timedOut = r.code === -1 && seconds >= ENGINE_TIMEOUT_SECONDS - 1;
  if (timedOut) killOrphans(ws.stackDir);
  else ws.expectOk(r);
  return { seconds, timedOut };
}

export interface ApplySize {
  readonly connections: number;
  readonly parallelisms: number[];
}

export async function benchApply(
  emulator: RunningEmulator,
  latencyMs: number,
  sizes: ApplySize[],
  log: (m: string) => void,
): Promise<ApplyBench> {
  const out: { apply: ApplyResult[]; curlLoop: CurlLoopResult[]; api: ApiResult[] } = {
    apply: [],
    curlLoop: [],
    api: [],
  };
  for (const { connections, parallelisms } of sizes) {
    const ws = new Workspace(emulator, `apply${connections}`);
    try {
      ws.synth({ projectId: BENCH_PROJECT_ID, connections: benchConnections(connections) });
      ws.expectOk(await ws.tofu('validate')); // init, outside the measurements
      const curl = await curlLoop(emulator, ws, latencyMs, log);
      out.curlLoop.push(curl);
      // The default first, so that the re-apply below runs on its state.
      const order = [DEFAULT_PARALLELISM, ...parallelisms.filter((p) => p !== DEFAULT_PARALLELISM)];
      for (const parallelism of order) {
        const isDefault = parallelism === DEFAULT_PARALLELISM;
        removeState(ws);
        emulator.reset();
        const startedMs = Date.now();
        const { seconds, timedOut } = await timedApply(
          ws,
          ...(isDefault ? [] : [`-parallelism=${parallelism}`]),
        );
        const t = traffic(emulator, 0);
        const result: ApplyResult = {
          connections,
          latencyMs,
          parallelism,
          defaultParallelism: isDefault,
          seconds,
          timedOut,
          ...callWindow(emulator, 0, startedMs),
          curlLoopSeconds: curl.seconds,
          speedupVsCurl: curl.seconds === null ? null : curl.seconds / seconds,
          ...t,
        };
        log(
          `apply ${connections} at ${latencyMs} ms, parallelism ${parallelism}: ${seconds.toFixed(1)} s ` +
            `(first call at ${result.firstCallSeconds?.toFixed(1)} s, last at ${result.lastCallSeconds?.toFixed(1)} s)` +
            (result.speedupVsCurl === null ? '' : `, ×${result.speedupVsCurl.toFixed(2)} vs curl`) +
            (timedOut ? ', TIMED OUT' : ''),
        );
        out.apply.push(result);
        if (!isDefault || timedOut) continue;

        const fields = { mode: 'apply', connections, latencyMs, changed: 0, engineRuns: 1 } as const;
        const source = `apply section, ${latencyMs} ms latency`;
        out.api.push(
          apiResult(
            { ...fields, scenario: 'create', idealWrites: connections, seconds, timedOut, source },
            t,
          ),
        );
        const mark = emulator.requests().length;
        const again = await timedApply(ws);
        const reapply = apiResult(
          { ...fields, scenario: 'reapply', idealWrites: 0, ...again, source },
          traffic(emulator, mark),
        );
        log(
          `re-apply ${connections} unchanged: ${reapply.writes} writes, ${reapply.reads} reads, ` +
            `${reapply.tokens} tokens, ${reapply.seconds.toFixed(1)} s${again.timedOut ? ', TIMED OUT' : ''}`,
        );
        out.api.push(reapply);
      }
    } finally {
      ws.dispose();
    }
  }
  return out;
}
