/**
 * `leakCheck`: did a test leave sockets, servers or timers behind?
 * @module
 */

/** Options of the check that {@link leakCheck} returns. */
export interface LeakCheckOptions {
  /** Rejects after this many ms, naming what is left. @default 2000 */
  timeout?: number
  /** Kinds of resource not to count (`'Timeout'` for a test that keeps a timer of its own on purpose). @default [] */
  ignore?: readonly string[]
}

const POLL = 10

/** How many active resources of each kind the process has (`TCPSocketWrap`, `TCPServerWrap`, `Timeout`…). */
const census = (ignore: readonly string[]): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) {
    if (!ignore.includes(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return counts
}

/**
 * Notes the process's active resources now (sockets, listening servers, timers: Node's
 * `process.getActiveResourcesInfo()`) and returns the check: it resolves once there are no more of
 * each kind than there were, and rejects after `timeout` with an Error naming the kinds left over
 * (`lifeline-ws/testing: left behind after 2000 ms: 1 TCPSocketWrap, 2 Timeout`). A client that was
 * not closed leaves its socket or its retry timer; a test server not closed, its sockets.
 * @example
 * let noLeaks: () => Promise<void>
 * beforeEach(() => { noLeaks = leakCheck() })
 * afterEach(async () => {
 *   client.close()
 *   await server.close()
 *   await noLeaks()
 * })
 */
export function leakCheck(): (options?: LeakCheckOptions) => Promise<void> {
  const before = census([])
  return async ({ timeout = 2000, ignore = [] } = {}) => {
    const deadline = Date.now() + timeout
    for (;;) {
      const extra = [...census(ignore)].map(([kind, count]) => [kind, count - (before.get(kind) ?? 0)] as const).filter(([, count]) => count > 0)
      if (!extra.length) return
      if (Date.now() > deadline) {
        throw new Error(`lifeline-ws/testing: left behind after ${timeout} ms: ${extra.map(([kind, count]) => `${count} ${kind}`).join(', ')}`)
      }
      await new Promise((resolve) => setTimeout(resolve, POLL))
    }
  }
}
