// @vitest-environment node
// Server rendering with @vue/server-renderer: an app with the plugin and a lazy client renders
// every composable's initial state, constructs no WebSocket and leaves nothing on the client.
import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/index'
import { createComposables, createLifeline } from '../../src/vue/index'
import { counted, withoutSockets, type ChatApi } from '../store/server'

const { useConnectionState, useTopic, useCall, useEvent } = createComposables<ChatApi>()

const App = defineComponent({
  setup() {
    const state = useConnectionState()
    const { data: message, status } = useTopic('room', { initial: { from: 'nobody', text: 'no message yet' } })
    const { data: time, loading } = useCall('time', undefined)
    useEvent('typing', () => {
      throw new Error('no event can arrive during server rendering')
    })
    return () => h('main', `${state.value}|${status.value}|${message.value.text}|${loading.value ? 'loading' : String(time.value)}`)
  },
})

describe('server rendering', () => {
  it('renders the initial state and touches no WebSocket', async () => {
    const constructed = await withoutSockets(async (WebSocket) => {
      for (const options of [{ WebSocket, lazy: true }, { lazy: true }]) {
        const { client, held, made } = counted(createClient<ChatApi>('ws://127.0.0.1:9/', options))
        const app = createSSRApp(App).use(createLifeline(client))
        expect(await renderToString(app)).toBe('<main>idle|subscribing|no message yet|loading</main>')
        // Nothing started later either.
        await new Promise((resolve) => setTimeout(resolve, 0))
        expect(client.state).toBe('idle')
        expect(held).toEqual({ on: 0, listen: 0, subscribe: 0, call: 0 })
        // Not a topic subscribed or a call made, even for a moment.
        expect([made.subscribe, made.call]).toEqual([0, 0])
        client.close()
      }
    })
    expect(constructed).toBe(0)
  })
})
