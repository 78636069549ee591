// Issue #30: JSON refuses binary data in development builds, and in every build once a server runs in the
// process (its fan-out skips a JSON client for bytes, in production too). A production client build skips
// the check, which would cost every client on JSON about 90 B (json-rpc.ts, docs/protocol.md "Encodings").
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../../src/protocol/protocol'

const upload: Message = { type: 'request', id: 1, method: 'upload', params: { file: new Uint8Array([7]) } }

/** json-rpc.ts and the server's options, loaded afresh with NODE_ENV as `env` says. */
async function load(env: string) {
  vi.stubEnv('NODE_ENV', env)
  vi.resetModules()
  const { jsonRpc } = await import('../../../src/protocol/json-rpc')
  const { resolveServerOptions } = await import('../../../src/server/resolve-options')
  return { jsonRpc, resolveServerOptions }
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.resetModules()
})

describe('jsonRpc() and binary data, by build', () => {
  it('refuses in development, naming the key', async () => {
    const { jsonRpc } = await load('development')
    expect(() => jsonRpc().encode(upload)).toThrow("binary data in 'file': use msgpack() from lifeline-ws/msgpack, or base64")
  })

  it('in production, encodes as JSON.stringify does until a server is made; from then on refuses, every jsonRpc()', async () => {
    const { jsonRpc, resolveServerOptions } = await load('production')
    const made = jsonRpc()
    expect(made.encode(upload)).toBe('{"jsonrpc":"2.0","id":1,"method":"upload","params":{"file":{"0":7}}}')
    resolveServerOptions({ noServer: true })
    expect(() => made.encode(upload)).toThrow(expect.objectContaining({ name: 'ProtocolError', message: expect.stringContaining("binary data in 'file'") }))
    expect(() => jsonRpc().encode(upload)).toThrow(/use msgpack\(\)/)
  })
})
