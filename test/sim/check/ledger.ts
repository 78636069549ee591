/**
 * Everything the clients sent and got, and everything the servers ran and
 * pushed, checked as it happens: each tracked frame runs at most once and
 * in order (client to server), each event arrives at most once and in order
 * (server to client), an answer is the right one and comes after the events
 * the server sent before it, a `drop` report is true. The world tells the
 * ledger which session losses are explained (a crash without write-through,
 * a session ttl); only across an explained loss may a frame run twice or
 * out of order (docs/delivery.md, "When a session cannot resume").
 * @module
 */
import type { Findings } from './findings'

export type FrameKind = 'work' | 'poke' | 'ask' | 'note'

/** One tracked frame a client issued, and what became of it. */
export interface Issued {
  readonly c: number
  readonly n: number
  readonly kind: FrameKind
  readonly issuedAt: number
  readonly resend: boolean
  readonly keyed: boolean
  readonly timeout: number
  /** 'ok' or the error's name, once the call settled. */
  outcome?: string
  settledAt?: number
  /** The reason of the `drop` event that reported it. */
  dropped?: string
  /** Every start of its method on a server: the process and the time. */
  readonly runs: { owner: string; at: number }[]
}

/** What one client saw. */
export interface ClientView {
  readonly c: number
  /** Its `session` events, in order. */
  readonly sessions: { at: number; id: string; resumed: boolean }[]
  /** Times of session losses (`resumed: false` after a first session). */
  readonly losses: number[]
  /** Highest frame number started on a server so far. */
  lastStarted: number
  /** Broadcast ticks received. */
  readonly ticks: Set<number>
  /** The last tick received from each process that emitted one (broadcasts keep order per origin only). */
  readonly lastTick: Map<string, number>
  /** `poked` events received (per frame number). */
  readonly poked: Set<number>
  lastPoked: number
  /** Server-to-client calls the client's handler ran, by key. */
  readonly handled: Set<string>
  /**
   * Per topic: the last seq received since the subscription was confirmed (`ready`), and whether an
   * onGap came since. Before the confirmation, messages of an earlier subscription may still arrive.
   */
  readonly topics: Map<string, { ready: boolean; last: number | undefined; gap: boolean }>
  /**
   * True once the client went on without a session (its first handshake got no answer within
   * connectTimeout: docs/protocol.md). A plain client's frames written into a socket that died are lost
   * or rejected (ConnectionClosedError) by design: at most once.
   */
  plain: boolean
}

const TYPED = new Set(['RpcError', 'TimeoutError', 'ConnectionClosedError', 'ClientClosedError', 'QueueFullError', 'OutcomeUnknownError'])

/** @internal */
export class Ledger {
  readonly issued = new Map<string, Issued>()
  readonly clients: ClientView[] = []
  /** Broadcast ticks: who emitted each and which contexts were there to get it. */
  readonly ticks = new Map<number, { owner: string; at: number; recipients: ReadonlySet<string> }>()
  counts = { runs: 0, events: 0, topicMessages: 0, losses: 0 }
  /** Notifications that have neither run nor been reported in a drop event. */
  private open = 0

  constructor(
    private readonly findings: Findings,
    private readonly now: () => number,
    /**
     * True when process `owner` (any process, when undefined) crashed, or was closed, after `since`: what
     * it ran then may be in doubt.
     */
    private readonly goneSince: (owner: string | undefined, since: number) => boolean = () => false,
  ) {}

  client(c: number): ClientView {
    let view = this.clients[c]
    if (!view) {
      view = { c, sessions: [], losses: [], lastStarted: 0, ticks: new Set(), lastTick: new Map(), poked: new Set(), lastPoked: 0, handled: new Set(), topics: new Map(), plain: false }
      this.clients[c] = view
    }
    return view
  }

  issue(frame: Omit<Issued, 'runs' | 'issuedAt'>): Issued {
    const issued: Issued = { ...frame, issuedAt: this.now(), runs: [] }
    this.issued.set(`${frame.c}:${frame.n}`, issued)
    if (frame.kind === 'note') this.open++
    return issued
  }

  /** True when every notification ran or was reported. */
  get notesAccounted(): boolean {
    return this.open === 0
  }

  private account(frame: Issued) {
    if (frame.kind === 'note' && !frame.runs.length && frame.dropped === undefined) this.open--
  }

  get(c: number, n: number): Issued | undefined {
    return this.issued.get(`${c}:${n}`)
  }

  /** True when client `c` lost its session after `from` (and up to now). */
  lostSince(c: number, from: number): boolean {
    return this.client(c).losses.some((at) => at >= from)
  }

  /** A resend call that may have been written again as a new frame (in doubt after a crash, or a hand-over, or a plain client's drop). */
  private rewritten(frame: Issued): boolean {
    return frame.resend && (this.client(frame.c).plain || this.goneSince(undefined, frame.issuedAt))
  }

  // ---- client to server ----

  /** A server started the method of frame (c, n). */
  ran(owner: string, c: number, n: number, kind: FrameKind) {
    this.counts.runs++
    const frame = this.get(c, n)
    const at = this.now()
    if (!frame || frame.kind !== kind) {
      this.findings.fail('phantom', `${owner} ran ${kind} c${c}#${n}, which client c${c} never issued`)
      return
    }
    if (frame.dropped !== undefined && frame.dropped !== 'unknown') {
      this.findings.fail('drop-lie', `c${c}#${n} (${kind}) was reported in a drop event (${frame.dropped}) and then ran on ${owner}`)
    }
    if (frame.outcome === 'TimeoutError:unsent') {
      this.findings.fail('timeout-lie', `c${c}#${n} (${kind}) timed out as never sent, and then ran on ${owner}`)
    }
    const previous = frame.runs.at(-1)
    this.account(frame)
    frame.runs.push({ owner, at })
    // A resend call in doubt (its process died while it ran, or a plain client's socket did) is written
    // again, as the app asked.
    const rerun = frame.resend && previous !== undefined && (this.goneSince(previous.owner, previous.at) || this.client(c).plain)
    if (previous && !rerun && !this.lostSince(c, previous.at)) {
      this.findings.fail('duplicate', `c${c}#${n} (${kind}) ran twice: on ${previous.owner} at ${previous.at} ms and on ${owner}, with no session lost in between`)
      return
    }
    const view = this.client(c)
    // Written again as a new frame (a resend call in doubt, or after a lost session), it goes behind later ones.
    if (n < view.lastStarted && !this.rewritten(frame) && !this.lostSince(c, frame.issuedAt)) {
      this.findings.fail('order', `c${c}#${n} (${kind}) started on ${owner} after c${c}#${view.lastStarted}, with no session lost since it was issued`)
    }
    view.lastStarted = Math.max(view.lastStarted, n)
  }

  /** A call settled: `value` is its result ('ok') or its error. */
  settled(frame: Issued, ok: boolean, value: unknown) {
    frame.settledAt = this.now()
    const { c, n } = frame
    if (ok) {
      frame.outcome = 'ok'
      const answer = value as { c?: unknown; n?: unknown } | null
      if (answer?.c !== c || answer.n !== n) this.findings.fail('wrong-answer', `c${c}#${n} (${frame.kind}) resolved with ${JSON.stringify(value)}`)
      if (!frame.runs.length) this.findings.fail('phantom-answer', `c${c}#${n} (${frame.kind}) was answered, but no server ran it`)
      if (frame.kind === 'poke' && !this.client(c).poked.has(n)) {
        this.findings.fail('event-after-answer', `c${c}#${n}: the answer to poke arrived before the event the server sent ahead of it`)
      }
      return
    }
    const name = (value as { name?: unknown } | null)?.name
    if (typeof name !== 'string' || !TYPED.has(name)) {
      frame.outcome = 'untyped'
      this.findings.fail('untyped', `c${c}#${n} (${frame.kind}) rejected with ${String(value)}`)
      return
    }
    const unsent = name === 'TimeoutError' && (value as { sent?: boolean }).sent === false
    frame.outcome = unsent ? 'TimeoutError:unsent' : name
    if (unsent && frame.runs.length) this.findings.fail('timeout-lie', `c${c}#${n} (${frame.kind}) timed out as never sent, but it ran on ${frame.runs[0]!.owner}`)
    if (name === 'ConnectionClosedError' && !this.client(c).plain && !this.lostSince(c, frame.issuedAt)) {
      this.findings.fail('unexplained-rejection', `c${c}#${n} (${frame.kind}) rejected with ConnectionClosedError, but its session was never lost`)
    }
  }

  /** A `drop` event reported these frames. */
  dropped(c: number, frames: readonly unknown[], reason: string) {
    for (const frame of frames) {
      const key = keyOf(frame)
      if (!key || key.c !== c) continue
      const issued = this.get(key.c, key.n)
      if (!issued) continue
      this.account(issued)
      issued.dropped = reason
      if (reason !== 'unknown' && issued.runs.length) {
        this.findings.fail('drop-lie', `c${c}#${key.n} (${issued.kind}) reported in a drop event (${reason}), but it ran on ${issued.runs[0]!.owner}`)
      }
    }
  }

  // ---- sessions ----

  /** A `session` event; a loss must be explained (`explain` returns why, or undefined). */
  session(c: number, id: string, resumed: boolean, explain: () => string | undefined) {
    const view = this.client(c)
    const at = this.now()
    const lost = !resumed && view.sessions.length > 0
    view.sessions.push({ at, id, resumed })
    if (!lost) return
    this.counts.losses++
    view.losses.push(at)
    if (!explain()) this.findings.fail('session-lost', `c${c} lost its session (new session ${id}) with no crash, expiry or overflow to explain it`)
  }

  // ---- server to client ----

  /** Broadcast tick `n`, emitted by process `from`. */
  tick(c: number, n: number, from: string) {
    this.counts.events++
    const view = this.client(c)
    const last = view.lastTick.get(from) ?? 0
    if (view.ticks.has(n)) this.findings.fail('event-duplicate', `c${c} got broadcast tick ${n} (from ${from}) twice`)
    else if (n < last) this.findings.fail('event-order', `c${c} got broadcast tick ${n} after tick ${last}, both from ${from}`)
    view.ticks.add(n)
    view.lastTick.set(from, Math.max(last, n))
  }

  poked(c: number, n: number) {
    this.counts.events++
    const view = this.client(c)
    const frame = this.get(c, n)
    if (view.poked.has(n) && !(frame && frame.runs.length > 1)) this.findings.fail('event-duplicate', `c${c} got the event of poke #${n} twice`)
    else if (n < view.lastPoked && !(frame && (this.lostSince(c, frame.issuedAt) || this.rewritten(frame)))) {
      this.findings.fail('event-order', `c${c} got the event of poke #${n} after that of #${view.lastPoked}`)
    }
    view.poked.add(n)
    view.lastPoked = Math.max(view.lastPoked, n)
  }

  /** The client's handler ran a server-to-client call (key: the frame that made the server call). */
  handled(c: number, key: string) {
    const view = this.client(c)
    const [, n] = key.split('#')
    const frame = this.get(c, Number(n))
    if (view.handled.has(key) && !(frame && frame.runs.length > 1)) this.findings.fail('duplicate', `c${c} ran the server's call ${key} twice`)
    view.handled.add(key)
  }

  /** A broadcast tick left `owner`, for the contexts it served then. */
  emitted(owner: string, n: number, recipients: ReadonlySet<string>) {
    this.ticks.set(n, { owner, at: this.now(), recipients })
  }

  topicMessage(c: number, topic: string, seq: number) {
    this.counts.topicMessages++
    const state = this.client(c).topics.get(topic)
    if (!state?.ready) return
    if (state.last !== undefined) {
      if (seq <= state.last) this.findings.fail('topic-order', `c${c} got ${topic} seq ${seq} after seq ${state.last}`)
      else if (seq > state.last + 1 && !state.gap) this.findings.fail('topic-hole', `c${c} got ${topic} seq ${seq} after seq ${state.last}, with no onGap`)
    }
    state.last = seq
    state.gap = false
  }

  topicGap(c: number, topic: string) {
    const state = this.client(c).topics.get(topic)
    if (state) state.gap = true
  }
}

/** The (c, n) a frame of ours carries in its params, read back from the encoded frame. */
export function keyOf(frame: unknown): { c: number; n: number } | undefined {
  if (typeof frame !== 'string') return undefined
  const match = /"params":\{"c":(\d+),"n":(\d+)/.exec(frame)
  return match ? { c: Number(match[1]), n: Number(match[2]) } : undefined
}
