/** Jest on native ESM (jose and oidc-provider are ESM-only); see GUIDE.md. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }] },
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  // tests/hosts/ needs root and minutes: `npm run test:hosts` (jest.hosts.config.js) runs it, never `npm test`.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.hub/', '<rootDir>/tests/hosts/'],
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  setupFiles: ['<rootDir>/tests/support/sameRealmClone.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/tests/support/summaryReporter.cjs'],
};
