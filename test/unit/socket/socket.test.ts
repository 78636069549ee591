// createSocket: the reliable raw socket alone, over the hand-driven FakeSocket.
import { describe, expect, it, vi } from 'vitest'
import { createSocket, isClientClosedError, isConnectError, isConnectionClosedError, type SocketOptions } from '../../../src/socket'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush } from './harness'

fakeTimersPerTest()

const noEnvironment = { window: undefined, document: undefined, navigator: undefined }
const open = (options: SocketOptions = {}) => {
  const socket = createSocket('ws://test.local/raw', { WebSocket: FakeSocket.ctor, environment: noEnvironment, ...options })
  const errors: unknown[] = []
  socket.on('error', (err) => errors.push(err))
  return { socket, errors }
}

describe('createSocket', () => {
  it('queues raw frames until open, flushes them in order, then sends at once', async () => {
    const { socket } = open()
    expect(socket.send('a')).toBe('queued')
    expect(socket.send('b')).toBe('queued')
    expect(socket.queued).toBe(2)
    await flush()
    const opened = vi.fn()
    socket.on('open', opened)
    FakeSocket.last.accept()
    expect(FakeSocket.last.sent).toEqual(['a', 'b'])
    expect(opened).toHaveBeenCalledOnce()
    expect(socket.send('c')).toBe('sent')
    await expect(socket.ready()).resolves.toBeUndefined()
  })

  it('emits every inbound frame as message, except a configured pong', async () => {
    const { socket } = open({ heartbeat: { ping: 'ping', pong: 'pong', interval: 1000, timeout: 500 } })
    const messages: unknown[] = []
    socket.on('message', (data) => messages.push(data))
    await flush()
    FakeSocket.last.accept()
    FakeSocket.last.receive('hello')
    FakeSocket.last.receive('pong')
    expect(messages).toEqual(['hello'])
  })

  it('pings with the raw frame after silence and replaces a socket that stays silent', async () => {
    open({ heartbeat: { ping: 'ping', pong: 'pong', interval: 1000, timeout: 500 }, reconnect: { initialDelay: 0 } })
    await flush()
    const first = FakeSocket.last
    first.accept()
    await vi.advanceTimersByTimeAsync(1000)
    expect(first.sent).toEqual(['ping'])
    await vi.advanceTimersByTimeAsync(500)
    expect(first.attached).toBe(false)
    // The retry (a zero delay) creates the next socket.
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.instances.length).toBe(2)
  })

  it('sends no ping without a ping frame: silence alone proves nothing', async () => {
    open({ heartbeat: { interval: 1000, timeout: 500 } })
    await flush()
    FakeSocket.last.accept()
    await vi.advanceTimersByTimeAsync(5000)
    expect(FakeSocket.last.sent).toEqual([])
    expect(FakeSocket.instances.length).toBe(1)
  })

  it('reports a ConnectError with the URL and close code after the first failed attempt of a socket that never opened', async () => {
    const { errors } = open({ reconnect: { initialDelay: 10 } })
    await flush()
    FakeSocket.last.fail()
    expect(errors).toHaveLength(1)
    const [error] = errors
    expect(isConnectError(error)).toBe(true)
    expect(error).toMatchObject({ url: 'ws://test.local/raw', code: 1006, message: 'lifeline: could not connect to ws://test.local/raw (close 1006)' })
    // Once: the retries that follow are the reconnecting events' business.
    await vi.advanceTimersByTimeAsync(10)
    FakeSocket.last.fail()
    expect(errors).toHaveLength(1)
  })

  it('reports no ConnectError once a socket has opened', async () => {
    const { errors } = open({ reconnect: { initialDelay: 10 } })
    await flush()
    FakeSocket.last.accept()
    FakeSocket.last.fail()
    expect(errors).toEqual([])
  })

  it('with queue: false, drops a volatile frame and throws ConnectionClosedError for another while not open', () => {
    const { socket } = open({ queue: false, lazy: true })
    expect(socket.send('x', { queue: false })).toBe('dropped')
    let thrown: unknown
    try {
      socket.send('y')
    } catch (err) {
      thrown = err
    }
    expect(isConnectionClosedError(thrown)).toBe(true)
  })

  it('close() is final: ready() rejects, send throws ClientClosedError', async () => {
    const { socket } = open()
    await flush()
    FakeSocket.last.accept()
    socket.close()
    expect(socket.state).toBe('closed')
    await expect(socket.ready()).rejects.toSatisfy(isClientClosedError)
    expect(() => socket.send('late')).toThrow(/client closed/)
  })

  it('says how to get a WebSocket where there is none (Node < 22)', () => {
    vi.stubGlobal('WebSocket', undefined)
    try {
      expect(() => createSocket('ws://test.local/x', { environment: noEnvironment })).toThrow("import WebSocket from 'ws' and pass { WebSocket }")
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('rejects an unknown option with the nearest name (development builds)', () => {
    expect(() => open({ heartBeat: {} } as SocketOptions)).toThrow('did you mean heartbeat?')
    // A client option is not a socket option.
    expect(() => open({ callTimeout: 1 } as SocketOptions)).toThrow('unknown option callTimeout')
  })
})
