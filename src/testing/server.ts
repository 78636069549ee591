/**
 * `createTestServer`: a real `lifeline-ws/server` on 127.0.0.1, behind a
 * proxy whose port never changes, with handles to script it and to break it.
 * @module
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { createHistory, createServer, createSessionStore, type Context, type Contract, type HistoryStore, type MethodHandler, type Server, type SessionStore } from '../server/index'
import { createProxy } from './proxy'
import { released } from './released'
import type { DropOptions, SubscribeRecord, TestServer, TestServerOptions } from './types'

interface Running<Auth> {
  server: Server<Auth>
  http: HttpServer
  /** Method names this server dispatches; any other is "method not found" until a swap. */
  names: ReadonlySet<string>
}

/**
 * Starts a test server on a free port of 127.0.0.1. Close it after each test.
 * @example
 * import { createTestServer, settled } from 'lifeline-ws/testing'
 * const server = await createTestServer({ methods: { echo: (params) => params } })
 * const client = createClient(server.url, { WebSocket })
 * server.blackhole()            // the heartbeat must notice
 * await server.close()
 */
export async function createTestServer<Auth = unknown>(options: TestServerOptions<Auth> = {}): Promise<TestServer<Auth>> {
  const handlers = new Map<string, MethodHandler<Auth>>(Object.entries(options.methods ?? {}))
  for (const [name, fn] of handlers) {
    if (typeof fn !== 'function') throw new TypeError(`lifeline-ws/testing: methods.${name} must be a function`)
  }
  // One history and one session store for the test server's whole life, so a restart keeps sequence
  // numbers and sessions, as a deploy with a shared store does.
  const history = historyOf(options.history)
  const sessionStore = keptSessions()
  const sessions = sessionsOf(options.sessions, sessionStore.store)
  // Published while stopped: published, in order, once the next server runs (docs/testing.md).
  let published: Array<[topic: string, data: unknown]> = []
  const subscribes: SubscribeRecord[] = []
  const waiters = new Set<() => void>()
  const refuser = new WebSocketServer({ noServer: true })
  const proxy = await createProxy()
  let refusal: { code: number; reason: string } | undefined
  let accepted = 0
  let refused = 0
  let running = 0
  let current: Running<Auth> | undefined
  let closing: Promise<void> | undefined
  const retired = new Set<Promise<void>>()

  const dispatch = (name: string): MethodHandler<Auth> => async (params, ctx, message) => {
    const fn = handlers.get(name)
    if (!fn) throw new Error(`lifeline-ws/testing: method ${name} was removed`)
    running++
    try {
      return await fn(params, ctx, message)
    } finally {
      running--
    }
  }

  const build = (): Server<Auth> => {
    const methods: Record<string, MethodHandler<Auth>> = {}
    for (const name of handlers.keys()) methods[name] = dispatch(name)
    return createServer<Contract, Auth>({
      shutdownTimeout: 1000,
      ...options,
      noServer: true,
      history,
      ...(sessions === undefined ? {} : { sessions }),
      methods,
      authorizeSubscribe: (topic, ctx, params) => {
        subscribes.push({ topic, client: ctx.id })
        return options.authorizeSubscribe ? options.authorizeSubscribe(topic, ctx, params) : true
      },
      onConnect: (ctx) => {
        options.onConnect?.(ctx)
        // The connection may join `clients` after this hook returns: check once it has.
        setImmediate(() => waiters.forEach((check) => check()))
      },
    })
  }

  const start = async () => {
    if (closing) throw new Error('lifeline-ws/testing: the test server is closed')
    if (current) return
    const server = build()
    const http = createHttpServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain' }).end('WebSocket only')
    })
    http.on('upgrade', (request, socket, head) => {
      const active = current
      if (refusal) {
        const { code, reason } = refusal
        refused++
        refuser.handleUpgrade(request, socket, head, (ws) => ws.close(code, reason))
      } else if (active && active.server.handleUpgrade(request, socket, head)) {
        // Counted here, not in onConnect: that hook also runs for a session restored after a restart.
        accepted++
      } else {
        socket.destroy()
      }
    })
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(0, '127.0.0.1', resolve)
    })
    current = { server, http, names: new Set(handlers.keys()) }
    proxy.target = (http.address() as AddressInfo).port
    const queued = published
    published = []
    for (const [topic, data] of queued) server.publish(topic, data)
  }

  const stop = async () => {
    const active = current
    if (!active) return
    current = undefined
    proxy.target = undefined
    await active.server.close()
    active.http.closeAllConnections()
    await new Promise<void>((resolve) => active.http.close(() => resolve()))
  }

  const live = (): Running<Auth> => {
    if (!current) throw new Error('lifeline-ws/testing: the test server is stopped; call start() first')
    return current
  }

  const define = (name: string, fn: MethodHandler<Auth>) => {
    if (typeof name !== 'string' || name === '') throw new TypeError('lifeline-ws/testing: a method needs a name')
    if (typeof fn !== 'function') throw new TypeError(`lifeline-ws/testing: method ${name} needs a function`)
    const active = current
    if (active && !active.names.has(name)) {
      if (active.server.clients.size) {
        throw new Error(`lifeline-ws/testing: method ${name} is new and clients are connected; ` +
          'declare it in createTestServer({ methods }) or define it before clients connect')
      }
      // Nobody is connected: swap in a server that knows the new name, on the same internal port.
      const retiring = active.server
      handlers.set(name, fn)
      active.server = build()
      const done = retiring.close()
      retired.add(done)
      void done.finally(() => retired.delete(done))
    }
    handlers.set(name, fn)
    if (active) active.names = new Set(handlers.keys())
  }

  await start()
  const url = `ws://127.0.0.1:${proxy.port}/`

  return {
    url,
    port: proxy.port,
    get server() {
      return live().server
    },
    get clients() {
      return current ? current.server.clients : new Map<string, Context<Auth>>()
    },
    get accepted() {
      return accepted
    },
    get refused() {
      return refused
    },
    get subscribes() {
      return subscribes
    },
    get running() {
      return running
    },
    method: define,
    reply(name, value) {
      define(name, () => {
        if (value instanceof Error) throw value
        return value
      })
    },
    push(event, params, client) {
      const active = live()
      if (client === undefined) return active.server.broadcast(event, params)
      const ctx = active.server.clients.get(client)
      if (!ctx) throw new Error(`lifeline-ws/testing: no client ${client} is connected`)
      ctx.notify(event, params)
    },
    publish(topic, data) {
      if (current) return current.server.publish(topic, data)
      if (closing) throw new Error('lifeline-ws/testing: the test server is closed')
      published.push([topic, data])
      return undefined
    },
    drop({ code = 1012, reason = '', client }: DropOptions = {}) {
      const all = [...live().server.clients.values()]
      const chosen = client === undefined ? all : all.filter((ctx) => ctx.id === client)
      if (client !== undefined && !chosen.length) throw new Error(`lifeline-ws/testing: no client ${client} is connected`)
      for (const ctx of chosen) ctx.close(code, reason)
    },
    reset: () => proxy.reset(),
    get held() {
      return proxy.held
    },
    blackhole() {
      proxy.silent = true
    },
    heal() {
      proxy.silent = false
    },
    refuse(code = 4401, reason = 'Unauthorized') {
      if (!Number.isInteger(code) || code < 3000 || code > 4999) {
        throw new RangeError(`lifeline-ws/testing: refuse(code) needs an application close code (3000-4999), got ${code}`)
      }
      refusal = { code, reason }
    },
    accept() {
      refusal = undefined
    },
    stop,
    start,
    async restart() {
      await stop()
      await start()
    },
    waitForClients(count = 1, { timeout = 10_000 } = {}) {
      return new Promise<void>((resolve, reject) => {
        const size = () => (current ? current.server.clients.size : 0)
        const check = () => {
          if (size() < count) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`lifeline-ws/testing: waited ${timeout} ms for ${count} client(s), ${size()} connected`))
        }, timeout)
        waiters.add(check)
        check()
      })
    },
    close() {
      closing ??= (async () => {
        await stop()
        await Promise.all(retired)
        refuser.close()
        await proxy.close()
        sessionStore.clear()
        // The close callbacks run before Node releases the listening sockets: resolve after that.
        await released()
      })()
      return closing
    },
  }
}

/** One in-memory session store whose sessions `clear()` forgets (with their expiry timers) at `close()`. */
function keptSessions(): { store: SessionStore; clear(): void } {
  const inner = createSessionStore()
  const ids = new Set<string>()
  return {
    store: {
      save(state) {
        ids.add(state.id)
        return inner.save(state)
      },
      take(id) {
        ids.delete(id)
        return inner.take(id)
      },
    },
    clear() {
      for (const id of ids) void inner.take(id)
      ids.clear()
    },
  }
}

/** The sessions option with the shared store, unless sessions are off or come with a store of their own. */
function sessionsOf(sessions: TestServerOptions['sessions'], store: SessionStore): TestServerOptions['sessions'] {
  if (sessions === false || (sessions && sessions.store)) return sessions
  return { ...sessions, store }
}

/** A store made once from limits (a store or `false` as given), so every restart shares it. */
function historyOf(history: TestServerOptions['history']): HistoryStore | false {
  if (history === false) return false
  if (history && 'since' in history) return history
  return createHistory(history)
}
