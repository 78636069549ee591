/**
 * The server's side of a contract (protocol/contract.ts, the interface
 * `createClient<C>` takes): what `createServer<C>` derives from it. Each
 * method's params and result, the events of `ctx.notify` and
 * `server.broadcast`, the topics of `server.publish`, and the client's
 * handlers that `ctx.call` reaches. Without a contract (the loose
 * `Contract`, the default) every name is a string and every payload
 * `unknown`, as before contracts. Types only: nothing is checked at run time.
 * The typed method handlers (`ServerMethod`, `ServerMethods`) are in context.ts, beside `Context`.
 * @module
 */
import type { CallArgs, Contract, EventName, EventOf, HandlerName, Part, ResultOf, TopicName, TopicOf } from '../protocol/contract'

/** A payload argument: optional when the payload may be undefined, absent from the contract, or unknown. */
export type PayloadArgs<P> = undefined extends P ? [payload?: P] : [payload: P]

/** The params a contract method takes (`undefined` for a method without params). */
export type MethodParams<F> = F extends (...args: infer A) => unknown ? A[0] : unknown

/** The arguments of `ctx.notify` and `server.broadcast` after the event's name. */
export type EventArgs<C extends Contract, K extends string> = string extends EventName<C> ? [params?: unknown] : PayloadArgs<EventOf<C, K>>

/** The arguments of `server.publish` after the topic's name. */
export type TopicArgs<C extends Contract, K extends string> = string extends TopicName<C> ? [data?: unknown] : PayloadArgs<TopicOf<C, K>>

/**
 * The arguments of `ctx.call` after the method's name: the handler's params, then the call's options
 * (the client's handlers read as the methods of a contract).
 */
export type HandlerCallArgs<C extends Contract, K extends string, Opts> = string extends HandlerName<C>
  ? [params?: unknown, options?: Opts]
  : CallArgs<{ methods: Part<C, 'handlers'> }, K, Opts>

/** What `ctx.call` resolves with: the handler's (awaited) result, or `unknown`. */
export type HandlerResult<C extends Contract, K extends string> = string extends HandlerName<C> ? unknown : ResultOf<{ methods: Part<C, 'handlers'> }, K>
