/**
 * Keys on the frames the hub writes for its tabs (docs/sharing.md, "No
 * frame twice"): each tab's call or notification carries `once: [tab id,
 * seq]`, so when two leaders both write it (the old one just before its tab
 * closed, unknown to the next), the server's session runs it once and
 * answers a repeated call with the first run's answer (docs/protocol.md,
 * "Keyed messages").
 * @module
 */
import type { Message, Once, Protocol } from '../protocol/protocol'

/** @internal */
export interface FrameKeys {
  /** The protocol for the leader's real client: `protocol`, keying the message `next` names. */
  protocol: Protocol
  /** Key the next request or notification of `method` the client encodes, within `write`. */
  next<T>(method: string, once: Once, write: () => T): T
}

/** @internal */
export function frameKeys(protocol: Protocol): FrameKeys {
  let pending: { method: string; once: Once } | undefined
  const keyed = (message: Message): Message => {
    if (!pending || (message.type !== 'request' && message.type !== 'notification') || message.method !== pending.method) return message
    const { once } = pending
    pending = undefined
    return { ...message, once }
  }
  return {
    // The client encodes a call or a notification synchronously, as it is made: the key is set just
    // around that, and only the message of that method takes it (never a ping or an ack in between).
    protocol: Object.assign(Object.create(protocol) as Protocol, {
      encode: (message: Message | readonly Message[]) => protocol.encode(Array.isArray(message) ? message : keyed(message as Message)),
    }),
    next(method, once, write) {
      pending = { method, once }
      try {
        return write()
      } finally {
        pending = undefined
      }
    },
  }
}
