/**
 * `npm run release`: release/provider/ (the registry release of the provider: zips, manifest, SHA256SUMS and,
 * when RELEASE_GPG_KEY_ID names a key in the keyring, SHA256SUMS.sig) and release/npm/ (the main package's
 * tarball and one tarball per platform package). `--provider-only` skips the npm packages.
 */
import { parseArgs } from 'node:util';
import { releaseNpm, releaseProvider } from '../tooling/release';

function main(): void {
  const { values } = parseArgs({ options: { 'provider-only': { type: 'boolean', default: false } } });
  const log = (m: string) => process.stderr.write(`[release] ${m}\n`);
  const started = Date.now();
  const provider = releaseProvider({ gpgKeyId: process.env.RELEASE_GPG_KEY_ID || undefined, log });
  process.stdout.write(`${provider.dir}\n`);
  if (!values['provider-only']) process.stdout.write(`${releaseNpm(provider, undefined, log).main}\n`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
