// Jest runs TypeScript through swc (fast, no type-check: `npm run typecheck` does that).
// Two projects: `unit` (specs beside the code, no database) and `e2e` (test/**/*.e2e-spec.ts against a database:
// real PostgreSQL from DATABASE_URL, or an embedded PGlite that the e2e global setup starts when DATABASE_URL is
// unset or PARLEY_TEST_DB=embedded). A project's global setup only runs when one of its tests is selected.
const swc = require('./swc.options');

const shared = {
  rootDir: '.',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@parley/(dialogue-core|persistence|nlu|channels|diagram|paths)$': '<rootDir>/libs/$1/src',
    '^@parley/machines$': '<rootDir>/machines',
  },
};

module.exports = {
  // Global (not per project): the e2e suites spawn servers and run loads.
  testTimeout: 120_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/machines', '<rootDir>/test'],
      testRegex: '.*\\.spec\\.ts$',
    },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testRegex: '.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/setup/database.global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/database.global-teardown.ts',
    },
  ],
};
