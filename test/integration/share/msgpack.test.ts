/**
 * `share` on MessagePack: tabs (fake locks and channels that clone like BroadcastChannel) sharing one
 * msgpack connection to a real lifeline-ws/server: bytes in a follower's call and its result, in topic
 * messages every subscribing tab gets, and in a raw binary frame a follower sends.
 */
import { describe, expect, it, vi } from 'vitest'
import { jsonRpc } from '../../../src/index'
import { msgpack } from '../../../src/msgpack'
import type { Context } from '../../../src/server'
import { start, url } from '../server/helpers'
import { patient } from '../../helpers/wait'
import { createTabs } from './tabs'

const bytes = (...values: number[]) => new Uint8Array(values)

describe('share over MessagePack', () => {
  it('passes bytes between tabs and the server: calls, topics and raw frames', async () => {
    const notes: unknown[] = []
    const contexts: Context[] = []
    const server = await start({
      protocol: [jsonRpc(), msgpack()],
      onConnect: (ctx) => void contexts.push(ctx),
      methods: { reverse: (params) => Uint8Array.from(params as Uint8Array).reverse(), note: (params) => void notes.push(params) },
    })
    const { open } = createTabs(url(server), { protocol: msgpack() })
    const tabs = [open(), open(), open()]
    await Promise.all(tabs.map((t) => t.client.ready()))
    expect(server.stats.connections).toBe(1)
    expect(contexts[0]!.request.headers['sec-websocket-protocol']).toBe('lifeline.msgpack')
    const follower = tabs.find((t) => t.client.role === 'follower')!
    expect(await follower.client.call('reverse', bytes(1, 2, 3))).toEqual(bytes(3, 2, 1))

    const got: unknown[][] = [[], []]
    const subscriptions = [tabs[0]!, tabs[1]!].map((t, n) => t.client.subscribe('cursors', (data) => got[n]!.push(data)))
    await Promise.all(subscriptions.map((s) => s.ready))
    await server.publish('cursors', { trail: bytes(7, 7) })
    await vi.waitFor(() => expect(got).toEqual([[{ trail: bytes(7, 7) }], [{ trail: bytes(7, 7) }]]), patient)

    // A raw frame from a follower, already MessagePack: the leader writes it as it is.
    follower.client.send(msgpack().encode({ type: 'notification', method: 'note', params: { raw: bytes(5) } }))
    await vi.waitFor(() => expect(notes).toEqual([{ raw: bytes(5) }]), patient)
    expect(tabs.flatMap((t) => t.errors)).toEqual([])
  })
})
