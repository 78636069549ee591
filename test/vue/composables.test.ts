// The composables against a real server (lifeline-ws/testing) in jsdom, mounted with
// @vue/test-utils: what the server sees is the proof, not the composables' own word.
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { createClient, type Client } from '../../src/index'
import { createComposables, provideLifeline, useEvent, useTopic } from '../../src/vue/index'
import { connect, counted, mountWith, onlyClient, startServer, until, type ChatApi } from './setup'

const composables = createComposables<ChatApi>()

const Room = defineComponent({
  props: { label: { type: String, default: 'room' } },
  setup(props) {
    const { data, seq, status } = composables.useTopic('room')
    return () => h('p', { 'data-label': props.label }, `${status.value}:${data.value?.text ?? '-'}:${seq.value ?? '-'}`)
  },
})

const Badge = defineComponent({
  setup() {
    const state = composables.useConnectionState()
    return () => h('output', state.value)
  },
})

describe('useTopic', () => {
  it('makes one subscribe for many components and unsubscribes when the last unmounts', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const shown = ref(3)
    const List = defineComponent({
      setup: () => () => h('div', Array.from({ length: shown.value }, (_, index) => h(Room, { key: index, label: `r${index}` }))),
    })
    const wrapper = mountWith(client, List)
    await until(() => expect(wrapper.findAll('p').map((p) => p.text())).toEqual(['ready:-:-', 'ready:-:-', 'ready:-:-']))
    server.publish('room', { from: 'ada', text: 'one' })
    await until(() => expect(wrapper.findAll('p').map((p) => p.text())).toEqual(['ready:one:1', 'ready:one:1', 'ready:one:1']))
    // A client subscription per component, one server subscription for them all.
    expect(held.subscribe).toBe(3)
    expect(server.subscribes).toHaveLength(1)

    shown.value = 1
    await nextTick()
    server.publish('room', { from: 'ada', text: 'two' })
    await until(() => expect(wrapper.find('p').text()).toBe('ready:two:2'))
    expect(onlyClient(server)!.topics).toContain('room')

    shown.value = 0
    await until(() => expect(onlyClient(server)!.topics).not.toContain('room'))
    expect(held.subscribe).toBe(0)
    expect(server.subscribes).toHaveLength(1)
  })

  it('keeps receiving across a drop and a server restart while mounted', async () => {
    const server = await startServer()
    const client = connect(server)
    const wrapper = mountWith(client, defineComponent({ setup: () => () => h('div', [h(Badge), h(Room)]) }))
    await until(() => expect(wrapper.find('p').text()).toBe('ready:-:-'))
    server.publish('room', { from: 'ada', text: 'before' })
    await until(() => expect(wrapper.find('p').text()).toBe('ready:before:1'))

    server.drop({ code: 1012 })
    await until(() => expect(server.subscribes).toHaveLength(2))
    await until(() => expect(wrapper.find('output').text()).toBe('open'))
    server.publish('room', { from: 'ada', text: 'after drop' })
    await until(() => expect(wrapper.find('p').text()).toBe('ready:after drop:2'))

    await server.restart()
    await until(() => expect(server.subscribes).toHaveLength(3))
    server.publish('room', { from: 'ada', text: 'after restart' })
    await until(() => expect(wrapper.find('p').text()).toBe('ready:after restart:3'))
  })

  it('follows a topic name given as a getter: a new id subscribes anew and lets the old one go', async () => {
    const server = await startServer()
    const client = connect(server)
    const Doc = defineComponent({
      props: { id: { type: String, required: true } },
      setup(props) {
        // A client without a contract: its topic names are any string.
        const { data, status } = useTopic(() => `doc:${props.id}`, { client: client as Client, initial: { from: '', text: 'empty' } })
        return () => h('p', `${props.id}:${status.value}:${(data.value as { text: string }).text}`)
      },
    })
    const wrapper = mount(Doc, { props: { id: '1' } })
    await until(() => expect(wrapper.text()).toBe('1:ready:empty'))
    await wrapper.setProps({ id: '2' })
    await until(() => expect(wrapper.text()).toBe('2:ready:empty'))
    server.publish('doc:2', { from: 'ada', text: 'second' })
    server.publish('doc:1', { from: 'ada', text: 'not shown' })
    await until(() => expect(wrapper.text()).toBe('2:ready:second'))
    await until(() => expect(onlyClient(server)!.topics).not.toContain('doc:1'))
    expect(server.subscribes.map((record) => record.topic)).toEqual(['doc:1', 'doc:2'])
  })

  it('folds messages with a reducer', async () => {
    const server = await startServer()
    const client = connect(server)
    const Log = defineComponent({
      setup() {
        const { data } = useTopic('room', { client, initial: '', reducer: (log: string, message) => log + message.text })
        return () => h('p', data.value)
      },
    })
    const wrapper = mount(Log)
    await until(() => expect(onlyClient(server)?.topics).toContain('room'))
    server.publish('room', { from: 'a', text: 'x' })
    server.publish('room', { from: 'a', text: 'y' })
    await until(() => expect(wrapper.text()).toBe('xy'))
  })

  it('shows a refused topic, and a closed client, as status error', async () => {
    const server = await startServer({ authorizeSubscribe: (topic) => topic !== 'room' })
    const client = connect(server)
    client.on('error', () => {})
    const closed = createClient<ChatApi>('ws://127.0.0.1:9/', { lazy: true })
    closed.close()
    const Status = defineComponent({
      props: { closed: Boolean },
      setup(props) {
        const { status, error } = useTopic('room', { client: props.closed ? closed : client })
        return () => h('p', `${status.value}:${(error.value as Error | undefined)?.name ?? ''}:${(error.value as Error | undefined)?.message ?? ''}`)
      },
    })
    const refused = mount(Status)
    await until(() => expect(refused.text()).toBe('error:RpcError:Forbidden'))
    const onClosed = mount(Status, { props: { closed: true } })
    await until(() => expect(onClosed.text()).toMatch(/^error:ClientClosedError:/))
  })
})

describe('useConnectionState and the plugin', () => {
  it('connects a lazy client when the app mounts, and follows it to closed', async () => {
    const server = await startServer()
    const client = connect(server, { lazy: true })
    const wrapper = mountWith(client, Badge)
    await until(() => expect(wrapper.text()).toBe('open'))
    client.close()
    await until(() => expect(wrapper.text()).toBe('closed'))
  })

  it('provideLifeline gives a subtree its own client', async () => {
    const server = await startServer()
    const client = connect(server, { lazy: true })
    const Owner = defineComponent({
      setup() {
        provideLifeline(client)
        return () => h(Badge)
      },
    })
    const wrapper = mount(Owner)
    await until(() => expect(wrapper.text()).toBe('open'))
  })

  it('names the ways to give a client when there is none', () => {
    expect(() => mount(Badge)).toThrow(/createLifeline\(client\).*provideLifeline\(client\)/)
  })
})

describe('useEvent', () => {
  it('calls the handler for every event while mounted and shows the latest payload', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const seen: string[] = []
    const Typing = defineComponent({
      setup() {
        const last = useEvent('typing', ({ user }) => seen.push(user), client)
        return () => h('p', last.value?.user ?? '-')
      },
    })
    const wrapper = mount(Typing)
    await until(() => expect(server.clients.size).toBe(1))
    server.push('typing', { user: 'ada' })
    server.push('typing', { user: 'ada' })
    await until(() => expect(seen).toEqual(['ada', 'ada']))
    await until(() => expect(wrapper.text()).toBe('ada'))
    expect(held.listen).toBe(1)
    wrapper.unmount()
    expect(held.listen).toBe(0)
    server.push('typing', { user: 'eve' })
    await client.call('echo', { text: 'after the event' })
    expect(seen).toEqual(['ada', 'ada'])
  })
})
