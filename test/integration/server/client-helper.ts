// The real lifeline client on `ws`, for the end-to-end server tests.
import WebSocket from 'ws'
import { createClient, type ClientOptions, type UrlInput, type WebSocketConstructor } from '../../../src/index'
import { first } from './helpers'

/** A client with quick fixed retries, closed after the test before its servers. */
export function client(address: UrlInput, options: ClientOptions = {}) {
  const c = createClient(address, {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: { backoff: () => 50 },
    ...options,
  })
  first(() => c.close())
  return c
}
