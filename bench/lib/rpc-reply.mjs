// The bench servers' JSON-RPC behaviour: every request is answered with
// result = params, anything else comes back as it was.

const answer = (m) => (m && typeof m === 'object' && 'id' in m && typeof m.method === 'string'
  ? { jsonrpc: '2.0', id: m.id, result: m.params ?? null }
  : undefined)

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
