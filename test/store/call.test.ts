// callStore against a real server: a deferred first call, abort when superseded or let go,
// late answers never shown, `enabled`, refetch.
import { describe, expect, it, vi } from 'vitest'
import { callStore, type CallState } from '../../src/store/index'
import { patient } from '../helpers/wait'
import { connect, gate, gatedSlow, spied, startServer, type ChatApi } from './server'

describe('callStore', () => {
  it('calls after the first subscriber, aborts when superseded, and never shows the late answer', async () => {
    const server = await startServer()
    const answers = gatedSlow(server)
    const { client, signals } = spied(connect(server))
    const store = callStore(client, { method: 'slow', params: { id: 1 } })
    expect(store.get()).toEqual({ data: undefined, error: undefined, loading: true })
    const seen: CallState<number>[] = []
    const stop = store.subscribe((state) => seen.push(state))
    await vi.waitFor(() => expect(answers.has(1)).toBe(true), patient)
    // An equal new object is the same request.
    store.change({ method: 'slow', params: { id: 1 } })
    store.change({ method: 'slow', params: { id: 2 } })
    await vi.waitFor(() => expect(answers.has(2)).toBe(true), patient)
    expect(signals).toHaveLength(2)
    expect(signals[0]!.aborted).toBe(true)
    answers.get(2)!.open(200)
    await vi.waitFor(() => expect(store.get()).toEqual({ data: 200, error: undefined, loading: false }), patient)
    answers.get(1)!.open(100)
    await client.call('echo', { text: 'the late answer is in' })
    expect(seen.map((state) => state.data)).not.toContain(100)
    stop()
  })

  it('ignores the late answer of a superseded call even from a client that does not honour abort', async () => {
    const pending: Array<(value: number) => void> = []
    const deaf = { call: () => new Promise<number>((resolve) => pending.push(resolve)) } as never
    const store = callStore<ChatApi, 'slow'>(deaf, { method: 'slow', params: { id: 1 } })
    const stop = store.subscribe(() => {})
    await vi.waitFor(() => expect(pending).toHaveLength(1), patient)
    store.change({ method: 'slow', params: { id: 2 } })
    expect(pending).toHaveLength(2)
    pending[1]!(200)
    await vi.waitFor(() => expect(store.get().data).toBe(200), patient)
    pending[0]!(100)
    await Promise.resolve()
    await Promise.resolve()
    expect(store.get()).toEqual({ data: 200, error: undefined, loading: false })
    stop()
  })

  it('aborts when the last subscriber leaves, and stops loading', async () => {
    const server = await startServer()
    const answer = gate<number>()
    server.method('slow', () => answer.promise)
    const { client, signals } = spied(connect(server))
    const store = callStore(client, { method: 'slow', params: { id: 1 } })
    const stop = store.subscribe(() => {})
    await vi.waitFor(() => expect(server.running).toBe(1), patient)
    stop()
    expect(signals[0]!.aborted).toBe(true)
    expect(store.get().loading).toBe(false)
    answer.open(1)
    await client.call('echo', { text: 'sync' })
    expect(store.get().data).toBeUndefined()
    // Nobody subscribed: refetch does nothing.
    store.refetch()
    expect(signals).toHaveLength(1)
  })

  it('waits while disabled, refetches on demand, and keeps data while loading again', async () => {
    const server = await startServer()
    let count = 0
    server.method('slow', () => ++count)
    const client = connect(server)
    const store = callStore(client, { method: 'slow', params: { id: 0 }, enabled: false })
    expect(store.get().loading).toBe(false)
    const stop = store.subscribe(() => {})
    await client.call('echo', { text: 'a disabled call would have arrived by now' })
    expect(count).toBe(0)
    store.change({ method: 'slow', params: { id: 0 } })
    await vi.waitFor(() => expect(store.get()).toMatchObject({ data: 1, loading: false }), patient)
    store.refetch()
    expect(store.get()).toMatchObject({ data: 1, loading: true })
    await vi.waitFor(() => expect(store.get()).toMatchObject({ data: 2, loading: false }), patient)
    stop()
  })

  it('sets error from a rejection and clears it with the next result', async () => {
    const server = await startServer()
    let fail = true
    server.method('slow', () => {
      if (fail) throw new Error('not yet')
      return 7
    })
    const client = connect(server)
    const store = callStore(client, { method: 'slow', params: { id: 0 } })
    const stop = store.subscribe(() => {})
    await vi.waitFor(() => expect(store.get().error).toBeInstanceOf(Error), patient)
    fail = false
    store.refetch()
    await vi.waitFor(() => expect(store.get()).toEqual({ data: 7, error: undefined, loading: false }), patient)
    stop()
  })

  it('makes one call for a subscribe, unsubscribe and subscribe in one go', async () => {
    const server = await startServer()
    let calls = 0
    server.method('slow', () => ++calls)
    const client = connect(server)
    await client.ready()
    const store = callStore(client, { method: 'slow', params: { id: 0 } })
    store.subscribe(() => {})()
    const stop = store.subscribe(() => {})
    await vi.waitFor(() => expect(store.get().data).toBe(1), patient)
    expect(calls).toBe(1)
    stop()
  })

  it('refuses params that are not JSON', () => {
    const server = { call: () => Promise.resolve() } as never
    const cyclic: { self?: unknown } = {}
    cyclic.self = cyclic
    expect(() => callStore(server, { method: 'x', params: cyclic })).toThrow(/JSON-serializable/)
    expect(() => callStore(server, { method: '', params: undefined })).toThrow(TypeError)
  })
})
