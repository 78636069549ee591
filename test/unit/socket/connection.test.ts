import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection, type ConnectionEvents } from '../../../src/socket/connection'
import { FakeSocket } from '../../helpers/fake-socket'

const events = () => ({ open: vi.fn(), message: vi.fn(), close: vi.fn() }) satisfies ConnectionEvents

beforeEach(() => FakeSocket.reset())

describe('connection', () => {
  it('forwards open, message and close of the current socket', () => {
    const conn = createConnection(FakeSocket.ctor, 'arraybuffer')
    const on = events()
    conn.connect('ws://x/', 'p1', on)
    const s = FakeSocket.last
    expect(conn.socket).toBe(s)
    expect([s.url, s.protocols, s.binaryType]).toEqual(['ws://x/', 'p1', 'arraybuffer'])
    s.accept()
    s.receive('hi')
    s.serverClose(1001, 'bye', true)
    expect(on.open).toHaveBeenCalledWith(s)
    expect(on.message).toHaveBeenCalledWith('hi')
    expect(on.close).toHaveBeenCalledWith({ code: 1001, reason: 'bye', wasClean: true })
    expect(conn.socket).toBeUndefined()
    expect(s.attached).toBe(false)
  })

  it('leaves binaryType alone when not given', () => {
    createConnection(FakeSocket.ctor, undefined).connect('ws://x/', undefined, events())
    expect(FakeSocket.last.binaryType).toBe('blob')
  })

  it('opening again abandons the previous socket: closed, detached, silent', () => {
    const conn = createConnection(FakeSocket.ctor, undefined)
    const first = events()
    conn.connect('ws://x/1', undefined, first)
    const old = FakeSocket.last
    const stale = old.onmessage as unknown as (e: object) => void
    conn.connect('ws://x/2', undefined, events())
    expect(old.closeCalls).toEqual([[undefined, undefined]])
    expect(old.attached).toBe(false)
    // An error handler stays: `ws` throws on an 'error' nobody listens to.
    expect(old.onerror).toBeTypeOf('function')
    stale({ data: 'late' })
    old.fail()
    expect(first.message).not.toHaveBeenCalled()
    expect(first.close).not.toHaveBeenCalled()
    expect(conn.socket).toBe(FakeSocket.last)
  })

  it('drop() passes code and reason, and falls back to a bare close() when refused', () => {
    const conn = createConnection(FakeSocket.ctor, undefined)
    conn.connect('ws://x/', undefined, events())
    const s = FakeSocket.last
    conn.drop(1006, 'not allowed')
    expect(s.closeCalls).toEqual([[1006, 'not allowed'], [undefined, undefined]])
    expect(conn.socket).toBeUndefined()
    conn.drop()
    expect(s.closeCalls).toHaveLength(2)
  })

  it('a throwing constructor leaves no socket', () => {
    const Bad = class {
      constructor() {
        throw new SyntaxError('bad')
      }
    } as never
    const conn = createConnection(Bad, undefined)
    expect(() => conn.connect('ws://x/', undefined, events())).toThrow(SyntaxError)
    expect(conn.socket).toBeUndefined()
  })
})
