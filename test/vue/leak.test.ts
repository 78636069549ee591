// No leaks over 100 mounts: a component using every composable, mounted and unmounted 100
// times (50 at once, twice), leaves no listener, subscription or call on the client, and the
// server no topic.
import { defineComponent, h, ref } from 'vue'
import { describe, expect, it } from 'vitest'
import { createComposables } from '../../src/vue/index'
import { connect, counted, mountWith, onlyClient, startServer, until, type ChatApi } from './setup'

const { useConnectionState, useTopic, useEvent, useCall } = createComposables<ChatApi>()

const Everything = defineComponent({
  props: { index: { type: Number, required: true } },
  setup(props) {
    const state = useConnectionState()
    const { data } = useTopic(props.index % 2 ? 'room' : 'clock')
    useEvent('typing', () => {})
    const { loading } = useCall('echo', { text: String(props.index) })
    return () => h('p', `${state.value}:${String(data.value)}:${loading.value}`)
  },
})

describe('leaks', () => {
  it('releases every listener, subscription and call after 100 mounts', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const shown = ref(0)
    const List = defineComponent({
      setup: () => () => h('div', Array.from({ length: shown.value }, (_, index) => h(Everything, { key: `${shown.value}-${index}`, index }))),
    })
    const wrapper = mountWith(client, List)
    for (const round of [1, 2]) {
      shown.value = 50
      await until(() => expect(onlyClient(server)?.topics.size).toBe(2))
      // Per component: a state listener for the connection, one for its topic (a closed client
      // turns it to 'error'), an event listener and a client subscription; one server
      // subscription per topic however many components.
      expect(held.on).toBe(100)
      expect(held.listen).toBe(50)
      expect(held.subscribe).toBe(50)
      expect(server.subscribes).toHaveLength(2 * round)
      shown.value = 0
      await until(() => expect(held.subscribe).toBe(0))
      expect(held.on).toBe(0)
      expect(held.listen).toBe(0)
      await until(() => expect(held.call).toBe(0))
      await until(() => expect(onlyClient(server)?.topics.size).toBe(0))
      expect(server.subscribes).toHaveLength(2 * round)
    }
    wrapper.unmount()
  })
})
