import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // scripts/*.js: the plain CommonJS loader every command runs through (not part of the TypeScript project).
  { ignores: ['dist/**', 'dist.*/**', 'node_modules/**', '.parley/**', '.scratch/**', 'coverage/**', '*.js', '*.mjs', 'scripts/*.js', 'test/helpers/*.js', 'test/helpers/*.mjs'] },
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
    // The bots and the authoring API bot authors write against are typed end to end: no `any`, nothing unsafe.
    files: [
      'machines/**/*.ts',
      'libs/dialogue-core/test/readme-*.ts',
      'libs/dialogue-core/test/trip.bot.ts',
      'libs/dialogue-core/test/kit.type-checks.ts',
      'libs/dialogue-core/src/authoring/{kit,authoring.types,actions,form,confirm,bot-intents,services,check-bot,check-corpus,transitions}.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
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
    // Specs and path-test settings are test tooling, not the bots: they may use the NLU and the path tools.
    ignores: ['machines/**/*.spec.ts', 'machines/**/*.paths.ts', 'machines/paths.config.ts'],
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
