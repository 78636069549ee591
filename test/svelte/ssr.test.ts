// @vitest-environment node
// Server rendering with svelte/server (what SvelteKit runs): every store renders its initial
// state, no WebSocket is constructed and nothing is left on the client, after the render either.
import { render } from 'svelte/server'
import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/index'
import App from './components/App.svelte'
import { counted, withoutSockets, type ChatApi } from '../store/server'

describe('server rendering', () => {
  it('renders the initial state and touches no WebSocket', async () => {
    const constructed = await withoutSockets(async (WebSocket) => {
      for (const options of [{ WebSocket, lazy: true }, { lazy: true }]) {
        const { client, held, made } = counted(createClient<ChatApi>('ws://127.0.0.1:9/', options))
        const { body } = render(App, { props: { client } })
        expect(body).toContain('<main>idle|subscribing|no message yet|loading|nobody typing</main>')
        // Svelte let go of every store at the end of the render, and the deferred starts found no one.
        await new Promise((resolve) => setTimeout(resolve, 0))
        expect(held).toEqual({ on: 0, listen: 0, subscribe: 0, call: 0 })
        // Not a topic subscribed or a call made, even for a moment.
        expect([made.subscribe, made.call]).toEqual([0, 0])
        expect(client.state).toBe('idle')
        client.close()
      }
    })
    expect(constructed).toBe(0)
  })
})
