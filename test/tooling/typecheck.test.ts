/** The type check against cdktn's types (`npm run typecheck`'s second half), here so that CI runs it. */
import * as path from 'node:path';
import { REPO_ROOT } from '../../tooling/flavour';
import { run } from '../../tooling/run';

test('tsc finds no type error with cdktf resolved to cdktn by tsconfig.cdktn.json', async () => {
  const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const r = await run(tsc, ['--noEmit', '-p', 'tsconfig.cdktn.json'], REPO_ROOT, process.env);
  expect({ code: r.code, output: r.output }).toEqual({ code: 0, output: '' });
  // Under a minute on a quiet machine: the bound only stops a hang, with room for a busy one.
}, 600_000);
