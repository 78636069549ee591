/**
 * Several browser tabs of one origin in one process, for the `share` tests:
 * a lock manager shared by every tab (each tab sees it through its own view,
 * so that closing or crashing a tab releases what it held) and
 * BroadcastChannels that deliver a structured clone of each message to every
 * other open channel of the same name, one task later, in order.
 */
import type { ShareChannel, ShareLocks } from '../../src/index'

interface LockRequest {
  tab: string
  name: string
  callback: () => Promise<unknown>
  resolve(value: unknown): void
  reject(err: unknown): void
  granted: boolean
}

export interface FakeTab {
  id: string
  locks: ShareLocks
  BroadcastChannel: new (name: string) => ShareChannel
  localStorage: Storage
}

export interface FakeBrowser {
  /** A new tab: its own view of the locks and its own channels; localStorage is the origin's. */
  tab(): FakeTab
  /** The tab is gone without a goodbye: its locks are released, its channels stop, nothing it holds settles. */
  crash(tab: FakeTab): void
  /** Every message posted on any channel (a clone), whether or not another tab listened. */
  posted: unknown[]
  /** Holders and waiters of one lock, by tab. */
  queue(name: string): string[]
  /** The next message posted that `match` picks is lost: no tab gets it (as Firefox lost one now and then). */
  lose(match: (message: unknown) => boolean): void
  /** Lets a test post on a channel as a hostile script of the origin would. */
  inject(name: string, message: unknown): void
  storage: Map<string, string>
}

/** A Storage over a Map (the origin's localStorage). */
export function memoryStorage(items = new Map<string, string>()): Storage {
  return {
    get length() {
      return items.size
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  }
}

export function createFakeBrowser(): FakeBrowser {
  const queues = new Map<string, LockRequest[]>()
  const channels = new Set<{ name: string; tab: string; closed: boolean; deliver(data: unknown): void }>()
  const crashed = new Set<string>()
  const posted: unknown[] = []
  const losing: Array<(message: unknown) => boolean> = []
  const storage = new Map<string, string>()
  let tabs = 0

  const grant = (name: string) => {
    const head = queues.get(name)?.[0]
    if (!head || head.granted) return
    head.granted = true
    void Promise.resolve()
      .then(() => head.callback())
      .then(
        (value) => {
          release(head)
          head.resolve(value)
        },
        (err: unknown) => {
          release(head)
          head.reject(err)
        },
      )
  }
  const release = (request: LockRequest) => {
    const queue = queues.get(request.name)
    const index = queue?.indexOf(request) ?? -1
    if (!queue || index < 0) return
    queue.splice(index, 1)
    grant(request.name)
  }

  const post = (from: { name: string; tab: string } | undefined, name: string, message: unknown) => {
    const data = structuredClone(message)
    posted.push(data)
    const lost = losing.findIndex((match) => match(data))
    if (lost >= 0) {
      losing.splice(lost, 1)
      return
    }
    for (const channel of channels) {
      if (channel === from || channel.name !== name || channel.closed) continue
      setTimeout(() => {
        if (channel.closed) return
        channel.deliver(structuredClone(data))
      }, 0)
    }
  }

  return {
    posted,
    storage,
    tab() {
      const id = `tab${++tabs}`
      const locks: ShareLocks = {
        request(name, options, callback) {
          return new Promise((resolve, reject) => {
            if (crashed.has(id)) return
            const { signal } = options
            if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
            const request: LockRequest = { tab: id, name, callback, resolve, reject, granted: false }
            signal?.addEventListener('abort', () => {
              if (request.granted) return
              const queue = queues.get(name)!
              const index = queue.indexOf(request)
              if (index >= 0) queue.splice(index, 1)
              reject(new DOMException('aborted', 'AbortError'))
            })
            const queue = queues.get(name) ?? []
            queues.set(name, queue)
            queue.push(request)
            grant(name)
          })
        },
      }
      class FakeChannel implements ShareChannel {
        onmessage: ((event: MessageEvent) => void) | null = null
        private readonly entry: { name: string; tab: string; closed: boolean; deliver(data: unknown): void }
        constructor(readonly name: string) {
          this.entry = { name, tab: id, closed: false, deliver: (data) => this.onmessage?.({ data } as MessageEvent) }
          channels.add(this.entry)
        }
        postMessage(message: unknown) {
          if (this.entry.closed) throw new DOMException('channel closed', 'InvalidStateError')
          post(this.entry, this.name, message)
        }
        close() {
          this.entry.closed = true
          channels.delete(this.entry)
        }
      }
      return { id, locks, BroadcastChannel: FakeChannel, localStorage: memoryStorage(storage) }
    },
    crash(tab) {
      crashed.add(tab.id)
      for (const channel of [...channels]) {
        if (channel.tab !== tab.id) continue
        channel.closed = true
        channels.delete(channel)
      }
      for (const [name, queue] of queues) {
        const held = queue[0]?.tab === tab.id && queue[0].granted
        queues.set(name, queue.filter((request) => request.tab !== tab.id))
        if (held) grant(name)
      }
    },
    queue: (name) => (queues.get(name) ?? []).map((request) => request.tab),
    lose: (match) => void losing.push(match),
    inject: (name, message) => post(undefined, name, message),
  }
}
