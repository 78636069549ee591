// What the Deno and Bun transports share past the door, in Node: one socket's life (served, or
// closed with the verdict's code, when it opens; its events to the core until it closes, once;
// its place given back), the set of live sockets close() waits for, and the entries' refusals
// outside their runtime. The transports themselves run in Deno and Bun: `npm run test:runtimes`.
import { describe, expect, it, vi } from 'vitest'
import { createServer as createDenoServer } from '../../../src/server/deno'
import { createServer as createBunServer } from '../../../src/server/bun'
import { createLiveSockets } from '../../../src/server/transport/live-sockets'
import { NativeConnection } from '../../../src/server/transport/native'
import type { SocketEvents, TransportHost, TransportSocket } from '../../../src/server/transport/transport'
import { toUpgradeRequest, type Admitted } from '../../../src/server/transport/web-door'
import type { Verdict } from '../../../src/server/transport/upgrade'
import { manualClock } from '../../helpers/manual-clock'
import type { WebServerOptions } from '../../../src/server/web'

function life(verdict: Verdict<string>) {
  const events = { message: vi.fn(), pong: vi.fn(), closed: vi.fn() } satisfies SocketEvents
  const host = { accept: vi.fn(() => events), count: vi.fn(), report: vi.fn() } satisfies TransportHost<string>
  const release = vi.fn()
  const admitted: Admitted<string> = { host, request: toUpgradeRequest(new Request('http://x/ws?a=1'), '10.0.0.1'), verdict, release }
  const socket: TransportSocket = { send: vi.fn(), close: vi.fn(), terminate: vi.fn(), bufferedAmount: 0, open: true }
  const clock = manualClock()
  const live = createLiveSockets<TransportSocket>(clock.clock)
  return { connection: new NativeConnection(admitted, socket, live), events, host, release, socket, live, clock, admitted }
}

describe('NativeConnection', () => {
  it('hands an accepted socket to the core on open, with its request and auth, and reports its events until it closes, once', () => {
    const { connection, events, host, release, socket, live, admitted } = life({ ok: true, auth: 'ann' })
    connection.message('before open')
    connection.opened()
    expect(host.accept).toHaveBeenCalledWith(socket, admitted.request, 'ann')
    expect([...live]).toEqual([socket])
    connection.message('{"jsonrpc":"2.0"}')
    connection.message(undefined)
    connection.pong()
    connection.closed(1000, 'bye')
    connection.closed(1006, '')
    connection.message('after close')
    expect(events.message.mock.calls).toEqual([['{"jsonrpc":"2.0"}'], [new Uint8Array(0)]])
    expect(events.pong).toHaveBeenCalledTimes(1)
    expect(events.closed.mock.calls).toEqual([[1000, 'bye']])
    expect(release).toHaveBeenCalledTimes(1)
    expect(live.size).toBe(0)
  })

  it('closes a refused socket with 4401/4403 and the reason when it opens, never serving it', () => {
    const { connection, host, socket, release } = life({ ok: false, status: 403, reason: 'Banned until Monday' })
    connection.opened()
    connection.message('{"jsonrpc":"2.0","id":1,"method":"secret"}')
    expect(host.accept).not.toHaveBeenCalled()
    expect(socket.close).toHaveBeenCalledWith(4403, 'Banned until Monday')
    connection.closed(4403, 'Banned until Monday')
    expect(release).toHaveBeenCalledTimes(1)
  })

  it('gives the place back for a socket that closed before it opened, and then ignores the open', () => {
    const { connection, host, release, live } = life({ ok: true, auth: 'ann' })
    connection.closed(1006, '')
    connection.opened()
    expect(host.accept).not.toHaveBeenCalled()
    expect(release).toHaveBeenCalledTimes(1)
    expect(live.size).toBe(0)
  })

  it('counts a protocol violation as malformed', () => {
    const { connection, host } = life({ ok: true, auth: 'ann' })
    connection.malformed()
    expect(host.count).toHaveBeenCalledWith('malformed')
  })
})

describe('live sockets', () => {
  it('wakes every waiter when the last socket goes, and each one after its own time otherwise', async () => {
    const clock = manualClock()
    const live = createLiveSockets<string>(clock.clock)
    await live.drained(1000)
    live.add('a')
    live.add('b')
    const woken: string[] = []
    void live.drained(1000).then(() => woken.push('first'))
    void live.drained(50).then(() => woken.push('short'))
    clock.advance(50)
    await Promise.resolve()
    expect(woken).toEqual(['short'])
    live.delete('a')
    live.delete('a')
    await Promise.resolve()
    expect(woken).toEqual(['short'])
    live.delete('b')
    await Promise.resolve()
    expect(woken).toEqual(['short', 'first'])
    expect(clock.pending).toBe(0)
  })
})

describe('the Deno and Bun entries', () => {
  const entries: [string, (options: WebServerOptions) => unknown][] = [['deno', createDenoServer], ['bun', createBunServer]]

  it.each(entries)('%s: refuses to start outside its runtime, naming the entry to use', (entry, create) => {
    const name = entry === 'deno' ? 'Deno' : 'Bun'
    expect(() => create({ port: 0 })).toThrow(new TypeError(`lifeline-ws/server/${entry}: this is not ${name} (there is no ${name} global); on Node, import lifeline-ws/server`))
  })

  it.each(entries)("%s: refuses lifeline-ws/server's server option, and checks the rest like it", (entry, create) => {
    expect(() => create({ server: {} } as never)).toThrow(`lifeline-ws/server/${entry}: server is lifeline-ws/server's option (a Node http server); pass port, or noServer and call handleUpgrade from your`)
    expect(() => create({ noServer: true, allowOrigins: [] } as never)).toThrow('unknown option allowOrigins; did you mean allowedOrigins?')
    expect(() => create(null as never)).toThrow(`lifeline-ws/server/${entry}: options must be an object, got null`)
  })
})
