/** Tests are TypeScript, transpiled per file (types are checked once by `npm run build`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // On a 2-core machine jest runs every file in the main process, one after another (in band), and a handle left open by
  // one file (seen with triggers-delivery and leak-audit together) kept it from exiting after a green
  // run. Exit once the results are in; the leak itself is noted in the issue for follow-up.
  forceExit: true,
  // The sub-packages (packages/) import the connector by its package name, as they do once installed.
  moduleNameMapper: { '^stripe-connector$': '<rootDir>/connector/index.ts' },
};
