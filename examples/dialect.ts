// A dialect for a server that speaks `{id, method, params}` with no version field, answers `{id, result}`
// or `{id, error}` and pushes events as `{method, params}`. docs/protocol.md shows it importing 'lifeline-ws'.
import { ProtocolError, type Message, type Protocol } from '../src/index'

type Wire = { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } }
const isId = (id: unknown): id is string | number => typeof id === 'string' || typeof id === 'number'

function toWire(m: Message): Wire {
  if (m.type === 'request') return { id: m.id, method: m.method, params: m.params }
  if (m.type === 'notification') return { method: m.method, params: m.params }
  return m.type === 'response' ? { id: m.id, result: m.result ?? null } : { id: m.id, error: m.error }
}

function toMessage(w: Wire): Message | undefined {
  if (typeof w !== 'object' || w === null) return
  const { id, method, params, error } = w
  if (typeof method === 'string' && id === undefined) return { type: 'notification', method, params }
  if (typeof method === 'string') return isId(id) ? { type: 'request', id, method, params } : undefined
  if (isId(id) && 'result' in w) return { type: 'response', id, result: w.result }
  if (typeof error?.code === 'number' && typeof error.message === 'string' && (isId(id) || id == null))
    return { type: 'error', id: id ?? null, error: { code: error.code, message: error.message, data: error.data } }
}

/** The dialect. Ping, subscribe, unsubscribe and publish use the server's own method names. */
export const dialect: Protocol<string> = {
  ping: 'ping', subscribe: 'subscribe', unsubscribe: 'unsubscribe', publish: 'publish',
  codes: { methodNotFound: 404, internalError: 500 }, // what this client answers: no handler, or a handler threw
  encode(message) {
    try {
      return JSON.stringify(Array.isArray(message) ? message.map(toWire) : toWire(message as Message))
    } catch (cause) {
      throw new ProtocolError('cannot encode', message, { cause }) // a BigInt or a cycle
    }
  },
  decode(frame) {
    let data: unknown
    try {
      // Refuse keys that could reach a prototype once a payload is spread or merged. Bytes are no JSON.
      data = JSON.parse(typeof frame === 'string' ? frame : '', (key, value: unknown) => {
        if (['__proto__', 'constructor', 'prototype'].includes(key)) throw new TypeError(key)
        return value
      })
    } catch (cause) {
      throw new ProtocolError('bad frame', frame, { cause })
    }
    const message = Array.isArray(data) ? undefined : toMessage(data as Wire)
    if (message) return [message]
    if (!Array.isArray(data) || !data.length) throw new ProtocolError('bad frame', frame) // a bad message, an empty batch
    return data.map((w: Wire) => toMessage(w) ?? { type: 'invalid', id: isId(w?.id) ? w.id : null }) // member by member
  },
}
