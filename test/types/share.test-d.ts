import { describe, expectTypeOf, it } from 'vitest'
import { createClient, type ClientEnvironment, type Role } from '../../src/share'

describe('share', () => {
  it('takes true, false or a name, and tells the role', () => {
    const client = createClient('wss://x.test/ws', { share: true })
    createClient('wss://x.test/ws', { share: 'chat' })
    createClient('wss://x.test/ws', { share: false })
    // @ts-expect-error a number is no share name
    createClient('wss://x.test/ws', { share: 1 })
    expectTypeOf(client.role).toEqualTypeOf<Role>()
    expectTypeOf<Role>().toEqualTypeOf<'leader' | 'follower' | 'alone'>()
    client.on('role', (role, prev) => {
      expectTypeOf(role).toEqualTypeOf<Role>()
      expectTypeOf(prev).toEqualTypeOf<Role>()
    })
  })

  it("takes the browser's own APIs, and stand-ins, as the environment", () => {
    const environment: ClientEnvironment = { locks: navigator.locks, BroadcastChannel, localStorage }
    createClient('wss://x.test/ws', { share: true, environment })
    createClient('wss://x.test/ws', { share: true, environment: { locks: undefined, BroadcastChannel: undefined } })
    // @ts-expect-error a channel must be a constructor
    createClient('wss://x.test/ws', { share: true, environment: { BroadcastChannel: {} } })
  })
})
