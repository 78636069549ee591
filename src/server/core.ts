/**
 * The server without its network: the broker and topics, every client
 * (connection/clients.ts), the heartbeat, `ready`, publish, broadcast and
 * the graceful shutdown, over any {@link Transport}. It imports neither
 * `ws` nor `node:http`: `createServer` (server.ts) gives it the `ws`
 * transport; a simulation gives it a simulated network and a virtual clock
 * (resolveServerOptions' second argument), and runs the real server code in
 * one process. docs/architecture.md, "The server's seams".
 * @module
 */
import { randomUUID } from 'node:crypto'
import { startHeartbeat } from './connection/heartbeat'
import { createClients } from './connection/clients'
import { asNotice } from './notices'
import type { ResolvedServerOptions } from './resolved-options'
import type { ClusterCounts } from './topics/broker/broker'
import { createTopics } from './topics/topics'
import type { Transport } from './transport/transport'
import type { Context, ServerStats } from './types'

const noop = () => {}
/** After the deadline, sockets get this long to finish their closing handshake before being cut. */
const GRACE = 1000

/** The transport-independent server: what `createServer`'s Server object shows, but where it listens. @internal */
export interface Core<Auth> {
  /** Resolves once the transport can take connections and the broker can publish; rejects if either fails, or on close(). */
  readonly ready: Promise<void>
  readonly clients: ReadonlyMap<string, Context<Auth>>
  /** A snapshot of the counters. */
  readonly stats: ServerStats
  publish(topic: string, data?: unknown): number | Promise<number>
  broadcast(event: string, params?: unknown): void
  cluster(): Promise<ClusterCounts>
  /** Graceful shutdown (Server.close); idempotent. */
  close(): Promise<void>
}

/**
 * Start the server core on `transport` with options resolved by resolveServerOptions.
 * @example
 * const core = createCore(resolveServerOptions({ noServer: true, methods }, virtualClock), simulatedNetwork)
 * @internal
 */
export function createCore<Auth>(resolved: ResolvedServerOptions<Auth>, transport: Transport<Auth>): Core<Auth> {
  const stats: ServerStats = { connections: 0, accepted: 0, rejected: 0, calls: 0, errors: 0, dropped: 0, malformed: 0 }
  const { broker } = resolved
  let stopping = false
  let closed: Promise<void> | undefined

  // A throwing hook or onError must never take the process down.
  const report = (err: unknown, ctx?: Context<Auth>) => {
    try {
      resolved.report(err, ctx)
    } catch {
      /* nowhere left to report to */
    }
  }
  const topics = createTopics(broker, resolved.dialects, resolved.codes, report)
  const clients = createClients({ resolved, topics, stats, report, closing: () => stopping })

  // Each broadcast of this server, stamped: which one it is, for a session store shared by every process
  // (sessions.ts skips what such a store already gave a session it takes).
  const broadcaster = randomUUID()
  let broadcasts = 0

  const brokerStarted = Promise.resolve(
    broker.start({
      message: topics.deliver,
      broadcast(event, params, stamp) {
        try {
          clients.broadcast(event, params, false, stamp)
        } catch (err) {
          report(err)
        }
      },
      listening: topics.listening,
      counts: () => ({ connections: stats.connections, clients: clients.byId.size, topics: topics.counts() }),
      // What the broker reports is an outage or a message it could not read: news for the operator, not a bug.
      report: (err) => report(asNotice(err)),
    }),
  )
  const listening = transport.start({
    accept: clients.accept,
    count(counter) {
      stats[counter]++
    },
    report: (err) => report(err),
  })

  let settleReady: (err?: Error) => void = noop
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = (err) => {
      if (err) reject(err)
      else resolve()
    }
    // Ready means listening and able to publish (an asynchronous broker has connected).
    Promise.all([listening, brokerStarted]).then(() => resolve(), reject)
  })
  // Nobody has to await `ready`; an unobserved rejection must not crash the process.
  ready.catch(noop)

  const stopHeartbeat = resolved.heartbeat ? startHeartbeat(clients.connections, resolved.heartbeat, resolved.clock) : noop

  async function shutdown() {
    stopping = true
    transport.stop()
    stopHeartbeat()
    settleReady(new Error('lifeline-ws/server: closed'))
    // Each client goes as soon as its work is done: a session is acknowledged and saved first.
    await clients.letGoAll(false)
    await transport.drained(resolved.shutdownTimeout)
    // Deadline: in-flight requests lose their answers; every client hears 1012 and reconnects.
    await clients.letGoAll(true)
    await transport.drained(GRACE)
    transport.terminate()
    await transport.drained(GRACE)
    await transport.close()
    try {
      await brokerStarted.catch(noop)
      await broker.stop()
    } catch (err) {
      report(asNotice(err))
    }
  }

  return {
    ready,
    clients: clients.byId,
    get stats() {
      return { ...stats }
    },
    publish: topics.publish,
    broadcast(event, params) {
      const stamp = { origin: broadcaster, n: ++broadcasts }
      clients.broadcast(event, params, true, stamp)
      // The other processes' clients: a failure cannot be undone here, so it is reported.
      Promise.resolve()
        .then(() => broker.broadcast(event, params, stamp))
        .catch((err: unknown) => report(asNotice(err)))
    },
    async cluster() {
      return broker.cluster()
    },
    close() {
      closed ??= shutdown()
      return closed
    },
  }
}
