/**
 * Inbound frames, one connection's at a time, in order: the rate limit,
 * decoding, classifying (control or tracked, for sessions), counting
 * tracked frames in the session, holding what comes while a handshake is
 * decided, handing each message to routing.ts, and answering: one reply per
 * request, batches as one batch, replays (topic or session) right after the
 * answer. Control frames are answered on their connection; tracked frames
 * through the client, so a session carries their answers to the client's
 * next connection. One per server: a connection's state is its own
 * (connection/connection.ts).
 * @module
 */
import { isBatchFrame } from '../../protocol/msgpack-scan'
import type { ErrorObject, Message, WireFrame } from '../../protocol/protocol'
import type { Client, Connection } from '../connection/types'
import type { Context, ServerStats } from '../types'
import { errorReply, type Commit } from './answers'
import type { Codes } from './codes'
import type { Route } from './routing'

/** What the inbound path needs from its server. @internal */
export interface InboundOptions<Auth> {
  codes: Codes
  stats: ServerStats
  /** Every control method (the session convention's, ping, subscribe, unsubscribe, publish). */
  control: ReadonlySet<string>
  /** The session handshake's method, when sessions are on. */
  sessionMethod: string | undefined
  route: Route<Auth>
  /** True once `close()` began: a session's tracked frames are no longer counted. */
  closing(): boolean
  /** A frame was fully answered. */
  idle(client: Client<Auth>): void
  report(err: unknown, ctx?: Context<Auth>): void
}

/** Receives one inbound frame of a connection. @internal */
export type Receive<Auth> = (connection: Connection<Auth>, frame: WireFrame) => void

/** A batch is answered with a batch, even of one: a JSON array, or MessagePack's array of arrays. */
const isBatch = (frame: WireFrame) => (typeof frame === 'string' ? /^\s*\[/.test(frame) : isBatchFrame(frame))

/** @internal */
export function createInbound<Auth>(options: InboundOptions<Auth>): Receive<Auth> {
  const { stats, codes, route } = options
  const isControl = (message: Message) => message.type !== 'response' && message.type !== 'error' && options.control.has(message.method)

  /** Decode, classify and count synchronously, so frames are counted in arrival order. */
  function frame(connection: Connection<Auth>, data: WireFrame): Promise<void> | undefined {
    const client = connection.client
    // A resume gave this connection's place to a newer one: nothing it still sends counts.
    if (!client) return undefined
    const first = connection.takeFirstFrame()
    let messages: Message[] | undefined
    let failure: ErrorObject | undefined
    try {
      // In the connection's dialect: a frame of the other kind (bytes to JSON, text to MessagePack) is a parse error.
      messages = connection.protocol.decode(data)
    } catch (err) {
      const parse = (err as { cause?: unknown }).cause instanceof SyntaxError
      failure = parse ? { code: codes.parseError, message: 'Parse error' } : { code: codes.invalidRequest, message: 'Invalid Request' }
    }
    // Every message of a batch costs a token (the frame itself paid one on arrival).
    if (messages && messages.length > 1 && connection.overRate(messages.length - 1)) return undefined
    // A frame is control when every message in it is; anything else, even one that does not decode, is tracked.
    const tracked = !messages?.every(isControl)
    // Not counted, not run: the client still holds it and sends it to the next server.
    if (tracked && client.session && options.closing()) return undefined
    // Write-through sessions: the frame runs once the store counted it (and not if that failed).
    const counted = tracked ? client.session?.countInbound() : undefined
    if (!messages) {
      stats.malformed++
      if (first) client.decided()
      client.send(errorReply(null, failure!))
      return undefined
    }
    const head = messages[0]!
    // Only the connection's first frame, and only in a control frame (the convention never mixes them).
    const opensSession = first && !tracked && head.type == 'request' && head.method === options.sessionMethod
    if (!opensSession && first) client.decided()
    if (counted) return counted.then((run) => (run ? answerFrame(connection, client, messages, data, tracked, false) : undefined))
    if (!opensSession) return answerFrame(connection, client, messages, data, tracked, false)
    // Frames that come while the handshake is decided wait, so each is counted in its session.
    connection.hold()
    return Promise.resolve(answerFrame(connection, client, messages, data, tracked, true)).finally(() => {
      // The answer and any replay are written: what was sent to this connection's own client
      // meanwhile follows them in its new session (or is dropped, if the connection resumed another).
      client.decided()
      for (const held of connection.unhold()) receive(connection, held)
    })
  }

  /** Answers a frame once every message in it was handled: at once when all of them were synchronous. */
  function answerFrame(
    connection: Connection<Auth>,
    client: Client<Auth>,
    messages: Message[],
    data: WireFrame,
    tracked: boolean,
    opensSession: boolean,
  ): Promise<void> | undefined {
    const page = client.session?.page
    const handled = messages.map((message, index) => route(message, client, connection, opensSession && index === 0))
    if (handled.some((one) => one instanceof Promise)) {
      return Promise.all(handled).then((commits) => write(connection, client, commits, data, tracked, page))
    }
    write(connection, client, handled as (Commit | undefined)[], data, tracked, page)
    return undefined
  }

  /**
   * Writes a frame's answer (one reply, or a batch for a batch) and what must follow it. `page`: the
   * session's page when the frame came; a new page took the session over since (a reload, or the next
   * leader tab of lifeline-ws/share), so the answer is for calls it never made and is not sent. The
   * commits still run (a keyed request's answer is remembered for its repeat).
   */
  function write(connection: Connection<Auth>, client: Client<Auth>, commits: (Commit | undefined)[], data: WireFrame, tracked: boolean, page: number | undefined) {
    const replies: Message[] = []
    const replay: WireFrame[] = []
    for (const commit of commits) {
      const answer = commit?.()
      if (answer?.reply) replies.push(answer.reply)
      if (answer?.replay) replay.push(...answer.replay)
    }
    if (replies.length && !(tracked && page !== client.session?.page)) {
      const reply = replies.length > 1 || isBatch(data) ? replies : replies[0]!
      if (tracked) client.send(reply)
      else connection.write(connection.protocol.encode(reply))
    }
    for (const frame of replay) connection.write(frame)
    options.idle(client)
  }

  function receive(connection: Connection<Auth>, data: WireFrame) {
    if (connection.overRate(1)) return
    if (connection.keepIfHolding(data)) return
    const report = (err: unknown) => options.report(err, connection.client?.ctx)
    try {
      frame(connection, data)?.catch(report)
    } catch (err) {
      // Answered synchronously: what would have been a rejection is thrown here.
      report(err)
    }
  }

  return receive
}
