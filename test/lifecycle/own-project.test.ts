/**
 * The README's "Use it in your own project", from its own code blocks (so the two cannot drift), in a new
 * folder per flavour: the packed library and the dependencies the README names, its cdktf.json, the minimal
 * example as main.ts, the emulator's variables, `qubitro-engine install`, `cdktf deploy` (cdktn: `cdktn
 * deploy` on Node 22) to the emulator and `qubitro-review`, then a re-plan with no changes, and a deploy with a
 * missing secret that fails instead of prompting; the package's subpaths, as packed, load in the app. Then the
 * cdktf app, moved to cdktn with the README's one line, deploys nothing. Only three things differ from the
 * README's text: the tarball's path (the `PACKAGE=` line), the emulator (the test's own, on a free port,
 * instead of `npx iotflow-emulator --port 8787`), and the cdktn app's names (cdktf → cdktn).
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
const ENGINE = 'eval "$(npx qubitro-engine install)"';
const README_EMULATOR = 'http://127.0.0.1:8787';
const STACK = 'farm-sensors';
const { cdktf, cdktn } = FLAVOURS;

/** The fenced code blocks under a `## ` heading of the README, in order. */
function readmeBlocks(heading: string): { lang: string; code: string }[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md: no section "## ${heading}"`);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

/** The README's steps, each checked for what the test relies on. */
const README = (() => {
  const [checkout, install, cdktfJson, emulatorEnv, deploy, ci] = readmeBlocks('Use it in your own project');
  const mainTs = readmeBlocks('A minimal example').find((b) => b.lang === 'ts');
  const expectIn = (what: string, text: string | undefined, part: string) => {
    if (!text?.includes(part)) throw new Error(`README.md's ${what} block should contain "${part}"`);
  };
  expectIn('checkout', checkout?.code, 'npm pack');
  expectIn('install', install?.code, `\nnpm install "$PACKAGE" `);
  expectIn('install', install?.code, `tsx@${pkg.devDependencies.tsx}`);
  expectIn('cdktf.json', cdktfJson?.lang === 'json' ? cdktfJson.code : undefined, '"app": "npx tsx main.ts"');
  expectIn('emulator', emulatorEnv?.code, `IOTFLOW_BASE_URL=${README_EMULATOR}/iot-flow/v1`);
  expectIn('emulator', emulatorEnv?.code, `IOTFLOW_CLIENT_ID=${DEFAULT_CLIENT_ID}`);
  expectIn('emulator', emulatorEnv?.code, `TF_VAR_thingpark_client_secret=${DEFAULT_CLIENT_SECRET}`);
  expectIn('deploy', deploy?.code, `${ENGINE}`);
  expectIn('deploy', deploy?.code, `npx cdktf deploy ${STACK} --auto-approve`);
  expectIn('CI', ci?.code, `npx cdktf deploy ${STACK} --auto-approve`);
  expectIn('minimal example', mainTs?.code, `new QubitroProjectStack(app, '${STACK}'`);
  const signingKey = /TF_VAR_qubitro_webhook_signing_key=(\S+)/.exec(emulatorEnv.code)?.[1];
  return {
    install: install.code,
    cdktfJson: cdktfJson.code,
    mainTs: mainTs!.code,
    emulatorEnv: emulatorEnv.code,
    deploy: deploy.code,
    /** The CI block's settings (its `export` lines), without its deploy. */
    quiet: ci.code
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .join('\n'),
    signingKey: signingKey!,
  };
})();

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
        ...env,
      }),
    );
  }

  /** The README's emulator block, pointed at this app's emulator. */
  public get emulatorEnv(): string {
    return README.emulatorEnv.replaceAll(README_EMULATOR, this.emulator.url);
  }

  /** The README's install block, cdktf.json and main.ts (cdktn: the same, named after cdktn). */
  public async create(tarball: string): Promise<void> {
    this.emulator = await startEmulator();
    const { framework, cli, constructs } = this.flavour;
    const write = (file: string, text: string) => fs.writeFileSync(path.join(this.dir, file), text);
    write('cdktf.json', README.cdktfJson);
    write('main.ts', this.named(README.mainTs));
    const install =
      this.flavour === cdktf
        ? README.install.replace(/^PACKAGE=.*$/m, `PACKAGE=${tarball}`)
        : `npm init -y >/dev/null\nnpm install ${tarball} ${framework.package}@${framework.version} constructs@${constructs.version}\n` +
          `npm install --save-dev ${cli.package}@${cli.version} tsx@${pkg.devDependencies.tsx}`;
    // Offline first: the registry is only asked for what the machine's npm cache lacks.
    expectOk(
      await this.sh(install, {
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      }),
    );
  }

  /** `text` with the package and framework names of this app's flavour. */
  public named(text: string): string {
    if (this.flavour === cdktf) return text;
    return text
      .replaceAll(`'${cdktf.framework.package}'`, `'${this.flavour.framework.package}'`)
      .replaceAll(`'${cdktf.packageName}'`, `'${this.flavour.packageName}'`)
      .replaceAll(`npx ${cdktf.cli.binary} `, `npx ${this.flavour.cli.binary} `);
  }

  /**
   * The README's emulator block, its CI settings and its deploy block (deploy, then `qubitro-review`), then a
   * plan in the stack: exit 0 when nothing is left to change.
   */
  public deployAndReplan(flavour = this.flavour): Promise<RunResult> {
    const deploy =
      flavour === this.flavour
        ? this.named(README.deploy)
        : README.deploy.replaceAll('npx cdktf ', `npx ${flavour.cli.binary} `);
    return this.sh(
      `${this.emulatorEnv}\n${README.quiet}\n${deploy}\n` +
        `cd cdktf.out/stacks/${STACK} && "$TERRAFORM_BINARY_NAME" plan -detailed-exitcode -no-color`,
      {},
      flavour,
    );
  }

  /** The POSTs the emulator received to create a connection. */
  public creations() {
    return this.emulator.requests().filter((c) => c.method === 'POST' && c.path.endsWith('/connections'));
  }

  /** The framework version the stack's metadata names: which framework synthesized it. */
  public synthesizedBy(): string {
    const stack = path.join(this.dir, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json');
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
    const r = expectOk(await app.deployAndReplan());
    expect(r.output).toMatch(/Apply complete! Resources: 1 added/);
    expect(r.output).toMatch(/No changes/);
    expect(app.creations()).toHaveLength(1);
    expect(r.output).not.toContain(README.signingKey);
    // The README's quiet CI settings: no colour code (ESC), no spinner frame (braille dots).
    expect(r.output).not.toContain('\u001b');
    expect(r.output).not.toMatch(/[\u2800-\u28ff]/);
  }, 300_000);

  test(`the stack was synthesized by ${framework.package} ${framework.version}`, () => {
    expect(app.synthesizedBy()).toBe(framework.version);
  });

  test("the README's qubitro-review wrote review.md, without a secret", () => {
    const review = fs.readFileSync(path.join(app.dir, 'review.md'), 'utf8');
    expect(review).toContain('Farm sensors to Qubitro');
    expect(review).toContain('TF_VAR_qubitro_webhook_signing_key');
    expect(review).not.toContain(README.signingKey);
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
    const r = await app.sh(
      `${ENGINE}\nnpx ${cli.binary} deploy ${STACK} --auto-approve --skip-provider-lock`,
      {
        IOTFLOW_BASE_URL: app.emulator.baseUrl,
        IOTFLOW_CLIENT_ID: DEFAULT_CLIENT_ID,
        TF_VAR_thingpark_client_secret: DEFAULT_CLIENT_SECRET,
      },
    );
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
    const r = expectOk(await app.deployAndReplan(cdktn));
    expect(r.output).toMatch(/Resources: 0 added, 0 changed, 0 destroyed/);
    expect(app.creations()).toHaveLength(1);
    expect(app.synthesizedBy()).toBe(cdktn.framework.version);
  }, 300_000);
});
