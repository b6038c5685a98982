import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/helpers/*.js: plain CommonJS loaders for spawned test processes (not part of the TypeScript project).
  { ignores: ['dist/**', 'node_modules/**', '.parley/**', '.scratch/**', 'coverage/**', '*.js', '*.mjs', 'test/helpers/*.js', 'test/helpers/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // XState's action/guard arguments are loosely typed across setup() boundaries.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  // Dependencies point one way: machines → dialogue-core; persistence, nlu, channels → dialogue-core; apps/api wires
  // everything. Libraries are imported through their index (`@parley/<lib>`), never by a path into them.
  {
    files: ['libs/**/*.ts', 'machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**'], message: 'Libraries and bots never import the server (apps/).' }] },
      ],
    },
  },
  {
    files: ['libs/dialogue-core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**'], message: 'Libraries and bots never import the server (apps/).' },
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'pg/*', 'pg-*', 'fastify', '@fastify/*', '@electric-sql/*'],
              message: 'The engine is pure: no framework, no database driver. Put I/O behind a port (src/ports).',
            },
            {
              group: ['@parley/*', '!@parley/dialogue-core', '**/libs/**', '**/persistence/**', '**/nlu/**', '**/channels/**', '**/machines/**'],
              message: 'dialogue-core depends on no other Parley library or bot.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['machines/**/*.ts'],
    ignores: ['machines/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/**', '**/libs/**'], message: 'Bots import Parley only as @parley/dialogue-core.' },
            {
              group: ['@parley/*', '!@parley/dialogue-core', '@nestjs/*', 'typeorm', 'pg', 'fastify'],
              message: 'Bots depend on @parley/dialogue-core only (and their own files).',
            },
          ],
        },
      ],
    },
  },
);
