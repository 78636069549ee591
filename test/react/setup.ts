// Shared by the hook tests: a real test server (lifeline-ws/testing) and clients on `ws`,
// all closed after each test.
import WebSocket from 'ws'
import { afterEach } from 'vitest'
import { cleanup } from '@testing-library/react'
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
  cleanup()
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
