import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import globals from 'globals';

/** Each layer of the tree may import only the layers below it (see README, "Code organization"). */
const boundary = (forbidden, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: forbidden.map((group) => ({ group: [group], message })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      '.cache',
      'coverage',
      'test-results',
      'playwright-report',
      'bench/results',
      'fixtures-out',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Rules that need types: a promise nobody awaits or catches loses its error, and a switch over
    // a union that misses a member silently does nothing for it.
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // A test that fails once in a while must fail the same way when run again.
    files: ['**/*.test.{ts,tsx}', '**/*.spec.ts', 'tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Seed it: new Random(seed) from src/core/random/random.ts.',
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      ...boundary(
        ['**/server/**', '**/cli/**', '**/node/**', 'node:*', 'fs', 'path'],
        'The app imports only src/core and browser libraries.',
      ),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: boundary(
      ['**/app/**', '**/server/**', '**/cli/**', '**/node/**', 'node:*', 'react', 'react-dom'],
      'src/core is pure TypeScript: no DOM, no Node, no React.',
    ),
  },
  {
    files: ['src/node/**/*.ts'],
    rules: boundary(
      ['**/app/**', '**/server/**', '**/cli/**', 'react'],
      'src/node holds Node helpers shared by the server and the CLI.',
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: boundary(
      ['**/app/**', '**/cli/**', 'react'],
      'The server never imports the app or the CLI.',
    ),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: boundary(
      ['**/app/**', '**/server/**', 'react'],
      'The CLI never imports the app or the server.',
    ),
  },
);
