/**
 * The checks made at the HTTP upgrade, before a socket exists, on every
 * transport: path, and authentication turned into a verdict (accept, refuse
 * for good with 401/403, or refuse for now with 503). The origin check is
 * origins.ts; limits are addresses.ts and door.ts. `refuse` answers a Node
 * upgrade; the web adapters answer with a `Response` (web-door.ts).
 * @module
 */
import type { Duplex } from 'node:stream'
import type { UpgradeRequest } from '../context'
import { closeReason } from '../values'

/** The refusals the door gives, and their HTTP words (no `node:http` import: the Deno and Bun entries share this file). */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
}

/** The words of an HTTP status the door answers with. @internal */
export const statusText = (status: number): string => STATUS_TEXT[status] ?? ''

/**
 * What `authenticate` decided. A refusal with 401 or 403 is final (the client is told 4401/4403 and
 * stops); 503 means "not now" (the identity service could not answer): always HTTP 503, which a
 * client retries with backoff.
 * @internal
 */
export type Verdict<Auth> = { ok: true; auth: Auth } | { ok: false; status: 401 | 403 | 503; reason: string }

/** True when a request for `url` (its path and query, or a whole URL) is on the path the server listens on. @internal */
export function pathMatches(url: string | undefined, path: string | undefined): boolean {
  if (path === undefined) return true
  try {
    return new URL(url ?? '/', 'http://x').pathname === path
  } catch {
    return false
  }
}

const refusal = (err: unknown): 401 | 403 | 503 | undefined => {
  const { status, code } = (err ?? {}) as { status?: unknown; code?: unknown }
  const value = status ?? code
  return value === 401 || value === 403 || value === 503 ? value : undefined
}

/**
 * Run `authenticate`. Only an error that names its own status (401, 403, or 503 for "try again
 * later") chooses the reason the client sees; any other failure says just "Unauthorized", so
 * nothing internal leaks.
 * @internal
 */
export async function authenticate<Auth>(
  request: UpgradeRequest,
  fn: ((request: UpgradeRequest) => Auth | Promise<Auth>) | undefined,
  report: (err: unknown) => void,
): Promise<Verdict<Auth>> {
  if (!fn) return { ok: true, auth: undefined as Auth }
  try {
    const auth = await fn(request)
    if (auth === false || auth === null || auth === undefined) return { ok: false, status: 401, reason: 'Unauthorized' }
    return { ok: true, auth }
  } catch (err) {
    const status = refusal(err)
    if (!status) report(err)
    const reason = status && err instanceof Error ? err.message : ''
    return { ok: false, status: status ?? 401, reason: reason || statusText(status ?? 401) }
  }
}

/** True when a refused verdict is answered over HTTP rather than with a close code: 503 always, any with `'http'`. @internal */
export const refusedOverHttp = (verdict: Verdict<unknown>, authRejection: 'close' | 'http'): verdict is Extract<Verdict<unknown>, { ok: false }> =>
  !verdict.ok && (authRejection === 'http' || verdict.status === 503)

/** Answer a Node upgrade with an HTTP error and drop the socket. @internal */
export function refuse(socket: Duplex, status: number, reason = statusText(status)): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = closeReason(reason)
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
