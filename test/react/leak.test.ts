// No hook leaks: after mounting and unmounting many components using every hook, the client
// holds no listener, subscription or call of theirs, and the server holds no topic.
import { createElement, StrictMode, type ReactNode } from 'react'
import { render, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Client } from '../../src/index'
import { LifelineProvider, createHooks } from '../../src/react/index'
import { connect, startServer, type ChatApi } from './setup'

const { useConnectionState, useTopic, useEvent, useCall } = createHooks<ChatApi>()

/** The client, counting what the hooks hold: listeners, subscriptions and calls not yet settled. */
function counted(client: Client<ChatApi>) {
  const held = { on: 0, listen: 0, subscribe: 0, call: 0 }
  const release = (kind: keyof typeof held) => {
    let done = false
    return () => {
      if (done) return
      done = true
      held[kind]--
    }
  }
  const proxy = new Proxy(client, {
    get(target, key) {
      if (key === 'on' || key === 'listen') {
        return (name: never, fn: never) => {
          held[key]++
          const free = release(key)
          const off = (target[key] as (name: never, fn: never) => () => void)(name, fn)
          return () => {
            free()
            off()
          }
        }
      }
      if (key === 'subscribe') {
        return (topic: never, fn: never, options: never) => {
          held.subscribe++
          const free = release('subscribe')
          const subscription = target.subscribe(topic, fn, options)
          return { ...subscription, unsubscribe: () => {
            free()
            subscription.unsubscribe()
          } }
        }
      }
      if (key === 'call') {
        return (method: never, params: never, options: never) => {
          held.call++
          const free = release('call')
          return (target.call as (method: never, params: never, options: never) => Promise<unknown>)(method, params, options).finally(free)
        }
      }
      return Reflect.get(target, key)
    },
  })
  return { client: proxy, held }
}

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
    expect(held.on).toBe(40)
    expect(held.listen).toBe(40)
    // Two topics, one client subscription each, however many components.
    expect(held.subscribe).toBe(2)
    view.rerender(tree(3))
    view.unmount()
    expect(held.on).toBe(0)
    expect(held.listen).toBe(0)
    await waitFor(() => expect(held.subscribe).toBe(0))
    await waitFor(() => expect(held.call).toBe(0))
    await waitFor(() => expect([...server.clients.values()][0]?.topics.size).toBe(0))
  })
})
