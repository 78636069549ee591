/**
 * One client subscription per (client, topic), however many stores watch it,
 * kept alive a moment after the last one lets go: a component tree that
 * unmounts and mounts again in one go (React's StrictMode, a list re-keyed)
 * then sends one subscribe and no unsubscribe.
 * @module
 */
import { ClientClosedError, type Client, type Contract, type Subscription, type TopicMeta } from '../index'

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

/** A client of any contract, as the stores handle it inside. @internal */
export type AnyClient = Client<Contract>

/** A shared topic and its watchers; the rest of its state lives in `subscribe`'s closure (shorter when minified). */
interface Entry extends SharedTopic {
  last: TopicMessage | undefined
  status: TopicStatus
  error: unknown
  gaps: number
  /** Adds a watcher, keeping the subscription if it was about to end. */
  add(watcher: TopicWatcher): void
  /** Removes a watcher; the last one ends the subscription a macrotask later unless another comes. */
  remove(watcher: TopicWatcher): void
}

const registries = new WeakMap<AnyClient, Map<string, Entry>>()

/** The shared topic if some watcher holds it (or held it a moment ago), without subscribing. @internal */
export function peekTopic(client: AnyClient, topic: string): SharedTopic | undefined {
  return registries.get(client)?.get(topic)
}

/** Watches a topic, subscribing on the client when nobody did yet. @internal */
export function watchTopic(client: AnyClient, topic: string, watcher: TopicWatcher, params?: unknown): TopicLease {
  let registry = registries.get(client)
  if (!registry) {
    registry = new Map()
    registries.set(client, registry)
  }
  const entry = registry.get(topic) ?? subscribe(client, registry, topic, params)
  entry.add(watcher)
  return {
    topic: entry,
    // Messages stop at once; the server subscription only a macrotask later.
    release: () => entry.remove(watcher),
  }
}

function subscribe(client: AnyClient, registry: Map<string, Entry>, topic: string, params: unknown): Entry {
  const watchers = new Set<TopicWatcher>()
  let subscription: Subscription<unknown> | undefined
  let releaseTimer: ReturnType<typeof setTimeout> | undefined
  // Stops watching the client for its final close.
  let unwatchClose = () => {}
  const forget = () => {
    if (registry.get(topic) === entry) registry.delete(topic)
    unwatchClose()
  }
  const entry: Entry = {
    last: undefined,
    status: 'subscribing',
    error: undefined,
    gaps: 0,
    add(watcher) {
      clearTimeout(releaseTimer)
      releaseTimer = undefined
      watchers.add(watcher)
    },
    remove(watcher) {
      // Only the watcher's own first release counts: a second one must not end a topic others hold.
      if (!watchers.delete(watcher) || watchers.size || !subscription) return
      releaseTimer = setTimeout(() => {
        releaseTimer = undefined
        forget()
        subscription?.unsubscribe()
      })
    },
  }
  const changed = () => watchers.forEach((watcher) => watcher.changed())
  try {
    subscription = client.subscribe(topic, (data, meta) => {
      entry.last = { data, seq: meta.seq }
      // A copy: a watcher may release itself or another while being told.
      for (const watcher of [...watchers]) watcher.message(data, meta)
    }, {
      params,
      onGap: () => {
        entry.gaps++
        changed()
      },
    })
  } catch (error) {
    // A closed client throws ClientClosedError at once (issue #29: this used to escape from
    // React's commit phase). The watcher shows it as status 'error'; the entry is not kept.
    entry.status = 'error'
    entry.error = error
    return entry
  }
  const fail = (error: unknown) => {
    // Refused, unsubscribed or closed: this entry is dead, the next watcher subscribes afresh.
    forget()
    if (entry.status === 'error') return
    entry.status = 'error'
    entry.error = error
    changed()
  }
  subscription.ready.then(() => {
    if (entry.status === 'error') return
    entry.status = 'ready'
    changed()
  }, fail)
  // A confirmed topic hears nothing more of a client closed for good: its status says so.
  unwatchClose = client.on('state', (state) => {
    if (state === 'closed') fail(new ClientClosedError('lifeline: client closed'))
  })
  registry.set(topic, entry)
  return entry
}
