/**
 * The topics of the tabs a leader serves (docs/sharing.md): each tab's
 * interest in a topic is one subscription of the real client, so the
 * client's registry is the one count of a topic across tabs, and the last
 * tab to leave a topic unsubscribes on the server. Each topic message
 * crosses the channel once, to every tab. Each 'topic' message tells the tab
 * the numbering (`epoch`) the client counts the topic in, so that the cursor
 * a tab hands to a next leader comes with the numbering it counts in.
 * @module
 */
import type { Client } from '../client/api'
import type { Subscription, TopicMeta } from '../client/subscriptions'
import { toWire, type HubBody, type TabBody } from './messages'

/** One tab's topics at the hub. @internal */
export interface TabTopics {
  /**
   * The tab has a handler of the topic now: it is told 'topic' when the server confirms or refuses it.
   * The first tab's params and cursor (`after`, in the numbering `epoch`) subscribe on the server.
   */
  subscribe(sub: Extract<TabBody, { kind: 'sub' }>): void
  /** The tab's last handler of `topic` left. */
  unsubscribe(topic: string): void
  /** The tab left: all its topics go. */
  leave(): void
}

/** `tell` sends to one tab, or to every tab. Returns the topics of one tab, `from`. @internal */
export function createHubTopics(client: Client, tell: (body: HubBody, to?: string) => void): (from: string) => TabTopics {
  // A topic message comes once for each tab that subscribes to it, each time with the same meta object
  // (client/subscriptions.ts): it is broadcast the first time.
  let broadcastMeta: TopicMeta | undefined
  const broadcast = (data: unknown, meta: TopicMeta) => {
    if (meta === broadcastMeta) return
    broadcastMeta = meta
    tell({ kind: 'publish', topic: meta.topic, seq: meta.seq, data })
  }

  return (from) => {
    const subscriptions = new Map<string, Subscription>()
    return {
      subscribe({ topic, params, after, epoch }) {
        // The first tab's params and cursor subscribe on the server; a later tab's join the topic as it is.
        let subscription = subscriptions.get(topic)
        if (!subscription) {
          // A gap may start a new numbering (the client's cursor goes back to 0): the tab's goes with it, in
          // that numbering. Told as the answer is processed, before the messages it replays.
          const onGap = () => tell({ kind: 'topic', topic, ok: true, gap: true, epoch: subscriptions.get(topic)?.epoch }, from)
          subscription = client.subscribe(topic, broadcast, { params, after, epoch, onGap })
          subscriptions.set(topic, subscription)
        }
        // Told to the tab while this is still its subscription of the topic (not unsubscribed since), with
        // the numbering as it is then: a tab that joins a topic after a gap counts in the new one.
        const current = subscription
        current.ready.then(
          () => subscriptions.get(topic) === current && tell({ kind: 'topic', topic, ok: true, epoch: current.epoch }, from),
          (err: unknown) => {
            if (subscriptions.get(topic) !== current) return
            subscriptions.delete(topic)
            tell({ kind: 'topic', topic, ok: false, error: toWire(err) }, from)
          },
        )
      },
      unsubscribe(topic) {
        subscriptions.get(topic)?.unsubscribe()
        subscriptions.delete(topic)
      },
      leave() {
        const all = [...subscriptions.values()]
        subscriptions.clear()
        for (const subscription of all) subscription.unsubscribe()
      },
    }
  }
}
