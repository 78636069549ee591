/**
 * What a method handler sees: the per-client {@link Context} (one per socket, or one per session),
 * the handler signature, and the options of `ctx.call`. Types only.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Contract, EventName, HandlerName, MethodName, Part, ResultOf } from '../protocol/contract'
import type { Message } from '../protocol/protocol'
import type { EventArgs, HandlerCallArgs, HandlerResult, MethodParams } from './contract'

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
 * @typeParam Auth - what `authenticate` returns.
 * @typeParam C - the contract (`createServer<C>`): it types `notify` and `call`; without one,
 *   names are strings and payloads `unknown`.
 * @typeParam Req - the transport's upgrade request (`ctx.request`): Node's `IncomingMessage`, or a
 *   `WebUpgradeRequest` on Deno and Bun (whose entries export `Context` with it already).
 * @example
 * methods: { whoami: (_params, ctx) => ({ id: ctx.id, user: ctx.auth }) }
 */
export interface Context<Auth = unknown, C extends Contract = Contract, Req extends UpgradeRequest = IncomingMessage> {
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
   * settles when the client answers after it resumed. With a contract, `method` is one of its
   * `handlers` and the result is typed.
   * @example
   * const version = await ctx.call('client.version', undefined, { timeout: 5000 })
   */
  call<K extends HandlerName<C>>(method: K, ...args: HandlerCallArgs<C, K, CallOptions>): Promise<HandlerResult<C, K>>
  /**
   * Send an event (a notification) to this client; it arrives at `client.listen(event)`. With a
   * session, an event sent while the client is away is delivered when it resumes. With a
   * contract, `event` is one of its `events` and `params` its payload.
   * @example
   * ctx.notify('typing', { user: 'ada' })
   */
  notify<K extends EventName<C>>(event: K, ...params: EventArgs<C, K>): void
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
 * A method the clients may call, without a contract: its result, or a thrown `RpcError`, is the
 * answer. With a contract, {@link ServerMethod} types one method.
 * @example
 * const log: MethodHandler = (params, ctx, message) => { if (message.type === 'notification') audit(ctx.id, params) }
 */
export type MethodHandler<Auth = unknown, C extends Contract = Contract, Req extends UpgradeRequest = IncomingMessage> = (
  params: unknown,
  ctx: Context<Auth, C, Req>,
  message: MethodMessage,
) => unknown

/**
 * The handler of one contract method: its params in, its result (or a promise of it) out. Use it to
 * write a method apart from the options object.
 * @typeParam C - the contract.
 * @typeParam K - the method's name in the contract.
 * @typeParam Auth - what `authenticate` returns (`ctx.auth`).
 * @typeParam Req - the transport's upgrade request (`ctx.request`). @default IncomingMessage (Node)
 * @example
 * const join: ServerMethod<ChatApi, 'room.join'> = ({ room }, ctx) => ({ members: membersOf(room) })
 * createServer<ChatApi>({ port: 8080, methods: { 'room.join': join, ... } })
 */
export type ServerMethod<C extends Contract, K extends MethodName<C>, Auth = unknown, Req extends UpgradeRequest = IncomingMessage> = (
  params: MethodParams<Part<C, 'methods'>[K]>,
  ctx: Context<Auth, C, Req>,
  message: MethodMessage,
) => ResultOf<C, K> | Promise<ResultOf<C, K>>

/**
 * The `methods` option. With a contract, exactly its methods, each typed (a method it lists and
 * the server leaves out is a compile error, like a class that does not implement its interface);
 * without one, any name, params `unknown`.
 */
export type ServerMethods<C extends Contract, Auth = unknown, Req extends UpgradeRequest = IncomingMessage> =
  // Loose when the contract names no methods of its own (no contract, or one without `methods`).
  string extends MethodName<C>
    ? Record<string, MethodHandler<Auth, C, Req>>
    : { [K in MethodName<C>]: ServerMethod<C, K, Auth, Req> }
