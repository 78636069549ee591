// The hooks against a real server (lifeline-ws/testing) in jsdom: what the server sees is
// the proof (connections, subscribe requests, topics), not the hooks' own word.
import { createElement, StrictMode, useState, type ReactNode } from 'react'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { LifelineProvider, createHooks, useConnectionState, useTopic } from '../../src/react/index'
import { connect, startServer, type ChatApi } from './setup'

const hooks = createHooks<ChatApi>()

function Badge(): ReactNode {
  return createElement('output', { 'data-testid': 'state' }, hooks.useConnectionState())
}

function Room({ id = 'room' }: { id?: string }): ReactNode {
  const { data, seq, status } = hooks.useTopic('room')
  return createElement('p', { 'data-testid': id }, `${status}:${data?.text ?? '-'}:${seq ?? '-'}`)
}

const text = (id: string) => screen.getByTestId(id).textContent

function Gaps(): ReactNode {
  const { data, gaps, status } = hooks.useTopic('room')
  return createElement('p', { 'data-testid': 'gaps' }, `${status}:${gaps}:${data?.text ?? '-'}`)
}

describe('useConnectionState', () => {
  it('follows the client through open, a drop and the final close, re-rendering only on change', async () => {
    const server = await startServer()
    const client = connect(server)
    let renders = 0
    function Counted(): ReactNode {
      renders++
      return createElement('output', { 'data-testid': 'state' }, useConnectionState(client))
    }
    render(createElement(Counted))
    await waitFor(() => expect(text('state')).toBe('open'))
    const before = renders
    // Traffic that changes nothing about the state must not re-render.
    server.publish('clock', { now: 1 })
    await client.call('echo', { text: 'x' })
    expect(renders).toBe(before)

    server.drop({ code: 1012 })
    await waitFor(() => expect(text('state')).not.toBe('open'))
    await waitFor(() => expect(text('state')).toBe('open'))
    act(() => client.close())
    expect(text('state')).toBe('closed')
  })

  it('names both ways to give a client when there is none', () => {
    expect(() => render(createElement(Badge))).toThrow(/LifelineProvider/)
  })
})

describe('StrictMode', () => {
  it('opens one socket and makes one subscription for a double-mounted tree', async () => {
    const server = await startServer()
    const client = connect(server, { lazy: true })
    render(createElement(StrictMode, null,
      createElement(LifelineProvider, { client }, createElement(Badge), createElement(Room))))
    await waitFor(() => expect(text('room')).toMatch(/^ready:/))
    expect(text('state')).toBe('open')
    server.publish('room', { from: 'ada', text: 'hi' })
    await waitFor(() => expect(text('room')).toBe('ready:hi:1'))
    expect(server.accepted).toBe(1)
    expect(server.subscribes.filter((record) => record.topic === 'room')).toHaveLength(1)
    expect([...server.clients.values()][0]!.topics).toContain('room')
  })

  it('makes one subscribe request when the client is already open (mount, unmount, mount on the wire)', async () => {
    const server = await startServer()
    const client = connect(server)
    await client.ready()
    render(createElement(StrictMode, null, createElement(LifelineProvider, { client }, createElement(Room))))
    await waitFor(() => expect(text('room')).toMatch(/^ready:/))
    server.publish('room', { from: 'ada', text: 'hi' })
    await waitFor(() => expect(text('room')).toBe('ready:hi:1'))
    // A stray unsubscribe would have gone out before this answer, and removed the topic.
    await client.call('echo', { text: 'sync' })
    expect(server.subscribes).toHaveLength(1)
    expect([...server.clients.values()][0]!.topics).toContain('room')
  })
})

describe('useTopic', () => {
  it('shares one server subscription between two components and ends it after the last unmounts', async () => {
    const server = await startServer()
    const client = connect(server)
    const tree = (count: number) => createElement(LifelineProvider, { client },
      ...Array.from({ length: count }, (_, index) => createElement(Room, { key: index, id: `room${index}` })))
    const view = render(tree(2))
    await waitFor(() => expect(text('room0')).toMatch(/^ready:/))
    server.publish('room', { from: 'ada', text: 'one' })
    await waitFor(() => expect([text('room0'), text('room1')]).toEqual(['ready:one:1', 'ready:one:1']))
    expect(server.subscribes).toHaveLength(1)

    view.rerender(tree(1))
    server.publish('room', { from: 'ada', text: 'two' })
    await waitFor(() => expect(text('room0')).toBe('ready:two:2'))
    const ctx = [...server.clients.values()][0]!
    expect(ctx.topics).toContain('room')

    view.rerender(tree(0))
    await waitFor(() => expect(ctx.topics).not.toContain('room'))
    expect(server.subscribes).toHaveLength(1)
  })

  it('shows the latest message at once to a component that mounts after another', async () => {
    const server = await startServer()
    const client = connect(server)
    const tree = (late: boolean) => createElement(LifelineProvider, { client },
      createElement(Room, { id: 'first' }), late ? createElement(Room, { id: 'late' }) : null)
    const view = render(tree(false))
    await waitFor(() => expect(text('first')).toMatch(/^ready:/))
    server.publish('room', { from: 'ada', text: 'earlier' })
    await waitFor(() => expect(text('first')).toBe('ready:earlier:1'))
    view.rerender(tree(true))
    expect(text('late')).toBe('ready:earlier:1')
  })

  it('folds messages with a reducer that may change between renders', async () => {
    const server = await startServer()
    const client = connect(server)
    function Log({ separator }: { separator: string }): ReactNode {
      const { data } = useTopic('room', {
        client,
        initial: '',
        reducer: (log: string, message: { text: string }) => (log ? log + separator : '') + message.text,
      })
      return createElement('p', { 'data-testid': 'log' }, data)
    }
    const view = render(createElement(Log, { separator: ',' }))
    await waitFor(() => expect(server.subscribes).toHaveLength(1))
    await waitFor(() => expect([...server.clients.values()][0]?.topics).toContain('room'))
    server.publish('room', { from: 'a', text: 'one' })
    server.publish('room', { from: 'a', text: 'two' })
    await waitFor(() => expect(text('log')).toBe('one,two'))
    view.rerender(createElement(Log, { separator: '+' }))
    server.publish('room', { from: 'a', text: 'three' })
    await waitFor(() => expect(text('log')).toBe('one,two+three'))
    expect(server.subscribes).toHaveLength(1)
  })

  it('keeps receiving across a reconnect and a server restart while mounted', async () => {
    const server = await startServer()
    const client = connect(server)
    render(createElement(LifelineProvider, { client }, createElement(Badge), createElement(Room)))
    await waitFor(() => expect(text('room')).toMatch(/^ready:/))
    server.publish('room', { from: 'ada', text: 'before' })
    await waitFor(() => expect(text('room')).toBe('ready:before:1'))

    server.drop({ code: 1012 })
    await waitFor(() => expect(server.subscribes).toHaveLength(2))
    await waitFor(() => expect(text('state')).toBe('open'))
    server.publish('room', { from: 'ada', text: 'after drop' })
    await waitFor(() => expect(text('room')).toBe('ready:after drop:2'))

    await server.restart()
    await waitFor(() => expect(server.subscribes).toHaveLength(3))
    server.publish('room', { from: 'ada', text: 'after restart' })
    await waitFor(() => expect(text('room')).toBe('ready:after restart:3'))
    expect(server.accepted).toBe(3)
  })

  it('counts gaps: messages lost while away, too old to replay', async () => {
    const server = await startServer({ history: { limit: 1 } })
    const client = connect(server)
    render(createElement(LifelineProvider, { client }, createElement(Badge), createElement(Gaps)))
    await waitFor(() => expect(text('gaps')).toBe('ready:0:-'))
    server.publish('room', { from: 'ada', text: 'seen' })
    await waitFor(() => expect(text('gaps')).toBe('ready:0:seen'))
    // Away long enough for three messages, and the server keeps only one: one gap, then the kept one
    // (replayed after the gap since #25; before, nothing was replayed and 'seen' stayed the last).
    server.refuse(4000, 'not now')
    server.drop({ code: 1012 })
    await waitFor(() => expect(server.refused).toBeGreaterThan(0))
    for (const word of ['lost', 'lost too', 'kept']) server.publish('room', { from: 'ada', text: word })
    server.accept()
    await waitFor(() => expect(text('gaps')).toBe('ready:1:kept'))
    expect(text('state')).toBe('open')
  })

  it('reports a refused topic as an error status', async () => {
    const server = await startServer({ authorizeSubscribe: (topic) => topic !== 'room' })
    const client = connect(server)
    client.on('error', () => {})
    function Refused(): ReactNode {
      const { status, error } = useTopic('room', { client })
      return createElement('p', { 'data-testid': 'refused' }, `${status}:${(error as Error | undefined)?.message ?? ''}`)
    }
    render(createElement(Refused))
    await waitFor(() => expect(text('refused')).toBe('error:Forbidden'))
  })
})

describe('useEvent', () => {
  it('calls the latest handler without re-listening for a new function', async () => {
    const server = await startServer()
    const client = connect(server)
    const seen: string[] = []
    function Typing(): ReactNode {
      const [count, setCount] = useState(0)
      // A new function every render, closing over the render's count.
      hooks.useEvent('typing', ({ user }) => {
        seen.push(`${user}@${count}`)
        setCount(count + 1)
      }, client)
      return createElement('p', { 'data-testid': 'typing' }, String(count))
    }
    const view = render(createElement(Typing))
    await waitFor(() => expect(server.clients.size).toBe(1))
    server.push('typing', { user: 'ada' })
    await waitFor(() => expect(text('typing')).toBe('1'))
    server.push('typing', { user: 'bob' })
    await waitFor(() => expect(text('typing')).toBe('2'))
    expect(seen).toEqual(['ada@0', 'bob@1'])
    view.unmount()
    server.push('typing', { user: 'eve' })
    await client.call('echo', { text: 'after the event' })
    expect(seen).toEqual(['ada@0', 'bob@1'])
  })
})
