/**
 * What the world needs from one server process, whichever way the server is
 * plugged into the simulated network: `upgrade` a connection, broadcast and
 * publish, list its clients, close gracefully, crash. Adapters make one from
 * the real `createServer` (legacy-server.ts: the server before its Transport
 * seam, over a stand-in for `ws`).
 * @module
 */
import type { Broker } from '../../../src/server/topics/broker/broker'
import type { SessionStore } from '../../../src/server/sessions/store'
import type { Context, MethodHandler } from '../../../src/server/types'
import type { Scheduler } from '../kernel/scheduler'
import type { Connection, End, Network } from '../net/network'
import type { ServerSocket } from '../net/server-socket'

/** How one server process is made. */
export interface ProcessConfig {
  /** The process's owner name, unique per incarnation (`s1#2`): its events, timers and sockets. */
  readonly owner: string
  readonly scheduler: Scheduler
  readonly network: Network
  readonly methods: Record<string, MethodHandler>
  readonly store: SessionStore
  readonly broker: Broker
  readonly sessions: { ttl: number; ackDelay: number }
  readonly heartbeat: number
  readonly maxInFlight: number
  readonly callTimeout: number
  readonly shutdownTimeout: number
  readonly hooks: {
    onConnect(ctx: Context): void
    onResume(ctx: Context): void
    onDisconnect(ctx: Context, code: number, reason: string): void
    onError(err: unknown): void
  }
}

/** One running server process. */
export interface ServerProcess {
  readonly owner: string
  /** A connection's upgrade arrived: the process's end of it. */
  upgrade(connection: Connection): End
  broadcast(event: string, params: unknown): void
  publish(topic: string, data: unknown): void
  /** Ids of the contexts the process serves (sessions waiting for their client included). */
  clients(): string[]
  /** Graceful shutdown (`server.close()`). */
  close(): Promise<void>
  /** SIGKILL. `reset`: the kernel resets its connections; `silent`: the host is gone, nobody is told. */
  crash(mode: 'reset' | 'silent'): void
}

export type ProcessFactory = (config: ProcessConfig) => ServerProcess

/**
 * The server options both adapters give the real server, from the process's config (`noServer`: the
 * world hands each upgrade over itself).
 */
export function serverOptions(config: ProcessConfig) {
  const { hooks } = config
  return {
    noServer: true as const,
    methods: config.methods,
    broker: config.broker,
    sessions: { store: config.store, ttl: config.sessions.ttl, ackDelay: config.sessions.ackDelay },
    heartbeat: { interval: config.heartbeat },
    maxInFlight: config.maxInFlight,
    callTimeout: config.callTimeout,
    shutdownTimeout: config.shutdownTimeout,
    onConnect: hooks.onConnect,
    onResume: hooks.onResume,
    onDisconnect: hooks.onDisconnect,
    onError: hooks.onError,
  }
}

/** What both adapters' servers offer the world, under the names createServer and createCore share. */
interface RealServer {
  broadcast(event: string, params: unknown): void
  publish(topic: string, data: unknown): unknown
  readonly clients: ReadonlyMap<string, unknown>
  close(): Promise<void>
}

/**
 * The part of a {@link ServerProcess} that is the same whichever way the server is plugged in:
 * broadcast, publish (a failure goes to onError), clients, close, and a crash, which kills the
 * process's events and resets its connections or makes them vanish.
 */
export function processControls(server: RealServer, config: ProcessConfig, sockets: Set<ServerSocket>): Omit<ServerProcess, 'owner' | 'upgrade'> {
  const { scheduler, network, owner, hooks } = config
  return {
    broadcast: (event, params) => server.broadcast(event, params),
    publish(topic, data) {
      void Promise.resolve(server.publish(topic, data)).catch(hooks.onError)
    },
    clients: () => [...server.clients.keys()],
    close: () => server.close(),
    crash(mode) {
      scheduler.kill(owner)
      for (const socket of sockets) {
        if (mode === 'reset') network.reset(socket.connection)
        else network.vanish(socket.connection)
        socket.crashed()
      }
      sockets.clear()
    },
  }
}
