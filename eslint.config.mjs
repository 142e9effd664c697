import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.nx/**',
      'apps/console/dist/**',
      'apps/manager/console/**',
      'bench/results/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts'] },
            // The console calls the admin API through the typed client (issue 4).
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: ['type:contracts', 'type:client'] },
            { sourceTag: 'type:manager', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts'] },
            {
              sourceTag: 'type:demo',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client', 'type:testing'],
            },
            // The benchmarks run the SDK in their no-op workers and talk to the manager over HTTP.
            {
              sourceTag: 'type:bench',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client', 'type:testing'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      // NestJS modules and DI tokens are classes with only decorators and static members.
      '@typescript-eslint/no-extraneous-class': [
        'error',
        { allowWithDecorator: true, allowStaticOnly: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // NestJS declares plain option bags (e.g. NestApplicationOptions) as classes.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // Jest configs share the root preset by relative path; they are tooling, not project code.
    files: ['**/jest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/valid-expect': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // The main depConstraints again, but tests of every project may also use the test
      // doubles of type:testing (production code still may not). type:testing itself keeps
      // depending on type:contracts only.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing'] },
            {
              sourceTag: 'type:console',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:client', 'type:testing'],
            },
            // The manager's integration tests may drive it with the real client and SDK as its peers.
            {
              sourceTag: 'type:manager',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:testing', 'type:client', 'type:sdk'],
            },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts'] },
            {
              sourceTag: 'type:demo',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client', 'type:testing'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client', 'type:testing'],
            },
            {
              sourceTag: 'type:bench',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:sdk', 'type:client', 'type:testing'],
            },
          ],
        },
      ],
    },
  },
  {
    // The worker SDK's core knows one job form, its own Job: the job styles (@ChacJob and the
    // other decorators, ManagedJob, ...) are converted at the package root, and reflect-metadata
    // stays there. Core imports nothing outside core/ but the contracts and node.
    files: ['libs/worker/src/core/**/*.ts'],
    ignores: ['libs/worker/src/core/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'reflect-metadata', message: 'The SDK core reads no decorator metadata.' }],
          patterns: [
            {
              group: ['../*', '@chaconne/worker', '@chaconne/worker/*'],
              message:
                'The SDK core imports nothing from the package root (decorators, job styles, adapters).',
            },
          ],
        },
      ],
    },
  },
  {
    // The console is a browser app with its own tsconfig (DOM, JSX, bundler resolution).
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: './apps/console/tsconfig.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**/*.js', 'bench/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
