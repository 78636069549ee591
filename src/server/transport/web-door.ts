/**
 * The door of the web-standard transports (Deno's `Deno.upgradeWebSocket`,
 * Bun's `Bun.serve`), where an upgrade arrives as a web `Request` and is
 * answered with a `Response`: the same checks as the ws transport's, in the
 * same order (path, closing, connections per address, origin, then
 * `authenticate` under the handshake deadline), on the same platform-free
 * parts (addresses.ts, origins.ts, upgrade.ts). The runtime's HTTP server has
 * parsed the headers by then: its own timeouts govern them.
 * @module
 */
import { backgroundTimeout, type Clock } from '../clock'
import type { UpgradeRequest } from '../context'
import type { ResolvedDoor } from '../resolved-options'
import { closeReason } from '../values'
import { createAddressCounter } from './addresses'
import { createOriginGate } from './origins'
import type { TransportHost } from './transport'
import { authenticate, pathMatches, refusedOverHttp, statusText, type Verdict } from './upgrade'

/**
 * The upgrade request on Deno and Bun (`ctx.request`, and what `authenticate`, `allowedOrigins`
 * and `clientAddress` get): the members every transport's request has, read from the runtime's web
 * `Request`, and that `Request` as `raw`. Code written for Node's `IncomingMessage` that reads
 * `url`, `headers` and `socket.remoteAddress` runs unchanged.
 * @example
 * authenticate: (request) => sessions.get(request.headers.cookie ?? '') ?? null,
 * methods: { whereFrom: (_params, ctx) => ctx.request.socket.remoteAddress },
 */
export interface WebUpgradeRequest extends UpgradeRequest {
  /** The path and query, as Node gives them: `'/ws?token=abc'` (the full URL is `raw.url`). */
  readonly url: string
  /** Headers by lowercased name; a header sent twice is one value joined with `', '`. */
  readonly headers: Readonly<Record<string, string>>
  /** The client's address: the TCP peer, as the runtime reports it (a proxy's, behind one). */
  readonly socket: { readonly remoteAddress: string }
  /** The runtime's own `Request`, for anything else. */
  readonly raw: Request
}

/** The members of a web `Request` that every transport's request has, read once. @internal */
export function toUpgradeRequest(raw: Request, remoteAddress: string): WebUpgradeRequest {
  const { pathname, search } = new URL(raw.url)
  // No prototype: a header named like an Object member reads as what was sent, or undefined.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>
  raw.headers.forEach((value, name) => {
    headers[name] = value
  })
  return { url: pathname + search, headers, socket: { remoteAddress }, raw }
}

/** An upgrade the door let through: the request the core will see, the verdict, and the place it holds. @internal */
export interface Admitted<Auth> {
  /** The core that will serve it. */
  readonly host: TransportHost<Auth>
  readonly request: WebUpgradeRequest
  /** Accepted, or refused with a close code (4401/4403) once the socket opens (`authRejection: 'close'`). */
  readonly verdict: Verdict<Auth>
  /** Give the address's place back: when the socket is gone, or its upgrade failed. Once. */
  release(): void
}

/** @internal */
export interface WebDoor<Auth> {
  /** True when `request` is a WebSocket upgrade to the server's path: the transport's to answer. */
  ours(request: Request): boolean
  /** The answer to a request the transport does not upgrade: 426 on the path, 404 elsewhere (a port of its own). */
  plain(request: Request): Response
  /** Run the door: what to upgrade with, or the `Response` that refuses. Never rejects. */
  admit(request: Request, remoteAddress: string): Promise<Admitted<Auth> | Response>
  /** The core, once the transport starts. */
  start(host: TransportHost<Auth>): void
  /** Refuse every upgrade from now on with 503 (close() has begun). */
  stop(): void
}

/** An HTTP refusal, its reason cut like a close reason. @internal */
export const refusal = (status: number, reason = statusText(status)): Response =>
  new Response(closeReason(reason), { status, headers: { 'content-type': 'text/plain' } })

const isUpgrade = (request: Request): boolean => request.headers.get('upgrade')?.toLowerCase() === 'websocket'

/** @internal */
export function createWebDoor<Auth>(door: ResolvedDoor<Auth>, clock: Clock): WebDoor<Auth> {
  const counter = createAddressCounter(door)
  let host: TransportHost<Auth> | undefined
  let stopping = false
  const report = (err: unknown) => host?.report(err)
  const originRefused = createOriginGate(door, report)
  const onPath = (request: Request) => pathMatches(request.url, door.path)

  /** `authenticate` under the handshake deadline: a late one is a 503, and its answer is ignored. */
  const decide = (request: WebUpgradeRequest) =>
    new Promise<Verdict<Auth>>((resolve) => {
      const timer = backgroundTimeout(clock, () => resolve({ ok: false, status: 503, reason: statusText(503) }), door.handshakeTimeout)
      void authenticate(request, door.authenticate, report).then((verdict) => {
        clock.clearTimeout(timer)
        resolve(verdict)
      })
    })

  async function admit(raw: Request, remoteAddress: string): Promise<Admitted<Auth> | Response> {
    const refused = (status: number, reason?: string) => {
      host?.count('rejected')
      return refusal(status, reason)
    }
    if (stopping || !host) return refused(503)
    const request = toUpgradeRequest(raw, remoteAddress)
    const release = counter.admit(request)
    if (!release) return refused(429)
    if (originRefused(request)) {
      release()
      return refused(403)
    }
    const verdict = await decide(request)
    // close() began while authenticate ran: nothing new is accepted.
    if (stopping) {
      release()
      return refused(503)
    }
    if (refusedOverHttp(verdict, door.authRejection)) {
      release()
      return refused(verdict.status, verdict.reason)
    }
    if (!verdict.ok) host.count('rejected')
    return { host, request, verdict, release }
  }

  return {
    ours: (request) => isUpgrade(request) && onPath(request),
    plain: (request) => refusal(onPath(request) ? 426 : 404),
    admit: (request, remoteAddress) =>
      admit(request, remoteAddress).catch((err: unknown) => {
        // A request the runtime gave us that cannot be read (no URL?): its bug or ours, never a crash.
        report(err)
        return refusal(400)
      }),
    start(next) {
      host = next
    },
    stop() {
      stopping = true
    },
  }
}
