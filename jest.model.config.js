/**
 * Real-model tests (npm run test:model): the same real stack as jest.config.js plus the local
 * model server (llama.cpp, Qwen2.5-Coder-1.5B), installed and cached by stack/local-model.
 * One worker: the model answers one request at a time on two cores.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/model'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/test/model/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 1_200_000,
  maxWorkers: 1,
  verbose: true,
};
