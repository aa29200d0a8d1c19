// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports the pure domain must never reach: I/O, frameworks, SDKs and the outer layers. */
const ioModules = [
  'pg',
  'pg-copy-streams',
  'express',
  'pino',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:child_process',
  'node:process',
  '@electric-sql/*',
  'openai',
  'telegraf',
  'twilio',
  '@whiskeysockets/*',
  'agenda',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/', 'bench/out/', '.test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.filter((m) => !m.includes('*')),
          patterns: [
            { group: ioModules.filter((m) => m.includes('*')), message: 'domain/ does no I/O' },
            {
              group: ['**/app/**', '**/adapters/**', '**/ports/**', '**/config*', '**/main*'],
              message: 'domain/ imports nothing outside domain/',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'domain/ takes its inputs as parameters' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'time comes in as a parameter' },
      ],
    },
  },
  {
    files: ['src/ports/**/*.ts', 'src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['pg', 'pg-copy-streams', 'express', 'openai', 'telegraf', 'twilio', 'agenda'],
          patterns: [
            {
              group: ['**/adapters/**', '**/main*'],
              message: 'app/ and ports/ do not know adapters',
            },
            {
              group: ['@electric-sql/*', '@whiskeysockets/*'],
              message: 'app/ and ports/ do not know adapters',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
