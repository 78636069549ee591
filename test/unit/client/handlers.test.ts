import { describe, expect, it, vi } from 'vitest'
import { RpcError } from '../../../src/errors'
import { createHandlers } from '../../../src/client/handlers'
import type { Message } from '../../../src/protocol/protocol'
import { jsonRpc } from '../../../src/protocol/json-rpc'
import { flush } from '../../helpers/flush'

function setup(reply: (m: Message) => void = () => {}) {
  const replies: Message[] = []
  const error = vi.fn()
  const handlers = createHandlers((m) => {
    reply(m)
    replies.push(m)
  }, error, jsonRpc().codes)
  // Handlers answer a few microtasks later; no timers are involved.
  const answer = async () => {
    await flush()
    return replies.shift()
  }
  return { handlers, replies, error, answer }
}

const req = (method: string, params?: unknown, id: number | string = 1) => ({ type: 'request' as const, id, method, params })

describe('handlers', () => {
  it('answers with the handler result, sync or async', async () => {
    const { handlers, answer } = setup()
    handlers.handle('add', (p) => (p as number[]).reduce((a, b) => a + b))
    handlers.handle('later', async () => 'done')
    handlers.request(req('add', [1, 2, 3], 7))
    expect(await answer()).toEqual({ type: 'response', id: 7, result: 6 })
    handlers.request(req('later', undefined, 'x'))
    expect(await answer()).toEqual({ type: 'response', id: 'x', result: 'done' })
  })

  it('answers an unknown method with -32601', async () => {
    const { handlers, answer } = setup()
    handlers.request(req('nope'))
    expect(await answer()).toMatchObject({ type: 'error', id: 1, error: { code: -32601, message: 'Method not found: nope' } })
  })

  it('keeps an RpcError code, message and data', async () => {
    const { handlers, answer, error } = setup()
    handlers.handle('deny', () => {
      throw new RpcError(403, 'forbidden', { need: 'admin' })
    })
    handlers.request(req('deny'))
    expect(await answer()).toEqual({ type: 'error', id: 1, error: { code: 403, message: 'forbidden', data: { need: 'admin' } } })
    expect(error).not.toHaveBeenCalled()
  })

  it('turns any other throw or rejection into -32603 with the message only', async () => {
    const { handlers, answer, error } = setup()
    handlers.handle('boom', () => {
      throw new Error('disk full')
    })
    handlers.handle('reject', () => Promise.reject('plain'))
    handlers.request(req('boom'))
    const reply = await answer()
    expect(reply).toEqual({ type: 'error', id: 1, error: { code: -32603, message: 'disk full' } })
    expect(JSON.stringify(reply)).not.toMatch(/at /)
    handlers.request(req('reject', undefined, 2))
    expect(await answer()).toEqual({ type: 'error', id: 2, error: { code: -32603, message: 'plain' } })
    // Answered to the peer, so not also reported locally.
    expect(error).not.toHaveBeenCalled()
  })

  it('allows one handler per method, naming it in the TypeError', () => {
    const { handlers } = setup()
    handlers.handle('ping', () => 'pong')
    expect(() => handlers.handle('ping', () => 'again')).toThrow(TypeError)
    expect(() => handlers.handle('ping', () => 'again')).toThrow(/ping/)
  })

  it('unhandle removes only its own handler', async () => {
    const { handlers, answer } = setup()
    const off = handlers.handle('m', () => 1)
    off()
    const offSecond = handlers.handle('m', () => 2)
    off()
    handlers.request(req('m'))
    expect(await answer()).toMatchObject({ result: 2 })
    offSecond()
    handlers.request(req('m', undefined, 2))
    expect(await answer()).toMatchObject({ error: { code: -32601 } })
  })

  it('reports a reply that cannot be sent, and tells the peer with -32603 instead', async () => {
    const encodeError = new Error('cannot encode')
    const { handlers, answer, error } = setup((m) => {
      if (m.type === 'response') throw encodeError
    })
    handlers.handle('big', () => 1n)
    handlers.request(req('big'))
    expect(await answer()).toEqual({ type: 'error', id: 1, error: { code: -32603, message: 'cannot encode' } })
    expect(error).toHaveBeenCalledWith(encodeError)
  })

  it('reports, and stops, when even the error reply fails', async () => {
    const error = vi.fn()
    const reply = vi.fn(() => {
      throw new Error('socket gone')
    })
    const handlers = createHandlers(reply, error, jsonRpc().codes)
    handlers.handle('m', () => 1)
    handlers.request(req('m'))
    await flush()
    expect(error).toHaveBeenCalledTimes(2)
    expect(reply).toHaveBeenCalledTimes(2)
  })
})
