// Shared by the server integration tests: a server on a loopback port 0 that
// is closed after each test, and a raw `ws` peer that speaks JSON frames.
import { afterEach } from 'vitest'
import WebSocket, { type ClientOptions } from 'ws'
import { createServer, type Contract, type Server, type ServerOptions } from '../../../src/server'

const servers: { close(): Promise<void> }[] = []
const peers: WebSocket[] = []
const cleanups: (() => unknown)[] = []
const firsts: (() => unknown)[] = []

afterEach(async () => {
  for (const fn of firsts.splice(0)) fn()
  for (const peer of peers.splice(0)) peer.terminate()
  await Promise.all(servers.splice(0).map((s) => s.close()))
  for (const fn of cleanups.splice(0)) await fn()
})

/** A promise and the function that resolves it, for tests that hold a method until they let go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

/** Run `fn` after the test, before its servers close (to close clients, so they do not retry). */
export const first = (fn: () => unknown) => void firsts.push(fn)

/** Run `fn` after the test, once its peers and servers are gone. */
export const cleanup = (fn: () => unknown) => void cleanups.push(fn)

type Local<Auth> = Omit<ServerOptions<Auth>, 'port' | 'server' | 'noServer' | 'host'>

/** A server on 127.0.0.1, any free port, closed after the test. */
export async function start<Auth = unknown>(options: Local<Auth> = {}, port = 0): Promise<Server<Auth>> {
  const server = createServer<Contract, Auth>({ onError: () => {}, ...options, port, host: '127.0.0.1' } as ServerOptions<Auth>)
  servers.push(server)
  await server.ready
  return server
}

/** Keep a server the test made itself for cleanup. */
export function track<S extends { close(): Promise<void> }>(server: S): S {
  servers.push(server)
  return server
}

export const url = (server: { port: number | undefined }, path = '/') => `ws://127.0.0.1:${server.port}${path}`

export type Frame = Record<string, unknown> & { id?: unknown; method?: string; params?: Record<string, unknown> & { seq?: number; data?: unknown }; result?: unknown; error?: { code: number; message: string; data?: unknown } }

/** A raw peer: JSON frames in a queue, the close event as a promise. */
export interface Peer {
  socket: WebSocket
  /** The next frame (parsed JSON), in arrival order. */
  next(ms?: number): Promise<Frame & Frame[]>
  /** Frames received and not yet taken. */
  readonly pending: unknown[]
  send(value: unknown): void
  /** Send a request and wait for the frame that answers it. */
  call(method: string, params?: unknown, id?: number): Promise<Frame>
  closed: Promise<{ code: number; reason: string }>
  opened: Promise<void>
}

let ids = 1000

export function peer(address: string, options: ClientOptions = {}): Peer {
  const socket = new WebSocket(address, options)
  peers.push(socket)
  const queue: unknown[] = []
  const waiters: ((v: unknown) => void)[] = []
  socket.on('error', () => {})
  socket.on('message', (data) => {
    const value: unknown = JSON.parse(String(data))
    const waiter = waiters.shift()
    if (waiter) waiter(value)
    else queue.push(value)
  })
  const next = (ms = 5000) =>
    new Promise<Frame & Frame[]>((resolve, reject) => {
      if (queue.length) return resolve(queue.shift() as Frame & Frame[])
      const timer = setTimeout(() => reject(new Error('peer.next: no frame in time')), ms)
      waiters.push((value) => {
        clearTimeout(timer)
        resolve(value as Frame & Frame[])
      })
    })
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('open', () => resolve())
    socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    socket.on('close', () => reject(new Error('closed before open')))
  })
  opened.catch(() => {})
  const send = (value: unknown) => socket.send(typeof value == 'string' ? value : JSON.stringify(value))
  return {
    socket,
    next,
    pending: queue,
    send,
    async call(method, params, id = ++ids) {
      send({ jsonrpc: '2.0', id, method, params })
      const skipped: unknown[] = []
      try {
        for (;;) {
          const frame = await next()
          if (frame.id === id) return frame
          skipped.push(frame)
        }
      } finally {
        queue.unshift(...skipped)
      }
    },
    closed: new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }))),
    opened,
  }
}

/** Open a peer and wait until it is open. */
export async function open(address: string, options?: ClientOptions): Promise<Peer> {
  const p = peer(address, options)
  await p.opened
  return p
}

/** The HTTP status an upgrade was refused with. */
export function refusedWith(address: string, options: ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(address, options)
    peers.push(socket)
    socket.on('error', () => {})
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      res.resume()
      socket.terminate()
    })
    socket.on('open', () => reject(new Error('upgrade was accepted')))
  })
}
