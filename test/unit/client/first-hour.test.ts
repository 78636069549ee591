// Issue #12, client side: errors that say what to do.
import { describe, expect, it } from 'vitest'
import { createClient, isClientClosedError, isConnectError, isProtocolError, type ClientOptions } from '../../../src/index'
import { FakeSocket } from '../../helpers/fake-socket'
import { fakeTimersPerTest, flush } from '../socket/harness'

fakeTimersPerTest()

const options: ClientOptions = { WebSocket: FakeSocket.ctor, environment: { window: undefined, document: undefined, navigator: undefined } }

const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

describe('after close()', () => {
  it('subscribe, listen and handle throw ClientClosedError, as send and notify do; call rejects with it', async () => {
    const client = createClient('ws://test.local/closed', options)
    client.close()
    expect(isClientClosedError(thrown(() => client.subscribe('topic', () => {})))).toBe(true)
    expect(isClientClosedError(thrown(() => client.listen('event', () => {})))).toBe(true)
    expect(isClientClosedError(thrown(() => client.handle('method', () => 1)))).toBe(true)
    expect(isClientClosedError(thrown(() => client.notify('method')))).toBe(true)
    expect(isClientClosedError(thrown(() => client.send('frame')))).toBe(true)
    await expect(client.call('method')).rejects.toSatisfy(isClientClosedError)
  })
})

describe('messages that name the problem', () => {
  it('call with params that are not an object or an array says what JSON-RPC wants', async () => {
    const client = createClient('ws://test.local/params', { ...options, lazy: true })
    const error = await client.call('add', 5 as never).catch((err: unknown) => err)
    expect(isProtocolError(error)).toBe(true)
    expect((error as Error).message).toBe("lifeline: JSON-RPC params must be an object or an array ('add' got number)")
  })

  it('a client that never opened reports the URL and the close code after its first failed attempt', async () => {
    const client = createClient('ws://test.local/down', { ...options, reconnect: { initialDelay: 1000 } })
    const errors: unknown[] = []
    client.on('error', (err) => errors.push(err))
    await flush()
    FakeSocket.last.serverClose(1011, 'upstream down')
    expect(errors).toHaveLength(1)
    expect(isConnectError(errors[0])).toBe(true)
    expect(errors[0]).toMatchObject({ url: 'ws://test.local/down', code: 1011, reason: 'upstream down' })
    client.close()
  })

  it('a misspelt option is a TypeError naming the nearest known one (development builds)', () => {
    expect(() => createClient('ws://test.local/typo', { ...options, heartBeat: false } as ClientOptions)).toThrow(
      new TypeError('lifeline: unknown option heartBeat; did you mean heartbeat?'),
    )
    expect(() => createClient('ws://test.local/typo', { ...options, calltimeout: 5 } as ClientOptions)).toThrow('did you mean callTimeout?')
  })
})
