/**
 * Builds, caches and locates the deployment engine: OpenTofu and the Terraform providers the constructs use,
 * compiled from Go modules (these machines reach the Go module proxy but no Terraform registry) and served
 * from a filesystem mirror through a CLI config file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const TOFU_VERSION = '1.12.6';

export interface ProviderBuild {
  /** Registry namespace/type, as in `required_providers`. */
  readonly source: string;
  readonly version: string;
  /** Go module path and the version (tag or pseudo-version) to fetch from the module proxy. */
  readonly module: string;
  readonly moduleVersion: string;
  /** `replace` directives for dependencies the proxy does not serve, relative to engine/. */
  readonly replace?: Record<string, string>;
}

export const PROVIDERS: readonly ProviderBuild[] = [
  {
    source: 'magodo/restful',
    version: '0.25.2',
    module: 'github.com/magodo/terraform-provider-restful',
    moduleVersion: 'v0.25.2',
    // A documentation-rendering library the provider imports but never calls while serving plans.
    replace: { 'github.com/magodo/terraform-plugin-framework-docs': 'stubs/terraform-plugin-framework-docs' },
  },
];

/** Registry hosts served from the mirror: OpenTofu's default, and Terraform's for a host `terraform` binary. */
const MIRROR_HOSTS = ['registry.opentofu.org', 'registry.terraform.io'];

/** Bump when the layout or the build recipe changes, so old caches are not reused. */
const LAYOUT_VERSION = 1;

export interface Engine {
  readonly dir: string;
  readonly binDir: string;
  /** The engine binary on PATH: `tofu`, or `terraform` when `QUBITRO_ENGINE_BINARY=terraform`. */
  readonly binaryName: string;
  readonly cliConfigFile: string;
  /** The environment to run cdktf or the engine with. */
  readonly env: Record<string, string>;
}

export function engineDir(): string {
  const root =
    process.env.QUBITRO_ENGINE_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdktf-thingpark-qubitro');
  const tag = [
    `v${LAYOUT_VERSION}`,
    `tofu-${TOFU_VERSION}`,
    ...PROVIDERS.map((p) => `${p.source.split('/')[1]}-${p.version}`),
  ];
  return path.join(root, `engine-${tag.join('_')}`);
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
    },
  };
}

function isInstalled(dir: string): boolean {
  return (
    fs.existsSync(path.join(dir, 'bin', 'tofu')) &&
    fs.existsSync(path.join(dir, 'cli.tfrc')) &&
    PROVIDERS.every((p) => MIRROR_HOSTS.every((h) => fs.existsSync(mirrorPath(dir, h, p))))
  );
}

/** The installed engine, or undefined when it has not been built yet. */
export function findEngine(): Engine | undefined {
  const dir = engineDir();
  return isInstalled(dir) ? resolveEngine(dir) : undefined;
}

type Log = (message: string) => void;

function goEnv(): NodeJS.ProcessEnv {
  // The machine's Go is new enough for both modules; never let `go` fetch another toolchain.
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

function buildTofu(work: string, binDir: string, log: Log): void {
  log(`building OpenTofu ${TOFU_VERSION} (several minutes and ~2 GB of memory the first time)`);
  const src = fetchModule('github.com/opentofu/opentofu', `v${TOFU_VERSION}`, work, log);
  // `go install` refuses modules with replace directives; building inside the module honours them.
  const ldflags = "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'";
  run(
    'go',
    ['build', '-trimpath', '-ldflags', ldflags, '-o', path.join(binDir, 'tofu'), './cmd/tofu'],
    src,
    log,
  );
}

function buildProvider(p: ProviderBuild, work: string, out: string, log: Log): void {
  log(`building provider ${p.source} ${p.version}`);
  const src = fetchModule(p.module, p.moduleVersion, work, log);
  const replacements = Object.entries(p.replace ?? {});
  for (const [from, to] of replacements) {
    run('go', ['mod', 'edit', '-replace', `${from}=${path.join(__dirname, to)}`], src, log);
  }
  // A local replacement is missing from go.sum, which -mod=mod lets the build fill in.
  const mode = replacements.length ? ['-mod=mod'] : [];
  run('go', ['build', ...mode, '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], src, log);
}

function writeCliConfig(file: string, dir: string): void {
  const sources = PROVIDERS.flatMap((p) => MIRROR_HOSTS.map((h) => `"${h}/${p.source.toLowerCase()}"`)).join(
    ', ',
  );
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
export function installEngine(log: Log = (m) => process.stderr.write(`${m}\n`)): Engine {
  const dir = engineDir();
  if (isInstalled(dir)) return resolveEngine(dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  const started = Date.now();
  while (!tryLock(lock)) {
    if (Date.now() - started > 30 * 60_000)
      throw new Error(`engine: ${lock} is held for over 30 min; remove it`);
    if (Date.now() - started < 1000) log(`engine: another process is building it; waiting for ${lock}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    if (isInstalled(dir)) return resolveEngine(dir);
  }
  try {
    // Build into a temporary folder and rename it, so an interrupted build never looks installed.
    const staging = `${dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    const work = path.join(staging, 'work');
    const binDir = path.join(staging, 'bin');
    fs.mkdirSync(work, { recursive: true });
    fs.mkdirSync(binDir, { recursive: true });
    buildTofu(work, binDir, log);
    for (const p of PROVIDERS) {
      const out = mirrorPath(staging, MIRROR_HOSTS[0], p);
      buildProvider(p, work, out, log);
      for (const host of MIRROR_HOSTS.slice(1)) {
        fs.mkdirSync(path.dirname(mirrorPath(staging, host, p)), { recursive: true });
        fs.linkSync(out, mirrorPath(staging, host, p));
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
    writeCliConfig(path.join(staging, 'cli.tfrc'), dir);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    log(`engine ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${dir}`);
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

function processAlive(pid: number): boolean {
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
