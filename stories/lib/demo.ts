/**
 * Where the demo server is, and its control switches (cut, blackhole, stop,
 * start, restart) used by the toolbar of every story.
 *
 * Under `npm start` the Storybook dev server proxies `/ws` and `/control` to
 * the demo server, so everything is same-origin. A static gallery served
 * elsewhere (the browser tests) names the demo server with `?demo=<http url>`
 * on iframe.html.
 * @internal
 */

/** The demo server's HTTP origin. */
export const demoOrigin: string = new URLSearchParams(location.search).get('demo') ?? location.origin

/** The socket URL; lifeline maps http(s) to ws(s). */
export const socketUrl: string = new URL('/ws', demoOrigin).href

/** What the control endpoint reports after every action. */
export interface ServerStatus {
  /** Whether the socket server is listening. */
  up: boolean
  /** Open connections through the fault proxy. */
  connections: number
  /** Connections currently blackholed. */
  blackholed: number
}

export type ControlAction = 'status' | 'reset' | 'blackhole' | 'stop' | 'start' | 'restart'

/**
 * Runs a control action on the demo server.
 * @example
 * await control('restart', { downFor: 2000 })
 */
export async function control(action: ControlAction, query: Record<string, string | number> = {}): Promise<ServerStatus> {
  const url = new URL(`/control/${action}`, demoOrigin)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v))
  const res = await fetch(url, { method: action === 'status' ? 'GET' : 'POST' })
  if (!res.ok) throw new Error(`control ${action}: HTTP ${res.status}`)
  return (await res.json()) as ServerStatus
}
