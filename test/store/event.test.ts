// eventStore and connectionStore against a real server.
import { describe, expect, it, vi } from 'vitest'
import { createClient, type State } from '../../src/index'
import { connectionStore, eventStore } from '../../src/store/index'
import { patient } from '../helpers/wait'
import { connect, counted, startServer } from './server'

describe('eventStore', () => {
  it('tells every payload, the same one twice too, and listens once for many holders', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const typing = eventStore(client, 'typing')
    const heard: string[] = []
    const values: unknown[] = []
    const stopListening = typing.listen(({ user }) => heard.push(user))
    const stopSubscribing = typing.subscribe((payload) => values.push(payload))
    expect(held.listen).toBe(1)
    await vi.waitFor(() => expect(server.clients.size).toBe(1), patient)
    server.push('typing', { user: 'ada' })
    server.push('typing', { user: 'ada' })
    await vi.waitFor(() => expect(heard).toEqual(['ada', 'ada']), patient)
    expect(values).toEqual([undefined, { user: 'ada' }, { user: 'ada' }])
    expect(typing.get()).toEqual({ user: 'ada' })
    stopListening()
    stopSubscribing()
    expect(held.listen).toBe(0)
  })

  it('hears nothing and throws nothing on a closed client', () => {
    const client = createClient('ws://127.0.0.1:9/', { lazy: true })
    client.close()
    const stop = eventStore(client, 'typing').listen(() => {
      throw new Error('no event on a closed client')
    })
    stop()
    expect(() => eventStore(client, '')).toThrow(TypeError)
  })
})

describe('connectionStore', () => {
  it('follows the client and tells only changes', async () => {
    const server = await startServer()
    const client = connect(server, { lazy: true })
    const store = connectionStore(client)
    const seen: State[] = []
    const stop = store.subscribe((state) => seen.push(state))
    client.connect()
    await vi.waitFor(() => expect(store.get()).toBe('open'), patient)
    client.close()
    expect(seen).toEqual(['idle', 'connecting', 'open', 'closed'])
    stop()
  })
})
