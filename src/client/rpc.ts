/**
 * The RPC layer, written once for both carriers: `call`, `notify`, `listen`,
 * `subscribe`, `handle` and the final close, over the call table, the topic
 * registry, the server-request handlers and the server's events. A
 * {@link Carrier} takes the frames to the server: the socket core
 * (client/client.ts), or in a sharing tab the channel to the leader tab
 * (share/tab.ts). It brings the parts that depend on it ({@link RpcParts})
 * and hands them what comes back (answers, server requests and events);
 * topic messages and answers go to `subscriptions`, which it also tells
 * when it connects and drops.
 * @module
 */
import type { Emitter } from '../events'
import type { SendResult, Socket } from '../socket/types'
import { between } from '../socket/ranges'
import type { Calls } from './calls'
import type { Handlers } from './handlers'
import { createStream, type Stream } from './stream'
import { createSubscriptions, type SubscriptionHooks, type Subscriptions } from './subscriptions'
import type { Client } from './api'

/** A call's own `timeout`, ms: 0 and up, Infinity for none. */
const anyTimeout = between(0, Infinity)

/** The server's events, by name. @internal */
export type ServerEvents = { [name: string]: (payload: unknown) => void }

/**
 * What carries the RPC layer's frames (`F`: an encoded frame, or a tab message). Tracked frames (calls,
 * notifications) wait while the carrier is not connected and stay until the other side confirms them;
 * control frames (subscribe and unsubscribe requests, through {@link SubscriptionHooks}) are written at
 * once or not at all.
 * @internal
 */
export interface Carrier<F> extends SubscriptionHooks {
  /** Throws unless RPC can be used: a ClientClosedError once closed for good. */
  assertOpen(): void
  /** The frame of call `id`, made before the call is registered: a value it cannot carry throws here. */
  callFrame(id: number, method: string, params: unknown, resend: boolean): F
  /** Writes a call's frame, tracked. Throws as `send` does; the call then rejects with that error. */
  writeCall(frame: F, id: number): void
  /** Writes a notification, tracked. Throws as `send` does. */
  notify(method: string, params: unknown): SendResult
}

/**
 * The parts a carrier brings, each made with what only the carrier knows: its call table (what "queued"
 * and "gone" mean for its frames), its server-request handlers (how a reply is written) and the emitter
 * of server events. A sharing tab's handlers and emitter also tell its leader when a method gets or
 * loses its handler, and when an event gets its first listener or loses its last.
 * @internal
 */
export interface RpcParts<F> {
  calls: Calls<F>
  handlers: Handlers
  events: Emitter<ServerEvents>
}

/** The RPC methods of a {@link Client}: what the RPC layer adds to the socket. @internal */
export type RpcMethods = Omit<Client, keyof Socket | 'role'>

/** @internal */
export interface Rpc {
  /** For the carrier's Client object. */
  readonly methods: RpcMethods
  /** The topic registry: the carrier hands it topic messages and answers, and tells it when it connects and drops. */
  readonly subscriptions: Subscriptions
  /** Final: every pending call rejects with `err`, every topic and event stream ends. */
  close(err: Error): void
}

/** The RPC layer over `carrier`, with the parts it brings. @internal */
export function createRpc<F>(carrier: Carrier<F>, { calls, handlers, events }: RpcParts<F>, callTimeout: number): Rpc {
  const streams = new Set<Stream<unknown>>()
  const subscriptions = createSubscriptions(carrier)

  /** Listens to a server event with a handler (returns the unlisten function), or as a stream for `for await`. */
  const listen = (event: string, handler?: (payload: unknown) => void) => {
    carrier.assertOpen()
    if (handler) return events.on(event, handler)
    const stream = createStream<unknown>(() => {
      off()
      streams.delete(stream)
    })
    const off = events.on(event, stream.push)
    streams.add(stream)
    return stream
  }

  const methods: RpcMethods = {
    /** Registers the call, then writes its frame; every failure becomes a rejection. */
    call(method, ...[params, callOptions = {}]) {
      try {
        carrier.assertOpen()
        callOptions.signal?.throwIfAborted()
        const { timeout = callTimeout, signal, resend = false } = callOptions
        // In every build: a NaN timeout never fires, and the call would never settle.
        const wrongTimeout = anyTimeout(timeout)
        if (wrongTimeout) throw new RangeError(`lifeline: the timeout of call '${method}' must be ${wrongTimeout}`)
        const id = calls.id()
        const frame = carrier.callFrame(id, method, params, resend)
        const promise = calls.add(id, { method, timeout, signal, resend, frame })
        try {
          carrier.writeCall(frame, id)
        } catch (err) {
          calls.reject(id, err)
        }
        return promise as never
      } catch (err) {
        return Promise.reject(err)
      }
    },
    notify(method, ...[params]) {
      carrier.assertOpen()
      return carrier.notify(method, params)
    },
    listen: listen as RpcMethods['listen'],
    subscribe(topic, handler, options) {
      carrier.assertOpen()
      return subscriptions.subscribe(topic, handler as never, options) as never
    },
    handle(method, fn) {
      carrier.assertOpen()
      return handlers.handle(method, fn as (params: unknown) => unknown)
    },
  }

  return {
    methods,
    subscriptions,
    close(err) {
      // Topics first: their pending requests then settle as stale instead of reporting errors.
      subscriptions.close(err)
      calls.fail(err)
      for (const stream of streams) stream.end()
    },
  }
}
