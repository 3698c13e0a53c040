/**
 * Synth scaling: the constructs against the same Terraform blocks declared with raw cdktf (bench/raw.ts).
 * Each sample is a fresh process (bench/synth-worker.ts), the variants interleaved so that drift in the
 * machine's load hits both alike; the figures are medians.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from '../tooling/run';

export interface SynthJob {
  readonly variant: 'constructs' | 'raw';
  readonly connections: number;
  readonly stacks: number;
  readonly outdir: string;
}

export interface SynthSample {
  /** App construction and `app.synth()`. */
  readonly seconds: number;
  /** The process's peak resident set (`process.resourceUsage().maxRSS`). */
  readonly peakRssMb: number;
  /** Resident set after loading the modules, before constructing anything. */
  readonly baseRssMb: number;
  readonly loadSeconds: number;
  /** Size of everything synthesized. */
  readonly outputBytes: number;
}

export interface SynthResult {
  readonly connections: number;
  readonly stacks: number;
  readonly runs: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly baseRssMb: number;
  readonly loadSeconds: number;
  readonly outputBytes: number;
  readonly rawSeconds: number;
  readonly rawPeakRssMb: number;
  readonly rawOutputBytes: number;
  readonly ratioVsRaw: number;
  /** The fastest sample of each variant, and their ratio. */
  readonly minSeconds: number;
  readonly rawMinSeconds: number;
  readonly minRatioVsRaw: number;
  /** Every sample, for a look at the spread. */
  readonly samples: number[];
  readonly rawSamples: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const WORKER = path.join(__dirname, 'synth-worker.ts');

/** Node with tsx's loader, to run a TypeScript file of this repository in a fresh process. */
export function tsxArgs(script: string, ...args: string[]): string[] {
  return ['--import', pathToFileURL(require.resolve('tsx')).href, script, ...args];
}

async function sampleOnce(job: SynthJob): Promise<SynthSample> {
  fs.rmSync(job.outdir, { recursive: true, force: true });
  const r = await run(process.execPath, tsxArgs(WORKER, JSON.stringify(job)), process.cwd(), process.env);
  fs.rmSync(job.outdir, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`synth worker failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as SynthSample;
}

export interface SynthConfig {
  readonly connections: number;
  readonly stacks: number;
}

export async function benchSynth(
  configs: SynthConfig[],
  runs: number,
  log: (m: string) => void,
): Promise<SynthResult[]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-bench-synth-'));
  try {
    // One unmeasured run per variant first, so that tsx's transform cache is warm for every sample.
    for (const variant of ['constructs', 'raw'] as const) {
      await sampleOnce({ variant, connections: 1, stacks: 1, outdir });
    }
    const results: SynthResult[] = [];
    for (const { connections, stacks } of configs) {
      const ours: SynthSample[] = [];
      const raw: SynthSample[] = [];
      for (let i = 0; i < runs; i++) {
        ours.push(await sampleOnce({ variant: 'constructs', connections, stacks, outdir }));
        raw.push(await sampleOnce({ variant: 'raw', connections, stacks, outdir }));
      }
      const med = (list: SynthSample[], key: keyof SynthSample) => median(list.map((s) => s[key]));
      const result: SynthResult = {
        connections,
        stacks,
        runs,
        seconds: med(ours, 'seconds'),
        peakRssMb: med(ours, 'peakRssMb'),
        baseRssMb: med(ours, 'baseRssMb'),
        loadSeconds: med(ours, 'loadSeconds'),
        outputBytes: med(ours, 'outputBytes'),
        rawSeconds: med(raw, 'seconds'),
        rawPeakRssMb: med(raw, 'peakRssMb'),
        rawOutputBytes: med(raw, 'outputBytes'),
        ratioVsRaw: med(ours, 'seconds') / med(raw, 'seconds'),
        minSeconds: Math.min(...ours.map((x) => x.seconds)),
        rawMinSeconds: Math.min(...raw.map((x) => x.seconds)),
        minRatioVsRaw: Math.min(...ours.map((x) => x.seconds)) / Math.min(...raw.map((x) => x.seconds)),
        samples: ours.map((s) => s.seconds),
        rawSamples: raw.map((s) => s.seconds),
      };
      log(
        `synth ${connections} connections / ${stacks} stacks: ${result.seconds.toFixed(3)} s ` +
          `(raw ${result.rawSeconds.toFixed(3)} s, ×${result.ratioVsRaw.toFixed(2)}), ${result.peakRssMb.toFixed(0)} MB`,
      );
      results.push(result);
    }
    return results;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
