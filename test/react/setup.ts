// Shared by the hook tests: a real test server (lifeline-ws/testing) and clients on `ws`,
// all closed after each test.
import WebSocket from 'ws'
import { afterEach } from 'vitest'
import { cleanup, configure } from '@testing-library/react'
import { createClient, type Client, type ClientOptions, type WebSocketConstructor } from '../../src/index'
import { createTestServer } from '../../src/testing/index'
import type { TestServer, TestServerOptions } from '../../src/testing/index'
import { patient } from '../helpers/wait'

export interface ChatApi {
  methods: {
    echo: (params: { text: string }) => { text: string }
    slow: (params: { id: number }) => number
    time: () => number
  }
  events: { typing: { user: string } }
  topics: { room: { from: string; text: string }; clock: { now: number } }
}

// Component tests wait with Testing Library's waitFor, not vi.waitFor: it turns React's act()
// environment off while it polls, so renders caused by socket events do not warn. Its deadline is
// the one every other test waits with (tests never assert speed; 1 s is short on a loaded machine).
configure({ asyncUtilTimeout: patient.timeout })

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
