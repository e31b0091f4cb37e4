import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.connectd/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'URLSearchParams', 'fetch', 'AbortSignal', 'AbortController', 'setTimeout', 'clearTimeout',
          'setInterval', 'clearInterval', 'setImmediate', 'Buffer', 'performance', 'TextEncoder', 'TextDecoder', 'structuredClone', 'queueMicrotask']
          .map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // One job per file (docs/architecture.md, "Code style"): a file that outgrows 300 lines is
    // doing two things. Long functions are flagged so they get split where a name helps.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Plugins see only the public plugin contract (docs/architecture.md).
    files: ['packages/connector-*/src/**/*.ts'],
    // Tests and a plugin's fake vendor (src/testing/) may also use core's test kit.
    ignores: ['**/*.test.ts', 'packages/connector-*/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^@connectd/core(?!/connector$)', message: 'plugins import only @connectd/core/connector' }] }],
    },
  },
);
