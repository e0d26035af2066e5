/** Jest 30 + ts-jest in ESM mode (Nest 12 is ESM-only). Run through `npm test`, which builds first. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    // The browser app's logic modules (apps/web/src) compile with the web app's own settings (DOM, bundler resolution).
    '^.+/apps/web/src/.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'apps/web/tsconfig.json' }],
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^#libs/(.*)\\.js$': '<rootDir>/libs/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  reporters: ['default', '<rootDir>/test/summary-reporter.mjs'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
