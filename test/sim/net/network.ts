/**
 * The simulated network: connections between a client and a server
 * process, each a pair of FIFO channels with a latency, and the faults of a
 * real path. A blackholed channel holds what is written into it (as TCP
 * holds unacknowledged bytes); the hole then heals (everything arrives, in
 * order) or the path dies (the bytes are gone, and a side that wrote into
 * it learns of it only after a retransmission timeout; a side that never
 * writes never learns: half-open). A reset reaches both sides behind what
 * was already on the wire. Connections can be refused or stall before the
 * upgrade. Every delivery is an event of the receiver, so a crashed
 * process receives nothing.
 * @module
 */
import type { Random } from '../../chaos/prng'
import type { Scheduler } from '../kernel/scheduler'

/** What travels on a connection: the upgrade, WebSocket frames, and TCP's own ends. */
export type Packet =
  | { kind: 'upgrade' }
  | { kind: 'accept' }
  | { kind: 'refuse'; status: number }
  | { kind: 'data'; data: string }
  | { kind: 'ping' }
  | { kind: 'pong' }
  | { kind: 'close'; code: number; reason: string }
  /** TCP FIN: the peer ended the connection (after a closing handshake, or a terminate). */
  | { kind: 'end' }
  /** TCP RST, or a retransmission timeout: the connection is gone. */
  | { kind: 'reset' }

/** One end of a connection: who it belongs to and what it does with a packet. */
export interface End {
  readonly owner: string
  receive(packet: Packet): void
}

/** Where a direction goes: `up` is client to server. */
export type Direction = 'up' | 'down'

class Channel {
  /** When the last packet sent on it arrives: later packets never arrive before it (FIFO). */
  lastAt = 0
  /** Blackholed: packets written are held, not delivered. */
  hole = false
  /** Dead path: packets written are lost. */
  dead = false
  held: Packet[] = []
  /** The sender already has a retransmission timeout coming. */
  timingOut = false
}

/** A connection between one client and one server address. */
export class Connection {
  readonly up = new Channel()
  readonly down = new Channel()
  /** The server process's end, once the upgrade reached one. */
  server: End | undefined
  /** True once the client's socket reached CLOSED (its end is done). */
  clientDone = false
  /** True once the server's socket reached CLOSED, or its process died. */
  serverDone = false
  constructor(
    readonly id: number,
    readonly address: string,
    readonly client: End,
    readonly latency: number,
  ) {}
  get done() {
    return this.clientDone && (this.serverDone || !this.server)
  }
}

/** What a server process gives the network to receive connections. */
export interface Listener {
  readonly owner: string
  /** An upgrade arrived on `connection`: return the server's end (it answers `accept` or `refuse` itself). */
  upgrade(connection: Connection): End
}

/** Per-address conditions a fault sets for new connections. */
type Admission = 'refuse' | 'stall'

/** @internal */
export class Network {
  private readonly listeners = new Map<string, Listener>()
  /** Connections that are not done, by id. */
  readonly open = new Map<number, Connection>()
  /** Conditions for new connections, per client owner. */
  private readonly admissions = new Map<string, Admission>()
  private lastId = 0
  /** Connection attempts, for the figures. */
  attempts = 0

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly timing: { minLatency: number; maxLatency: number; jitter: number; rto: [number, number] },
  ) {}

  listen(address: string, listener: Listener) {
    this.listeners.set(address, listener)
  }

  unlisten(address: string, listener: Listener) {
    if (this.listeners.get(address) === listener) this.listeners.delete(address)
  }

  listening(address: string): boolean {
    return this.listeners.has(address)
  }

  /** New connections of `client` are refused, stall, or (undefined) go through. */
  admit(client: string, admission: Admission | undefined) {
    if (admission) this.admissions.set(client, admission)
    else this.admissions.delete(client)
  }

  /** A client opens a connection to `address`; its end gets `accept`, `refuse` or `reset`, or nothing (a stall). */
  connect(address: string, client: End): Connection {
    this.attempts++
    const latency = this.random.int(this.timing.minLatency, this.timing.maxLatency)
    const connection = new Connection(++this.lastId, address, client, latency)
    this.open.set(connection.id, connection)
    const admission = this.admissions.get(client.owner)
    if (admission === 'refuse' || !this.listeners.has(address)) {
      // Nobody listens (or a firewall resets): the SYN is answered with a reset.
      this.deliver(connection, 'down', { kind: 'reset' }, 2 * latency)
      return connection
    }
    // A stall: the upgrade goes into a hole; the fault's end decides (heal, or the path dies).
    if (admission === 'stall') connection.up.hole = true
    this.send(connection, 'up', { kind: 'upgrade' })
    return connection
  }

  /** Writes a packet; it arrives after the latency, in order, unless the path holds or loses it. */
  send(connection: Connection, direction: Direction, packet: Packet) {
    const channel = connection[direction]
    if (channel.dead) {
      this.timeOut(connection, direction)
      return
    }
    if (channel.hole) {
      channel.held.push(packet)
      return
    }
    const jitter = this.timing.jitter ? this.random.int(0, this.timing.jitter) : 0
    this.deliver(connection, direction, packet, connection.latency + jitter)
  }

  /** Packets written from now on are held, in the given directions. */
  blackhole(connection: Connection, directions: readonly Direction[]) {
    for (const direction of directions) connection[direction].hole = true
  }

  /** The hole closes: what it held arrives, in order, then everything after it. */
  heal(connection: Connection) {
    for (const direction of ['up', 'down'] as const) {
      const channel = connection[direction]
      if (!channel.hole) continue
      channel.hole = false
      const held = channel.held
      channel.held = []
      for (const packet of held) this.send(connection, direction, packet)
    }
  }

  /** The path dies for good: what the holes held is lost, and each side that wrote into them times out. */
  breakPath(connection: Connection) {
    for (const direction of ['up', 'down'] as const) {
      const channel = connection[direction]
      const wrote = channel.held.length > 0
      channel.held = []
      channel.hole = false
      channel.dead = true
      if (wrote) this.timeOut(connection, direction)
    }
  }

  /** A reset (a middlebox, or a peer's kernel): both sides get it behind what is already on the wire. */
  reset(connection: Connection) {
    for (const direction of ['up', 'down'] as const) {
      const channel = connection[direction]
      channel.held = []
      channel.hole = false
      channel.dead = true
    }
    this.deliver(connection, 'up', { kind: 'reset' }, connection.latency)
    this.deliver(connection, 'down', { kind: 'reset' }, connection.latency)
  }

  /** A process died with its host: its connections give no sign at all (no FIN, no RST). */
  vanish(connection: Connection) {
    connection.serverDone = true
    for (const direction of ['up', 'down'] as const) {
      const channel = connection[direction]
      channel.held = []
      channel.hole = false
      channel.dead = true
    }
    this.settle(connection)
  }

  /** Runs `fn` in `delay` ms as `owner` (a socket's own timers: a browser's closing handshake). */
  later(delay: number, owner: string, what: string, fn: () => void) {
    this.scheduler.at(delay, owner, what, fn)
  }

  /** An end reached CLOSED: forget the connection once both have. */
  settle(connection: Connection) {
    if (connection.done) this.open.delete(connection.id)
  }

  /** The sender learns the path is dead after a retransmission timeout (once per direction). */
  private timeOut(connection: Connection, direction: Direction) {
    const channel = connection[direction]
    if (channel.timingOut) return
    channel.timingOut = true
    const [low, high] = this.timing.rto
    const sender = direction === 'up' ? connection.client : connection.server
    if (!sender) return
    this.scheduler.at(this.random.int(low, high), sender.owner, 'net.rto', () => sender.receive({ kind: 'reset' }), `c${connection.id}`)
  }

  private deliver(connection: Connection, direction: Direction, packet: Packet, delay: number) {
    const channel = connection[direction]
    const at = Math.max(this.scheduler.now + delay, channel.lastAt)
    channel.lastAt = at
    if (direction === 'up' && packet.kind === 'upgrade') {
      this.scheduler.at(at - this.scheduler.now, 'net', 'net.upgrade', () => this.arrive(connection), `c${connection.id} ${connection.address}`)
      return
    }
    const receiver = direction === 'up' ? connection.server : connection.client
    if (!receiver) return
    const detail = packet.kind === 'data' ? `c${connection.id} ${direction} ${packet.data}` : `c${connection.id} ${direction} ${describe(packet)}`
    this.scheduler.at(at - this.scheduler.now, receiver.owner, 'net', () => receiver.receive(packet), detail)
  }

  /** The upgrade reached the address: whoever listens there now gets the connection. */
  private arrive(connection: Connection) {
    const listener = this.listeners.get(connection.address)
    if (!listener || connection.up.dead) {
      if (!connection.up.dead) this.deliver(connection, 'down', { kind: 'reset' }, connection.latency)
      return
    }
    // The upgrade is the server process's work from here on (and so are the promise jobs it queues).
    this.scheduler.current = listener.owner
    connection.server = listener.upgrade(connection)
  }
}

const describe = (packet: Packet): string => {
  if (packet.kind === 'close') return `close ${packet.code} ${packet.reason}`
  if (packet.kind === 'refuse') return `refuse ${packet.status}`
  return packet.kind
}
