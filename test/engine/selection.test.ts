/** Which engine `qubitro-engine install` uses on a machine, and why: tofu, terraform, or OpenTofu from source. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MIN_ENGINE_VERSION, selectEngine, TOFU_VERSION, versionAtLeast } from '../../engine/engine';
import { run } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const dirs: string[] = [];
const savedPath = process.env.PATH;

/** A PATH of fake engines, each answering `version -json` with its version. */
function fakePath(engines: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-fake-engines-'));
  dirs.push(dir);
  for (const [name, version] of Object.entries(engines)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho '{"terraform_version":"${version}","platform":"linux_amd64"}'\n`);
    fs.chmodSync(file, 0o755);
  }
  return dir;
}

afterEach(() => {
  process.env.PATH = savedPath;
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('selectEngine', () => {
  test('auto takes tofu from PATH when it is 1.11 or newer, even with terraform there too', () => {
    const dir = fakePath({ tofu: '1.11.2', terraform: '1.11.4' });
    process.env.PATH = dir;
    const s = selectEngine('auto');
    expect(s).toMatchObject({
      kind: 'tofu',
      version: '1.11.2',
      origin: 'path',
      binary: path.join(dir, 'tofu'),
    });
    expect(s.reason).toContain('tofu is 1.11+ (write-only attributes, ephemeral variables)');
  });

  test('auto takes terraform when tofu is too old, and says so', () => {
    const dir = fakePath({ tofu: '1.10.7', terraform: '1.11.4' });
    process.env.PATH = dir;
    const s = selectEngine('auto');
    expect(s).toMatchObject({ kind: 'terraform', version: '1.11.4', origin: 'path' });
    expect(s.reason).toContain(
      `tofu 1.10.7 at ${path.join(dir, 'tofu')} is older than ${MIN_ENGINE_VERSION}`,
    );
  });

  test('auto builds OpenTofu when neither engine on PATH is new enough', () => {
    process.env.PATH = fakePath({ terraform: '1.10.5' });
    const s = selectEngine('auto');
    expect(s).toMatchObject({ kind: 'tofu', version: TOFU_VERSION, origin: 'build' });
    expect(s.reason).toMatch(
      /^no tofu on PATH, and terraform 1\.10\.5 at .* is older than 1\.11\.0 \(the stacks need 1\.11\+ .*\): building OpenTofu/,
    );
  });

  test('build builds OpenTofu even with a usable tofu on PATH', () => {
    process.env.PATH = fakePath({ tofu: '1.12.0' });
    expect(selectEngine('build')).toMatchObject({ kind: 'tofu', origin: 'build' });
  });

  test('an explicit engine that is not on PATH fails with the way on', () => {
    process.env.PATH = fakePath({ tofu: '1.12.0' });
    expect(() => selectEngine('terraform')).toThrow(
      /--engine terraform needs terraform 1\.11\+ .* on PATH, but no terraform on PATH\. .*--engine build/,
    );
  });

  test('versions compare numerically', () => {
    expect(versionAtLeast('1.11.0', '1.11.0')).toBe(true);
    expect(versionAtLeast('1.12.0-beta1', '1.11.0')).toBe(true);
    expect(versionAtLeast('1.9.9', '1.11.0')).toBe(false);
    expect(versionAtLeast('2.0.0', '1.11.0')).toBe(true);
  });
});

describe('qubitro-engine --engine', () => {
  test('an engine it does not know is refused, with `false` for eval', async () => {
    const r = await run(
      tsx,
      [path.join(root, 'engine/cli.ts'), 'install', '--engine', 'pulumi'],
      root,
      process.env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('false\n');
    expect(r.stderr).toContain('--engine must be one of auto, tofu, terraform, build, got "pulumi"');
  });

  test('--check names the engine auto found on PATH and why, without installing it', async () => {
    const dir = fakePath({ terraform: '1.11.4' });
    const env = { ...process.env, PATH: `${dir}:${path.dirname(process.execPath)}` };
    const r = await run(process.execPath, [tsx, path.join(root, 'engine/cli.ts'), '--check'], root, env);
    expect(r.stdout).toContain('engine: terraform 1.11.4 (from PATH)\n');
    expect(r.stdout).toContain(`binary: ${path.join(dir, 'terraform')}\n`);
    expect(r.stdout).toContain('why: terraform 1.11.4 at');
    expect(r.stdout).toMatch(/^provider: (built|prebuilt), /m);
    expect(r.stdout).toMatch(/^mirror: .*\/engine-[^/]+\/mirror/m);
  });
});
