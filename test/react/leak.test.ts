// No hook leaks: after mounting and unmounting many components using every hook, the client
// holds no listener, subscription or call of theirs, and the server holds no topic.
import { createElement, StrictMode, type ReactNode } from 'react'
import { render, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { LifelineProvider, createHooks } from '../../src/react/index'
import { connect, counted, startServer, type ChatApi } from './setup'

const { useConnectionState, useTopic, useEvent, useCall } = createHooks<ChatApi>()

function Everything({ index }: { index: number }): ReactNode {
  const state = useConnectionState()
  const { data } = useTopic(index % 2 ? 'room' : 'clock')
  useEvent('typing', () => {})
  const { loading } = useCall('echo', { text: String(index) })
  return createElement('p', null, `${state}:${String(data)}:${loading}`)
}

describe('leaks', () => {
  it('releases every listener, subscription and call after unmount, and the server forgets the topics', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const tree = (count: number) => createElement(StrictMode, null, createElement(LifelineProvider, { client },
      ...Array.from({ length: count }, (_, index) => createElement(Everything, { key: index, index }))))
    const view = render(tree(40))
    await waitFor(() => expect([...server.clients.values()][0]?.topics.size).toBe(2))
    // Per component: a state listener for useConnectionState, one for its topic (a closed client
    // turns it to 'error'), an event listener and a client subscription.
    await waitFor(() => expect(held.subscribe).toBe(40))
    expect(held.on).toBe(80)
    expect(held.listen).toBe(40)
    // Two topics, one server subscription each, however many components (and StrictMode's remounts).
    expect(server.subscribes).toHaveLength(2)
    view.rerender(tree(3))
    view.unmount()
    // The listeners go at once; the client subscriptions a macrotask later.
    expect(held.on).toBe(0)
    expect(held.listen).toBe(0)
    await waitFor(() => expect(held.subscribe).toBe(0))
    await waitFor(() => expect(held.call).toBe(0))
    await waitFor(() => expect([...server.clients.values()][0]?.topics.size).toBe(0))
  })
})
