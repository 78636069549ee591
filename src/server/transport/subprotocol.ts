/**
 * The WebSocket subprotocol a handshake agrees on, for every transport: it picks the connection's
 * dialect (`lifeline.msgpack`…). Its own module so the Deno and Bun adapters share it without
 * importing `ws`.
 * @module
 */

/**
 * The subprotocol a handshake agrees on: the first of the dialects' (in the server's order of
 * preference) that the client offered; when it offered none of them, its first offer, as `ws` does by
 * default (an app may use subprotocols of its own); false when it offered nothing.
 * @internal
 */
export function chooseSubprotocol(dialects: readonly string[], offered: ReadonlySet<string>): string | false {
  for (const name of dialects) if (offered.has(name)) return name
  const [first] = offered
  return first ?? false
}

/** The subprotocols a request's `Sec-WebSocket-Protocol` header offers, in its order. @internal */
export function offeredSubprotocols(request: Request): Set<string> {
  const header = request.headers.get('sec-websocket-protocol') ?? ''
  return new Set(header.split(',').map((name) => name.trim()).filter(Boolean))
}
