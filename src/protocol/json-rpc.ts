/**
 * The default wire format: JSON-RPC 2.0 with batches, plus lifeline's
 * conventions for ping, subscribe, unsubscribe and publish (docs/protocol.md).
 * Shared with `lifeline-ws/server`, so it uses nothing but the language.
 * @module
 */
import { ProtocolError } from '../errors'
import type { Decoded, ErrorObject, Id, Message, Once, Protocol } from './protocol'

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
 * Implementation-defined server error, `codes.overloaded`: "Too many requests", or anything else the
 * client should ask again later (lifeline-ws/server answers a subscribe whose history is unavailable
 * with it). The one name of -32000: lifeline-ws/server exports this constant.
 */
export const TooManyRequests = -32000
/**
 * Implementation-defined server error: a keyed request (`once`) ran before in this session and its
 * answer is no longer kept, so it is neither run again nor answered with its result.
 */
export const AlreadyRun = -32002

/**
 * Every code of {@link Protocol.codes} in JSON-RPC 2.0 and lifeline's conventions. `jsonRpc()`
 * lists the three the client uses; `lifeline-ws/server` fills what a dialect leaves out from here.
 * @internal
 */
export const jsonRpcCodes: Required<Protocol['codes']> = {
  methodNotFound: MethodNotFound,
  internalError: InternalError,
  overloaded: TooManyRequests,
  parseError: ParseError,
  invalidRequest: InvalidRequest,
  invalidParams: InvalidParams,
  alreadyRun: AlreadyRun,
}

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
  /** @default 'rpc.session' */
  session?: string
  /** @default 'rpc.ack' */
  ack?: string
}

// Bundlers replace `process.env.NODE_ENV`; declared here (not from @types/node) so the browser build needs no Node types.
declare const process: { env: { NODE_ENV?: string } }

/**
 * JSON has no bytes: `JSON.stringify` would turn a `Uint8Array` into `{"0":1,"1":2}` and an `ArrayBuffer`
 * or a `Blob` into `{}` without a word. This replacer refuses them, naming the key; `encode` makes that a
 * ProtocolError. It looks at the value as it was (`this[key]`), before a `toJSON` (a Node `Buffer` has
 * one). @internal
 */
function refuseBinary(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw) || (typeof Blob != 'undefined' && raw instanceof Blob)) {
    throw new TypeError(`binary data in '${key}': use msgpack() from lifeline-ws/msgpack, or base64`)
  }
  return value
}

/**
 * The replacer every jsonRpc() encodes with: {@link refuseBinary} in development builds, none in
 * production ones (see {@link jsonRpc}), until a server is made in this process.
 */
let binaryCheck = typeof process !== 'undefined' && process.env.NODE_ENV !== 'production' ? refuseBinary : undefined

/**
 * From now on every jsonRpc() of this process refuses binary data, whatever NODE_ENV says: called by
 * createServer, whose fan-out skips a JSON client for bytes and must do so in production too. The client's
 * bytes are what the check would cost it; a server's are not. @internal
 */
export function refuseBinaryAlways(): void {
  binaryCheck = refuseBinary
}

type Obj = { [key: string]: unknown }
type Wire = Obj & { error?: { code?: unknown; message?: unknown } }

// JSON-RPC params must be structured: an object or an array.
const isParams = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null)
const isId = (value: unknown): value is Id => typeof value === 'string' || typeof value === 'number'

/** A request or notification, if `wire` is a valid one. */
function toCall(wire: Wire): Message | undefined {
  const { id, method, params, once } = wire
  // `once` is copied as sent: only a server acts on it, and lifeline-ws/server checks it there
  // (server/keyed.ts), so the client's decoder does not carry the check.
  if (typeof method !== 'string' || !isParams(params)) return undefined
  if (!('id' in wire)) return { type: 'notification', method, params, once: once as Once | undefined }
  // A request with id null is legal but discouraged: it is answered, with id null.
  return isId(id) || id === null ? { type: 'request', id, method, params, once: once as Once | undefined } : undefined
}

/** A response or error, if `wire` is a valid one. Members of `error` beyond code, message and data are ignored. */
function toAnswer(wire: Wire): Message | undefined {
  const { id, result, error } = wire
  // id null: the answer to a request with id null (a response), or to one whose id could not be read (an error).
  if (!isId(id) && id !== null) return undefined
  if ('result' in wire) return 'error' in wire ? undefined : { type: 'response', id, result }
  const validError = Number.isInteger(error?.code) && typeof error?.message === 'string'
  return validError ? { type: 'error', id, error: error as ErrorObject } : undefined
}

/** Checks one parsed message against the spec; undefined when it is malformed. */
function toMessage(wire: Wire | null): Message | undefined {
  // Only an object can carry the version: primitives and arrays stop here.
  if (wire?.jsonrpc !== '2.0') return undefined
  return 'method' in wire ? toCall(wire) : toAnswer(wire)
}

/** A batch member: its message, or an invalid member in its place, with its id when it has a usable one. */
const toMember = (item: Wire | null): Decoded => toMessage(item) ?? { type: 'invalid', id: isId(item?.id) ? item.id : null }

const HOSTILE = /"(__proto__|constructor|prototype)"|\\u/
const refuseHostileKeys = (key: string, value: unknown) => {
  if (/^(__proto__|constructor|prototype)$/.test(key)) throw new TypeError(key)
  return value
}

/** The wire object of one message: members written out per type (cheaper than a spread, and the same JSON). */
function toWire(message: Message): Obj {
  switch (message.type) {
    case 'notification':
    case 'request':
      if (!isParams(message.params)) {
        throw new ProtocolError(`lifeline: JSON-RPC params must be an object or an array ('${message.method}' got ${typeof message.params})`, message)
      }
      // params and once: undefined vanish from the JSON.
      return message.type === 'request'
        ? { jsonrpc: '2.0', id: message.id, method: message.method, params: message.params, once: message.once }
        : { jsonrpc: '2.0', method: message.method, params: message.params, once: message.once }
    // A result of undefined would vanish from the JSON too, so it becomes null.
    case 'response':
      return { jsonrpc: '2.0', id: message.id, result: message.result ?? null }
    default:
      return { jsonrpc: '2.0', id: message.id, error: message.error }
  }
}

/**
 * JSON-RPC 2.0, the default protocol. Encodes single messages and batches
 * (an array of messages becomes one array frame); decodes and strictly
 * validates single messages and batches. A frame that is not JSON (bytes
 * included), a single message that is malformed, an empty batch, and any
 * `__proto__`, `constructor` or `prototype` key throw a `ProtocolError`
 * carrying the frame; its `cause` is a `SyntaxError` only when the frame was
 * not JSON at all (answer that with {@link ParseError}, the rest with
 * {@link InvalidRequest}). A batch is judged member by member: a malformed
 * member becomes an `InvalidMember` in its place. Binary data (a
 * `Uint8Array` or any view, an `ArrayBuffer`, a `Blob`) in a message is
 * refused with a `ProtocolError` that names its key and says to use
 * `msgpack()` or base64: in development builds, and in every build once a
 * `lifeline-ws/server` runs in the process. A production client build skips
 * the check: sending bytes over JSON is a mistake of the code that
 * development shows, and in every build the check cost about 90 B of every
 * client on JSON (docs/protocol.md, "Encodings").
 * @param options method names of the conventions; each has a `rpc.` default
 * @example
 * createClient(url, { protocol: jsonRpc({ publish: 'event' }) })
 */
export function jsonRpc(options: JsonRpcOptions = {}): Protocol<string> {
  return {
    name: 'lifeline.json',
    ping: 'rpc.ping',
    subscribe: 'rpc.subscribe',
    unsubscribe: 'rpc.unsubscribe',
    publish: 'rpc.publish',
    session: 'rpc.session',
    ack: 'rpc.ack',
    ...options,
    // Only the codes the client uses: the server takes the others from jsonRpcCodes (no bytes in the bundle).
    codes: { methodNotFound: MethodNotFound, internalError: InternalError, overloaded: TooManyRequests },
    encode(message) {
      const wire = Array.isArray(message) ? message.map(toWire) : toWire(message as Message)
      try {
        return JSON.stringify(wire, binaryCheck)
      } catch (cause) {
        throw new ProtocolError(`lifeline: cannot encode as JSON: ${String((cause as Error).message)}`, message, { cause })
      }
    },
    decode(frame) {
      let cause
      try {
        // Keys that could reach a prototype once user code spreads or merges a payload. A reviver
        // costs a call per value, so it runs only when the text could hold such a key (or a \u
        // escape, which could spell one). Bytes are no JSON: parsed as nothing, they are a SyntaxError
        // like any other frame that is not JSON (JSON.parse would read a Node Buffer as its UTF-8 text).
        const data: unknown = JSON.parse(typeof frame == 'string' ? frame : '', HOSTILE.test(frame as string) ? refuseHostileKeys : undefined)
        // One message is the common frame: no batch array to wrap it in and map over.
        if (!Array.isArray(data)) {
          const message = toMessage(data as Wire | null)
          if (message) return [message]
        } else if (data.length) {
          // Judged member by member (JSON-RPC 2.0, section 6): a bad member does not sink the others.
          return data.map(toMember)
        }
      } catch (err) {
        cause = err
      }
      throw new ProtocolError('lifeline: bad frame', frame, { cause })
    },
  }
}
