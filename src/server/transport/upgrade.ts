/**
 * The checks made at the HTTP upgrade, before a socket exists: path, origin
 * (against cross-site WebSocket hijacking) and authentication.
 * @module
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { closeReason } from '../values'

/** @internal */
export type Verdict<Auth> = { ok: true; auth: Auth } | { ok: false; status: 401 | 403; reason: string }

/** True when the request's path is the one the server listens on. @internal */
export function pathMatches(request: IncomingMessage, path: string | undefined): boolean {
  if (path === undefined) return true
  try {
    return new URL(request.url ?? '/', 'http://x').pathname === path
  } catch {
    return false
  }
}

const refusal = (err: unknown): 401 | 403 | undefined => {
  const { status, code } = (err ?? {}) as { status?: unknown; code?: unknown }
  const value = status ?? code
  return value === 401 || value === 403 ? value : undefined
}

/**
 * Run `authenticate`. Only an error that names its own status (401/403) chooses the reason the
 * client sees; any other failure says just "Unauthorized", so nothing internal leaks.
 * @internal
 */
export async function authenticate<Auth>(
  request: IncomingMessage,
  fn: ((request: IncomingMessage) => Auth | Promise<Auth>) | undefined,
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
    return { ok: false, status: status ?? 401, reason: reason || STATUS_CODES[status ?? 401]! }
  }
}

/** Answer an upgrade with an HTTP error and drop the socket. @internal */
export function refuse(socket: Duplex, status: number, reason = STATUS_CODES[status] ?? ''): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const body = closeReason(reason)
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
