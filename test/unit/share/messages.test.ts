import { describe, expect, it } from 'vitest'
import { fromWire, parseMessage, toWire } from '../../../src/share/messages'
import {
  ClientClosedError, ConnectError, ConnectionClosedError, OutcomeUnknownError, QueueFullError, RpcError, TimeoutError,
  isConnectError, isConnectionClosedError, isOutcomeUnknownError, isProtocolError, isRpcError, isTimeoutError,
} from '../../../src/errors'

describe('tab messages', () => {
  it('passes a well-formed message as it is', () => {
    const message = { v: 1, from: 'a', to: 'b', kind: 'call', seq: 3, method: 'echo', params: { x: 1 } }
    expect(parseMessage(message)).toBe(message)
  })

  it.each([
    [null, 'not an object'],
    ['hello', 'not an object'],
    [{ v: 2, from: 'a', kind: 'who' }, 'unknown version 2'],
    [{ v: 1, kind: 'who' }, 'bad from/to'],
    [{ v: 1, from: 'a', to: 7, kind: 'who' }, 'bad from/to'],
    [{ v: 1, from: 'a', kind: 'explode' }, 'unknown kind explode'],
    [{ v: 1, from: 'a', kind: '__proto__' }, 'unknown kind __proto__'],
    [{ v: 1, from: 'a', kind: 'toString' }, 'unknown kind toString'],
    [{ v: 1, from: 'a', kind: 'call', seq: -1, method: 'm' }, "bad seq in a 'call' message"],
    [{ v: 1, from: 'a', kind: 'call', seq: 1.5, method: 'm' }, "bad seq in a 'call' message"],
    [{ v: 1, from: 'a', kind: 'call', seq: 1, method: 5 }, "bad method in a 'call' message"],
    [{ v: 1, from: 'a', kind: 'call', seq: 1, method: 'm', resend: 'yes' }, "bad resend in a 'call' message"],
    [{ v: 1, from: 'a', kind: 'state', state: 'exploded', subprotocol: '' }, "bad state in a 'state' message"],
    [{ v: 1, from: 'a', kind: 'life', name: 'state' }, "bad name in a 'life' message"],
    [{ v: 1, from: 'a', kind: 'sub', topic: 't', after: 'x' }, "bad after in a 'sub' message"],
    [{ v: 1, from: 'a', kind: 'sub', topic: 't', after: 3, epoch: 7 }, "bad epoch in a 'sub' message"],
    [{ v: 1, from: 'a', kind: 'topic', topic: 't', ok: true, epoch: { e: 1 } }, "bad epoch in a 'topic' message"],
  ])('refuses %j: %s', (message, problem) => {
    expect(parseMessage(message)).toBe(problem)
  })

  it('carries lifeline errors across as their own classes', () => {
    const errors = [
      new RpcError(4001, 'forbidden', { why: 'x' }),
      new TimeoutError('too slow', 'm', 50, true),
      new ConnectionClosedError('gone'),
      new ClientClosedError('closed'),
      new QueueFullError('full'),
      new ConnectError('ws://x/', 1006, 'refused'),
      new OutcomeUnknownError('maybe ran', 'order.place'),
    ]
    const back = errors.map((err) => fromWire(structuredClone(toWire(err))))
    expect(back.map((err) => err.name)).toEqual(errors.map((err) => err.name))
    expect(back.map((err) => err.message)).toEqual(errors.map((err) => err.message))
    expect(isRpcError(back[0]) && back[0].code === 4001 && (back[0].data as { why: string }).why).toBe('x')
    expect(isTimeoutError(back[1]) && [back[1].method, back[1].timeout, back[1].sent]).toEqual(['m', 50, true])
    expect(isConnectionClosedError(back[2])).toBe(true)
    expect(back[3]).toBeInstanceOf(ClientClosedError)
    expect(back[4]).toBeInstanceOf(QueueFullError)
    expect(isConnectError(back[5]) && [back[5].url, back[5].code, back[5].reason]).toEqual(['ws://x/', 1006, 'refused'])
    expect(back[6]).toBeInstanceOf(OutcomeUnknownError)
    expect(isOutcomeUnknownError(back[6]) && [back[6].method, back[6].code]).toEqual(['order.place', -32003])
  })

  it('keeps the name of other errors, turns non-errors into messages, and refuses a malformed one', () => {
    const abort = fromWire(toWire(new DOMException('stop', 'AbortError')))
    expect([abort.name, abort.message]).toEqual(['AbortError', 'stop'])
    const type = fromWire(toWire(new TypeError('bad')))
    expect([type.name, type.message]).toEqual(['TypeError', 'bad'])
    expect(fromWire(toWire('plain')).message).toBe('plain')
    expect(isProtocolError(fromWire({ name: 5 }))).toBe(true)
    expect(isProtocolError(fromWire(null))).toBe(true)
    expect(fromWire({ name: 'RpcError', message: 'm' })).toMatchObject({ code: 0 })
  })
})
