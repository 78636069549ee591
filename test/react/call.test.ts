// useCall against a real server: results, errors, cancellation by AbortSignal on unmount and
// on a params change, params compared by value, refetch, StrictMode.
import { createElement, StrictMode, type ReactNode } from 'react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { RpcError } from '../../src/index'
import { useCall } from '../../src/react/index'
import type { Client } from '../../src/index'
import { connect, gate, spied, startServer, type ChatApi } from './setup'

const text = (id: string) => screen.getByTestId(id).textContent

function Slow({ id, client, onRender }: { id: number; client: Client<ChatApi>; onRender?: () => void }): ReactNode {
  onRender?.()
  const { data, error, loading } = useCall('slow', { id }, { client })
  const shown = error ? `error:${(error as Error).message}` : String(data ?? '-')
  return createElement('p', { 'data-testid': 'slow' }, `${loading ? 'loading' : 'done'}:${shown}`)
}

describe('useCall', () => {
  it('shows loading, then the result; an RpcError becomes error', async () => {
    const server = await startServer()
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      if (id < 0) throw new RpcError(4000, 'negative')
      return id * 2
    })
    const client = connect(server)
    const view = render(createElement(Slow, { id: 21, client }))
    expect(text('slow')).toBe('loading:-')
    await waitFor(() => expect(text('slow')).toBe('done:42'))
    view.rerender(createElement(Slow, { id: -1, client }))
    await waitFor(() => expect(text('slow')).toBe('done:error:negative'))
  })

  it('aborts the call on unmount and never updates the unmounted component', async () => {
    const server = await startServer()
    const answer = gate<number>()
    server.method('slow', () => answer.promise)
    const { client, signals } = spied(connect(server))
    const errors = vi.spyOn(console, 'error')
    let renders = 0
    const view = render(createElement(Slow, { id: 1, client, onRender: () => renders++ }))
    await waitFor(() => expect(server.running).toBe(1))
    expect(signals).toHaveLength(1)
    expect(signals[0]!.aborted).toBe(false)
    view.unmount()
    expect(signals[0]!.aborted).toBe(true)
    const rendersAtUnmount = renders
    // The late answer arrives and is ignored.
    answer.open(7)
    await waitFor(() => expect(server.running).toBe(0))
    await client.call('echo', { text: 'the answer has come back by now' })
    expect(renders).toBe(rendersAtUnmount)
    expect(errors).not.toHaveBeenCalled()
    errors.mockRestore()
  })

  it('aborts and calls again when params change by value, not for an equal new object', async () => {
    const server = await startServer()
    const answers = new Map<number, ReturnType<typeof gate<number>>>()
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      const answer = gate<number>()
      answers.set(id, answer)
      return answer.promise
    })
    const { client, signals } = spied(connect(server))
    const view = render(createElement(Slow, { id: 1, client }))
    await waitFor(() => expect(answers.has(1)).toBe(true))
    // Same value, new object: no new call.
    view.rerender(createElement(Slow, { id: 1, client }))
    view.rerender(createElement(Slow, { id: 2, client }))
    await waitFor(() => expect(answers.has(2)).toBe(true))
    expect(signals).toHaveLength(2)
    expect(signals[0]!.aborted).toBe(true)
    answers.get(1)!.open(100)
    answers.get(2)!.open(200)
    await waitFor(() => expect(text('slow')).toBe('done:200'))
    await client.call('echo', { text: 'both answers are in' })
    expect(text('slow')).toBe('done:200')
  })

  it('refetch calls again and keeps the last data while loading; disabled calls wait for it', async () => {
    const server = await startServer()
    let count = 0
    server.method('slow', () => ++count)
    const client = connect(server)
    let refetch = () => {}
    function Counter({ enabled }: { enabled: boolean }): ReactNode {
      const state = useCall('slow', { id: 0 }, { client, enabled })
      refetch = state.refetch
      return createElement('p', { 'data-testid': 'count' }, `${state.loading ? 'loading' : 'done'}:${state.data ?? '-'}`)
    }
    const view = render(createElement(Counter, { enabled: false }))
    expect(text('count')).toBe('done:-')
    await client.call('echo', { text: 'a disabled call would have arrived by now' })
    expect(count).toBe(0)
    view.rerender(createElement(Counter, { enabled: true }))
    await waitFor(() => expect(text('count')).toBe('done:1'))
    act(() => refetch())
    expect(text('count')).toBe('loading:1')
    await waitFor(() => expect(text('count')).toBe('done:2'))
  })

  it('makes one call under StrictMode', async () => {
    const server = await startServer()
    let calls = 0
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      calls++
      return id
    })
    const client = connect(server)
    // Open first: before open, an aborted call's frame is simply taken out of the outbox.
    await client.ready()
    render(createElement(StrictMode, null, createElement(Slow, { id: 5, client })))
    await waitFor(() => expect(text('slow')).toBe('done:5'))
    expect(calls).toBe(1)
  })
})

describe('useCall, disabled while running', () => {
  it('stops loading when a running call is disabled', async () => {
    const server = await startServer()
    const answer = gate<number>()
    server.method('slow', () => answer.promise)
    const client = connect(server)
    function Held({ enabled }: { enabled: boolean }): ReactNode {
      const { loading } = useCall('slow', { id: 1 }, { client, enabled })
      return createElement('p', { 'data-testid': 'held' }, loading ? 'loading' : 'idle')
    }
    const view = render(createElement(Held, { enabled: true }))
    await waitFor(() => expect(server.running).toBe(1))
    expect(text('held')).toBe('loading')
    view.rerender(createElement(Held, { enabled: false }))
    await waitFor(() => expect(text('held')).toBe('idle'))
    answer.open(1)
  })
})
