import base from './jest.config.js';

/**
 * `npm run test:hosts`: the hub across hosts (tests/hosts/), apart from `npm test` because it needs root (network
 * namespaces, its own PostgreSQL server) and takes minutes. `.ci/run` runs it after the suite, with CI=true.
 */
export default {
  ...base,
  testMatch: ['<rootDir>/tests/hosts/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.hub/'],
  globalSetup: '<rootDir>/tests/hosts/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/hosts/globalTeardown.ts',
  testTimeout: 300000,
  maxWorkers: 1,
};
