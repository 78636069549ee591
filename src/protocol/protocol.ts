/**
 * The wire format seam. A {@link Protocol} turns {@link Message}s into frames
 * and frames back into messages; everything above it (calls, events, topics,
 * heartbeat) speaks only in messages. The client and `lifeline-ws/server` share
 * this file.
 * @module
 */
import type { HostBinaryType } from '../host'

/**
 * One frame on the wire: text for a text dialect (JSON-RPC), bytes for a binary one (MessagePack).
 * A decoder is also handed an `ArrayBuffer` when the socket's `binaryType` is `'arraybuffer'`.
 */
export type WireFrame = string | Uint8Array

/**
 * The socket options a dialect may set for its client ({@link Protocol.socketOptions}): `protocols` and
 * `binaryType`, as `createSocket`'s options have them (written out here: the protocol layer sits under the socket's).
 */
export interface DialectSocketOptions {
  /** Subprotocols, or a provider called before every attempt. */
  protocols?: string | string[] | undefined | (() => string | string[] | undefined | Promise<string | string[] | undefined>)
  /** How binary frames arrive. */
  binaryType?: HostBinaryType | undefined
}

/** A request id. lifeline's client makes numbers; peers may use strings. */
export type Id = number | string

/** A JSON-RPC style error object. */
export interface ErrorObject {
  code: number
  message: string
  data?: unknown
}

/**
 * A key that makes a request or notification run at most once in a session, however often it is
 * written: `[origin, n]`, with `n` rising (from 1) per origin. The server keeps each origin's highest
 * `n` and does not run a message at or below it again; a repeated request gets the first run's
 * answer while the server remembers it (docs/protocol.md, "Keyed messages"). `lifeline-ws/share` keys
 * the frames of each tab with the tab's id, so a frame two leader tabs both wrote runs once. Decoders
 * copy it as sent; `lifeline-ws/server` checks its shape before acting on it.
 */
export type Once = readonly [origin: string, n: number]

/**
 * One protocol message, in either direction. A request's `id` may be `null`: JSON-RPC 2.0 allows it
 * (discouraged), and its answer carries `null` back; lifeline's client never makes one.
 */
export type Message =
  | { type: 'request'; id: Id | null; method: string; params?: unknown; once?: Once | undefined }
  | { type: 'notification'; method: string; params?: unknown; once?: Once | undefined }
  | { type: 'response'; id: Id | null; result: unknown }
  | { type: 'error'; id: Id | null; error: ErrorObject }

/**
 * A member of a batch frame that is no valid message (JSON-RPC 2.0's "Invalid Request"). A decoder
 * returns one in the member's place, so that the rest of the batch is still handled: a server runs
 * and answers the valid members and answers this one with its own error; a client delivers the valid
 * members and reports this one. `id`: the member's id when it has a string or number one, else `null`
 * (the id its error answer carries, as json-rpc-2.0's server does).
 */
export interface InvalidMember {
  type: 'invalid'
  id: Id | null
}

/** What {@link Protocol.decode} gives for each message of a frame: the message, or an invalid batch member. */
export type Decoded = Message | InvalidMember

/** Parameters of the subscribe request, by convention. */
export interface SubscribeParams {
  topic: string
  /** The last sequence number the client saw, so the server can replay what came after it. */
  after?: number
  /** The numbering `after` counts in: the `epoch` of the subscribe answer that gave it (docs/protocol.md, "Topics"). */
  epoch?: string
  /** Extra, application-defined subscription parameters. */
  params?: unknown
}

/** Result of the subscribe request, by convention. Any other result counts as a plain confirmation. */
export interface SubscribeResult {
  /** The topic's latest sequence number when the subscription started. */
  seq?: number | null
  /** True when `after` was older than the history the server keeps: messages were lost. */
  gap?: boolean
  /**
   * Which numbering `seq` counts in, when the server's history can tell (a history that starts its
   * numbering again, in a new process, has a new one). A client sends it back with its cursor.
   */
  epoch?: string
}

/** Parameters of a topic message notification (method {@link Protocol.publish}), by convention. */
export interface PublishParams {
  topic: string
  /** Per-topic sequence number, when the server numbers messages. */
  seq?: number
  data: unknown
}

/**
 * A wire format. The default is `jsonRpc()`; `msgpack()` (from `lifeline-ws/msgpack`) is the binary one;
 * write your own for a dialect (see docs/protocol.md). `Frame` is what `encode` makes: `string` for a text
 * dialect, `Uint8Array` for a binary one.
 * @example
 * const dialect: Protocol = { ...jsonRpc(), encode: myEncode, decode: myDecode }
 */
export interface Protocol<Frame extends WireFrame = WireFrame> {
  /**
   * Encode one message, or several as one batch frame. Throws (a `ProtocolError`)
   * when a value cannot be encoded, for example a BigInt or a cycle.
   */
  encode(message: Message | readonly Message[]): Frame
  /**
   * Decode one inbound frame into its messages (several for a batch). Throws a `ProtocolError`
   * carrying the frame when the frame as a whole is malformed (not the dialect's syntax, no message,
   * an empty batch, a key that could reach a prototype), or when it is of the other kind (a binary
   * frame for a text dialect, text for a binary one). In a batch, a member that is no valid message
   * becomes an {@link InvalidMember} in its place, so the others are still handled; a dialect that
   * throws for such a batch instead still works, and its batches are refused whole.
   */
  decode(frame: WireFrame | ArrayBuffer): Decoded[]
  /**
   * The WebSocket subprotocol that names this dialect (`lifeline.json` for jsonRpc(), `lifeline.msgpack`
   * for msgpack()). The client offers it in the handshake; `lifeline-ws/server`, given several dialects,
   * serves each connection in the one its client offered (docs/protocol.md, "Encodings").
   */
  readonly name?: string
  /**
   * What a client on this dialect needs of its socket, given the app's socket options and returning the
   * ones to use. msgpack() offers its subprotocol first, before the app's own, and reads binary frames as
   * `ArrayBuffer`s (a `Blob`, a browser's default, cannot be decoded synchronously). The dialect carries
   * this, so that a client on JSON ships none of it. @default none: the app's options as they are
   * @example
   * const dialect: Protocol = { ...jsonRpc(), socketOptions: (options) => ({ ...options, binaryType: 'arraybuffer' }) }
   */
  readonly socketOptions?: <Options extends DialectSocketOptions>(options: Options) => Options
  /** Method of the request sent as a heartbeat probe. Any reply, even an error, proves life. */
  readonly ping: string
  /** Method of the subscribe request; its params are {@link SubscribeParams}. */
  readonly subscribe: string
  /** Method of the unsubscribe notification; its params are `{ topic }`. */
  readonly unsubscribe: string
  /** Method of the notification that carries a topic message; its params are {@link PublishParams}. */
  readonly publish: string
  /**
   * The dialect's error codes: a client answers a server request it has no handler for with
   * `methodNotFound`, and a handler that throws with `internalError`; an error with `methodNotFound`
   * in answer to a call names the method in its message. jsonRpc(): -32601, -32603 and -32000.
   * `lifeline-ws/server` answers with the same table; an optional code a dialect leaves out is
   * JSON-RPC's (shown with each).
   */
  readonly codes: {
    readonly methodNotFound: number
    readonly internalError: number
    /**
     * The server is over a limit, "too many requests" (`TooManyRequests` in json-rpc.ts and
     * lifeline-ws/server), or cannot serve a request now: a subscribe answered so is asked again on the
     * next open.
     */
    readonly overloaded?: number
    /** A frame that is not even the dialect's syntax (not JSON, or binary). jsonRpc(): -32700. */
    readonly parseError?: number
    /** A frame in the dialect's syntax that is no valid message. jsonRpc(): -32600. */
    readonly invalidRequest?: number
    /** A known method with params it cannot take. jsonRpc(): -32602. */
    readonly invalidParams?: number
    /** A keyed request (`once`) that ran before and whose answer is no longer kept. jsonRpc(): -32002. */
    readonly alreadyRun?: number
  }
  /**
   * Method of the session handshake request (docs/protocol.md, "Sessions"); without it the client
   * makes no session. @default 'rpc.session' in jsonRpc()
   */
  readonly session?: string
  /** Method of the cumulative acknowledgement notification of sessions. @default 'rpc.ack' in jsonRpc() */
  readonly ack?: string
}
