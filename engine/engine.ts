/**
 * Builds, caches and locates the deployment engine: OpenTofu and the project's own `iotflow` provider,
 * compiled with the ordinary `go` client (these machines reach the Go module proxy but no Terraform registry)
 * and served from a filesystem mirror through a CLI config file.
 *
 * Cache layout (outside the repository, so it survives a fresh clone):
 *   tofu-<version>/tofu                       OpenTofu, built once per version (minutes)
 *   provider-<type>-<version>-<key>/<binary>  a provider, keyed on a hash of its source (seconds)
 *   engine-<key>/{bin,mirror,cli.tfrc}        links to those, one folder per combination
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROVIDER_SOURCE, PROVIDER_VERSION } from '../src/wire-format';

export const TOFU_VERSION = '1.12.6';

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

/** Registry hosts served from the mirror: OpenTofu's default, and Terraform's for a host `terraform` binary. */
const MIRROR_HOSTS = ['registry.opentofu.org', 'registry.terraform.io'];

/** Bump when the layout or the build recipe changes, so old caches are not reused. */
const LAYOUT_VERSION = 2;

export interface Engine {
  readonly dir: string;
  readonly binDir: string;
  /** The engine binary on PATH: `tofu`, or `terraform` when `QUBITRO_ENGINE_BINARY=terraform`. */
  readonly binaryName: string;
  readonly cliConfigFile: string;
  /** The environment to run cdktf or the engine with. */
  readonly env: Record<string, string>;
}

export interface EngineOptions {
  /** Extra providers to mirror besides `iotflow` (the benchmark adds restful). */
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

function providerKey(p: ProviderBuild): string {
  const type = p.source.split('/')[1];
  return `${type}-${p.version}-${p.dir ? sourceHash(p.dir) : p.moduleVersion}`;
}

function engineDirFor(providers: readonly ProviderBuild[]): string {
  const keys = [`v${LAYOUT_VERSION}`, `tofu-${TOFU_VERSION}`, ...providers.map(providerKey)];
  return path.join(cacheRoot(), `engine-${keys.join('_')}`);
}

function providersOf(options: EngineOptions): ProviderBuild[] {
  return [IOTFLOW_PROVIDER, ...(options.extraProviders ?? [])];
}

function platform(): string {
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  if (!arch || process.platform !== 'linux') {
    throw new Error(
      `engine: unsupported platform ${process.platform}/${process.arch}; linux amd64 or arm64 is needed`,
    );
  }
  return `linux_${arch}`;
}

function providerBinaryName(p: ProviderBuild): string {
  return `terraform-provider-${p.source.split('/')[1]}_v${p.version}`;
}

function mirrorPath(dir: string, host: string, p: ProviderBuild): string {
  return path.join(dir, 'mirror', host, p.source.toLowerCase(), p.version, platform(), providerBinaryName(p));
}

function resolveEngine(dir: string): Engine {
  const binDir = path.join(dir, 'bin');
  const binaryName = process.env.QUBITRO_ENGINE_BINARY === 'terraform' ? 'terraform' : 'tofu';
  const cliConfigFile = path.join(dir, 'cli.tfrc');
  const pathVar = [binDir, process.env.PATH ?? ''].join(path.delimiter);
  return {
    dir,
    binDir,
    binaryName,
    cliConfigFile,
    env: {
      PATH: pathVar,
      TF_CLI_CONFIG_FILE: cliConfigFile,
      TERRAFORM_BINARY_NAME: binaryName,
      CHECKPOINT_DISABLE: '1',
      // A missing TF_VAR_… fails at once instead of waiting at a prompt no one sees (CI, cdktf deploy).
      TF_INPUT: '0',
    },
  };
}

function isInstalled(dir: string, providers: readonly ProviderBuild[]): boolean {
  return (
    fs.existsSync(path.join(dir, 'bin', 'tofu')) &&
    fs.existsSync(path.join(dir, 'cli.tfrc')) &&
    providers.every((p) => MIRROR_HOSTS.every((h) => fs.existsSync(mirrorPath(dir, h, p))))
  );
}

/** What is built and what is not, for `qubitro-engine --check`. */
export function engineStatus(options: EngineOptions = {}): {
  parts: { name: string; installed: boolean; path: string }[];
  engine?: string;
} {
  const providers = providersOf(options);
  const tofu = path.join(cacheRoot(), `tofu-${TOFU_VERSION}`, 'tofu');
  const parts = [
    { name: `OpenTofu ${TOFU_VERSION}`, installed: fs.existsSync(tofu), path: tofu },
    ...providers.map((p) => {
      const binary = path.join(cacheRoot(), `provider-${providerKey(p)}`, providerBinaryName(p));
      return { name: `provider ${p.source} ${p.version}`, installed: fs.existsSync(binary), path: binary };
    }),
  ];
  return { parts, engine: findEngine(options)?.dir };
}

/** The installed engine, or undefined when it has not been built (or its provider source changed since). */
export function findEngine(options: EngineOptions = {}): Engine | undefined {
  const providers = providersOf(options);
  const dir = engineDirFor(providers);
  return isInstalled(dir, providers) ? resolveEngine(dir) : undefined;
}

function goEnv(): NodeJS.ProcessEnv {
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

/** Runs `build` into a staging folder renamed into place at the end, so a half-built one never counts. */
function buildOnce(target: string, what: string, log: Log, build: (staging: string) => void): void {
  if (fs.existsSync(target)) return;
  const started = Date.now();
  const staging = `${target}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  build(staging);
  fs.renameSync(staging, target);
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
      '# Written by cdktf-thingpark-qubitro engine:install: providers come from the local mirror only.',
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

/** Builds whatever is missing, then returns the engine. Safe to call from several processes at once. */
export function installEngine(options: EngineOptions = {}): Engine {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const providers = providersOf(options);
  const dir = engineDirFor(providers);
  if (isInstalled(dir, providers)) return resolveEngine(dir);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const lock = path.join(cacheRoot(), 'build.lock');
  const started = Date.now();
  while (!tryLock(lock)) {
    if (Date.now() - started > 30 * 60_000)
      throw new Error(`engine: ${lock} is held for over 30 min; remove it`);
    if (Date.now() - started < 1000) log(`engine: another process is building it; waiting for ${lock}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    if (isInstalled(dir, providers)) return resolveEngine(dir);
  }
  try {
    const tofu = buildTofu(log);
    const binaries = providers.map((p) => buildProvider(p, log));
    buildOnce(dir, 'engine', log, (staging) => {
      fs.mkdirSync(path.join(staging, 'bin'));
      fs.symlinkSync(tofu, path.join(staging, 'bin', 'tofu'));
      providers.forEach((p, i) => {
        for (const host of MIRROR_HOSTS) {
          const link = mirrorPath(staging, host, p);
          fs.mkdirSync(path.dirname(link), { recursive: true });
          fs.linkSync(binaries[i], link);
        }
      });
      writeCliConfig(path.join(staging, 'cli.tfrc'), dir, providers);
    });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return resolveEngine(dir);
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
