/**
 * What a method handler sees: the per-client {@link Context} (one per socket, or one per session),
 * the handler signature, and the options of `ctx.call`. Types only.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Message } from '../protocol/protocol'

/**
 * The HTTP upgrade request, as every transport gives it: what `authenticate`, `allowedOrigins`,
 * `clientAddress` and `ctx.request` read. On Node (`lifeline-ws/server`) it is the `IncomingMessage`
 * itself; on Deno and Bun (`lifeline-ws/server/deno`, `/bun`) a plain object with these members and
 * `raw`, the runtime's web `Request` (`WebUpgradeRequest`). Code that reads only these members runs
 * on every transport unchanged.
 * @example
 * const token = (request: UpgradeRequest) => new URL(request.url ?? '/', 'http://x').searchParams.get('token')
 */
export interface UpgradeRequest {
  /** The path and query the client asked for, as sent: `'/ws?token=abc'`. */
  readonly url?: string | undefined
  /** Headers by lowercased name, as Node gives them (a header sent twice: one value joined with `', '`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  /** The connection: `remoteAddress` is the TCP peer's address (a proxy's, behind one). */
  readonly socket: { readonly remoteAddress?: string | undefined }
}

/** Options of {@link Context.call}. */
export interface CallOptions {
  /** Milliseconds to wait for the client's answer. @default the server's `callTimeout` */
  timeout?: number
}

/**
 * One connected client, as methods, hooks and `server.clients` see it. A client that opened a
 * session keeps one context for the whole session, across its sockets.
 * @example
 * methods: { whoami: (_params, ctx) => ({ id: ctx.id, user: ctx.auth }) }
 */
export interface Context<Auth = unknown, Req extends UpgradeRequest = IncomingMessage> {
  /** A random id, unique per connection; for a session, the session id (the same on every socket). */
  readonly id: string
  /** What `authenticate` returned for this connection (undefined without `authenticate`). */
  readonly auth: Auth
  /**
   * The HTTP upgrade request (of the latest socket, for a session): headers, URL, remote address.
   * An `IncomingMessage` on Node; a {@link UpgradeRequest} with `raw`, the web `Request`, on Deno and Bun.
   */
  readonly request: Req
  /** Topics this client is subscribed to on its current socket (the client resubscribes on each). */
  readonly topics: ReadonlySet<string>
  /**
   * Ask the client (its `client.handle(method, fn)`) and wait for the answer. Rejects with
   * `RpcError` when the client answers with an error, `TimeoutError`, or `ConnectionClosedError`
   * (a plain client left; a session ended). With a session, a call in flight across a drop
   * settles when the client answers after it resumed.
   */
  call(method: string, params?: unknown, options?: CallOptions): Promise<unknown>
  /**
   * Send an event (a notification) to this client; it arrives at `client.listen(event)`. With a
   * session, an event sent while the client is away is delivered when it resumes.
   */
  notify(event: string, params?: unknown): void
  /** Close this connection; for a session, end the session too (its client starts a new one). @default code 1000 */
  close(code?: number, reason?: string): void
}

/**
 * The message a method runs for: a `request` (its result is the answer) or a `notification` (no
 * answer), with `once` when it is keyed. A proxy reads it to tell the two apart and to derive an
 * idempotency key; most methods need only `params`.
 */
export type MethodMessage = Extract<Message, { type: 'request' | 'notification' }>

/**
 * A method the clients may call: its result, or a thrown `RpcError`, is the answer.
 * @example
 * const log: MethodHandler = (params, ctx, message) => { if (message.type === 'notification') audit(ctx.id, params) }
 */
export type MethodHandler<Auth = unknown, Req extends UpgradeRequest = IncomingMessage> = (params: unknown, ctx: Context<Auth, Req>, message: MethodMessage) => unknown
