/**
 * What a client is served through, as the rest of the server sees it: a
 * {@link Connection} (one accepted socket) and a {@link Client} (one
 * client, for as long as its socket, or its session, lives). A plain client
 * has one connection for its whole life; a session client is attached to
 * each of its connections in turn. Both change only through their own
 * methods. Types only: connection.ts and client.ts make them.
 * @module
 */
import type { Message, Protocol, WireFrame } from '../../protocol/protocol'
import type { UpgradeRequest } from '../context'
import type { WorkQueue } from '../messages/work'
import type { Session } from '../sessions/session'
import type { Subscriber } from '../topics/topics'
import type { SocketEvents } from '../transport/transport'
import type { Context } from '../types'

/**
 * One accepted WebSocket, from accept to close. The transport tells it what happens on the socket
 * (its {@link SocketEvents} methods); the core writes to the socket through it.
 */
export interface Connection<Auth = unknown> extends SocketEvents, Subscriber {
  /** The HTTP upgrade request. */
  readonly request: UpgradeRequest
  /** What `authenticate` returned for this socket. */
  readonly auth: Auth
  /** The client served on this connection; undefined once a resume took its place, or its session ended. */
  readonly client: Client<Auth> | undefined
  /** Serve `client` from now on (called by {@link Client.attach}). */
  serve(client: Client<Auth>): void
  /** Serve nobody from now on: nothing the socket still sends counts. */
  stopServing(): void
  /** True for the socket's first frame only: only that one may open or resume a session. */
  takeFirstFrame(): boolean
  /** Keep inbound frames from now on, in order, while a handshake is decided. */
  hold(): void
  /** True while holding: `frame` is kept. */
  keepIfHolding(frame: WireFrame): boolean
  /** Stop holding; returns the frames kept, in arrival order. */
  unhold(): WireFrame[]
  /**
   * Take `count` tokens of the socket's rate limit. True when it went over: the socket is then
   * closed with 1008 (once), and nothing it still sends is read.
   */
  overRate(count: number): boolean
  /**
   * The heartbeat's turn. A socket heard from (a frame or a pong) since the last turn is pinged; one
   * that was not is half-open, or gone, and is terminated.
   */
  probe(): void
  /** True while frames can be written. */
  readonly writable: boolean
  /** Write a frame to the socket as it is (untracked); a reader too slow (over `maxBufferedAmount`) is cut off instead. */
  write(frame: WireFrame): void
  /** Close with a code and a reason (cut to what a close frame holds). */
  close(code: number, reason: string): void
  /** Drop the socket without a closing handshake. */
  terminate(): void
}

/** One client as the application sees it: its context (`ctx`), its work, the calls made to it, its session. */
export interface Client<Auth = unknown> {
  readonly ctx: Context<Auth>
  /**
   * The dialect it is served in: its first connection's. A session keeps it: a resume from a
   * connection in another dialect starts a new session instead (the frames kept are in this one).
   */
  readonly protocol: Protocol
  /** Application messages running or waiting for a slot (flow control); made on first use. */
  readonly work: WorkQueue
  /** True while application messages run or wait (without making the work queue). */
  readonly busy: boolean
  /** The connection serving this client now, if any. */
  readonly connection: Connection<Auth> | undefined
  /** The session, once the client opened one. */
  readonly session: Session | undefined
  /** True once the client is gone for good: nothing is sent any more. */
  readonly ended: boolean
  /** Carry every tracked frame through `session` from now on; `ender` ends it (ctx.close, an overflow). */
  startSession(session: Session, ender: { finish(client: Client<Auth>, code: number, reason: string): void }): void
  /**
   * Encode and send a tracked message or batch; an answer that cannot be encoded becomes an internal
   * error. `finishes`: it answers the client's frame at that position (a session's), which finishes
   * with it. Written through: a promise, settled once the journal kept it.
   */
  send(message: Message | Message[], finishes?: number): void | Promise<void>
  /** Send an encoded tracked frame: through the session when there is one, else to the connection. */
  sendFrame(frame: WireFrame, finishes?: number): void | Promise<void>
  /** The client's response or error to a call the server made (`ctx.call`). */
  settle(answer: Extract<Message, { type: 'response' | 'error' }>): void
  /** Serve this client on `connection` from now on. */
  attach(connection: Connection<Auth>): void
  /**
   * The connection is gone; a session waits for the next one. What waits for a slot never starts here:
   * its client writes it again after the resume.
   */
  detach(): void
  /** The client is gone for good: reject the server's calls to it, stop its timers; what waits never starts. */
  end(): void
  /** A new page took the session over: forget what was sent to the old one, and its calls. */
  newPage(): void
  /**
   * Hold what is sent until {@link Client.decided}: the connection's first frame may resume another
   * session, and then this context never was the client's.
   */
  undecided(): void
  /**
   * The first frame decided who this context is: frames held since {@link Client.undecided} go out
   * now, in order (through the session if it started one; nowhere if a resume ended it).
   */
  decided(): void
}
