/**
 * The platforms the provider is released for, and the names the registries and npm know its files by: shared
 * by `npm run release`, which writes them, and the engine installer, which finds them in an installed package.
 */
import { PROVIDER_NAME, PROVIDER_VERSION } from '../src/wire-format';

export interface Platform {
  /** Go's GOOS/GOARCH, as in `linux_amd64` mirror folders and release zip names. */
  readonly goos: 'linux' | 'darwin' | 'windows';
  readonly goarch: 'amd64' | 'arm64';
  /** Node's `process.platform`/`process.arch`, as in a package.json's `os`/`cpu`. */
  readonly os: NodeJS.Platform;
  readonly cpu: string;
}

/** The five platforms of a provider release, as the scaffolding provider's GoReleaser builds for. */
export const PLATFORMS: readonly Platform[] = [
  { goos: 'linux', goarch: 'amd64', os: 'linux', cpu: 'x64' },
  { goos: 'linux', goarch: 'arm64', os: 'linux', cpu: 'arm64' },
  { goos: 'darwin', goarch: 'amd64', os: 'darwin', cpu: 'x64' },
  { goos: 'darwin', goarch: 'arm64', os: 'darwin', cpu: 'arm64' },
  { goos: 'windows', goarch: 'amd64', os: 'win32', cpu: 'x64' },
];

/** `linux_amd64`: the platform as the engines name it. */
export function platformId(p: Platform): string {
  return `${p.goos}_${p.goarch}`;
}

/** The release platform this process runs on, or undefined on one the release does not cover. */
export function currentPlatform(): Platform | undefined {
  return PLATFORMS.find((p) => p.os === process.platform && p.cpu === process.arch);
}

/** `terraform-provider-iotflow`: the project name every release file starts with. */
export const PROVIDER_PROJECT = `terraform-provider-${PROVIDER_NAME}`;

/** The executable inside a release zip: `terraform-provider-iotflow_v0.2.0`, `.exe` on Windows. */
export function providerExecutable(p: Platform, version = PROVIDER_VERSION): string {
  return `${PROVIDER_PROJECT}_v${version}${p.goos === 'windows' ? '.exe' : ''}`;
}

/** `terraform-provider-iotflow_0.2.0_linux_amd64.zip`, as the registries and packed mirrors expect it. */
export function releaseZipName(p: Platform, version = PROVIDER_VERSION): string {
  return `${PROVIDER_PROJECT}_${version}_${platformId(p)}.zip`;
}

/** The npm package that carries one platform's release zip: `terraform-provider-iotflow-linux-x64`. */
export function platformPackageName(p: Platform): string {
  return `${PROVIDER_PROJECT}-${p.os}-${p.cpu}`;
}
