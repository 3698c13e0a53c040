/** The provider's smoke test, which drives the built OpenTofu through the plugin protocol (jest project `engine`). */
import * as path from 'node:path';
import { GO_ENV, PROVIDER_DIR, TOFU_SMOKE } from './go';
import { requireEngine, run } from '../support/engine';

test('go test runs the OpenTofu smoke test, and it passes', async () => {
  const tofu = path.join(requireEngine().binDir, 'tofu');
  const r = await run(
    'go',
    ['test', '-count=1', '-v', '-run', TOFU_SMOKE, './internal/provider/'],
    PROVIDER_DIR,
    {
      ...GO_ENV,
      IOTFLOW_TOFU: tofu,
    },
  );
  if (r.code !== 0) throw new Error(`go test failed:\n${r.output.slice(-8000)}`);
  expect(r.stdout).toMatch(/--- PASS: TestTofuSmoke/);
  expect(r.stdout).not.toMatch(/--- SKIP/);
}, 300_000);
