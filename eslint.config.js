// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** Node built-ins by every name a workflow could import them under. */
const nodeBuiltins = builtinModules.flatMap((name) => [name, `${name}/*`, `node:${name}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.tools/',
      '.data/',
      'coverage/',
      '.build/',
      'bench-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Workflow code is replayed and must stay deterministic: no I/O, no Node, no runtime src/.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflows may not import Node built-ins.',
            })),
            { name: 'undici', message: 'Workflows may not do I/O; call an activity.' },
          ],
          patterns: [
            { group: ['undici/*'], message: 'Workflows may not do I/O; call an activity.' },
            {
              group: ['../src/*', '../../src/*', '**/src/**'],
              allowTypeImports: true,
              message: 'Workflows may import only types from src/.',
            },
            {
              group: ['../activities/*', '../activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows may import only activity types.',
            },
          ],
        },
      ],
    },
  },
  {
    // The vocabulary is pure: workflows import it, so it imports nothing but itself (and types).
    files: ['vocabulary/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              allowTypeImports: true,
              message: 'The vocabulary is pure: it imports only itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
