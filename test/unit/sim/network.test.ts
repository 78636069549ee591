import { describe, expect, it } from 'vitest'
import { seeded } from '../../chaos/prng'
import { Scheduler } from '../../sim/kernel/scheduler'
import { BrowserSocket } from '../../sim/net/browser-socket'
import { Network, type Connection, type Packet } from '../../sim/net/network'
import { ServerSocket } from '../../sim/net/server-socket'

const TIMING = { minLatency: 5, maxLatency: 30, jitter: 25, rto: [1000, 2000] as [number, number] }

/** A network with one server address `s0` whose sockets land in `accepted`. */
function world() {
  const scheduler = new Scheduler()
  const network = new Network(scheduler, seeded(7), TIMING)
  const accepted: ServerSocket[] = []
  network.listen('s0', {
    owner: 's0#1',
    upgrade(connection) {
      const socket = new ServerSocket(network, scheduler, connection, 's0#1')
      accepted.push(socket)
      socket.accept()
      return socket
    },
  })
  const run = (until = Infinity) => {
    for (let at = scheduler.peekTime(); at !== undefined && at <= until; at = scheduler.peekTime()) scheduler.next()!.fn()
  }
  return { scheduler, network, accepted, run }
}

/** A client socket whose events are recorded. */
function client(network: Network, url = 'ws://s0/') {
  const socket = new BrowserSocket(network, 'c0', url)
  const events: string[] = []
  socket.onopen = () => events.push('open')
  socket.onmessage = ((event: { data: string }) => events.push(`message ${event.data}`)) as never
  socket.onerror = () => events.push('error')
  socket.onclose = ((event: { code: number; wasClean: boolean }) => events.push(`close ${event.code}${event.wasClean ? ' clean' : ''}`)) as never
  return { socket, events }
}

const received = (server: ServerSocket) => {
  const messages: string[] = []
  server.on('message', (data: string) => messages.push(data))
  return messages
}

describe('the simulated network', () => {
  it('delivers each direction in order, whatever the jitter', () => {
    const { network, accepted, run } = world()
    const { socket, events } = client(network)
    run()
    const server = accepted[0]!
    const messages = received(server)
    for (let n = 1; n <= 50; n++) socket.send(`up ${n}`)
    for (let n = 1; n <= 50; n++) server.send(`down ${n}`)
    run()
    expect(messages).toEqual(Array.from({ length: 50 }, (_, index) => `up ${index + 1}`))
    expect(events).toEqual(['open', ...Array.from({ length: 50 }, (_, index) => `message down ${index + 1}`)])
  })

  it('holds what is written into a blackhole and delivers it, in order, when the hole heals', () => {
    const { network, accepted, run, scheduler } = world()
    const { socket, events } = client(network)
    run()
    const server = accepted[0]!
    network.blackhole(socket.connection, ['down'])
    server.send('one')
    server.send('two')
    run(scheduler.now + 10_000)
    expect(events).toEqual(['open'])
    network.heal(socket.connection)
    server.send('three')
    run()
    expect(events).toEqual(['open', 'message one', 'message two', 'message three'])
  })

  it('loses what a dead path held: the side that wrote into it times out, the silent side stays half-open', () => {
    const { network, accepted, run } = world()
    const { socket, events } = client(network)
    run()
    const server = accepted[0]!
    const closes: number[] = []
    server.on('close', (code: number) => closes.push(code))
    network.blackhole(socket.connection, ['up', 'down'])
    server.send('into the hole')
    network.breakPath(socket.connection)
    run()
    return Promise.resolve().then(() => {
      expect(closes).toEqual([1006])
      expect(events).toEqual(['open'])
      expect(socket.readyState).toBe(1)
      // The client writes at last: it learns too.
      socket.send('anyone?')
      run()
      expect(events).toEqual(['open', 'error', 'close 1006'])
    })
  })

  it('delivers a reset behind the data already on the wire', () => {
    const { network, accepted, run } = world()
    const { socket, events } = client(network)
    run()
    accepted[0]!.send('before the reset')
    network.reset(socket.connection)
    run()
    expect(events).toEqual(['open', 'message before the reset', 'error', 'close 1006'])
  })

  it('refuses a connection nobody listens for, and stalls one while a stall lasts', () => {
    const { network, run, accepted } = world()
    const refused = client(network, 'ws://s9/')
    network.admit('c0', 'stall')
    const stalled = client(network)
    run()
    expect(refused.events).toEqual(['error', 'close 1006'])
    expect(stalled.events).toEqual([])
    expect(accepted).toHaveLength(0)
    network.admit('c0', undefined)
    network.heal(stalled.socket.connection)
    run()
    expect(stalled.events).toEqual(['open'])
  })

  it('closes cleanly with the code of the closing handshake, on either side', () => {
    const { network, accepted, run } = world()
    const first = client(network)
    const second = client(network)
    run()
    const codes: number[] = []
    for (const server of accepted) server.on('close', (code: number) => codes.push(code))
    first.socket.close(4001, 'bye')
    accepted[1]!.close(1012, 'Service restart')
    run()
    return Promise.resolve().then(() => {
      expect(first.events).toEqual(['open', 'close 4001 clean'])
      expect(second.events).toEqual(['open', 'close 1012 clean'])
      expect(codes.sort()).toEqual([1012, 4001])
      expect(network.open.size).toBe(0)
    })
  })

  it('answers pings from the browser side, and gives up on a closing handshake that never ends', () => {
    const { network, accepted, run, scheduler } = world()
    const { socket, events } = client(network)
    run()
    let pongs = 0
    accepted[0]!.on('pong', () => pongs++)
    accepted[0]!.ping()
    run()
    expect(pongs).toBe(1)
    network.blackhole(socket.connection, ['up', 'down'])
    socket.close(1000)
    const closedAt = scheduler.now
    run(closedAt + 19_000)
    expect(events).toEqual(['open'])
    run(closedAt + 21_000)
    expect(events).toEqual(['open', 'error', 'close 1006'])
  })

  it('throws as a browser does on send while connecting and on a bad close code', () => {
    const { network } = world()
    const { socket } = client(network)
    expect(() => socket.send('too early')).toThrow(/CONNECTING/)
    expect(() => socket.close(1001)).toThrow(/bad close code/)
  })
})

describe('a connection', () => {
  it('is done once both sides closed', () => {
    const { network, accepted, run } = world()
    const { socket } = client(network)
    run()
    const connection: Connection = socket.connection
    expect(connection.done).toBe(false)
    accepted[0]!.terminate()
    run()
    expect(connection.done).toBe(true)
    const packet: Packet = { kind: 'data', data: 'late' }
    network.send(connection, 'down', packet)
    run()
  })
})
