/**
 * The provider released the way registries publish providers, and the npm packages that carry it to users who
 * have no Go (`npm run release`, scripts/release.ts):
 *
 *   release/provider/  terraform-provider-iotflow_<v>_<os>_<arch>.zip per platform (CGO_ENABLED=0
 *                      cross-compiles), terraform-provider-iotflow_<v>_manifest.json (protocol 6, also as
 *                      terraform-registry-manifest.json), terraform-provider-iotflow_<v>_SHA256SUMS (also as
 *                      SHA256SUMS) and, when a GPG key is given, its detached binary signature (`.sig`)
 *   release/lock/      <registry host>/.terraform.lock.hcl: the h1:/zh: hashes of every platform's release
 *   release/npm/       the main package's tarball (its optionalDependencies naming one package per platform,
 *                      the lock files in provider/lock/), and those packages' tarballs, each holding its
 *                      platform's release zip
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync } from 'fflate';
import { goEnv, IOTFLOW_PROVIDER, MIRROR_HOSTS } from '../engine/engine';
import {
  Platform,
  PLATFORMS,
  platformPackageName,
  PROVIDER_PROJECT,
  providerExecutable,
  releaseZipName,
} from '../engine/platform';
import { REPO_ROOT } from './flavour';

export const RELEASE_DIR = path.join(REPO_ROOT, 'release');

/** Registry protocol 6 (terraform-plugin-framework), as terraform-registry-manifest.json declares it. */
export const REGISTRY_MANIFEST = { version: 1, metadata: { protocol_versions: ['6.0'] } };

/** Zip entries get one fixed time (read as local time by the zip format), so a rebuild is byte-identical. */
const ZIP_MTIME = new Date(2000, 0, 1);

type Log = (message: string) => void;

export interface ProviderRelease {
  readonly dir: string;
  readonly version: string;
  /** Every file written, by name. */
  readonly files: readonly string[];
  /** `terraform-provider-iotflow_<v>_SHA256SUMS`, and its `.sig` when signed. */
  readonly sums: string;
  readonly signature?: string;
  /** `<lockDir>/<registry host>/.terraform.lock.hcl`: the release's hashes for OpenTofu and Terraform. */
  readonly lockDir: string;
}

/** The release file names for a version, as the registries expect them. */
export function releaseFileNames(version: string) {
  return {
    sums: `${PROVIDER_PROJECT}_${version}_SHA256SUMS`,
    manifest: `${PROVIDER_PROJECT}_${version}_manifest.json`,
  };
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Cross-compiles the provider for one platform into `dir` (seconds once the Go build cache is warm). */
function buildFor(p: Platform, dir: string): string {
  const out = path.join(dir, providerExecutable(p));
  const result = spawnSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], {
    cwd: IOTFLOW_PROVIDER.dir,
    encoding: 'utf8',
    env: { ...goEnv(), GOOS: p.goos, GOARCH: p.goarch },
  });
  if (result.error) throw new Error(`release: cannot run go: ${result.error.message}`);
  if (result.status !== 0)
    throw new Error(`release: go build for ${p.goos}/${p.goarch} failed:\n${result.stderr}`);
  return out;
}

/**
 * The `h1:` hash the engines record for a provider package (Go's dirhash Hash1 over its files: one file
 * here): base64 of the SHA-256 of "<sha256 hex>  <name>\n" per file, by name.
 */
export function h1Hash(files: Record<string, Uint8Array>): string {
  const summary = Object.keys(files)
    .sort()
    .map((name) => `${createHash('sha256').update(files[name]).digest('hex')}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

/**
 * A `.terraform.lock.hcl` for `host` pinning this release: `h1:` of each platform's package and `zh:` of each
 * zip, as a registry install records them, so `init` verifies the release on every platform.
 */
export function lockFile(host: string, version: string, hashes: readonly string[]): string {
  return [
    '# This file is maintained automatically by "tofu init".',
    '# Manual edits may be lost in future updates.',
    '',
    `provider "${host}/${IOTFLOW_PROVIDER.source.toLowerCase()}" {`,
    `  version     = "${version}"`,
    `  constraints = "${version}"`,
    '  hashes = [',
    ...[...hashes].sort().map((h) => `    "${h}",`),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** A zip holding only the executable, mode 0755, at the fixed time. */
function zipExecutable(executable: string, zip: string): void {
  const data = zipSync({
    [path.basename(executable)]: [
      fs.readFileSync(executable),
      // os 3 (Unix) makes the external attributes a Unix mode, which the engines restore on unpacking.
      { os: 3, attrs: (0o100755 << 16) >>> 0, mtime: ZIP_MTIME, level: 9 },
    ],
  });
  fs.writeFileSync(zip, data);
}

/**
 * Signs `file` with `keyId` from the keyring (GNUPGHOME honoured): a detached binary signature, as the
 * registries verify against the publisher's public key.
 */
function sign(file: string, keyId: string, out: string): void {
  // This process's environment passed on explicitly: a caller may have set GNUPGHOME in it (the test does).
  const env = { ...process.env };
  const known = spawnSync('gpg', ['--batch', '--list-secret-keys', keyId], { encoding: 'utf8', env });
  if (known.error) throw new Error(`release: cannot run gpg: ${known.error.message}`);
  if (known.status !== 0) {
    throw new Error(
      `release: RELEASE_GPG_KEY_ID=${keyId} names no secret key in the keyring` +
        `${process.env.GNUPGHOME ? ` (GNUPGHOME=${process.env.GNUPGHOME})` : ''}; list them with gpg --list-secret-keys`,
    );
  }
  execFileSync('gpg', ['--batch', '--yes', '--local-user', keyId, '--detach-sign', '--output', out, file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
}

export interface ProviderReleaseOptions {
  /** Where to write; default release/provider/. */
  readonly dir?: string;
  readonly platforms?: readonly Platform[];
  /** A key in the keyring to sign SHA256SUMS with (RELEASE_GPG_KEY_ID). */
  readonly gpgKeyId?: string;
  readonly log?: Log;
}

/** Writes the provider release: the zips, the manifest, SHA256SUMS and, with a key, its signature. */
export function releaseProvider(options: ProviderReleaseOptions = {}): ProviderRelease {
  const log = options.log ?? (() => {});
  const dir = options.dir ?? path.join(RELEASE_DIR, 'provider');
  const version = IOTFLOW_PROVIDER.version;
  const names = releaseFileNames(version);
  fs.rmSync(dir, { recursive: true, force: true });
  const work = path.join(dir, '.build');
  fs.mkdirSync(work, { recursive: true });
  const checksummed: string[] = [];
  const lockHashes: string[] = [];
  for (const p of options.platforms ?? PLATFORMS) {
    const started = Date.now();
    const zip = releaseZipName(p, version);
    const executable = buildFor(p, work);
    zipExecutable(executable, path.join(dir, zip));
    checksummed.push(zip);
    lockHashes.push(
      h1Hash({ [path.basename(executable)]: fs.readFileSync(executable) }),
      `zh:${sha256(path.join(dir, zip))}`,
    );
    log(`${zip} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  // Beside the registry files, not among them: one lock file per engine host (OpenTofu's and Terraform's, the
  // hosts the engine's mirror serves), to commit in a stack folder.
  const locks = path.join(path.dirname(dir), 'lock');
  fs.rmSync(locks, { recursive: true, force: true });
  for (const host of MIRROR_HOSTS) {
    fs.mkdirSync(path.join(locks, host), { recursive: true });
    fs.writeFileSync(path.join(locks, host, '.terraform.lock.hcl'), lockFile(host, version, lockHashes));
  }

  const manifest = `${JSON.stringify(REGISTRY_MANIFEST)}\n`;
  fs.writeFileSync(path.join(dir, names.manifest), manifest);
  fs.writeFileSync(path.join(dir, 'terraform-registry-manifest.json'), manifest);
  checksummed.push(names.manifest);

  // sha256sum's format, sorted by name, as GoReleaser writes it for the registries.
  const sums = checksummed
    .sort()
    .map((f) => `${sha256(path.join(dir, f))}  ${f}\n`)
    .join('');
  const files = [...checksummed, 'terraform-registry-manifest.json'];
  for (const name of [names.sums, 'SHA256SUMS']) {
    fs.writeFileSync(path.join(dir, name), sums);
    files.push(name);
    if (options.gpgKeyId) {
      sign(path.join(dir, name), options.gpgKeyId, path.join(dir, `${name}.sig`));
      files.push(`${name}.sig`);
    }
  }
  log(`${names.sums}${options.gpgKeyId ? ' signed' : ' (unsigned: RELEASE_GPG_KEY_ID is not set)'}`);
  return {
    dir,
    version,
    files: files.sort(),
    sums: path.join(dir, names.sums),
    signature: options.gpgKeyId ? path.join(dir, `${names.sums}.sig`) : undefined,
    lockDir: locks,
  };
}

/** `npm pack` of a folder into `into`, returning the tarball's path. */
function npmPack(cwd: string, into: string, ignoreScripts: boolean): string {
  const args = ['pack', '--json', '--pack-destination', into, ...(ignoreScripts ? ['--ignore-scripts'] : [])];
  const out = execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // Lifecycle scripts (prepare → build) may print before the JSON.
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('\n[') + 1 || 0)) as { filename: string }[];
  return path.join(into, filename);
}

/** Where the main package holds the release's lock files: `<dir>/<registry host>/.terraform.lock.hcl`. */
export const PACKAGED_LOCK_DIR = 'provider/lock';

export interface NpmRelease {
  readonly main: string;
  /** Each platform package's tarball, by package name. */
  readonly platforms: Record<string, string>;
}

/**
 * Packs one npm package per platform of `release` (its zip, `os`/`cpu` so npm installs only the matching
 * one), and the main package with those as exact-version optionalDependencies, as esbuild ships its binaries.
 * The dependencies go into the packed package.json only: the repository never asks the registry for them.
 */
export function releaseNpm(
  release: ProviderRelease,
  dir = path.join(RELEASE_DIR, 'npm'),
  log: Log = () => {},
): NpmRelease {
  fs.rmSync(dir, { recursive: true, force: true });
  const staging = path.join(dir, '.staging');
  fs.mkdirSync(staging, { recursive: true });
  const main = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const platforms: Record<string, string> = {};
  for (const p of PLATFORMS) {
    const zip = releaseZipName(p, release.version);
    if (!fs.existsSync(path.join(release.dir, zip))) continue;
    const name = platformPackageName(p);
    const pkgDir = path.join(staging, name);
    fs.mkdirSync(pkgDir, { recursive: true });
    fs.copyFileSync(path.join(release.dir, zip), path.join(pkgDir, zip));
    const pkg = {
      name,
      version: release.version,
      description: `The ${PROVIDER_PROJECT} ${release.version} release zip for ${p.goos}/${p.goarch}, installed by ${main.name as string}'s qubitro-engine`,
      license: main.license,
      os: [p.os],
      cpu: [p.cpu],
      files: [zip],
    };
    fs.writeFileSync(path.join(pkgDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    platforms[name] = npmPack(pkgDir, dir, true);
    log(path.basename(platforms[name]));
  }

  // The main package as `npm pack` makes it (prepare builds lib/), then with the optionalDependencies added.
  const packed = npmPack(REPO_ROOT, staging, false);
  execFileSync('tar', ['-xzf', packed, '-C', staging]);
  const pkgFile = path.join(staging, 'package', 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  pkg.optionalDependencies = Object.fromEntries(Object.keys(platforms).map((n) => [n, release.version]));
  // The release's lock files ride along, for users to commit beside their stacks.
  fs.cpSync(release.lockDir, path.join(staging, 'package', PACKAGED_LOCK_DIR), { recursive: true });
  pkg.files = [...(pkg.files as string[]), PACKAGED_LOCK_DIR];
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const mainTarball = npmPack(path.join(staging, 'package'), dir, true);
  log(path.basename(mainTarball));
  fs.rmSync(staging, { recursive: true, force: true });
  return { main: mainTarball, platforms };
}
