/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
  // Lifecycle tests drive a real engine; keep them from racing each other on 2 cores.
  maxWorkers: 2,
};
