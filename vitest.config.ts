import { defineConfig } from 'vitest/config'

// Three projects, one per kind of test. Browser tests run outside vitest
// (test/browser/run.mjs) because they drive three real engines.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'react', include: ['test/react/**/*.test.ts'], environment: 'jsdom', testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'react-types', include: ['test/react/**/*.test-d.ts'], typecheck: { enabled: true, only: true, include: ['test/react/**/*.test-d.ts'], tsconfig: './tsconfig.json' } } },
      {
        test: {
          name: 'types',
          include: ['test/types/**/*.test-d.ts'],
          typecheck: { enabled: true, only: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
    ],
  },
})
