// topicStore against a real server: one server subscription per topic however many stores,
// released a macrotask after the last; nothing reaches the client for a subscribe and
// unsubscribe in one go; a closed client is status 'error', never a throw.
import { describe, expect, it, vi } from 'vitest'
import { createClient, type Client, type TopicMeta } from '../../src/index'
import { topicStore, type TopicState } from '../../src/store/index'
import { patient } from '../helpers/wait'
import { connect, counted, onlyClient, startServer, type ChatApi } from './server'

/** Lets every queued microtask run (a store starts a microtask after its first subscriber). */
async function microtasks() {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
}

/** Subscribes and records every value told. */
function record<T>(store: { subscribe(run: (value: T) => void): () => void }) {
  const values: T[] = []
  const stop = store.subscribe((value) => values.push(value))
  return { values, stop, last: () => values.at(-1)! }
}

describe('topicStore', () => {
  it('shares one server subscription between stores and ends it after the last lets go', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const first = record(topicStore(client, 'room'))
    const second = record(topicStore(client, 'room'))
    await vi.waitFor(() => expect(first.last().status).toBe('ready'), patient)
    await vi.waitFor(() => expect(second.last().status).toBe('ready'), patient)
    // A client subscription per store, one server subscription for both.
    expect(held.subscribe).toBe(2)
    expect(server.subscribes).toHaveLength(1)
    server.publish('room', { from: 'ada', text: 'hi' })
    await vi.waitFor(() => expect(second.last()).toMatchObject({ data: { text: 'hi' }, seq: 1 }), patient)
    expect(first.last()).toMatchObject({ data: { text: 'hi' }, seq: 1 })

    first.stop()
    server.publish('room', { from: 'ada', text: 'two' })
    await vi.waitFor(() => expect(second.last().seq).toBe(2), patient)
    expect(first.last().seq).toBe(1)
    expect(onlyClient(server)!.topics).toContain('room')
    second.stop()
    await vi.waitFor(() => expect(onlyClient(server)!.topics).not.toContain('room'), patient)
    expect(held.subscribe).toBe(0)
    expect(server.subscribes).toHaveLength(1)
  })

  it('starts nothing for a subscribe and unsubscribe in one go (a server render, StrictMode)', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    await client.ready()
    const store = topicStore(client, 'room')
    store.subscribe(() => {})()
    await client.call('echo', { text: 'a subscribe would have reached the server by now' })
    expect(held.subscribe).toBe(0)
    expect(server.subscribes).toHaveLength(0)
  })

  it('folds messages with a reducer, and shows a late store the latest message without one', async () => {
    const server = await startServer()
    const client = connect(server)
    const log = record(topicStore(client, 'room', { initial: '', reducer: (text: string, message) => text + message.text }))
    await vi.waitFor(() => expect(log.last().status).toBe('ready'), patient)
    server.publish('room', { from: 'a', text: 'x' })
    server.publish('room', { from: 'a', text: 'y' })
    await vi.waitFor(() => expect(log.last().data).toBe('xy'), patient)
    const late = topicStore(client, 'room')
    expect(late.get()).toMatchObject({ data: { text: 'y' }, seq: 2, status: 'ready' })
    expect(late.initial).toEqual({ data: undefined, seq: undefined, gaps: 0, status: 'subscribing', error: undefined })
    log.stop()
    // Once no store holds the topic (a macrotask after the last let go), its last message is forgotten.
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(topicStore(client, 'room').get()).toEqual(late.initial)
  })

  it('subscribes afresh when started again after a refusal', async () => {
    let allowed = false
    const server = await startServer({ authorizeSubscribe: () => allowed })
    const client = connect(server)
    const store = topicStore(client, 'room')
    const first = record(store)
    await vi.waitFor(() => expect(first.last().status).toBe('error'), patient)
    first.stop()
    allowed = true
    const second = record(store)
    await vi.waitFor(() => expect(second.last()).toMatchObject({ status: 'ready', error: undefined }), patient)
    second.stop()
  })

  it('folds each message once when stopped and started again before its subscription ends', async () => {
    // A client whose subscriptions the test sees: the old one lives a macrotask after the stop.
    const handlers = new Set<(data: unknown, meta: TopicMeta) => void>()
    const client = {
      subscribe: (_topic: string, handler: (data: unknown, meta: TopicMeta) => void) => {
        handlers.add(handler)
        return { ready: Promise.resolve(), unsubscribe: () => handlers.delete(handler) }
      },
      on: () => () => {},
    } as unknown as Client<ChatApi>
    const count = topicStore(client, 'room', { initial: 0, reducer: (total: number) => total + 1 })
    const first = record(count)
    await microtasks()
    expect(handlers.size).toBe(1)
    first.stop()
    const second = record(count)
    // Microtasks only: the first subscription ends a macrotask after its stop.
    await microtasks()
    expect(handlers.size).toBe(2)
    for (const handler of [...handlers]) handler({ from: 'ada', text: 'once' }, { topic: 'room', seq: 1 })
    expect(count.get().data).toBe(1)
    await vi.waitFor(() => expect(handlers.size).toBe(1), patient)
    second.stop()
  })

  it('is status error on a closed client, without throwing', async () => {
    const client = createClient('ws://127.0.0.1:9/', { lazy: true })
    client.close()
    const store = record(topicStore(client, 'room'))
    await vi.waitFor(() => expect(store.last().status).toBe('error'), patient)
    expect((store.last().error as Error).name).toBe('ClientClosedError')
    store.stop()
  })

  it('turns to error when the client closes while subscribed, and a new store subscribes afresh', async () => {
    const server = await startServer({ authorizeSubscribe: () => true })
    const client = connect(server)
    const store = record(topicStore(client, 'room'))
    await vi.waitFor(() => expect(store.last().status).toBe('ready'), patient)
    client.close()
    await vi.waitFor(() => expect(store.last().status).toBe('error'), patient)
    const states: TopicState<unknown>[] = store.values
    expect(states.map((state) => state.status)).toEqual(['subscribing', 'ready', 'error'])
    store.stop()
  })

  it('refuses a topic that is not a name', () => {
    const client = createClient('ws://127.0.0.1:9/', { lazy: true })
    expect(() => topicStore(client, '')).toThrow(TypeError)
    client.close()
  })
})
