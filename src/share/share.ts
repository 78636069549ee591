/**
 * `createClient` with the `share` option: one socket for every tab of an
 * origin. The tabs with the same URL and share name queue on one Web Lock;
 * its holder is the leader and runs the hub (hub.ts) over the only real
 * client; every tab, the leader's own included, is a tab client (tab.ts)
 * that talks to the hub over a BroadcastChannel. See docs/sharing.md.
 * @module
 */
import { ProtocolError } from '../errors'
import { createSingleClient } from '../client/client'
import { clientRules, resolveClientOptions, type ClientOptions, type ShareChannel, type ShareLocks } from '../client/options'
import { validate } from '../socket/validate'
import { socketUrl, type QueueOptions, type UrlInput } from '../socket/options'
import { localStorageOutbox } from '../socket/storage'
import { systemClock } from '../timers'
import type { Client } from '../client/api'
import type { Contract } from '../client/contract'
import { createHub, type Hub } from './hub'
import { sessionIn, takenIn } from './stored'
import { frameKeys } from './keys'
import { createTab } from './tab'
import { parseMessage, toHub, type HubBody, type TabMessage } from './messages'

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/** At most this many different malformed messages are reported per tab: a flood is not an error storm. */
const MAX_REPORTS = 16

/** The shared client, or `undefined` where the browser lacks Web Locks or BroadcastChannel (or in raw mode). */
function createShared(url: UrlInput, options: ClientOptions): Client | undefined {
  const env = options.environment ?? {}
  const globals = globalThis as { navigator?: { locks?: ShareLocks }; BroadcastChannel?: new (name: string) => ShareChannel; localStorage?: Storage }
  // An injected `undefined` means "missing", as in a browser without the API.
  const locks = 'locks' in env ? env.locks : globals.navigator?.locks
  const Channel = 'BroadcastChannel' in env ? env.BroadcastChannel : globals.BroadcastChannel
  const { callTimeout, protocol } = resolveClientOptions(options)
  if (!locks || !Channel || !protocol) return undefined
  let storage: Storage | undefined
  try {
    storage = env.localStorage ?? globals.localStorage
  } catch {
    // Reading localStorage throws where storage is blocked: no shared outbox then.
  }
  const key = `lifeline-ws:${typeof url === 'function' ? 'provider' : socketUrl(url)}:${options.share === true ? 'default' : String(options.share)}`
  const id = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2)
  const channel = new Channel(key)
  const election = new AbortController()
  const reported = new Set<string>()
  let hub: Hub | undefined
  let watchers: AbortController | undefined
  let closed = false
  let release: () => void = () => {}
  const leaving = new Promise<void>((resolve) => (release = resolve))

  /** From the hub, to one tab or to all; this tab's own copy arrives as a channel message would, later. */
  const post = (body: HubBody, to?: string) => {
    const message: TabMessage = to === undefined ? { v: 1, from: id, ...body } : { v: 1, from: id, to, ...body }
    if (to !== id) {
      try {
        channel.postMessage(message)
      } catch (err) {
        tab.report(err)
      }
    }
    if (to === undefined || to === id) queueMicrotask(() => tab.receive(message))
  }

  const tab = createTab({
    id,
    lazy: !!options.lazy,
    callTimeout,
    codes: protocol.codes,
    clock: env.clock ?? systemClock,
    send(message) {
      if (hub && message.to === id) hub.receive(message)
      else channel.postMessage(message)
    },
    leave() {
      closed = true
      // The socket closes before the lock goes, so that two leaders never hold a socket at once.
      hub?.stop()
      hub = undefined
      watchers?.abort()
      election.abort()
      release()
      channel.close()
    },
  })

  channel.onmessage = (event) => {
    const message = parseMessage(event.data)
    if (typeof message === 'string') {
      if (reported.size >= MAX_REPORTS || reported.has(message)) return
      reported.add(message)
      tab.report(new ProtocolError(`lifeline: ignored a malformed message from another tab: ${message}`, event.data))
      return
    }
    if (message.from === id || (message.to !== undefined && message.to !== id)) return
    if (!toHub.has(message.kind)) tab.receive(message)
    else hub?.receive(message)
  }

  /** This tab holds the lock: it runs the only real client until it leaves. */
  const lead = async () => {
    if (closed) return
    watchers = new AbortController()
    const signal = watchers.signal
    const shared = options.queue === false ? undefined : options.queue?.storage ?? (storage && localStorageOutbox(`${key}:outbox`, storage))
    // What this leader could not send stays stored for the next one.
    const queue: QueueOptions | false = options.queue === false ? false : { ...options.queue, onClose: 'flush' }
    if (queue && shared) queue.storage = shared
    const keys = frameKeys(protocol)
    const session = sessionIn(storage, `${key}:session`)
    const client = createSingleClient(url, { ...options, share: false, lazy: true, queue, protocol: keys.protocol }, session.load)
    // Kept for the next leader, which resumes it even when it finds nothing queued.
    client.on('session', ({ id: sessionId }) => session.save(sessionId))
    hub = createHub({
      id,
      client,
      key: keys.next,
      post,
      watch(other, gone) {
        locks.request(`${key}:tab:${other}`, { mode: 'exclusive', signal }, async () => gone()).catch(() => {})
      },
      taken: takenIn(storage, `${key}:positions`),
    })
    post({ kind: 'leader' })
    await leaving
  }

  // This tab holds a lock of its own while it lives, so that a leader learns when it is gone (closed,
  // crashed or discarded): only then does it ask who leads and queue for the leader's lock.
  locks.request(`${key}:tab:${id}`, { mode: 'exclusive' }, () => {
    if (!closed) {
      channel.postMessage({ v: 1, from: id, kind: 'who' } satisfies TabMessage)
      locks.request(key, { mode: 'exclusive', signal: election.signal }, lead).catch(() => {})
    }
    return leaving
  }).catch(() => {})
  return tab.client
}

/**
 * `createClient` of `lifeline-ws/share` (and of the CDN build): the same client, and with `share`, the
 * tabs of the origin share one socket (docs/sharing.md). Without `navigator.locks` or `BroadcastChannel`
 * (Node, old browsers) it quietly makes an ordinary client (`role` 'alone').
 * @param url - `ws:`/`wss:` URL (or `http:`/`https:`), or a provider called before every attempt.
 * @param options - see {@link ClientOptions}; every member has a default.
 * @example
 * import { createClient } from 'lifeline-ws/share'
 * const client = createClient<ChatApi>('wss://chat.example.com/ws', { share: true })
 * client.on('role', (role) => console.log('this tab is', role))
 * await client.call('room.join', { room: 'lobby' })
 */
export function createClient<C extends Contract = Contract>(url: UrlInput, options: ClientOptions = {}): Client<C> {
  // Checked before `share: ''` (falsy) could slip through to an ordinary client unreported.
  if (typeof process !== 'undefined' && process.env.NODE_ENV !== 'production') validate('', options, clientRules())
  if (options.share) {
    const shared = createShared(url, options)
    if (shared) return shared as Client<C>
  }
  // Not shared (the option off, or the browser lacks the APIs): an ordinary client, `role` 'alone'.
  return createSingleClient<C>(url, { ...options, share: false })
}
