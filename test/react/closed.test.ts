// Issue #29: hooks on a client that is already closed. Every hook used to subscribe or listen in
// React's commit phase, where the client's ClientClosedError was uncaught and unmounted the whole
// root. Now a closed client shows as docs/react.md says: `useTopic` has status 'error', `useCall`
// an error, `useEvent` hears nothing, `useConnectionState` says 'closed'.
import { createElement, useEffect, useState, type ReactNode } from 'react'
import { render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createClient, type Client, type WebSocketConstructor } from '../../src/index'
import { LifelineProvider, createHooks } from '../../src/react/index'
import { startServer, type ChatApi } from './setup'

const { useConnectionState, useTopic, useEvent, useCall } = createHooks<ChatApi>()
const text = (id: string) => screen.getByTestId(id).textContent
const errorName = (error: unknown) => (error as Error | undefined)?.name ?? '-'

function Everything(): ReactNode {
  const state = useConnectionState()
  const topic = useTopic('room')
  useEvent('typing', () => {
    throw new Error('no event can arrive on a closed client')
  })
  const call = useCall('time', undefined)
  return createElement('p', { 'data-testid': 'all' },
    `${state}|${topic.status}:${errorName(topic.error)}|${call.loading}:${errorName(call.error)}`)
}

describe('hooks on a closed client', () => {
  it('render the closed state instead of throwing out of the commit phase (the minimal case)', async () => {
    const client = createClient<ChatApi>('ws://127.0.0.1:9/', { lazy: true })
    client.close()
    render(createElement(LifelineProvider, { client }, createElement(Everything)))
    await waitFor(() => expect(text('all')).toBe('closed|error:ClientClosedError|false:ClientClosedError'))
  })

  it('useEvent alone does not throw either', () => {
    const client = createClient<ChatApi>('ws://127.0.0.1:9/', { lazy: true })
    client.close()
    function Typing(): ReactNode {
      useEvent('typing', () => {}, client)
      return createElement('p', { 'data-testid': 'typing' }, 'listening')
    }
    render(createElement(Typing))
    expect(text('typing')).toBe('listening')
  })
})

describe('the "A client per component" recipe of docs/react.md', () => {
  // The recipe as the docs write it, with the test's WebSocket and the server's URL.
  function DocumentSession({ id, url, children }: { id: string; url: string; children?: ReactNode }): ReactNode {
    const [client, setClient] = useState<Client<ChatApi>>()
    useEffect(() => {
      const owned = createClient<ChatApi>(`${url}?doc=${encodeURIComponent(id)}`, { WebSocket: WebSocket as unknown as WebSocketConstructor })
      setClient(owned)
      return () => owned.close()
    }, [id, url])
    return client ? createElement(LifelineProvider, { client }, children) : null
  }

  function Doc({ id }: { id: string }): ReactNode {
    const { status, data } = useTopic(`doc:${id}` as 'room')
    useEvent('typing', () => {})
    return createElement('p', { 'data-testid': 'doc' }, `${id}:${status}:${data?.text ?? '-'}`)
  }

  it('survives an id change: the old client closes before the child subscribes through it', async () => {
    const server = await startServer()
    const tree = (id: string) => createElement(DocumentSession, { id, url: server.url }, createElement(Doc, { id }))
    const view = render(tree('1'))
    await waitFor(() => expect(text('doc')).toBe('1:ready:-'))
    view.rerender(tree('2'))
    // The new client subscribes to the new document and receives from it.
    await waitFor(() => expect(text('doc')).toBe('2:ready:-'))
    server.publish('doc:2', { from: 'ada', text: 'second' })
    await waitFor(() => expect(text('doc')).toBe('2:ready:second'))
    expect(server.subscribes.map((record) => record.topic)).toEqual(['doc:1', 'doc:2'])
    view.unmount()
  })
})
