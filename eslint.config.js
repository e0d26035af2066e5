// ESLint (flat config): the recommended JavaScript and typescript-eslint rules over the server, its tests, the
// migrations and the benchmarks. The web app has its own tooling; built output is not linted.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'apps/web/**', 'node_modules/**', 'vendor/**', 'coverage/**'] },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      // Reported, not refused: `any` still types raw SQL rows and untyped socket payloads in places.
      '@typescript-eslint/no-explicit-any': 'warn',
      // Input sanitising matches control characters on purpose (NUL, C0, DEL).
      'no-control-regex': 'off',
      // Japanese text uses the ideographic space (U+3000) in strings, patterns and comments.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipComments: true, skipRegExps: true, skipTemplates: true }],
      // `_`-prefixed names are deliberately unused (a parameter a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'apps/api/test/**/*.ts'],
    languageOptions: { globals: globals.jest },
    // Tests read JSON answers whose shape is what they assert.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
