/**
 * Inbound frames, one connection's at a time, in order: the rate limit,
 * decoding, classifying (control or tracked, for sessions), giving each
 * tracked frame its position in the session (it counts when it starts:
 * counted.ts), holding what comes while a handshake is decided, handing each
 * message to routing.ts, and answering: one reply per request, batches as
 * one batch, replays (topic or session) right after the answer. Control
 * frames are answered on their connection; tracked frames through the
 * client, so a session carries their answers to the client's next
 * connection, and a counted frame finishes with its answer. One per server:
 * a connection's state is its own (connection/connection.ts).
 * @module
 */
import { isBatchFrame } from '../../protocol/msgpack-scan'
import type { Decoded, ErrorObject, InvalidMember, Message, WireFrame } from '../../protocol/protocol'
import type { Client, Connection } from '../connection/types'
import type { Context, ServerStats } from '../types'
import { errorReply, type Commit, type Handled } from './answers'
import type { Codes } from './codes'
import { countedFrame, whenCounted, type CountedFrame } from './counted'
import type { Route } from './routing'

/** What the inbound path needs from its server. @internal */
export interface InboundOptions<Auth> {
  codes: Codes
  stats: ServerStats
  /** Every control method (the session convention's, ping, subscribe, unsubscribe, publish). */
  control: ReadonlySet<string>
  /** The session handshake's method, when sessions are on. */
  sessionMethod: string | undefined
  /** The session convention's ack method. */
  ackMethod: string
  route: Route<Auth>
  /** True once `close()` began: a session's tracked frames no longer start. */
  closing(): boolean
  /** A frame was fully answered. */
  idle(client: Client<Auth>): void
  report(err: unknown, ctx?: Context<Auth>): void
}

/** Receives one inbound frame of a connection (undefined: a binary frame). @internal */
export type Receive<Auth> = (connection: Connection<Auth>, data: WireFrame) => void

/** A batch is answered with a batch, even of one: a JSON array, or MessagePack's array of arrays. */
const isBatch = (data: WireFrame) => (typeof data === 'string' ? /^\s*\[/.test(data) : isBatchFrame(data))

/** @internal */
export function createInbound<Auth>(options: InboundOptions<Auth>): Receive<Auth> {
  const { stats, codes, route } = options
  const isControl = (message: Decoded) => (message.type === 'request' || message.type === 'notification') && options.control.has(message.method)
  const isAck = (message: Decoded) => message.type === 'notification' && message.method === options.ackMethod
  /**
   * A batch member that is no valid message: answered with its own -32600 in the batch's answer
   * (JSON-RPC 2.0, section 6), once its frame counts, like any answer of a tracked frame.
   */
  const invalid = (member: InvalidMember, frame: CountedFrame | undefined): Handled => {
    stats.malformed++
    return whenCounted(frame, () => () => ({ reply: errorReply(member.id, { code: codes.invalidRequest, message: 'Invalid Request' }) }))
  }

  /** Decode, classify and count synchronously, so frames are counted in arrival order. */
  function frame(connection: Connection<Auth>, data: WireFrame): Promise<void> | undefined {
    const client = connection.client
    // A resume gave this connection's place to a newer one: nothing it still sends counts.
    if (!client) return undefined
    const first = connection.takeFirstFrame()
    let messages: Decoded[] | undefined
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
    const session = client.session
    // An invalid batch member is answered too (-32600): only the client's answers to our calls are not.
    const answers = !!messages?.some((message) => message.type !== 'response' && message.type !== 'error')
    // A tracked frame of a session takes its position now; it counts only when it starts.
    const arrival = tracked ? session?.arriveInbound() : undefined
    // Closing: it never starts here, so neither it nor anything after it counts; the client still holds
    // it and sends it to the next server. Its answers to our calls still settle them (the shutdown may
    // be waiting for those calls), and count only if nothing before them was left out.
    if (tracked && session && options.closing() && (answers || !messages)) return undefined
    const frame = arrival === undefined ? undefined : countedFrame(session!, arrival, answers)
    if (!messages) {
      stats.malformed++
      if (first) client.decided()
      frame?.begin()
      void client.send(errorReply(null, failure!))
      return undefined
    }
    const head = messages[0]!
    // Only the connection's first frame, and only in a control frame (the convention never mixes them).
    const opensSession = first && !tracked && head.type == 'request' && head.method === options.sessionMethod
    if (!opensSession && first) client.decided()
    // A tracked frame or an ack comes only after the client read a handshake answer (its outbox opens
    // then): it has the doubts the answer reported. A resubscribe batch, written at once, proves nothing.
    if (tracked || messages.some(isAck)) session?.doubtsHeard()
    if (!opensSession) return answerFrame(connection, client, messages, data, tracked, false, frame)
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
    messages: Decoded[],
    data: WireFrame,
    tracked: boolean,
    opensSession: boolean,
    frame?: CountedFrame,
  ): Promise<void> | undefined {
    const page = client.session?.page
    const handled = messages.map((message, index) =>
      message.type === 'invalid' ? invalid(message, frame) : route(message, client, connection, opensSession && index === 0, frame))
    if (handled.some((one) => one instanceof Promise)) {
      return Promise.all(handled).then((commits) => write(connection, client, commits, data, tracked, page, frame))
    }
    write(connection, client, handled as (Commit | undefined)[], data, tracked, page, frame)
    return undefined
  }

  /**
   * Writes a frame's answer (one reply, or a batch for a batch) and what must follow it. `page`: the
   * session's page when the frame came; a new page took the session over since (a reload, or the next
   * leader tab of lifeline-ws/share), so the answer is for calls it never made and is not sent. The
   * commits still run (a keyed request's answer is remembered for its repeat). A counted frame finishes
   * with its answer (kept in the journal in the same step), or on its own; its slots go back then.
   */
  function write(
    connection: Connection<Auth>,
    client: Client<Auth>,
    commits: (Commit | undefined)[],
    data: WireFrame,
    tracked: boolean,
    page: number | undefined,
    frame: CountedFrame | undefined,
  ) {
    const replies: Message[] = []
    const replay: WireFrame[] = []
    for (const commit of commits) {
      const answer = commit?.()
      if (answer?.reply) replies.push(answer.reply)
      if (answer?.replay) replay.push(...answer.replay)
    }
    const finishing = frame?.started ? frame.position : undefined
    let kept: void | Promise<void> = undefined
    if (replies.length && !(tracked && page !== client.session?.page)) {
      const reply = replies.length > 1 || isBatch(data) ? replies : replies[0]!
      if (tracked) kept = client.send(reply, finishing)
      else connection.write(connection.protocol.encode(reply))
    } else if (finishing !== undefined) kept = client.session?.finishInbound(finishing)
    for (const frame of replay) connection.write(frame)
    // Until it finished, the frame is what a crash could leave in doubt: it keeps its slots.
    const slots = frame?.slots ?? 0
    const free = () => {
      for (let slot = 0; slot < slots; slot++) client.work.release()
      options.idle(client)
    }
    if (kept instanceof Promise) void kept.then(free, free)
    else free()
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
