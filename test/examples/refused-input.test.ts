/**
 * A one-mistake app, synthesized as a user would (`npx cdktf synth` in its folder, under CI=true): the
 * refusal reaches the terminal as its message alone, with no stack into the library and no `problems` dump.
 * cdktf itself prints the app's stderr twice (live, then in its own error), so the message shows twice.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEBUG_VARIABLE } from '../../src/errors';

const ROOT = path.resolve(__dirname, '..', '..');
const MESSAGE =
  'farm/Uplinks: invalid projectId: received "not-a-uuid"; allowed: a UUID such as ' +
  'aa62ebe1-7ff3-4d05-baec-e6ff2edf34a4. Fix: copy the Project ID from the Qubitro portal';

/** Lines that can only come from the refused-input error: its message, a stack frame, a property dump. */
const OURS = /farm\/Uplinks|ValidationError|^\s+at |problems: \[|constructPath|field:|allowed:|fix:/;

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-input-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'npx tsx main.ts', output: 'cdktf.out' }),
  );
  fs.writeFileSync(
    path.join(dir, 'main.ts'),
    [
      "import { App } from 'cdktf';",
      `import { QubitroProjectStack } from ${JSON.stringify(path.join(ROOT, 'src'))};`,
      'const app = new App();',
      "new QubitroProjectStack(app, 'farm', {",
      "  baseUrl: 'https://community.thingpark.io/iot-flow/v1',",
      "  clientId: 'service-account',",
      "  projectId: 'not-a-uuid',",
      "  connections: [{ id: 'Uplinks', name: 'Farm uplinks' }],",
      '});',
      'app.synth();',
    ].join('\n'),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a one-mistake cdktf synth fails with the message alone: no stack, no problems dump, 8 lines at most', () => {
  const r = spawnSync('npx', ['cdktf', 'synth'], {
    cwd: dir,
    env: { ...process.env, CI: 'true', CHECKPOINT_DISABLE: '1', [DEBUG_VARIABLE]: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  const ours = output.split('\n').filter((l) => OURS.test(l));
  expect(r.status).not.toBe(0);
  expect(ours.length).toBeLessThanOrEqual(8);
  expect(ours.every((l) => l.includes(MESSAGE))).toBe(true);
  expect(output).not.toMatch(/^\s+at /m);
}, 150_000);
