// No leaks over 100 mounts: components using every store, mounted and unmounted 100 times
// (50 at once, twice), leave no listener, subscription or call on the client, and the server
// no topic.
import { flushSync } from 'svelte'
import { describe, expect, it } from 'vitest'
import Many from './components/Many.svelte'
import { connect, counted, onlyClient, render, startServer, until } from './setup'

describe('leaks', () => {
  it('releases every listener, subscription and call after 100 mounts', async () => {
    const server = await startServer()
    const { client, held } = counted(connect(server))
    const props = $state({ client, count: 0, round: 0 })
    render(Many, props)
    for (const round of [1, 2]) {
      props.round = round
      props.count = 50
      flushSync()
      await until(() => expect(onlyClient(server)?.topics.size).toBe(2))
      // Per component: a state listener for the connection, one for its topic (a closed client
      // turns it to 'error'), an event listener and a client subscription; one server
      // subscription per topic however many components.
      expect(held.on).toBe(100)
      expect(held.listen).toBe(50)
      expect(held.subscribe).toBe(50)
      expect(server.subscribes).toHaveLength(2 * round)
      props.count = 0
      flushSync()
      await until(() => expect(held.subscribe).toBe(0))
      expect(held.on).toBe(0)
      expect(held.listen).toBe(0)
      await until(() => expect(held.call).toBe(0))
      await until(() => expect(onlyClient(server)?.topics.size).toBe(0))
      expect(server.subscribes).toHaveLength(2 * round)
    }
  })
})
