/**
 * The README's charts, drawn from the results by Vega-Lite (compiled to Vega, rendered to SVG in Node,
 * no browser or canvas): apply time against N for every contender (log scales), and CPU per connection.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResults, Row } from './report';

type Spec = Record<string, unknown>;

const ORDER = ['constructs', 'native', 'restful', 'terraform_data', 'curl loop', 'latency floor'];

function lineChart(title: string, rows: object[], y: string, yTitle: string, logY: boolean): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 320,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'connections', type: 'quantitative', title: 'connections (N)', scale: { type: 'log' } },
      y: { field: y, type: 'quantitative', title: yTitle, scale: logY ? { type: 'log' } : { zero: true } },
      color: { field: 'contender', type: 'nominal', sort: ORDER, title: null },
      strokeDash: {
        field: 'baseline',
        type: 'nominal',
        legend: null,
        scale: {
          domain: [false, true],
          range: [
            [1, 0],
            [5, 4],
          ],
        },
      },
    },
  };
}

/** The two modules' entry points used here (ESM-only packages, whose types this CommonJS build cannot load). */
interface VegaLite {
  compile(spec: Spec): { spec: unknown };
}
interface Vega {
  parse(spec: unknown): unknown;
  View: new (
    runtime: unknown,
    options: { renderer: 'none' },
  ) => { toSVG(): Promise<string>; finalize(): void };
}
const load = <T>(name: string): Promise<T> => import(name) as Promise<T>;

async function render(spec: Spec): Promise<string> {
  const vl = await load<VegaLite>('vega-lite');
  const vega = await load<Vega>('vega');
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${svg}\n`;
}

/** Writes the SVGs into `dir`; returns their paths. */
export async function writeCharts(r: BenchResults, dir: string): Promise<string[]> {
  const scale = r.summary.scale.filter((x: Row) => x.medianSeconds !== null && x.medianSeconds > 0);
  if (!scale.length) return [];
  fs.mkdirSync(dir, { recursive: true });
  const time = scale.map((x) => ({
    contender: x.contender,
    connections: x.connections,
    seconds: x.medianSeconds,
    baseline: x.contender === 'curl loop' || x.contender === 'latency floor',
  }));
  const cpu = scale
    .filter((x) => x.cpuPerConnectionMs !== null)
    .map((x) => ({
      contender: x.contender,
      connections: x.connections,
      ms: x.cpuPerConnectionMs,
      baseline: false,
    }));
  const lat = r.scale.latencyMs;
  const files: [string, Spec][] = [
    [
      'apply-time.svg',
      lineChart(
        `Apply of N new connections, ${lat} ms per API call (median wall time)`,
        time,
        'seconds',
        'seconds',
        true,
      ),
    ],
    [
      'apply-cpu.svg',
      lineChart(
        `CPU per connection, engine + providers (apply of N new, ${lat} ms)`,
        cpu,
        'ms',
        'CPU ms per connection',
        true,
      ),
    ],
  ];
  const written: string[] = [];
  for (const [name, spec] of files) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, await render(spec));
    written.push(file);
  }
  return written;
}
