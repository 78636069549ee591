/**
 * The default wire format: JSON-RPC 2.0 with batches, plus lifeline's
 * conventions for ping, subscribe, unsubscribe and publish (docs/protocol.md).
 * Shared with `lifeline/server`, so it uses nothing but the language.
 * @module
 */
import { ProtocolError } from '../errors'
import type { Message, Protocol } from './protocol'

/** JSON-RPC 2.0: the frame is not valid JSON. */
export const ParseError = -32700
/** JSON-RPC 2.0: the JSON is not a valid request object. */
export const InvalidRequest = -32600
/** JSON-RPC 2.0: no such method. */
export const MethodNotFound = -32601
/** JSON-RPC 2.0: invalid method parameters. */
export const InvalidParams = -32602
/** JSON-RPC 2.0: internal error while handling the request. */
export const InternalError = -32603

/**
 * Method names of lifeline's conventions (docs/protocol.md); JSON-RPC reserves
 * the `rpc.` prefix for such extensions.
 * @example
 * jsonRpc({ ping: 'system.ping', publish: 'event' })
 */
export interface JsonRpcOptions {
  /** @default 'rpc.ping' */
  ping?: string
  /** @default 'rpc.subscribe' */
  subscribe?: string
  /** @default 'rpc.unsubscribe' */
  unsubscribe?: string
  /** @default 'rpc.publish' */
  publish?: string
}

type Obj = { [key: string]: unknown }

const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v)
// JSON-RPC params must be structured: an object or an array.
const isParams = (v: unknown) => v === undefined || (typeof v == 'object' && v !== null)
const isId = (v: unknown) => typeof v == 'string' || typeof v == 'number'
const fail = (frame: unknown, cause?: unknown) => new ProtocolError('lifeline: bad frame', frame, { cause })

/** Checks one parsed message against the spec; undefined when it is malformed. */
function toMessage(o: unknown): Message | undefined {
  if (!isObj(o) || o.jsonrpc !== '2.0') return
  const { id, method, params, error: e } = o
  if ('method' in o) {
    if (typeof method != 'string' || !isParams(params)) return
    // A request with id null is legal but discouraged, and has no place in our Message type.
    return !('id' in o) ? { type: 'notification', method, params } : isId(id) ? { type: 'request', id, method, params } : undefined
  }
  if ('result' in o) return isId(id) && !('error' in o) ? { type: 'response', id, result: o.result } : undefined
  if ((isId(id) || id === null) && isObj(e) && Number.isInteger(e.code) && typeof e.message == 'string')
    return { type: 'error', id, error: { code: e.code as number, message: e.message, data: e.data } }
}

function toWire({ type, ...m }: Message): Obj {
  if ('params' in m && !isParams(m.params)) throw new TypeError('params must be an object or array')
  // A result of undefined would vanish from the JSON and leave no result member at all.
  return { jsonrpc: '2.0', ...m, ...(type == 'response' && { result: (m as { result?: unknown }).result ?? null }) }
}

/**
 * JSON-RPC 2.0, the default protocol. Encodes single messages and batches
 * (an array of messages becomes one array frame); decodes and strictly
 * validates single messages and batches. Anything malformed, and any
 * `__proto__`, `constructor` or `prototype` key, throws a `ProtocolError`
 * carrying the frame; its `cause` is a `SyntaxError` only when the frame
 * was not JSON at all (answer that with {@link ParseError}, the rest with
 * {@link InvalidRequest}).
 * @param options method names of the conventions; each has a `rpc.` default
 * @example
 * createClient(url, { protocol: jsonRpc({ publish: 'event' }) })
 */
export function jsonRpc(options: JsonRpcOptions = {}): Protocol {
  return {
    ping: 'rpc.ping',
    subscribe: 'rpc.subscribe',
    unsubscribe: 'rpc.unsubscribe',
    publish: 'rpc.publish',
    ...options,
    encode(message) {
      try {
        return JSON.stringify(Array.isArray(message) ? message.map(toWire) : toWire(message as Message))
      } catch (cause) {
        throw new ProtocolError('lifeline: cannot encode', message, { cause })
      }
    },
    decode(frame) {
      let messages: (Message | undefined)[]
      try {
        // Keys that could reach a prototype once user code spreads or merges a payload.
        const data: unknown = JSON.parse(frame, (key, value: unknown) => {
          if (/^(__proto__|constructor|prototype)$/.test(key)) throw new TypeError(key)
          return value
        })
        messages = Array.isArray(data) ? data.map(toMessage) : [toMessage(data)]
      } catch (cause) {
        throw fail(frame, cause)
      }
      if (!messages.length || messages.includes(undefined)) throw fail(frame)
      return messages as Message[]
    },
  }
}
