// lifeline-ws/svelte against a real server in jsdom, with components compiled by Svelte and
// mounted with `mount` (Svelte's documented testing approach); props are `$state`, so this file
// is compiled as a Svelte module. What the server sees is the proof.
import { flushSync } from 'svelte'
import { describe, expect, it } from 'vitest'
import { createClient } from '../../src/index'
import Rooms from './components/Rooms.svelte'
import LegacyRoom from './components/LegacyRoom.svelte'
import Doc from './components/Doc.svelte'
import Typing from './components/Typing.svelte'
import Badge from './components/Badge.svelte'
import { connect, counted, onlyClient, render, startServer, until } from './setup'

const paragraphs = (target: HTMLElement) => [...target.querySelectorAll('p')].map((p) => p.textContent)

describe('topic', () => {
  it('makes one subscribe for many components and unsubscribes when the last unmounts', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const props = $state({ client, count: 3 })
    const view = render(Rooms, props)
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:-:-', 'ready:-:-', 'ready:-:-']))
    server.publish('room', { from: 'ada', text: 'one' })
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:one:1', 'ready:one:1', 'ready:one:1']))
    // A client subscription per component, one server subscription for them all.
    expect(held.subscribe).toBe(3)
    expect(server.subscribes).toHaveLength(1)

    props.count = 1
    flushSync()
    server.publish('room', { from: 'ada', text: 'two' })
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:two:2']))
    expect(onlyClient(server)!.topics).toContain('room')

    props.count = 0
    flushSync()
    await until(() => expect(onlyClient(server)!.topics).not.toContain('room'))
    expect(held.subscribe).toBe(0)
    expect(server.subscribes).toHaveLength(1)
  })

  it('keeps receiving across a drop and a server restart while mounted', async () => {
    const server = await startServer()
    const client = connect(server, { lazy: true })
    const view = render(Rooms, { client, count: 1 })
    // setLifeline connected the lazy client once mounted.
    await until(() => expect(view.target.querySelector('output')!.textContent).toBe('open'))
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:-:-']))
    server.drop({ code: 1012 })
    await until(() => expect(server.subscribes).toHaveLength(2))
    server.publish('room', { from: 'ada', text: 'after drop' })
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:after drop:1']))
    await server.restart()
    await until(() => expect(server.subscribes).toHaveLength(3))
    server.publish('room', { from: 'ada', text: 'after restart' })
    await until(() => expect(paragraphs(view.target)).toEqual(['ready:after restart:2']))
  })

  it('works in a Svelte 4 (legacy syntax) component, following a name given by a prop', async () => {
    const server = await startServer()
    const client = connect(server)
    const props = $state({ client, name: 'room' })
    const view = render(LegacyRoom, props)
    await until(() => expect(view.text()).toBe('room:ready:empty'))
    server.publish('room', { from: 'ada', text: 'hi' })
    await until(() => expect(view.text()).toBe('room:ready:hi'))
    props.name = 'clock'
    await until(() => expect(view.text()).toBe('clock:ready:empty'))
    await until(() => expect(onlyClient(server)!.topics).not.toContain('room'))
  })

  it('follows a topic named by a prop in Svelte 5: a new id subscribes anew and lets the old one go', async () => {
    const server = await startServer()
    const client = connect(server)
    const props = $state({ client, id: '1' })
    const view = render(Doc, props)
    await until(() => expect(view.text()).toBe('1:ready:empty'))
    props.id = '2'
    await until(() => expect(view.text()).toBe('2:ready:empty'))
    server.publish('doc:2', { from: 'ada', text: 'second' })
    await until(() => expect(view.text()).toBe('2:ready:second'))
    await until(() => expect(onlyClient(server)!.topics).not.toContain('doc:1'))
    expect(server.subscribes.map((record) => record.topic)).toEqual(['doc:1', 'doc:2'])
  })

  it('shows a refused topic, and a closed client, as status error', async () => {
    const server = await startServer({ authorizeSubscribe: (topic) => topic !== 'room' })
    const client = connect(server)
    client.on('error', () => {})
    const refused = render(LegacyRoom, { client, name: 'room' })
    await until(() => expect(refused.text()).toBe('room:error:empty'))
    const closed = createClient('ws://127.0.0.1:9/', { lazy: true })
    closed.close()
    const onClosed = render(LegacyRoom, { client: closed, name: 'room' })
    await until(() => expect(onClosed.text()).toBe('room:error:empty'))
  })
})

describe('connectionState and setLifeline', () => {
  it('names the ways to give a client when there is none', () => {
    expect(() => render(Badge, {})).toThrow(/setLifeline\(client\)/)
  })
})

describe('event', () => {
  it('hears every event while mounted and shows the latest payload', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const seen: string[] = []
    const view = render(Typing, { client: client as never, onTyping: (user: string) => seen.push(user) })
    await until(() => expect(server.clients.size).toBe(1))
    server.push('typing', { user: 'ada' })
    server.push('typing', { user: 'ada' })
    await until(() => expect(seen).toEqual(['ada', 'ada']))
    await until(() => expect(view.text()).toBe('ada'))
    expect(held.listen).toBe(1)
    view.unmount()
    expect(held.listen).toBe(0)
    server.push('typing', { user: 'eve' })
    await client.call('echo', { text: 'after the event' })
    expect(seen).toEqual(['ada', 'ada'])
  })
})
