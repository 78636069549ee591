// Types for examples/demos.mjs, so TypeScript tests can import it.
/** The demo titles of the gallery (stories titled "Demos/…"), in its order. */
export function demoTitles(): string[]
/** "A, B and C". */
export function listed(titles: readonly string[]): string
