/**
 * `npm run typecheck`, here so that `npm test`, CI and `npm run test:unit` run it: the jest suites are
 * transpiled without a type check (jest.config.js), so this is where every file's types are checked.
 */
import * as path from 'node:path';
import { REPO_ROOT } from '../../tooling/flavour';
import { run } from '../../tooling/run';

test.each([
  ['tsconfig.json', 'cdktf'],
  ['tsconfig.cdktn.json', 'cdktf resolved to cdktn'],
])(
  'tsc finds no type error with %s (%s)',
  async (tsconfig) => {
    const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
    // Incremental, its record kept beside the other tool caches: an unchanged tree checks in seconds.
    const record = path.join(REPO_ROOT, 'node_modules', '.cache', 'typecheck', `${tsconfig}.tsbuildinfo`);
    const args = ['--noEmit', '--incremental', '--tsBuildInfoFile', record, '-p', tsconfig];
    const r = await run(tsc, args, REPO_ROOT, process.env);
    expect({ code: r.code, output: r.output }).toEqual({ code: 0, output: '' });
    // Under a minute on a quiet machine: the bound only stops a hang, with room for a busy one.
  },
  600_000,
);
