/**
 * A cluster broker for the simulation (what `redisBroker` is across real
 * processes): one numbering and history per topic shared by every server
 * process, each message delivered to every started process after a latency,
 * in order per process, and broadcasts carried to the other processes. A
 * process that crashed receives nothing more (its deliveries are its events).
 * @module
 */
import type { Random } from '../../chaos/prng'
import type { Broker, BrokerHistory, BrokerSink } from '../../../src/server/topics/broker/broker'
import type { HistoryStore } from '../../../src/server/topics/history'
import type { Scheduler } from '../kernel/scheduler'

interface Subscriber {
  owner: string
  sink: BrokerSink
  /** When the last delivery to it arrives: later ones never overtake it. */
  lastAt: number
}

/** @internal */
export class SimBroker {
  private readonly subscribers = new Set<Subscriber>()

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly history: HistoryStore,
    private readonly latency: [number, number],
  ) {}

  /** The Broker a server process `owner` is created with. */
  brokerFor(owner: string): Broker {
    let me: Subscriber | undefined
    const fanOut = (deliver: (sink: BrokerSink) => void, what: string, others: boolean) => {
      for (const subscriber of this.subscribers) {
        if (others && subscriber === me) continue
        const [low, high] = this.latency
        const at = Math.max(this.scheduler.now + this.random.int(low, high), subscriber.lastAt)
        subscriber.lastAt = at
        this.scheduler.at(at - this.scheduler.now, subscriber.owner, 'broker', () => {
          if (this.subscribers.has(subscriber)) deliver(subscriber.sink)
        }, what)
      }
    }
    return {
      start: (sink) => {
        me = { owner, sink, lastAt: 0 }
        this.subscribers.add(me)
      },
      publish: (topic, data) => {
        const seq = (this.history.latest(topic) ?? 0) + 1
        this.history.append(topic, seq, data)
        fanOut((sink) => sink.message(topic, seq, data), `${topic} ${seq}`, false)
        return seq
      },
      history: (topic, after): BrokerHistory => {
        const seq = this.history.latest(topic)
        if (after === undefined) return { seq, messages: [], gap: false }
        return { seq, ...this.history.since(topic, after) }
      },
      broadcast: (event, params) => {
        fanOut((sink) => sink.broadcast(event, params), event, true)
      },
      cluster: () => ({ processes: this.subscribers.size, connections: 0, clients: 0, topics: {} }),
      stop: () => {
        if (me) this.subscribers.delete(me)
      },
    }
  }

  /** A crashed process: it gets nothing more. */
  forget(owner: string) {
    for (const subscriber of this.subscribers) if (subscriber.owner === owner) this.subscribers.delete(subscriber)
  }
}
