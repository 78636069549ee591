/**
 * `settled`: wait until a client has nothing left in flight.
 * @module
 */
import type { Client, Contract } from '../index'
import type { TestServer } from './types'

/** Options of {@link settled}. */
export interface SettledOptions {
  /** Rejects after this many ms, naming what is still outstanding. @default 5000 */
  timeout?: number
  /**
   * The test server the client talks to. With it, `settled` also waits until no method call is
   * running on the server and a round trip (`rpc.ping`) has come back, so every answer the server
   * wrote before it has reached the client. @default undefined
   */
  server?: Pick<TestServer<unknown>, 'running'>
  /** The protocol's ping method, for the round trip. @default 'rpc.ping' */
  ping?: string
}

/** The pending-call count, if this client exposes one (a future `client.pending`). */
const pendingOf = (client: object): number => {
  const pending = (client as { pending?: unknown }).pending
  return typeof pending === 'number' ? pending : 0
}

const POLL = 5

/**
 * Resolves when `client` has settled: it is open (or idle, or closed for good), its outbox is empty and,
 * with `server`, no call is running there and the answers already sent have arrived. Rejects with
 * an Error naming the state, the queue and the running calls after `timeout`.
 * @example
 * client.notify('typing', { room: 'lobby' })
 * await settled(client, { server })
 * expect(server.running).toBe(0)
 */
export async function settled<C extends Contract>(client: Client<C>, options: SettledOptions = {}): Promise<void> {
  const { timeout = 5000, server, ping = 'rpc.ping' } = options
  const deadline = Date.now() + timeout
  const loose = client as unknown as Client<Contract>
  const outstanding = () => {
    // Connecting and reconnecting are in flight by definition; idle (lazy, not started) is at rest.
    const resting = loose.state === 'open' || loose.state === 'closed' || loose.state === 'idle'
    return resting && loose.queued === 0 && pendingOf(loose) === 0 && (server?.running ?? 0) === 0
  }
  // The docs quote this text (docs/testing.md, "settled"); a test holds the two together.
  const describe = () => `state ${loose.state}, ${loose.queued} queued` +
    (pendingOf(loose) ? `, ${pendingOf(loose)} awaiting an answer` : '') +
    (server ? `, ${server.running} running on the server` : '')
  for (;;) {
    while (!outstanding()) {
      if (Date.now() > deadline) throw new Error(`lifeline-ws/testing: not settled after ${timeout} ms: ${describe()}`)
      await new Promise((resolve) => setTimeout(resolve, POLL))
    }
    if (!server || loose.state !== 'open') return
    // Answers travel on the socket in order: once the ping's answer is here, so are the earlier ones.
    await loose.call(ping, undefined, { timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined)
    if (outstanding()) return
  }
}
