/**
 * A user without Go: an app installs the packed main package plus this platform's packed provider package,
 * `qubitro-engine install` takes the engine from PATH (the image's Terraform 1.11.4, then OpenTofu) and the
 * provider from the platform package, and `cdktf deploy` creates the connection on the emulator, `init`
 * verifying the provider against the release's committed lock file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RunningEmulator, startEmulator } from '../../emulator';
import { selectEngine } from '../../engine/engine';
import { currentPlatform, platformPackageName } from '../../engine/platform';
import { FLAVOURS } from '../../tooling/flavour';
import {
  NpmRelease,
  PACKAGED_LOCK_DIR,
  ProviderRelease,
  releaseNpm,
  releaseProvider,
} from '../../tooling/release';
import { run, RunResult } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const { framework, cli, constructs } = FLAVOURS.cdktf;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-install-'));
let provider: ProviderRelease;
let npm: NpmRelease;

/** PATH without the folders holding `go` (and those holding any of `without`). */
function pathWithout(names: string[]): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !names.some((n) => fs.existsSync(path.join(dir, n))))
    .join(path.delimiter);
}

beforeAll(() => {
  // This platform only: the five-platform release is test/engine/release.test.ts's.
  provider = releaseProvider({ dir: path.join(tmp, 'release', 'provider'), platforms: [currentPlatform()!] });
  npm = releaseNpm(provider, path.join(tmp, 'release', 'npm'));
}, 600_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const engines: [string, string, () => string][] = [
  // The image's Terraform, found on PATH once tofu and go are not there.
  ['terraform', 'registry.terraform.io', () => pathWithout(['go', 'tofu'])],
  // The OpenTofu the suites built, put on a PATH that has no go.
  [
    'tofu',
    'registry.opentofu.org',
    () => [path.dirname(selectEngine('build').binary), pathWithout(['go', 'tofu'])].join(path.delimiter),
  ],
];

describe.each(engines)('an app with no Go, on %s', (engine, host, userPath) => {
  const dir = path.join(tmp, `app-${engine}`);
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator?.close());

  /** A CI shell in the app: `set -e`, this PATH, its own engine cache. */
  const sh = (script: string): Promise<RunResult> =>
    run('bash', ['-c', `set -euo pipefail\n${script}`], dir, {
      ...process.env,
      PATH: userPath(),
      QUBITRO_ENGINE_CACHE: path.join(dir, '.engine-cache'),
      CI: 'true',
      DISABLE_VERSION_CHECK: 'true',
      CHECKPOINT_DISABLE: '1',
      IOTFLOW_BASE_URL: emulator.baseUrl,
      TF_VAR_thingpark_client_secret: DEFAULT_CLIENT_SECRET,
      TF_VAR_qubitro_webhook_signing_key: 'install-test-signing-key-5e6f7a8b',
    });

  test(`npm install of the packed tarballs to a deployed connection, with the ${host} lock file committed`, async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'no-go-infra', private: true }));
    fs.writeFileSync(
      path.join(dir, 'cdktf.json'),
      JSON.stringify({
        language: 'typescript',
        app: 'npx tsx main.ts',
        output: 'cdktf.out',
        sendCrashReports: 'false',
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'main.ts'),
      [
        "import { App } from 'cdktf';",
        `import { QubitroProjectStack } from '${pkg.name}';`,
        'const app = new App();',
        "new QubitroProjectStack(app, 'farm', {",
        '  baseUrl: process.env.IOTFLOW_BASE_URL!,',
        `  clientId: ${JSON.stringify(DEFAULT_CLIENT_ID)},`,
        "  projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',",
        "  connections: [{ id: 'Uplinks', name: 'No-Go uplinks' }],",
        '});',
        'app.synth();',
        '',
      ].join('\n'),
    );
    const stack = path.join(dir, 'cdktf.out', 'stacks', 'farm');
    const lock = fs.readFileSync(path.join(provider.lockDir, host, '.terraform.lock.hcl'), 'utf8');
    const platformTarball = npm.platforms[platformPackageName(currentPlatform()!)];
    // cdktf looks the lock up under registry.terraform.io only, so with tofu it would go online to `providers
    // lock`: --skip-provider-lock skips that step, not init's verification against the lock file.
    const skipLock = engine === 'tofu' ? ' --skip-provider-lock' : '';

    const started = Date.now();
    const r = await sh(
      [
        // `set -e` ignores a `!` command: fail explicitly.
        'if command -v go; then echo "go is on PATH" >&2; exit 1; fi',
        'npm install --no-audit --no-fund --prefer-offline ' +
          `${npm.main} ${platformTarball} cdktf@${framework.version} constructs@${constructs.version}`,
        `npm install --no-audit --no-fund --prefer-offline --save-dev ${cli.package}@${cli.version} tsx@${pkg.devDependencies.tsx}`,
        // The committed lock file, copied where cdktf runs init (the README's steps): the package's copy of
        // the release's hashes for this engine's registry host.
        `mkdir -p cdktf.out/stacks/farm && cp node_modules/${pkg.name}/${PACKAGED_LOCK_DIR}/${host}/.terraform.lock.hcl cdktf.out/stacks/farm/`,
        'eval "$(npx qubitro-engine install)"',
        'npx qubitro-engine --check',
        `npx cdktf deploy farm --auto-approve${skipLock}`,
      ].join('\n'),
    );
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`[install] ${engine}: npm install to deployed in ${seconds.toFixed(0)} s\n`);

    if (r.code !== 0) throw new Error(`the app's steps failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
    expect(r.output).toContain(`engine: ${engine} `);
    expect(r.output).toContain('(from PATH)');
    expect(r.output).toContain(
      `provider: prebuilt, the release zip from the npm package ${platformPackageName(currentPlatform()!)}`,
    );
    expect(r.output).toMatch(/Apply complete! Resources: 1 added/);
    expect(
      emulator.requests().filter((c) => c.method === 'POST' && c.path.endsWith('/connections')),
    ).toHaveLength(1);
    // init verified the prebuilt zip against the committed hashes and had nothing to add to them.
    expect(fs.readFileSync(path.join(stack, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
  }, 600_000);
});
