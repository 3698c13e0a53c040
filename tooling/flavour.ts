/**
 * The two flavours of the package, one table of everything that differs between them, and the build of the
 * CDK Terrain one. The same compiled `lib/` ships twice: as `cdktf-thingpark-qubitro` (the root package.json,
 * for cdktf 0.21) and as `cdktn-thingpark-qubitro` (written to flavours/cdktn/ by `npm run build:cdktn`), whose
 * only changed code is `lib/src/framework.{js,d.ts}` requiring `cdktn` instead of `cdktf`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type FlavourName = 'cdktf' | 'cdktn';

export interface Flavour {
  readonly name: FlavourName;
  /** The npm package users install. */
  readonly packageName: string;
  /** How the package description names the framework. */
  readonly title: string;
  /** The framework library: the version tested here, and the peer range users get. */
  readonly framework: { readonly package: string; readonly version: string; readonly peerRange: string };
  readonly cli: { readonly package: string; readonly version: string; readonly binary: string };
  /**
   * constructs: the version an app of this flavour installs (test/lifecycle/own-project.test.ts), and the
   * peer range.
   */
  readonly constructs: { readonly version: string; readonly peerRange: string };
  /** The package's `engines.node`: the CLI's own requirement, which every app of that flavour meets. */
  readonly nodeEngine: string;
  /** The Node the CLI runs on in tests, from the npm registry (tooling/node.ts); undefined: this machine's. */
  readonly node?: string;
  /** A tsconfig whose `paths` resolve `cdktf` to this flavour, for tsx running the sources and examples. */
  readonly tsconfig?: string;
}

export const FLAVOURS: Readonly<Record<FlavourName, Flavour>> = {
  cdktf: {
    name: 'cdktf',
    packageName: 'cdktf-thingpark-qubitro',
    title: 'CDKTF',
    framework: { package: 'cdktf', version: '0.21.0', peerRange: '^0.21.0' },
    cli: { package: 'cdktf-cli', version: '0.21.0', binary: 'cdktf' },
    // The lowest in range, which cdktf-cli 0.21 pins itself; this repository's own tests run on cdktn's.
    constructs: { version: '10.4.2', peerRange: '^10.4.2' },
    nodeEngine: '>=20',
  },
  cdktn: {
    name: 'cdktn',
    packageName: 'cdktn-thingpark-qubitro',
    title: 'CDK Terrain (cdktn)',
    // Pre-1.0: a minor release may break, so the range stays within the tested 0.24 line.
    framework: { package: 'cdktn', version: '0.24.0', peerRange: '~0.24.0' },
    cli: { package: 'cdktn-cli', version: '0.24.0', binary: 'cdktn' },
    // Also this repository's devDependency: inside both flavours' ranges, so one install tests both.
    constructs: { version: '10.7.2', peerRange: '>=10.6.0 <10.8.0' },
    nodeEngine: '>=22.19.0',
    node: '22.23.5',
    tsconfig: 'tsconfig.cdktn.json',
  },
};

export const REPO_ROOT = path.resolve(__dirname, '..');

/** The environment in which `tsx` runs this repository's sources on `flavour` (tsx reads TSX_TSCONFIG_PATH). */
export function sourcesEnv(flavour: Flavour): Record<string, string> {
  return flavour.tsconfig ? { TSX_TSCONFIG_PATH: path.join(REPO_ROOT, flavour.tsconfig) } : {};
}

/** The compiled module that names the framework (src/framework.ts), relative to the package root. */
const FRAMEWORK_MODULE = 'lib/src/framework';

/**
 * A `require`, `import` or `from` of the module `name` or one of its files, in compiled JS or .d.ts: $1 is
 * what comes before the name, $3 what follows it.
 */
function moduleReference(name: string): RegExp {
  return new RegExp(
    `((?:\\b(?:require|import)\\s*\\(\\s*|\\bfrom\\s+|\\bimport\\s+)(['"]))${name}((?:/[^'"]*)?\\2)`,
    'g',
  );
}

type PackageJson = Record<string, unknown> & { description: string; keywords?: string[] };

/** The flavour's package.json: the root one with its name, description, peers and Node engine swapped. */
function flavourPackageJson(root: PackageJson, flavour: Flavour): Record<string, unknown> {
  const base = FLAVOURS.cdktf;
  if (!root.description.startsWith(`${base.title} `))
    throw new Error(`flavour: package.json's description should start with "${base.title} "`);
  // Scripts and dev dependencies build and test this repository; the flavour is only what ships.
  const shipped: Record<string, unknown> = { ...root };
  delete shipped.scripts;
  delete shipped.devDependencies;
  return {
    ...shipped,
    name: flavour.packageName,
    description: flavour.title + root.description.slice(base.title.length),
    keywords: root.keywords?.map((k) => (k === base.framework.package ? flavour.framework.package : k)),
    peerDependencies: {
      [flavour.framework.package]: flavour.framework.peerRange,
      constructs: flavour.constructs.peerRange,
    },
    engines: { ...(root.engines as object), node: flavour.nodeEngine },
  };
}

/** The files `npm pack` ships from `root` (its `files`, README, CHANGELOG, LICENSE…), without package.json. */
function packedFiles(root: string): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`flavour: npm pack --dry-run failed in ${root}:\n${r.stderr}`);
  const [packed] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return packed.files.map((f) => f.path).filter((f) => f !== 'package.json');
}

/** Points the framework module at `flavour`; fails unless it names `cdktf` exactly once per file. */
function rewriteFramework(dir: string, flavour: Flavour): void {
  const from = FLAVOURS.cdktf.framework.package;
  for (const ext of ['.js', '.d.ts']) {
    const file = path.join(dir, FRAMEWORK_MODULE + ext);
    if (!fs.existsSync(file))
      throw new Error(`flavour: ${FRAMEWORK_MODULE + ext} is missing: run npm run build`);
    const text = fs.readFileSync(file, 'utf8');
    const found = text.match(moduleReference(from))?.length ?? 0;
    if (found !== 1)
      throw new Error(`flavour: ${FRAMEWORK_MODULE + ext} should import ${from} once, found ${found}`);
    fs.writeFileSync(file, text.replace(moduleReference(from), `$1${flavour.framework.package}$3`));
  }
}

/** Every compiled file under `lib/` that still requires or imports the cdktf package. */
function cdktfReferences(dir: string): string[] {
  const lib = path.join(dir, 'lib');
  return fs
    .readdirSync(lib, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(c?js|d\.ts)$/.test(f))
    .filter((f) =>
      moduleReference(FLAVOURS.cdktf.framework.package).test(fs.readFileSync(path.join(lib, f), 'utf8')),
    )
    .map((f) => path.join('lib', f));
}

function readmeBanner(rootPackage: PackageJson, flavour: Flavour): string {
  const { framework, cli } = flavour;
  return (
    `> **\`${flavour.packageName}\`** is the ${flavour.title} flavour of \`${rootPackage.name}\`, for apps on ` +
    `\`${framework.package}\` ${framework.version} with the \`${cli.binary}\` CLI: the same constructs. Below, read ` +
    `\`${FLAVOURS.cdktf.framework.package}\` as \`${framework.package}\` and \`${rootPackage.name}\` as ` +
    `\`${flavour.packageName}\`; "CDK Terrain (cdktn)" says what differs.\n\n`
  );
}

/**
 * Writes the package of `flavour` into `outDir` from the built package at `root` (after `npm run build`):
 * the files the root ships, a derived package.json, and the framework module rewritten. Fails, leaving
 * `outDir` as it was, when the framework module does not hold exactly one cdktf import or another compiled
 * file still names cdktf.
 */
export function buildFlavour(
  flavour: Flavour,
  root = REPO_ROOT,
  outDir = path.join(root, 'flavours', flavour.name),
): string {
  if (flavour.name === 'cdktf')
    throw new Error('flavour: cdktf is the root package itself; nothing to build');
  const staging = `${outDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const file of packedFiles(root)) {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(staging, file));
  }
  const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
  fs.writeFileSync(
    path.join(staging, 'package.json'),
    `${JSON.stringify(flavourPackageJson(rootPackage, flavour), null, 2)}\n`,
  );
  // The README is the root package's: its registry page first says which package this is.
  const readme = path.join(staging, 'README.md');
  if (fs.existsSync(readme))
    fs.writeFileSync(readme, readmeBanner(rootPackage, flavour) + fs.readFileSync(readme, 'utf8'));
  try {
    rewriteFramework(staging, flavour);
    const left = cdktfReferences(staging);
    if (left.length)
      throw new Error(
        `flavour: these compiled files still import cdktf, outside the framework module: ${left.join(', ')}`,
      );
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(staging, outDir);
  return outDir;
}
