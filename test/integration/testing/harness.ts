// What the lifeline-ws/testing tests share: test servers and clients made through these are closed
// after each test (call `closeAfterEach()` once per file).
import WebSocket from 'ws'
import { afterEach } from 'vitest'
import { createClient, type Client, type ClientOptions, type WebSocketConstructor } from '../../../src/index'
import { createTestServer, type TestServer } from '../../../src/testing/index'

const servers: TestServer[] = []
const clients: Client[] = []

/** Closes every client, then every test server, after each test of the file. */
export function closeAfterEach(): void {
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })
}

/** A test server, closed after the test. */
export async function start(...args: Parameters<typeof createTestServer>): Promise<TestServer> {
  const server = await createTestServer(...args)
  servers.push(server)
  return server
}

/** A client of `server` on ws with fast reconnects, closed after the test. */
export function connect(server: TestServer, options: ClientOptions = {}): Client {
  const client = createClient(server.url, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { initialDelay: 10, maxDelay: 50 },
    ...options,
  })
  clients.push(client)
  return client
}
