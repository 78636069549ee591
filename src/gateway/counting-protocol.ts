/**
 * The wire format, counted: `jsonRpc()` with every decoded and encoded message reported by type, so
 * the metrics see messages in and out without reaching into the server.
 * @module
 */
import { jsonRpc, type Decoded, type Message, type Protocol } from '../server/index'

/** `count(direction, type, n)` is told about each frame's messages. */
export function countingProtocol(count: (direction: 'in' | 'out', type: Decoded['type'], n: number) => void): Protocol {
  const base = jsonRpc()
  const tally = (direction: 'in' | 'out', messages: readonly Decoded[]) => {
    for (const message of messages) count(direction, message.type, 1)
  }
  return {
    ...base,
    decode(frame) {
      const messages = base.decode(frame)
      tally('in', messages)
      return messages
    },
    encode(message) {
      const frame = base.encode(message)
      tally('out', Array.isArray(message) ? message : [message as Message])
      return frame
    },
  }
}
