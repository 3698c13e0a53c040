/**
 * Finds or builds the deployment engine and serves the project's own `iotflow` provider to it from a filesystem
 * mirror through a CLI config file (these machines reach no Terraform registry).
 *
 * The engine: `tofu` or `terraform` (1.11 or newer: write-only attributes and ephemeral variables) found on
 * PATH, or OpenTofu built from source with the ordinary `go` client (the test suites need OpenTofu's state
 * encryption, so they ask for `build`). The provider: the release zip of the platform package installed beside
 * this one (`terraform-provider-iotflow-<os>-<cpu>`, no Go needed), served as a packed mirror so that the
 * `h1:`/`zh:` hashes match the release; else built from `provider/` with Go.
 *
 * Cache layout (outside the repository, so it survives a fresh clone):
 *   tofu-<version>/tofu                       OpenTofu, built once per version (minutes)
 *   provider-<type>-<version>-<key>/<binary>  a provider built with Go, keyed on a hash of its source (seconds)
 *   engine-<key>/{bin,mirror,cli.tfrc}        the engine binary linked into bin/, the mirror, the CLI config
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../src/wire-format';
import { currentPlatform, platformId, platformPackageName, releaseZipName } from './platform';

export const TOFU_VERSION = '1.12.6';

/** The oldest tofu and terraform with write-only attributes and ephemeral variables, which the stacks use. */
export const MIN_ENGINE_VERSION = '1.11.0';

export interface ProviderBuild {
  /** Registry namespace/type, as in `required_providers`. */
  readonly source: string;
  readonly version: string;
  /** A Go module to fetch from the module proxy at `moduleVersion`, or a local source folder. */
  readonly module?: string;
  readonly moduleVersion?: string;
  readonly dir?: string;
  /** `replace` directives for dependencies the proxy does not serve, relative to the package root. */
  readonly replace?: Record<string, string>;
}

/**
 * The package root, whether this file runs from the sources (engine/) or from the built package
 * (lib/engine/): the folder that holds the provider's Go sources and engine/stubs, shipped beside lib/.
 */
function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'provider', 'go.mod'))) return dir;
  }
  throw new Error(`engine: the provider's Go sources (provider/go.mod) are not found above ${__dirname}`);
}

/** The project's own provider, built from `provider/` (its address and version: `provider/registry.json`). */
export const IOTFLOW_PROVIDER: ProviderBuild = {
  source: PROVIDER_SOURCE,
  version: PROVIDER_VERSION,
  dir: path.join(packageRoot(), 'provider'),
};

/** magodo/restful, the generic REST provider 0.1 ran on: built only as the benchmark's peer baseline. */
export const RESTFUL_PROVIDER: ProviderBuild = {
  source: 'magodo/restful',
  version: '0.25.2',
  module: 'github.com/magodo/terraform-provider-restful',
  moduleVersion: 'v0.25.2',
  // A documentation-rendering library the provider imports but never calls while serving plans.
  replace: {
    'github.com/magodo/terraform-plugin-framework-docs': 'engine/stubs/terraform-plugin-framework-docs',
  },
};

/** Registry hosts served from the mirror: OpenTofu's default, and Terraform's for a `terraform` engine. */
export const MIRROR_HOSTS = ['registry.opentofu.org', 'registry.terraform.io'];

/** Bump when the layout or the build recipe changes, so old caches are not reused. */
const LAYOUT_VERSION = 3;

export type EngineKind = 'tofu' | 'terraform';
/** `tofu`/`terraform`: that binary from PATH; `build`: OpenTofu from source; `auto`: tofu, terraform, build. */
export type EngineChoice = EngineKind | 'build' | 'auto';
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'tofu', 'terraform', 'build'];

/** The engine binary to run, and why it was chosen. */
export interface EngineSelection {
  readonly kind: EngineKind;
  /** Its absolute path, or where the built OpenTofu goes. */
  readonly binary: string;
  readonly version: string;
  /** `path`: found on PATH; `build`: OpenTofu built from source by this installer. */
  readonly origin: 'path' | 'build';
  readonly reason: string;
}

/** Where the provider comes from: the platform package's release zip, or a Go build of its sources. */
export interface ProviderSource {
  readonly kind: 'prebuilt' | 'built';
  /** The release zip (prebuilt) or the source folder (built). */
  readonly path: string;
  readonly detail: string;
}

export interface Engine {
  readonly dir: string;
  readonly binDir: string;
  /** The engine binary on PATH: `tofu` or `terraform`. */
  readonly binaryName: EngineKind;
  readonly selection: EngineSelection;
  readonly provider: ProviderSource;
  /** The filesystem mirror the CLI config serves the providers from. */
  readonly mirror: string;
  readonly cliConfigFile: string;
  /** The environment to run cdktf or the engine with. */
  readonly env: Record<string, string>;
}

export interface EngineOptions {
  /** Which engine; default `build` (OpenTofu from source: the suites and the bench need OpenTofu). */
  readonly engine?: EngineChoice;
  /** Extra providers to mirror besides `iotflow` (the benchmark adds restful); always built with Go. */
  readonly extraProviders?: readonly ProviderBuild[];
  readonly log?: Log;
}

type Log = (message: string) => void;

/** Where the engine (and the test tooling's Node toolchains) are cached, outside the repository. */
export function cacheRoot(): string {
  return (
    process.env.QUBITRO_ENGINE_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdktf-thingpark-qubitro')
  );
}

/** The files a Go build reads; anything else under provider/ (a stray binary, an editor file) is ignored. */
const SOURCE_FILE = /(\.go|^go\.mod|^go\.sum|\.json)$/;

/** Every source file under `dir` (paths and contents) in one digest: a source change means a rebuild. */
function sourceHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    for (const entry of fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && SOURCE_FILE.test(entry.name))
        hash.update(`${child}\0`).update(fs.readFileSync(path.join(dir, child)));
    }
  };
  walk('.');
  return hash.digest('hex').slice(0, 12);
}

const shortHash = (text: string | Buffer) => createHash('sha256').update(text).digest('hex').slice(0, 12);

function providerKey(p: ProviderBuild): string {
  const type = p.source.split('/')[1];
  return `${type}-${p.version}-${p.dir ? sourceHash(p.dir) : p.moduleVersion}`;
}

function providersOf(options: EngineOptions): ProviderBuild[] {
  return [IOTFLOW_PROVIDER, ...(options.extraProviders ?? [])];
}

/** The platform this process runs on, as the engines name it (`linux_amd64`). */
function enginePlatform(): string {
  const p = currentPlatform();
  if (!p) {
    throw new Error(
      `engine: unsupported platform ${process.platform}/${process.arch}; ` +
        'linux, darwin (amd64, arm64) or windows (amd64) is needed',
    );
  }
  return platformId(p);
}

function providerBinaryName(p: ProviderBuild): string {
  return `terraform-provider-${p.source.split('/')[1]}_v${p.version}`;
}

/** The unpacked mirror layout, for a provider built here. */
function mirrorPath(dir: string, host: string, p: ProviderBuild): string {
  return path.join(
    dir,
    'mirror',
    host,
    p.source.toLowerCase(),
    p.version,
    enginePlatform(),
    providerBinaryName(p),
  );
}

/** The packed mirror layout: the release zip itself, so the engines record the release's own hashes. */
function packedMirrorPath(dir: string, host: string, zip: string): string {
  return path.join(dir, 'mirror', host, IOTFLOW_PROVIDER.source.toLowerCase(), path.basename(zip));
}

/** Compares dotted versions numerically (`1.11.4` ≥ `1.11.0`); a pre-release suffix counts as its release. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  return true;
}

/** The first executable `name` on PATH, symlinks resolved, or undefined. */
function onPath(name: string): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return fs.realpathSync(candidate);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** `tofu`/`terraform` on PATH with its version, or why it is not there. */
function probe(kind: EngineKind): { binary?: string; version?: string; problem?: string } {
  const binary = onPath(kind);
  if (!binary) return { problem: `no ${kind} on PATH` };
  const r = spawnSync(binary, ['version', '-json'], {
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '' },
    timeout: 30_000,
  });
  try {
    const version = (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
    if (!versionAtLeast(version, MIN_ENGINE_VERSION))
      return {
        binary,
        version,
        problem: `${kind} ${version} at ${binary} is older than ${MIN_ENGINE_VERSION}`,
      };
    return { binary, version };
  } catch {
    return {
      binary,
      problem: `${binary} version -json did not answer (${(r.stderr ?? '').trim().slice(0, 200)})`,
    };
  }
}

/** Why 1.11: the stacks' secrets are write-only attributes fed from ephemeral variables. */
const NEEDS = `${MIN_ENGINE_VERSION.replace(/\.0$/, '')}+ (write-only attributes, ephemeral variables)`;

/** Which engine `choice` means on this machine, and why; throws when an explicit choice is not usable. */
export function selectEngine(choice: EngineChoice = 'build'): EngineSelection {
  const built = (reason: string): EngineSelection => ({
    kind: 'tofu',
    binary: path.join(cacheRoot(), `tofu-${TOFU_VERSION}`, 'tofu'),
    version: TOFU_VERSION,
    origin: 'build',
    reason,
  });
  if (choice === 'build')
    return built(`OpenTofu ${TOFU_VERSION} built from source, as asked (--engine build)`);
  const problems: string[] = [];
  for (const kind of ['tofu', 'terraform'] as const) {
    if (choice !== 'auto' && choice !== kind) continue;
    const found = probe(kind);
    if (found.binary && found.version && !found.problem) {
      const why =
        choice !== 'auto'
          ? `as asked (--engine ${kind})`
          : `${[...problems, `${kind} is ${NEEDS}`].join(', and ')}`;
      return {
        kind,
        binary: found.binary,
        version: found.version,
        origin: 'path',
        reason: `${kind} ${found.version} at ${found.binary}: ${why}`,
      };
    }
    problems.push(found.problem!);
  }
  if (choice !== 'auto') {
    throw new Error(
      `engine: --engine ${choice} needs ${choice} ${NEEDS} on PATH, but ${problems.join('; ')}. ` +
        'Install it, or use --engine build to build OpenTofu from source (Go 1.26+, minutes).',
    );
  }
  return built(
    `${problems.join(', and ')} (the stacks need ${NEEDS}): building OpenTofu ${TOFU_VERSION} from source`,
  );
}

/** The platform package's release zip when it is installed beside this package, else the Go sources. */
export function findProviderSource(): ProviderSource {
  const p = currentPlatform();
  if (p) {
    const name = platformPackageName(p);
    try {
      const pkg = require.resolve(`${name}/package.json`, { paths: [packageRoot()] });
      const zip = path.join(path.dirname(pkg), releaseZipName(p));
      if (fs.existsSync(zip))
        return { kind: 'prebuilt', path: zip, detail: `the release zip from the npm package ${name}` };
    } catch {
      // not installed (a development checkout, or a platform npm skipped): fall back to Go
    }
  }
  return {
    kind: 'built',
    path: IOTFLOW_PROVIDER.dir!,
    detail: 'built from provider/ with Go (no prebuilt platform package is installed)',
  };
}

function engineDirFor(
  selection: EngineSelection,
  provider: ProviderSource,
  providers: readonly ProviderBuild[],
) {
  const engineKey =
    selection.origin === 'build'
      ? `tofu-${TOFU_VERSION}`
      : `${selection.kind}-${selection.version}-${shortHash(selection.binary)}`;
  const iotflowKey =
    provider.kind === 'prebuilt'
      ? `iotflow-${PROVIDER_VERSION}-zip-${shortHash(fs.readFileSync(provider.path))}`
      : providerKey(providers[0]);
  const keys = [`v${LAYOUT_VERSION}`, engineKey, iotflowKey, ...providers.slice(1).map(providerKey)];
  return path.join(cacheRoot(), `engine-${keys.join('_')}`);
}

/** The mirror entries an engine folder holds: the packed zip or the built binary, under both hosts. */
function mirrorEntries(dir: string, provider: ProviderSource, providers: readonly ProviderBuild[]): string[] {
  return MIRROR_HOSTS.flatMap((h) =>
    providers.map((p, i) =>
      i === 0 && provider.kind === 'prebuilt'
        ? packedMirrorPath(dir, h, provider.path)
        : mirrorPath(dir, h, p),
    ),
  );
}

function resolveEngine(dir: string, selection: EngineSelection, provider: ProviderSource): Engine {
  const binDir = path.join(dir, 'bin');
  const cliConfigFile = path.join(dir, 'cli.tfrc');
  const pathVar = [binDir, process.env.PATH ?? ''].join(path.delimiter);
  return {
    dir,
    binDir,
    binaryName: selection.kind,
    selection,
    provider,
    mirror: path.join(dir, 'mirror'),
    cliConfigFile,
    env: {
      PATH: pathVar,
      TF_CLI_CONFIG_FILE: cliConfigFile,
      TERRAFORM_BINARY_NAME: selection.kind,
      CHECKPOINT_DISABLE: '1',
      // A missing TF_VAR_… fails at once instead of waiting at a prompt no one sees (CI, cdktf deploy).
      TF_INPUT: '0',
      // cdktf (and cdktn) otherwise point TF_PLUGIN_CACHE_DIR at ~/.terraform.d/plugin-cache, where another
      // build of the same provider version (a Go build, an earlier release) makes init refuse this one.
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
    },
  };
}

function isInstalled(
  dir: string,
  selection: EngineSelection,
  provider: ProviderSource,
  providers: readonly ProviderBuild[],
) {
  return (
    fs.existsSync(path.join(dir, 'bin', selection.kind)) &&
    fs.existsSync(path.join(dir, 'cli.tfrc')) &&
    mirrorEntries(dir, provider, providers).every((f) => fs.existsSync(f))
  );
}

/** What `qubitro-engine --check` reports: the engine chosen and why, the provider's source, the mirror. */
export function engineStatus(options: EngineOptions = {}): {
  selection: EngineSelection;
  provider: ProviderSource;
  dir: string;
  installed: boolean;
} {
  const selection = selectEngine(options.engine);
  const provider = findProviderSource();
  const providers = providersOf(options);
  const dir = engineDirFor(selection, provider, providers);
  return { selection, provider, dir, installed: isInstalled(dir, selection, provider, providers) };
}

/** The installed engine, or undefined when it has not been assembled (or its provider source changed since). */
export function findEngine(options: EngineOptions = {}): Engine | undefined {
  const { selection, provider, dir, installed } = engineStatus(options);
  return installed ? resolveEngine(dir, selection, provider) : undefined;
}

export function goEnv(): NodeJS.ProcessEnv {
  // The machine's Go is new enough for every module; never let `go` fetch another toolchain.
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' };
}

function run(cmd: string, args: string[], cwd: string, log: Log): string {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd, env: goEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw new Error(`engine: cannot run ${cmd}: ${result.error.message}. Install Go 1.26 or newer.`);
  }
  if (result.status !== 0) {
    throw new Error(`engine: \`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${result.stderr.slice(-4000)}`);
  }
  log(`  ${cmd} ${args[0]} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.stdout;
}

/** Copies a module out of the read-only module cache so it can be built with its own go.mod. */
function fetchModule(module: string, version: string, into: string, log: Log): string {
  log(`  downloading ${module}@${version} from the Go module proxy`);
  const info = JSON.parse(run('go', ['mod', 'download', '-json', `${module}@${version}`], into, log)) as {
    Dir?: string;
    Error?: string;
  };
  if (!info.Dir)
    throw new Error(`engine: the Go module proxy did not serve ${module}@${version}: ${info.Error}`);
  const src = path.join(into, path.basename(module));
  fs.cpSync(info.Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  return src;
}

/**
 * Runs `build` into a staging folder of this process renamed into place at the end, so a half-built one
 * never counts, and of two processes assembling the same folder the second simply finds it there.
 */
function buildOnce(target: string, what: string, log: Log, build: (staging: string) => void): void {
  if (fs.existsSync(target)) return;
  const started = Date.now();
  const staging = `${target}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  build(staging);
  try {
    fs.renameSync(staging, target);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw err;
  }
  log(`${what} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function buildTofu(log: Log): string {
  const target = path.join(cacheRoot(), `tofu-${TOFU_VERSION}`);
  buildOnce(target, `OpenTofu ${TOFU_VERSION}`, log, (staging) => {
    log(`building OpenTofu ${TOFU_VERSION} (several minutes and ~2 GB of memory the first time)`);
    const src = fetchModule('github.com/opentofu/opentofu', `v${TOFU_VERSION}`, staging, log);
    // `go install` refuses modules with replace directives; building inside the module honours them.
    const ldflags = "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'";
    run(
      'go',
      ['build', '-trimpath', '-ldflags', ldflags, '-o', path.join(staging, 'tofu'), './cmd/tofu'],
      src,
      log,
    );
    fs.rmSync(src, { recursive: true, force: true });
  });
  return path.join(target, 'tofu');
}

function buildProvider(p: ProviderBuild, log: Log): string {
  const target = path.join(cacheRoot(), `provider-${providerKey(p)}`);
  const out = (staging: string) => path.join(staging, providerBinaryName(p));
  buildOnce(target, `provider ${p.source} ${p.version}`, log, (staging) => {
    log(`building provider ${p.source} ${p.version}`);
    if (p.dir) {
      run('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out(staging), '.'], p.dir, log);
      return;
    }
    const src = fetchModule(p.module!, p.moduleVersion!, staging, log);
    const replacements = Object.entries(p.replace ?? {});
    for (const [from, to] of replacements) {
      run('go', ['mod', 'edit', '-replace', `${from}=${path.join(packageRoot(), to)}`], src, log);
    }
    // A local replacement is missing from go.sum, which -mod=mod lets the build fill in.
    const mode = replacements.length ? ['-mod=mod'] : [];
    run('go', ['build', ...mode, '-trimpath', '-ldflags', '-s -w', '-o', out(staging), '.'], src, log);
    fs.rmSync(src, { recursive: true, force: true });
  });
  return out(target);
}

function writeCliConfig(file: string, dir: string, providers: readonly ProviderBuild[]): void {
  const sources = providers
    .flatMap((p) => MIRROR_HOSTS.map((h) => `"${h}/${p.source.toLowerCase()}"`))
    .join(', ');
  fs.writeFileSync(
    file,
    [
      '# Written by cdktf-thingpark-qubitro qubitro-engine install: providers come from the local mirror only.',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = "${path.join(dir, 'mirror')}"`,
      `    include = [${sources}]`,
      '  }',
      '  direct {',
      `    exclude = [${sources}]`,
      '  }',
      '}',
      'disable_checkpoint = true',
      '',
    ].join('\n'),
  );
}

/** Copies a prebuilt zip, or hard-links a binary built here, to `to`. */
function place(from: string, to: string, copy: boolean): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (copy) fs.copyFileSync(from, to);
  else fs.linkSync(from, to);
}

/**
 * Finds or builds what is missing, then returns the engine. Safe to call from several processes at once: Go
 * builds take a lock, and each folder appears whole or not at all.
 */
export function installEngine(options: EngineOptions = {}): Engine {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const providers = providersOf(options);
  const { selection, provider, dir, installed } = engineStatus(options);
  log(`engine: ${selection.reason}`);
  log(
    `provider ${IOTFLOW_PROVIDER.source} ${IOTFLOW_PROVIDER.version}: ${provider.kind}, ${provider.detail}`,
  );
  if (installed) return resolveEngine(dir, selection, provider);
  const assemble = () => {
    const binary = selection.origin === 'build' ? buildTofu(log) : selection.binary;
    const sources = providers.map((p, i) =>
      i === 0 && provider.kind === 'prebuilt' ? provider.path : buildProvider(p, log),
    );
    buildOnce(dir, 'engine', log, (staging) => {
      fs.mkdirSync(path.join(staging, 'bin'));
      fs.symlinkSync(binary, path.join(staging, 'bin', selection.kind));
      const entries = mirrorEntries(staging, provider, providers);
      // The zip is copied: the engine folder must outlive the node_modules it came from.
      entries.forEach((entry, i) => place(sources[i % providers.length], entry, entry.endsWith('.zip')));
      writeCliConfig(path.join(staging, 'cli.tfrc'), dir, providers);
    });
  };
  const needsGo = selection.origin === 'build' || provider.kind === 'built' || providers.length > 1;
  if (needsGo) withBuildLock(log, () => isInstalled(dir, selection, provider, providers), assemble);
  else assemble();
  return resolveEngine(dir, selection, provider);
}

/** Runs `build` holding the cache's build lock, unless `done()` turns true while waiting for it. */
function withBuildLock(log: Log, done: () => boolean, build: () => void): void {
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const lock = path.join(cacheRoot(), 'build.lock');
  const started = Date.now();
  while (!tryLock(lock)) {
    if (Date.now() - started > 30 * 60_000)
      throw new Error(`engine: ${lock} is held for over 30 min; remove it`);
    if (Date.now() - started < 1000) log(`engine: another process is building it; waiting for ${lock}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    if (done()) return;
  }
  try {
    build();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    // A lock left by a killed process would block forever: take it over when its owner is gone.
    const pid = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    if (pid && !processAlive(pid)) {
      fs.rmSync(lock, { recursive: true, force: true });
      return tryLock(lock);
    }
    return false;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `export NAME='value'` lines for `eval "$(npm run --silent engine:install)"`. */
export function exportLines(engine: Engine): string {
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  // PATH extends the caller's own PATH, not the one npm ran this script with.
  return Object.entries(engine.env)
    .map(([k, v]) =>
      k === 'PATH' ? `export PATH=${quote(engine.binDir)}:"$PATH"` : `export ${k}=${quote(v)}`,
    )
    .join('\n');
}
