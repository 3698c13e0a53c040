/**
 * The Go provider's own checks, so that `npm test` (and CI) runs them: `gofmt`, `go vet`, and its unit
 * tests (httptest), including the smoke test that drives the built OpenTofu through the plugin protocol.
 */
import * as path from 'node:path';
import { requireEngine, run } from '../support/engine';

const providerDir = path.resolve(__dirname, '../../provider');
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' };

test('gofmt has nothing to change', async () => {
  const r = await run('gofmt', ['-l', '.'], providerDir, goEnv);
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe('');
});

test('go vet finds nothing', async () => {
  const r = await run('go', ['vet', './...'], providerDir, goEnv);
  expect(r.output).toBe('');
  expect(r.code).toBe(0);
});

test('go test passes, the OpenTofu smoke test included', async () => {
  const tofu = path.join(requireEngine().binDir, 'tofu');
  const r = await run('go', ['test', '-count=1', '-v', './...'], providerDir, {
    ...goEnv,
    IOTFLOW_TOFU: tofu,
  });
  if (r.code !== 0) throw new Error(`go test failed:\n${r.output.slice(-8000)}`);
  expect(r.stdout).toMatch(/--- PASS: TestTofuSmoke/);
  expect(r.stdout).not.toMatch(/--- SKIP/);
}, 300_000);
