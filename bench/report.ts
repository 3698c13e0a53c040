/** The results file's shape, the summaries, the verdict on each target of issue 13, and the printed tables. */
import type { Contender } from './contenders';
import { DEFAULT_PAGE_SIZE } from '../emulator';
import { ENGINE_PARALLELISM } from './deploy';
import type { CurlRun, EngineRun, ProfileResult, Scenario } from './deploy';
import type { SynthResult } from './synth';
import { median } from './synth';

export interface SectionMeta {
  readonly date: string;
  readonly commit: string;
  /** Uncommitted changes under src/ or provider/ when this section ran. */
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

export const SECTIONS = ['synth', 'scale', 'lifecycle', 'settle', 'ratelimit', 'profile'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchResults {
  readonly smoke: boolean;
  readonly machine: { readonly cpus: number; readonly memoryGb: number; readonly node: string };
  readonly meta: Partial<Record<Section, SectionMeta>>;
  readonly synth: SynthResult[];
  /** Apply of N new at a latency per call: every engine run and curl loop. */
  readonly scale: { readonly latencyMs: number; readonly runs: EngineRun[]; readonly curl: CurlRun[] };
  /** create, re-plan, change 10 %, rotate, destroy at no latency. */
  readonly lifecycle: EngineRun[];
  readonly settle: EngineRun[];
  /** create, re-plan, destroy under the emulator's rate limit (calls a second, burst), per parallelism. */
  readonly ratelimit: { readonly rate: number; readonly burst: number; readonly runs: EngineRun[] } | null;
  readonly profile: ProfileResult | null;
  readonly summary: BenchSummary;
  readonly targets: Target[];
}

/** Timings over the runs of one contender and scenario: min and median; traffic is the same in every run. */
export interface Row {
  readonly contender: Contender | 'curl loop' | 'latency floor';
  readonly scenario: Scenario;
  readonly connections: number;
  readonly latencyMs: number;
  readonly runs: number;
  readonly minSeconds: number | null;
  readonly medianSeconds: number | null;
  readonly medianCpuSeconds: number | null;
  /** Median CPU (engine + providers) per connection, milliseconds. */
  readonly cpuPerConnectionMs: number | null;
  readonly medianEngineCpuSeconds: number | null;
  readonly medianProviderCpuSeconds: number | null;
  /** Largest over the runs. */
  readonly enginePeakRssMb: number | null;
  readonly providerPeakRssMb: number | null;
  readonly combinedPeakRssMb: number | null;
  readonly writes: number | null;
  readonly idealWrites: number | null;
  readonly reads: number | null;
  readonly listReads: number | null;
  readonly idealReads: number | null;
  readonly tokens: number | null;
  readonly idealTokens: number | null;
  readonly requests: number | null;
  readonly failed: number | null;
  /** Writes, reads or tokens differed between runs (should never). */
  readonly trafficVaries: boolean;
}

/** a / b per round (both measured in the same round), then the median over rounds. */
export interface Ratio {
  readonly name: string;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly latencyMs: number;
  readonly median: number | null;
  readonly perRound: number[];
}

/** One run under the rate limit, against what the limit allows for the calls it made. */
export interface RateRow {
  readonly scenario: Scenario;
  readonly connections: number;
  readonly parallelism: number;
  readonly exitCode: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** API calls the limit let through (token calls, which it does not limit, excluded). */
  readonly accepted: number;
  readonly refused: number;
  /** accepted ÷ rate: the least time the limit allows for those calls. */
  readonly allowedSeconds: number;
  readonly ratio: number;
  /** Writes the limit let through (a refused one was not processed). */
  readonly writes: number;
  readonly idealWrites: number;
  /** List GETs sent, refused ones included. */
  readonly listReads: number;
  /** The listing of the read-back, plus for a create the empty create-check listing of the plan and apply processes. */
  readonly idealListReads: number;
}

export interface BenchSummary {
  readonly scale: Row[];
  readonly scaleRatios: Ratio[];
  readonly lifecycle: Row[];
  readonly lifecycleRatios: Ratio[];
  readonly settle: Row[];
  readonly ratelimit: RateRow[];
}

const key = (r: { contender: string; scenario: string; connections: number; latencyMs: number }) =>
  `${r.contender}|${r.scenario}|${r.connections}|${r.latencyMs}`;

function rowOf(runs: EngineRun[]): Row {
  const first = runs[0];
  const med = (f: (r: EngineRun) => number) => median(runs.map(f));
  const max = (f: (r: EngineRun) => number) => Math.max(...runs.map(f));
  const same = (f: (r: EngineRun) => number) => runs.every((r) => f(r) === f(first));
  return {
    contender: first.contender,
    scenario: first.scenario,
    connections: first.connections,
    latencyMs: first.latencyMs,
    runs: runs.length,
    minSeconds: Math.min(...runs.map((r) => r.seconds)),
    medianSeconds: med((r) => r.seconds),
    medianCpuSeconds: med((r) => r.cpuSeconds),
    cpuPerConnectionMs: (med((r) => r.cpuSeconds) / first.connections) * 1000,
    medianEngineCpuSeconds: med((r) => r.engineCpuSeconds),
    medianProviderCpuSeconds: med((r) => r.providerCpuSeconds),
    enginePeakRssMb: max((r) => r.enginePeakRssMb),
    providerPeakRssMb: max((r) => r.providerPeakRssMb),
    combinedPeakRssMb: max((r) => r.combinedPeakRssMb),
    writes: max((r) => r.writes),
    idealWrites: first.idealWrites,
    reads: max((r) => r.reads),
    listReads: max((r) => r.listReads),
    idealReads: first.idealReads,
    tokens: max((r) => r.tokens),
    idealTokens: first.idealTokens,
    requests: max((r) => r.requests),
    failed: max((r) => r.failed),
    trafficVaries: !(same((r) => r.writes) && same((r) => r.reads) && same((r) => r.tokens)),
  };
}

function rows(runs: EngineRun[]): Row[] {
  const groups = new Map<string, EngineRun[]>();
  for (const r of runs) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()].map(rowOf);
}

const EMPTY_ROW = {
  medianCpuSeconds: null,
  cpuPerConnectionMs: null,
  medianEngineCpuSeconds: null,
  medianProviderCpuSeconds: null,
  enginePeakRssMb: null,
  providerPeakRssMb: null,
  combinedPeakRssMb: null,
  writes: null,
  idealWrites: null,
  reads: null,
  listReads: null,
  idealReads: null,
  tokens: null,
  idealTokens: null,
  requests: null,
  failed: null,
  trafficVaries: false,
} as const;

function ratioOf(
  name: string,
  runs: EngineRun[],
  scenario: Scenario,
  connections: number,
  latencyMs: number,
  a: (round: number) => number | null | undefined,
  b: (round: number) => number | null | undefined,
): Ratio {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((x, y) => x - y);
  const perRound = rounds.flatMap((round) => {
    const [x, y] = [a(round), b(round)];
    return x && y ? [x / y] : [];
  });
  return {
    name,
    scenario,
    connections,
    latencyMs,
    perRound,
    median: perRound.length ? median(perRound) : null,
  };
}

/** The least time n creates can take with the engine's parallelism and the emulator's latency per call. */
function latencyFloor(n: number, latencyMs: number): number {
  return (n * latencyMs) / 1000 / ENGINE_PARALLELISM;
}

/** GETs a listing of n connections takes: its full pages and the short or empty one that ends it. */
const listingPages = (n: number) => Math.floor(n / DEFAULT_PAGE_SIZE) + 1;

function rateRows(r: BenchResults['ratelimit']): RateRow[] {
  return (r?.runs ?? []).map((x) => {
    const accepted = x.requests - x.tokens - x.refused;
    const allowedSeconds = accepted / r!.rate;
    return {
      scenario: x.scenario,
      connections: x.connections,
      parallelism: x.parallelism,
      exitCode: x.exitCode,
      seconds: x.seconds,
      cpuSeconds: x.cpuSeconds,
      accepted,
      refused: x.refused,
      allowedSeconds,
      ratio: x.seconds / allowedSeconds,
      writes: x.writes - x.refusedWrites,
      idealWrites: x.idealWrites,
      listReads: x.listReads,
      idealListReads: listingPages(x.connections) + (x.scenario === 'create' ? 2 * listingPages(0) : 0),
    };
  });
}

export function summarize(
  r: Pick<BenchResults, 'scale' | 'lifecycle' | 'settle' | 'ratelimit'>,
): BenchSummary {
  const { latencyMs } = r.scale;
  const sizes = [...new Set(r.scale.runs.map((x) => x.connections))].sort((a, b) => a - b);
  const scale = [
    ...rows(r.scale.runs),
    ...sizes.flatMap((n): Row[] => {
      const curl = r.scale.curl
        .filter((c) => c.connections === n && c.seconds !== null)
        .map((c) => c.seconds!);
      const floor = latencyFloor(n, latencyMs);
      const base = { scenario: 'create' as const, connections: n, latencyMs, ...EMPTY_ROW };
      return [
        {
          ...base,
          contender: 'curl loop',
          runs: curl.length,
          minSeconds: curl.length ? Math.min(...curl) : null,
          medianSeconds: curl.length ? median(curl) : null,
          writes: n,
          idealWrites: n,
          tokens: 1,
          idealTokens: 1,
        },
        { ...base, contender: 'latency floor', runs: 0, minSeconds: floor, medianSeconds: floor },
      ];
    }),
  ];
  const secondsOf = (runs: EngineRun[], v: Contender, scenario: Scenario, n: number) => (round: number) =>
    runs.find((x) => x.contender === v && x.scenario === scenario && x.connections === n && x.round === round)
      ?.seconds;
  const scaleRatios = sizes.flatMap((n) => {
    const s = (v: Contender) => secondsOf(r.scale.runs, v, 'create', n);
    const curl = (round: number) =>
      r.scale.curl.find((c) => c.connections === n && c.round === round)?.seconds;
    const floor = () => latencyFloor(n, latencyMs);
    const rt = (name: string, a: (round: number) => number | null | undefined, b: typeof a) =>
      ratioOf(name, r.scale.runs, 'create', n, latencyMs, a, b);
    return [
      rt('constructs / native', s('constructs'), s('native')),
      rt('constructs / terraform_data', s('constructs'), s('terraform_data')),
      rt('restful / constructs', s('restful'), s('constructs')),
      rt('curl loop / constructs', curl, s('constructs')),
      rt('constructs / latency floor', s('constructs'), floor),
    ].filter((x) => x.perRound.length);
  });
  const lifeSizes = [...new Set(r.lifecycle.map((x) => x.connections))];
  const scenarios: Scenario[] = ['create', 'reapply', 'replan', 'change', 'rotate', 'destroy'];
  const lifecycleRatios = lifeSizes.flatMap((n) =>
    scenarios.flatMap((sc) => {
      const s = (v: Contender) => secondsOf(r.lifecycle, v, sc, n);
      const rt = (name: string, a: Contender, b: Contender) =>
        ratioOf(name, r.lifecycle, sc, n, 0, s(a), s(b));
      return [
        rt('constructs / terraform_data', 'constructs', 'terraform_data'),
        rt('constructs / native', 'constructs', 'native'),
        rt('restful / constructs', 'restful', 'constructs'),
      ].filter((x) => x.perRound.length);
    }),
  );
  return {
    scale,
    scaleRatios,
    lifecycle: rows(r.lifecycle),
    lifecycleRatios,
    settle: rows(r.settle),
    ratelimit: rateRows(r.ratelimit),
  };
}

const f = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '—' : n.toFixed(digits);

export function targets(r: Omit<BenchResults, 'targets'>): Target[] {
  const out: Target[] = [];
  const nm = (target: string) => out.push({ target, met: null, detail: 'not measured in this run' });
  const big = Math.max(0, ...r.scale.runs.map((x) => x.connections));
  const sr = (name: string, n = big) =>
    r.summary.scaleRatios.find((x) => x.name === name && x.connections === n);
  const srow = (c: string, n = big) => r.summary.scale.find((x) => x.contender === c && x.connections === n);
  const lr = (name: string, sc: Scenario) =>
    r.summary.lifecycleRatios.find((x) => x.name === name && x.scenario === sc);
  const at = `${big} new at ${r.scale.latencyMs} ms`;

  const curl = sr('curl loop / constructs');
  const ours = srow('constructs');
  if (curl && ours) {
    out.push({
      target: `apply of ${at} ≥ 5× faster than the curl loop`,
      met: curl.median! >= 5,
      detail: `×${f(curl.median)} (constructs ${f(ours.medianSeconds, 1)} s median, curl loop ${f(srow('curl loop')?.medianSeconds, 1)} s)`,
    });
    const floor = srow('latency floor')!.minSeconds!;
    out.push({
      target: `apply of ${at} ≤ 3× the latency floor (${f(floor, 1)} s at parallelism ${ENGINE_PARALLELISM})`,
      met: ours.medianSeconds! <= 3 * floor,
      detail: `${f(ours.medianSeconds, 1)} s = ×${f(ours.medianSeconds! / floor, 1)} the floor (min ${f(ours.minSeconds, 1)} s)`,
    });
  } else nm('apply of 1000 new vs curl loop and latency floor');
  const n = r.lifecycle[0]?.connections;
  for (const [sc, bound] of [
    ['create', 4],
    ['replan', 2],
  ] as const) {
    const x = lr('constructs / terraform_data', sc);
    const name = `${sc === 'create' ? 'apply' : 're-plan'} of ${n ?? 'N'} at no latency ≤ ${bound}× terraform_data`;
    if (x)
      out.push({
        target: name,
        met: x.median! <= bound,
        detail: `×${f(x.median)} (per round ${x.perRound.map((v) => f(v)).join(', ')})`,
      });
    else nm(name);
  }
  const layer = sr('constructs / native');
  const layer300 = big === 300 ? undefined : sr('constructs / native', 300);
  const layerLife = lr('constructs / native', 'create');
  const layerReplan = lr('constructs / native', 'replan');
  if (layer) {
    const worst = Math.max(
      layer.median!,
      layer300?.median ?? 0,
      layerLife?.median ?? 0,
      layerReplan?.median ?? 0,
    );
    out.push({
      target: 'the construct layer ≤ 1.25× bare native',
      met: worst <= 1.25,
      detail:
        `apply ${at}: ×${f(layer.median)}` +
        (layer300 ? `; apply 300 new at ${r.scale.latencyMs} ms: ×${f(layer300.median)}` : '') +
        (layerLife ? `; apply ${n} at 0 ms: ×${f(layerLife.median)}` : '') +
        (layerReplan ? `; re-plan ${n}: ×${f(layerReplan.median)}` : ''),
    });
  } else nm('the construct layer ≤ 1.25× bare native');
  const rest = sr('restful / constructs');
  if (rest) {
    out.push({
      target: '≥ 5× faster than bare restful',
      met: rest.median! >= 5,
      detail:
        `apply ${at}: ×${f(rest.median)} (restful ${f(srow('restful')?.medianSeconds, 1)} s)` +
        (lr('restful / constructs', 'replan')
          ? `; re-plan ${n}: ×${f(lr('restful / constructs', 'replan')!.median)}`
          : ''),
    });
  } else nm('≥ 5× faster than bare restful');
  const settle = r.summary.settle[0];
  out.push(
    settle
      ? {
          target: `with settling (${r.settle[0].settleMs} ms per connection), the apply of ${settle.connections} reported separately`,
          met: null,
          detail:
            `${f(settle.medianSeconds, 1)} s wall, ${f(settle.medianCpuSeconds, 1)} s CPU (without settling: ` +
            `${f(ours?.medianSeconds, 1)} s wall, ${f(ours?.medianCpuSeconds, 1)} s CPU), ${settle.listReads} list pages read`,
        }
      : {
          target: 'with settling, the 1000 apply reported separately',
          met: null,
          detail: 'not measured in this run',
        },
  );
  const all = [...r.scale.runs, ...r.lifecycle, ...r.settle].filter((x) => x.idealTokens > 0);
  const off = (pred: (x: EngineRun) => boolean) => [
    ...new Set(all.filter(pred).map((x) => `${x.contender} ${x.scenario} ${x.connections}`)),
  ];
  const badWrites = off((x) => x.writes !== x.idealWrites);
  out.push({
    target: 'writes = ideal in every scenario',
    met: all.length ? badWrites.length === 0 : null,
    detail: badWrites.length ? `off in: ${badWrites.join('; ')}` : `${all.length} engine runs`,
  });
  // The settle run polls the listing by design (reported apart).
  const ownRuns = [...r.scale.runs, ...r.lifecycle].filter(
    (x) => x.contender === 'constructs' || x.contender === 'native',
  );
  const badReads = [
    ...new Set(
      ownRuns
        .filter((x) => x.reads > x.idealReads)
        .map((x) => `${x.contender} ${x.scenario} ${x.connections}: ${x.reads} > ${x.idealReads}`),
    ),
  ];
  const restReads = all.filter((x) => x.contender === 'restful' && x.reads > x.idealReads).length;
  out.push({
    target: 'reads ≤ N + ⌈N/100⌉ per plan (iotflow provider)',
    met: ownRuns.length ? badReads.length === 0 : null,
    detail:
      (badReads.length
        ? `over in: ${badReads.join('; ')}`
        : `${ownRuns.length} engine runs (constructs and native)`) +
      (restReads ? `; restful over in ${restReads} runs (a GET after each write)` : ''),
  });
  const badTokens = [
    ...new Set(
      ownRuns
        .filter((x) => x.tokens > x.idealTokens)
        .map((x) => `${x.contender} ${x.scenario} ${x.connections}: ${x.tokens}`),
    ),
  ];
  out.push({
    target: '1 token per endpoint per run (iotflow provider)',
    met: ownRuns.length ? badTokens.length === 0 : null,
    detail: badTokens.length ? `more in: ${badTokens.join('; ')}` : `${ownRuns.length} engine runs`,
  });
  const s = r.synth.find((x) => x.connections === 1000) ?? r.synth[r.synth.length - 1];
  if (s) {
    out.push({
      target: `synth ${s.connections} connections / ${s.stacks} stacks < 2 s in-process`,
      met: s.seconds < 2,
      detail: `${f(s.seconds)} s median, ${f(s.minSeconds)} s min (raw cdktf ${f(s.rawSeconds)} s)`,
    });
    out.push({
      target: 'synth ≤ 1.15× raw cdktf (min of runs)',
      met: s.minRatioVsRaw <= 1.15,
      detail: `×${f(s.minRatioVsRaw)} (${f(s.minSeconds, 3)} s vs ${f(s.rawMinSeconds, 3)} s; medians ×${f(s.ratioVsRaw)})`,
    });
    out.push({
      target: 'synth peak RSS < 250 MB',
      met: s.peakRssMb < 250,
      detail: `${f(s.peakRssMb, 0)} MB`,
    });
  } else nm('synth');
  if (ours) {
    const cpu = (c: string) => f(srow(c)?.cpuPerConnectionMs, 1);
    const cpuRatio = (c: string) => f(ours.cpuPerConnectionMs! / (srow(c)?.cpuPerConnectionMs ?? NaN));
    out.push({
      target: `CPU per connection, apply of ${at} (engine + provider)`,
      met: null,
      detail:
        `constructs ${cpu('constructs')} ms, native ${cpu('native')} ms, restful ${cpu('restful')} ms, ` +
        `terraform_data ${cpu('terraform_data')} ms; constructs / native ×${cpuRatio('native')}, ` +
        `constructs / terraform_data ×${cpuRatio('terraform_data')} (CPU does not depend on the machine's load)`,
    });
    out.push({
      target: `peak RSS of engine + provider during the ${at} apply < 600 MB`,
      met: ours.combinedPeakRssMb! < 600,
      detail: `${f(ours.combinedPeakRssMb, 0)} MB together (tofu ${f(ours.enginePeakRssMb, 0)} MB, largest provider process ${f(ours.providerPeakRssMb, 0)} MB)`,
    });
  } else nm('peak RSS during the 1000 apply');
  out.push(...rateLimitTargets(r));
  return out;
}

/** Issue 20: under the limit, every run finishes, within 1.3× of what the limit allows, lists ≤ 2× ideal. */
function rateLimitTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const rows = r.summary.ratelimit;
  const lim = r.ratelimit;
  if (!lim || !rows.length)
    return [
      {
        target: 'under a rate limit: apply, re-plan, destroy',
        met: null,
        detail: 'not measured in this run',
      },
    ];
  const n = rows[0].connections;
  const ps = [...new Set(rows.map((x) => x.parallelism))].join(', ');
  const under = `under ${lim.rate} calls/s (burst ${lim.burst}, 503), ${n} connections at parallelism ${ps}`;
  const name = (x: RateRow) => `${x.scenario} p${x.parallelism}`;
  const failed = rows.filter((x) => x.exitCode !== 0 || x.writes !== x.idealWrites);
  const slow = rows.filter((x) => x.ratio > 1.3);
  const lists = rows.filter((x) => x.listReads > 2 * x.idealListReads);
  return [
    {
      target: `${under}: apply, re-plan and destroy without error, writes = ideal`,
      met: failed.length === 0,
      detail: failed.length
        ? `failed: ${failed.map((x) => `${name(x)} (exit ${x.exitCode}, ${x.writes}/${x.idealWrites} writes)`).join('; ')}`
        : `${rows.length} runs`,
    },
    {
      target: `${under}: each within 1.3× of what the limit allows (calls ÷ rate)`,
      met: slow.length === 0,
      detail: rows.map((x) => `${name(x)} ×${f(x.ratio)}`).join('; '),
    },
    {
      target: `${under}: list requests ≤ 2× the ideal`,
      met: lists.length === 0,
      detail: rows.map((x) => `${name(x)} ${x.listReads}/${x.idealListReads}`).join('; '),
    },
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
  ['median s', (s) => f(s.seconds, 3)],
  ['min s', (s) => f(s.minSeconds, 3)],
  ['raw median s', (s) => f(s.rawSeconds, 3)],
  ['raw min s', (s) => f(s.rawMinSeconds, 3)],
  ['ratio (min)', (s) => f(s.minRatioVsRaw)],
  ['ratio (median)', (s) => f(s.ratioVsRaw)],
  ['peak RSS MB', (s) => f(s.peakRssMb, 0)],
  ['raw peak MB', (s) => f(s.rawPeakRssMb, 0)],
];

const io = (a: number | null, b: number | null) => (a === null ? '—' : `${a}/${b}`);

const ROW_COLUMNS: Column<Row>[] = [
  ['contender', (r) => r.contender],
  ['N', (r) => r.connections],
  ['runs', (r) => r.runs],
  ['min s', (r) => f(r.minSeconds, 1)],
  ['median s', (r) => f(r.medianSeconds, 1)],
  ['CPU s', (r) => f(r.medianCpuSeconds, 1)],
  ['CPU ms/conn', (r) => f(r.cpuPerConnectionMs, 1)],
  [
    'engine/provider CPU s',
    (r) =>
      r.medianEngineCpuSeconds === null
        ? '—'
        : `${f(r.medianEngineCpuSeconds, 1)}/${f(r.medianProviderCpuSeconds, 1)}`,
  ],
  [
    'peak MB tofu/prov/sum',
    (r) =>
      r.combinedPeakRssMb === null
        ? '—'
        : `${f(r.enginePeakRssMb, 0)}/${f(r.providerPeakRssMb, 0)}/${f(r.combinedPeakRssMb, 0)}`,
  ],
  ['writes/ideal', (r) => io(r.writes, r.idealWrites)],
  ['reads (list)/ideal', (r) => (r.reads === null ? '—' : `${r.reads} (${r.listReads})/${r.idealReads}`)],
  ['tokens/ideal', (r) => io(r.tokens, r.idealTokens)],
];

const LIFE_COLUMNS: Column<Row>[] = [['scenario', (r) => r.scenario], ...ROW_COLUMNS];

const RATIO_COLUMNS: Column<Ratio>[] = [
  ['ratio', (r) => r.name],
  ['scenario', (r) => r.scenario],
  ['N', (r) => r.connections],
  ['median', (r) => `×${f(r.median)}`],
  ['per round', (r) => r.perRound.map((v) => f(v)).join(', ')],
];

const RATE_COLUMNS: Column<RateRow>[] = [
  ['scenario', (r) => r.scenario],
  ['N', (r) => r.connections],
  ['parallelism', (r) => r.parallelism],
  ['exit', (r) => r.exitCode],
  ['s', (r) => f(r.seconds, 1)],
  ['CPU s', (r) => f(r.cpuSeconds, 1)],
  ['calls let through', (r) => r.accepted],
  ['refused', (r) => r.refused],
  ['allowed s (calls ÷ rate)', (r) => f(r.allowedSeconds, 1)],
  ['s / allowed', (r) => `×${f(r.ratio)}`],
  ['writes/ideal', (r) => `${r.writes}/${r.idealWrites}`],
  ['list GETs/ideal', (r) => `${r.listReads}/${r.idealListReads}`],
];

/** The profile's CPU split and top lines, as text for the README. */
function formatProfile(p: ProfileResult): string {
  const { run } = p;
  const head =
    `constructs apply of ${run.connections} new at ${run.latencyMs} ms: ${f(run.seconds, 1)} s wall, ` +
    `${f(run.cpuSeconds, 1)} s CPU (tofu ${f(run.engineCpuSeconds, 1)} s, provider processes ${f(run.providerCpuSeconds, 1)} s)`;
  const parts = p.profiles.map(
    (x) =>
      `${x.process}: ${f(x.sampledSeconds, 2)} s sampled` +
      (x.focus.length
        ? `; under ${x.focus.map((y) => `\`${y.fn}\` ${f(y.cumPercent, 1)} %`).join(', ')}`
        : '') +
      `\n\n\`\`\`text\n      flat  flat%   sum%        cum   cum%\n${x.top.join('\n')}\n\`\`\``,
  );
  return [head, ...parts, ...(p.note ? [p.note] : [])].join('\n\n');
}

const TARGET_COLUMNS: Column<Target>[] = [
  ['target', (t) => t.target],
  ['met', (t) => (t.met === null ? '—' : t.met ? 'yes' : '**NOT met**')],
  ['measured', (t) => t.detail],
];

/** Markdown tables of everything measured, the same that bench/README.md shows. */
export function formatResults(r: BenchResults): string {
  const s = r.summary;
  return [
    ...(r.synth.length ? ['### synth', table(r.synth, SYNTH)] : []),
    ...(s.scale.length
      ? [
          `### apply of N new connections at ${r.scale.latencyMs} ms per call`,
          table(s.scale, ROW_COLUMNS),
          table(s.scaleRatios, RATIO_COLUMNS),
        ]
      : []),
    ...(s.lifecycle.length
      ? [
          '### lifecycle at no latency',
          table(s.lifecycle, LIFE_COLUMNS),
          table(s.lifecycleRatios, RATIO_COLUMNS),
        ]
      : []),
    ...(s.settle.length
      ? [`### apply with settling (${r.settle[0].settleMs} ms)`, table(s.settle, ROW_COLUMNS)]
      : []),
    ...(r.ratelimit && s.ratelimit.length
      ? [
          `### under a rate limit (${r.ratelimit.rate} calls/s, burst ${r.ratelimit.burst}, 503 without Retry-After; ` +
            `${r.ratelimit.runs[0].latencyMs} ms a call, settling ${r.ratelimit.runs[0].settleMs} ms)`,
          table(s.ratelimit, RATE_COLUMNS),
        ]
      : []),
    ...(r.profile ? ['### CPU profile', formatProfile(r.profile)] : []),
    '### targets',
    table(r.targets, TARGET_COLUMNS),
  ].join('\n\n');
}
