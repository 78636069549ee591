/**
 * Messages between the tabs of a shared client (docs/sharing.md): their
 * shapes, how errors cross a BroadcastChannel, and the check every received
 * message passes. Any script on the origin can post on the channel, so a
 * message is input like a frame from the network: a bad one is refused with
 * a reason, never trusted and never thrown.
 * @module
 */
import {
  abortError, ClientClosedError, ConnectError, ConnectionClosedError, LifelineError, OutcomeUnknownError, ProtocolError,
  QueueFullError, RpcError, TimeoutError,
} from '../errors'
import type { State } from '../socket/reconnect'
import { isCount } from '../checks'

/** An error as it crosses the channel: structured clone keeps neither the class nor its own fields. @internal */
export interface WireError {
  name: string
  message: string
  code?: number | undefined
  data?: unknown
  method?: string | undefined
  timeout?: number | undefined
  sent?: boolean | undefined
  url?: string | undefined
  reason?: string | undefined
}

/** What a tab asks of the leader's hub. @internal */
export type TabBody =
  | { kind: 'who' | 'hello' | 'bye' | 'connect' | 'reconnect' }
  // `prev`: the frame this tab sent to this leader just before this one (none: nothing before it is
  // pending). A hub takes a frame only once it has taken `prev`, so a lost message is never skipped.
  | { kind: 'call'; seq: number; prev?: number | undefined; method: string; params?: unknown; resend?: boolean | undefined }
  | { kind: 'notify'; seq: number; prev?: number | undefined; method: string; params?: unknown }
  | { kind: 'send'; seq: number; prev?: number | undefined; data: unknown; volatile?: boolean | undefined }
  | { kind: 'cancel'; seq: number }
  // `after` and `epoch`: the tab's cursor and the numbering it counts in, for a new leader to resume from.
  | { kind: 'sub'; topic: string; params?: unknown; after?: number | undefined; epoch?: string | undefined }
  | { kind: 'unsub'; topic: string }
  | { kind: 'listen' | 'unlisten'; event: string }
  | { kind: 'handle' | 'unhandle'; method: string }
  | { kind: 'answer'; id: number; ok: boolean; value?: unknown }
  | { kind: 'frames'; on: boolean }

/** What the hub tells one tab (`to`) or every tab. @internal */
export type HubBody =
  | { kind: 'leader' }
  | { kind: 'state'; state: State; subprotocol: string }
  | { kind: 'life'; name: 'open' | 'close' | 'reconnecting' | 'session' | 'error' | 'drop'; payload?: unknown }
  | { kind: 'accepted'; seq: number; error?: unknown }
  // A frame the tab sent never arrived (a message lost between tabs): send every frame not taken again.
  | { kind: 'again' }
  | { kind: 'result'; seq: number; ok: boolean; value?: unknown }
  | { kind: 'event'; event: string; payload?: unknown }
  | { kind: 'publish'; topic: string; seq?: number | undefined; data?: unknown }
  // `epoch`: the numbering the leader's client counts the topic in now, which the tab's cursor then counts in.
  | { kind: 'topic'; topic: string; ok: boolean; gap?: boolean | undefined; epoch?: string | undefined; error?: unknown }
  | { kind: 'request'; id: number; method: string; params?: unknown }
  | { kind: 'frame'; data: unknown }

/** Every message: the version, the sending tab, the tab it is for (none: every tab). @internal */
export type TabMessage = { v: 1; from: string; to?: string | undefined } & (TabBody | HubBody)

type Check = (value: unknown) => boolean
const text: Check = (value) => typeof value == 'string'
const count: Check = isCount
const flag: Check = (value) => typeof value == 'boolean'
const anything: Check = () => true
const optional = (check: Check): Check => (value) => value === undefined || check(value)
const states = ['idle', 'connecting', 'open', 'reconnecting', 'closed']
const lifeEvents = ['open', 'close', 'reconnecting', 'session', 'error', 'drop']

/** The members each kind must have; members not listed are ignored. */
const shapes: Record<string, Record<string, Check>> = {
  who: {},
  hello: {},
  bye: {},
  connect: {},
  reconnect: {},
  leader: {},
  call: { seq: count, prev: optional(count), method: text, resend: optional(flag) },
  notify: { seq: count, prev: optional(count), method: text },
  send: { seq: count, prev: optional(count), data: anything, volatile: optional(flag) },
  cancel: { seq: count },
  sub: { topic: text, after: optional(count), epoch: optional(text) },
  unsub: { topic: text },
  listen: { event: text },
  unlisten: { event: text },
  handle: { method: text },
  unhandle: { method: text },
  answer: { id: count, ok: flag },
  frames: { on: flag },
  state: { state: (value) => states.includes(value as string), subprotocol: text },
  life: { name: (value) => lifeEvents.includes(value as string) },
  accepted: { seq: count },
  again: {},
  result: { seq: count, ok: flag },
  event: { event: text },
  publish: { topic: text, seq: optional(count) },
  topic: { topic: text, ok: flag, gap: optional(flag), epoch: optional(text) },
  request: { id: count, method: text },
  frame: {},
}

/** Kinds a tab sends to the hub; the rest go from the hub to tabs. @internal */
export const toHub = new Set(['who', 'hello', 'bye', 'connect', 'reconnect', 'call', 'notify', 'send', 'cancel', 'sub', 'unsub', 'listen', 'unlisten', 'handle', 'unhandle', 'answer', 'frames'])

/**
 * Checks a received message. Returns it, or what is wrong with it (a message for an `error` event); a
 * message for another tab passes as it is (only its envelope is checked), since it is not acted on.
 * @internal
 */
export function parseMessage(data: unknown): TabMessage | string {
  const message = data as Partial<TabMessage> & Record<string, unknown> | null
  if (typeof message != 'object' || message === null) return 'not an object'
  if (message.v !== 1) return `unknown version ${String(message.v)}`
  if (!text(message.from) || !optional(text)(message.to)) return 'bad from/to'
  const shape = typeof message.kind == 'string' && Object.hasOwn(shapes, message.kind) ? shapes[message.kind] : undefined
  if (!shape) return `unknown kind ${String(message.kind)}`
  for (const [member, check] of Object.entries(shape)) {
    if (!check(message[member])) return `bad ${member} in a '${message.kind}' message`
  }
  return message as TabMessage
}

/** An error, as plain data for the channel. @internal */
export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) }
  const { name, message, code, data, method, timeout, sent, url, reason } = err as Error & Partial<WireError>
  return { name, message, code, data, method, timeout, sent, url, reason }
}

/** Rebuilds the error a tab sent, as its own class where lifeline has one, so `isRpcError` and the like work. @internal */
export function fromWire(value: unknown): Error {
  const wire = value as Partial<WireError> | null
  if (typeof wire?.message != 'string' || typeof wire.name != 'string') return new ProtocolError('lifeline: a tab sent a malformed error', value)
  const { name, message } = wire
  if (name === 'RpcError') return new RpcError(typeof wire.code == 'number' ? wire.code : 0, message, wire.data)
  if (name === 'TimeoutError') return new TimeoutError(message, wire.method, wire.timeout, wire.sent)
  if (name === 'ConnectError') return new ConnectError(String(wire.url ?? ''), Number(wire.code), String(wire.reason ?? ''))
  if (name === 'OutcomeUnknownError') return new OutcomeUnknownError(message, wire.method)
  if (name === 'AbortError') return abortError(message)
  const known: Record<string, new (message: string) => LifelineError> = {
    ConnectionClosedError, ClientClosedError, QueueFullError, ProtocolError,
  }
  const Known = Object.hasOwn(known, name) ? known[name]! : Error
  const err = new Known(message)
  err.name = name
  return err
}
