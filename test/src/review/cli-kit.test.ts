/** What the four commands share: `--help`, a usage error with the usage and exit 1, errors without TF_VAR_ values. */
import { main as drift } from '../../../src/drift/cli';
import { main as importCli } from '../../../src/import/cli';
import { main as review } from '../../../src/review/cli';
import { main as verify } from '../../../src/review/verify-cli';

const SECRET = 'cli-kit-client/secret+value';

type Main = (
  argv: string[],
  out: (t: string) => void,
  err: (t: string) => void,
  env: NodeJS.ProcessEnv,
) => number | Promise<number>;

const commands: [string, Main][] = [
  ['qubitro-review', review],
  ['qubitro-verify', verify],
  ['qubitro-import', importCli],
  ['qubitro-drift', drift],
];

async function run(main: Main, argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    (t) => (stdout += t),
    (t) => (stderr += t),
    env,
  );
  return { code, stdout, stderr };
}

test.each(commands)('%s exits 1 with the reason and its usage on an unknown option', async (bin, main) => {
  const r = await run(main, ['--verbose']);
  expect(r).toMatchObject({ code: 1, stdout: '' });
  expect(r.stderr).toMatch(new RegExp(`^${bin}: Unknown option '--verbose'`));
  expect(r.stderr).toContain(`Usage: ${bin}`);
});

test.each(commands)('%s prints its usage on stdout and exits 0 with --help', async (bin, main) => {
  const r = await run(main, ['--help']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toMatch(new RegExp(`^Usage: ${bin}`));
});

test('qubitro-import exits 1 with its usage when a required option is missing', async () => {
  const r = await run(importCli, ['--format', 'yaml']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('qubitro-import: missing --base-url, --client-id, --out');
  expect(r.stderr).toContain('Usage: qubitro-import');
});

test('qubitro-import exits 1 naming the client secret variable when it is not set', async () => {
  const r = await run(importCli, [
    '--base-url',
    'http://x',
    '--client-id',
    'c',
    '--format',
    'ts',
    '--out',
    'f',
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('TF_VAR_thingpark_client_secret is not set');
});

test('an error message shows no TF_VAR_ value', async () => {
  const r = await run(review, ['--out', `/nowhere/${SECRET}`], { TF_VAR_anything: SECRET });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('qubitro-review: /nowhere/');
  expect(r.stderr).not.toContain(SECRET);
});
