/**
 * The unit suites (`npm run test:unit`: jest projects `cdktf` and `cdktn`) run as on a machine without the
 * engine, so that none of them starts to need it unnoticed (test/support/unit.ts).
 */
import { spawnSync } from 'node:child_process';
import { findEngine } from '../engine/engine';
import { FLAVOURS } from '../tooling/flavour';
import { requireToolchain } from '../tooling/node';

test('a unit suite finds neither the engine nor the Node 22 toolchain', () => {
  expect(findEngine()).toBeUndefined();
  expect(() => requireToolchain(FLAVOURS.cdktn)).toThrow('is not installed');
});

test.each(['tofu', 'terraform'])(
  'a unit suite that runs `%s` fails, naming the jest project it belongs to',
  (binary) => {
    const r = spawnSync(binary, ['version'], { env: process.env, encoding: 'utf8' });
    expect(r.status).toBe(127);
    expect(r.stderr).toContain("belongs to jest project 'engine'");
  },
);
