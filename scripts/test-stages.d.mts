// Types for scripts/test-stages.mjs, so TypeScript tests can import it.
export const stages: ReadonlyArray<{ name: string; script: string; after?: readonly string[] }>
