/**
 * The Go provider's own checks, so that `npm test` and `npm run test:unit` run them: `gofmt`, `go vet`, and
 * its unit tests (httptest). The smoke test that drives the built OpenTofu runs in tofu-smoke.test.ts.
 */
import { GO_ENV, PROVIDER_DIR, TOFU_SMOKE } from './go';
import { run } from '../../tooling/run';

test('gofmt has nothing to change', async () => {
  const r = await run('gofmt', ['-l', '.'], PROVIDER_DIR, GO_ENV);
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe('');
});

test('go vet finds nothing', async () => {
  const r = await run('go', ['vet', './...'], PROVIDER_DIR, GO_ENV);
  expect(r.output).toBe('');
  expect(r.code).toBe(0);
}, 300_000);

test('go test passes, every test but the OpenTofu smoke test run', async () => {
  const r = await run('go', ['test', '-count=1', '-v', '-skip', TOFU_SMOKE, './...'], PROVIDER_DIR, GO_ENV);
  if (r.code !== 0) throw new Error(`go test failed:\n${r.output.slice(-8000)}`);
  expect(r.stdout).toMatch(/^--- PASS: /m);
  expect(r.stdout).not.toMatch(/--- SKIP/);
}, 300_000);
