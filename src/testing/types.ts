/**
 * Public types of `lifeline-ws/testing`.
 * @module
 */
import type { Context, MethodHandler, Server, ServerOptions } from '../server/index'

/**
 * Options of {@link createTestServer}: those of `createServer` from `lifeline-ws/server`,
 * except where it listens (always 127.0.0.1, a free port). Two defaults differ, for tests:
 * `shutdownTimeout` is 1000 ms (a hung method cannot hold `close()` for 10 s), and `history`
 * is one store for the test server's whole life, so `restart()` keeps sequence numbers.
 * @example
 * createTestServer({ methods: { add: ({ a, b }) => a + b }, heartbeat: { interval: 200 } })
 */
export type TestServerOptions<Auth = unknown> = Omit<Extract<ServerOptions<Auth>, { noServer: true }>, 'noServer' | 'port' | 'host' | 'server' | 'path'>

/** A subscribe request the server received: one per topic per (re)subscription. */
export interface SubscribeRecord {
  topic: string
  /** The id of the connection that sent it (`server.clients` key). */
  client: string
}

/** Options of {@link TestServer.drop}. */
export interface DropOptions {
  /** The close code the clients see. @default 1012 (service restart: lifeline's client reconnects) */
  code?: number
  /** The close reason. @default '' */
  reason?: string
  /** Only this connection (a `clients` key). @default every connection */
  client?: string
}

/**
 * An in-process lifeline server for tests, behind a TCP proxy on a fixed
 * `url`, with handles to script it and to break the connection.
 * @example
 * const server = await createTestServer()
 * server.reply('time', 42)
 * const client = createClient(server.url, { WebSocket })
 * expect(await client.call('time')).toBe(42)
 * await server.close()
 */
export interface TestServer<Auth = unknown> {
  /** Where clients connect: `ws://127.0.0.1:<port>/`. Stays the same across `restart()`. */
  readonly url: string
  /** The port of `url`. */
  readonly port: number
  /** The `lifeline-ws/server` instance running now (a new one after `restart()`). */
  readonly server: Server<Auth>
  /** Connected clients by id (the running server's). */
  readonly clients: ReadonlyMap<string, Context<Auth>>
  /** Connections handed to the server since creation, across restarts (refused ones not counted). */
  readonly accepted: number
  /** Connections refused by `refuse()` since creation. */
  readonly refused: number
  /** Every subscribe request received since creation, in order; a topic re-sent after a reconnect counts again. */
  readonly subscribes: readonly SubscribeRecord[]
  /** Method calls running now (started, not yet answered). */
  readonly running: number
  /**
   * Defines or replaces a method. A name the running server did not know needs a server without
   * clients (it is swapped for one that knows it); otherwise declare it in `options.methods`.
   * @example
   * server.method('add', ({ a, b }: { a: number; b: number }) => a + b)
   */
  method(name: string, fn: MethodHandler<Auth>): void
  /**
   * Answers every call of `name` with `value`; an `Error` is thrown instead (an `RpcError` reaches
   * the client as it is).
   * @example
   * server.reply('room.join', { members: ['ada'] })
   * server.reply('room.join', new RpcError(403, 'Forbidden'))
   */
  reply(name: string, value: unknown): void
  /** Sends an event to every client, or to one (`client`: a `clients` key). @example server.push('typing', { user: 'ada' }) */
  push(event: string, params?: unknown, client?: string): void
  /**
   * Publishes to a topic; returns its sequence number. While the server is stopped, the message is
   * kept and published, in order, as soon as `start()` (or `restart()`) brings a server back, and
   * `undefined` is returned: the clients get it when they resubscribe, from the topic's history (kept
   * across restarts), as a message published while they were away. With `history: false` nobody gets it.
   * @example
   * await server.stop()
   * server.publish('prices', { btc: 2 })   // published while the client was away
   * await server.start()                    // published now; the client catches up on resubscribe
   */
  publish(topic: string, data?: unknown): number | undefined
  /** Closes connections with a close frame (a clean close). @example server.drop({ code: 4000 }) */
  drop(options?: DropOptions): void
  /** Resets every connection (TCP RST, no close frame: the client sees 1006). @example server.reset() */
  reset(): void
  /**
   * Stops delivering anything, both ways, on current and new connections, without closing them:
   * a dead network path that only a heartbeat can detect. As a stalled TCP path does, it holds what
   * is written meanwhile (closes too) and delivers it, in order, on `heal()`; a connection that a side
   * gives up on meanwhile takes its held bytes with it. Nothing is lost while a connection stays open.
   * @example server.blackhole()
   */
  blackhole(): void
  /** Resumes delivery after `blackhole()`, first delivering what it held. @example server.heal() */
  heal(): void
  /**
   * Bytes the blackhole holds now, both ways: wait for it to be above 0 to know that a frame is in the
   * dead path. @example await waitFor(() => server.held > 0)
   */
  readonly held: number
  /**
   * Refuses new connections: each is accepted and closed at once with `code` (lifeline's client
   * does not retry 4401 or 4403). Current connections are left alone. `accept()` ends it.
   * @default code 4401, reason 'Unauthorized'
   * @example server.refuse(4403, 'Forbidden')
   */
  refuse(code?: number, reason?: string): void
  /** Accepts new connections again after `refuse()`. @example server.accept() */
  accept(): void
  /**
   * Stops the server (clients get 1012; their sessions are kept for the next server); new connections
   * are reset until `start()`. While stopped, `publish` keeps its messages for the next server, and
   * `url`, `port`, `clients` (empty), the counters, `method`, `reply`, `refuse`, `accept`, `blackhole`,
   * `heal`, `waitForClients` and `close` work; `server`, `push` and `drop` throw. @example await server.stop()
   */
  stop(): Promise<void>
  /** Starts a stopped server on the same `url`. @example await server.start() */
  start(): Promise<void>
  /**
   * `stop()` then `start()`: a planned restart. Topic history and sessions are kept (as shared stores
   * would keep them), so a client resumes its session and gets each message exactly once.
   * @example await server.restart()
   */
  restart(): Promise<void>
  /**
   * Resolves once `count` clients are connected.
   * @default timeout 10000 (ms; rejects with an Error naming how many are connected)
   * @example await server.waitForClients(2)
   */
  waitForClients(count?: number, options?: { timeout?: number }): Promise<void>
  /**
   * Stops everything and frees the port; resolves once Node has released its listening sockets and
   * connections. Idempotent. @example afterEach(() => server.close())
   */
  close(): Promise<void>
}
