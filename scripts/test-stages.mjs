// The stages of `npm test`, one line each: the npm script it runs and the stages it needs first.
// scripts/test.mjs runs them concurrently as their needs allow, longest first (the order below is
// the priority); test/package/scripts.test.ts checks that every test:* script and vitest project
// is reached from here. To add a suite: one line, e.g. { name: 'sim', script: 'test:sim', after: ['build'] }.

/** @type {ReadonlyArray<{ name: string, script: string, after?: readonly string[] }>} */
export const stages = [
  { name: 'build', script: 'build' },
  // Builds its own bundles from src/ (test/chaos/build.ts): it needs no dist/, and it is mostly waiting.
  { name: 'chaos', script: 'test:chaos' },
  { name: 'browser', script: 'test:browser', after: ['build'] },
  { name: 'coverage', script: 'test:coverage', after: ['build'] },
  // Type-aware lint and tsc resolve lifeline-ws to dist/'s types, as tests that import the package do.
  { name: 'types', script: 'test:types', after: ['build'] },
  { name: 'package', script: 'test:package', after: ['build'] },
  { name: 'lint', script: 'test:lint', after: ['build'] },
  { name: 'docs', script: 'test:docs', after: ['build'] },
  { name: 'size', script: 'test:size', after: ['build'] },
  // Deno and Bun run the built package (dist/) in their own processes.
  { name: 'runtimes', script: 'test:runtimes', after: ['build'] },
  // The deterministic simulation's quick profile, seeds 1..500 (test/sim/, docs/reliability.md): it
  // bundles src/ itself with esbuild, so it needs no dist/.
  { name: 'sim', script: 'test:sim' },
]
