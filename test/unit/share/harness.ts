/**
 * The unit tests' tabs: clients of one FakeBrowser (fake locks and channels) on hand-driven FakeSockets.
 * The server side is played by hand: the handshake is answered "method not found" (a plain server).
 */
import { afterEach } from 'vitest'
import { createClient, type Client, type ClientOptions } from '../../../src/share'
import { createFakeBrowser, type FakeBrowser } from '../../helpers/fake-tabs'
import { FakeSocket } from '../../helpers/fake-socket'

export const URL = 'ws://unit.test/share'
export const KEY = `lifeline-ws:${URL}:default`
export const clients: Client[] = []
afterEach(() => {
  clients.splice(0).forEach((client) => client.close())
  FakeSocket.reset()
})

/**
 * Runs what the fake tabs have queued: each channel delivery is a 0 ms timer and each lock grant a
 * microtask, so a few turns of 1 ms timers (ordered after the deliveries queued before them) drain a
 * chain of messages. An ordering, not a duration: nothing here waits for time to pass.
 */
export const settle = async (rounds = 5) => {
  for (let n = 0; n < rounds; n++) await new Promise((resolve) => setTimeout(resolve, 1))
}
export const frames = (socket: FakeSocket) => socket.sent.map((frame) => JSON.parse(String(frame)) as { id?: number | string; method?: string; params?: unknown; once?: [string, number] })

/** A socket accepted and its handshake answered as a server without sessions does. */
export const serve = async (socket = FakeSocket.last) => {
  socket.accept()
  const handshake = frames(socket).find((frame) => frame.method === 'rpc.session')
  if (handshake) socket.receive(JSON.stringify({ jsonrpc: '2.0', id: handshake.id, error: { code: -32601, message: 'Method not found' } }))
  await settle()
  return socket
}

/** The messages of one kind among those posted. */
export const kinds = (posted: unknown[], kind: string) => posted.filter((m) => (m as { kind?: string } | null)?.kind === kind)

/** The id of the tab that sent the nth message of a kind (a tab's id is its own secret). */
export const idOf = (browser: FakeBrowser, kind: string, nth = 0) =>
  (kinds(browser.posted, kind)[nth] as { from: string }).from

export function tab(browser: FakeBrowser, options: ClientOptions = {}) {
  const fake = browser.tab()
  const client = createClient(URL, {
    WebSocket: FakeSocket.ctor,
    heartbeat: false,
    share: true,
    ...options,
    environment: { locks: fake.locks, BroadcastChannel: fake.BroadcastChannel, localStorage: fake.localStorage, ...options.environment },
  })
  const errors: unknown[] = []
  const roles: string[] = []
  client.on('error', (err) => errors.push(err))
  client.on('role', (role, prev) => roles.push(`${prev}->${role}`))
  clients.push(client)
  return { fake, client, errors, roles }
}


/** A leader tab and a follower on one FakeBrowser, the leader's socket accepted and its handshake answered. */
export const servedPair = async () => {
  const browser = createFakeBrowser()
  const a = tab(browser)
  const b = tab(browser)
  await settle()
  const socket = await serve()
  return { browser, a, b, socket }
}
