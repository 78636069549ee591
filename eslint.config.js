import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'docs/api/', 'node_modules/', 'storybook-static/', 'coverage/', 'bench/results/', 'examples/**/dist/', 'test/docs/ambient/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', navigator: 'readonly', console: 'readonly', process: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        WebSocket: 'readonly', URL: 'readonly', Blob: 'readonly', TextEncoder: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', localStorage: 'readonly', indexedDB: 'readonly', globalThis: 'readonly', performance: 'readonly',
        structuredClone: 'readonly', queueMicrotask: 'readonly', Buffer: 'readonly', location: 'readonly', fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `cond && act()` and `cond ? a() : b()` as statements keep the size-budgeted client compact.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  // Readable code (issue #13): no comma expressions, no nested ternaries, and promises that are
  // neither forgotten nor passed where a plain callback is expected.
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['.storybook/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'no-sequences': 'error',
      'no-nested-ternary': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    rules: { 'no-sequences': 'error', 'no-nested-ternary': 'error' },
  },
)
