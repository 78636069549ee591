// Option validation rows are keyed by the options' typed names: a misspelt or missing row does not compile.
import { describe, expectTypeOf, it } from 'vitest'
import { ranged, type Rules } from '../../src/socket/validate'
import type { HeartbeatOptions } from '../../src/socket/options'
import { createSocket, type Socket, type SocketOptions } from '../../src/socket'
import { createClient, type Client } from '../../src/index'

describe('option rules', () => {
  it('need a row for every option, under its exact name', () => {
    const rules: Rules<HeartbeatOptions> = { interval: ranged(), timeout: ranged(), ping: () => undefined, pong: () => undefined }
    expectTypeOf(rules).toEqualTypeOf<Rules<HeartbeatOptions>>()
    // @ts-expect-error a misspelt name
    const misspelt: Rules<HeartbeatOptions> = { intervall: ranged(), timeout: ranged(), ping: () => undefined, pong: () => undefined }
    // @ts-expect-error a missing row
    const missing: Rules<HeartbeatOptions> = { interval: ranged(), timeout: ranged(), ping: () => undefined }
    void misspelt
    void missing
  })
})

describe('createSocket', () => {
  it('is the socket a client extends', () => {
    expectTypeOf(createSocket('ws://x')).toEqualTypeOf<Socket>()
    expectTypeOf<Client>().toMatchTypeOf<Socket>()
    expectTypeOf(createClient('ws://x').on).parameter(0).toEqualTypeOf<keyof import('../../src/index').LifecycleEvents>()
  })

  it('takes no client option', () => {
    // @ts-expect-error callTimeout belongs to createClient
    const options: SocketOptions = { callTimeout: 5 }
    void options
  })
})

describe('host types (src/host.ts)', () => {
  it("are the DOM's own where the project has the DOM lib, as this repository's tsconfig does", () => {
    expectTypeOf<import('../../src/host').HostStorage>().toEqualTypeOf<Storage>()
    expectTypeOf<import('../../src/host').HostIndexedDb>().toEqualTypeOf<IDBFactory>()
    expectTypeOf<import('../../src/host').HostAbortSignal>().toEqualTypeOf<AbortSignal>()
    expectTypeOf<import('../../src/host').HostUrl>().toEqualTypeOf<URL>()
    expectTypeOf<import('../../src/host').HostBinaryType>().toEqualTypeOf<BinaryType>()
    expectTypeOf<Parameters<typeof import('../../src/index').indexedDbOutbox>[1]>().toEqualTypeOf<IDBFactory | undefined>()
  })
})
