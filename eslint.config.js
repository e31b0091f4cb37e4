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
    // Plugins see only the public plugin contract (DESIGN.md section 5).
    files: ['packages/connector-*/src/**/*.ts'],
    // Tests and a plugin's fake vendor (src/testing/) may also use core's test kit.
    ignores: ['**/*.test.ts', 'packages/connector-*/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^@connectd/core(?!/connector$)', message: 'plugins import only @connectd/core/connector' }] }],
    },
  },
);
