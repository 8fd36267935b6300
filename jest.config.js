/** Tests are TypeScript, transpiled per file (types are checked once by `npm run build`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // The sub-packages (packages/) import the connector by its package name, as they do once installed.
  moduleNameMapper: { '^stripe-connector$': '<rootDir>/connector/index.ts' },
};
