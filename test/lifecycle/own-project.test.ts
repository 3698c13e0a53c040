/**
 * The README's "Use it in your own project", step by step, in a new folder per flavour: the packed library
 * and the dependencies it names, `qubitro-engine install`, `cdktf deploy` (cdktn: `cdktn deploy` on Node 22)
 * to the emulator, a re-plan with no changes, `qubitro-review`, and a deploy with a missing secret that fails
 * fast instead of prompting; the package's subpaths, as packed, load in the app. Then the cdktf app, moved to
 * cdktn with the README's one line, deploys nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, RunningEmulator, startEmulator } from '../../emulator';
import { Flavour, FLAVOURS, FlavourName } from '../../tooling/flavour';
import { userEnv } from '../../tooling/node';
import { run, RunResult } from '../support/engine';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const SIGNING_KEY = 'own-project-signing-key-4d3c2b1a';
const ENGINE = 'eval "$(npx qubitro-engine install)"';
const { cdktf, cdktn } = FLAVOURS;

const secrets = {
  TF_VAR_thingpark_client_secret: DEFAULT_CLIENT_SECRET,
  TF_VAR_qubitro_webhook_signing_key: SIGNING_KEY,
};

/**
 * Run by `node -e` in an app: requires $PACKAGE's /review and lists the framework files then in
 * require.cache, then requires its /emulator.
 */
const SUBPATHS_PROBE = [
  "const review = require(process.env.PACKAGE + '/review');",
  String.raw`const frameworks = Object.keys(require.cache).filter((f) => /\/node_modules\/cdkt[fn]\//.test(f));`,
  "const emulator = require(process.env.PACKAGE + '/emulator');",
  'console.log(JSON.stringify({',
  '  reviewMarkdown: typeof review.reviewMarkdown,',
  '  startEmulator: typeof emulator.startEmulator,',
  '  frameworks,',
  '}));',
].join('\n');

/** An app folder of one flavour, with its own emulator. */
class OwnApp {
  public readonly dir: string;
  public emulator!: RunningEmulator;

  constructor(public readonly flavour: Flavour) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `qubitro-own-project-${flavour.name}-`));
  }

  /** A shell in the app, as a user of `flavour` runs it in CI: `set -e`, no terminal, no prompt. */
  public sh(script: string, env: Record<string, string> = {}, flavour = this.flavour): Promise<RunResult> {
    return run(
      'bash',
      ['-c', `set -euo pipefail\n${script}`],
      this.dir,
      // cdktn: Node 22 first on PATH, as its users have it.
      userEnv(flavour, {
        ...process.env,
        CI: 'true',
        DISABLE_VERSION_CHECK: 'true',
        CHECKPOINT_DISABLE: '1',
        IOTFLOW_BASE_URL: this.emulator.baseUrl,
        ...env,
      }),
    );
  }

  /** The README's steps: package.json, cdktf.json, the minimal example, and its dependencies. */
  public async create(tarball: string): Promise<void> {
    this.emulator = await startEmulator();
    const { framework, cli, constructs } = this.flavour;
    const write = (file: string, text: string) => fs.writeFileSync(path.join(this.dir, file), text);
    write('package.json', JSON.stringify({ name: 'my-iot-infra', private: true }));
    write(
      'cdktf.json',
      JSON.stringify({
        language: 'typescript',
        app: 'npx tsx main.ts',
        output: 'cdktf.out',
        sendCrashReports: 'false',
      }),
    );
    write(
      'main.ts',
      [
        `import { App } from '${framework.package}';`,
        `import { QubitroProjectStack } from '${this.flavour.packageName}';`,
        '',
        'const app = new App();',
        "new QubitroProjectStack(app, 'farm', {",
        '  baseUrl: process.env.IOTFLOW_BASE_URL!,',
        `  clientId: ${JSON.stringify(DEFAULT_CLIENT_ID)},`,
        "  projectId: 'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4',",
        "  connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],",
        '});',
        'app.synth();',
        '',
      ].join('\n'),
    );
    const npmInstall = 'npm install --no-audit --no-fund --prefer-offline';
    expectOk(
      await this.sh(
        `${npmInstall} ${tarball} ${framework.package}@${framework.version} constructs@${constructs.version}\n` +
          `${npmInstall} --save-dev ${cli.package}@${cli.version} tsx@${pkg.devDependencies.tsx}`,
      ),
    );
  }

  /** `<cli> deploy farm`, then `tofu plan -detailed-exitcode` in the stack: 0 when nothing is left to change. */
  public deployAndReplan(flavour = this.flavour): Promise<RunResult> {
    return this.sh(
      `${ENGINE}\nnpx ${flavour.cli.binary} deploy farm --auto-approve --skip-provider-lock\n` +
        'cd cdktf.out/stacks/farm && tofu plan -detailed-exitcode -no-color',
      secrets,
      flavour,
    );
  }

  /** The POSTs the emulator received to create a connection. */
  public creations() {
    return this.emulator.requests().filter((c) => c.method === 'POST' && c.path.endsWith('/connections'));
  }

  /** The framework version the stack's metadata names: which framework synthesized it. */
  public synthesizedBy(): string {
    const stack = path.join(this.dir, 'cdktf.out', 'stacks', 'farm', 'cdk.tf.json');
    return JSON.parse(fs.readFileSync(stack, 'utf8'))['//'].metadata.version;
  }

  public async dispose(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
    await this.emulator?.close();
  }
}

function expectOk(r: RunResult): RunResult {
  if (r.code !== 0) throw new Error(`failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
  return r;
}

const apps = { cdktf: new OwnApp(cdktf), cdktn: new OwnApp(cdktn) };
const tarballs = {} as Record<FlavourName, string>;

beforeAll(async () => {
  // As published: the root package (`prepare` builds lib/), then the cdktn one built from that lib/.
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-packages-'));
  const packed = expectOk(
    await run(
      'bash',
      [
        '-c',
        `set -euo pipefail\nnpm pack --pack-destination ${dest} --silent\n` +
          `npm run --silent build:cdktn >/dev/null\ncd flavours/cdktn && npm pack --pack-destination ${dest} --silent`,
      ],
      root,
      process.env,
    ),
  );
  for (const { name, packageName } of [cdktf, cdktn]) {
    const tarball = packed.stdout
      .split('\n')
      .find((l) => l.startsWith(`${packageName}-`) && l.endsWith('.tgz'));
    tarballs[name] = path.join(dest, tarball!);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app.dispose()));
  fs.rmSync(path.dirname(tarballs.cdktf), { recursive: true, force: true });
});

describe.each(Object.values(apps))('an app on $flavour.packageName', (app) => {
  const { cli, framework } = app.flavour;

  beforeAll(() => app.create(tarballs[app.flavour.name]), 600_000);

  test(`${cli.binary} deploy creates the connection, and a second deploy changes nothing`, async () => {
    const r = await app.deployAndReplan();
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/Apply complete! Resources: 1 added/);
    expect(r.output).toMatch(/No changes/);
    expect(app.creations()).toHaveLength(1);
    expect(r.output).not.toContain(SIGNING_KEY);
  }, 300_000);

  test(`the stack was synthesized by ${framework.package} ${framework.version}`, () => {
    expect(app.synthesizedBy()).toBe(framework.version);
  });

  test('qubitro-review summarizes the synthesized stacks without a secret', async () => {
    const r = await app.sh('npx qubitro-review --out cdktf.out');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Farm uplinks');
    expect(r.stdout).toContain('TF_VAR_qubitro_webhook_signing_key');
    expect(r.output).not.toContain(SIGNING_KEY);
  });

  test('the /review and /emulator subpaths load in the app, and /review loads no framework file', async () => {
    const r = expectOk(
      await app.sh('node -e "$SUBPATHS_PROBE"', { PACKAGE: app.flavour.packageName, SUBPATHS_PROBE }),
    );
    expect(JSON.parse(r.stdout)).toEqual({
      reviewMarkdown: 'function',
      startEmulator: 'function',
      frameworks: [],
    });
  });

  // No time bound: a busy machine stretches a deploy past any; a deploy that waited on a prompt would fail on
  // the test's timeout, and one that prompted and gave up would show the prompt.
  test('a deploy with a missing secret variable fails naming it, instead of prompting', async () => {
    const r = await app.sh(`${ENGINE}\nnpx ${cli.binary} deploy farm --auto-approve --skip-provider-lock`, {
      TF_VAR_thingpark_client_secret: DEFAULT_CLIENT_SECRET,
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/qubitro_webhook_signing_key/);
    expect(r.output).not.toMatch(/Enter a value/);
  }, 300_000);
});

describe("the cdktf app, moved to cdktn with the README's line", () => {
  const app = apps.cdktf;

  beforeAll(async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npm uninstall cdktf-thingpark-qubitro '));
    if (!line) throw new Error("README.md: no line starting with 'npm uninstall cdktf-thingpark-qubitro '");
    // The package comes from its tarball, as in the other steps; the rest of the line runs as written.
    const install = `npm install ${cdktn.packageName} `;
    if (!line.includes(install)) throw new Error(`README.md's line should contain "${install}"`);
    expectOk(await app.sh(line.replace(install, `npm install ${tarballs.cdktn} `), {}, cdktn));
  }, 300_000);

  test('imports cdktn and cdktn-thingpark-qubitro', () => {
    const imports = fs.readFileSync(path.join(app.dir, 'main.ts'), 'utf8').match(/from '[^']+'/g);
    expect(imports).toEqual([`from '${cdktn.framework.package}'`, `from '${cdktn.packageName}'`]);
  });

  test('cdktn deploy then changes nothing: the same state, the same logical ids', async () => {
    const r = await app.deployAndReplan(cdktn);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/Resources: 0 added, 0 changed, 0 destroyed/);
    expect(app.creations()).toHaveLength(1);
    expect(app.synthesizedBy()).toBe(cdktn.framework.version);
  }, 300_000);
});
