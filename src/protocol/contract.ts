/**
 * The contract type: one description of an API (methods the client calls,
 * events and topics the server pushes, methods the server calls on the
 * client) from which every client method takes its types, and every typed
 * part of the server (server/contract.ts). It sits with the protocol so that
 * both sides read one file: the server may not import the client.
 * @module
 */

/** A method signature in a contract: `(params: P) => R` (or no parameter, for methods without params). */
export type Method = (params: never) => unknown

/**
 * Describes a server's API. Every part is optional.
 * @example
 * interface ChatApi {
 *   methods: { 'room.join': (p: { room: string }) => { members: string[] } }
 *   events: { typing: { user: string } }
 *   topics: { 'room:lobby': { from: string; text: string } }
 *   handlers: { 'client.version': () => string }
 * }
 * const client = createClient<ChatApi>(url)
 */
export interface Contract {
  /** Methods the client calls: name -> `(params) => result`. */
  methods?: { [name: string]: Method }
  /** Notifications the server pushes: name -> payload. */
  events?: { [name: string]: unknown }
  /** Topics: name -> message payload. */
  topics?: { [name: string]: unknown }
  /** Methods the server calls on the client: name -> `(params) => result`. */
  handlers?: { [name: string]: Method }
}

/** One part of a contract (`methods`, `events`…), or `never` when the contract has no such part. */
export type Part<C, K extends keyof Contract> = C extends { [P in K]-?: infer M } ? (unknown extends M ? never : M) : never
/** `M[K]` when the contract has that part and name, else `F` (a missing part must not yield `never`). */
export type Lookup<M, K, F> = [M] extends [never] ? F : K extends keyof M ? M[K] : F

/** Names of the contract's methods, or any string without a contract. */
export type MethodName<C> = [Part<C, 'methods'>] extends [never] ? string : keyof Part<C, 'methods'> & string

/** The params argument of a method: omittable when the method takes none. */
export type ParamsOf<F> = F extends () => unknown ? [params?: undefined] : F extends (params: infer P) => unknown ? [params: P] : [params?: unknown]

/** The arguments of `call` after the method name. */
export type CallArgs<C, K extends string, Opts> = [Part<C, 'methods'>] extends [never]
  ? [params?: unknown, options?: Opts]
  : K extends keyof Part<C, 'methods'> ? [...ParamsOf<Part<C, 'methods'>[K]>, options?: Opts] : never

/** What `call` resolves with: the method's (awaited) return type, or `unknown`. */
export type ResultOf<C, K extends string> = Lookup<Part<C, 'methods'>, K, unknown> extends (...args: never[]) => infer R ? Awaited<R> : unknown

/** The arguments of `notify` after the method name (no options). */
export type NotifyArgs<C, K extends string> = [Part<C, 'methods'>] extends [never]
  ? [params?: unknown]
  : K extends keyof Part<C, 'methods'> ? ParamsOf<Part<C, 'methods'>[K]> : never

/** Names of server events, or any string. */
export type EventName<C> = [Part<C, 'events'>] extends [never] ? string : keyof Part<C, 'events'> & string
/** Payload of a server event, or `unknown`. */
export type EventOf<C, K extends string> = Lookup<Part<C, 'events'>, K, unknown>

/** Names of topics, or any string. */
export type TopicName<C> = [Part<C, 'topics'>] extends [never] ? string : keyof Part<C, 'topics'> & string
/** Message payload of a topic, or `unknown`. */
export type TopicOf<C, K extends string> = Lookup<Part<C, 'topics'>, K, unknown>

/** Names of methods the server may call on the client, or any string. */
export type HandlerName<C> = [Part<C, 'handlers'>] extends [never] ? string : keyof Part<C, 'handlers'> & string
/** The function `handle` takes for a method: params in, result (or a promise of it) out. */
export type HandlerOf<C, K extends string> = Lookup<Part<C, 'handlers'>, K, (params: unknown) => unknown> extends (...args: infer A) => infer R
  ? (...args: A) => R | Promise<R>
  : never
