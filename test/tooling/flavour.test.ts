/**
 * The flavour table against the root package.json and the cdktn toolchain's, the cdktn sources environment in
 * a tsx child process, and the cdktn build on a small built package: what it derives, what it copies, what it
 * rewrites, and when it refuses.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFlavour, FLAVOURS, REPO_ROOT, sourcesEnv } from '../../tooling/flavour';
import { toolchainPackage } from '../../tooling/node';

const rootPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const { cdktf, cdktn } = FLAVOURS;

describe('the flavour table', () => {
  it('describes the root package.json as the cdktf flavour', () => {
    expect({
      name: rootPackage.name,
      peers: rootPackage.peerDependencies,
      node: rootPackage.engines.node,
    }).toEqual({
      name: cdktf.packageName,
      peers: { cdktf: cdktf.framework.peerRange, constructs: cdktf.constructs.peerRange },
      node: cdktf.nodeEngine,
    });
  });

  it('names the framework, CLI and constructs versions this repository installs for its tests', () => {
    const dev = rootPackage.devDependencies;
    expect([dev.cdktf, dev['cdktf-cli'], dev.cdktn, dev.constructs]).toEqual([
      cdktf.framework.version,
      cdktf.cli.version,
      cdktn.framework.version,
      cdktn.constructs.version,
    ]);
  });

  // After a version change in both, `npx tsx tooling/cli.ts lock cdktn` regenerates the lockfile.
  const toolchain = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(toolchainPackage(cdktn), file), 'utf8'));
  const pinned = {
    [cdktn.cli.package]: cdktn.cli.version,
    [cdktn.framework.package]: cdktn.framework.version,
    constructs: cdktn.constructs.version,
  };

  it("names the CLI, framework and constructs versions the cdktn toolchain's package.json pins", () => {
    expect(toolchain('package.json').dependencies).toStrictEqual(pinned);
  });

  it("names the versions the cdktn toolchain's lockfile installs", () => {
    const { packages } = toolchain('package-lock.json');
    const locked = Object.keys(pinned).map((name) => [name, packages[`node_modules/${name}`]?.version]);
    expect(Object.fromEntries(locked)).toStrictEqual(pinned);
  });
});

describe("the cdktn flavour's sources environment", () => {
  // Jest project cdktn runs the examples' tsx child processes with it (test/support/cdktn.ts); were it to stop
  // resolving cdktf to cdktn there, they would synthesize with cdktf and still pass.
  it("makes a tsx child process resolve src/framework.ts's cdktf to cdktn", () => {
    const probe = [
      "const { TerraformStack } = require('./src/framework');",
      "const frameworks = ['cdktf', 'cdktn'].filter(",
      "  (p) => require(process.cwd() + '/node_modules/' + p).TerraformStack === TerraformStack,",
      ');',
      "process.stdout.write(frameworks.join(', '));",
    ].join('\n');
    const resolved = execFileSync('npx', ['tsx', '-e', probe], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...sourcesEnv(cdktn) },
      encoding: 'utf8',
      stdio: 'pipe',
      // Seconds on a quiet machine: the bound only stops a hang, with room for a busy one.
      timeout: 240_000,
    });
    expect(resolved).toBe(cdktn.framework.package);
  });
});

describe('the cdktn build', () => {
  let root: string;
  let out: string;

  /** A built package as `npm run build` leaves it: a framework module and a module that uses it. */
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'flavour-build-'));
    out = path.join(root, 'flavours', 'cdktn');
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write(
      'package.json',
      JSON.stringify({
        name: 'cdktf-thingpark-qubitro',
        version: '9.8.7',
        description: 'CDKTF constructs for tests',
        keywords: ['cdktf', 'qubitro'],
        main: 'lib/src/index.js',
        bin: { 'qubitro-review': 'lib/src/cli.js' },
        files: ['lib/src', 'schema'],
        engines: { node: '>=20' },
        scripts: { build: 'tsc' },
        peerDependencies: { cdktf: '^0.21.0', constructs: '^10.4.2' },
        dependencies: { zod: '4.6.7' },
        devDependencies: { jest: '30.5.2' },
      }),
    );
    write('lib/src/framework.js', 'var cdktf_1 = require("cdktf");\nexports.App = cdktf_1.App;\n');
    write('lib/src/framework.d.ts', "export { App } from 'cdktf';\n");
    write('lib/src/index.js', 'const framework_1 = require("./framework");\n');
    write('lib/src/cli.js', '#!/usr/bin/env node\n');
    write('schema/environments.schema.json', '{}\n');
    write('README.md', '# Readme\n');
    write('test/unshipped.test.ts', '');
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const read = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');

  it("writes the root's package.json under the cdktn name, description, keywords, peers and Node engine", () => {
    buildFlavour(cdktn, root, out);
    expect(JSON.parse(read('package.json'))).toStrictEqual({
      name: 'cdktn-thingpark-qubitro',
      version: '9.8.7',
      description: 'CDK Terrain (cdktn) constructs for tests',
      keywords: ['cdktn', 'qubitro'],
      main: 'lib/src/index.js',
      bin: { 'qubitro-review': 'lib/src/cli.js' },
      files: ['lib/src', 'schema'],
      engines: { node: '>=22.19.0' },
      peerDependencies: { cdktn: '~0.24.0', constructs: '>=10.6.0 <10.8.0' },
      dependencies: { zod: '4.6.7' },
    });
  });

  it('copies exactly the files npm packs from the root', () => {
    buildFlavour(cdktn, root, out);
    const files = fs
      .readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(path.join(out, f)).isFile());
    expect(files.sort()).toEqual([
      'README.md',
      'lib/src/cli.js',
      'lib/src/framework.d.ts',
      'lib/src/framework.js',
      'lib/src/index.js',
      'package.json',
      'schema/environments.schema.json',
    ]);
    expect(read('lib/src/index.js')).toBe('const framework_1 = require("./framework");\n');
  });

  it('opens the README with which package and framework it is for', () => {
    buildFlavour(cdktn, root, out);
    expect(read('README.md')).toBe(
      '> **`cdktn-thingpark-qubitro`** is the CDK Terrain (cdktn) flavour of `cdktf-thingpark-qubitro`, for ' +
        'apps on `cdktn` 0.24.0 with the `cdktn` CLI: the same constructs. Below, read `cdktf` as `cdktn` and ' +
        '`cdktf-thingpark-qubitro` as `cdktn-thingpark-qubitro`; "CDK Terrain (cdktn)" says what differs.\n\n' +
        '# Readme\n',
    );
  });

  it("points the framework module's require and type export at cdktn", () => {
    buildFlavour(cdktn, root, out);
    expect([read('lib/src/framework.js'), read('lib/src/framework.d.ts')]).toEqual([
      'var cdktf_1 = require("cdktn");\nexports.App = cdktf_1.App;\n',
      "export { App } from 'cdktn';\n",
    ]);
  });

  it('refuses a framework module that requires cdktf twice', () => {
    fs.appendFileSync(path.join(root, 'lib/src/framework.js'), 'require("cdktf/lib/testing");\n');
    expect(() => buildFlavour(cdktn, root, out)).toThrow(
      'lib/src/framework.js should import cdktf once, found 2',
    );
  });

  it('refuses another compiled file that still imports cdktf, and keeps the previous build', () => {
    buildFlavour(cdktn, root, out);
    fs.writeFileSync(path.join(root, 'lib/src/index.d.ts'), "import type { App } from 'cdktf';\n");
    expect(() => buildFlavour(cdktn, root, out)).toThrow(
      'these compiled files still import cdktf, outside the framework module: lib/src/index.d.ts',
    );
    expect(fs.existsSync(path.join(out, 'lib/src/index.d.ts'))).toBe(false);
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });
});
