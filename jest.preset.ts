import type { Config } from 'jest';

// Shared Jest settings: every project's jest.config.ts spreads this preset.
// SWC strips types (fast) and keeps decorator metadata for NestJS DI; type checking is `tsc` in `npm run build`.

const preset: Config = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Resolve @chaconne/* workspace packages to their TypeScript sources, not dist/.
  testEnvironmentOptions: { customExportConditions: ['@chaconne/source', 'node', 'node-addons'] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};

export default preset;
