/**
 * The benchmark's own engine runner (tooling never imports test/): a working folder with one root module
 * (`main.tf.json`), its local state and the variables a deploy needs, and `tofu` runs measured for wall
 * time, CPU time and peak memory of the engine and its provider processes.
 *
 * CPU: each run goes through `/usr/bin/time`, whose figure is the rusage of `tofu` and every provider
 * process it waited for (plugins are its children), i.e. the exact total. Per process (engine vs
 * providers) and memory: `/proc/<pid>/{stat,status}` of every process in the run's process group, sampled
 * every SAMPLE_MS; VmHWM is each process's own peak, so only growth in a process's last SAMPLE_MS is missed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../engine/engine';
import type { RootModule } from './contenders';
import { DEFAULT_CLIENT_SECRET } from '../emulator';
import { run, type RunResult } from '../tooling/run';
import { EngineWorkspace } from '../tooling/workspace';

export const SIGNING_KEY = 'bench-signing-key-0f9e8d7c6b5a';
export const ROTATED_SIGNING_KEY = 'bench-signing-key-rotated-1a2b3c';

export interface ProcessUsage {
  /** Command name from /proc (e.g. `tofu`, `terraform-provi`). */
  readonly comm: string;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

export interface Measured {
  readonly seconds: number;
  /** user + system CPU of tofu and its providers (`/usr/bin/time`), or the sampled sum without it. */
  readonly cpuSeconds: number;
  /** Sampled CPU of the engine process(es) and of the provider processes. */
  readonly engineCpuSeconds: number;
  readonly providerCpuSeconds: number;
  /** Peak resident set of the engine process (its VmHWM). */
  readonly enginePeakRssMb: number;
  /** The largest provider process's peak, and how many provider processes the run started. */
  readonly providerPeakRssMb: number;
  readonly providerProcesses: number;
  /** The largest sum of resident sets of engine + providers seen at one sample. */
  readonly combinedPeakRssMb: number;
}

const SAMPLE_MS = 100;
const TICKS = 100; // USER_HZ on Linux
const TIME = '/usr/bin/time';

interface Sample {
  comm: string;
  ticks: number;
  hwmKb: number;
  rssKb: number;
}

function readProc(pid: string): (Sample & { pgrp: number }) | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
    const pgrp = Number(f[2]);
    const ticks = Number(f[11]) + Number(f[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { comm, pgrp, ticks, hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
  } catch {
    return undefined; // gone, or not ours
  }
}

/** Samples every process of process group `pgid` until stopped. */
class Sampler {
  private readonly seen = new Map<string, Sample>();
  private combinedKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pgid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private sample(): void {
    let rss = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === this.pgid) continue; // the group leader is /usr/bin/time
      const p = readProc(pid);
      if (!p || p.pgrp !== this.pgid) continue;
      // A zombie's status has no Vm lines and its stat may lag: keep the largest figures seen.
      const prev = this.seen.get(pid);
      this.seen.set(pid, {
        comm: p.comm,
        ticks: Math.max(p.ticks, prev?.ticks ?? 0),
        hwmKb: Math.max(p.hwmKb, prev?.hwmKb ?? 0),
        rssKb: p.rssKb,
      });
      rss += p.rssKb;
    }
    this.combinedKb = Math.max(this.combinedKb, rss);
  }

  stop(): { processes: ProcessUsage[]; combinedPeakRssMb: number } {
    clearInterval(this.timer);
    return {
      processes: [...this.seen.values()].map((s) => ({
        comm: s.comm,
        cpuSeconds: s.ticks / TICKS,
        peakRssMb: s.hwmKb / 1024,
      })),
      combinedPeakRssMb: this.combinedKb / 1024,
    };
  }
}

const isProvider = (p: ProcessUsage) => p.comm.startsWith('terraform-prov');

/** Runs `cmd` measured; the engine's own processes are everything in its process group. */
async function measuredRun(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult & Measured> {
  const timeFile = path.join(cwd, '.bench-time');
  const useTime = fs.existsSync(TIME);
  let sampler: Sampler | undefined;
  const started = performance.now();
  const r = await run(
    useTime ? TIME : cmd,
    useTime ? ['-f', '%U %S', '-o', timeFile, cmd, ...args] : args,
    cwd,
    env,
    undefined,
    (child) => (sampler = new Sampler(child.pid!)),
  );
  const seconds = (performance.now() - started) / 1000;
  const { processes, combinedPeakRssMb } = sampler!.stop();
  const providers = processes.filter(isProvider);
  const engine = processes.filter((p) => !isProvider(p));
  const sum = (ps: ProcessUsage[]) => ps.reduce((s, p) => s + p.cpuSeconds, 0);
  let cpuSeconds = sum(processes);
  if (useTime) {
    const text = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
    const [user, sys] = text.split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
    fs.rmSync(timeFile, { force: true });
  }
  return {
    ...r,
    seconds,
    cpuSeconds,
    engineCpuSeconds: sum(engine),
    providerCpuSeconds: sum(providers),
    enginePeakRssMb: Math.max(0, ...engine.map((p) => p.peakRssMb)),
    providerPeakRssMb: Math.max(0, ...providers.map((p) => p.peakRssMb)),
    providerProcesses: providers.length,
    combinedPeakRssMb,
  };
}

/** A working folder with one root module written as JSON, its state, and the variables. */
export class BenchWorkspace extends EngineWorkspace {
  constructor(engine: Engine, name: string) {
    super(engine, `qubitro-bench-${name}`, {
      thingpark_client_secret: DEFAULT_CLIENT_SECRET,
      qubitro_webhook_signing_key: SIGNING_KEY,
    });
  }

  protected get moduleDir(): string {
    return this.dir;
  }

  /** Replaces the root module. */
  public write(module: RootModule): void {
    fs.writeFileSync(path.join(this.dir, 'main.tf.json'), JSON.stringify(module.json, null, 2));
    const override = path.join(this.dir, 'main_override.tf');
    if (module.override === undefined) fs.rmSync(override, { force: true });
    else fs.writeFileSync(override, module.override);
  }

  public removeState(): void {
    for (const f of ['terraform.tfstate', 'terraform.tfstate.backup'])
      fs.rmSync(path.join(this.dir, f), { force: true });
  }

  /** One measured engine run; `ok` lists the exit codes that are not failures; `extraEnv` adds to the engine's. */
  public async tofu(
    args: string[],
    ok: number[] = [0],
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<RunResult & Measured> {
    await this.init();
    const r = await measuredRun(this.binary, [...args, '-no-color'], this.dir, {
      ...this.env(),
      ...extraEnv,
    });
    if (!ok.includes(r.code))
      throw new Error(`tofu ${args[0]} failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
    return r;
  }
}
