/**
 * Issue #19 end to end: a burst of honest work from one page is never refused. 1,000 calls queued
 * offline all settle with their real answers on open, and 100 topics survive reconnect(). Needs the
 * server's flow control (control requests not counted, calls over maxInFlight queued) and the
 * session handshake's limits.
 */
import { describe, expect, it, vi } from 'vitest'
import { start, url } from './server/helpers'
import { client } from './server/client-helper'
import { patient } from '../helpers/wait'

describe('flow control between client and server', () => {
  it('settles 1,000 calls queued offline with their real answers', async () => {
    const server = await start({ methods: { double: (params: unknown) => (params as { n: number }).n * 2 } })
    const c = client(url(server), { lazy: true })
    const calls = Array.from({ length: 1000 }, (_, n) => c.call('double', { n }))
    c.connect()
    const results = await Promise.all(calls)
    expect(results).toEqual(Array.from({ length: 1000 }, (_, n) => n * 2))
  })

  it('keeps 100 topics across reconnect()', async () => {
    const server = await start()
    const c = client(url(server))
    const topics = Array.from({ length: 100 }, (_, n) => `topic-${n}`)
    const received = new Set<string>()
    const subscriptions = topics.map((topic) => c.subscribe(topic, () => received.add(topic)))
    await Promise.all(subscriptions.map((subscription) => subscription.ready))
    c.reconnect()
    await vi.waitFor(() => expect(c.state).toBe('open'), patient)
    // Published after the reconnect: every topic must still be subscribed on the new socket.
    await vi.waitFor(() => {
      for (const topic of topics) server.publish(topic, { at: Date.now() })
      expect(received.size).toBe(topics.length)
    }, { ...patient, interval: 10 })
    expect(received.size).toBe(100)
  })
})
