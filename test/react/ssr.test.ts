// @vitest-environment node
// Server rendering: renderToString with a lazy client renders the initial state of every
// hook and constructs no WebSocket (the constructor passed in counts every attempt).
import { createElement, type ReactNode } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { createClient, type WebSocketConstructor } from '../../src/index'
import { LifelineProvider, createHooks } from '../../src/react/index'
import type { ChatApi } from './setup'

const { useConnectionState, useTopic, useCall, useEvent } = createHooks<ChatApi>()

function App(): ReactNode {
  const state = useConnectionState()
  const { data: message, status } = useTopic('room', { initial: { from: 'nobody', text: 'no message yet' } })
  const { data: time, loading } = useCall('time', undefined)
  useEvent('typing', () => {
    throw new Error('no event can arrive during server rendering')
  })
  return createElement('main', null, `${state}|${status}|${message.text}|${loading ? 'loading' : String(time)}`)
}

describe('server rendering', () => {
  it('renders the initial state and touches no WebSocket', () => {
    let constructed = 0
    const Counting = class {
      constructor() {
        constructed++
        throw new Error('server rendering must not open a socket')
      }
    } as unknown as WebSocketConstructor
    // The global too (Node 22 has one): a client that falls back on it would count as well.
    const global = globalThis as { WebSocket?: unknown }
    const saved = global.WebSocket
    global.WebSocket = Counting
    try {
      const explicit = createClient<ChatApi>('ws://127.0.0.1:9/', { WebSocket: Counting, lazy: true })
      const fallback = createClient<ChatApi>('ws://127.0.0.1:9/', { lazy: true })
      for (const client of [explicit, fallback]) {
        const html = renderToString(createElement(LifelineProvider, { client }, createElement(App)))
        expect(html).toBe('<main>connecting|subscribing|no message yet|loading</main>')
        expect(client.state).toBe('idle')
        client.close()
      }
      expect(constructed).toBe(0)
    } finally {
      global.WebSocket = saved
    }
  })
})
