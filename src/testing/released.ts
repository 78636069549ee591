/**
 * Waiting for Node to release closed handles: `server.close(callback)` calls back before the
 * listening socket's handle is closed, which happens in the event loop's close phase, after the
 * next check (setImmediate) phase at the latest.
 * @module
 */

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Resolves once the handles closed so far are released (two turns of the event loop's check phase). @internal */
export async function released(): Promise<void> {
  await turn()
  await turn()
}
