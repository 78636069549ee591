// Shared by the store and binding tests (store, react, vue, svelte): a real test server
// (lifeline-ws/testing) and clients on `ws`, all closed after each test; a client proxy that
// counts what a binding holds on it.
import WebSocket from 'ws'
import { afterEach } from 'vitest'
import { createClient, type Client, type ClientOptions, type WebSocketConstructor } from '../../src/index'
import { createTestServer } from '../../src/testing/index'
import type { TestServer, TestServerOptions } from '../../src/testing/index'

export interface ChatApi {
  methods: {
    echo: (params: { text: string }) => { text: string }
    slow: (params: { id: number }) => number
    time: () => number
  }
  events: { typing: { user: string } }
  topics: { room: { from: string; text: string }; clock: { now: number } }
}

const servers: TestServer[] = []
const clients: Client<ChatApi>[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await createTestServer({
    methods: { echo: (params) => params, time: () => Date.now() },
    ...options,
  })
  servers.push(server)
  return server
}

/** A client on `ws`, fast to reconnect, closed after the test. */
export function connect(server: TestServer, options: ClientOptions = {}): Client<ChatApi> {
  const client = createClient<ChatApi>(server.url, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelay: 10, maxDelay: 50 },
    ...options,
  })
  clients.push(client)
  return client
}

/** A promise with its resolve, for a method the test answers when it chooses. */
export function gate<T>() {
  let open!: (value: T) => void
  const promise = new Promise<T>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

/**
 * Makes the server's `slow` method wait for the test: each call's answer is a gate, kept by its
 * params' `id`, that the test opens when it chooses (a late answer, out of order).
 */
export function gatedSlow(server: TestServer): Map<number, ReturnType<typeof gate<number>>> {
  const answers = new Map<number, ReturnType<typeof gate<number>>>()
  server.method('slow', (params) => {
    const answer = gate<number>()
    answers.set((params as { id: number }).id, answer)
    return answer.promise
  })
  return answers
}

/** The first (usually only) connection the server has, for its topics. */
export const onlyClient = (server: TestServer) => [...server.clients.values()][0]

/**
 * The client, counting what a binding holds (`held`: listeners, subscriptions and calls not yet
 * settled) and everything it ever asked for (`made`).
 */
export function counted(client: Client<ChatApi>) {
  const held = { on: 0, listen: 0, subscribe: 0, call: 0 }
  const made = { on: 0, listen: 0, subscribe: 0, call: 0 }
  const release = (kind: keyof typeof held) => {
    let done = false
    return () => {
      if (done) return
      done = true
      held[kind]--
    }
  }
  const proxy = new Proxy(client, {
    get(target, key) {
      if (key === 'on' || key === 'listen') {
        return (name: never, fn: never) => {
          held[key]++
          made[key]++
          const free = release(key)
          const off = (target[key] as (name: never, fn: never) => () => void)(name, fn)
          return () => {
            free()
            off()
          }
        }
      }
      if (key === 'subscribe') {
        return (topic: never, fn: never, options: never) => {
          held.subscribe++
          made.subscribe++
          const free = release('subscribe')
          const subscription = target.subscribe(topic, fn, options)
          return { ...subscription, unsubscribe: () => {
            free()
            subscription.unsubscribe()
          } }
        }
      }
      if (key === 'call') {
        return (method: never, params: never, options: never) => {
          held.call++
          made.call++
          const free = release('call')
          return (target.call as (method: never, params: never, options: never) => Promise<unknown>)(method, params, options).finally(free)
        }
      }
      return Reflect.get(target, key)
    },
  })
  return { client: proxy, held, made }
}

/** The client, with every call's AbortSignal recorded. */
export function spied(client: Client<ChatApi>) {
  const signals: AbortSignal[] = []
  const proxy = new Proxy(client, {
    get(target, key) {
      if (key !== 'call') return Reflect.get(target, key)
      return (method: 'slow', params: { id: number }, options?: { signal?: AbortSignal }) => {
        if (options?.signal) signals.push(options.signal)
        return target.call(method, params, options)
      }
    },
  })
  return { client: proxy, signals }
}

/**
 * Runs `render` with a WebSocket constructor that counts and refuses every construction, passed
 * in and set as the global too (Node 22 has one: a client that falls back on it counts as well).
 * Returns how many were constructed.
 */
export async function withoutSockets(render: (WebSocket: WebSocketConstructor) => Promise<void>): Promise<number> {
  const { WebSocket, count } = refusingWebSocket()
  const global = globalThis as { WebSocket?: unknown }
  const saved = global.WebSocket
  global.WebSocket = WebSocket
  try {
    await render(WebSocket)
  } finally {
    global.WebSocket = saved
  }
  return count.constructed
}

/** A WebSocket constructor that counts and refuses every construction, for server rendering. */
function refusingWebSocket() {
  const count = { constructed: 0 }
  const Refusing = class {
    constructor() {
      count.constructed++
      throw new Error('server rendering must not open a socket')
    }
  } as unknown as WebSocketConstructor
  return { WebSocket: Refusing, count }
}
