/**
 * The Node toolchain a flavour's CLI needs when this machine's Node is too old for it: `cdktn-cli` 0.24
 * needs Node 22.19+ (on Node 20 it crashes: `util.markAsUncloneable is not a function`). Node comes from
 * the npm registry's `node-linux-<arch>` package, and the CLI is installed with that Node by `npm ci` from
 * the committed tooling/toolchain/<flavour>/package.json and package-lock.json, both into the engine's cache
 * folder, once:
 *
 *   toolchain-node-<version>_<cli>-<version>_<key>/bin/node                     Node
 *   toolchain-node-<version>_<cli>-<version>_<key>/cli/node_modules/.bin/<cli>  the CLI, its framework, constructs
 *
 * keyed on a hash of the lockfile and the Node version, so a changed lock or Node installs a new one.
 *
 * The package.json pins the flavour table's versions (test/tooling/flavour.test.ts checks it). After changing
 * one in both places, regenerate the lockfile with the toolchain's own Node and npm:
 *
 *   npx tsx tooling/cli.ts lock cdktn
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheRoot, processAlive } from '../engine/engine';
import { Flavour, REPO_ROOT, sourcesEnv } from './flavour';

/** Bump when the layout or the install recipe changes, so old toolchains are not reused. */
const LAYOUT_VERSION = 2;

/**
 * npm's options for the toolchain, the same when locking and installing, so that both follow one peer rule.
 * Legacy peers: jsii and jsii-pacmak, the CLI's peers for `get` and `convert` (never synth, deploy or
 * destroy), come with its dependencies anyway, and automatic peers would add jsii-pacmak's own jsii and
 * jsii-rosetta 6 (~30 MB). The peers those commands do load, the framework and constructs, are listed in
 * the package.json.
 */
const NPM_OPTIONS = ['--no-audit', '--no-fund', '--legacy-peer-deps'];

export interface Toolchain {
  readonly dir: string;
  /** The folder of its `node`, to put first on PATH for the CLI and the apps it starts. */
  readonly binDir: string;
  /** The flavour's CLI binary. */
  readonly cli: string;
}

type Log = (message: string) => void;

/** The committed package.json and package-lock.json the toolchain of `flavour` is installed from. */
export function toolchainPackage(flavour: Flavour): string {
  return path.join(REPO_ROOT, 'tooling', 'toolchain', flavour.name);
}

function toolchainDir(flavour: Flavour): string {
  const { cli, node } = withNode(flavour);
  const key = createHash('sha256')
    .update(JSON.stringify([LAYOUT_VERSION, node]))
    .update(fs.readFileSync(path.join(toolchainPackage(flavour), 'package-lock.json')))
    .digest('hex')
    .slice(0, 12);
  return path.join(cacheRoot(), `toolchain-node-${node}_${cli.package}-${cli.version}_${key}`);
}

function withNode(flavour: Flavour): Flavour & { node: string } {
  if (!flavour.node) throw new Error(`toolchain: ${flavour.name} runs on this machine's Node, it has none`);
  return flavour as Flavour & { node: string };
}

function toolchainAt(dir: string, flavour: Flavour): Toolchain {
  return {
    dir,
    binDir: path.join(dir, 'bin'),
    cli: path.join(dir, 'cli', 'node_modules', '.bin', flavour.cli.binary),
  };
}

function withPathFirst(binDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: [binDir, env.PATH ?? ''].join(path.delimiter) };
}

/** The installed toolchain of `flavour`; fails, saying how to get it, when it is missing. */
export function requireToolchain(flavour: Flavour): Toolchain {
  const dir = toolchainDir(flavour);
  if (!fs.existsSync(dir))
    throw new Error(
      `The Node ${flavour.node} toolchain for ${flavour.cli.package} is not installed: ` +
        `run \`npm run toolchain:install\` (npm test does it first).`,
    );
  return toolchainAt(dir, flavour);
}

/** `base` as a user of `flavour` has it: the Node its CLI needs first on PATH (none for cdktf). */
export function userEnv(flavour: Flavour, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return flavour.node ? withPathFirst(requireToolchain(flavour).binDir, base) : base;
}

export interface FlavourCli {
  readonly bin: string;
  /** `base` with what the CLI and the sources need on that flavour: its Node first on PATH, its tsconfig. */
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/**
 * The flavour's CLI as tests and the demo run it on this repository's sources: `node_modules/.bin/cdktf`, or
 * the toolchain's CLI on its Node, with `tsx` resolving `cdktf` to the flavour.
 */
export function cliOf(flavour: Flavour): FlavourCli {
  const bin = flavour.node
    ? requireToolchain(flavour).cli
    : path.join(REPO_ROOT, 'node_modules', '.bin', flavour.cli.binary);
  return { bin, env: (base) => userEnv(flavour, { ...base, ...sourcesEnv(flavour) }) };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`toolchain: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`toolchain: \`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${r.stderr.slice(-4000)}`);
  return r.stdout;
}

function nodePackage(): string {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  if (!arch || process.platform !== 'linux')
    throw new Error(
      `toolchain: no Node package for ${process.platform}/${process.arch}; linux x64 or arm64 is needed`,
    );
  return `node-linux-${arch}`;
}

/** Removes staging folders of installs whose process is gone (killed half-way). */
function removeAbandoned(dir: string): void {
  const prefix = `${path.basename(dir)}.partial-`;
  for (const name of fs.readdirSync(path.dirname(dir))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(path.dirname(dir), name), { recursive: true, force: true });
  }
}

/** Downloads Node `version` to `dir`/bin/node; returns the environment with it first on PATH. */
function downloadNode(dir: string, version: string, log: Log): NodeJS.ProcessEnv {
  const node = `${nodePackage()}@${version}`;
  log(`downloading Node ${version} (${node} from the npm registry)`);
  const tarball = run('npm', ['pack', node, '--silent'], dir).trim().split('\n').pop()!;
  run('tar', ['xzf', tarball, '--strip-components=1', 'package/bin/node'], dir);
  fs.rmSync(path.join(dir, tarball));
  const env = withPathFirst(path.join(dir, 'bin'), process.env);
  const runs = run('node', ['--version'], dir, env).trim();
  if (runs !== `v${version}`) throw new Error(`toolchain: ${node} runs as ${runs}, not v${version}`);
  return env;
}

/**
 * Installs the toolchain of `flavour` when missing (about half a minute, progress on `log`), then returns it.
 * It is built in a staging folder of this process and renamed into place, so a killed install never counts,
 * and two processes installing at once both end with the same complete one.
 */
export function installToolchain(
  flavour: Flavour,
  log: Log = (m) => process.stderr.write(`${m}\n`),
): Toolchain {
  const { cli, node: version } = withNode(flavour);
  const dir = toolchainDir(flavour);
  if (fs.existsSync(dir)) return toolchainAt(dir, flavour);
  const started = Date.now();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  removeAbandoned(dir);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const cliDir = path.join(staging, 'cli');
  fs.mkdirSync(cliDir, { recursive: true });
  try {
    const env = downloadNode(staging, version, log);
    log(`installing ${cli.package} ${cli.version} with it, from its lockfile`);
    for (const file of ['package.json', 'package-lock.json'])
      fs.copyFileSync(path.join(toolchainPackage(flavour), file), path.join(cliDir, file));
    run('npm', ['ci', '--prefer-offline', ...NPM_OPTIONS], cliDir, env);
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process may have finished the same install first.
    if (fs.existsSync(dir)) return toolchainAt(dir, flavour);
    throw err;
  }
  log(
    `Node ${version} and ${cli.package} ${cli.version} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return toolchainAt(dir, flavour);
}

/**
 * Rewrites the package-lock.json of the toolchain of `flavour` from its package.json, resolved by npm on the
 * toolchain's Node (downloaded to a temporary folder); returns the lockfile's path.
 */
export function lockToolchain(flavour: Flavour, log: Log): string {
  const { node: version } = withNode(flavour);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-toolchain-lock-'));
  try {
    const env = downloadNode(tmp, version, log);
    log(`resolving ${path.relative(REPO_ROOT, toolchainPackage(flavour))}/package.json with it`);
    run('npm', ['install', '--package-lock-only', ...NPM_OPTIONS], toolchainPackage(flavour), env);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return path.join(toolchainPackage(flavour), 'package-lock.json');
}
