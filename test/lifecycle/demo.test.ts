/** `npm run demo` as CI captures it: no terminal, so plain text a log viewer shows as it is. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../tooling/run';

const root = path.resolve(__dirname, '../..');
const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qubitro-demo-colour-'));

afterAll(() => fs.rmSync(demoDir, { recursive: true, force: true }));

test('the demo captured without a terminal deploys, re-plans with no changes and prints no colour codes', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, QUBITRO_DEMO_DIR: demoDir };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const demo = await run(
    path.join(root, 'node_modules/.bin/tsx'),
    [path.join(root, 'scripts/demo.ts')],
    root,
    env,
  );
  expect(demo.code).toBe(0);
  expect(demo.stdout).toMatch(/farm-sensors: no changes\nfleet-trackers: no changes/);
  expect(demo.output).toMatch(/Apply complete!/);
  expect(demo.stdout).toMatch(/^Farm sensors to Qubitro +\S+ +Qubitro project farm-sensors +delivered *$/m);
  expect(demo.stdout).toMatch(/^Farm sensors to Qubitro \(backup\) +\S+ +- +inactive \(active: false\) *$/m);
  expect(demo.stdout).toMatch(
    /^Fleet trackers to Qubitro +\S+ +Qubitro project fleet-trackers +delivered *$/m,
  );
  // eslint-disable-next-line no-control-regex -- looking for the escape character itself
  expect(demo.output).not.toMatch(/\u001b\[/);
}, 300_000);
