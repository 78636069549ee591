// Issue #25, item 7: a JavaScript dialect written before `Protocol.codes` existed. Before: createClient
// threw "Cannot read properties of undefined (reading 'methodNotFound')" from inside. Now it answers
// with JSON-RPC's codes, as every client did before the dialect brought its own.
import { afterEach, describe, expect, it } from 'vitest'
import { jsonRpc, type Protocol } from '../../../src/index'
import { setup, type Harness } from './harness'
import type { Contract } from '../../../src/client/contract'

let h: Harness<Contract> | undefined
afterEach(() => {
  h?.client.close()
  h?.stop()
})

/** jsonRpc() as a dialect written before `codes`: every member but that one. */
function dialectWithoutCodes(): Protocol {
  const { codes, ...rest } = jsonRpc()
  void codes
  return rest as Protocol
}

/** The same, as a class whose methods live on its prototype. */
class OldDialect {
  ping = 'rpc.ping'
  subscribe = 'rpc.subscribe'
  unsubscribe = 'rpc.unsubscribe'
  publish = 'rpc.publish'
  readonly #inner = jsonRpc()
  encode(message: Parameters<Protocol['encode']>[0]) {
    return this.#inner.encode(message)
  }
  decode(frame: string) {
    return this.#inner.decode(frame)
  }
}

describe('a dialect without codes', () => {
  it.each([
    ['an object', dialectWithoutCodes],
    ['a class instance', () => new OldDialect() as unknown as Protocol],
  ])('(%s) answers a server request without a handler with JSON-RPC -32601', async (_kind, make) => {
    h = setup({ protocol: make() })
    await h.tick()
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id: 'server-1', method: 'confirm', params: {} }))
    await h.tick()
    expect(h.json().find((message) => message.id === 'server-1')).toMatchObject({ error: { code: -32601, message: 'Method not found: confirm' } })
  })

  it('names the method of a call the server does not know', async () => {
    h = setup({ protocol: dialectWithoutCodes() })
    await h.tick()
    const call = h.client.call('getUser').catch((error: unknown) => error)
    await h.tick()
    const { id } = h.json().find((message) => message.method === 'getUser') as { id: number }
    h.peer().send(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } }))
    expect(await call).toMatchObject({ code: -32601, message: 'Method not found: getUser' })
  })
})
