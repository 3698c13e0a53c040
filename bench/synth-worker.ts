/**
 * One synth measurement, run in a fresh process by bench/synth.ts so that its peak RSS is this process's
 * own. Argument: a JSON `SynthJob`. Prints one JSON `SynthSample` line on stdout.
 * Only app construction and `app.synth()` are timed; loading the modules is reported apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_PROJECT_ID, benchConnections } from './fixtures';
import type { SynthJob, SynthSample } from './synth';
import { DEFAULT_CLIENT_ID as CLIENT_ID } from '../emulator/options';

const BASE_URL = 'http://127.0.0.1:8787/iot-flow/v1';

function dirBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as SynthJob;
  const loadStart = performance.now();
  const { App } = await import('cdktf');
  // Each variant loads only its own modules: the raw one never loads zod or the constructs.
  const Stack =
    job.variant === 'constructs'
      ? (await import('../src')).QubitroProjectStack
      : (await import('./raw')).RawProjectStack;
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;

  const started = performance.now();
  const app = new App({ outdir: job.outdir });
  const perStack = job.connections / job.stacks;
  for (let s = 0; s < job.stacks; s++) {
    new Stack(app, `p${String(s + 1).padStart(3, '0')}`, {
      baseUrl: BASE_URL,
      clientId: CLIENT_ID,
      projectId: BENCH_PROJECT_ID,
      connections: benchConnections(perStack),
    });
  }
  app.synth();
  const seconds = (performance.now() - started) / 1000;

  const sample: SynthSample = {
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baseRssMb,
    loadSeconds,
    outputBytes: dirBytes(job.outdir),
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
