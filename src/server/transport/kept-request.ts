/**
 * What the `ws` transport keeps of an upgrade request for `ctx.request`. Node's `IncomingMessage`
 * outlives the upgrade with a stream's state, its own property store, a `headers` object built
 * from `rawHeaders`, and fresh copies of header names and values that every connection repeats
 * ('Host', 'Upgrade', 'websocket', the host, the origin, the user agent): about a kilobyte on
 * every idle connection, which nobody reads once the socket is open. A {@link KeptRequest} holds
 * the request line, `rawHeaders` (its strings shared with other connections through
 * {@link HeaderStrings}) and the socket, and builds an `IncomingMessage` with the same members
 * (`headers` by node's own rules) the first time `ctx.request` is read; that one is kept.
 * @module
 */
import { IncomingMessage, type IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import type { DeferredRequest } from './transport'

/** Node's own header folding (duplicates joined, `set-cookie` an array); public on every Node we run on. */
type AddHeaderLine = (this: IncomingMessage, name: string, value: string, headers: IncomingHttpHeaders) => void
const addHeaderLine = (IncomingMessage.prototype as unknown as { _addHeaderLine?: AddHeaderLine })._addHeaderLine

/** Headers whose values are credentials or unique per connection: never kept in the shared table. */
const unique = new Set(['sec-websocket-key', 'sec-websocket-protocol', 'cookie', 'authorization', 'proxy-authorization'])

/**
 * One copy of each header name and repeated value for all the connections of one server. Bounded:
 * once it holds `limit` strings it starts over, so what it keeps never grows with the traffic.
 * @internal
 */
export class HeaderStrings {
  private readonly strings = new Map<string, string>()
  constructor(private readonly limit = 512) {}

  /** How many strings it holds now. */
  get size(): number {
    return this.strings.size
  }

  /** Replace, in place, each name and value of `rawHeaders` with the table's equal string. */
  share(rawHeaders: string[]): void {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] ?? ''
      rawHeaders[i] = this.one(name)
      if (!unique.has(name.toLowerCase())) rawHeaders[i + 1] = this.one(rawHeaders[i + 1] ?? '')
    }
  }

  private one(text: string): string {
    const known = this.strings.get(text)
    if (known !== undefined) return known
    if (text.length > 256) return text
    if (this.strings.size >= this.limit) this.strings.clear()
    this.strings.set(text, text)
    return text
  }
}

/** @internal */
export class KeptRequest implements DeferredRequest {
  private readonly url: string | undefined
  private readonly method: string | undefined
  private readonly httpVersionMajor: number
  private readonly httpVersionMinor: number
  private readonly rawHeaders: string[]
  /** Node's `headers`, kept only where it cannot be built again (a Node without `_addHeaderLine`). */
  private readonly headers: IncomingHttpHeaders | undefined
  private readonly joinDuplicateHeaders: boolean | undefined
  private readonly socket: Socket

  constructor(request: IncomingMessage, strings: HeaderStrings) {
    this.url = request.url
    this.method = request.method
    this.httpVersionMajor = request.httpVersionMajor
    this.httpVersionMinor = request.httpVersionMinor
    this.rawHeaders = request.rawHeaders
    this.headers = addHeaderLine ? undefined : request.headers
    // An own property since Node 18.14; what decides how duplicate headers fold.
    this.joinDuplicateHeaders = (request as IncomingMessage & { joinDuplicateHeaders?: boolean }).joinDuplicateHeaders
    this.socket = request.socket as Socket
    strings.share(this.rawHeaders)
  }

  /** An `IncomingMessage` as the upgrade's was: URL, method, version, headers, socket. */
  revive(): IncomingMessage {
    const request = new IncomingMessage(this.socket) as IncomingMessage & { upgrade: boolean; joinDuplicateHeaders?: boolean }
    request.url = this.url ?? ''
    request.method = this.method
    request.httpVersionMajor = this.httpVersionMajor
    request.httpVersionMinor = this.httpVersionMinor
    request.httpVersion = `${this.httpVersionMajor}.${this.httpVersionMinor}`
    request.rawHeaders = this.rawHeaders
    if (this.joinDuplicateHeaders !== undefined) request.joinDuplicateHeaders = this.joinDuplicateHeaders
    request.headers = this.headers ?? this.buildHeaders(request)
    request.complete = true
    // What node sets on the request it hands to 'upgrade' listeners.
    request.upgrade = true
    return request
  }

  private buildHeaders(request: IncomingMessage): IncomingHttpHeaders {
    const headers: IncomingHttpHeaders = {}
    const raw = this.rawHeaders
    for (let i = 0; i + 1 < raw.length; i += 2) addHeaderLine?.call(request, raw[i] ?? '', raw[i + 1] ?? '', headers)
    return headers
  }
}
