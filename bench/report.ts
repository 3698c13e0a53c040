/** The results file's shape, the verdict on each target of issue 7, and the printed tables. */
import type { ApiResult } from './api';
import type { ApplyResult, CurlLoopResult } from './apply';
import type { SynthResult } from './synth';

export interface SectionMeta {
  readonly date: string;
  readonly commit: string;
  /** Uncommitted changes under src/ when this section ran. */
  readonly srcDirty: boolean;
  readonly seconds: number;
  /** 1-minute load average before and after: the 2 cores are shared. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface Target {
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
}

export interface BenchResults {
  readonly smoke: boolean;
  readonly machine: { readonly cpus: number; readonly memoryGb: number; readonly node: string };
  readonly meta: Partial<Record<'synth' | 'api' | 'apply', SectionMeta>>;
  readonly synth: SynthResult[];
  readonly api: ApiResult[];
  readonly apply: ApplyResult[];
  readonly curlLoop: CurlLoopResult[];
  readonly targets: Target[];
}

const f = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '—' : n.toFixed(digits);

export function targets(r: Omit<BenchResults, 'targets'>): Target[] {
  const s = r.synth.find((x) => x.connections === 1000);
  const a = r.apply.find((x) => x.connections === 1000 && x.defaultParallelism);
  const reapply = r.api.find((x) => x.scenario === 'reapply' && x.connections === 1000);
  const off = r.api.filter((x) => x.writeRatio !== 1);
  const notMeasured = (target: string): Target => ({ target, met: null, detail: 'not measured in this run' });
  return [
    s
      ? {
          target: 'synth 1000 connections / 100 stacks < 2 s',
          met: s.seconds < 2,
          detail: `${f(s.seconds)} s (raw cdktf ${f(s.rawSeconds)} s)`,
        }
      : notMeasured('synth 1000 connections / 100 stacks < 2 s'),
    s
      ? { target: 'synth peak RSS < 250 MB', met: s.peakRssMb < 250, detail: `${f(s.peakRssMb, 0)} MB` }
      : notMeasured('synth peak RSS < 250 MB'),
    s
      ? {
          target: 'synth ratio to raw cdktf ≤ 1.15',
          met: s.ratioVsRaw <= 1.15,
          detail: `×${f(s.ratioVsRaw)}`,
        }
      : notMeasured('synth ratio to raw cdktf ≤ 1.15'),
    r.api.length
      ? {
          target: 'writes / ideal = 1.00 in every scenario',
          met: off.length === 0,
          detail: off.length
            ? off
                .map((x) => `${x.mode} ${x.scenario} ${x.connections}: ${x.writes}/${x.idealWrites}`)
                .join('; ')
            : `${r.api.length} scenario runs`,
        }
      : notMeasured('writes / ideal = 1.00 in every scenario'),
    reapply
      ? {
          target: 're-apply of 1000 unchanged connections: 0 writes',
          met: reapply.writes === 0 && !reapply.timedOut,
          detail:
            `${reapply.writes} writes, ${reapply.reads} reads, ${reapply.tokens} token calls` +
            (reapply.timedOut ? `, but not finished after ${f(reapply.seconds, 0)} s` : ''),
        }
      : notMeasured('re-apply of 1000 unchanged connections: 0 writes'),
    a
      ? {
          target: 'apply 1000 new connections ≥ 4× faster than the curl loop',
          met: a.speedupVsCurl !== null && a.speedupVsCurl >= 4 && !a.timedOut,
          detail:
            a.speedupVsCurl === null
              ? 'curl is not installed'
              : `${f(a.seconds, 1)} s vs ${f(a.curlLoopSeconds, 1)} s: ×${f(a.speedupVsCurl)}`,
        }
      : notMeasured('apply 1000 new connections ≥ 4× faster than the curl loop'),
  ];
}

type Column<T> = readonly [header: string, cell: (row: T) => string | number];

function table<T>(rows: readonly T[], columns: Column<T>[]): string {
  const cells = [columns.map(([h]) => h), ...rows.map((row) => columns.map(([, cell]) => String(cell(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(cells[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

const SYNTH: Column<SynthResult>[] = [
  ['connections', (s) => s.connections],
  ['stacks', (s) => s.stacks],
  ['runs', (s) => s.runs],
  ['seconds', (s) => f(s.seconds, 3)],
  ['raw seconds', (s) => f(s.rawSeconds, 3)],
  ['ratio', (s) => f(s.ratioVsRaw)],
  ['peak RSS MB', (s) => f(s.peakRssMb, 0)],
  ['raw peak MB', (s) => f(s.rawPeakRssMb, 0)],
  ['base MB', (s) => f(s.baseRssMb, 0)],
];

const API: Column<ApiResult>[] = [
  ['mode', (a) => a.mode],
  ['scenario', (a) => a.scenario],
  ['connections', (a) => (a.changed ? `${a.connections} (${a.changed} changed)` : a.connections)],
  ['latency ms', (a) => a.latencyMs],
  ['requests', (a) => a.requests],
  ['writes', (a) => a.writes],
  ['ideal', (a) => a.idealWrites],
  ['ratio', (a) => (a.writeRatio === null ? 'n/a' : f(a.writeRatio))],
  ['reads', (a) => a.reads],
  ['reads/conn', (a) => f(a.readsPerConnection, 1)],
  ['tokens', (a) => a.tokens],
  ['ideal tokens', (a) => a.idealTokens],
  ['seconds', (a) => `${a.timedOut ? '> ' : ''}${f(a.seconds, 1)}`],
];

const APPLY: Column<ApplyResult>[] = [
  ['connections', (a) => a.connections],
  ['latency ms', (a) => a.latencyMs],
  ['parallelism', (a) => (a.defaultParallelism ? `${a.parallelism} (default)` : a.parallelism)],
  ['seconds', (a) => `${a.timedOut ? '> ' : ''}${f(a.seconds, 1)}`],
  ['first call s', (a) => f(a.firstCallSeconds, 1)],
  ['last call s', (a) => f(a.lastCallSeconds, 1)],
  ['curl loop s', (a) => f(a.curlLoopSeconds, 1)],
  ['speedup', (a) => (a.speedupVsCurl === null ? '—' : `×${f(a.speedupVsCurl)}`)],
  ['requests', (a) => a.requests],
  ['tokens', (a) => a.tokens],
];

const TARGETS: Column<Target>[] = [
  ['target', (t) => t.target],
  ['met', (t) => (t.met === null ? '—' : t.met ? 'yes' : 'NO')],
  ['measured', (t) => t.detail],
];

/** Markdown tables of everything measured, the same that bench/README.md shows. */
export function formatResults(r: BenchResults): string {
  return [
    ...(r.synth.length ? ['### synth (medians)', table(r.synth, SYNTH)] : []),
    ...(r.api.length ? ['### api (requests counted by the emulator)', table(r.api, API)] : []),
    ...(r.apply.length ? ['### apply (new connections, one stack)', table(r.apply, APPLY)] : []),
    '### targets',
    table(r.targets, TARGETS),
  ].join('\n\n');
}
