/**
 * The default broker: one process. Numbers and keeps topic messages in a
 * {@link HistoryStore} and delivers them synchronously, in the same turn of
 * the event loop as `publish`.
 * @module
 */
import { createHistory, type HistoryStore } from '../history'
import type { Broker, BrokerSink } from './broker'

/**
 * The in-memory {@link Broker}: what a server uses without a `broker` option. Pass a shared
 * `HistoryStore` to keep numbering across servers of one process.
 * @example
 * createServer({ port: 8080, broker: memoryBroker(createHistory({ limit: 500 })) })
 */
export function memoryBroker(history: HistoryStore = createHistory()): Broker & { publish(topic: string, data: unknown): number } {
  let sink: BrokerSink | undefined
  return {
    start(target) {
      sink = target
    },
    publish(topic, data) {
      const seq = (history.latest(topic) ?? 0) + 1
      history.append(topic, seq, data)
      sink?.message(topic, seq, data)
      return seq
    },
    history(topic, after) {
      const seq = history.latest(topic)
      const { epoch } = history
      if (after === undefined) return { seq, epoch, messages: [], gap: false }
      return { seq, epoch, ...history.since(topic, after) }
    },
    broadcast() {
      // One process: the server already delivered it to its own clients.
    },
    cluster() {
      const counts = sink?.counts() ?? { connections: 0, clients: 0, topics: {} }
      return { processes: 1, ...counts }
    },
    stop() {
      sink = undefined
    },
  }
}
