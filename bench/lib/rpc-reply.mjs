// The bench servers' JSON-RPC behaviour: every request is answered with
// result = params, anything else comes back as it was. `rpc.session` (the
// lifeline client's handshake, the first frame of every socket) is answered
// -32601 like any plain JSON-RPC server would, so the client measured
// against these peers is the plain client, without a session.

const SESSION_METHOD = 'rpc.session'

const methodNotFound = (m) => ({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `Method not found: ${m.method}` } })

const answer = (m) => {
  if (!m || typeof m !== 'object' || !('id' in m) || typeof m.method !== 'string') return undefined
  return m.method === SESSION_METHOD ? methodNotFound(m) : { jsonrpc: '2.0', id: m.id, result: m.params ?? null }
}

/** The frame to send back for `text`, or undefined for none (a batch of notifications). */
export function rpcReply(text) {
  let msg
  try {
    msg = JSON.parse(text)
  } catch {
    return text
  }
  if (Array.isArray(msg)) {
    const replies = msg.map(answer).filter(Boolean)
    return replies.length ? JSON.stringify(replies) : undefined
  }
  const reply = answer(msg)
  return reply ? JSON.stringify(reply) : text
}

/**
 * For the echo peer's first frame: the -32601 answer when it is a session
 * handshake, else undefined (echo it). Only the first frame is looked at, so
 * the echo itself stays a verbatim copy with no parsing.
 */
export function sessionRefusal(text) {
  if (!text.includes(SESSION_METHOD)) return undefined
  let msg
  try {
    msg = JSON.parse(text)
  } catch {
    return undefined
  }
  return msg?.method === SESSION_METHOD && 'id' in msg ? JSON.stringify(methodNotFound(msg)) : undefined
}
