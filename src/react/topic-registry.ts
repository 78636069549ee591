/**
 * One client subscription per (client, topic), however many components watch
 * it, kept alive a moment after the last one lets go. React's StrictMode
 * mounts, unmounts and mounts again at once; without the grace period that
 * would be a subscribe, an unsubscribe and a second subscribe on the server.
 * @module
 */
import type { Subscription, TopicMeta } from '../index'
import type { AnyClient } from './context'

/** Whether the server has confirmed the topic. */
export type TopicStatus = 'subscribing' | 'ready' | 'error'

/** The last message a topic delivered. @internal */
export interface TopicMessage {
  data: unknown
  seq: number | undefined
}

/** What a watcher is told. @internal */
export interface TopicWatcher {
  message(data: unknown, meta: TopicMeta): void
  /** Status or gap count changed. */
  changed(): void
}

/** One client subscription shared by every watcher of a topic. @internal */
export interface SharedTopic {
  readonly last: TopicMessage | undefined
  readonly status: TopicStatus
  readonly error: unknown
  /** How many times the server said messages were lost (not replayed). */
  readonly gaps: number
}

/** A watcher's hold on a shared topic. @internal */
export interface TopicLease {
  readonly topic: SharedTopic
  release(): void
}

interface Entry extends SharedTopic {
  last: TopicMessage | undefined
  status: TopicStatus
  error: unknown
  gaps: number
  subscription: Subscription<unknown>
  watchers: Set<TopicWatcher>
  releaseTimer: ReturnType<typeof setTimeout> | undefined
}

const registries = new WeakMap<AnyClient, Map<string, Entry>>()

/** How long an unwatched topic stays subscribed, ms: long enough for a StrictMode remount. */
const GRACE = 0

const registryOf = (client: AnyClient) => {
  let registry = registries.get(client)
  if (!registry) {
    registry = new Map()
    registries.set(client, registry)
  }
  return registry
}

/** The shared topic if some watcher holds it (or held it a moment ago), without subscribing. @internal */
export function peekTopic(client: AnyClient, topic: string): SharedTopic | undefined {
  return registries.get(client)?.get(topic)
}

/** Watches a topic, subscribing on the client when nobody did yet. @internal */
export function watchTopic(client: AnyClient, topic: string, watcher: TopicWatcher, params?: unknown): TopicLease {
  const registry = registryOf(client)
  const entry = registry.get(topic) ?? subscribe(client, registry, topic, params)
  clearTimeout(entry.releaseTimer)
  entry.releaseTimer = undefined
  entry.watchers.add(watcher)
  let released = false
  return {
    topic: entry,
    release() {
      if (released) return
      released = true
      // Messages stop at once; the server subscription only after the grace period.
      entry.watchers.delete(watcher)
      if (entry.watchers.size || entry.releaseTimer !== undefined) return
      entry.releaseTimer = setTimeout(() => {
        entry.releaseTimer = undefined
        if (entry.watchers.size) return
        forget(registry, topic, entry)
        entry.subscription.unsubscribe()
      }, GRACE)
    },
  }
}

function subscribe(client: AnyClient, registry: Map<string, Entry>, topic: string, params: unknown): Entry {
  const entry = {
    last: undefined,
    status: 'subscribing',
    error: undefined,
    gaps: 0,
    watchers: new Set<TopicWatcher>(),
    releaseTimer: undefined,
  } as Omit<Entry, 'subscription'> as Entry
  const changed = () => entry.watchers.forEach((watcher) => watcher.changed())
  try {
    entry.subscription = subscribeOn(client, topic, entry, changed, params)
  } catch (error) {
    // A closed client throws ClientClosedError at once: the watcher shows it as status 'error',
    // and the entry is not kept, so nothing is ever unsubscribed for it.
    entry.status = 'error'
    entry.error = error
    entry.subscription = { unsubscribe() {} } as Subscription<unknown>
    return entry
  }
  entry.subscription.ready.then(() => {
    entry.status = 'ready'
    changed()
  }, (error: unknown) => {
    // Refused, unsubscribed or closed: this entry is dead, the next watcher subscribes afresh.
    forget(registry, topic, entry)
    entry.status = 'error'
    entry.error = error
    changed()
  })
  registry.set(topic, entry)
  return entry
}

function subscribeOn(client: AnyClient, topic: string, entry: Entry, changed: () => void, params: unknown): Subscription<unknown> {
  return client.subscribe(topic, (data, meta) => {
    entry.last = { data, seq: meta.seq }
    // A copy: a watcher may release itself or another while being told.
    for (const watcher of [...entry.watchers]) watcher.message(data, meta)
  }, {
    params,
    onGap: () => {
      entry.gaps++
      changed()
    },
  })
}

function forget(registry: Map<string, Entry>, topic: string, entry: Entry) {
  if (registry.get(topic) === entry) registry.delete(topic)
}
