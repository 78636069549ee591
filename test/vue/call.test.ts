// useCall against a real server: results and errors, abort on unmount and on new params,
// stale answers never shown, params as a ref compared by value, refetch, enabled.
import { defineComponent, h, ref, type Ref } from 'vue'
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { RpcError, type Client } from '../../src/index'
import { useCall } from '../../src/vue/index'
import { connect, gate, gatedSlow, spied, startServer, until, type ChatApi } from './setup'

function slowComponent(client: Client<ChatApi>, id: Ref<number>, enabled = ref(true)) {
  let refetch = () => {}
  let renders = 0
  const Slow = defineComponent({
    setup() {
      const call = useCall('slow', () => ({ id: id.value }), { client, enabled })
      refetch = call.refetch
      return () => {
        renders++
        const shown = call.error.value ? `error:${(call.error.value as Error).message}` : String(call.data.value ?? '-')
        return h('p', `${call.loading.value ? 'loading' : 'done'}:${shown}`)
      }
    },
  })
  return { Slow, refetch: () => refetch(), renders: () => renders }
}

describe('useCall', () => {
  it('shows loading, then the result; an RpcError becomes error', async () => {
    const server = await startServer()
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      if (id < 0) throw new RpcError(4000, 'negative')
      return id * 2
    })
    const id = ref(21)
    const { Slow } = slowComponent(connect(server), id)
    const wrapper = mount(Slow)
    expect(wrapper.text()).toBe('loading:-')
    await until(() => expect(wrapper.text()).toBe('done:42'))
    id.value = -1
    await until(() => expect(wrapper.text()).toBe('done:error:negative'))
  })

  it('aborts the call on unmount and never renders its late answer', async () => {
    const server = await startServer()
    const answer = gate<number>()
    server.method('slow', () => answer.promise)
    const { client, signals } = spied(connect(server))
    const { Slow, renders } = slowComponent(client, ref(1))
    const wrapper = mount(Slow)
    await until(() => expect(server.running).toBe(1))
    expect(signals[0]!.aborted).toBe(false)
    wrapper.unmount()
    expect(signals[0]!.aborted).toBe(true)
    const rendersAtUnmount = renders()
    answer.open(7)
    await until(() => expect(server.running).toBe(0))
    await client.call('echo', { text: 'the answer has come back by now' })
    expect(renders()).toBe(rendersAtUnmount)
  })

  it('never shows a stale answer: the first call answers after the second', async () => {
    const server = await startServer()
    const answers = gatedSlow(server)
    const { client, signals } = spied(connect(server))
    const id = ref(1)
    const { Slow } = slowComponent(client, id)
    const wrapper = mount(Slow)
    await until(() => expect(answers.has(1)).toBe(true))
    id.value = 2
    await until(() => expect(answers.has(2)).toBe(true))
    expect(signals[0]!.aborted).toBe(true)
    // The aborted first call shows neither its abort nor anything else: the second is loading.
    await client.call('echo', { text: 'the abort has settled by now' })
    expect(wrapper.text()).toBe('loading:-')
    answers.get(2)!.open(200)
    await until(() => expect(wrapper.text()).toBe('done:200'))
    answers.get(1)!.open(100)
    await client.call('echo', { text: 'both answers are in' })
    expect(wrapper.text()).toBe('done:200')
  })

  it('compares params by value: a reactive object changed inside calls again, an equal one does not', async () => {
    const server = await startServer()
    const seen: number[] = []
    server.method('slow', (params) => {
      const { id } = params as { id: number }
      seen.push(id)
      return id
    })
    const client = connect(server)
    const params = ref({ id: 1 })
    const Slow = defineComponent({
      setup() {
        const { data } = useCall('slow', params, { client })
        return () => h('p', String(data.value ?? '-'))
      },
    })
    const wrapper = mount(Slow)
    await until(() => expect(wrapper.text()).toBe('1'))
    params.value = { id: 1 }
    params.value.id = 3
    await until(() => expect(wrapper.text()).toBe('3'))
    params.value = { id: 3 }
    await client.call('echo', { text: 'an equal object would have called by now' })
    expect(seen).toEqual([1, 3])
  })

  it('refetch calls again keeping the last data; a disabled call waits', async () => {
    const server = await startServer()
    let count = 0
    server.method('slow', () => ++count)
    const client = connect(server)
    const enabled = ref(false)
    const { Slow, refetch } = slowComponent(client, ref(0), enabled)
    const wrapper = mount(Slow)
    expect(wrapper.text()).toBe('done:-')
    await client.call('echo', { text: 'a disabled call would have arrived by now' })
    expect(count).toBe(0)
    enabled.value = true
    await until(() => expect(wrapper.text()).toBe('done:1'))
    refetch()
    await until(() => expect(wrapper.text()).toBe('done:2'))
  })
})
