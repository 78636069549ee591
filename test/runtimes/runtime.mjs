// Which runtime runs this code, with its exact version, and how to end it: shared by the smoke
// suite and bench/runtime-load.mjs, which run in Node, Deno and Bun alike.
const { Deno, Bun } = globalThis

/** `deno 2.9.6 (v8 …)`, `bun 1.4.5 (revision)` or `node 20.20.2 (v8 …)`. */
export function runtimeName() {
  if (Deno) return `deno ${Deno.version.deno} (v8 ${Deno.version.v8})`
  if (Bun) return `bun ${Bun.version} (${Bun.revision.slice(0, 9)})`
  return `node ${process.versions.node} (v8 ${process.versions.v8})`
}

/** Ends the process now: Deno and Bun would wait for handles a failed check left open. */
export function exit(code) {
  if (Deno) Deno.exit(code)
  else process.exit(code)
}
