/**
 * The suites that run the engine (OpenTofu and the providers) or the Node 22 toolchain of the cdktn CLI. Only
 * project `engine` runs them, and only it has the global setup that installs both: jest runs a project's
 * global setup only when one of its suites is selected, so `npm run test:unit` (and `npx jest test/src/…`)
 * never waits for an install.
 */
const ENGINE_SUITES = [
  '<rootDir>/test/lifecycle/',
  '<rootDir>/test/engine/',
  '<rootDir>/test/bench/',
  '<rootDir>/test/provider/tofu-smoke.test.ts',
  '<rootDir>/test/tooling/node.test.ts',
];

const shared = {
  // Transpiled file by file, without type checking in every worker (several seconds of CPU per suite): the
  // type check runs once, over every file and for both flavours, in test/tooling/typecheck.test.ts.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
};

/** Unit suites: they see no engine, no toolchain, no `tofu` or `terraform` (test/support/unit.ts). */
const unit = {
  ...shared,
  testPathIgnorePatterns: ['/node_modules/', ...ENGINE_SUITES],
  setupFiles: ['<rootDir>/test/support/unit.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Lifecycle tests drive a real engine; keep them from racing each other on 2 cores.
  maxWorkers: 2,
  projects: [
    { ...unit, displayName: 'cdktf', roots: ['<rootDir>/test'] },
    {
      // The unit suites and the examples' synth again on CDK Terrain: the same sources and snapshots,
      // with every `cdktf` import (src/framework.ts included) resolved to `cdktn` in-process, and in
      // the examples' tsx child processes through tsconfig.cdktn.json.
      ...unit,
      displayName: 'cdktn',
      roots: ['<rootDir>/test/src', '<rootDir>/test/examples'],
      moduleNameMapper: { '^cdktf(/.*)?$': 'cdktn$1' },
      setupFiles: [...unit.setupFiles, '<rootDir>/test/support/cdktn.ts'],
    },
    {
      ...shared,
      displayName: 'engine',
      roots: ['<rootDir>/test'],
      testMatch: ENGINE_SUITES.map((s) => (s.endsWith('/') ? `${s}**/*.test.ts` : s)),
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/engine-setup.ts'],
    },
  ],
};
