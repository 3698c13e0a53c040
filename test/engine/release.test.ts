/**
 * `npm run release`'s provider release, built once for every platform: the registry layout, the signature of
 * SHA256SUMS with a throwaway GPG key, and `init` from the zips as a packed filesystem mirror verifying them
 * against the release's lock file (no `-skip-provider-lock`, no registry).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { IOTFLOW_PROVIDER, selectEngine } from '../../engine/engine';
import { currentPlatform, PLATFORMS, providerExecutable, releaseZipName } from '../../engine/platform';
import { ProviderRelease, releaseFileNames, releaseProvider, REGISTRY_MANIFEST } from '../../tooling/release';
import { run } from '../support/engine';

const { version } = IOTFLOW_PROVIDER;
const names = releaseFileNames(version);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-release-'));
const gnupgHome = path.join(tmp, 'gnupg');
let release: ProviderRelease;
let keyId: string;

/** gpg with the throwaway keyring, as the release and a registry's verifier run it. */
function gpg(...args: string[]) {
  return spawnSync('gpg', ['--batch', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GNUPGHOME: gnupgHome },
  });
}

/** The suites' OpenTofu, built by the global setup (whatever the provider's sources are doing meanwhile). */
const tofu = () => selectEngine('build').binary;

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(() => {
  fs.mkdirSync(gnupgHome, { mode: 0o700 });
  expect(
    gpg(
      '--passphrase',
      '',
      '--quick-gen-key',
      'Release Test <release@example.invalid>',
      'ed25519',
      'sign',
      'never',
    ).status,
  ).toBe(0);
  keyId = /^fpr:+([0-9A-F]+):/m.exec(gpg('--with-colons', '--list-secret-keys').stdout)![1];
  process.env.GNUPGHOME = gnupgHome;
  try {
    // The five cross-compiles: about 15–25 s each once Go's build cache has the dependencies.
    release = releaseProvider({ dir: path.join(tmp, 'provider'), gpgKeyId: keyId });
  } finally {
    delete process.env.GNUPGHOME;
  }
}, 1_800_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the provider release', () => {
  test('holds exactly the registry files: a zip per platform, the manifest, SHA256SUMS and their signatures', () => {
    expect(fs.readdirSync(release.dir).sort()).toEqual(
      [
        ...PLATFORMS.map((p) => releaseZipName(p)),
        names.manifest,
        'terraform-registry-manifest.json',
        names.sums,
        `${names.sums}.sig`,
        'SHA256SUMS',
        'SHA256SUMS.sig',
      ].sort(),
    );
    expect(names).toEqual({
      sums: `terraform-provider-iotflow_${version}_SHA256SUMS`,
      manifest: `terraform-provider-iotflow_${version}_manifest.json`,
    });
  });

  test('each zip holds only the executable, named as the engines run it and executable', () => {
    for (const p of PLATFORMS) {
      const zip = path.join(release.dir, releaseZipName(p));
      expect(releaseZipName(p)).toBe(`terraform-provider-iotflow_${version}_${p.goos}_${p.goarch}.zip`);
      const listing = execFileSync('unzip', ['-Z', zip], { encoding: 'utf8' });
      expect(Object.keys(unzipSync(fs.readFileSync(zip)))).toEqual([providerExecutable(p)]);
      expect(providerExecutable(p)).toBe(
        `terraform-provider-iotflow_v${version}${p.goos === 'windows' ? '.exe' : ''}`,
      );
      expect(listing).toMatch(/^-rwxr-xr-x .* unx /m);
    }
  });

  test("each executable is built for its zip's OS and architecture", () => {
    const built = PLATFORMS.map((p) => {
      const exe = Buffer.from(
        unzipSync(fs.readFileSync(path.join(release.dir, releaseZipName(p))))[providerExecutable(p)],
      );
      // ELF e_machine, Mach-O cputype, PE machine (after the "PE\0\0" signature the DOS header points to).
      if (exe.subarray(0, 4).toString('latin1') === '\x7fELF')
        return `linux_${{ 0x3e: 'amd64', 0xb7: 'arm64' }[exe.readUInt16LE(18)]}`;
      if (exe.readUInt32LE(0) === 0xfeedfacf)
        return `darwin_${{ 0x01000007: 'amd64', 0x0100000c: 'arm64' }[exe.readUInt32LE(4)]}`;
      if (exe.subarray(0, 2).toString('latin1') === 'MZ')
        return `windows_${{ 0x8664: 'amd64', 0xaa64: 'arm64' }[exe.readUInt16LE(exe.readUInt32LE(0x3c) + 4)]}`;
      return 'unknown';
    });
    expect(built).toEqual(PLATFORMS.map((p) => `${p.goos}_${p.goarch}`));
  });

  test('the manifest declares plugin protocol 6', () => {
    for (const file of [names.manifest, 'terraform-registry-manifest.json']) {
      expect(JSON.parse(fs.readFileSync(path.join(release.dir, file), 'utf8'))).toEqual(REGISTRY_MANIFEST);
    }
    expect(REGISTRY_MANIFEST).toEqual({ version: 1, metadata: { protocol_versions: ['6.0'] } });
  });

  test('SHA256SUMS lists every zip and the manifest with their sha256, sorted, under both names', () => {
    const sums = fs.readFileSync(release.sums, 'utf8');
    const listed = [...PLATFORMS.map((p) => releaseZipName(p)), names.manifest].sort();
    expect(sums).toBe(listed.map((f) => `${sha256(path.join(release.dir, f))}  ${f}\n`).join(''));
    expect(fs.readFileSync(path.join(release.dir, 'SHA256SUMS'), 'utf8')).toBe(sums);
  });

  test('the detached signature of SHA256SUMS verifies with the key, and not for a changed file', () => {
    for (const file of [release.sums, path.join(release.dir, 'SHA256SUMS')]) {
      const ok = gpg('--verify', `${file}.sig`, file);
      expect(ok.status).toBe(0);
      expect(ok.stderr).toContain('Good signature from "Release Test <release@example.invalid>"');
    }
    const changed = path.join(tmp, 'SHA256SUMS.changed');
    fs.writeFileSync(changed, fs.readFileSync(release.sums, 'utf8').replace(/^./, '0'));
    expect(gpg('--verify', release.signature!, changed).status).not.toBe(0);
  });

  test('a RELEASE_GPG_KEY_ID that names no key in the keyring is refused, not skipped', () => {
    process.env.GNUPGHOME = gnupgHome;
    try {
      expect(() =>
        releaseProvider({
          dir: path.join(tmp, 'unsigned', 'provider'),
          platforms: [],
          gpgKeyId: 'nobody@example.invalid',
        }),
      ).toThrow(/RELEASE_GPG_KEY_ID=nobody@example.invalid names no secret key in the keyring/);
    } finally {
      delete process.env.GNUPGHOME;
    }
  });
});

describe('init from the release zips as a packed filesystem mirror', () => {
  /** A root module needing iotflow, with the release's lock file for `host` committed beside it. */
  function module(host: string, mirror: string) {
    const dir = fs.mkdtempSync(path.join(tmp, 'module-'));
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { iotflow: { source: IOTFLOW_PROVIDER.source, version } } },
      }),
    );
    fs.copyFileSync(
      path.join(release.lockDir, host, '.terraform.lock.hcl'),
      path.join(dir, '.terraform.lock.hcl'),
    );
    const config = path.join(dir, 'cli.tfrc');
    fs.writeFileSync(
      config,
      `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`,
    );
    return { dir, env: { ...process.env, TF_CLI_CONFIG_FILE: config, CHECKPOINT_DISABLE: '1' } };
  }

  /** `<mirror>/<host>/thingpark-qubitro/iotflow/<zip>` for every release zip. */
  function packedMirror(host: string): string {
    const mirror = fs.mkdtempSync(path.join(tmp, 'mirror-'));
    const into = path.join(mirror, host, IOTFLOW_PROVIDER.source);
    fs.mkdirSync(into, { recursive: true });
    for (const p of PLATFORMS)
      fs.copyFileSync(path.join(release.dir, releaseZipName(p)), path.join(into, releaseZipName(p)));
    return mirror;
  }

  const engines: [string, string, () => string][] = [
    ['tofu', 'registry.opentofu.org', () => tofu()],
    ['terraform', 'registry.terraform.io', () => 'terraform'],
  ];

  test.each(engines)(
    '%s init verifies the zips against the committed lock file and leaves it as committed',
    async (_name, host, binary) => {
      const mirror = packedMirror(host);
      const { dir, env } = module(host, mirror);
      const committed = fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
      const r = await run(binary(), ['init', '-input=false', '-no-color'], dir, env);
      expect({ code: r.code, output: r.output }).toMatchObject({ code: 0 });
      expect(r.output).toContain(`Installed ${IOTFLOW_PROVIDER.source} v${version}`);
      expect(fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toBe(committed);
      // Every platform is pinned twice: the package's h1: and the zip's zh:.
      expect(committed.match(/"h1:/g)).toHaveLength(PLATFORMS.length);
      expect(committed.match(/"zh:/g)).toHaveLength(PLATFORMS.length);
    },
  );

  test('tofu init refuses a zip that is not the release', async () => {
    const host = 'registry.opentofu.org';
    const mirror = packedMirror(host);
    const zip = path.join(mirror, host, IOTFLOW_PROVIDER.source, releaseZipName(currentPlatform()!));
    const exe = providerExecutable(currentPlatform()!);
    const original = unzipSync(fs.readFileSync(zip))[exe];
    fs.writeFileSync(
      zip,
      zipSync({
        [exe]: [Buffer.concat([original, Buffer.from('\n')]), { os: 3, attrs: (0o100755 << 16) >>> 0 }],
      }),
    );
    const { dir, env } = module(host, mirror);
    const r = await run(tofu(), ['init', '-input=false', '-no-color'], dir, env);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/doesn't\s+match\s+any\s+of\s+the\s+checksums/);
  });
});
