/** Options both flavours' projects share; the global setup (engine, Node 22 toolchain) runs once for both. */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Lifecycle tests drive a real engine; keep them from racing each other on 2 cores.
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'cdktf', roots: ['<rootDir>/test'] },
    {
      // The unit suites and the examples' synth again on CDK Terrain: the same sources and snapshots,
      // with every `cdktf` import (src/framework.ts included) resolved to `cdktn` in-process, and in
      // the examples' tsx child processes through tsconfig.cdktn.json.
      ...shared,
      displayName: 'cdktn',
      roots: ['<rootDir>/test/src', '<rootDir>/test/examples'],
      moduleNameMapper: { '^cdktf(/.*)?$': 'cdktn$1' },
      setupFiles: ['<rootDir>/test/support/cdktn.ts'],
    },
  ],
};
