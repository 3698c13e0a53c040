/** The cached Node toolchain the cdktn CLI runs on, as jest's global setup installed it. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FLAVOURS } from '../../tooling/flavour';
import { cliOf, requireToolchain, userEnv } from '../../tooling/node';

const { cdktn } = FLAVOURS;

test("a cdktn user's environment runs the table's Node first on PATH", () => {
  const version = execFileSync('node', ['--version'], { env: userEnv(cdktn, process.env), encoding: 'utf8' });
  expect(version.trim()).toBe(`v${cdktn.node}`);
});

test("the toolchain's cdktn CLI is the table's cdktn-cli, with the table's cdktn", () => {
  const modules = path.join(requireToolchain(cdktn).dir, 'cli', 'node_modules');
  const version = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version;
  expect([cliOf(cdktn).bin, version(cdktn.cli.package), version(cdktn.framework.package)]).toEqual([
    path.join(modules, '.bin', cdktn.cli.binary),
    cdktn.cli.version,
    cdktn.framework.version,
  ]);
});
